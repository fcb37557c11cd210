/**
 * Analytics (issue 7 item 11). One function per part; `main` runs the parts named in
 * ANALYTICS_PARTS (default: all there are) and prints one JSON line:
 * `{"bench": "analytics", "figures": {<part>: ...}, "baselines": {<part>: ...}, "targets": [...]}`.
 *
 * ingest: a synthetic 3-hour live of ANALYTICS_VIEWERS (100,000) viewers
 *   (bench/analytics/synthetic-session.ts: about 1.08 million events, a realistic mix of
 *   heartbeats, views, likes, comments, product impressions and clicks, carts, orders, payments,
 *   shares and votes) goes into a file-backed SQLite database (openDatabase: WAL,
 *   synchronous=NORMAL, the WAL checkpointer thread, as the server runs it) through the real
 *   pipeline: `EventIngest.record()` for each event (defaults: 2,000-event batches, 20 ms, one
 *   batch in flight, a turn of the event loop between batches) into `analyticsEventsStore`
 *   (prepared INSERT ... ON CONFLICT (id) DO NOTHING per row, one transaction per batch), with an
 *   onStored listener counting. The producer records ANALYTICS_PER_TURN (2,000) events per turn
 *   of the event loop (a busy server's sockets), the clock runs from the first record() to
 *   flush() resolved. Baseline, same run, same events, a fresh database of the same schema: a
 *   raw better-sqlite3 loop, one prepared plain INSERT per row in transactions of the same size,
 *   nothing else. ANALYTICS_ROUNDS (5) rounds alternate the order; medians, and the ratio is the
 *   median of the rounds' ratios (each round's two runs back to back). Also measured during the
 *   ingest: the event loop's delay (p99, max), which is what other work on the server waits.
 *   Targets: ingest >= 100,000 events/s, ingest / raw >= 0.75, every event stored once.
 *
 * report: bench/analytics/report-part.ts (a 3-hour live, 100,000 viewers, ~10 million events:
 *   end of the live -> report stored, heap over the live, a rebuild from the stored events, the
 *   naive SQL figures). dashboard: bench/analytics/dashboard-part.ts (the real server, 2,000
 *   viewers on sockets, a probe click -> the console's dash message; the naive DB-polling
 *   dashboard as baseline).
 *
 * Env: ANALYTICS_PARTS, ANALYTICS_ROUNDS, ANALYTICS_VIEWERS, ANALYTICS_PER_TURN, ANALYTICS_BATCH
 * (2,000), ANALYTICS_DIR (a temp folder).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { AnalyticsEvent } from '../src/contracts/analytics-events.contract.js';
import { analyticsEventsStore } from '../src/server/modules/analytics/analytics-events.store.js';
import { EventIngest } from '../src/server/modules/analytics/event-ingest.js';
import { migrateToLatest, openDatabase, type Database } from '../src/server/platform/db/database.js';
import { dashboardPart } from './analytics/dashboard-part.js';
import { reportPart } from './analytics/report-part.js';
import { syntheticSession } from './analytics/synthetic-session.js';

const env = process.env;
const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));
const log = (s: string) => process.stderr.write(`[analytics] ${s}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 1) => Number(x.toFixed(d));
const turn = () => new Promise<void>((r) => setImmediate(r));
/** CPU ms of this process (every thread: the WAL checkpointer's too) since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
/** Busy share of the machine's CPUs over a window, from /proc/stat (other helpers' builds and tests show here). */
function machineBusy(): () => number {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + (f[4] ?? 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  return () => {
    const b = read();
    return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
  };
}

interface Target {
  name: string;
  goal: string;
  value: number | string | boolean | null;
  met: boolean;
}
interface PartResult {
  figures: Record<string, unknown>;
  baselines: Record<string, unknown>;
  targets: Target[];
}

async function freshDatabase(file: string): Promise<Database> {
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const database = await openDatabase({ sqliteFile: file });
  await migrateToLatest(database);
  return database;
}

async function dropDatabase(database: Database, file: string): Promise<number> {
  await database.close();
  const bytes = statSync(file).size;
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  return bytes;
}

// --- ingest --------------------------------------------------------------------------------

interface IngestRun {
  eventsPerS: number;
  eventsPerCpuS: number;
  ms: number;
  stored: number;
  listened: number;
  counted: number;
  dropped: number;
  failed: number;
  duplicates: number;
  batches: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  dbBytes: number;
}

async function ingestThroughPipeline(events: readonly AnalyticsEvent[], file: string, perTurn: number, batch: number): Promise<IngestRun> {
  const database = await freshDatabase(file);
  const store = analyticsEventsStore(database);
  const ingest = new EventIngest({ store, maxBatch: batch });
  let listened = 0;
  ingest.onStored((es) => (listened += es.length));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events.length; ) {
    const end = Math.min(events.length, i + perTurn);
    for (; i < end; i++) ingest.record(events[i]!);
    await turn();
  }
  await ingest.flush();
  const ms = performance.now() - t0;
  const cpu = cpuMs(c0);
  delay.disable();
  const s = ingest.stats();
  await ingest.close();
  const counted = await store.countSession(events[0]!.sessionId);
  const dbBytes = await dropDatabase(database, file);
  return {
    eventsPerS: Math.round((s.stored / ms) * 1000),
    eventsPerCpuS: Math.round((s.stored / cpu) * 1000),
    ms: round(ms),
    stored: s.stored,
    listened,
    counted,
    dropped: s.dropped,
    failed: s.failed,
    duplicates: s.duplicates,
    batches: s.batches,
    loopDelayP99Ms: round(delay.percentile(99) / 1e6, 2),
    loopDelayMaxMs: round(delay.max / 1e6, 2),
    dbBytes,
  };
}

