import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingsReply, ReplayDto } from '../../../contracts/replay.contract.js';
import { makeLiveSession } from '../../../../test/e2e/route-fixtures.js';
import { need } from '../../../../test/support/need.js';
import { createTestApp, type Session, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { systemCtx } from '../../platform/context.js';
import { RecordingService } from './recording.service.js';
import { untilWithin } from '../../../../test/support/until.js';

const until = untilWithin(20_000);

/**
 * Recording and replay with a real encoder: ffmpeg publishes a 7 s test pattern over RTMP; the
 * publish is recorded and finished as a seekable MP4 of about that length; the file is served
 * with Range; the replay of the ended session carries its chat at the right times (not the
 * removed or banned), what was pinned when and chapters; a host may not delete it, the owner can.
 * A row left mid-recording by a crash is finished from its fragmented file at start.
 */

const PUBLISH_S = 7;

function publish(url: string, seconds: number): { proc: ChildProcess; exited: Promise<number | null> } {
  const proc = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url], { stdio: 'ignore' });
  return { proc, exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))) };
}


const ffprobeDuration = (file: string): number => Number(spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).stdout.trim());

describe.skipIf(!need('ffmpeg'))('recording and replay with ffmpeg', () => {
  describe.each(dialects())('on %s', (dialect) => {
    let t: TestApp;
    let base: string;
    let owner: Session;
    let host: Session;
    let mediaDir: string;
    const procs: ChildProcess[] = [];

    beforeAll(async () => {
      mediaDir = mkdtempSync(join(tmpdir(), 'onair-rec-'));
      t = await createTestApp(dialect, { streamGraceSeconds: 1, mediaDir }, { realClock: true });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      owner = await t.signInAs(['owner']);
      host = await t.signInAs(['host']);
    });
    afterAll(async () => {
      for (const p of procs) p.kill('SIGKILL');
      await t?.dispose();
      rmSync(mediaDir, { recursive: true, force: true });
    });

    const list = async (sessionId: string, who = owner) => {
      const r = await t.app.inject({ url: `/api/console/sessions/${sessionId}/recordings`, headers: { cookie: who.cookie } });
      expect(r.statusCode, r.body).toBe(200);
      return r.json<RecordingsReply>();
    };
    const guest = async () => (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;

    it('records a publish, serves it with Range, and replays it with chat, pins and chapters; deleting is for owner/admin', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Recorded' });
      const ctx = systemCtx('test');
      const productA = await t.services.catalog.createProduct(ctx, { brandId: null, title: 'Green tea', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: `REC-A-${dialect}`, name: '100 g', attrs: {}, priceFen: 5900, currency: 'CNY', stock: 10 }] });
      const productB = await t.services.catalog.createProduct(ctx, { brandId: null, title: 'Oolong', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: `REC-B-${dialect}`, name: '100 g', attrs: {}, priceFen: 7900, currency: 'CNY', stock: 10 }] });
      await t.services.shelf.setShelf(ctx, s.id, [productA, productB]);
      const settings = (await t.app.inject({ url: `/api/console/sessions/${s.id}/stream`, headers: { cookie: owner.cookie } })).json<{ server: string; streamKey: string }>();

      const enc = publish(`${settings.server}/${settings.streamKey}`, PUBLISH_S);
      procs.push(enc.proc);
      await until('the recording to start', async () => (await list(s.id)).items.some((i) => i.status === 'recording'));
      await until('live', async () => (await t.services.sessions.getInternal(s.id)).status === 'live');
      // While recording: the size grows on disk.
      await until('bytes on disk', async () => (await list(s.id)).items[0]!.bytes > 0, 10_000);
      const row = async () => t.database.db.selectFrom('recordings').selectAll().where('session_id', '=', s.id).executeTakeFirstOrThrow();
      const sent: { id: string; at: number }[] = [];
      const say = async (id: string, text: string, opts: { status?: 'visible' | 'deleted'; sender?: string } = {}) => {
        const at = Date.now();
        await t.database.db.insertInto('chat_messages').values({ id, session_id: s.id, sender_kind: 'viewer', sender_id: opts.sender ?? 'v1', sender_name: 'Ann', sender_role: 'viewer', text, status: opts.status ?? 'visible', created_at: new Date(at).toISOString(), moderated_by: null, moderated_at: null }).execute();
        sent.push({ id, at });
      };
      await new Promise((r) => setTimeout(r, 800));
      await say(`${dialect}-m1`, 'hello');
      await t.services.shelf.pin(ctx, s.id, productA);
      await new Promise((r) => setTimeout(r, 1500));
      await say(`${dialect}-m2`, 'how much?');
      await say(`${dialect}-m3`, 'removed', { status: 'deleted' });
      await say(`${dialect}-m4`, 'spam', { sender: 'banned-1' });
      await t.services.shelf.pin(ctx, s.id, productB);
      await t.database.db.insertInto('room_sanctions').values({ id: `${dialect}-ban`, kind: 'ban', scope: 'room', scope_id: s.id, principal_key: 'viewer:banned-1', until: new Date(Date.now() + 3600_000).toISOString(), reason: null, created_by: null, created_at: new Date().toISOString(), revoked_at: null }).execute();

      // Not yet ended: no replay.
      const early = await t.app.inject({ url: `/api/live/${s.id}/replay`, headers: { 'x-guest-token': await guest() } });
      expect(early.statusCode).toBe(409);
      expect(early.json<{ error: { code: string } }>().error.code).toBe('REPLAY_NOT_YET');

      expect(await enc.exited).toBe(0);
      await until('the recording to be ready', async () => (await row()).status === 'ready');
      await until('the session to end after the grace period', async () => (await t.services.sessions.getInternal(s.id)).status === 'ended', 10_000);

      const rec = await row();
      const file = join(mediaDir, 'recordings', s.id, rec.file_name);
      expect(rec.file_name).toBe(`${rec.publish_id}.mp4`);
      expect(existsSync(file)).toBe(true);
      expect(existsSync(join(mediaDir, 'recordings', s.id, `${rec.publish_id}.part.mp4`))).toBe(false);
      // About as long as what was published, by ffprobe and in the row; the index comes first (seekable while loading).
      const probed = ffprobeDuration(file);
      expect(probed).toBeGreaterThan(PUBLISH_S - 1.2);
      expect(probed).toBeLessThan(PUBLISH_S + 0.8);
      expect(Math.abs(Number(rec.duration_ms) - probed * 1000)).toBeLessThan(100);
      const bytes = readFileSync(file);
      expect(bytes.indexOf('moov')).toBeLessThan(bytes.indexOf('mdat'));
      expect(Number(rec.bytes)).toBe(bytes.length);

      const listed = await list(s.id);
      expect(listed.items).toHaveLength(1);
      expect(listed.items[0]).toMatchObject({ status: 'ready', bytes: bytes.length, playUrl: `/api/live/${s.id}/recordings/${rec.id}.mp4` });
      expect(listed.sessionBytes).toBe(bytes.length);
      expect(listed.totalBytes).toBeGreaterThanOrEqual(bytes.length);

      // The file, whole and in ranges.
      const full = await fetch(`${base}${listed.items[0]!.playUrl}`);
      expect(full.status).toBe(200);
      expect(full.headers.get('accept-ranges')).toBe('bytes');
      expect(full.headers.get('content-type')).toBe('video/mp4');
      expect(Number(full.headers.get('content-length'))).toBe(bytes.length);
      expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);
      const part = await fetch(`${base}${listed.items[0]!.playUrl}`, { headers: { range: 'bytes=100-1099' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
      expect(part.headers.get('content-length')).toBe('1000');
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 1100))).toBe(true);
      const tail = await fetch(`${base}${listed.items[0]!.playUrl}`, { headers: { range: 'bytes=-10' } });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
      const past = await fetch(`${base}${listed.items[0]!.playUrl}`, { headers: { range: `bytes=${bytes.length}-` } });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
      await past.body?.cancel();
      const bad = await t.app.inject({ url: `/api/live/${s.id}/recordings/no$such.mp4` });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('params.file');
      expect((await t.app.inject({ url: `/api/live/${s.id}/recordings/nosuch.mp4` })).statusCode).toBe(404);

      // The replay: chat at its time on the recording (not the removed or banned), pins and chapters.
      const rep = await t.app.inject({ url: `/api/live/${s.id}/replay`, headers: { 'x-guest-token': await guest() } });
      expect(rep.statusCode, rep.body).toBe(200);
      const replay = rep.json<ReplayDto>();
      expect(replay.segments).toEqual([{ recordingId: rec.id, url: listed.items[0]!.playUrl, offsetMs: 0, durationMs: Number(rec.duration_ms) }]);
      expect(replay.messages.map((m) => m.text)).toEqual(['hello', 'how much?']);
      const start = Date.parse(rec.started_at);
      for (const m of replay.messages) expect(m.t).toBe(sent.find((x) => x.id === m.id)!.at - start);
      expect(replay.messages[0]!.t).toBeGreaterThan(300);
      expect(replay.messages[1]!.t - replay.messages[0]!.t).toBeGreaterThan(1300);
      expect(replay.chapters.map((c) => c.title)).toEqual(['Green tea', 'Oolong']);
      expect(replay.chapters[0]!.t).toBeGreaterThan(300);
      // Mapped by wall clock: a CPU-starved encoder that catches up can leave the session's end (which
      // unpins) a little inside the recording, so only the first three spans are certain.
      expect(replay.pins.slice(0, 3).map((p) => p.productId)).toEqual([null, productA, productB]);
      expect(replay.pins.at(-1)!.to).toBe(replay.durationMs);
      expect(replay.products.find((p) => p.productId === productA)).toMatchObject({ title: 'Green tea', priceFen: 5900 });

      // Delete: not for a host; the owner's removes the file, keeps the row, is audited; no replay then.
      const del = (who: Session) => t.app.inject({ method: 'DELETE', url: `/api/console/sessions/${s.id}/recordings/${rec.id}`, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
      expect((await del(host)).statusCode).toBe(403);
      expect(existsSync(file)).toBe(true);
      const ok = await del(owner);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(existsSync(file)).toBe(false);
      const after = await list(s.id);
      expect(after.items[0]).toMatchObject({ status: 'deleted', playUrl: null });
      expect(after.sessionBytes).toBe(0);
      const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'recording.deleted').where('target_id', '=', rec.id).execute();
      expect(audit).toHaveLength(1);
      expect((await t.app.inject({ url: `/api/live/${s.id}/replay`, headers: { 'x-guest-token': await guest() } })).statusCode).toBe(404);
      expect((await fetch(`${base}/api/live/${s.id}/recordings/${rec.id}.mp4`)).status).toBe(404);
    });

    it('a recording left unfinished by a crash is finished from its fragmented file at start; one with no file is marked failed', async () => {
      const s = await makeLiveSession(t, { status: 'ended', visibility: 'private', title: 'Crashed' });
      const dir = join(mediaDir, 'recordings', s.id);
      mkdirSync(dir, { recursive: true });
      // What a killed recorder leaves: a fragmented MP4 cut short (no trailer).
      const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15', '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-pix_fmt', 'yuv420p', '-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof', join(dir, 'pubA.part.mp4')]);
      expect(made.status).toBe(0);
      const at = new Date().toISOString();
      const values = (id: string, publish: string) => ({ id, session_id: s.id, publish_id: publish, status: 'recording' as const, file_name: `${publish}.part.mp4`, bytes: 0, duration_ms: null, started_at: at, ended_at: null, error: null, deleted_at: null, deleted_by: null });
      await t.database.db.insertInto('recordings').values([values(`${dialect}-ra`, 'pubA'), values(`${dialect}-rb`, `pubB-${dialect}`)]).execute();
      const svc = t.services;
      const restarted = new RecordingService({ db: t.database.db, clock: t.clock, ids: () => `x${Math.random().toString(36).slice(2)}`, audit: svc.audit, sessions: svc.sessions, room: svc.room, shelf: svc.shelf, ffmpeg: svc.video.ffmpeg, mediaDir, watch: () => () => undefined, signingSecret: 'test-secret' });
      await restarted.recover();
      const rows = await t.database.db.selectFrom('recordings').selectAll().where('session_id', '=', s.id).orderBy('id').execute();
      expect(rows[0]).toMatchObject({ status: 'ready', file_name: 'pubA.mp4' });
      expect(Number(rows[0]!.duration_ms)).toBeGreaterThan(2500);
      expect(rows[1]).toMatchObject({ status: 'failed' });
      expect(rows[1]!.error).toContain('nothing was recorded');
      // A private session's recording plays only with the signed link the console gets.
      const listed = await list(s.id);
      const url = listed.items.find((i) => i.status === 'ready')!.playUrl!;
      expect(url).toMatch(/\?t=v1\./);
      expect((await fetch(`${base}${url.split('?')[0]}`)).status).toBe(403);
    });
  });
});
