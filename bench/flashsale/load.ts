/**
 * Load generator of bench/flashsale: its own process (pinned to its own core), keep-alive HTTP
 * through autocannon's client. Reads a JSON job file (argv[2]), prints one JSON result line.
 *
 * Job kinds:
 * - `race` (Onair, as a room client behaves): before the hour every buyer fetches its flash pass
 *   (POST …/flash-sales/:saleId/pass, cookie + x-csrf-token; its own phase, not in the race
 *   figures). At `startAt` the race: each attempt is a claim (POST …/claims, x-flash-pass) and,
 *   when it wins a reservation (201), the checkout of that reservation (POST …/orders, cookie +
 *   x-csrf-token):
 *   - `checkout: 'separate'`: on keep-alive connections of their own (`orderConnections`, opened
 *     before the race), fed by a queue that each winning claim's answer pushes to, so orders run
 *     during the storm and a won claim does not take a storm connection away (each real buyer
 *     has a connection of their own);
 *   - `'inline'`: on the same storm connection, right away (the connection claims nothing meanwhile);
 *   - `'none'`: claims only.
 *   With `race.warmup`, a warm-up sale goes first, the same way (its passes, then its race with
 *   its checkouts, `warmup.buyers` buyers), and only then the measured sale's passes and race:
 *   nothing of the warm-up overlaps them.
 * - `single` (the naive baseline): one request per attempt, 201 = a unit taken.
 *
 * Every buyer makes `attemptsPerBuyer` attempts (all first attempts, then all second ones), each
 * with its own idempotency key. Each request is timed here (sent → answered: autocannon's
 * setupRequest → onResponse through its per-connection context, or the order pool's own
 * request), per request type; autocannon's own latency histogram mixes the types and its end is
 * rounded to its 1-second tick, so it is not used.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuSeconds, machineBusySeconds } from '../fanout/common.js';

export interface LoadBuyer {
  cookie: string;
  csrf: string;
  ip: string;
}
export type Checkout = 'separate' | 'inline' | 'none';
export interface OrderSpec {
  skuId: string;
  flashSaleId: string;
  expectedTotalFen: number;
  address: Record<string, string>;
}
export interface LoadJob {
  kind: 'race' | 'single';
  origin: string;
  buyers: LoadBuyer[];
  attemptsPerBuyer: number;
  connections: number;
  /** Epoch ms of the race's first request (the sale's opening minus a little: buyers hammer before the hour). */
  startAt: number;
  /** The server under test: its CPU is read around the phases (/proc). */
  serverPid: number;
  /** `single`: the path and the body of every attempt (an idempotencyKey is added). */
  single?: { path: string; body: Record<string, unknown> };
  race?: {
    passPath: string;
    claimPath: string;
    orderPath: string;
    checkout: Checkout;
    /** `separate`: the checkouts' own keep-alive connections. */
    orderConnections: number;
    /** Send the buyer's cookie on claims too (a browser would); the pass authenticates them either way. */
    claimCookie: boolean;
    order: OrderSpec;
    /**
     * A warm-up sale raced before the measured one (passes, then its race with checkouts, in the
     * same way), by the first `buyers` buyers, `attemptsPerBuyer` claims each, from `startAt`.
     */
    warmup?: { passPath: string; claimPath: string; order: OrderSpec; buyers: number; attemptsPerBuyer: number; startAt: number } | null;
  };
}

