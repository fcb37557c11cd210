import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLiveSession } from '../../../../test/e2e/route-fixtures.js';
import { need } from '../../../../test/support/need.js';
import { createTestApp, type Session, type TestApp } from '../../../../test/support/test-app.js';
import { systemCtx } from '../../platform/context.js';
import { untilWithin } from '../../../../test/support/until.js';

const until = untilWithin(20_000);

/**
 * Live HLS with real ffmpeg on both ends: an encoder publishes a test pattern over RTMP; the HLS
 * output remuxes the relay into a playlist and 1 s segments served same-origin; the segments keep
 * the encoder's timestamps (PTS = FLV ms × 90); private sessions need the play token in the path;
 * bad names are refused before the file system; the playlist ends when the stream does.
 */

function publish(url: string, seconds: number): ChildProcess {
  return spawn(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url],
    { stdio: 'ignore' },
  );
}


/** The first PTS (90 kHz) of a PES that starts in an MPEG-TS buffer, or null. */
function firstPts(ts: Buffer): number | null {
  for (let o = 0; o + 188 <= ts.length; o += 188) {
    if (ts[o] !== 0x47 || !(ts[o + 1]! & 0x40)) continue;
    const afc = (ts[o + 3]! >> 4) & 3;
    let p = o + 4;
    if (afc === 2 || afc === 0) continue;
    if (afc === 3) p += 1 + ts[o + 4]!;
    if (ts[p] !== 0 || ts[p + 1] !== 0 || ts[p + 2] !== 1) continue;
    const streamId = ts[p + 3]!;
    if (streamId < 0xc0 || streamId > 0xef) continue;
    if (!(ts[p + 7]! & 0x80)) continue;
    const b = ts.subarray(p + 9, p + 14);
    return (b[0]! & 0x0e) * 2 ** 29 + b[1]! * 2 ** 22 + (b[2]! >> 1) * 2 ** 15 + b[3]! * 2 ** 7 + (b[4]! >> 1);
  }
  return null;
}

