import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { reportListReply, reportReply } from '../../../contracts/analytics.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import { buildHints } from './core/hints.js';
import { buildReport, viewerSummaries, type ReportInputs, type SessionReport } from './core/report.js';
import type { IncludedTraffic, SessionRollup } from './core/session-rollup.js';
import { rollupOf, type LiveRollups, type SessionRollups } from './live-rollups.js';

export type ReportTraffic = IncludedTraffic;
export type ReportReply = z.infer<typeof reportReply>;

export interface SessionFacts {
  startedAt: number | null;
  endedAt: number | null;
  brandId: string | null;
  title: string;
  status: string;
  isDemo: boolean;
  hostIds: string[];
}

/** The timeline and names a report is annotated with (other modules, through app.ts). */
export type ReportTimeline = Pick<ReportInputs, 'explanations' | 'productNames' | 'segments' | 'tools'> & {
  /** Flash sales with their discount depth (0..1 off the regular price) for driver analysis. */
  flashSales: { from: number; to: number; label: string; depth: number }[];
};

export interface ReportsDeps {
  db: Kysely<DB>;
  clock: Clock;
  live: LiveRollups;
  /** Waits until every event recorded so far is stored and applied. */
  flushIngest: () => Promise<void>;
  facts: (sessionId: string) => Promise<SessionFacts>;
  timeline: (sessionId: string, startedAt: number, endedAt: number) => Promise<ReportTimeline>;
  /** Survey comments shown in the report (latest first). */
  surveyComments: (sessionId: string, traffic: ReportTraffic) => Promise<{ csat: number | null; nps: number | null; comment: string; at: string }[]>;
  /** Names of products the rollup has figures for (catalog). */
  productNames?: (productIds: string[]) => Promise<Record<string, string>>;
  onError: (err: unknown, where: string) => void;
}

/** The document stored and sent: the report, its hints, survey comments, and what it is of. */
export type ReportDoc = SessionReport & {
  hints: ReturnType<typeof buildHints>;
  surveyComments: { csat: number | null; nps: number | null; comment: string; at: string }[];
  traffic: ReportTraffic;
  brandId: string | null;
  hostIds: string[];
  /** Demo or simulated data: never real figures. */
  simulatedData: boolean;
  /** Discount depth of each flash sale by minutes of the live (driver analysis). */
  flashSaleDepths: { fromMinute: number; toMinute: number; depth: number }[];
};

const VIEWER_ROWS_CHUNK = 500;

/**
 * Post-live reports (issue 7 item 4). When a session ends, its rollups (already summed while it
 * was live) are finished at the end time and turned into the report within seconds; the report
 * and each viewer's rollup are stored. Events that arrive later (a refund, a survey answer)
 * refresh it. A session with no rollup in memory (another node ran it, or this one restarted) is
 * rebuilt from its stored events off the request path, with progress.
 */
