import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLiveSession } from '../../../../test/e2e/route-fixtures.js';
import { need } from '../../../../test/support/need.js';
import { createTestApp, type TestApp, type Session } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { systemCtx } from '../../platform/context.js';
import { until } from '../../../../test/support/until.js';

/**
 * The encoder's side with a real encoder: ffmpeg publishes a test pattern (H.264 + AAC, 2 s
 * keyframes) over RTMP with the session's key, as OBS does. Wrong, rotated and second publishers
 * are refused at the handshake; publishing takes the session live; viewers get HTTP-FLV that
 * starts with the header, the stream's config and a keyframe; a dropped encoder leaves the session
 * reconnecting, then ended after the grace period; rotating the key or ending the session cuts
 * the encoder off.
 */

interface Encoder {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function publish(url: string, seconds = 30): Encoder {
  let err = '';
  const proc = spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, stderr: () => err, exited };
}


/** FLV tags from a byte stream: [type, body] after the 13-byte header. */
function parseFlv(buf: Buffer): { header: Buffer; tags: { type: number; body: Buffer }[] } {
  const tags: { type: number; body: Buffer }[] = [];
  let o = 13;
  while (o + 11 <= buf.length) {
    const size = buf.readUIntBE(o + 1, 3);
    if (o + 11 + size + 4 > buf.length) break;
    tags.push({ type: buf[o]!, body: buf.subarray(o + 11, o + 11 + size) });
    o += 11 + size + 4;
  }
  return { header: buf.subarray(0, 13), tags };
}

