import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawRecordSchema } from '../../src/contracts/draw.contract.js';
import type { RoomEventPayload } from '../../src/contracts/realtime.contract.js';
import { verifyDraw } from '../../src/server/modules/interact/core/fair-draw.js';
import { openDatabase, type Database } from '../../src/server/platform/db/database.js';
import { need } from '../support/need.js';
import { jsonOf, kill9, startCliServer, stopGracefully, useScaleOutSchemas, type CliServer } from '../support/cli-server.js';
import { connect, type WsClient } from '../support/ws-client.js';

/**
 * Issue 6, item 10: the tools are state machines that survive a crash. Viewers vote in an open
 * poll and enter an open draw over real WebSockets; the server process is killed with SIGKILL
 * (no graceful shutdown), restarted on the same data, and then: every vote and entry that was
 * acknowledged is there (and counted in the room's snapshot), nobody can vote or enter twice,
 * the poll and the draw are still open and take more votes and entries, the draw's commitment
 * published before the crash is the one its revealed seed matches, and the record verifies.
 */

let refs = 0;
/** Sends a tool action and resolves with the server's answer (ack, or the error's code). */
async function act(c: WsClient, msg: Record<string, unknown>): Promise<'ack' | string> {
  const ref = `x${++refs}`;
  c.send({ ...msg, ref });
  const r = await c.reply(ref, 8000);
  return r.t === 'ack' ? 'ack' : r.code;
}

type PollEv = Extract<RoomEventPayload, { t: 'poll.tally' }>;

