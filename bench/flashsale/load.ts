/**
 * Load generator of bench/flashsale: its own process (pinned to its own core), keep-alive HTTP
 * through autocannon's client. Reads a JSON job file (argv[2]), prints one JSON result line.
 *
 * Job kinds:
 * - `race` (Onair, as a room client behaves): before the hour every buyer fetches its flash pass
 *   (POST …/flash-sales/:saleId/pass, cookie + x-csrf-token; its own phase, not in the race
 *   figures). At `startAt` the race: each attempt is a claim (POST …/claims, x-flash-pass) and,
 *   when it wins a reservation (201), the checkout of that reservation (POST …/orders, cookie +
 *   x-csrf-token) on the same connection right away (`checkout: 'inline'`; `'none'`: claims only).
 * - `single` (the naive baseline): one request per attempt, 201 = a unit taken.
 *
 * Every buyer makes `attemptsPerBuyer` attempts (all first attempts, then all second ones), each
 * with its own idempotency key. Each request is timed here (setupRequest → onResponse, through
 * autocannon's per-connection context), per request type; autocannon's own latency histogram
 * mixes the types and its end is rounded to its 1-second tick, so it is not used.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuSeconds, machineBusySeconds } from '../fanout/common.js';

export interface LoadBuyer {
  cookie: string;
  csrf: string;
  ip: string;
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
    checkout: 'inline' | 'none';
    /** Send the buyer's cookie on claims too (a browser would); the pass authenticates them either way. */
    claimCookie: boolean;
    order: { skuId: string; flashSaleId: string; expectedTotalFen: number; address: Record<string, string> };
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
export interface LoadResult {
  kind: LoadJob['kind'];
  pass: PassPhase | null;
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
  };
  orders: {
    sent: number;
    answered: number;
    statuses: Record<string, number>;
    firstAnsweredEpoch: number | null;
    lastAnsweredEpoch: number | null;
    okEpochs: number[];
    latency: Latency;
  };
  /** Reservations the server confirmed (201 claims): id and buyer index. */
  reservations: { id: string; buyer: number }[];
  /** Orders the server confirmed (201): id and the reservation it checked out. */
  orders_placed: { id: string; reservationId: string | null; buyer: number }[];
  /** Claims answered 200 (a replay): should not happen, every attempt has its own key. */
  replays: number;
  transportErrors: number;
  timeouts: number;
  cpu: CpuWindow;
  /** Up to 5 bodies of unexpected answers (5xx, 4xx other than the expected refusals), for the report. */
  unexpected: { type: string; status: number; body: string }[];
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
const nBuyers = job.buyers.length;
const total = nBuyers * job.attemptsPerBuyer;
const epochNow = () => performance.timeOrigin + performance.now();
const r1 = (x: number) => Math.round(x * 10) / 10;

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

const unexpected: LoadResult['unexpected'] = [];
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
  /** The reservation a winning claim got, until its checkout is answered. */
  res?: string | null;
}

