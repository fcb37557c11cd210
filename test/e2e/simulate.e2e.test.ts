import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationSummary } from '../../src/server/cli/simulate.js';
import { jsonOf, startCliServer, stopGracefully, type CliServer } from '../support/cli-server.js';
import { repoRoot } from '../support/onair-process.js';

/**
 * `onair simulate` against the real `onair start --demo`, both as child processes: a short plan
 * (20 viewers, half a minute of show at 5x) into the demo's live shop while its poll and 口令
 * draw are open. The accounts must be flagged simulated, orders paid in the sandbox, comments
 * and likes in the room, votes and draw entries stored — and nothing of it counted as real:
 * the post-live report of real traffic excludes it, the simulated one (labelled) counts it.
 */

const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const OWNER = 'owner@onair.local';
const ownerPassword = `sim-owner-${randomBytes(6).toString('hex')}`;
const LABEL = 'e2e';

function runCli(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') clean[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, cliPath, ...args], { env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`onair ${args[0]} did not finish in ${timeoutMs / 1000} s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (status) => {
      clearTimeout(t);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('onair simulate', { timeout: 180_000 }, () => {
  let dataDir: string;
  let server: CliServer;
  let sessionId: string;
  let team: { cookie: string; csrf: string };

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server.origin}${path}`, {
      method,
      headers: { cookie: team.cookie, 'x-csrf-token': team.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await jsonOf(res);
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${JSON.stringify(json)}`);
    return json as T;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onair-simulate-'));
    server = await startCliServer(dataDir, { ONAIR_ADMIN_PASSWORD: ownerPassword }, { args: ['--demo'] });
    sessionId = /Demo shop, live now: \S+\/live\/([A-Za-z0-9_-]+)/.exec(server.output())?.[1] ?? '';
    expect(sessionId, server.output()).not.toBe('');
    const signin = await fetch(`${server.origin}/api/console/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: OWNER, password: ownerPassword }) });
    expect(signin.status).toBe(200);
    team = { cookie: (signin.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await signin.json()) as { csrfToken: string }).csrfToken };
    // The demo's prepared poll and 口令 draw, opened as an operator would from the console.
    const overview = await api<{ polls: { id: string; status: string }[]; draws: { id: string; status: string }[] }>('GET', `/api/console/sessions/${sessionId}/interact`);
    for (const p of overview.polls.filter((x) => x.status === 'draft')) await api('POST', `/api/console/sessions/${sessionId}/interact/polls/${p.id}/open`);
    for (const d of overview.draws.filter((x) => x.status === 'draft')) await api('POST', `/api/console/sessions/${sessionId}/interact/draws/${d.id}/open`);
  }, 90_000);

  afterAll(async () => {
    if (server) await stopGracefully(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('--dry-run prints the plan without a server, the same for the same seed', async () => {
    const a = await runCli(['simulate', '--url', 'http://127.0.0.1:9', '--session', 'x', '--viewers', '30', '--minutes', '2', '--seed', '9', '--dry-run'], {});
    expect(a.status, a.stderr).toBe(0);
    const plan = JSON.parse(a.stdout) as { plan: { viewers: number; perMinute: unknown[] }; viewers: { n: number; arriveS: number; leaveS: number }[] };
    expect(plan.plan.viewers).toBe(30);
    expect(plan.plan.perMinute).toHaveLength(2);
    expect(plan.viewers).toHaveLength(30);
    for (const v of plan.viewers) expect(v.leaveS).toBeGreaterThan(v.arriveS);
    const b = await runCli(['simulate', '--url', 'http://127.0.0.1:9', '--session', 'x', '--viewers', '30', '--minutes', '2', '--seed', '9', '--dry-run'], {});
    expect(b.stdout).toBe(a.stdout);
  });

  it('refuses bad options and a missing sign-in, naming what to fix', async () => {
    const bad = await runCli(['simulate', '--url', 'ftp://x', '--session', sessionId, '--viewers', '5000'], {});
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--viewers: expected a whole number 1-2000');
    expect(bad.stderr).toContain('--url: expected an http(s) URL');
    const noAuth = await runCli(['simulate', '--url', server.origin, '--session', sessionId], {});
    expect(noAuth.status).toBe(2);
    expect(noAuth.stderr).toContain('ONAIR_SIM_EMAIL');
    const wrong = await runCli(['simulate', '--url', server.origin, '--session', sessionId], { ONAIR_SIM_EMAIL: OWNER, ONAIR_SIM_PASSWORD: 'not-the-password-1' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('wrong e-mail or password');
    expect(wrong.stderr).not.toContain('not-the-password-1');
  });

  it('fills the live demo shop: flagged accounts, comments and likes in the room, paid orders, votes and draw entries, none of it real', async () => {
    const r = await runCli(
      ['simulate', '--url', server.origin, '--session', sessionId, '--viewers', '20', '--minutes', '0.5', '--speed', '5', '--seed', '1', '--buy-share', '0.3', '--label', LABEL],
      { ONAIR_SIM_EMAIL: OWNER, ONAIR_SIM_PASSWORD: ownerPassword },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(ownerPassword);
    // One progress line a second on stderr.
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('t='));
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toMatch(/^t=00:30\/00:30 connected=\d+ joined=20 left=20 comments=\d+ likes=\d+ clicks=\d+ orders=\d+/);

    const s = JSON.parse(r.stdout) as SimulationSummary;
    expect(s).toMatchObject({ sessionId, label: LABEL, viewers: 20, joined: 20, left: 20, interrupted: false, dropped: 0, connectFailures: {} });
    expect(s.comments.sent).toBeGreaterThan(0);
    expect(s.comments.accepted).toBeGreaterThan(0);
    expect(s.likes).toBeGreaterThan(0);
    expect(s.orders.placed).toBeGreaterThan(0);
    expect(s.orders.paid).toBe(s.orders.placed);
    expect(s.beacons.impressions).toBeGreaterThan(0);
    expect(s.beacons.supported).toBe(true);
    expect(s.beacons.accepted).toBeGreaterThan(0);
    expect(s.votes.accepted).toBeGreaterThan(0);
    expect(s.drawEntries.accepted).toBeGreaterThan(0);
    // The room showed them: the team socket saw the simulated accounts' comments and the likes.
    expect(s.observed.simulatedComments).toBeGreaterThan(0);
    expect(s.observed.likesTotal).toBeGreaterThanOrEqual(s.likes);

    // The team ends the live: the post-live reports are built. The real one counts none of the
    // simulated traffic (it shows it as excluded); the simulated one, labelled, counts it all.
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'ended', reason: 'e2e: simulated live over' });
    type ReportReply = { status: string; report: { traffic: string; excluded: Record<string, number>; audience: { uv: number }; sales: { paidOrders: number; gmvFen: number } } | null };
    const report = async (traffic: 'real' | 'simulated'): Promise<NonNullable<ReportReply['report']>> => {
      const until = Date.now() + 30_000;
      for (;;) {
        const r = await api<ReportReply>('GET', `/api/console/sessions/${sessionId}/analytics/report?traffic=${traffic}`);
        if (r.status === 'ready' && r.report) return r.report;
        if (r.status === 'failed' || Date.now() > until) throw new Error(`the ${traffic} report is ${r.status}`);
        await new Promise((res) => setTimeout(res, 250));
      }
    };
    const real = await report('real');
    expect(real.audience.uv).toBe(0);
    expect(real.sales).toMatchObject({ paidOrders: 0, gmvFen: 0 });
    expect(real.excluded.simulated).toBeGreaterThan(0);
    const simulated = await report('simulated');
    expect(simulated.traffic).toBe('simulated');
    expect(simulated.audience.uv).toBe(20);
    expect(simulated.sales.paidOrders).toBe(s.orders.paid);
    expect(simulated.sales.gmvFen).toBe(s.orders.paidFen);

    // Comments are flushed to the database every 100 ms; a graceful stop flushes the rest.
    await stopGracefully(server);
    const db = new SQLite(join(dataDir, 'onair.sqlite'), { readonly: true });
    try {
      const sims = db.prepare("select id, simulated, password_hash from viewers where nickname like 'sim-e2e-%' order by nickname").all() as { id: string; simulated: number; password_hash: string }[];
      expect(sims).toHaveLength(20);
      for (const v of sims) expect(v.simulated).toBe(1);
      const ids = sims.map((v) => v.id);
      const inIds = `(${ids.map(() => '?').join(',')})`;
      const n = (q: string, ...args: unknown[]) => (db.prepare(q).get(...args) as { n: number }).n;

      expect(n(`select count(*) as n from chat_messages where session_id = ? and sender_id in ${inIds}`, sessionId, ...ids)).toBe(s.comments.accepted);
      const paid = db.prepare(`select status, simulated from orders where session_id = ? and buyer_id in ${inIds}`).all(sessionId, ...ids) as { status: string; simulated: number }[];
      expect(paid).toHaveLength(s.orders.placed);
      for (const o of paid) expect(o).toEqual({ status: 'paid', simulated: 1 });
      expect(n(`select count(*) as n from poll_votes where viewer_id in ${inIds}`, ...ids)).toBe(s.votes.accepted);
      expect(n(`select count(*) as n from draw_entries where viewer_id in ${inIds}`, ...ids)).toBeGreaterThan(0);
      expect(n("select count(*) as n from audit_log where action = 'viewers.simulated_created'")).toBe(1);

      // Analytics: every event of a simulated account is labelled simulated, none real, with the
      // sources the simulator put on the room URL.
      const keys = ids.map((id) => `viewer:${id}`);
      const inKeys = `(${keys.map(() => '?').join(',')})`;
      const byTraffic = db.prepare(`select traffic, count(*) as n from analytics_events where session_id = ? and viewer_key in ${inKeys} group by traffic`).all(sessionId, ...keys) as { traffic: string; n: number }[];
      expect(byTraffic).toEqual([{ traffic: 'simulated', n: expect.any(Number) }]);
      const types = (db.prepare(`select distinct type from analytics_events where session_id = ? and viewer_key in ${inKeys}`).all(sessionId, ...keys) as { type: string }[]).map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(['view_start', 'view_end', 'comment', 'like', 'product_impression', 'product_click', 'order', 'payment', 'poll_vote', 'draw_entry']));
      const sources = (db.prepare(`select distinct source from analytics_events where session_id = ? and type = 'view_start' and viewer_key in ${inKeys}`).all(sessionId, ...keys) as { source: string }[]).map((r) => r.source);
      expect(sources.length).toBeGreaterThan(1);
    } finally {
      db.close();
    }
  });
});
