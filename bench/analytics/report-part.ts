/**
 * The post-live report for a 3-hour session with 100,000 viewers and about 10 million events
 * (issue 7 item 11). The events (bench/analytics/synthetic-session.ts, viewers staying longer so
 * there are ten times the ingest part's events) go through the real pipeline into a file-backed
 * SQLite database, `EventIngest` -> store -> the live rollups (`LiveRollups.apply`, as in the
 * server), with the heap sampled every million events. Then the live ends and the report is built
 * as the server builds it (`ReportsService.build`: rollup finished at the end, report, hints,
 * the report and 100,000 per-viewer rows stored): the time from the end to the report stored is
 * the target (<= 5 s). Also measured: the same report rebuilt with no rollup in memory (a restart:
 * every stored event streamed back through the rollup), and the naive way, the main figures
 * computed by SQL over the stored events (COUNT DISTINCT, GROUP BY minute and type, GROUP BY
 * viewer for watch time), which is what a report without rollups would run.
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sql } from 'kysely';
import { analyticsEventsStore } from '../../src/server/modules/analytics/analytics-events.store.js';
import { EventIngest } from '../../src/server/modules/analytics/event-ingest.js';
import { LiveRollups } from '../../src/server/modules/analytics/live-rollups.js';
import { ReportsService, type ReportDoc } from '../../src/server/modules/analytics/reports.service.js';
import { fixedClock } from '../../src/server/platform/clock.js';
import { migrateToLatest, openDatabase } from '../../src/server/platform/db/database.js';
import { syntheticSession } from './synthetic-session.js';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));
const log = (s: string) => process.stderr.write(`[analytics report] ${s}\n`);
const mb = (b: number) => Math.round(b / 1048576);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
// Heap figures after a full collection (the bench runs without --expose-gc).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

export async function reportPart(dir: string) {
  const viewers = num(env.ANALYTICS_REPORT_VIEWERS, 100_000);
  const meanStayMs = num(env.ANALYTICS_REPORT_STAY_MS, 2_400_000); // about 10.4 million events
  const durationMs = 3 * 3_600_000;
  const sessionId = 'bench-report';
  const startedAt = Date.parse('2026-11-11T20:00:00+08:00');
  const endedAt = startedAt + durationMs;
  const file = join(dir, 'report.sqlite');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const database = await openDatabase({ sqliteFile: file });
  await migrateToLatest(database);
  const store = analyticsEventsStore(database);
  const ingest = new EventIngest({ store });
  const live = new LiveRollups({
    span: async () => ({ startedAt, endedAt: null, brandId: 'bench-brand' }),
    stream: (id) => store.streamSessionPages(id),
    count: (id) => store.countSession(id),
    returning: async () => [],
    now: () => Date.now(),
    onError: (err, where) => log(`${where}: ${String(err)}`),
  });
  ingest.onStored((events) => live.apply(events));
  const facts = { startedAt, endedAt, brandId: 'bench-brand', title: 'Bench: 3-hour live, 100,000 viewers', status: 'ended', isDemo: false, hostIds: ['host-1'] };
  // A run of show and pinned products, so the report's timeline has its annotations.
  const segments = Array.from({ length: 12 }, (_, i) => ({ kind: ['showcase', 'teaching', 'entertainment'][i % 3]!, title: `Segment ${i + 1}`, from: startedAt + i * 900_000, to: startedAt + (i + 1) * 900_000 }));
  const explanations = Array.from({ length: 30 }, (_, i) => ({ productId: `p${String(i + 1).padStart(2, '0')}`, from: startedAt + i * 360_000, to: startedAt + i * 360_000 + 300_000 }));
  const reports = new ReportsService({
    db: database.db,
    clock: fixedClock(new Date(endedAt + 5_000)),
    live,
    flushIngest: () => ingest.flush(),
    facts: async () => facts,
    timeline: async () => ({ explanations, productNames: {}, segments, tools: [], flashSales: [] }),
    surveyComments: async () => [],
    onError: (err, where) => log(`${where}: ${String(err)}`),
  });

  // --- ingest the live (the rollups follow, as in the server) ---
  gc();
  const heapBase = process.memoryUsage().heapUsed;
  const heapSamples: { events: number; heapMb: number }[] = [];
  let n = 0;
  const t0 = performance.now();
  for (const e of syntheticSession({ sessionId, startedAt, viewers, durationMs, meanStayMs, seed: 11 })) {
    ingest.record(e);
    n++;
    if (n % 2_000 === 0) {
      // A producer that never outruns the writer (the queue stays far below its bound).
      while (ingest.stats().queued > 50_000) await sleep(1);
      await new Promise<void>((r) => setImmediate(r));
    }
    if (n % 1_000_000 === 0) {
      gc();
      heapSamples.push({ events: n, heapMb: mb(process.memoryUsage().heapUsed) });
      log(`${n.toLocaleString()} events, heap ${mb(process.memoryUsage().heapUsed)} MB`);
    }
  }
  await ingest.flush();
  const ingestMs = performance.now() - t0;
  const stats = ingest.stats();
  gc();
  const heapAfterIngest = process.memoryUsage().heapUsed;
  log(`${n.toLocaleString()} events stored in ${Math.round(ingestMs)} ms; building the report`);

  // --- the live ends: report from the live rollups ---
  const tEnd = performance.now();
  await reports.build(sessionId);
  const endToReportMs = performance.now() - tEnd;
  const doc = (await reports.doc(sessionId, 'real')) as ReportDoc;
  const rssAfter = process.memoryUsage().rss;
  log(`report ready ${Math.round(endToReportMs)} ms after the end: UV ${doc.audience.uv}, PCU ${doc.audience.pcu}, GMV ¥${doc.sales.gmvFen / 100}`);

  // --- a restart: no rollup in memory, rebuilt from the stored events ---
  live.forget(sessionId);
  gc();
  const tRe = performance.now();
  await reports.build(sessionId);
  const rebuildMs = performance.now() - tRe;
  const rebuilt = (await reports.doc(sessionId, 'real')) as ReportDoc;
  const same = JSON.stringify({ ...rebuilt, hints: null }) === JSON.stringify({ ...doc, hints: null });
  log(`rebuilt from the stored events in ${Math.round(rebuildMs)} ms (same report: ${same})`);

  // --- the naive way: the main figures by SQL over the stored events ---
  const tN = performance.now();
  const db = database.db;
  const uv = await db.selectFrom('analytics_events').select(sql<number>`count(distinct viewer_key)`.as('uv')).where('session_id', '=', sessionId).where('traffic', '=', 'real').executeTakeFirstOrThrow();
  const perMinute = await db
    .selectFrom('analytics_events')
    .select([sql<number>`cast((at - ${startedAt}) / 60000 as integer)`.as('minute'), 'type', sql<number>`count(*)`.as('n'), sql<number>`count(distinct viewer_key)`.as('viewers')])
    .where('session_id', '=', sessionId)
    .where('traffic', '=', 'real')
    .groupBy([sql`cast((at - ${startedAt}) / 60000 as integer)`, 'type'])
    .execute();
  const perViewer = await db
    .selectFrom('analytics_events')
    .select(['viewer_key', sql<number>`min(at)`.as('first'), sql<number>`max(at)`.as('last'), sql<number>`sum(case when type = 'payment' then amount_fen else 0 end)`.as('paid')])
    .where('session_id', '=', sessionId)
    .where('traffic', '=', 'real')
    .groupBy('viewer_key')
    .execute();
  const naiveMs = performance.now() - tN;
  log(`naive SQL figures in ${Math.round(naiveMs)} ms (UV ${uv.uv}, ${perMinute.length} minute rows, ${perViewer.length} viewers)`);

  const dbBytes = statSync(file).size;
  await database.close();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });

  const heapGrowthMb = mb(heapAfterIngest - heapBase);
  const heapFirst = heapSamples[0]?.heapMb ?? null;
  const heapLast = heapSamples[heapSamples.length - 1]?.heapMb ?? null;
  const bounded = heapGrowthMb <= 1024 && heapFirst !== null && heapLast !== null && heapLast - heapFirst <= 400;
  return {
    figures: {
      viewers,
      events: n,
      stored: stats.stored,
      duration_h: 3,
      ingest_ms: Math.round(ingestMs),
      ingest_events_per_s: Math.round(n / (ingestMs / 1000)),
      end_to_report_ms: Math.round(endToReportMs),
      rebuild_from_stored_ms: Math.round(rebuildMs),
      rebuilt_equals_live: same,
      report: { uv: doc.audience.uv, pv: doc.audience.pv, pcu: doc.audience.pcu, acu: Math.round(doc.audience.acu ?? 0), gmv_yuan: doc.sales.gmvFen / 100, products: doc.products.length, minutes: doc.minutes, timeline: doc.timeline.length, hints: doc.hints.length, doc_kb: Math.round(JSON.stringify(doc).length / 1024) },
      heap_mb_every_million_events: heapSamples,
      heap_growth_mb: heapGrowthMb,
      rss_mb_after_report: mb(rssAfter),
      db_mb: mb(dbBytes),
    },
    baselines: { naive_sql_figures_ms: Math.round(naiveMs), naive_sql_note: 'UV, per-minute counts by type, per-viewer first/last/paid: only part of the report, by SQL over the stored events' },
    targets: [
      { name: 'report: 3-hour live, 100,000 viewers, ~10 million events: end of the live -> report stored (ms)', goal: '<= 5000', value: Math.round(endToReportMs), met: endToReportMs <= 5000 && n >= 9_000_000 },
      { name: 'report: bounded memory (heap growth over the live, MB; from 1 to 10 million events)', goal: '<= 1024 and <= +400 MB from the first to the last million', value: `${heapGrowthMb} (${heapFirst} -> ${heapLast})`, met: bounded },
      { name: 'report: rebuilt from the stored events equals the live report', goal: 'true', value: same, met: same },
    ],
  };
}
