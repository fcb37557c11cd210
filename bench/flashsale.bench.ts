/**
 * Flash sale (整点抢购): FLASH_BUYERS (20,000) signed-in buyers race for FLASH_UNITS (1,000) units of
 * an on-the-hour flash sale (per-buyer limit 1), as the room's client does it: grab (a claim,
 * answered with a reservation), then check the reservation out (a real order).
 *
 * The server under test runs as its own process pinned to core 0 (taskset); the load comes from
 * a separate process (bench/flashsale/load.ts, autocannon's keep-alive client) pinned to core 1.
 * Buyers are real viewer accounts with real sign-in sessions, inserted in bulk before the server
 * starts (argon2 per buyer would take minutes). The sale is created through the console API to
 * open FLASH_OPENS_IN_MS later, by the server's own scheduler (the "hour"). Before it, every buyer
 * fetches its flash pass (POST …/flash-sales/:saleId/pass; a phase of its own, reported apart).
 * The race starts 300 ms before the hour, so the first claims meet a closed sale. Each buyer makes
 * FLASH_ATTEMPTS (2) claims (POST …/flash-sales/:saleId/claims, x-flash-pass), each with its own
 * idempotency key; a claim that wins (201, a reservation) is checked out at once (POST
 * /api/live/:id/orders with the reservation), so orders are written during the storm:
 * FLASH_CHECKOUT=separate (default) sends the checkouts on FLASH_ORDER_CONNECTIONS (50) keep-alive
 * connections of their own, fed by a queue of the won claims (a real buyer has their own
 * connection: 200 storm connections stand for 20,000 buyers, and a checkout must not take one of
 * them away); `inline`: on the same storm connection, right after the claim; `none`: claims only.
 *
 * Warm-up (FLASH_WARMUP=0 turns it off): a production server has been running for hours when the
 * hour strikes, so before the measured sale each Onair mode races a warm-up sale in the same
 * server process: its own product, FLASH_WARMUP_UNITS (10% of the units), limit 1, opening
 * FLASH_WARMUP_OPENS_IN_MS after it is created; the first FLASH_WARMUP_BUYERS (10% of the buyers)
 * fetch its passes, then race it (FLASH_ATTEMPTS each: 10% of the attempts) with their checkouts,
 * all before the measured sale's passes. Reported under `warmup`; the targets and the checks of
 * the measured sale count only the measured sale (its id).
 *
 * Modes, in the same run:
 *   embedded   `onair start`, SQLite, in-process gate
 *   scale-out  `onair start` with DATABASE_URL (PostgreSQL) + REDIS_URL: Redis Lua gate
 *   baseline   bench/flashsale/naive-server.ts: one request per attempt: auth SELECT, then
 *              BEGIN; SELECT stock_left ... FOR UPDATE; UPDATE; COMMIT on PostgreSQL
 * Afterwards each mode is checked against its database: units sold + held + left = units, the
 * per-buyer limit, duplicate orders, and every reservation and order the client was given exists.
 *
 * Env: FLASH_BUYERS, FLASH_UNITS, FLASH_ATTEMPTS, FLASH_CONNECTIONS (200), FLASH_CHECKOUT
 * (separate | inline | none), FLASH_ORDER_CONNECTIONS (50), FLASH_WARMUP (1), FLASH_WARMUP_UNITS,
 * FLASH_WARMUP_BUYERS, FLASH_WARMUP_OPENS_IN_MS, FLASH_OPENS_IN_MS (sale created -> opening;
 * default 5 s + 1.25 ms per buyer, plus the warm-up's time),
 * FLASH_CLAIM_COOKIE=1 (claims carry the cookie too, as a browser's would), FLASH_PG_POOL_MAX
 * (the scale-out server's ONAIR_PG_POOL_MAX; default 10), FLASH_MODES (embedded,scale-out,baseline),
 * FLASH_SERVER_NODE_ARGS, FLASH_SERVER_LOG (a file for the server's output), FLASH_COMPILED=1, FLASH_QUICK=1 (2,000 buyers, 100 units), DATABASE_URL /
 * REDIS_URL of the scale-out and baseline (default postgres://postgres@127.0.0.1:5432/test,
 * redis://127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { launcherNodeFlags } from '../src/server/cli/launcher-flags.js';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Database } from '../src/server/platform/db/database.js';
import { randomToken, sha256Hex } from '../src/server/platform/auth/tokens.js';
import type { AuthSessionsTable, ViewersTable } from '../src/server/platform/db/db.types.js';
import { stopProcess, waitForLine } from './support/child-process.js';
import type { Checkout, CpuWindow, LoadBuyer, LoadJob, LoadResult, PassPhase, RaceOutcome } from './flashsale/load.js';

const env = process.env;
const quick = env.FLASH_QUICK === '1';
const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));
const buyersN = num(env.FLASH_BUYERS, quick ? 2000 : 20_000);
const unitsN = num(env.FLASH_UNITS, quick ? 100 : 1000);
const attemptsN = num(env.FLASH_ATTEMPTS, 2);
/** The warm-up sale: 10% of the units, raced by 10% of the buyers (10% of the attempts). */
const warmupOn = env.FLASH_WARMUP !== '0';
const warmupBuyersN = Math.min(buyersN, num(env.FLASH_WARMUP_BUYERS, Math.max(1, Math.round(buyersN / 10))));
const warmupOpensInMs = num(env.FLASH_WARMUP_OPENS_IN_MS, 4000 + Math.round(warmupBuyersN * 0.5));
const cfg = {
  buyers: buyersN,
  units: unitsN,
  attempts: attemptsN,
  connections: num(env.FLASH_CONNECTIONS, 200),
  checkout: (env.FLASH_CHECKOUT ?? 'separate') as Checkout,
  orderConnections: num(env.FLASH_ORDER_CONNECTIONS, 50),
  claimCookie: env.FLASH_CLAIM_COOKIE === '1',
  modes: (env.FLASH_MODES ?? 'embedded,scale-out,baseline').split(',').map((s) => s.trim()).filter(Boolean),
  pgUrl: env.DATABASE_URL ?? env.ONAIR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: env.REDIS_URL ?? env.ONAIR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  priceFen: 4900,
  warmup: warmupOn
    ? {
        units: num(env.FLASH_WARMUP_UNITS, Math.max(1, Math.round(unitsN / 10))),
        buyers: warmupBuyersN,
        attemptsPerBuyer: attemptsN,
        /** Sales created -> the warm-up's opening: the load process starts and the warm-up buyers fetch its passes meanwhile. */
        opensInMs: warmupOpensInMs,
        /** Its race starts this long before its opening (a few NOT_OPEN answers warm that path too). */
        earlyMs: 100,
      }
    : null,
  /**
   * Sale created -> its opening: the load process starts (and races the warm-up sale first), then
   * every buyer fetches a pass. With the warm-up: its opening, 3 s + 0.5 ms per warm-up attempt for
   * its race, then the same time for the passes as without it.
   */
  opensInMs: num(env.FLASH_OPENS_IN_MS, (warmupOn ? warmupOpensInMs + 3000 + Math.round(warmupBuyersN * attemptsN * 0.5) : 5000) + Math.round(buyersN * 1.25)),
  /** The race starts this long before the opening. */
  earlyMs: 300,
};
if (!['separate', 'inline', 'none'].includes(cfg.checkout)) throw new Error(`FLASH_CHECKOUT must be separate, inline or none, not ${cfg.checkout as string}`);
if (!(cfg.orderConnections >= 1)) throw new Error(`FLASH_ORDER_CONNECTIONS must be >= 1, not ${env.FLASH_ORDER_CONNECTIONS}`);
if (cfg.warmup && !(cfg.warmup.units >= 1 && cfg.warmup.buyers >= 1)) throw new Error('FLASH_WARMUP_UNITS and FLASH_WARMUP_BUYERS must be >= 1 (FLASH_WARMUP=0 turns the warm-up off)');
const root = fileURLToPath(new URL('..', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const log = (s: string) => process.stderr.write(`[flashsale] ${s}\n`);
const round = (x: number, d = 1) => Number(x.toFixed(d));
const ms = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x));
const perS = (n: number, windowMs: number | null) => (windowMs !== null && windowMs > 0 ? Math.round(n / (windowMs / 1000)) : null);

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
interface Buyer extends LoadBuyer {
  id: string;
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
    buyers.push({ id, cookie: `onair_viewer=${token}`, csrf, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
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
async function runLoad(job: LoadJob): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-flash-load-'));
  const file = join(dir, 'job.json');
  writeFileSync(file, JSON.stringify(job));
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

/** CPU shares over a window: the server's, the load generator's, and everything else on the machine. */
function cpuShares(c: CpuWindow, attempts: number) {
  const wall = Math.max(c.wallMs, 1) / 1000;
  return {
    server_cpu_s: round(c.serverCpuS, 2),
    server_core_utilisation: round(c.serverCpuS / wall, 2),
    /** What one fully available core would serve at this cost per attempt (a capacity estimate on a busy machine). */
    attempts_per_server_cpu_s: Math.round(attempts / Math.max(c.serverCpuS, 0.001)),
    load_core_utilisation: round(c.loadCpuS / wall, 2),
    // PostgreSQL and Redis count here in the scale-out and baseline modes (they are part of the system under test).
    other_processes_cores: round(Math.max(0, c.machineBusyS - c.serverCpuS - c.loadCpuS) / wall, 2),
  };
}

/**
 * The race as the client saw it. Attempts/s: attempts answered / (first attempt sent - last
 * attempt answered). "After open" times count from the sale's scheduled opening (the hour);
 * orders/s from the first answer after the opening to the last order.
 */
function raceFigures(r: RaceOutcome, openEpoch: number, units: number) {
  const c = r.claims;
  const raceWindowMs = c.firstSentEpoch !== null && c.lastAnsweredEpoch !== null ? c.lastAnsweredEpoch - c.firstSentEpoch : null;
  const won = c.winEpochs.length;
  const after = (t: number | null | undefined) => (t === null || t === undefined ? null : ms(t - openEpoch));
  const lastOrder = r.orders.okEpochs.length > 0 ? r.orders.okEpochs[r.orders.okEpochs.length - 1]! : null;
  return {
    attempts: c.answered,
    attempts_sent: c.sent,
    statuses: c.statuses,
    transport_errors: r.transportErrors,
    race_window_ms: ms(raceWindowMs),
    purchase_attempts_per_s: perS(c.answered, raceWindowMs),
    latency_p50_ms: c.latency.p50,
    latency_p99_ms: c.latency.p99,
    latency_max_ms: c.latency.max,
    latency_mean_ms: c.latency.mean,
    winners: won,
    winning_claim_latency_p50_ms: c.winLatency.p50,
    winning_claim_latency_p99_ms: c.winLatency.p99,
    winning_claim_latency_max_ms: c.winLatency.max,
    first_open_answer_after_open_ms: after(c.firstOpenEpoch),
    sold_out_after_open_ms: after(c.firstSoldOutEpoch),
    /** The units-th winning claim answered (all units reserved), from the hour. */
    all_units_won_after_open_ms: won >= units ? after(c.winEpochs[units - 1]) : null,
    last_win_after_open_ms: won > 0 ? after(c.winEpochs[won - 1]) : null,
    lastOrder,
  };
}

function passFigures(p: PassPhase, createdAt: number, openEpoch: number) {
  return {
    buyers: p.buyers,
    passes: p.passes,
    statuses: p.statuses,
    transport_errors: p.transportErrors,
    duration_ms: ms(p.lastAnsweredEpoch - p.firstSentEpoch),
    passes_per_s: perS(p.passes, p.lastAnsweredEpoch - p.firstSentEpoch),
    latency_p50_ms: p.latency.p50,
    latency_p99_ms: p.latency.p99,
    latency_max_ms: p.latency.max,
    /** Sale created -> first pass request (the load process starting, and the warm-up when on). */
    started_after_sale_created_ms: ms(p.firstSentEpoch - createdAt),
    /** Last pass answered -> the race's planned start (negative: the passes overran it). */
    spare_before_race_ms: ms(openEpoch - cfg.earlyMs - p.lastAnsweredEpoch),
    server_cpu_s: round(p.cpu.serverCpuS, 2),
  };
}

/**
 * One sale's record against what the client was told, by the sale's id (so the measured sale's
 * figures never count the warm-up's units, orders or reservations, and the other way round).
 */
async function checkRecord(database: Database, saleId: string, units: number, r: RaceOutcome, buyers: Buyer[]) {
  // The gate's decrements: when each recorded unit was claimed (the claim token carries the
  // moment: <instance>.<ms>.<seq>), first to last.
  const tokens = await database.db.selectFrom('flash_sale_claims').select('token').where('flash_sale_id', '=', saleId).execute();
  const claimedAt = tokens.map((x) => Number(x.token.split('.')[1])).filter(Number.isFinite).sort((a, b) => a - b);
  const gateWindowMs = claimedAt.length > 1 ? claimedAt[claimedAt.length - 1]! - claimedAt[0]! : NaN;
  const lines = await database.db
    .selectFrom('order_lines')
    .innerJoin('orders', 'orders.id', 'order_lines.order_id')
    .select(['orders.id', 'orders.buyer_id', 'orders.status', 'order_lines.flash_units'])
    .where('order_lines.flash_sale_id', '=', saleId)
    .execute();
  const live = lines.filter((l) => l.status !== 'cancelled');
  const liveOrderIds = new Set(live.map((l) => l.id));
  const sold = live.reduce((a, l) => a + Number(l.flash_units), 0);
  const reservations = await database.db.selectFrom('flash_reservations').select(['id', 'buyer_id', 'units', 'status', 'order_id']).where('flash_sale_id', '=', saleId).execute();
  const reservationById = new Map(reservations.map((x) => [x.id, x]));
  const heldRows = reservations.filter((x) => x.status === 'held');
  const held = heldRows.reduce((a, x) => a + Number(x.units), 0);
  const reservationStatuses: Record<string, number> = {};
  for (const x of reservations) reservationStatuses[x.status] = (reservationStatuses[x.status] ?? 0) + 1;
  const row = await database.db.selectFrom('flash_sales').select(['stock_left', 'stock_total', 'stock_returned', 'per_buyer_limit', 'opened_at']).where('id', '=', saleId).executeTakeFirstOrThrow();
  const left = Number(row.stock_left);
  const returned = Number(row.stock_returned);
  const accounted = sold + held + left + returned;
  // Per buyer: units in live orders + units held in reservations, and the orders they have.
  const unitsOf = new Map<string, number>();
  const ordersOf = new Map<string, Set<string>>();
  for (const l of live) {
    unitsOf.set(l.buyer_id, (unitsOf.get(l.buyer_id) ?? 0) + Number(l.flash_units));
    ordersOf.set(l.buyer_id, (ordersOf.get(l.buyer_id) ?? new Set()).add(l.id));
  }
  for (const x of heldRows) unitsOf.set(x.buyer_id, (unitsOf.get(x.buyer_id) ?? 0) + Number(x.units));
  const limit = Number(row.per_buyer_limit);
  const buyersOverLimit = [...unitsOf.values()].filter((n) => n > limit).length;
  // The sale's per-buyer ledger (flash_sale_buyers) against those units.
  const ledger = await database.db.selectFrom('flash_sale_buyers').select(['buyer_id', 'quantity']).where('flash_sale_id', '=', saleId).execute();
  const ledgerOf = new Map(ledger.map((x) => [x.buyer_id, Number(x.quantity)]));
  let ledgerMismatches = 0;
  for (const b of new Set([...unitsOf.keys(), ...ledgerOf.keys()])) if ((unitsOf.get(b) ?? 0) !== (ledgerOf.get(b) ?? 0)) ledgerMismatches++;
  const clientOrderIds = r.orders_placed.map((o) => o.id);
  const duplicateOrders = [...ordersOf.values()].reduce((a, s) => a + Math.max(0, s.size - 1), 0) + (clientOrderIds.length - new Set(clientOrderIds).size);
  const buyerIdOf = (i: number) => buyers[i]!.id;
  const reservationsMissing = r.reservations.filter((x) => reservationById.get(x.id)?.buyer_id !== buyerIdOf(x.buyer)).length;
  const ordersMissing = r.orders_placed.filter((o) => !liveOrderIds.has(o.id)).length;
  // Each order placed from a reservation: the reservation is 'ordered' by that very order.
  const reservationOrderMismatches = r.orders_placed.filter((o) => {
    const x = o.reservationId ? reservationById.get(o.reservationId) : undefined;
    return !x || x.status !== 'ordered' || x.order_id !== o.id;
  }).length;

  return {
    opened_at: row.opened_at,
    units_sold: sold,
    units_held: held,
    pool_left: left,
    units_returned: returned,
    reservation_statuses: reservationStatuses,
    oversold: Math.max(0, sold + held - units) + Math.max(0, accounted - units),
    units_unaccounted: Math.max(0, units - accounted),
    buyers_over_limit: buyersOverLimit,
    buyer_ledger_mismatches: ledgerMismatches,
    duplicate_orders: duplicateOrders,
    reservations_confirmed_but_missing: reservationsMissing,
    orders_confirmed_but_missing: ordersMissing,
    reservation_order_mismatches: reservationOrderMismatches,
    /** Units handed out by the gate per second: recorded claims / (last claim - first claim). */
    gate_decrements_per_s: Number.isFinite(gateWindowMs) ? Math.round(claimedAt.length / Math.max(gateWindowMs / 1000, 0.001)) : null,
    gate_window_ms: Number.isFinite(gateWindowMs) ? gateWindowMs : null,
    gate_claims_recorded: claimedAt.length,
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
  Object.assign(serverEnv, { ONAIR_DATA_DIR: dataDir, ONAIR_RTMP_PORT: '0', ONAIR_LOG_LEVEL: 'warn', ONAIR_TRUST_PROXY: 'true', ONAIR_ADMIN_PASSWORD: adminPassword, ONAIR_WEB_DIR: join(dataDir, 'no-web') });
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
    // The server runs with the onair launcher's own node flags (its shebang), as `npm start` does.
    const nodeArgs = [...launcherNodeFlags(), ...(env.FLASH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
    const args = [...nodeArgs, ...(built ? [join(root, 'dist/server/cli/onair.js'), 'start', '--port', '0'] : ['--import', tsxLoader, join(root, 'src/server/cli/onair.ts'), 'start', '--port', '0'])];
    server = spawnPinned(0, args, serverEnv, dataDir);
    // FLASH_SERVER_LOG: a file the server's output is appended to (with --trace-gc in FLASH_SERVER_NODE_ARGS, its pauses).
    if (env.FLASH_SERVER_LOG) {
      const file = createWriteStream(env.FLASH_SERVER_LOG, { flags: 'a' });
      file.write(`--- ${mode} ${new Date().toISOString()}\n`);
      server.stdout!.pipe(file);
      server.stderr!.pipe(file);
    }
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
    const createProduct = async (title: string, stock: number) => {
      const product = await team('POST', '/api/console/products', {
        title,
        description: 'flash sale bench',
        brandId: null,
        category: 'tea',
        tags: [],
        images: [],
        skus: [{ code: `BENCH-${randomBytes(3).toString('hex')}`, name: '250 g', attrs: {}, priceFen: 9900, currency: 'CNY', stock }],
      });
      return (product.skus as { id: string }[])[0]!.id;
    };
    const skuId = await createProduct('Bench tea', cfg.units * 3);
    const session = await team('POST', '/api/console/sessions', { title: 'Bench live', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3_600_000).toISOString(), plannedMinutes: 60 });
    const sid = session.id as string;
    await team('POST', `/api/console/sessions/${sid}/transitions`, { to: 'live' });
    const address = { name: '买家', phone: '13800138000', region: '浙江省杭州市', street: '文一西路 1 号' };
    // The warm-up sale: a product of its own (its SKU, its units), raced first in the same server process.
    const w = cfg.warmup;
    let warm: { saleId: string; startsAt: Date; createdAt: number } | null = null;
    let warmupJob: NonNullable<LoadJob['race']>['warmup'] = null;
    if (w) {
      const warmSku = await createProduct('Bench tea (warm-up)', w.units * 3);
      const startsAt = new Date(Math.ceil((Date.now() + w.opensInMs) / 1000) * 1000);
      const warmSale = await team('POST', `/api/console/sessions/${sid}/flash-sales`, { skuId: warmSku, priceFen: cfg.priceFen, units: w.units, perBuyerLimit: 1, durationMinutes: 30, startsAt: startsAt.toISOString() });
      warm = { saleId: warmSale.id as string, startsAt, createdAt: Date.now() };
      warmupJob = {
        passPath: `/api/live/${sid}/flash-sales/${warm.saleId}/pass`,
        claimPath: `/api/live/${sid}/flash-sales/${warm.saleId}/claims`,
        order: { skuId: warmSku, flashSaleId: warm.saleId, expectedTotalFen: cfg.priceFen, address },
        buyers: w.buyers,
        attemptsPerBuyer: w.attemptsPerBuyer,
        startAt: startsAt.getTime() - w.earlyMs,
      };
    }
    // "The hour": the scheduler opens the sale at startsAt; the passes are fetched before it.
    const startsAt = new Date(Math.ceil((Date.now() + cfg.opensInMs) / 1000) * 1000);
    const sale = await team('POST', `/api/console/sessions/${sid}/flash-sales`, { skuId, priceFen: cfg.priceFen, units: cfg.units, perBuyerLimit: 1, durationMinutes: 30, startsAt: startsAt.toISOString() });
    const saleId = sale.id as string;
    const createdAt = Date.now();
    const job: LoadJob = {
      kind: 'race',
      origin,
      buyers,
      attemptsPerBuyer: cfg.attempts,
      connections: cfg.connections,
      startAt: startsAt.getTime() - cfg.earlyMs,
      serverPid: pidOf(server),
      race: {
        passPath: `/api/live/${sid}/flash-sales/${saleId}/pass`,
        claimPath: `/api/live/${sid}/flash-sales/${saleId}/claims`,
        orderPath: `/api/live/${sid}/orders`,
        checkout: cfg.checkout,
        orderConnections: cfg.orderConnections,
        claimCookie: cfg.claimCookie,
        order: { skuId, flashSaleId: saleId, expectedTotalFen: cfg.priceFen, address },
        warmup: warmupJob,
      },
    };
    const checkoutText = cfg.checkout === 'separate' ? `checkout separate (${cfg.orderConnections} connections of its own)` : `checkout ${cfg.checkout}`;
    if (w && warm) log(`${mode}: warm-up sale (${w.units} units) opens at ${warm.startsAt.toISOString()} (in ${warm.startsAt.getTime() - warm.createdAt} ms): ${w.buyers} buyers fetch its passes, then ${w.buyers} x ${w.attemptsPerBuyer} claims, ${checkoutText}`);
    log(`${mode}: sale opens at ${startsAt.toISOString()} (in ${startsAt.getTime() - createdAt} ms); ${warm ? 'after the warm-up, ' : ''}passes first, then ${cfg.buyers} buyers x ${cfg.attempts} claims, ${checkoutText}, ${cfg.connections} connections`);
    const r = await runLoad(job);
    const openEpoch = startsAt.getTime();

    // --- the record (the measured sale only: its id) ---
    const rec = await checkRecord(database, saleId, cfg.units, r, buyers);
    const race = raceFigures(r, openEpoch, cfg.units);
    const { lastOrder, ...raceOut } = race;
    const firstOpen = r.claims.firstOpenEpoch;
    const p = r.pass!;
    // The warm-up: its own figures, never in the targets; its record checked the same way, apart.
    let warmup: Record<string, unknown> | null = null;
    if (w && warm && r.warmup) {
      const wr = r.warmup.race;
      const wp = r.warmup.pass;
      const wrec = await checkRecord(database, warm.saleId, w.units, wr, buyers);
      const wOpen = warm.startsAt.getTime();
      const wRace = raceFigures(wr, wOpen, w.units);
      warmup = {
        units: w.units,
        buyers: w.buyers,
        attempts_per_buyer: w.attemptsPerBuyer,
        opens_in_ms: wOpen - warm.createdAt,
        passes: wp.passes,
        pass_statuses: wp.statuses,
        pass_duration_ms: ms(wp.lastAnsweredEpoch - wp.firstSentEpoch),
        /** Its last pass answered -> its race's planned start (negative: it started late). */
        spare_before_race_ms: ms(wOpen - w.earlyMs - wp.lastAnsweredEpoch),
        /** Claims answered, those made again after NOT_OPEN or RATE_LIMITED included. */
        attempts: wRace.attempts,
        retries: wr.claims.retries,
        statuses: wRace.statuses,
        transport_errors: wRace.transport_errors,
        race_window_ms: wRace.race_window_ms,
        claims_per_s: wRace.purchase_attempts_per_s,
        latency_p50_ms: wRace.latency_p50_ms,
        latency_p99_ms: wRace.latency_p99_ms,
        winners: wRace.winners,
        sold_out_after_open_ms: wRace.sold_out_after_open_ms,
        orders_sent: wr.orders.sent,
        orders: wr.orders_placed.length,
        order_statuses: wr.orders.statuses,
        order_latency_p50_ms: wr.orders.latency.p50,
        order_latency_p99_ms: wr.orders.latency.p99,
        order_transport_errors: wr.orders.transportErrors,
        last_order_after_open_ms: wRace.lastOrder !== null ? ms(wRace.lastOrder - wOpen) : null,
        unexpected_answers: wr.unexpected,
        ...cpuShares(wr.cpu, wr.claims.answered),
        /** Warm-up done (its last answer) -> the measured sale's passes start. */
        ended_before_measured_passes_ms: ms(p.firstSentEpoch - r.warmup.endEpoch),
        /** Warm-up done -> the measured race's planned start (its passes run in between). */
        ended_before_measured_race_ms: ms(openEpoch - cfg.earlyMs - r.warmup.endEpoch),
        oversold: wrec.oversold,
        units_unaccounted: wrec.units_unaccounted,
        buyers_over_limit: wrec.buyers_over_limit,
        duplicate_orders: wrec.duplicate_orders,
        reservations_confirmed_but_missing: wrec.reservations_confirmed_but_missing,
        orders_confirmed_but_missing: wrec.orders_confirmed_but_missing,
        reservation_order_mismatches: wrec.reservation_order_mismatches,
      };
    }
    return {
      opens_in_ms: openEpoch - createdAt,
      warmup,
      pass_phase: passFigures(p, createdAt, openEpoch),
      checkout: cfg.checkout,
      order_connections: r.orders.connections,
      /** The scheduler's opening (flash_sales.opened_at) after the hour. */
      opened_at_after_open_ms: rec.opened_at ? Date.parse(rec.opened_at) - openEpoch : null,
      ...raceOut,
      claims_without_pass: r.claims.withoutPass,
      claim_replays: r.replays,
      orders_sent: r.orders.sent,
      orders_placed: r.orders_placed.length,
      order_statuses: r.orders.statuses,
      order_transport_errors: r.orders.transportErrors,
      order_latency_p50_ms: r.orders.latency.p50,
      order_latency_p99_ms: r.orders.latency.p99,
      order_latency_max_ms: r.orders.latency.max,
      /** Claim won -> its order sent (waiting for a free order connection), and -> its order answered. */
      order_queue_wait_p50_ms: r.orders.queueWait.p50,
      order_queue_wait_p99_ms: r.orders.queueWait.p99,
      win_to_order_p50_ms: r.orders.winToOrder.p50,
      win_to_order_p99_ms: r.orders.winToOrder.p99,
      /** Orders placed / (first answer after the opening -> last order placed). */
      successful_orders_per_s: lastOrder !== null && firstOpen !== null ? perS(r.orders_placed.length, lastOrder - firstOpen) : null,
      last_order_after_open_ms: lastOrder !== null ? ms(lastOrder - openEpoch) : null,
      unexpected_answers: r.unexpected,
      units: cfg.units,
      units_sold: rec.units_sold,
      units_held: rec.units_held,
      pool_left: rec.pool_left,
      units_returned: rec.units_returned,
      reservation_statuses: rec.reservation_statuses,
      oversold: rec.oversold,
      units_unaccounted: rec.units_unaccounted,
      buyers_over_limit: rec.buyers_over_limit,
      buyer_ledger_mismatches: rec.buyer_ledger_mismatches,
      duplicate_orders: rec.duplicate_orders,
      reservations_confirmed_but_missing: rec.reservations_confirmed_but_missing,
      orders_confirmed_but_missing: rec.orders_confirmed_but_missing,
      reservation_order_mismatches: rec.reservation_order_mismatches,
      /** Units handed out by the gate per second: recorded claims / (last claim - first claim). */
      gate_decrements_per_s: rec.gate_decrements_per_s,
      gate_window_ms: rec.gate_window_ms,
      gate_claims_recorded: rec.gate_claims_recorded,
      ...cpuShares(r.cpu, r.claims.answered),
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

/** The naive baseline: same buyers, one request per attempt, SELECT ... FOR UPDATE + UPDATE. */
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
    // The same node flags as Onair's server, so neither side gets a different garbage collector.
    server = spawnPinned(0, [...launcherNodeFlags(), '--import', 'tsx', join(root, 'bench/flashsale/naive-server.ts')], { ...env, DATABASE_URL: cfg.pgUrl, PG_SCHEMA: schema, SALE_ID: 'naive-sale', POOL_MAX: '10' });
    const port = (await waitForLine(server, /listening on (\d+)/, 30_000))[1]!;
    const r = await runLoad({
      kind: 'single',
      origin: `http://127.0.0.1:${port}`,
      buyers,
      attemptsPerBuyer: cfg.attempts,
      connections: cfg.connections,
      startAt: Date.now() + 500,
      serverPid: pidOf(server),
      single: { path: '/orders', body: { lines: [{ skuId: 'x', quantity: 1 }], usePoints: false, expectedTotalFen: cfg.priceFen, address: {} } },
    });
    const c2 = new pg.Client({ connectionString: cfg.pgUrl, options: `-c search_path="${schema}"` });
    await c2.connect();
    const row = (await c2.query<{ stock_left: number }>('select stock_left from naive_flash')).rows[0]!;
    await c2.end();
    // Open from the first answer (no scheduled opening here).
    const race = raceFigures(r, r.claims.firstOpenEpoch ?? r.raceStartEpoch, cfg.units);
    const { lastOrder: _unused, ...raceOut } = race;
    void _unused;
    const wins = r.claims.winEpochs;
    // The row's decrements: first to last successful answer (each answer follows its COMMIT).
    const windowMs = wins.length > 1 ? wins[wins.length - 1]! - wins[0]! : null;
    return {
      ...raceOut,
      successful_decrements: wins.length,
      unexpected_answers: r.unexpected,
      units: cfg.units,
      pool_left: row.stock_left,
      oversold: Math.max(0, wins.length - cfg.units) + Math.max(0, wins.length + row.stock_left - cfg.units),
      gate_decrements_per_s: perS(wins.length, windowMs),
      gate_window_ms: ms(windowMs),
      ...cpuShares(r.cpu, r.claims.answered),
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
      else throw new Error(`unknown mode ${m}`);
      log(`${m}: ${JSON.stringify(out[m])}`);
    } catch (e) {
      log(`${m} failed: ${(e as Error).stack ?? String(e)}`);
      out[m] = { error: (e as Error).message };
    }
  }
  type Fig = Partial<Record<'purchase_attempts_per_s' | 'latency_p99_ms' | 'gate_decrements_per_s' | 'oversold' | 'duplicate_orders' | 'buyers_over_limit' | 'reservations_confirmed_but_missing' | 'orders_confirmed_but_missing', number | null>> & { error?: string };
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
    checkout: cfg.checkout,
    order_connections: cfg.checkout === 'separate' ? cfg.orderConnections : null,
    /** The warm-up sale raced first in each Onair mode's server (its figures under each mode's `warmup`), or null. */
    warmup: cfg.warmup ? { units: cfg.warmup.units, buyers: cfg.warmup.buyers, attempts_per_buyer: cfg.warmup.attemptsPerBuyer, opens_in_ms: cfg.warmup.opensInMs } : null,
    claim_cookie: cfg.claimCookie,
    cores,
    pinned,
    embedded: out.embedded ?? null,
    scale_out: out['scale-out'] ?? null,
  };
  const baselines = { for_update: out.baseline ?? null };
  const ratio = so?.gate_decrements_per_s && base?.gate_decrements_per_s ? round(so.gate_decrements_per_s / base.gate_decrements_per_s, 2) : null;
  /** Sum of a figure over the modes that ran; null when a mode that ran lacks it (it failed): never met. */
  const sumOf = (key: keyof Fig, modes: (Fig | undefined)[]) => {
    const ran = modes.filter((f): f is Fig => f !== undefined);
    if (ran.length === 0 || ran.some((f) => typeof f[key] !== 'number')) return null;
    return ran.reduce((a, f) => a + (f[key] as number), 0);
  };
  const zero = (v: number | null) => ({ value: v, met: v === 0 });
  const onair = [emb, so];
  const targets = [
    { name: 'embedded: claim attempts/s (2 cores)', goal: '>= 10000', value: emb?.purchase_attempts_per_s ?? null, met: (emb?.purchase_attempts_per_s ?? 0) >= 10_000 },
    { name: 'embedded: claim p99 latency (ms)', goal: '<= 100', value: emb?.latency_p99_ms ?? null, met: typeof emb?.latency_p99_ms === 'number' && emb.latency_p99_ms <= 100 },
    { name: 'scale-out: gate decrements/s vs FOR UPDATE baseline', goal: '>= 5x', value: ratio, met: ratio !== null && ratio >= 5 },
    { name: 'oversold units (every mode)', goal: '= 0', ...zero(sumOf('oversold', [emb, so, base])) },
    { name: 'duplicate orders (Onair modes)', goal: '= 0', ...zero(sumOf('duplicate_orders', onair)) },
    { name: 'buyers above the per-buyer limit (Onair modes)', goal: '= 0', ...zero(sumOf('buyers_over_limit', onair)) },
    {
      name: 'confirmed reservations + orders missing from the record (Onair modes)',
      goal: '= 0',
      ...zero(((a, b) => (a === null || b === null ? null : a + b))(sumOf('reservations_confirmed_but_missing', onair), sumOf('orders_confirmed_but_missing', onair))),
    },
  ];
  console.log(JSON.stringify({ bench: 'flashsale', figures, baselines, targets }));
}

void main();