describe.skipIf(!need('ffmpeg'))('live HLS with ffmpeg', () => {
  let t: TestApp;
  let base: string;
  let owner: Session;
  const encoders: ChildProcess[] = [];

  beforeAll(async () => {
    t = await createTestApp('sqlite', { streamGraceSeconds: 2 }, { realClock: true });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    owner = await t.signInAs(['owner']);
  });
  afterAll(async () => {
    for (const e of encoders) e.kill('SIGKILL');
    await t?.dispose();
  });

  const goLive = async (visibility: 'public' | 'private') => {
    const s = await makeLiveSession(t, { status: 'scheduled', visibility, title: `HLS ${visibility}` });
    const r = await t.app.inject({ url: `/api/console/sessions/${s.id}/stream`, headers: { cookie: owner.cookie } });
    const { server, streamKey, capabilities } = r.json<{ server: string; streamKey: string; capabilities: { needsFfmpeg: string[]; installHint: string | null } }>();
    expect(capabilities).toMatchObject({ needsFfmpeg: [], installHint: null });
    encoders.push(publish(`${server}/${streamKey}`, 60));
    await until('live', () => t.services.video.streamStats(s.id).state === 'live');
    return s;
  };
  const segmentsOf = (playlist: string) => playlist.split('\n').filter((l) => l && !l.startsWith('#'));

  it('a public session: playlist and segments, codecs copied, encoder timestamps kept, ended with the stream', async () => {
    const s = await goLive('public');
    const guest = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;
    const info = (await t.app.inject({ url: `/api/live/${s.id}/stream`, headers: { 'x-guest-token': guest } })).json<{ hlsUrl: string; position: { publishId: string; ts: number } | null }>();
    expect(info.hlsUrl).toBe(`/api/live/${s.id}/hls/open/index.m3u8`);
    const early = await fetch(`${base}${info.hlsUrl}`);
    // Either not written yet (a clear 404) or already there.
    if (early.status === 404) expect(((await early.json()) as { error: { code: string } }).error.code).toBe('HLS_NOT_READY');
    else await early.body?.cancel();

    const playlist = await until('a playlist with 2 segments', async () => {
      const r = await fetch(`${base}${info.hlsUrl}`);
      if (r.status !== 200) return (await r.body?.cancel(), null);
      expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.apple\.mpegurl/);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      const text = await r.text();
      return segmentsOf(text).length >= 2 ? text : null;
    });
    expect(playlist).toContain('#EXTM3U');
    expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME');
    const seg = segmentsOf(playlist).at(-1)!;
    const position = t.services.video.position(s.id)!;
    expect(seg).toMatch(new RegExp(`^${position.publishId}-\\d+\\.ts$`));
    const r = await fetch(`${base}/api/live/${s.id}/hls/open/${seg}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('video/mp2t');
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(bytes[0]).toBe(0x47);
    // -copyts: the segment's PTS is the encoder's FLV timestamp × 90, a few seconds behind the ingest.
    const pts = firstPts(bytes);
    expect(pts).not.toBeNull();
    const ms = pts! / 90;
    expect(ms).toBeLessThanOrEqual(position.ts + 100);
    expect(ms).toBeGreaterThan(position.ts - 10_000);

    // Bad names never reach the file system; unknown ones are a 404.
    for (const [path, status] of [
      [`/api/live/${s.id}/hls/open/..%2F..%2Fonair.sqlite`, 400],
      [`/api/live/${s.id}/hls/open/x.ts`, 400],
      [`/api/live/${s.id}/hls/..%2F/index.m3u8`, 400],
      [`/api/live/${s.id}/hls/nope/index.m3u8`, 400],
      [`/api/live/${s.id}/hls/open/${position.publishId}-999999.ts`, 404],
      [`/api/live/${s.id}/hls/open/abcdefgh12-1.ts`, 404],
      [`/api/live/nosuch/hls/open/index.m3u8`, 404],
    ] as const) {
      const res = await t.app.inject({ url: path });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(status);
      if (status === 400) expect(res.json<{ error: { message: string } }>().error.message).toMatch(/token|segment/);
    }

    const dir = join(t.services.video.mediaDir, 'hls', s.id, position.publishId);
    await t.services.sessions.transition(systemCtx('test'), s.id, 'ended');
    // ffmpeg finishes the playlist (its end tag) when the stream stops; the route says it is over.
    await until('the playlist ended', () => existsSync(join(dir, 'index.m3u8')) && readFileSync(join(dir, 'index.m3u8'), 'utf8').includes('#EXT-X-ENDLIST'));
    const after = await t.app.inject({ url: info.hlsUrl });
    expect(after.statusCode).toBe(404);
    expect(after.json<{ error: { code: string } }>().error.code).toBe('STREAM_OFFLINE');
  });

  it('a private session: only with the play token in the path, and its segment URLs carry it', async () => {
    const s = await goLive('private');
    const invite = (await t.database.db.selectFrom('live_sessions').select('invite_code').where('id', '=', s.id).executeTakeFirstOrThrow()).invite_code!;
    const guest = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;
    const info = (await t.app.inject({ url: `/api/live/${s.id}/stream?invite=${invite}`, headers: { 'x-guest-token': guest } })).json<{ hlsUrl: string }>();
    expect(info.hlsUrl).toMatch(new RegExp(`^/api/live/${s.id}/hls/v1\\.${s.id}\\.\\d+\\.[A-Za-z0-9_-]+/index\\.m3u8$`));
    const open = await t.app.inject({ url: `/api/live/${s.id}/hls/open/index.m3u8` });
    expect(open.statusCode).toBe(403);
    expect(open.json<{ error: { code: string } }>().error.code).toBe('PLAY_TOKEN_INVALID');
    const forged = await t.app.inject({ url: `/api/live/${s.id}/hls/v1.${s.id}.9999999999999.${'A'.repeat(43)}/index.m3u8` });
    expect(forged.statusCode).toBe(403);
    const playlist = await until('the private playlist', async () => {
      const r = await fetch(`${base}${info.hlsUrl}`);
      if (r.status !== 200) return (await r.body?.cancel(), null);
      const text = await r.text();
      return segmentsOf(text).length >= 1 ? text : null;
    });
    const seg = segmentsOf(playlist)[0]!;
    // Relative to the playlist: the token is in the segment's path too.
    const segUrl = new URL(seg, `${base}${info.hlsUrl}`);
    expect(segUrl.pathname).toContain('/hls/v1.');
    const ok = await fetch(segUrl);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('private, max-age=60');
    await ok.arrayBuffer();
    const openSeg = await t.app.inject({ url: `/api/live/${s.id}/hls/open/${seg}` });
    expect(openSeg.statusCode).toBe(403);
    await t.services.sessions.transition(systemCtx('test'), s.id, 'ended');
  });
});

describe('without ffmpeg', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { ffmpegPath: '/nonexistent/ffmpeg' });
  });
  afterAll(async () => t?.dispose());

  it('play info has no HLS address and the console names what is off and how to install ffmpeg', async () => {
    const owner = await t.signInAs(['owner']);
    const s = await makeLiveSession(t, { status: 'live', visibility: 'public', title: 'No ffmpeg' });
    const guest = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;
    const info = (await t.app.inject({ url: `/api/live/${s.id}/stream`, headers: { 'x-guest-token': guest } })).json<{ hlsUrl: string | null; flvUrl: string; position: unknown }>();
    expect(info).toMatchObject({ hlsUrl: null, position: null, flvUrl: `/api/live/${s.id}/video.flv` });
    const caps = (await t.app.inject({ url: `/api/console/sessions/${s.id}/stream`, headers: { cookie: owner.cookie } })).json<{ capabilities: { ffmpeg: { ok: boolean }; needsFfmpeg: string[]; installHint: string } }>().capabilities;
    expect(caps.ffmpeg.ok).toBe(false);
    expect(caps.needsFfmpeg).toEqual(['hls', 'recording', 'restream']);
    expect(caps.installHint).toMatch(/apt-get install ffmpeg/);
  });
});
