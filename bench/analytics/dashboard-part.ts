/**
 * Dashboard figures visible <= 2 s after the event (issue 7 item 11). The real `onair start`
 * (embedded: SQLite, in-process bus) in its own process; ANALYTICS_DASH_VIEWERS (2,000) guest
 * viewers on real WebSockets keep the room busy (views, heartbeats, a product impression every
 * few seconds each); a console (the owner's team socket) watches the `dash` messages. A probe viewer sends a
 * product click (a `track` beacon on the room socket) every 500 ms; the latency of each is the
 * time from sending it to the first `dash` message whose figures include it (the probe product's
 * click count). Baseline, same run: the naive dashboard, which polls the database every second
 * with an aggregate query over the stored events, measured on the same probe clicks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import WebSocket from 'ws';
import type { DashMessage } from '../../src/server/modules/analytics/dashboard.publisher.js';
import { stopProcess, waitForLine } from '../support/child-process.js';

const env = process.env;
const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));
const log = (s: string) => process.stderr.write(`[analytics dashboard] ${s}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const root = join(import.meta.dirname, '../..');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;
const PROBE = 'probe-product';

function openWs(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

export async function dashboardPart(_dir: string) {
  const viewersN = num(env.ANALYTICS_DASH_VIEWERS, 2_000);
  const probes = num(env.ANALYTICS_DASH_PROBES, 40);
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-dash-'));
  const adminPassword = `bench-${randomBytes(8).toString('hex')}`;
  const serverEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') serverEnv[k] = v;
  Object.assign(serverEnv, { ONAIR_DATA_DIR: dataDir, ONAIR_RTMP_PORT: '0', ONAIR_LOG_LEVEL: 'warn', ONAIR_ADMIN_PASSWORD: adminPassword, ONAIR_WEB_DIR: join(dataDir, 'no-web'), ONAIR_TRUST_PROXY: 'true' });
  let server: ChildProcess | null = null;
  const sockets: WebSocket[] = [];
  try {
    server = spawn(process.execPath, ['--import', tsxLoader, join(root, 'src/server/cli/onair.ts'), 'start', '--port', '0'], { cwd: dataDir, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const origin = (await waitForLine(server, /Onair is running at (http:\/\/\S+)/, 60_000))[1]!;
    const signin = await fetch(`${origin}/api/console/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@onair.local', password: adminPassword }) });
    if (signin.status !== 200) throw new Error(`owner sign-in: ${signin.status}`);
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = ((await signin.json()) as { csrfToken: string }).csrfToken;
    const team = async (path: string, body: unknown) => {
      const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: JSON.stringify(body) });
      const b = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${path} -> ${res.status} ${JSON.stringify(b)}`);
      return b;
    };
    const session = await team('/api/console/sessions', { title: 'Dashboard bench', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3_600_000).toISOString(), plannedMinutes: 60 });
    const sid = session.id as string;
    await team(`/api/console/sessions/${sid}/transitions`, { to: 'live' });
    const wsBase = `${origin.replace(/^http/, 'ws')}/ws?session=${sid}`;
    let ipN = 0;
    const guest = async () => {
      const n = ++ipN;
      const res = await fetch(`${origin}/api/viewer/guest`, { method: 'POST', headers: { 'x-forwarded-for': `10.77.${(n >> 8) & 255}.${n & 255}` } });
      if (res.status !== 200) throw new Error(`guest token: ${res.status}`);
      return ((await res.json()) as { guestToken: string }).guestToken;
    };

    // The console.
    const consoleWs = await openWs(`${wsBase}&as=team`, { cookie, origin });
    sockets.push(consoleWs);
    let lastDash: DashMessage | null = null;
    const dashWaiters: { want: number; resolve: (at: number) => void }[] = [];
    consoleWs.on('message', (data: Buffer) => {
      const at = performance.now();
      const m = JSON.parse(data.toString()) as { t: string };
      if (m.t !== 'dash') return;
      lastDash = m as DashMessage;
      const clicks = lastDash.real.topProducts.find((p) => p.productId === PROBE)?.clicks ?? 0;
      for (const w of [...dashWaiters]) if (clicks >= w.want) {
        dashWaiters.splice(dashWaiters.indexOf(w), 1);
        w.resolve(at);
      }
    });

    // The busy room.
    log(`connecting ${viewersN} guest viewers`);
    const t0 = performance.now();
    for (let i = 0; i < viewersN; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, viewersN - i) }, async () => openWs(`${wsBase}&guest=${encodeURIComponent(await guest())}`)));
      sockets.push(...batch);
    }
    log(`${viewersN} connected in ${Math.round(performance.now() - t0)} ms`);
    let bg = 0;
    const likeTimer = setInterval(() => {
      // About one product impression per viewer every 4 s (guests may not like or comment).
      for (let i = 0; i < Math.ceil(viewersN / 8); i++) {
        const ws = sockets[1 + Math.floor(Math.random() * viewersN)];
        if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: 'track', ref: `b${++bg}`, events: [{ id: `bg-${bg}-${randomBytes(6).toString('hex')}`, type: 'product_impression', productId: `p${bg % 30}` }] }));
      }
    }, 500);

    // The naive dashboard: polls the database every second.
    const db = new SQLite(join(dataDir, 'onair.sqlite'), { readonly: true });
    const naiveQuery = db.prepare(`SELECT count(*) AS clicks FROM analytics_events WHERE session_id = ? AND type = 'product_click' AND product_id = ? AND traffic = 'real'`);
    const totalsQuery = db.prepare(`SELECT type, count(*) AS n, count(DISTINCT viewer_key) AS viewers FROM analytics_events WHERE session_id = ? AND traffic = 'real' GROUP BY type`);
    const naiveWaiters: { want: number; resolve: (at: number) => void }[] = [];
    const naiveQueryMs: number[] = [];
    const naiveTimer = setInterval(() => {
      const q0 = performance.now();
      totalsQuery.all(sid); // what a naive dashboard would read each second, besides the probe
      const clicks = (naiveQuery.get(sid, PROBE) as { clicks: number }).clicks;
      const at = performance.now();
      naiveQueryMs.push(at - q0);
      for (const w of [...naiveWaiters]) if (clicks >= w.want) {
        naiveWaiters.splice(naiveWaiters.indexOf(w), 1);
        w.resolve(at);
      }
    }, 1000);

    await sleep(3000);
    const probeWs = await openWs(`${wsBase}&guest=${encodeURIComponent(await guest())}`);
    sockets.push(probeWs);
    await sleep(1000);
    const latencies: number[] = [];
    const naive: number[] = [];
    for (let k = 1; k <= probes; k++) {
      const seen = new Promise<number>((resolve) => dashWaiters.push({ want: k, resolve }));
      const seenNaive = new Promise<number>((resolve) => naiveWaiters.push({ want: k, resolve }));
      const sent = performance.now();
      probeWs.send(JSON.stringify({ t: 'track', ref: `p${k}`, events: [{ id: `probe-${k}-${randomBytes(6).toString('hex')}`, type: 'product_click', productId: PROBE }] }));
      const timeout = sleep(15_000).then(() => Number.NaN);
      latencies.push((await Promise.race([seen, timeout])) - sent);
      naive.push((await Promise.race([seenNaive, timeout])) - sent);
      await sleep(500);
    }
    clearInterval(likeTimer);
    clearInterval(naiveTimer);
    db.close();
    const ok = latencies.filter((x) => Number.isFinite(x));
    const naiveOk = naive.filter((x) => Number.isFinite(x));
    const dash = lastDash as DashMessage | null;
    const p99 = round(pct(ok, 99));
    return {
      figures: {
        viewers: viewersN,
        probes,
        seen: ok.length,
        latency_p50_ms: round(pct(ok, 50)),
        latency_p99_ms: p99,
        latency_max_ms: round(Math.max(...ok)),
        concurrent_on_dashboard: dash?.real.concurrent ?? null,
        background_impressions_sent: bg,
      },
      baselines: {
        naive_db_polling_every_1s: { latency_p50_ms: round(pct(naiveOk, 50)), latency_p99_ms: round(pct(naiveOk, 99)), query_p50_ms: round(pct(naiveQueryMs, 50)), query_p99_ms: round(pct(naiveQueryMs, 99)) },
      },
      targets: [{ name: `dashboard: a product click visible on the console's dashboard (p99, ${viewersN} viewers in the room)`, goal: '<= 2000 ms', value: p99, met: ok.length === probes && p99 <= 2000 }],
    };
  } finally {
    for (const ws of sockets) ws.terminate();
    if (server) await stopProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
