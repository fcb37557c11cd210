import type { z } from 'zod';
import type { AnalyticsEvent, TrafficKind } from '../../../contracts/analytics-events.contract.js';
import type { createExportBody, ExportJob } from '../../../contracts/analytics.contract.js';
import type { Bus } from '../../platform/bus/bus.port.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, Ctx } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import { analyticsEventsStore, type AnalyticsEventsStore } from './analytics-events.store.js';
import type { AnalyticsSink } from './analytics.sink.js';
import { compareReports, type Comparison } from './core/compare.js';
import { DashboardPublisher, ErrorsPerMinute, type DashMessage } from './dashboard.publisher.js';
import { EventIngest } from './event-ingest.js';
import { ExportJobs, type ExportFile } from './export-jobs.js';
import { InsightsService } from './insights.service.js';
import { afterTheLive, LiveRollups } from './live-rollups.js';
import { printPdf } from './pdf-printer.js';
import { renderReportHtml, reportCsv, type Lang } from './report-render.js';
import { ReportsService, type ReportDoc, type ReportTimeline, type ReportTraffic, type SessionFacts } from './reports.service.js';
import { SegmentsService } from './segments.service.js';
import { SurveyService } from './survey.service.js';

export interface AnalyticsDeps {
  database: Database;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  bus: Bus;
  /** Several nodes share the database (Redis configured): stored events are relayed to the others' rollups. */
  relay: boolean;
  nodeId: string;
  random: () => number;
  chromiumPath: string;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Facts about a session (sessions module). */
  facts: (sessionId: string) => Promise<SessionFacts>;
  onSessionTransition: (listener: (sessionId: string, to: string) => void) => void;
  /** Segments, pinned products, tools, flash sales and product names for the report. */
  timeline: (sessionId: string, startedAt: number, endedAt: number) => Promise<Omit<ReportTimeline, 'segments'>>;
  /** Names of products (catalog), for products the report has figures for but that were never pinned. */
  productNames: (productIds: string[]) => Promise<Record<string, string>>;
  /** Traffic of an audience member (simulated accounts), for survey answers. */
  trafficOf: (actor: Actor) => Promise<TrafficKind>;
  /** The room hub: sessions with a team member connected here, and a direct message to them. */
  teamSessions: () => string[];
  sendTeam: (sessionId: string, msg: DashMessage) => void;
  issueCoupons: (ctx: Ctx, templateId: string, viewerIds: string[]) => Promise<unknown>;
  /** SQLite: runs a write at the first moment no transaction holds the writing connection (the order writes' group commit). */
  atFreeMoment?: (fn: () => void) => void;
  /** Seconds to wait after the live ends before the report is built (views closing). */
  endGraceMs?: number;
}

const RELAY_TOPIC = 'analytics:stored';
const EVICT_IDLE_MS = 30 * 60_000;

/**
 * The analytics module (issue 7): events in (the sink), live figures out (the dashboard, every
 * second), the post-live report when a session ends, comparison, driver analysis, audience
 * clusters, exports. Other modules only see the sink.
 */
export class AnalyticsService {
  readonly store: AnalyticsEventsStore;
  readonly ingest: EventIngest;
  readonly live: LiveRollups;
  readonly reports: ReportsService;
  readonly insights: InsightsService;
  readonly survey: SurveyService;
  readonly segments: SegmentsService;
  readonly dashboard: DashboardPublisher;
  readonly exports: ExportJobs;
  readonly errors: ErrorsPerMinute;
  private offRelay: (() => Promise<void>) | null = null;
  private evictTimer: NodeJS.Timeout | null = null;
  /** Post-live reports waiting out the end grace, by timer: the session. */
  private readonly endTimers = new Map<NodeJS.Timeout, string>();