export class ReportsService {
  private readonly building = new Map<string, Promise<void>>();
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly d: ReportsDeps) {}

  /** Builds (or rebuilds) both reports of an ended session; one build per session at a time. */
  build(sessionId: string): Promise<void> {
    const running = this.building.get(sessionId);
    if (running) return running;
    const p = this.doBuild(sessionId).finally(() => this.building.delete(sessionId));
    this.building.set(sessionId, p);
    return p;
  }

  /** Late events of an ended session: rebuild its report a little later (debounced). */
  refreshSoon(sessionId: string, delayMs = 5_000): void {
    if (this.refreshTimers.has(sessionId)) return;
    const t = setTimeout(() => {
      this.refreshTimers.delete(sessionId);
      this.build(sessionId).catch((err: unknown) => this.d.onError(err, `report refresh ${sessionId}`));
    }, delayMs);
    t.unref();
    this.refreshTimers.set(sessionId, t);
  }

  /** Runs the pending refreshes now and waits for every build; true if there was any. */
  async settle(): Promise<boolean> {
    const due = [...this.refreshTimers];
    for (const [id, t] of due) {
      clearTimeout(t);
      this.refreshTimers.delete(id);
      this.build(id).catch((err: unknown) => this.d.onError(err, `report refresh ${id}`));
    }
    const running = [...this.building.values()];
    await Promise.allSettled(running);
    return due.length > 0 || running.length > 0;
  }

  stop(): void {
    for (const t of this.refreshTimers.values()) clearTimeout(t);
    this.refreshTimers.clear();
  }

  private async setStatus(sessionId: string, traffic: ReportTraffic, patch: { status: 'building' | 'ready' | 'failed'; progress: number; doc?: string | null; events?: number; error?: string | null; builtAt?: string | null }): Promise<void> {
    const now = this.d.clock.now().toISOString();
    const values = {
      session_id: sessionId,
      traffic,
      status: patch.status,
      progress: patch.progress,
      ...(patch.doc !== undefined ? { doc: patch.doc } : {}),
      ...(patch.events !== undefined ? { events: patch.events } : {}),
      ...(patch.error !== undefined ? { error: patch.error } : {}),
      ...(patch.builtAt !== undefined ? { built_at: patch.builtAt } : {}),
      updated_at: now,
    };
    await this.d.db
      .insertInto('analytics_reports')
      .values({ doc: null, built_at: null, error: null, ...values })
      .onConflict((oc) => oc.columns(['session_id', 'traffic']).doUpdateSet(values))
      .execute();
  }

  private async doBuild(sessionId: string): Promise<void> {
    const facts = await this.d.facts(sessionId);
    if (facts.endedAt === null || facts.startedAt === null) throw new AppError('conflict', 'The report is ready when the live ends', { code: 'REPORT_NOT_YET' });
    const existing = await this.d.db.selectFrom('analytics_reports').select(['traffic', 'status']).where('session_id', '=', sessionId).execute();
    // Only show "building" where nothing is shown yet: a refresh keeps the ready report visible.
    for (const t of ['real', 'simulated'] as const) if (!existing.some((x) => x.traffic === t && x.status === 'ready')) await this.setStatus(sessionId, t, { status: 'building', progress: 0, error: null });
    try {
      await this.d.flushIngest();
      // Rebuilding from the stored events (no rollup in memory) shows its progress, every 10%.
      // The progress writes go one after another and are done before the report is written, so a
      // late one never turns a ready report back into "building" (several connections: PostgreSQL).
      let shown = 0;
      let progressWrites = Promise.resolve();
      const rollups = await this.d.live.ended(sessionId, facts.endedAt, (done) => {
        if (done - shown < 0.1) return;
        shown = done;
        for (const t of ['real', 'simulated'] as const) {
          if (!existing.some((x) => x.traffic === t && x.status === 'ready')) progressWrites = progressWrites.then(() => this.setStatus(sessionId, t, { status: 'building', progress: done * 0.9 })).catch(() => {});
        }
      });
      await progressWrites;
      const timeline = await this.d.timeline(sessionId, facts.startedAt, facts.endedAt);
      for (const traffic of ['real', 'simulated'] as const) {
        const r = rollupOf(rollups, traffic);
        const doc = await this.docOf(sessionId, facts, timeline, r, traffic);
        await this.setStatus(sessionId, traffic, { status: 'ready', progress: 1, doc: JSON.stringify(doc), events: r.events, error: null, builtAt: this.d.clock.now().toISOString() });
      }
      await this.saveViewerRows(sessionId, facts.brandId, rollups);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      for (const t of ['real', 'simulated'] as const) await this.setStatus(sessionId, t, { status: 'failed', progress: 0, error: message }).catch(() => {});
      throw err;
    }
  }

  private async docOf(sessionId: string, facts: SessionFacts, timeline: ReportTimeline, r: SessionRollup, traffic: ReportTraffic): Promise<ReportDoc> {
    const ids = [...r.products.keys()].filter((id) => !timeline.productNames?.[id]);
    const names = ids.length && this.d.productNames ? await this.d.productNames(ids) : {};
    const report = buildReport(r, { title: facts.title, startedAt: facts.startedAt!, endedAt: facts.endedAt!, ...timeline, productNames: { ...names, ...timeline.productNames } });
    return {
      ...report,
      hints: buildHints(report),
      surveyComments: await this.d.surveyComments(sessionId, traffic),
      traffic,
      brandId: facts.brandId,
      hostIds: facts.hostIds,
      simulatedData: traffic === 'simulated' || facts.isDemo,
      flashSaleDepths: timeline.flashSales.map((f) => ({
        fromMinute: Math.max(0, Math.floor((f.from - report.startedAt) / 60_000)),
        toMinute: Math.max(0, Math.floor((Math.min(f.to, report.endedAt) - report.startedAt) / 60_000)),
        depth: f.depth,
      })),
    };
  }

  /** Each viewer's rollup of the session (new vs returning next time, audience clusters). */
  private async saveViewerRows(sessionId: string, brandId: string | null, rollups: SessionRollups): Promise<void> {
    const rows: DB['analytics_viewer_sessions'][] = [];
    for (const traffic of ['real', 'simulated'] as const) {
      const r = rollupOf(rollups, traffic);
      if (r.endedAt === null) continue;
      // Open views are closed as the report closes them, so watch time here equals the report's.
      for (const v of viewerSummaries(r, r.endedAt)) {
        if (!v.viewed) continue;
        rows.push({
          session_id: sessionId,
          viewer_key: v.viewerKey,
          brand_id: brandId,
          traffic,
          first_at: v.firstAt,
          last_at: v.lastAt,
          watch_ms: v.watchMs,
          interactions: v.interactions,
          comments: v.comments,
          likes: v.likes,
          orders: v.paidOrders,
          paid_fen: v.paidFen,
          source: v.source,
        } as DB['analytics_viewer_sessions']);
      }
    }
    for (let i = 0; i < rows.length; i += VIEWER_ROWS_CHUNK) {
      const chunk = rows.slice(i, i + VIEWER_ROWS_CHUNK);
      await this.d.db
        .insertInto('analytics_viewer_sessions')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['session_id', 'viewer_key']).doUpdateSet((eb) => ({
            traffic: eb.ref('excluded.traffic'),
            first_at: eb.ref('excluded.first_at'),
            last_at: eb.ref('excluded.last_at'),
            watch_ms: eb.ref('excluded.watch_ms'),
            interactions: eb.ref('excluded.interactions'),
            comments: eb.ref('excluded.comments'),
            likes: eb.ref('excluded.likes'),
            orders: eb.ref('excluded.orders'),
            paid_fen: eb.ref('excluded.paid_fen'),
            source: eb.ref('excluded.source'),
          })),
        )
        .execute();
    }
  }

  /** The console's report: ready, building (with progress), or started now for an ended session. */
  async get(ctx: Ctx, sessionId: string, traffic: ReportTraffic): Promise<ReportReply> {
    requirePermission(ctx.actor, 'analytics:read');
    const facts = await this.d.facts(sessionId);
    const row = await this.d.db.selectFrom('analytics_reports').selectAll().where('session_id', '=', sessionId).where('traffic', '=', traffic).executeTakeFirst();
    if (!row) {
      if (facts.endedAt === null) return { sessionId, traffic, status: 'none', progress: 0, builtAt: null, error: null, events: 0, report: null };
      this.build(sessionId).catch((err: unknown) => this.d.onError(err, `report ${sessionId}`));
      return { sessionId, traffic, status: 'building', progress: 0, builtAt: null, error: null, events: 0, report: null };
    }
    return {
      sessionId,
      traffic,
      status: row.status,
      progress: Number(row.progress),
      builtAt: row.built_at,
      error: row.status === 'failed' ? 'The report could not be built; try again' : null,
      events: Number(row.events),
      report: row.doc ? (JSON.parse(row.doc) as Record<string, unknown>) : null,
    };
  }

  /** Starts a rebuild (after a definitions change, or a failed build). */
  async rebuild(ctx: Ctx, sessionId: string): Promise<{ status: 'building' }> {
    requirePermission(ctx.actor, 'analytics:read');
    const facts = await this.d.facts(sessionId);
    if (facts.endedAt === null) throw new AppError('conflict', 'The report is ready when the live ends', { code: 'REPORT_NOT_YET' });
    this.d.live.forget(sessionId);
    this.build(sessionId).catch((err: unknown) => this.d.onError(err, `report rebuild ${sessionId}`));
    return { status: 'building' };
  }

  /** A ready report's document (comparison, exports, drivers). */
  async doc(sessionId: string, traffic: ReportTraffic): Promise<ReportDoc | null> {
    const row = await this.d.db.selectFrom('analytics_reports').select(['doc', 'status']).where('session_id', '=', sessionId).where('traffic', '=', traffic).executeTakeFirst();
    return row?.doc ? (JSON.parse(row.doc) as ReportDoc) : null;
  }

  /** Ready reports of a brand (or all), newest first: `brandId` undefined = every brand. */
  async docs(traffic: ReportTraffic, brandId?: string | null, limit = 200): Promise<ReportDoc[]> {
    const rows = await this.d.db
      .selectFrom('analytics_reports')
      .select(['doc'])
      .where('traffic', '=', traffic)
      .where('status', '=', 'ready')
      .where('doc', 'is not', null)
      .orderBy('built_at', 'desc')
      .limit(limit)
      .execute();
    const docs = rows.map((r) => JSON.parse(r.doc!) as ReportDoc);
    return brandId === undefined ? docs : docs.filter((d) => d.brandId === brandId);
  }

  async list(ctx: Ctx, traffic: ReportTraffic, limit: number): Promise<z.infer<typeof reportListReply>> {
    requirePermission(ctx.actor, 'analytics:read');
    const docs = await this.docs(traffic, undefined, limit);
    const built = new Map<string, string | null>();
    for (let i = 0; i < docs.length; i += 500) {
      const ids = docs.slice(i, i + 500).map((d) => d.sessionId);
      for (const r of await this.d.db.selectFrom('analytics_reports').select(['session_id', 'built_at']).where('traffic', '=', traffic).where('session_id', 'in', ids).execute()) built.set(r.session_id, r.built_at);
    }
    return {
      items: docs.map((d) => ({ sessionId: d.sessionId, title: d.title ?? '', traffic, startedAt: d.startedAt, endedAt: d.endedAt, uv: d.audience.uv, gmvFen: d.sales.gmvFen, builtAt: built.get(d.sessionId) ?? null })),
    };
  }
}