async function runScenario(env: Record<string, string>, openRecord: (dataDir: string) => Promise<Database>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-interact-crash-'));
  const password = `crash-${randomBytes(8).toString('hex')}`;
  const serverEnv = { ONAIR_ADMIN_PASSWORD: password, ONAIR_WEB_DIR: join(dataDir, 'no-web') };
  const servers: CliServer[] = [];
  const clients: WsClient[] = [];
  try {
    let server = await startCliServer(dataDir, { ...serverEnv, ...env });
    servers.push(server);
    let origin = server.origin;
    const signin = await fetch(`${origin}/api/console/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@onair.local', password }) });
    expect(signin.status).toBe(200);
    let teamCookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    let csrf = ((await signin.json()) as { csrfToken: string }).csrfToken;
    const team = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${origin}${path}`, { method, headers: { 'content-type': 'application/json', cookie: teamCookie, 'x-csrf-token': csrf }, ...(body !== undefined || method !== 'GET' ? { body: JSON.stringify(body ?? {}) } : {}) });
      const b = await jsonOf(res);
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(b)}`);
      return b;
    };
    const session = await team('POST', '/api/console/sessions', { title: 'Crash test tools', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3_600_000).toISOString(), plannedMinutes: 60 });
    const sessionId = session.id as string;
    await team('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'live' });
    const base = `/api/console/sessions/${sessionId}/interact`;
    const poll = await team('POST', `${base}/polls`, { question: 'Survives a crash?', kind: 'single', options: ['yes', 'no'], durationSeconds: 600 });
    const pollId = poll.id as string;
    await team('POST', `${base}/polls/${pollId}/open`);
    const draw = await team('POST', `${base}/draws`, { title: 'Crash giveaway', prize: { kind: 'text', label: 'A cup' }, winnerCount: 5, entrySeconds: 600 });
    const drawId = draw.id as string;
    const opened = await team('POST', `${base}/draws/${drawId}/open`);
    const commitment = opened.commitment as string;
    expect(commitment).toMatch(/^[0-9a-f]{64}$/);

    // 40 viewers; the first 30 vote and enter before the crash.
    const N = 40;
    const BEFORE = 30;
    const cookies: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await fetch(`${origin}/api/viewer/signup`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` }, body: JSON.stringify({ nickname: `crashv${i}${randomBytes(2).toString('hex')}`, password: 'viewer-password-1' }) });
      expect(res.status, await res.clone().text()).toBe(201);
      cookies.push((res.headers.get('set-cookie') ?? '').split(';')[0]!);
    }
    const wsUrl = (o: string) => `${o.replace(/^http/, 'ws')}/ws?session=${sessionId}`;
    for (let i = 0; i < BEFORE; i++) clients.push(await connect(wsUrl(origin), { cookie: cookies[i]! }));
    const before = await Promise.all(clients.map((c, i) => Promise.all([act(c, { t: 'vote', pollId, choices: [i % 2] }), act(c, { t: 'enter', drawId })])));
    expect(before.every(([v, e]) => v === 'ack' && e === 'ack'), JSON.stringify(before)).toBe(true);

    // SIGKILL: no graceful shutdown, nothing flushed on the way out.
    await kill9(server);
    for (const c of clients.splice(0)) await c.close();
    server = await startCliServer(dataDir, { ...serverEnv, ...env });
    servers.push(server);
    origin = server.origin;
    const again = await fetch(`${origin}/api/console/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@onair.local', password }) });
    teamCookie = (again.headers.get('set-cookie') ?? '').split(';')[0]!;
    csrf = ((await again.json()) as { csrfToken: string }).csrfToken;

    // The room after the restart: the poll and the draw still open, with every acknowledged vote and entry.
    for (let i = 0; i < N; i++) clients.push(await connect(wsUrl(origin), { cookie: cookies[i]! }));
    const tools = clients[0]!.welcome.room.tools;
    const p = tools.polls.find((x) => x.id === pollId);
    expect(p).toMatchObject({ status: 'open', voters: BEFORE, tally: [BEFORE / 2, BEFORE / 2] });
    const d = tools.draws.find((x) => x.id === drawId);
    expect(d).toMatchObject({ status: 'open', entrants: BEFORE, commitment });

    // Nobody votes or enters twice; the others still can.
    const replays = await Promise.all(clients.slice(0, BEFORE).map((c, i) => act(c, { t: 'vote', pollId, choices: [(i + 1) % 2] })));
    expect(new Set(replays)).toEqual(new Set(['ALREADY_VOTED']));
    const reenter = await Promise.all(clients.slice(0, BEFORE).map((c) => act(c, { t: 'enter', drawId })));
    expect(reenter.every((r) => r === 'ack' || r === 'ALREADY_ENTERED'), JSON.stringify(reenter)).toBe(true);
    const after = await Promise.all(clients.slice(BEFORE).map((c) => Promise.all([act(c, { t: 'vote', pollId, choices: [0] }), act(c, { t: 'enter', drawId })])));
    expect(after.every(([v, e]) => v === 'ack' && e === 'ack'), JSON.stringify(after)).toBe(true);
    const watcher = clients[0]!;
    await watcher.waitForEvent((e): e is PollEv => e.t === 'poll.tally' && e.id === pollId && e.voters === N, 5000, `the tally with ${N} voters`);

    await team('POST', `${base}/polls/${pollId}/close`);
    await team('POST', `${base}/draws/${drawId}/close`);
    await team('POST', `${base}/draws/${drawId}/run`);
    const record = drawRecordSchema.parse(await (await fetch(`${origin}/api/draws/${drawId}/record`)).json());
    expect(record.commitment).toBe(commitment);
    expect(record.entrants).toHaveLength(N);
    expect(record.winners).toHaveLength(5);
    expect(verifyDraw(record)).toMatchObject({ ok: true });

    const db = await openRecord(dataDir);
    try {
      const votes = await db.db.selectFrom('poll_votes').select(['viewer_id', 'choices']).where('poll_id', '=', pollId).execute();
      expect(votes).toHaveLength(N);
      expect(new Set(votes.map((v) => v.viewer_id)).size).toBe(N);
      const entries = await db.db.selectFrom('draw_entries').select('viewer_id').where('draw_id', '=', drawId).execute();
      expect(entries).toHaveLength(N);
      return { votes: votes.length, entries: entries.length, winners: record.winners.length };
    } finally {
      await db.close();
    }
  } finally {
    for (const c of clients) await c.close();
    for (const s of servers) await stopGracefully(s);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('interactive tools: SIGKILL mid-poll and mid-draw, then restart', () => {
  const scaleOut = useScaleOutSchemas('onair_icrash');

  it('embedded (SQLite)', async () => {
    const r = await runScenario({}, (dataDir) => openDatabase({ sqliteFile: join(dataDir, 'onair.sqlite') }));
    expect(r).toEqual({ votes: 40, entries: 40, winners: 5 });
  }, 180_000);

  it.skipIf(!need('postgres') || !need('redis'))('scale-out (PostgreSQL, Redis)', async () => {
    const { env, openRecord } = scaleOut();
    const r = await runScenario(env, openRecord);
    expect(r).toEqual({ votes: 40, entries: 40, winners: 5 });
  }, 180_000);
});