  constructor(private readonly d: AnalyticsDeps) {
    const now = () => d.clock.now().getTime();
    const onError = (err: unknown, where: string) => d.log.error({ err }, where);
    this.errors = new ErrorsPerMinute(now);
    this.store = analyticsEventsStore(d.database, d.atFreeMoment ? { atFreeMoment: d.atFreeMoment } : {});
    this.ingest = new EventIngest({ store: this.store, log: d.log });
    this.live = new LiveRollups({
      span: async (id) => {
        const f = await d.facts(id);
        return { startedAt: f.startedAt, endedAt: f.endedAt, brandId: f.brandId };
      },
      stream: (id) => this.store.streamSessionPages(id),
      count: (id) => this.store.countSession(id),
      returning: (brandId, sessionId, keys) => this.returning(brandId, sessionId, keys),
      now,
      onError,
    });
    this.segments = new SegmentsService({ db: d.database.db, clock: d.clock, ids: d.ids, audit: d.audit, status: async (id) => (await d.facts(id)).status });
    this.survey = new SurveyService({
      db: d.database.db,
      clock: d.clock,
      sink: this.ingest,
      endedAt: async (id) => {
        const f = await d.facts(id);
        // The audience never sees a draft (as GET /api/live/:id).
        if (f.status === 'draft') throw notFound('Session');
        return f.endedAt;
      },
      trafficOf: d.trafficOf,
    });
    this.reports = new ReportsService({
      db: d.database.db,
      clock: d.clock,
      live: this.live,
      flushIngest: () => this.ingest.flush(),
      facts: d.facts,
      timeline: async (id, from, to) => {
        const [rest, segs] = await Promise.all([d.timeline(id, from, to), this.segments.list(id)]);
        return { ...rest, segments: segs.map((s) => ({ kind: s.kind, title: s.title, from: s.startedAt, to: s.endedAt ?? to })) };
      },
      surveyComments: (id, traffic) => this.survey.comments(id, traffic),
      productNames: d.productNames,
      onError,
    });
    this.insights = new InsightsService({ db: d.database.db, clock: d.clock, ids: d.ids, audit: d.audit, reports: this.reports, random: d.random, issueCoupons: d.issueCoupons, onError });
    this.dashboard = new DashboardPublisher({ live: this.live, teamSessions: d.teamSessions, sendTeam: d.sendTeam, now, errorsPerMinute: () => this.errors.last10(), onError });
    this.exports = new ExportJobs({ now, ids: d.ids, onError });
    this.ingest.onStored((events) => this.onStored(events, true));
  }

  /** Where other modules record events. */
  get sink(): AnalyticsSink {
    return this.ingest;
  }

  async start(): Promise<void> {
    this.d.onSessionTransition((sessionId, to) => {
      if (to !== 'ended') return;
      // The rollups learn the end at once: view events after it are not part of the live.
      void this.d
        .facts(sessionId)
        .then((f) => (f.endedAt !== null ? this.live.ended(sessionId, f.endedAt) : null))
        .catch((err: unknown) => this.d.log.error({ err, sessionId }, 'analytics end of live'));
      const t = setTimeout(() => {
        this.endTimers.delete(t);
        void this.onEnded(sessionId);
      }, this.d.endGraceMs ?? 3_000);
      t.unref();
      this.endTimers.set(t, sessionId);
    });
    if (this.d.relay) {
      this.offRelay = await this.d.bus.subscribe(RELAY_TOPIC, (raw) => {
        try {
          const m = JSON.parse(raw) as { node: string; events: AnalyticsEvent[] };
          if (m.node !== this.d.nodeId) this.onStored(m.events, false);
        } catch (err) {
          this.d.log.error({ err }, 'analytics relay message');
        }
      });
    }
    this.dashboard.start();
    this.evictTimer = setInterval(() => this.live.evictIdle(EVICT_IDLE_MS, () => false), 60_000);
    this.evictTimer.unref();
  }

  async stop(): Promise<void> {
    this.dashboard.stop();
    for (const t of this.endTimers.keys()) clearTimeout(t);
    this.endTimers.clear();
    if (this.evictTimer) clearInterval(this.evictTimer);
    this.reports.stop();
    this.live.stop();
    await this.ingest.close();
    if (this.offRelay) await this.offRelay().catch(() => undefined);
  }

