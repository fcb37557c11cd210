import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RestreamTarget, RestreamTargetsReply } from '../../../contracts/restream.contract.js';
import { makeLiveSession } from '../../../../test/e2e/route-fixtures.js';
import { need } from '../../../../test/support/need.js';
import { createTestApp, type Session, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { systemCtx } from '../../platform/context.js';
import { untilWithin } from '../../../../test/support/until.js';

const until = untilWithin(30_000);

/**
 * Restream with real ffmpeg: an encoder publishes a test pattern (H.264 + AAC) to the session;
 * two local RTMP receivers (`ffmpeg -listen 1`) stand in for Douyin / YouTube. A target whose
 * receiver is up goes live and the receiver's file holds H.264 + AAC; a target whose receiver is
 * not up yet goes retrying, then live once it starts. Keys never appear in API replies, the
 * audit log, the table, or anything logged.
 */

interface Proc {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[]): Proc {
  let err = '';
  const proc = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, stderr: () => err, exited };
}

const encoder = (url: string, seconds: number): Proc =>
  run(['-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '600k', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', url]);

/** A local RTMP server taking one publish and writing it to a file, as a platform's ingest would. */
const receiver = (port: number, key: string, out: string): Proc => run(['-listen', '1', '-timeout', '60', '-i', `rtmp://127.0.0.1:${port}/app/${key}`, '-c', 'copy', '-f', 'flv', '-y', out]);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}