/** The baseline: what the pipeline's writes would cost with no pipeline at all. */
async function ingestRaw(events: readonly AnalyticsEvent[], file: string, batch: number): Promise<{ eventsPerS: number; eventsPerCpuS: number; ms: number; counted: number }> {
  const database = await freshDatabase(file);
  const sqlite = database.sqlite!;
  const insert = sqlite.prepare(
    'INSERT INTO analytics_events (id, session_id, type, viewer_key, at, stream_ms, source, traffic, product_id, ref, amount_fen, n, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const write = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const e = events[i]!;
      const data = e.lines !== undefined || e.csat !== undefined || e.nps !== undefined || e.shareChannel !== undefined ? JSON.stringify({ lines: e.lines, csat: e.csat, nps: e.nps, shareChannel: e.shareChannel }) : null;
      insert.run(e.id, e.sessionId, e.type, e.viewerKey, e.at, e.streamMs, e.source, e.traffic, e.productId ?? null, e.ref ?? null, e.amountFen ?? null, e.n ?? 1, data);
    }
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += batch) write(i, Math.min(events.length, i + batch));
  const ms = performance.now() - t0;
  const cpu = cpuMs(c0);
  const counted = (sqlite.prepare('SELECT count(*) AS n FROM analytics_events').get() as { n: number }).n;
  await dropDatabase(database, file);
  return { eventsPerS: Math.round((events.length / ms) * 1000), eventsPerCpuS: Math.round((events.length / cpu) * 1000), ms: round(ms), counted };
}