/**
 * Runs `requests` on `connections` keep-alive connections until `more()` is false and no
 * connection still has to check out a reservation. autocannon's `amount` counts every request
 * (claims and orders alike), so each client's stop rule is replaced: it stops when no attempt is
 * left and its context holds no won reservation.
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

async function passPhase(passes: (string | null)[]): Promise<PassPhase> {
  const race = job.race!;
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
        path: race.passPath,
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

async function main() {
  const passes: (string | null)[] = new Array<string | null>(nBuyers).fill(null);
  const pass = job.kind === 'race' ? await passPhase(passes) : null;

  const wait = job.startAt - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));

  let nextAttempt = 0;
  const claims: LoadResult['claims'] = { sent: 0, answered: 0, statuses: {}, firstSentEpoch: null, lastAnsweredEpoch: null, firstOpenEpoch: null, firstSoldOutEpoch: null, winEpochs: [], latency: latencyOf([]), winLatency: latencyOf([]), withoutPass: 0 };
  const orders: LoadResult['orders'] = { sent: 0, answered: 0, statuses: {}, firstAnsweredEpoch: null, lastAnsweredEpoch: null, okEpochs: [], latency: latencyOf([]) };
  const claimLat: number[] = [];
  const winLat: number[] = [];
  const orderLat: number[] = [];
  const reservations: LoadResult['reservations'] = [];
  const placed: LoadResult['orders_placed'] = [];
  let replays = 0;

  /** The attempt: a claim (race) or the single request (baseline). */
  const attempt: autocannon.Request =
    job.kind === 'race'
      ? {
          method: 'POST',
          path: job.race!.claimPath,
          setupRequest: (req, context) => {
            const ctx = context as Ctx;
            const a = nextAttempt++;
            const b = a % nBuyers;
            const buyer = job.buyers[b]!;
            ctx.a = a;
            ctx.b = b;
            ctx.res = null;
            ctx.t = epochNow();
            claims.sent++;
            claims.firstSentEpoch ??= ctx.t;
            const p = passes[b];
            if (!p) claims.withoutPass++;
            const headers: Record<string, string> = p
              ? { 'content-type': 'application/json', 'x-flash-pass': p, 'x-forwarded-for': buyer.ip, ...(job.race!.claimCookie ? { cookie: buyer.cookie } : {}) }
              : { 'content-type': 'application/json', cookie: buyer.cookie, 'x-csrf-token': buyer.csrf, 'x-forwarded-for': buyer.ip };
            return { ...req, headers, body: `{"quantity":1,"idempotencyKey":"claim-${a.toString(36)}-${b.toString(36)}"}` };
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
    if (code === '409 SOLD_OUT') claims.firstSoldOutEpoch ??= now;
    if (status === 201) {
      claims.winEpochs.push(now);
      if (job.kind === 'race') {
        try {
          const id = (JSON.parse(body) as { reservation: { id: string } }).reservation.id;
          reservations.push({ id, buyer: ctx.b! });
          ctx.res = id;
        } catch {
          noteUnexpected('claim', status, body);
        }
      }
    } else if (status === 200) {
      replays++;
      noteUnexpected('claim', status, body);
    } else if (status >= 500 || !/^(409 (NOT_OPEN|SOLD_OUT|LIMIT_REACHED))$/.test(code)) noteUnexpected(job.kind === 'race' ? 'claim' : 'attempt', status, body);
  }

  const requests: autocannon.Request[] = [attempt];
  if (job.kind === 'race' && job.race!.checkout === 'inline') {
    const o = job.race!.order;
    const head = JSON.stringify({ usePoints: false, expectedTotalFen: o.expectedTotalFen, address: o.address }).slice(0, -1);
    requests.push({
      method: 'POST',
      path: job.race!.orderPath,
      setupRequest: (req, context) => {
        const ctx = context as Ctx;
        // A refused claim: back to the next attempt (autocannon restarts from the first request).
        if (!ctx.res) return null as unknown as autocannon.Request;
        const buyer = job.buyers[ctx.b!]!;
        ctx.t = epochNow();
        orders.sent++;
        const lines = [{ skuId: o.skuId, quantity: 1, flashSaleId: o.flashSaleId, reservationId: ctx.res }];
        return {
          ...req,
          headers: { 'content-type': 'application/json', cookie: buyer.cookie, 'x-csrf-token': buyer.csrf, 'x-forwarded-for': buyer.ip },
          body: `${head},"lines":${JSON.stringify(lines)},"idempotencyKey":"order-${ctx.a!.toString(36)}-${ctx.b!.toString(36)}"}`,
        };
      },
      onResponse: (status, body, context) => {
        const ctx = context as Ctx;
        const now = epochNow();
        orders.answered++;
        orders.lastAnsweredEpoch = now;
        orders.firstAnsweredEpoch ??= now;
        orderLat.push(now - ctx.t!);
        bump(orders.statuses, codeOf(status, body));
        if (status === 201) {
          orders.okEpochs.push(now);
          try {
            placed.push({ id: (JSON.parse(body) as { order: { id: string } }).order.id, reservationId: ctx.res ?? null, buyer: ctx.b! });
          } catch {
            noteUnexpected('order', status, body);
          }
        } else noteUnexpected('order', status, body);
        ctx.res = null;
      },
    });
  }

  let m0: Mark | null = null;
  let m1: Mark | null = null;
  const connections = Math.min(job.connections, total);
  const raceStartEpoch = epochNow();
  const result = await runCannon(
    requests,
    connections,
    () => nextAttempt < total,
    () => (m0 ??= cpuMark()),
    () => (m1 = cpuMark()),
  );
  m1 ??= cpuMark();
  claims.latency = latencyOf(claimLat);
  claims.winLatency = latencyOf(winLat);
  orders.latency = latencyOf(orderLat);
  const out: LoadResult = {
    kind: job.kind,
    pass,
    raceStartEpoch: claims.firstSentEpoch ?? raceStartEpoch,
    raceEndEpoch: Math.max(claims.lastAnsweredEpoch ?? 0, orders.lastAnsweredEpoch ?? 0),
    claims,
    orders,
    reservations,
    orders_placed: placed,
    replays,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    cpu: cpuWindow(m0 ?? m1, m1),
    unexpected,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