  /**
   * Waits until the background work is done: every recorded event stored and applied, the
   * reports of sessions that ended built now (without waiting out the grace), pending refreshes
   * run. Tests call it before comparing database snapshots.
   */
  async settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await this.ingest.flush();
      const ended = [...this.endTimers];
      for (const [t] of ended) clearTimeout(t);
      this.endTimers.clear();
      await Promise.all(ended.map(([, id]) => this.onEnded(id)));
      const busy = await this.reports.settle();
      if (ended.length === 0 && !busy) return;
    }
  }

  private onStored(events: readonly AnalyticsEvent[], local: boolean): void {
    if (events.length === 0) return;
    this.live.apply(events);
    if (local && this.d.relay) void this.d.bus.publish(RELAY_TOPIC, JSON.stringify({ node: this.d.nodeId, events })).catch((err: unknown) => this.d.log.error({ err }, 'analytics relay'));
    // An event for a session that has ended (a refund, a survey answer) refreshes its report.
    const ended = new Set<string>();
    for (const e of events) {
      const r = this.live.peek(e.sessionId);
      if (r && r.real.endedAt !== null && !afterTheLive(r, e)) ended.add(e.sessionId);
    }
    for (const id of ended) this.reports.refreshSoon(id);
  }

  private async onEnded(sessionId: string): Promise<void> {
    try {
      const f = await this.d.facts(sessionId);
      if (f.endedAt !== null) await this.segments.closeOpen(sessionId, f.endedAt);
      await this.reports.build(sessionId);
    } catch (err) {
      this.d.log.error({ err, sessionId }, 'post-live report');
    }
  }

  /** Viewer keys that watched an earlier session of the brand. */
  private async returning(brandId: string | null, sessionId: string, keys: string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      let q = this.d.database.db.selectFrom('analytics_viewer_sessions').select('viewer_key').distinct().where('viewer_key', 'in', keys.slice(i, i + 500)).where('session_id', '!=', sessionId);
      q = brandId === null ? q.where('brand_id', 'is', null) : q.where('brand_id', '=', brandId);
      for (const r of await q.execute()) out.push(r.viewer_key);
    }
    return out;
  }

  private async readyDoc(sessionId: string, traffic: ReportTraffic): Promise<ReportDoc> {
    const doc = await this.reports.doc(sessionId, traffic);
    if (!doc) throw new AppError('conflict', 'The report is not ready yet', { code: 'REPORT_NOT_READY' });
    return doc;
  }

  async printable(ctx: Ctx, sessionId: string, traffic: ReportTraffic, lang: Lang): Promise<string> {
    requirePermission(ctx.actor, 'analytics:read');
    await this.d.facts(sessionId);
    return renderReportHtml(await this.readyDoc(sessionId, traffic), lang);
  }

  async createExport(ctx: Ctx, sessionId: string, body: z.output<typeof createExportBody>): Promise<ExportJob> {
    requirePermission(ctx.actor, 'analytics:read');
    if (ctx.actor.kind !== 'team') throw new AppError('forbidden', 'Team members only', { code: 'FORBIDDEN' });
    if (body.format === 'csv' && !body.table) throw new AppError('validation', 'body.table: choose which table to export as CSV', { code: 'VALIDATION', issues: [{ path: 'body.table', message: 'choose which table to export as CSV' }] });
    await this.d.facts(sessionId);
    const doc = await this.readyDoc(sessionId, body.traffic);
    const base = `onair-${sessionId}-${body.traffic}`;
    const run = async (progress: (p: number) => void): Promise<ExportFile> => {
      if (body.format === 'csv') return { fileName: `${base}-${body.table}.csv`, mime: 'text/csv; charset=utf-8', body: Buffer.from(reportCsv(doc, body.table!, body.lang)) };
      const html = renderReportHtml(doc, body.lang, (p) => progress(p * (body.format === 'pdf' ? 0.3 : 1)));
      if (body.format === 'html') return { fileName: `${base}-report.html`, mime: 'text/html; charset=utf-8', body: Buffer.from(html) };
      progress(0.35);
      const pdf = await printPdf(this.d.chromiumPath, html);
      return { fileName: `${base}-report.pdf`, mime: 'application/pdf', body: pdf };
    };
    return this.exports.create(ctx.actor.id, sessionId, body.format, run);
  }

  exportJob(ctx: Ctx, sessionId: string, jobId: string): ExportJob {
    requirePermission(ctx.actor, 'analytics:read');
    return this.exports.get(ctx.actor.kind === 'team' ? ctx.actor.id : '', sessionId, jobId);
  }

  exportFile(ctx: Ctx, sessionId: string, jobId: string): ExportFile {
    requirePermission(ctx.actor, 'analytics:read');
    return this.exports.file(ctx.actor.kind === 'team' ? ctx.actor.id : '', sessionId, jobId);
  }

  async compare(ctx: Ctx, ids: string[], traffic: ReportTraffic): Promise<Comparison> {
    requirePermission(ctx.actor, 'analytics:read');
    const docs: ReportDoc[] = [];
    for (const [i, id] of ids.entries()) {
      const doc = await this.reports.doc(id, traffic);
      if (!doc) throw new AppError('validation', `query.ids.${i}: session ${id} has no ${traffic} report yet`, { code: 'VALIDATION', issues: [{ path: `query.ids.${i}`, message: `session ${id} has no ${traffic} report yet` }] });
      docs.push(doc);
    }
    // The brand's own history: reports of the first session's brand.
    const history = await this.reports.docs(traffic, docs[0]!.brandId);
    return compareReports(docs, history);
  }
}
