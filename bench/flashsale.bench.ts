/**
 * Flash sale (整点抢购): FLASH_BUYERS (20,000) signed-in buyers race for FLASH_UNITS (1,000) units of
 * an on-the-hour flash sale (per-buyer limit 1) through the real checkout, POST /api/live/:id/orders.
 *
 * The server under test runs as its own process pinned to core 0 (taskset); the load comes from
 * a separate process (bench/flashsale/load.ts, autocannon's keep-alive client) pinned to core 1.
 * Buyers are real viewer accounts with real sign-in sessions, inserted in bulk before the server
 * starts (argon2 per buyer would take minutes). The sale is created through the console API to
 * open a few seconds later, by the server's own scheduler (the "hour"); the load starts just
 * before, so the first attempts meet a closed sale, as on the hour. Each buyer tries
 * FLASH_ATTEMPTS (2) times, each with its own idempotency key.
 *
 * Modes, in the same run:
 *   embedded   `onair start`, SQLite, in-process gate
 *   scale-out  `onair start` with DATABASE_URL (PostgreSQL) + REDIS_URL: Redis Lua gate
 *   baseline   bench/flashsale/naive-server.ts: per attempt, auth SELECT, then
 *              BEGIN; SELECT stock_left ... FOR UPDATE; UPDATE; COMMIT on PostgreSQL (same load)
 * Afterwards each mode is checked against its database: oversold units and duplicate orders.
 *
 * Env: FLASH_BUYERS, FLASH_UNITS, FLASH_ATTEMPTS, FLASH_CONNECTIONS (200), FLASH_PG_POOL_MAX
 * (the scale-out server's ONAIR_PG_POOL_MAX; default 10), FLASH_MODES, FLASH_SERVER_NODE_ARGS
 * (embedded,scale-out,baseline), FLASH_QUICK=1 (2,000 buyers, 100 units), DATABASE_URL /
 * REDIS_URL of the scale-out and baseline (default postgres://postgres@127.0.0.1:5432/test,
 * redis://127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Database } from '../src/server/platform/db/database.js';
import { randomToken, sha256Hex } from '../src/server/platform/auth/tokens.js';
import { cpuSeconds as procCpuSeconds, machineBusySeconds } from './fanout/common.js';
import { stopProcess, waitForLine } from './support/child-process.js';

/** CPU seconds of a process, NaN once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    return procCpuSeconds(pid);
  } catch {
    return NaN;
  }
}
import type { AuthSessionsTable, ViewersTable } from '../src/server/platform/db/db.types.js';

const env = process.env;
const quick = env.FLASH_QUICK === '1';
const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));
const cfg = {
  buyers: num(env.FLASH_BUYERS, quick ? 2000 : 20_000),
  units: num(env.FLASH_UNITS, quick ? 100 : 1000),
  attempts: num(env.FLASH_ATTEMPTS, 2),
  connections: num(env.FLASH_CONNECTIONS, 200),
  modes: (env.FLASH_MODES ?? 'embedded,scale-out,baseline').split(',').map((s) => s.trim()).filter(Boolean),
  pgUrl: env.DATABASE_URL ?? env.ONAIR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: env.REDIS_URL ?? env.ONAIR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  priceFen: 4900,
  opensInMs: 4000,
};
const root = fileURLToPath(new URL('..', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const log = (s: string) => process.stderr.write(`[flashsale] ${s}\n`);
const round = (x: number, d = 1) => Number(x.toFixed(d));

// --- processes (as bench/fanout) ---------------------------------------------------------------
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
const cores = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 1;
  } catch {
    return 1;
  }
})();
const pinned = Boolean(taskset) && cores >= 2;
const WRAP = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"`;
function spawnPinned(core: number, args: string[], childEnv: NodeJS.ProcessEnv, cwd = root): ChildProcess {
  const cmd = [...(pinned ? [taskset!, '-c', String(core)] : []), process.execPath, ...args];
  return spawn('sh', ['-c', WRAP, 'sh', ...cmd], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}
/** The node process under `sh -c exec` keeps the pid. */
const pidOf = (c: ChildProcess) => c.pid!;