export async function ingestPart(dir: string): Promise<PartResult> {
  const rounds = num(env.ANALYTICS_ROUNDS, 5);
  const viewers = num(env.ANALYTICS_VIEWERS, 100_000);
  const perTurn = num(env.ANALYTICS_PER_TURN, 2_000);
  const batch = num(env.ANALYTICS_BATCH, 2_000);
  const tg = performance.now();
  const events = [...syntheticSession({ viewers, seed: 11 })];
  const mix: Record<string, number> = {};
  for (const e of events) mix[e.type] = (mix[e.type] ?? 0) + 1;
  log(`ingest: ${events.length} events of ${viewers} viewers generated in ${Math.round(performance.now() - tg)} ms`);

  // Warm-up (JIT) of both paths on a tenth of the events; not measured.
  const warm = events.slice(0, Math.floor(events.length / 10));
  await ingestThroughPipeline(warm, join(dir, 'warm-ingest.sqlite'), perTurn, batch);
  await ingestRaw(warm, join(dir, 'warm-raw.sqlite'), batch);

  const pipeline: IngestRun[] = [];
  const raw: Awaited<ReturnType<typeof ingestRaw>>[] = [];
  const ratios: number[] = [];
  const busy: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const window = machineBusy();
    const runPipeline = async () => pipeline.push(await ingestThroughPipeline(events, join(dir, `ingest-${r}.sqlite`), perTurn, batch));
    const runRaw = async () => raw.push(await ingestRaw(events, join(dir, `raw-${r}.sqlite`), batch));
    if (r % 2 === 0) {
      await runPipeline();
      await runRaw();
    } else {
      await runRaw();
      await runPipeline();
    }
    const p = pipeline[pipeline.length - 1]!;
    const b = raw[raw.length - 1]!;
    ratios.push(p.eventsPerS / b.eventsPerS);
    busy.push(round(window(), 2));
    log(`ingest round ${r + 1}/${rounds}: pipeline ${p.eventsPerS}/s (${p.ms} ms, ${p.eventsPerCpuS}/CPU-s, loop delay p99 ${p.loopDelayP99Ms} ms, max ${p.loopDelayMaxMs} ms), raw ${b.eventsPerS}/s (${b.ms} ms, ${b.eventsPerCpuS}/CPU-s), ratio ${round(ratios[r]!, 3)}, machine busy ${busy[r]}`);
  }
  const ingestPerS = median(pipeline.map((x) => x.eventsPerS));
  const rawPerS = median(raw.map((x) => x.eventsPerS));
  const ratio = round(median(ratios), 3);
  const everyOnce = pipeline.every((p) => p.stored === events.length && p.counted === events.length && p.listened === events.length && p.dropped === 0 && p.failed === 0 && p.duplicates === 0);
  return {
    figures: {
      events: events.length,
      viewers,
      mix,
      rounds,
      batch,
      produced_per_turn: perTurn,
      ingest_events_per_s: ingestPerS,
      ingest_vs_raw_ratio: ratio,
      // Per CPU-second of this process: what the figures would be on an idle machine.
      ingest_events_per_cpu_s: median(pipeline.map((x) => x.eventsPerCpuS)),
      ingest_vs_raw_cpu_ratio: round(median(pipeline.map((x, i) => x.eventsPerCpuS / raw[i]!.eventsPerCpuS)), 3),
      // Share of the machine's 2 cores busy during each round (this bench alone keeps about half busy).
      machine_busy_per_round: busy,
      ingest_event_loop_delay_p99_ms_median: median(pipeline.map((x) => x.loopDelayP99Ms)),
      ingest_event_loop_delay_max_ms_median: median(pipeline.map((x) => x.loopDelayMaxMs)),
      db_mb: round(pipeline[0]!.dbBytes / 2 ** 20),
      per_round: pipeline.map((p, i) => ({ ingest_events_per_s: p.eventsPerS, raw_events_per_s: raw[i]!.eventsPerS, ingest_events_per_cpu_s: p.eventsPerCpuS, raw_events_per_cpu_s: raw[i]!.eventsPerCpuS, ratio: round(ratios[i]!, 3), ingest_ms: p.ms, raw_ms: raw[i]!.ms, batches: p.batches, loop_delay_p99_ms: p.loopDelayP99Ms, loop_delay_max_ms: p.loopDelayMaxMs })),
      stored_counted_listened: pipeline.map((p) => [p.stored, p.counted, p.listened]),
    },
    baselines: {
      raw: `better-sqlite3, one prepared plain INSERT per row, transactions of ${batch} rows, same table and indexes, same events, no queue or listener`,
      raw_events_per_s: rawPerS,
      raw_events_per_cpu_s: median(raw.map((x) => x.eventsPerCpuS)),
      raw_counted: raw.map((b) => b.counted),
    },
    targets: [
      { name: 'ingest: events/s through EventIngest + store into file-backed SQLite (median)', goal: '>= 100000', value: ingestPerS, met: ingestPerS >= 100_000 },
      { name: 'ingest: pipeline / raw better-sqlite3 batched-insert loop, same run (median of rounds)', goal: '>= 0.75', value: ratio, met: ratio >= 0.75 },
      { name: 'ingest: every event stored once and handed to listeners once (none dropped or failed)', goal: `= ${events.length}`, value: everyOnce ? events.length : pipeline.map((p) => p.stored).join('/'), met: everyOnce },
    ],
  };
}

// --- main ----------------------------------------------------------------------------------

const parts: Record<string, (dir: string) => Promise<PartResult>> = {
  ingest: ingestPart,
  report: reportPart,
  dashboard: dashboardPart,
};

async function main(): Promise<void> {
  const names = (env.ANALYTICS_PARTS ?? Object.keys(parts).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!parts[n]) throw new Error(`unknown part ${n} (parts: ${Object.keys(parts).join(', ')})`);
  const dir = env.ANALYTICS_DIR ?? mkdtempSync(join(tmpdir(), 'onair-bench-analytics-'));
  // Database.close() waits for the WAL checkpointer's worker, which is unref'd (as is its
  // timeout): with nothing else holding the event loop, Node would exit in the middle (code 13).
  const keepAlive = setInterval(() => {}, 60_000);
  const figures: Record<string, unknown> = {};
  const baselines: Record<string, unknown> = {};
  const targets: Target[] = [];
  try {
    for (const n of names) {
      const r = await parts[n]!(dir);
      figures[n] = r.figures;
      baselines[n] = r.baselines;
      targets.push(...r.targets);
    }
  } finally {
    clearInterval(keepAlive);
    if (!env.ANALYTICS_DIR) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ bench: 'analytics', figures, baselines, targets })}\n`);
}

await main();
