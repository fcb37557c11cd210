import type { Kysely } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import { driverAnalysis, type DriverAnalysis, type SessionMinute } from './core/drivers.js';
import { chooseK } from './core/kmeans.js';
import { clusteringMatrix, PERSONA_FEATURES, personas, type PersonaSummary } from './core/personas.js';
import type { ReportDoc, ReportsService, ReportTraffic } from './reports.service.js';

export interface InsightsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  reports: ReportsService;
  /** Injected randomness for k-means++ (tests pass a seeded one). */
  random: () => number;
  /** Issues a coupon template to viewers (promotions module). */
  issueCoupons: (ctx: Ctx, templateId: string, viewerIds: string[]) => Promise<unknown>;
  onError: (err: unknown, where: string) => void;
}

const DAY_MS = 86_400_000;
/** Driver errors clustered by session once there are this many sessions (minutes within a session are correlated). */
const CLUSTERED_FROM_SESSIONS = 10;
const MAX_RUNS = 10;

interface ClusterRun {
  runId: string;
  owner: string;
  status: 'running' | 'done' | 'failed';
  progress: number;
  brandId: string | null;
  traffic: ReportTraffic;
  result: PersonaSummary | { insufficient: string; n: number } | null;
  /** Viewer ids per cluster index (only kept in memory, never sent). */
  members: string[][];
  error: string | null;
  at: number;
}

/** The session-minutes of a report, with the factors in force in each (driver analysis). */
export function sessionMinutes(doc: ReportDoc): SessionMinute[] {
  const n = doc.series.present.length;
  const within = (kind: string, m: number) => doc.timeline.filter((a) => a.kind === kind && a.fromMinute <= m && m <= a.toMinute);
  const out: SessionMinute[] = [];
  for (let m = 0; m < n; m++) {
    const segment = within('segment', m)[0];
    const flash = within('flash_sale', m);
    const depth = Math.max(0, ...(doc.flashSaleDepths ?? []).filter((f) => f.fromMinute <= m && m <= f.toMinute).map((f) => f.depth));
    out.push({
      sessionId: doc.sessionId,
      minute: m,
      present: doc.series.present[m] ?? 0,
      stayedNext: m < n - 1 ? (doc.series.stayed[m] ?? 0) : null,
      orders: doc.series.orders[m] ?? 0,
      segmentType: segment ? segment.subtype : null,
      toolsFired: doc.timeline.filter((a) => a.kind === 'tool' && a.fromMinute === m).length,
      discountDepth: depth,
      productPinned: within('pinned', m).length > 0,
      flashSaleActive: flash.length > 0,
      hostId: doc.hostIds[0] ?? null,
    });
  }
  return out;
}

/**
 * Driver analysis (factor analysis, handbook 7.1.2 (3)) over the brand's session-minutes, and
 * audience clusters (cluster analysis, 7.1.2 (4); personas of 8.2.1) over viewers' own figures,
 * which a marketer can save as a segment and send a coupon to.
 */
export class InsightsService {
  private readonly runs = new Map<string, ClusterRun>();

  constructor(private readonly d: InsightsDeps) {}

  async drivers(ctx: Ctx, q: { traffic: ReportTraffic; brandId?: string | undefined }): Promise<{ analysis: DriverAnalysis; sessions: number }> {
    requirePermission(ctx.actor, 'analytics:read');
    const docs = await this.d.reports.docs(q.traffic, q.brandId);
    const minutes = docs.flatMap(sessionMinutes);
    const errors = docs.length >= CLUSTERED_FROM_SESSIONS ? 'clustered' : 'classical';
    return { analysis: driverAnalysis(minutes, { errors }), sessions: docs.length };
  }