async function probe(file: string): Promise<string[]> {
  const p = spawn('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => p.once('exit', r));
  return out.split('\n').map((x) => x.trim()).filter(Boolean).sort();
}

describe.skipIf(!need('ffmpeg'))('restream with ffmpeg', () => {
  describe.each(dialects())('on %s', (dialect) => {
    let t: TestApp;
    let owner: Session;
    let dir: string;
    const procs: Proc[] = [];
    const logged: string[] = [];
    const keep = (p: Proc) => (procs.push(p), p);

    beforeAll(async () => {
      t = await createTestApp(dialect, { streamGraceSeconds: 30 }, { realClock: true });
      owner = await t.signInAs(['owner']);
      dir = mkdtempSync(join(tmpdir(), 'onair-restream-'));
      // Everything the app logs (the test app's logger is silent): the keys must never be in it.
      for (const level of ['info', 'warn', 'error', 'debug'] as const) {
        vi.spyOn(t.app.log, level).mockImplementation(((...args: unknown[]) => {
          logged.push(JSON.stringify(args, (_k, v: unknown) => (v instanceof Error ? `${v.message}\n${v.stack ?? ''}` : v)));
        }) as never);
      }
    });
    afterAll(async () => {
      for (const p of procs) p.proc.kill('SIGKILL');
      await t?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
      t.app.inject({ method, url, headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
    const targets = async (sessionId: string): Promise<RestreamTargetsReply> => {
      const r = await api('GET', `/api/console/sessions/${sessionId}/restream-targets`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const stateOf = async (sessionId: string, name: string) => (await targets(sessionId)).items.find((x) => x.name === name)?.status;

    it('refuses bad targets with a 4xx naming the field; a stream:key holder is needed', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', title: 'Restream validation' });
      const url = `/api/console/sessions/${s.id}/restream-targets`;
      const good = { name: 'YouTube', platform: 'youtube', serverUrl: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'abcd-efgh-ijkl-mnop' };
      const cases: [object, number, string][] = [
        [{ ...good, serverUrl: 'http://example.com/live' }, 400, 'serverUrl'],
        [{ ...good, serverUrl: 'rtmp://me:secret@example.com/live' }, 400, 'serverUrl'],
        [{ ...good, serverUrl: 'rtmp:///live' }, 400, 'serverUrl'],
        [{ ...good, streamKey: '' }, 400, 'streamKey'],
        [{ ...good, streamKey: 'has space' }, 400, 'streamKey'],
        [{ ...good, platform: 'myspace' }, 400, 'platform'],
        [{ ...good, name: ' ' }, 400, 'name'],
      ];
      for (const [body, status, field] of cases) {
        const r = await api('POST', url, body);
        expect(r.statusCode, r.body).toBe(status);
        expect(r.body).toContain(field);
        expect(r.body).not.toContain('secret');
      }
      const made = await api('POST', url, good);
      expect(made.statusCode, made.body).toBe(201);
      expect(made.json<RestreamTarget>()).toMatchObject({ name: 'YouTube', keyMask: '••••mnop', enabled: true, status: { state: 'idle' } });
      expect(made.body).not.toContain(good.streamKey);
      const dup = await api('POST', url, { ...good, name: ' youtube ' });
      expect(dup.statusCode, dup.body).toBe(409);
      expect(dup.body).toContain('name');
      // Editing without a key keeps the old one.
      const id = made.json<RestreamTarget>().id;
      const edited = await api('PATCH', `${url}/${id}`, { name: 'YT main', streamKey: '' });
      expect(edited.statusCode, edited.body).toBe(200);
      expect(edited.json<RestreamTarget>()).toMatchObject({ name: 'YT main', keyMask: '••••mnop' });
      const bad = await api('PATCH', `${url}/${id}`, { serverUrl: 'rtmps://x:y@h/app' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('serverUrl');
      // Someone without stream:key (customer service) sees nothing.
      const cs = await t.signInAs(['cs']);
      const refused = await t.app.inject({ url, headers: { cookie: cs.cookie } });
      expect(refused.statusCode).toBe(403);
      const del = await api('DELETE', `${url}/${id}`);
      expect(del.statusCode, del.body).toBe(200);
      expect((await targets(s.id)).items).toEqual([]);
      expect((await api('DELETE', `${url}/${id}`)).statusCode).toBe(404);
    });

    it('pushes the live to each enabled target: one live at once, one retrying until its receiver starts; H.264 + AAC arrive; keys never shown or logged', async () => {
      const s = await makeLiveSession(t, { status: 'scheduled', title: 'Restream' });
      const ingest = (await api('GET', `/api/console/sessions/${s.id}/stream`)).json<{ server: string; streamKey: string }>();
      const [portA, portB] = [await freePort(), await freePort()];
      const keyA = 'douyin_KEY_aaaa1111';
      const keyB = 'youtube-KEY-bbbb-2222';
      const fileA = join(dir, `a-${dialect}.flv`);
      const fileB = join(dir, `b-${dialect}.flv`);
      const recvA = keep(receiver(portA, keyA, fileA));
      const url = `/api/console/sessions/${s.id}/restream-targets`;
      // A: added before the publish (starts with it).
      const a = await api('POST', url, { name: 'Douyin', platform: 'douyin', serverUrl: `rtmp://127.0.0.1:${portA}/app/`, streamKey: keyA });
      expect(a.statusCode, a.body).toBe(201);
      const enc = keep(encoder(`${ingest.server}/${ingest.streamKey}`, 60));
      await until('the session to go live', () => t.services.video.streamStats(s.id).state === 'live');
      // B: added while live, its receiver not up yet.
      const b = await api('POST', url, { name: 'YouTube', platform: 'custom', serverUrl: `rtmp://127.0.0.1:${portB}/app`, streamKey: keyB });
      expect(b.statusCode, b.body).toBe(201);
      await until('B retrying', async () => (await stateOf(s.id, 'YouTube'))?.state === 'retrying', 20_000);
      const retrying = (await stateOf(s.id, 'YouTube'))!;
      expect(retrying.attempt).toBeGreaterThanOrEqual(2);
      expect(retrying.nextAt).toBeGreaterThan(Date.now() - 1000);
      expect(retrying.lastError).toMatch(/refused|error|failed/i);
      expect(retrying.lastError).not.toContain(keyB);
      await until('A live', async () => (await stateOf(s.id, 'Douyin'))?.state === 'live');
      // B's receiver comes up: the next retry goes live.
      const recvB = keep(receiver(portB, keyB, fileB));
      await until('B live', async () => (await stateOf(s.id, 'YouTube'))?.state === 'live', 40_000);
      const list = await api('GET', url);
      expect(list.body).not.toContain(keyA);
      expect(list.body).not.toContain(keyB);
      expect(list.json<RestreamTargetsReply>().items.map((x) => x.keyMask).sort()).toEqual(['••••1111', '••••2222']);
      // Let some seconds reach the receivers, then disable A (its push stops at once) and stop the encoder.
      await new Promise((r) => setTimeout(r, 3000));
      const aId = a.json<RestreamTarget>().id;
      const off = await api('PATCH', `${url}/${aId}`, { enabled: false });
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json<RestreamTarget>().status.state).toBe('idle');
      await recvA.exited;
      enc.proc.kill('SIGINT');
      await enc.exited;
      await recvB.exited;
      await until('B idle once the encoder is gone', async () => (await stateOf(s.id, 'YouTube'))?.state === 'idle', 10_000);
      for (const f of [fileA, fileB]) {
        expect(statSync(f).size).toBeGreaterThan(50_000);
        expect(await probe(f)).toEqual(['aac', 'h264']);
      }
      // At rest and in the audit log: sealed, never in clear.
      const rows = await t.database.db.selectFrom('restream_targets').selectAll().where('session_id', '=', s.id).execute();
      expect(JSON.stringify(rows)).not.toMatch(/aaaa1111|bbbb-2222/);
      const audit = await t.database.db.selectFrom('audit_log').selectAll().where('target_id', '=', s.id).execute();
      expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['restream.target_added', 'restream.target_changed']));
      expect(JSON.stringify(audit)).not.toMatch(/aaaa1111|bbbb-2222/);
      // The logs told the story (retrying with ffmpeg's error) without the keys.
      const text = logged.join('\n');
      expect(text).toContain('retrying');
      expect(text).toContain('••••2222');
      expect(text).not.toContain(keyA);
      expect(text).not.toContain(keyB);
      await t.services.sessions.transition(systemCtx('test'), s.id, 'ended');
    });
  });
});
