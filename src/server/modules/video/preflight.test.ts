import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLiveSession } from '../../../../test/e2e/route-fixtures.js';
import { need } from '../../../../test/support/need.js';
import { createTestApp, type Session, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { systemCtx } from '../../platform/context.js';
import { until } from '../../../../test/support/until.js';

/**
 * Pre-flight (handbook 3.3) over HTTP: the tech and the host tick their items, other roles are
 * refused, unknown items and bad bodies are named; the upload test counts what arrives; and with a
 * real encoder (ffmpeg) the test-stream mode: publishing leaves the session scheduled, the audience
 * sees nothing, the team's preview plays, "Go public" takes it live with the stream running.
 */

interface Item {
  key: string;
  checked: boolean;
  byName: string | null;
  at: string | null;
  note: string | null;
  mayTick: boolean;
  done: boolean;
  auto: { status: string; reason: string | null; value: number | null; limit: number | null } | null;
}
interface Checklist {
  items: Item[];
  summary: { done: number; total: number; ready: boolean; failing: string[] };
  rehearsal: { since: string; byName: string | null } | null;
}


describe.each(dialects())('pre-flight on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let tech: Session;
  let host: Session;
  let cs: Session;
  let owner: Session;
  let encoder: ChildProcess | null = null;

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    [tech, host, cs, owner] = [await t.signInAs(['tech']), await t.signInAs(['host']), await t.signInAs(['cs']), await t.signInAs(['owner'])];
  });
  afterAll(async () => {
    encoder?.kill('SIGKILL');
    await t?.dispose();
  });

  const as = (who: Session) => ({ cookie: who.cookie, 'x-csrf-token': who.csrf });
  const checklist = async (id: string, who: Session = owner) => {
    const r = await t.app.inject({ url: `/api/console/sessions/${id}/preflight`, headers: as(who) });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<Checklist>();
  };
  const tick = (id: string, item: string, who: Session, payload: unknown) => t.app.inject({ method: 'PUT', url: `/api/console/sessions/${id}/preflight/${item}`, headers: as(who), payload: payload as object });
  const item = (c: Checklist, key: string) => c.items.find((i) => i.key === key)!;
  const audits = async (id: string) => (await t.database.db.selectFrom('audit_log').select(['action', 'after_json']).where('target_id', '=', id).orderBy('at').execute()).filter((a) => a.action.startsWith('preflight.') || a.action.startsWith('stream.'));

  it('the tech ticks equipment, the host the content; who and when are kept; unticking works; the same state again is not a change', async () => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Pre-flight ticks' });
    const fresh = await checklist(s.id, tech);
    expect(fresh.summary).toEqual({ done: 0, total: 14, ready: false, failing: [] });
    expect(item(fresh, 'hardware.device').mayTick).toBe(true);
    expect(item(fresh, 'content.script').mayTick).toBe(false);

    const r1 = await tick(s.id, 'hardware.device', tech, { checked: true, note: 'laptop on mains' });
    expect(r1.statusCode, r1.body).toBe(200);
    expect(item(r1.json<Checklist>(), 'hardware.device')).toMatchObject({ checked: true, done: true, byName: 'Test tech', note: 'laptop on mains' });
    const r2 = await tick(s.id, 'content.script', host, { checked: true });
    expect(r2.statusCode, r2.body).toBe(200);
    expect(item(r2.json<Checklist>(), 'content.script')).toMatchObject({ checked: true, byName: 'Test host' });
    expect(r2.json<Checklist>().summary).toMatchObject({ done: 2, total: 14, ready: false });
    // Idempotent: the same tick again changes nothing and is not audited again.
    expect((await tick(s.id, 'content.script', host, { checked: true })).statusCode).toBe(200);
    expect((await audits(s.id)).map((a) => a.action)).toEqual(['preflight.checked', 'preflight.checked']);
    // Unticking is allowed and recorded.
    const r3 = await tick(s.id, 'hardware.device', tech, { checked: false });
    expect(item(r3.json<Checklist>(), 'hardware.device')).toMatchObject({ checked: false, done: false, note: 'laptop on mains' });
    expect((await audits(s.id)).map((a) => a.action)).toEqual(['preflight.checked', 'preflight.checked', 'preflight.unchecked']);
  });

  it('refuses other roles and the other role’s items (403), names unknown items and bad bodies (400)', async () => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Pre-flight refusals' });
    const byCs = await tick(s.id, 'content.script', cs, { checked: true });
    expect(byCs.statusCode).toBe(403);
    const hostOnTechItem = await tick(s.id, 'software.obs', host, { checked: true });
    expect(hostOnTechItem.statusCode).toBe(403);
    const unknown = await tick(s.id, 'hardware.teleporter', tech, { checked: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: { issues: { path: string }[] } }>().error.issues.map((i) => i.path)).toContain('params.item');
    const bad = await tick(s.id, 'hardware.device', tech, { checked: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { issues: { path: string }[] } }>().error.issues.map((i) => i.path)).toContain('body.checked');
    const figures = await tick(s.id, 'hardware.device', tech, { checked: true, measuredKbps: 5 });
    expect(figures.statusCode).toBe(400);
    expect((await checklist(s.id)).summary.done).toBe(0);
  });

  it('upload test: counts the raw bytes and the receive time; too large is 413; the result held to the bitrate decides network.upload', async () => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Pre-flight upload' });
    const body = Buffer.alloc(2 * 1024 * 1024, 7);
    const res = await fetch(`${base}/api/console/sessions/${s.id}/preflight/upload-test`, { method: 'POST', headers: { ...as(tech), 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    const got = (await res.json()) as { bytes: number; receiveMs: number; serverMbps: number | null };
    expect(got.bytes).toBe(body.length);
    expect(got.receiveMs).toBeGreaterThanOrEqual(0);
    const big = await fetch(`${base}/api/console/sessions/${s.id}/preflight/upload-test`, { method: 'POST', headers: { ...as(tech), 'content-type': 'application/octet-stream' }, body: Buffer.alloc(9 * 1024 * 1024) }).catch(() => null);
    if (big) expect(big.status).toBe(413);
    const refused = await fetch(`${base}/api/console/sessions/${s.id}/preflight/upload-test`, { method: 'POST', headers: { ...as(cs), 'content-type': 'application/octet-stream' }, body });
    expect(refused.status).toBe(403);

    const slow = await tick(s.id, 'network.upload', tech, { checked: true, measuredKbps: 2000, targetKbps: 3128 });
    expect(item(slow.json<Checklist>(), 'network.upload')).toMatchObject({ checked: true, done: false, auto: { status: 'fail', reason: 'UPLOAD_TOO_SLOW', value: 2000, limit: 4692 } });
    expect(slow.json<Checklist>().summary.failing).toEqual(['network.upload']);
    const fast = await tick(s.id, 'network.upload', tech, { checked: true, measuredKbps: 40_000, targetKbps: 3128 });
    expect(item(fast.json<Checklist>(), 'network.upload')).toMatchObject({ done: true, auto: { status: 'pass' } });
    const audit = (await audits(s.id)).at(-1)!;
    expect(JSON.parse(audit.after_json!)).toMatchObject({ item: 'network.upload', measuredKbps: 40_000 });
  });

  it('a session that is live or ended cannot start a test stream (409)', async () => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Pre-flight too late' });
    await t.services.sessions.transition(systemCtx('test'), s.id, 'live');
    const r = await t.app.inject({ method: 'POST', url: `/api/console/sessions/${s.id}/stream/rehearsal`, headers: as(tech) });
    expect(r.statusCode).toBe(409);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('REHEARSAL_NOT_ALLOWED');
  });

  it.skipIf(!need('ffmpeg'))('test-stream mode: a publish leaves the session scheduled, the audience sees nothing, the team preview plays; "Go public" takes it live', async () => {
    const s = await makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Pre-flight rehearsal' });
    const start = await t.app.inject({ method: 'POST', url: `/api/console/sessions/${s.id}/stream/rehearsal`, headers: as(tech) });
    expect(start.statusCode, start.body).toBe(200);
    expect(start.json()).toMatchObject({ rehearsal: { byName: 'Test tech' }, state: 'offline', sessionStatus: 'scheduled' });
    const settings = (await t.app.inject({ url: `/api/console/sessions/${s.id}/stream`, headers: as(tech) })).json<{ server: string; streamKey: string }>();
    // The outputs (HLS, recording, restream) hear of the publish only once it is public: a test
    // stream is never pushed to other platforms or recorded.
    const outputsTold: string[] = [];
    t.services.video.onPublish({ started: (p) => p.sessionId === s.id && outputsTold.push(p.publishId) });
    encoder = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '90', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', `${settings.server}/${settings.streamKey}`],
      { stdio: 'ignore' },
    );
    await until('the encoder to publish', () => t.services.video.streamStats(s.id).state === 'live');
    await until('a keyframe in the relay', () => (t.services.video.streamStats(s.id).relay?.gopTags ?? 0) > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.services.sessions.getInternal(s.id)).status).toBe('scheduled');
    expect(outputsTold).toEqual([]);

    // The audience: offline, and video.flv is refused without the team's token.
    const guest = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;
    const info = await t.app.inject({ url: `/api/live/${s.id}/stream`, headers: { 'x-guest-token': guest } });
    expect(info.statusCode, info.body).toBe(200);
    expect(info.json()).toMatchObject({ state: 'offline' });
    const bare = await fetch(`${base}/api/live/${s.id}/video.flv`);
    expect(bare.status).toBe(404);
    await bare.body?.cancel();

    // The team's preview plays.
    const preview = await t.app.inject({ url: `/api/console/sessions/${s.id}/stream/preview`, headers: as(host) });
    expect(preview.statusCode, preview.body).toBe(200);
    const { flvUrl } = preview.json<{ flvUrl: string }>();
    expect(flvUrl).toMatch(/\?t=v1\.team-/);
    const ac = new AbortController();
    const ok = await fetch(`${base}${flvUrl}`, { signal: ac.signal });
    expect(ok.status).toBe(200);
    const first = await ok.body!.getReader().read();
    expect(Buffer.from(first.value!).subarray(0, 3).toString()).toBe('FLV');
    ac.abort();

    // The machine checks see the encoder: video and audio, keyframes every 2 s.
    await until('the keyframe check', async () => item(await checklist(s.id), 'software.keyframes').auto?.status === 'pass', 10_000);
    expect(item(await checklist(s.id), 'software.encoder')).toMatchObject({ done: true, auto: { status: 'pass' } });

    // Stopping the test while the encoder publishes would show it: refused.
    const stop = await t.app.inject({ method: 'DELETE', url: `/api/console/sessions/${s.id}/stream/rehearsal`, headers: as(tech) });
    expect(stop.statusCode).toBe(409);
    expect(stop.json<{ error: { code: string } }>().error.code).toBe('ENCODER_PUBLISHING');

    // Go public: live at once, with the stream running; the audience plays it without a token.
    const pub = await t.app.inject({ method: 'POST', url: `/api/console/sessions/${s.id}/stream/rehearsal/go-public`, headers: as(host) });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json()).toMatchObject({ rehearsal: null, state: 'live', sessionStatus: 'live' });
    expect(outputsTold).toHaveLength(1);
    expect((await t.services.sessions.getInternal(s.id)).status).toBe('live');
    const after = await t.app.inject({ url: `/api/live/${s.id}/stream`, headers: { 'x-guest-token': guest } });
    expect(after.json()).toMatchObject({ state: 'live' });
    const ac2 = new AbortController();
    const open = await fetch(`${base}/api/live/${s.id}/video.flv`, { signal: ac2.signal });
    expect(open.status).toBe(200);
    ac2.abort();
    expect((await audits(s.id)).map((a) => a.action)).toEqual(['stream.test_started', 'stream.went_public']);
    encoder.kill('SIGKILL');
    encoder = null;
    await t.services.sessions.transition(systemCtx('test'), s.id, 'ended');
  }, 60_000);

  it('test mode survives a restart of the service state (loaded from the table) and ends when the session goes live another way', async () => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Pre-flight reload' });
    await t.services.preflight.startRehearsal(systemCtx('test'), s.id);
    t.services.video.setRehearsal(s.id, null);
    await t.services.preflight.loadRehearsals();
    expect(t.services.video.rehearsal(s.id)).not.toBeNull();
    await t.services.sessions.transition(systemCtx('test'), s.id, 'live');
    expect(t.services.video.rehearsal(s.id)).toBeNull();
    await until('the row to go', async () => !(await t.database.db.selectFrom('stream_rehearsals').select('session_id').where('session_id', '=', s.id).executeTakeFirst()));
  });
});