// --- buyers ----------------------------------------------------------------------------------
interface Buyer {
  cookie: string;
  csrf: string;
  ip: string;
}
async function insertBuyers(database: Database, n: number): Promise<Buyer[]> {
  const now = new Date();
  const expires = new Date(now.getTime() + 86_400_000).toISOString();
  const buyers: Buyer[] = [];
  const viewers: ViewersTable[] = [];
  const sessions: AuthSessionsTable[] = [];
  const tag = randomBytes(3).toString('hex');
  for (let i = 0; i < n; i++) {
    const id = `bv${tag}${i.toString(36).padStart(5, '0')}`;
    const token = randomToken();
    const csrf = randomToken(24);
    viewers.push({ id, nickname: `buyer${tag}${i}`, nickname_key: `buyer${tag}${i}`, password_hash: '!bench: no password', status: 'active' as const, is_demo: 0, created_at: now.toISOString() });
    sessions.push({ id: sha256Hex(token), principal_kind: 'viewer' as const, principal_id: id, csrf_token: csrf, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: expires, revoked_at: null, ip: null, user_agent: null });
    buyers.push({ cookie: `onair_viewer=${token}`, csrf, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
  }
  await database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += 500) {
      await trx.insertInto('viewers').values(viewers.slice(i, i + 500)).execute();
      await trx.insertInto('auth_sessions').values(sessions.slice(i, i + 500)).execute();
    }
  });
  return buyers;
}

// --- one run against a server ----------------------------------------------------------------
interface LoadResult {
  startedEpoch: number;
  elapsedMs: number;
  attempts: number;
  errors: number;
  timeouts: number;
  counts: Record<string, number>;
  t: { firstSuccess: number | null; lastSuccess: number | null; firstSoldOut: number | null; firstOpen: number | null };
  latency: { p50: number; p99: number; max: number; mean: number };
  orderIds: string[];
  loadCpuS: number;
}
async function runLoad(origin: string, path: string, buyers: Buyer[], body: unknown, startAt: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-flash-load-'));
  const file = join(dir, 'job.json');
  writeFileSync(file, JSON.stringify({ origin, path, buyers, attemptsPerBuyer: cfg.attempts, connections: cfg.connections, body, startAt }));
  const child = spawnPinned(1, ['--import', 'tsx', join(root, 'bench/flashsale/load.ts'), file], env);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`load generator exited ${code}: ${err.slice(-800)}`);
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult;
}

/** CPU shares over a run: the server's, the load generator's, and everything else on the machine. */
function cpuShares(r: LoadResult, serverCpuS: number, machineBusyS: number) {
  const wall = r.elapsedMs / 1000;
  return {
    server_cpu_s: round(serverCpuS, 2),
    server_core_utilisation: round(serverCpuS / wall, 2),
    /** What one fully available core would serve at this cost per attempt (a capacity estimate on a busy machine). */
    attempts_per_server_cpu_s: Math.round(r.attempts / Math.max(serverCpuS, 0.001)),
    load_core_utilisation: round(r.loadCpuS / wall, 2),
    // PostgreSQL and Redis count here in the scale-out and baseline modes (they are part of the system under test).
    other_processes_cores: round(Math.max(0, machineBusyS - serverCpuS - r.loadCpuS) / wall, 2),
  };
}

function figuresOf(r: LoadResult, units: number) {
  const ok = r.counts['201'] ?? 0;
  const openAt = r.t.firstOpen ?? 0;
  // The pool is empty at the latest when the first SOLD_OUT answer is sent.
  const soldOutAt = r.t.firstSoldOut ?? r.t.lastSuccess ?? r.elapsedMs;
  const sellWindowMs = Math.max(1, (r.t.lastSuccess ?? soldOutAt) - openAt);
  return {
    attempts: r.attempts,
    successful_orders: ok,
    statuses: r.counts,
    transport_errors: r.errors + r.timeouts,
    duration_s: round(r.elapsedMs / 1000, 2),
    purchase_attempts_per_s: Math.round(r.attempts / (r.elapsedMs / 1000)),
    successful_orders_per_s: Math.round(ok / (sellWindowMs / 1000)),
    /** Units taken from the pool per second, from the opening to the first sold-out answer. */
    decrements_per_s: Math.round(Math.min(ok, units) / (Math.max(1, soldOutAt - openAt) / 1000)),
    sold_out_after_open_ms: r.t.firstSoldOut !== null ? Math.round(r.t.firstSoldOut - openAt) : null,
    last_success_after_open_ms: r.t.lastSuccess !== null ? Math.round(r.t.lastSuccess - openAt) : null,
    latency_p50_ms: r.latency.p50,
    latency_p99_ms: r.latency.p99,
    latency_max_ms: r.latency.max,
  };
}