describe.skipIf(!need('ffmpeg'))('video ingest with ffmpeg', () => {
  describe.each(dialects())('on %s', (dialect) => {
    let t: TestApp;
    let base: string;
    let owner: Session;
    const encoders: Encoder[] = [];
    const enc = (url: string, seconds?: number) => {
      const e = publish(url, seconds);
      encoders.push(e);
      return e;
    };

    beforeAll(async () => {
      t = await createTestApp(dialect, { streamGraceSeconds: 2 }, { realClock: true });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      owner = await t.signInAs(['owner']);
    });
    afterAll(async () => {
      for (const e of encoders) e.proc.kill('SIGKILL');
      await t?.dispose();
    });

    const settings = async (sessionId: string) => {
      const r = await t.app.inject({ url: `/api/console/sessions/${sessionId}/stream`, headers: { cookie: owner.cookie } });
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ server: string; streamKey: string; state: string }>();
    };
    const status = async (id: string) => (await t.services.sessions.getInternal(id)).status;

    it('OBS settings: the server URL is the ingest the app listens on, the key is long and random, per session', async () => {
      const a = await makeLiveSession(t, { status: 'scheduled', title: 'Keys A' });
      const b = await makeLiveSession(t, { status: 'scheduled', title: 'Keys B' });
      const sa = await settings(a.id);
      expect(sa.server).toBe(`rtmp://127.0.0.1:${t.ingest.port}/live`);
      expect(sa.streamKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect((await settings(a.id)).streamKey).toBe(sa.streamKey);
      expect((await settings(b.id)).streamKey).not.toBe(sa.streamKey);
      // At rest: only its hash and a sealed copy, never the key itself.
      const row = await t.database.db.selectFrom('stream_keys').selectAll().where('session_id', '=', a.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(sa.streamKey);
    });

    it('a wrong key is refused at the handshake and changes nothing', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', title: 'Wrong key' });
      await settings(s.id);
      const e = enc(`rtmp://127.0.0.1:${t.ingest.port}/live/${'x'.repeat(32)}`, 5);
      expect(await e.exited).not.toBe(0);
      expect(e.stderr()).toContain('unknown stream key');
      expect(await status(s.id)).toBe('scheduled');
      const app = enc(`rtmp://127.0.0.1:${t.ingest.port}/other/${(await settings(s.id)).streamKey}`, 5);
      expect(await app.exited).not.toBe(0);
      expect(app.stderr()).toContain('unknown application');
    });

    it('publishing takes the session live and viewers get FLV from a keyframe; a second encoder is refused; a dropped one leaves it reconnecting, then ended', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Publish' });
      const { server, streamKey } = await settings(s.id);
      const e = enc(`${server}/${streamKey}`, 60);
      await until('the session to go live', async () => (await status(s.id)) === 'live');
      expect(t.services.video.streamStats(s.id).state).toBe('live');
      await until('a keyframe in the relay', () => (t.services.video.streamStats(s.id).relay?.gopTags ?? 0) > 0);
      // A viewer: header, then metadata / configs, then video starting on a keyframe.
      const info = await t.app.inject({ url: `/api/live/${s.id}/stream` , headers: { 'x-guest-token': (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken } });
      expect(info.statusCode, info.body).toBe(200);
      expect(info.json()).toMatchObject({ state: 'live', flvUrl: `/api/live/${s.id}/video.flv` });
      const ac = new AbortController();
      const res = await fetch(`${base}/api/live/${s.id}/video.flv`, { signal: ac.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/x-flv');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const reader = res.body!.getReader();
      let got = Buffer.alloc(0);
      while (got.length < 40_000) {
        const { value, done } = await reader.read();
        if (done) break;
        got = Buffer.concat([got, Buffer.from(value)]);
      }
      ac.abort();
      const flv = parseFlv(got);
      expect(flv.header.subarray(0, 3).toString()).toBe('FLV');
      expect(flv.header[4]).toBe(5); // audio + video
      const video = flv.tags.filter((x) => x.type === 9);
      // The first video tag is the AVC sequence header, the second a keyframe.
      expect(video[0]!.body[0]).toBe(0x17);
      expect(video[0]!.body[1]).toBe(0);
      expect(video[1]!.body[0]! >> 4).toBe(1);
      expect(video[1]!.body[1]).toBe(1);
      expect(flv.tags.some((x) => x.type === 8 && x.body[1] === 0)).toBe(true); // AAC config
      const meta = flv.tags.find((x) => x.type === 18);
      expect(meta?.body.subarray(3, 13).toString()).toBe('onMetaData');
      // What the encoder sends, as the console shows it: 320x240, 15 fps, keyframes every 2 s, AAC.
      await until('a health reading with two keyframes', async () => ((await settings(s.id)) as unknown as { health: { keyframeInterval: number | null } | null }).health?.keyframeInterval != null, 10_000);
      const health = ((await settings(s.id)) as unknown as { health: Record<string, unknown> }).health;
      expect(health).toMatchObject({ width: 320, height: 240, videoCodec: 'H.264', audioCodec: 'AAC', audioPresent: true, keyframeInterval: 2 });
      expect(health.fps as number).toBeGreaterThan(13);
      expect(health.fps as number).toBeLessThan(17);
      expect(health.videoBitrate as number).toBeGreaterThan(0);
      // A second encoder with the same key: refused, the first keeps going.
      const second = enc(`${server}/${streamKey}`, 5);
      expect(await second.exited).not.toBe(0);
      expect(second.stderr()).toContain('already publishing');
      expect(t.services.video.streamStats(s.id).state).toBe('live');
      // The encoder drops: reconnecting, then (grace 2 s) ended.
      e.proc.kill('SIGKILL');
      await until('reconnecting', () => t.services.video.streamStats(s.id).state === 'reconnecting');
      expect(await status(s.id)).toBe('live');
      await until('the session to end after the grace period', async () => (await status(s.id)) === 'ended', 10_000);
      expect(t.services.video.streamStats(s.id).state).toBe('offline');
      const rows = await t.database.db.selectFrom('stream_publishes').selectAll().where('session_id', '=', s.id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ end_reason: 'unpublished', remote_address: expect.stringMatching(/127\.0\.0\.1/) });
      // An ended session takes no more publishing.
      const late = enc(`${server}/${streamKey}`, 5);
      expect(await late.exited).not.toBe(0);
      expect(late.stderr()).toContain('ended');
    });

    it('an encoder back within the grace period keeps the session live', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', title: 'Comes back' });
      const { server, streamKey } = await settings(s.id);
      const first = enc(`${server}/${streamKey}`, 60);
      await until('live', () => t.services.video.streamStats(s.id).state === 'live');
      first.proc.kill('SIGKILL');
      await until('reconnecting', () => t.services.video.streamStats(s.id).state === 'reconnecting');
      enc(`${server}/${streamKey}`, 60);
      await until('live again', () => t.services.video.streamStats(s.id).state === 'live');
      await new Promise((r) => setTimeout(r, 2500));
      expect(await status(s.id)).toBe('live');
      await t.services.sessions.transition(systemCtx('test'), s.id, 'ended');
    });

    it('rotating the key cuts the encoder off and the old key stops working; ending the session stops the ingest', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', title: 'Rotate' });
      const { server, streamKey } = await settings(s.id);
      const e = enc(`${server}/${streamKey}`, 60);
      await until('live', () => t.services.video.streamStats(s.id).state === 'live');
      const rotated = await t.app.inject({ method: 'POST', url: `/api/console/sessions/${s.id}/stream/rotate-key`, headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf } });
      expect(rotated.statusCode, rotated.body).toBe(200);
      const fresh = rotated.json<{ streamKey: string }>().streamKey;
      expect(fresh).not.toBe(streamKey);
      await e.exited;
      const old = enc(`${server}/${streamKey}`, 5);
      expect(await old.exited).not.toBe(0);
      expect(old.stderr()).toContain('unknown stream key');
      // The new key works (within the grace period the session is still live) ...
      const again = enc(`${server}/${fresh}`, 60);
      await until('live with the new key', () => t.services.video.streamStats(s.id).state === 'live');
      // ... until the team ends the session: the encoder is cut off, the stream is offline.
      const ended = await t.app.inject({ method: 'POST', url: `/api/console/sessions/${s.id}/transitions`, headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf }, payload: { to: 'ended' } });
      expect(ended.statusCode, ended.body).toBe(200);
      await again.exited;
      expect(t.services.video.streamStats(s.id).state).toBe('offline');
    });

    it('a private session plays only with the signed URL from /stream', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', visibility: 'private', title: 'Private' });
      const { server, streamKey } = await settings(s.id);
      enc(`${server}/${streamKey}`, 60);
      await until('live', () => t.services.video.streamStats(s.id).state === 'live');
      const bare = await fetch(`${base}/api/live/${s.id}/video.flv`);
      expect(bare.status).toBe(403);
      expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('PLAY_TOKEN_INVALID');
      const forged = await fetch(`${base}/api/live/${s.id}/video.flv?t=v1.${s.id}.9999999999999.AAAA`);
      expect(forged.status).toBe(403);
      await forged.body?.cancel();
      const invite = (await t.services.sessions.getInternal(s.id)) && (await t.database.db.selectFrom('live_sessions').select('invite_code').where('id', '=', s.id).executeTakeFirstOrThrow()).invite_code!;
      const guest = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;
      const info = await t.app.inject({ url: `/api/live/${s.id}/stream?invite=${invite}`, headers: { 'x-guest-token': guest } });
      expect(info.statusCode, info.body).toBe(200);
      const url = info.json<{ flvUrl: string }>().flvUrl;
      expect(url).toMatch(/\?t=v1\./);
      const ac = new AbortController();
      const ok = await fetch(`${base}${url}`, { signal: ac.signal });
      expect(ok.status).toBe(200);
      ac.abort();
      await t.services.sessions.transition(systemCtx('test'), s.id, 'ended');
    });
  });
});