/** Latencies in ms: p50, p99, max, mean (0.1 ms). */
export interface Latency {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}
export interface CpuWindow {
  wallMs: number;
  serverCpuS: number;
  loadCpuS: number;
  machineBusyS: number;
}
export interface PassPhase {
  buyers: number;
  passes: number;
  statuses: Record<string, number>;
  firstSentEpoch: number;
  lastAnsweredEpoch: number;
  transportErrors: number;
  latency: Latency;
  cpu: CpuWindow;
}
/** One race (the measured one, or the warm-up's) as the client saw it. */
export interface RaceOutcome {
  /** Epoch ms: the race's first request sent, its last answer (claim or order). */
  raceStartEpoch: number;
  raceEndEpoch: number;
  claims: {
    sent: number;
    answered: number;
    statuses: Record<string, number>;
    firstSentEpoch: number | null;
    lastAnsweredEpoch: number | null;
    /** First answer that is not 409 NOT_OPEN (the sale is open), first 409 SOLD_OUT. */
    firstOpenEpoch: number | null;
    firstSoldOutEpoch: number | null;
    /** Answer times of the winning attempts (201), in order. */
    winEpochs: number[];
    latency: Latency;
    /** The winning claims' own latency (the reservation is committed before the answer). */
    winLatency: Latency;
    /** Attempts made with the cookie because the buyer got no pass. */
    withoutPass: number;
    /** Warm-up: attempts made again after a 409 NOT_OPEN or 429 RATE_LIMITED (included in sent and answered). */
    retries: number;
  };
  orders: {
    checkout: Checkout | null;
    /** Connections the orders went on (`separate`: their own; `inline`: the storm's). */
    connections: number;
    sent: number;
    answered: number;
    statuses: Record<string, number>;
    firstAnsweredEpoch: number | null;
    lastAnsweredEpoch: number | null;
    okEpochs: number[];
    /** Sent → answered. */
    latency: Latency;
    /** The winning claim's answer → the order sent (waiting for a free order connection). */
    queueWait: Latency;
    /** The winning claim's answer → the order answered. */
    winToOrder: Latency;
    /** `separate`: requests of the order pool that got no answer (connection error, 30 s timeout). */
    transportErrors: number;
  };
  /** Reservations the server confirmed (201 claims): id and buyer index. */
  reservations: { id: string; buyer: number }[];
  /** Orders the server confirmed (201): id and the reservation it checked out. */
  orders_placed: { id: string; reservationId: string | null; buyer: number }[];
  /** Claims answered 200 (a replay): should not happen, every attempt has its own key. */
  replays: number;
  /** The storm's (autocannon's) transport errors and timeouts. */
  transportErrors: number;
  timeouts: number;
  /** From the first claim to the last answer (claims and orders). */
  cpu: CpuWindow;
  /** Up to 5 bodies of unexpected answers (5xx, 4xx other than the expected refusals), for the report. */
  unexpected: { type: string; status: number; body: string }[];
}
export interface LoadResult extends RaceOutcome {
  kind: LoadJob['kind'];
  pass: PassPhase | null;
  /** The warm-up sale's passes and race (before the measured sale's passes), or null. */
  warmup: { pass: PassPhase; race: RaceOutcome; endEpoch: number } | null;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
const epochNow = () => performance.timeOrigin + performance.now();
const r1 = (x: number) => Math.round(x * 10) / 10;
const sleepUntil = async (epoch: number) => {
  const wait = epoch - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

function latencyOf(xs: number[]): Latency {
  if (xs.length === 0) return { n: 0, p50: null, p99: null, max: null, mean: null };
  const s = Float64Array.from(xs).sort();
  const q = (p: number) => r1(s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!);
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: r1(s[s.length - 1]!), mean: r1(xs.reduce((a, b) => a + b, 0) / xs.length) };
}

function cpuMark() {
  let server = NaN;
  try {
    server = cpuSeconds(job.serverPid);
  } catch {
    /* gone */
  }
  const own = process.cpuUsage();
  return { t: epochNow(), server, load: (own.user + own.system) / 1e6, busy: machineBusySeconds().busy };
}
type Mark = ReturnType<typeof cpuMark>;
const cpuWindow = (a: Mark, b: Mark): CpuWindow => ({ wallMs: b.t - a.t, serverCpuS: b.server - a.server, loadCpuS: b.load - a.load, machineBusyS: b.busy - a.busy });

/** "409 SOLD_OUT", "401 PASS_INVALID", "201", ... */
function codeOf(status: number, body: string): string {
  if (status >= 400 && status < 500) {
    try {
      const c = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
      if (c) return `${status} ${c}`;
    } catch {
      /* keep the status */
    }
  }
  return String(status);
}
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** The unexpected answers of the current phase group (the warm-up's are kept apart from the measured ones). */
let unexpected: RaceOutcome['unexpected'] = [];
const noteUnexpected = (type: string, status: number, body: string) => {
  if (unexpected.length < 5) unexpected.push({ type, status, body: body.slice(0, 400) });
};

// autocannon's client, as far as this file needs it (not in its types).
interface ClientInternals {
  requestIterator: { context: Ctx };
  on(event: 'done', l: () => void): void;
}
interface Ctx {
  /** attempt index, buyer index */
  a?: number;
  b?: number;
  /** When the request was sent (epoch ms). */
  t?: number;
  /** `inline`: the reservation a winning claim got, until its checkout is answered. */
  res?: string | null;
  /** `inline`: when that claim was answered (epoch ms). */
  won?: number;
}

/**
 * Runs `requests` on `connections` keep-alive connections until `more()` is false and no
 * connection still has to check out a reservation. autocannon's `amount` counts every request
 * (claims and orders alike), so each client's stop rule is replaced: it stops when no attempt is
 * left and its context holds no won reservation (only `inline` puts one there).
 */
function runCannon(requests: autocannon.Request[], connections: number, more: () => boolean, onStart: () => void, onAllDone: () => void) {
  let running = connections;
  return autocannon({
    url: job.origin,
    connections,
    pipelining: 1,
    // Only has to be >= connections: the stop rule below decides.
    amount: Math.max(connections, 1) * 1_000_000,
    timeout: 30,
    requests,
    setupClient: (client) => {
      const c = client as unknown as ClientInternals;
      // autocannon's Client stops when `reqsMade >= responseMax` (checked before it builds its next request).
      Object.defineProperty(c, 'responseMax', { configurable: true, get: () => (!more() && !c.requestIterator.context.res ? 1 : 0) });
      c.on('done', () => {
        if (--running === 0) onAllDone();
      });
      if (running === connections) onStart();
    },
  });
}

// --- the checkouts' own connections (`separate`) ------------------------------------------------
const originUrl = new URL(job.origin);
let orderAgent: http.Agent | null = null;
function send(method: string, path: string, headers: Record<string, string>, body: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: originUrl.hostname, port: originUrl.port, method, path, headers: body === null ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: orderAgent! }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
/** Opens `n` keep-alive connections (n requests at once) and leaves them idle in the agent, before the race. */
async function openOrderConnections(n: number) {
  orderAgent ??= new http.Agent({ keepAlive: true, maxSockets: n, maxFreeSockets: n, scheduling: 'fifo' });
  await Promise.all(Array.from({ length: n }, () => send('GET', '/healthz', {}, null).catch(() => null)));
}

async function passPhase(passPath: string, nBuyers: number, passes: (string | null)[]): Promise<PassPhase> {
  let next = 0;
  const statuses: Record<string, number> = {};
  const lat: number[] = [];
  let first = NaN;
  let last = NaN;
  let m0: Mark | null = null;
  let m1: Mark | null = null;
  const connections = Math.min(job.connections, nBuyers);
  const result = await runCannon(
    [
      {
        method: 'POST',
        path: passPath,
        setupRequest: (req, context) => {
          const ctx = context as Ctx;
          const b = next++;
          const buyer = job.buyers[b]!;
          ctx.b = b;
          ctx.t = epochNow();
          if (Number.isNaN(first)) first = ctx.t;
          return { ...req, headers: { 'content-type': 'application/json', cookie: buyer.cookie, 'x-csrf-token': buyer.csrf, 'x-forwarded-for': buyer.ip }, body: '{}' };
        },
        onResponse: (status, body, context) => {
          const ctx = context as Ctx;
          const now = epochNow();
          last = now;
          lat.push(now - ctx.t!);
          bump(statuses, codeOf(status, body));
          if (status === 200) {
            try {
              passes[ctx.b!] = (JSON.parse(body) as { pass: string }).pass;
            } catch {
              noteUnexpected('pass', status, body);
            }
          } else noteUnexpected('pass', status, body);
        },
      },
    ],
    connections,
    () => next < nBuyers,
    () => (m0 ??= cpuMark()),
    () => (m1 = cpuMark()),
  );
  m1 ??= cpuMark();
  return {
    buyers: nBuyers,
    passes: passes.filter(Boolean).length,
    statuses,
    firstSentEpoch: first,
    lastAnsweredEpoch: last,
    transportErrors: result.errors,
    latency: latencyOf(lat),
    cpu: cpuWindow(m0 ?? m1, m1),
  };
}

interface RaceParams {
  /** The first `nBuyers` buyers race, `attemptsPerBuyer` attempts each. */
  nBuyers: number;
  attemptsPerBuyer: number;
  /** `race`: each buyer's pass (null: the claim goes with the cookie). */
  passes: (string | null)[];
  claimPath: string;
  order: OrderSpec | null;
  checkout: Checkout | null;
  /** Idempotency keys: `<prefix>claim-…`, `<prefix>order-…` (the warm-up's differ from the measured race's). */
  keyPrefix: string;
  /**
   * Warm-up: until this epoch ms, a claim answered 409 NOT_OPEN is made again (a new attempt of
   * the same buyer, its own key), as a buyer clicks until the sale opens, so that the warm-up's
   * attempts are not all spent before the scheduler opens it; so is a 429 RATE_LIMITED (few
   * warm-up buyers clicking that fast meet the grab limit, 10/s per buyer: the quick run's 200).
   * Null: never (the measured race).
   */
  retryNotOpenUntil: number | null;
}

async function runRace(p: RaceParams): Promise<RaceOutcome> {
  const { nBuyers } = p;
  const total = nBuyers * p.attemptsPerBuyer;
  const checkout = job.kind === 'race' ? p.checkout : null;
  let nextAttempt = 0;
  /** Buyers whose attempt met a closed sale and goes again (warm-up only); their attempts are numbered from `total`. */
  const again: number[] = [];
  let extra = 0;
  const claims: RaceOutcome['claims'] = { sent: 0, answered: 0, statuses: {}, firstSentEpoch: null, lastAnsweredEpoch: null, firstOpenEpoch: null, firstSoldOutEpoch: null, winEpochs: [], latency: latencyOf([]), winLatency: latencyOf([]), withoutPass: 0, retries: 0 };
  const orderConnections = checkout === 'separate' ? Math.max(1, job.race!.orderConnections) : 0;
  const orders: RaceOutcome['orders'] = {
    checkout,
    connections: checkout === 'separate' ? orderConnections : checkout === 'inline' ? Math.min(job.connections, total) : 0,
    sent: 0,
    answered: 0,
    statuses: {},
    firstAnsweredEpoch: null,
    lastAnsweredEpoch: null,
    okEpochs: [],
    latency: latencyOf([]),
    queueWait: latencyOf([]),
    winToOrder: latencyOf([]),
    transportErrors: 0,
  };
  const claimLat: number[] = [];
  const winLat: number[] = [];
  const orderLat: number[] = [];
  const waitLat: number[] = [];
  const winToOrderLat: number[] = [];
  const reservations: RaceOutcome['reservations'] = [];
  const placed: RaceOutcome['orders_placed'] = [];
  let replays = 0;

  // The checkout request of a won reservation (both checkout modes).
  const o = p.order;
  const head = o ? JSON.stringify({ usePoints: false, expectedTotalFen: o.expectedTotalFen, address: o.address }).slice(0, -1) : '';
  const orderHeaders = (b: number) => {
    const buyer = job.buyers[b]!;
    return { 'content-type': 'application/json', cookie: buyer.cookie, 'x-csrf-token': buyer.csrf, 'x-forwarded-for': buyer.ip };
  };
  const orderBody = (res: string, a: number, b: number) =>
    `${head},"lines":${JSON.stringify([{ skuId: o!.skuId, quantity: 1, flashSaleId: o!.flashSaleId, reservationId: res }])},"idempotencyKey":"${p.keyPrefix}order-${a.toString(36)}-${b.toString(36)}"}`;
  const onOrderAnswer = (status: number, body: string, sentAt: number, wonAt: number, res: string, b: number) => {
    const now = epochNow();
    orders.answered++;
    orders.lastAnsweredEpoch = now;
    orders.firstAnsweredEpoch ??= now;
    orderLat.push(now - sentAt);
    winToOrderLat.push(now - wonAt);
    bump(orders.statuses, codeOf(status, body));
    if (status === 201) {
      orders.okEpochs.push(now);
      try {
        placed.push({ id: (JSON.parse(body) as { order: { id: string } }).order.id, reservationId: res, buyer: b });
      } catch {
        noteUnexpected('order', status, body);
      }
    } else noteUnexpected('order', status, body);
  };

  // `separate`: won reservations wait here for a free order connection; `orderConnections`
  // workers, each with at most one order in flight, take them in the order they were won.
  interface Won {
    res: string;
    a: number;
    b: number;
    wonAt: number;
  }
  const queue: Won[] = [];
  const idle: ((w: Won | null) => void)[] = [];
  let stormDone = false;
  const enqueue = (w: Won) => {
    const worker = idle.shift();
    if (worker) worker(w);
    else queue.push(w);
  };
  const take = (): Promise<Won | null> | Won | null => queue.shift() ?? (stormDone ? null : new Promise<Won | null>((r) => idle.push(r)));
  async function orderWorker() {
    for (let w = await take(); w !== null; w = await take()) {
      const sentAt = epochNow();
      orders.sent++;
      waitLat.push(sentAt - w.wonAt);
      try {
        const { status, body } = await send('POST', job.race!.orderPath, orderHeaders(w.b), orderBody(w.res, w.a, w.b));
        onOrderAnswer(status, body, sentAt, w.wonAt, w.res, w.b);
      } catch (e) {
        orders.transportErrors++;
        noteUnexpected('order', 0, `no answer: ${(e as Error).message}`);
      }
    }
  }

  /** The attempt: a claim (race) or the single request (baseline). */
  const attempt: autocannon.Request =
    job.kind === 'race'
      ? {
          method: 'POST',
          path: p.claimPath,
          setupRequest: (req, context) => {
            const ctx = context as Ctx;
            const retry = again.length > 0 ? again.shift()! : null;
            const a = retry !== null ? total + extra++ : nextAttempt++;
            const b = retry ?? a % nBuyers;
            const buyer = job.buyers[b]!;
            ctx.a = a;
            ctx.b = b;
            ctx.res = null;
            ctx.t = epochNow();
            claims.sent++;
            claims.firstSentEpoch ??= ctx.t;
            const pass = p.passes[b];
            if (!pass) claims.withoutPass++;
            const headers: Record<string, string> = pass
              ? { 'content-type': 'application/json', 'x-flash-pass': pass, 'x-forwarded-for': buyer.ip, ...(job.race!.claimCookie ? { cookie: buyer.cookie } : {}) }
              : { 'content-type': 'application/json', cookie: buyer.cookie, 'x-csrf-token': buyer.csrf, 'x-forwarded-for': buyer.ip };
            return { ...req, headers, body: `{"quantity":1,"idempotencyKey":"${p.keyPrefix}claim-${a.toString(36)}-${b.toString(36)}"}` };
          },
          onResponse: (status, body, context) => onAttemptAnswer(status, body, context as Ctx),
        }
      : {
          method: 'POST',
          path: job.single!.path,
          setupRequest: (req, context) => {
            const ctx = context as Ctx;
            const a = nextAttempt++;
            const b = a % nBuyers;
            const buyer = job.buyers[b]!;
            ctx.a = a;
            ctx.b = b;
            ctx.t = epochNow();
            claims.sent++;
            claims.firstSentEpoch ??= ctx.t;
            return {
              ...req,
              headers: { 'content-type': 'application/json', cookie: buyer.cookie, 'x-csrf-token': buyer.csrf, 'x-forwarded-for': buyer.ip },
              body: JSON.stringify({ ...job.single!.body, idempotencyKey: `bench-${a.toString(36)}-${b.toString(36)}` }),
            };
          },
          onResponse: (status, body, context) => onAttemptAnswer(status, body, context as Ctx),
        };

  function onAttemptAnswer(status: number, body: string, ctx: Ctx) {
    const now = epochNow();
    claims.answered++;
    claims.lastAnsweredEpoch = now;
    claimLat.push(now - ctx.t!);
    if (status === 201) winLat.push(now - ctx.t!);
    const code = codeOf(status, body);
    bump(claims.statuses, code);
    if (code !== '409 NOT_OPEN') claims.firstOpenEpoch ??= now;
    const retry = p.retryNotOpenUntil !== null && now < p.retryNotOpenUntil && (code === '409 NOT_OPEN' || code === '429 RATE_LIMITED');
    if (retry) {
      again.push(ctx.b!);
      claims.retries++;
    }
    if (code === '409 SOLD_OUT') claims.firstSoldOutEpoch ??= now;
    if (status === 201) {
      claims.winEpochs.push(now);
      if (job.kind === 'race') {
        try {
          const id = (JSON.parse(body) as { reservation: { id: string } }).reservation.id;
          reservations.push({ id, buyer: ctx.b! });
          // Only `inline` keeps it on the connection (the stop rule waits for its checkout).
          if (checkout === 'inline') {
            ctx.res = id;
            ctx.won = now;
          } else if (checkout === 'separate') enqueue({ res: id, a: ctx.a!, b: ctx.b!, wonAt: now });
        } catch {
          noteUnexpected('claim', status, body);
        }
      }
    } else if (status === 200) {
      replays++;
      noteUnexpected('claim', status, body);
    } else if (!retry && (status >= 500 || !/^(409 (NOT_OPEN|SOLD_OUT|LIMIT_REACHED))$/.test(code))) noteUnexpected(job.kind === 'race' ? 'claim' : 'attempt', status, body);
  }

  const requests: autocannon.Request[] = [attempt];
  if (checkout === 'inline') {
    requests.push({
      method: 'POST',
      path: job.race!.orderPath,
      setupRequest: (req, context) => {
        const ctx = context as Ctx;
        // A refused claim: back to the next attempt (autocannon restarts from the first request).
        if (!ctx.res) return null as unknown as autocannon.Request;
        ctx.t = epochNow();
        orders.sent++;
        waitLat.push(ctx.t - ctx.won!);
        return { ...req, headers: orderHeaders(ctx.b!), body: orderBody(ctx.res, ctx.a!, ctx.b!) };
      },
      onResponse: (status, body, context) => {
        const ctx = context as Ctx;
        onOrderAnswer(status, body, ctx.t!, ctx.won!, ctx.res!, ctx.b!);
        ctx.res = null;
      },
    });
  }

  let m0: Mark | null = null;
  let stormEnd: Mark | null = null;
  let ordersEnd: Mark | null = null;
  const connections = Math.min(job.connections, total);
  const raceStartEpoch = epochNow();
  const workers: Promise<void>[] = [];
  if (checkout === 'separate') {
    let running = orderConnections;
    for (let i = 0; i < orderConnections; i++)
      workers.push(
        orderWorker().finally(() => {
          if (--running === 0) ordersEnd = cpuMark();
        }),
      );
  }
  const result = await runCannon(
    requests,
    connections,
    () => nextAttempt < total || again.length > 0,
    () => (m0 ??= cpuMark()),
    () => (stormEnd = cpuMark()),
  );
  stormEnd ??= cpuMark();
  // The storm is over: idle order workers stop, busy ones finish the queue first.
  stormDone = true;
  for (const w of idle.splice(0)) w(null);
  await Promise.all(workers);
  // The window ends with the last answer: the storm's, or the last order's.
  const end: Mark = ordersEnd !== null && (ordersEnd as Mark).t > stormEnd.t ? (ordersEnd as Mark) : stormEnd;
  claims.latency = latencyOf(claimLat);
  claims.winLatency = latencyOf(winLat);
  orders.latency = latencyOf(orderLat);
  orders.queueWait = latencyOf(waitLat);
  orders.winToOrder = latencyOf(winToOrderLat);
  return {
    raceStartEpoch: claims.firstSentEpoch ?? raceStartEpoch,
    raceEndEpoch: Math.max(claims.lastAnsweredEpoch ?? 0, orders.lastAnsweredEpoch ?? 0),
    claims,
    orders,
    reservations,
    orders_placed: placed,
    replays,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    cpu: cpuWindow(m0 ?? end, end),
    unexpected,
  };
}

async function main() {
  const race = job.race;
  let warmup: LoadResult['warmup'] = null;
  if (job.kind === 'race' && race!.warmup) {
    // The warm-up sale: its passes, its race with its checkouts, all before the measured sale's passes.
    const w = race!.warmup;
    const n = Math.min(w.buyers, job.buyers.length);
    const passes = new Array<string | null>(n).fill(null);
    const pass = await passPhase(w.passPath, n, passes);
    if (race!.checkout === 'separate') await openOrderConnections(race!.orderConnections);
    await sleepUntil(w.startAt);
    const out = await runRace({ nBuyers: n, attemptsPerBuyer: w.attemptsPerBuyer, passes, claimPath: w.claimPath, order: w.order, checkout: race!.checkout, keyPrefix: 'w', retryNotOpenUntil: w.startAt + 15_000 });
    warmup = { pass, race: out, endEpoch: epochNow() };
    unexpected = [];
  }

  const nBuyers = job.buyers.length;
  const passes = new Array<string | null>(nBuyers).fill(null);
  const pass = job.kind === 'race' ? await passPhase(race!.passPath, nBuyers, passes) : null;
  if (job.kind === 'race' && race!.checkout === 'separate') await openOrderConnections(race!.orderConnections);

  await sleepUntil(job.startAt);
  const out = await runRace({ nBuyers, attemptsPerBuyer: job.attemptsPerBuyer, passes, claimPath: race?.claimPath ?? '', order: race?.order ?? null, checkout: race?.checkout ?? null, keyPrefix: '', retryNotOpenUntil: null });
  orderAgent?.destroy();
  const result: LoadResult = { kind: job.kind, pass, warmup, ...out };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