async function json(res: Response) {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

/** Onair itself (embedded or scale-out): bulk buyers, real server, sale opening on its clock. */
async function runOnair(mode: 'embedded' | 'scale-out') {
  const dataDir = mkdtempSync(join(tmpdir(), `onair-flash-${mode}-`));
  const schema = `onair_flashbench_${randomBytes(4).toString('hex')}`;
  const serverEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') serverEnv[k] = v;
  const adminPassword = `bench-${randomBytes(8).toString('hex')}`;
  Object.assign(serverEnv, { ONAIR_DATA_DIR: dataDir, ONAIR_LOG_LEVEL: 'warn', ONAIR_TRUST_PROXY: 'true', ONAIR_ADMIN_PASSWORD: adminPassword, ONAIR_WEB_DIR: join(dataDir, 'no-web') });
  if (mode === 'scale-out') Object.assign(serverEnv, { DATABASE_URL: cfg.pgUrl, ONAIR_PG_SCHEMA: schema, REDIS_URL: cfg.redisUrl, ONAIR_DATA_KEY: randomBytes(32).toString('base64'), ...(env.FLASH_PG_POOL_MAX ? { ONAIR_PG_POOL_MAX: env.FLASH_PG_POOL_MAX } : {}) });
  const database = await openDatabase(mode === 'scale-out' ? { databaseUrl: cfg.pgUrl, pgSchema: schema, pgPoolMax: 4 } : { sqliteFile: join(dataDir, 'onair.sqlite') });
  let server: ChildProcess | null = null;
  try {
    await migrateToLatest(database);
    log(`${mode}: inserting ${cfg.buyers} buyers with sign-in sessions`);
    const buyers = await insertBuyers(database, cfg.buyers);
    // From source through tsx (compiled once at load; the same code as the build, never a stale dist/).
    const built = env.FLASH_COMPILED === '1' && existsSync(join(root, 'dist/server/cli/onair.js'));
    // FLASH_SERVER_NODE_ARGS: extra node flags for the server under test (e.g. --cpu-prof --cpu-prof-dir=/tmp/p to profile it).
    const nodeArgs = (env.FLASH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const args = [...nodeArgs, ...(built ? [join(root, 'dist/server/cli/onair.js'), 'start', '--port', '0'] : ['--import', tsxLoader, join(root, 'src/server/cli/onair.ts'), 'start', '--port', '0'])];
    server = spawnPinned(0, args, serverEnv, dataDir);
    const origin = (await waitForLine(server, /Onair is running at (http:\/\/\S+)/, 60_000))[1]!;
    log(`${mode}: server at ${origin} (${built ? 'compiled build' : 'from source'})`);
    const signin = await fetch(`${origin}/api/console/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@onair.local', password: adminPassword }) });
    if (signin.status !== 200) throw new Error(`owner sign-in: ${signin.status} ${await signin.text()}`);
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = ((await signin.json()) as { csrfToken: string }).csrfToken;
    const team = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${origin}${path}`, { method, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const b = await json(res);
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(b)}`);
      return b;
    };
    const product = await team('POST', '/api/console/products', {
      title: 'Bench tea',
      description: 'flash sale bench',
      brandId: null,
      category: 'tea',
      tags: [],
      images: [],
      skus: [{ code: `BENCH-${randomBytes(3).toString('hex')}`, name: '250 g', attrs: {}, priceFen: 9900, currency: 'CNY', stock: cfg.units * 3 }],
    });
    const skuId = (product.skus as { id: string }[])[0]!.id;
    const session = await team('POST', '/api/console/sessions', { title: 'Bench live', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3_600_000).toISOString(), plannedMinutes: 60 });
    await team('POST', `/api/console/sessions/${session.id as string}/transitions`, { to: 'live' });
    // "The hour": the scheduler opens the sale at startsAt.
    const startsAt = new Date(Math.ceil((Date.now() + cfg.opensInMs) / 1000) * 1000);
    const sale = await team('POST', `/api/console/sessions/${session.id as string}/flash-sales`, { skuId, priceFen: cfg.priceFen, units: cfg.units, perBuyerLimit: 1, durationMinutes: 30, startsAt: startsAt.toISOString() });
    const body = {
      lines: [{ skuId, quantity: 1, flashSaleId: sale.id }],
      usePoints: false,
      expectedTotalFen: cfg.priceFen,
      address: { name: '买家', phone: '13800138000', region: '浙江省杭州市', street: '文一西路 1 号' },
    };
    const cpu0 = cpuSeconds(pidOf(server));
    const busy0 = machineBusySeconds().busy;
    log(`${mode}: sale opens at ${startsAt.toISOString()}; ${cfg.buyers} buyers x ${cfg.attempts} attempts, ${cfg.connections} connections`);
    const r = await runLoad(origin, `/api/live/${session.id as string}/orders`, buyers, body, startsAt.getTime() - 300);
    const cpu = cpuSeconds(pidOf(server)) - cpu0;
    const busy = machineBusySeconds().busy - busy0;
    // The gate's decrements: when each recorded unit was claimed (the claim token carries the
    // moment: <instance>.<ms>.<seq>), first to last.
    const tokens = await database.db.selectFrom('flash_sale_claims').select('token').where('flash_sale_id', '=', sale.id as string).execute();
    const claimedAt = tokens.map((x) => Number(x.token.split('.')[1])).filter(Number.isFinite).sort((a, b) => a - b);
    const gateWindowMs = claimedAt.length > 1 ? claimedAt[claimedAt.length - 1]! - claimedAt[0]! : NaN;
    // The record: units sold, oversold, duplicate orders.
    const lines = await database.db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select(['orders.id', 'orders.buyer_id', 'orders.status', 'order_lines.flash_units'])
      .where('order_lines.flash_sale_id', '=', sale.id as string)
      .execute();
    const live = lines.filter((l) => l.status !== 'cancelled');
    const sold = live.reduce((a, l) => a + Number(l.flash_units), 0);
    const perBuyer = new Map<string, number>();
    for (const l of live) perBuyer.set(l.buyer_id, (perBuyer.get(l.buyer_id) ?? 0) + 1);
    const duplicateOrders = [...perBuyer.values()].reduce((a, n) => a + Math.max(0, n - 1), 0) + (r.orderIds.length - new Set(r.orderIds).size);
    const row = await database.db.selectFrom('flash_sales').select(['stock_left', 'stock_total']).where('id', '=', sale.id as string).executeTakeFirstOrThrow();
    const fig = figuresOf(r, cfg.units);
    return {
      ...fig,
      units: cfg.units,
      units_sold: sold,
      pool_left: Number(row.stock_left),
      oversold: Math.max(0, sold - cfg.units) + Math.max(0, sold + Number(row.stock_left) - cfg.units),
      duplicate_orders: duplicateOrders,
      orders_confirmed_but_missing: r.orderIds.filter((id) => !live.some((l) => l.id === id)).length,
      /** Units handed out by the gate per second: recorded units / (last claim - first claim). */
      gate_decrements_per_s: Number.isFinite(gateWindowMs) ? Math.round(claimedAt.length / Math.max(gateWindowMs / 1000, 0.001)) : null,
      gate_window_ms: Number.isFinite(gateWindowMs) ? gateWindowMs : null,
      ...cpuShares(r, cpu, busy),
    };
  } finally {
    if (server) await stopProcess(server);
    await database.close();
    if (mode === 'scale-out') {
      const c = new pg.Client({ connectionString: cfg.pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The naive baseline: same buyers and requests, SELECT ... FOR UPDATE + UPDATE per attempt. */
async function runBaseline() {
  const schema = `onair_flashnaive_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ databaseUrl: cfg.pgUrl, pgSchema: schema, pgPoolMax: 4 });
  let server: ChildProcess | null = null;
  try {
    await migrateToLatest(database);
    const buyers = await insertBuyers(database, cfg.buyers);
    const c = new pg.Client({ connectionString: cfg.pgUrl, options: `-c search_path="${schema}"` });
    await c.connect();
    await c.query('create table naive_flash (id text primary key, stock_left integer not null check (stock_left >= 0))');
    await c.query('insert into naive_flash values ($1, $2)', ['naive-sale', cfg.units]);
    await c.end();
    server = spawnPinned(0, ['--import', 'tsx', join(root, 'bench/flashsale/naive-server.ts')], { ...env, DATABASE_URL: cfg.pgUrl, PG_SCHEMA: schema, SALE_ID: 'naive-sale', POOL_MAX: '10' });
    const port = (await waitForLine(server, /listening on (\d+)/, 30_000))[1]!;
    const cpu0 = cpuSeconds(pidOf(server));
    const busy0 = machineBusySeconds().busy;
    const r = await runLoad(`http://127.0.0.1:${port}`, '/orders', buyers, { lines: [{ skuId: 'x', quantity: 1 }], usePoints: false, expectedTotalFen: cfg.priceFen, address: {} }, Date.now() + 500);
    const cpu = cpuSeconds(pidOf(server)) - cpu0;
    const busy = machineBusySeconds().busy - busy0;
    const c2 = new pg.Client({ connectionString: cfg.pgUrl, options: `-c search_path="${schema}"` });
    await c2.connect();
    const row = (await c2.query<{ stock_left: number }>('select stock_left from naive_flash')).rows[0]!;
    await c2.end();
    const fig = figuresOf({ ...r, t: { ...r.t, firstOpen: r.t.firstOpen ?? 0 } }, cfg.units);
    // The row's decrements: first to last successful answer (each answer follows its COMMIT).
    const windowMs = (r.t.lastSuccess ?? 0) - (r.t.firstSuccess ?? 0);
    return {
      ...fig,
      units: cfg.units,
      pool_left: row.stock_left,
      oversold: Math.max(0, (fig.successful_orders ?? 0) - cfg.units),
      gate_decrements_per_s: windowMs > 0 ? Math.round(fig.successful_orders / (windowMs / 1000)) : null,
      gate_window_ms: Math.round(windowMs),
      ...cpuShares(r, cpu, busy),
    };
  } finally {
    if (server) await stopProcess(server);
    await database.close();
    const c = new pg.Client({ connectionString: cfg.pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
}

async function main() {
  log(`cores ${cores}, pinned ${pinned ? 'server core 0, load core 1' : 'no (taskset missing or 1 core)'}`);
  const out: Record<string, unknown> = {};
  for (const m of cfg.modes) {
    try {
      if (m === 'embedded' || m === 'scale-out') out[m] = await runOnair(m);
      else if (m === 'baseline') out[m] = await runBaseline();
      log(`${m}: ${JSON.stringify(out[m])}`);
    } catch (e) {
      log(`${m} failed: ${(e as Error).stack ?? String(e)}`);
      out[m] = { error: (e as Error).message };
    }
  }
  type Fig = { purchase_attempts_per_s?: number; latency_p99_ms?: number; gate_decrements_per_s?: number | null; successful_orders_per_s?: number; oversold?: number; duplicate_orders?: number };
  const emb = out.embedded as Fig | undefined;
  const so = out['scale-out'] as Fig | undefined;
  const base = out.baseline as Fig | undefined;
  const figures = {
    load_average_1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    buyers: cfg.buyers,
    units: cfg.units,
    attempts_per_buyer: cfg.attempts,
    per_buyer_limit: 1,
    connections: cfg.connections,
    cores,
    pinned,
    embedded: out.embedded ?? null,
    scale_out: out['scale-out'] ?? null,
  };
  const baselines = { for_update: out.baseline ?? null };
  const ratio = so?.gate_decrements_per_s && base?.gate_decrements_per_s ? round(so.gate_decrements_per_s / base.gate_decrements_per_s, 2) : null;
  const targets = [
    { name: 'embedded: purchase attempts/s (2 cores)', goal: '>= 10000', value: emb?.purchase_attempts_per_s ?? null, met: (emb?.purchase_attempts_per_s ?? 0) >= 10_000 },
    { name: 'embedded: p99 latency (ms)', goal: '<= 100', value: emb?.latency_p99_ms ?? null, met: emb?.latency_p99_ms !== undefined && emb.latency_p99_ms <= 100 },
    { name: 'scale-out: successful decrements/s vs FOR UPDATE baseline', goal: '>= 5x', value: ratio, met: ratio !== null && ratio >= 5 },
    { name: 'oversold units (every mode)', goal: '= 0', value: (emb?.oversold ?? 0) + (so?.oversold ?? 0), met: (emb?.oversold ?? 0) + (so?.oversold ?? 0) === 0 },
    { name: 'duplicate orders (every mode)', goal: '= 0', value: (emb?.duplicate_orders ?? 0) + (so?.duplicate_orders ?? 0), met: (emb?.duplicate_orders ?? 0) + (so?.duplicate_orders ?? 0) === 0 },
  ];
  console.log(JSON.stringify({ bench: 'flashsale', figures, baselines, targets }));
}

void main();