  /** Starts a clustering run off the request path; poll `run`. */
  startClusters(ctx: Ctx, q: { traffic: ReportTraffic; brandId?: string | undefined }): { runId: string; status: 'running'; progress: number; result: null } {
    requirePermission(ctx.actor, 'analytics:read');
    if (ctx.actor.kind !== 'team') throw new AppError('forbidden', 'Team members only', { code: 'FORBIDDEN' });
    const runId = this.d.ids();
    const run: ClusterRun = { runId, owner: ctx.actor.id, status: 'running', progress: 0, brandId: q.brandId ?? null, traffic: q.traffic, result: null, members: [], error: null, at: this.d.clock.now().getTime() };
    this.runs.set(runId, run);
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value!);
    void this.cluster(run);
    return { runId, status: 'running', progress: 0, result: null };
  }

  run(ctx: Ctx, runId: string): { runId: string; status: ClusterRun['status']; progress: number; result: ClusterRun['result']; error: string | null } {
    requirePermission(ctx.actor, 'analytics:read');
    const run = this.runs.get(runId);
    if (!run || ctx.actor.kind !== 'team' || run.owner !== ctx.actor.id) throw notFound('Clustering run');
    return { runId, status: run.status, progress: run.progress, result: run.result, error: run.error };
  }

  private async cluster(run: ClusterRun): Promise<void> {
    try {
      // One row per signed-in viewer (guests have no lasting identity to send a coupon to).
      let q = this.d.db
        .selectFrom('analytics_viewer_sessions')
        .select((eb) => [
          'viewer_key',
          eb.fn.max('last_at').as('last_at'),
          eb.fn.count<number>('session_id').as('sessions'),
          eb.fn.sum<number>('paid_fen').as('spend'),
          eb.fn.sum<number>('watch_ms').as('watch'),
          eb.fn.sum<number>('interactions').as('interactions'),
        ])
        .where('traffic', '=', run.traffic)
        .where('viewer_key', 'like', 'viewer:%');
      if (run.brandId) q = q.where('brand_id', '=', run.brandId);
      const rows = await q.groupBy('viewer_key').execute();
      run.progress = 0.2;
      await new Promise((r) => setImmediate(r));
      const now = this.d.clock.now().getTime();
      const raw = rows.map((r) => [Math.max(0, (now - Number(r.last_at)) / DAY_MS), Number(r.sessions), Number(r.spend ?? 0), Number(r.watch ?? 0) / 60_000, Number(r.interactions ?? 0)]);
      const choice = chooseK(clusteringMatrix(raw), { random: this.d.random });
      run.progress = 0.9;
      if ('insufficient' in choice) {
        run.result = { insufficient: choice.insufficient, n: choice.n };
      } else {
        run.result = personas(choice, raw);
        run.members = Array.from({ length: choice.k }, () => []);
        for (let i = 0; i < rows.length; i++) run.members[choice.labels[i]!]!.push(rows[i]!.viewer_key.slice('viewer:'.length));
      }
      run.status = 'done';
      run.progress = 1;
    } catch (err) {
      run.status = 'failed';
      run.error = 'The clustering failed; try again';
      this.d.onError(err, 'clusters');
    }
  }

  async saveSegment(ctx: Ctx, body: { runId: string; cluster: number; name: string }): Promise<{ id: string; name: string; size: number; persona: string; createdAt: string }> {
    requirePermission(ctx.actor, 'audience:segment');
    const run = this.runs.get(body.runId);
    if (!run || ctx.actor.kind !== 'team' || run.owner !== ctx.actor.id) throw notFound('Clustering run');
    if (run.status !== 'done' || !run.result || 'insufficient' in run.result) throw new AppError('conflict', 'This run has no clusters to save', { code: 'NO_CLUSTERS' });
    const persona = run.result.personas.find((p) => p.cluster === body.cluster);
    const members = run.members[body.cluster];
    if (!persona || !members) throw new AppError('validation', `body.cluster: no cluster ${body.cluster} in this run`, { code: 'VALIDATION', issues: [{ path: 'body.cluster', message: `no cluster ${body.cluster} in this run` }] });
    const id = this.d.ids();
    const createdAt = this.d.clock.now().toISOString();
    const definition = { runId: run.runId, traffic: run.traffic, features: PERSONA_FEATURES, k: run.result.k, silhouette: run.result.silhouette, persona: persona.persona, means: persona.means, traits: persona.traits };
    await this.d.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audience_segments')
        .values({ id, brand_id: run.brandId, name: body.name, source: 'cluster', definition: JSON.stringify(definition), viewer_ids: JSON.stringify(members), size: members.length, created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null, created_at: createdAt })
        .execute();
      await this.d.audit.record(ctx, { action: 'audience_segment.saved', targetType: 'audience_segment', targetId: id, after: { name: body.name, size: members.length, persona: persona.persona } }, trx);
    });
    return { id, name: body.name, size: members.length, persona: persona.persona, createdAt };
  }

  async listSegments(ctx: Ctx): Promise<{ items: { id: string; name: string; size: number; persona: string; createdAt: string }[] }> {
    requirePermission(ctx.actor, 'analytics:read');
    const rows = await this.d.db.selectFrom('audience_segments').select(['id', 'name', 'size', 'definition', 'created_at']).orderBy('created_at', 'desc').limit(200).execute();
    return { items: rows.map((r) => ({ id: r.id, name: r.name, size: Number(r.size), persona: String((JSON.parse(r.definition) as { persona?: string }).persona ?? ''), createdAt: r.created_at })) };
  }

  async issueCoupon(ctx: Ctx, segmentId: string, templateId: string): Promise<unknown> {
    requirePermission(ctx.actor, 'audience:segment');
    requirePermission(ctx.actor, 'promotions:write');
    const row = await this.d.db.selectFrom('audience_segments').select(['viewer_ids']).where('id', '=', segmentId).executeTakeFirst();
    if (!row) throw notFound('Segment');
    const ids = JSON.parse(row.viewer_ids) as string[];
    if (ids.length === 0) throw new AppError('conflict', 'This segment has no viewers', { code: 'EMPTY_SEGMENT' });
    return this.d.issueCoupons(ctx, templateId, ids);
  }
}
