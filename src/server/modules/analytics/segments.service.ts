import type { Kysely } from 'kysely';
import type { SegmentKind, SessionSegment } from '../../../contracts/analytics.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';

export interface SegmentsDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  /** The session's status (throws not found for unknown sessions). */
  status: (sessionId: string) => Promise<string>;
}

/**
 * Run-of-show segments marked during the live ("now: product showcase — spring teas"), so the
 * report can say which segments held or lost viewers and which sold, and driver analysis can
 * compare segment types (handbook 4.2). Starting a segment ends the open one at the same instant.
 * The planning module (roadmap) will fill these from a planned run-of-show.
 */
export class SegmentsService {
  constructor(private readonly d: SegmentsDeps) {}

  async list(sessionId: string): Promise<SessionSegment[]> {
    const rows = await this.d.db.selectFrom('session_segments').selectAll().where('session_id', '=', sessionId).orderBy('started_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, kind: r.kind as SegmentKind, title: r.title, startedAt: Number(r.started_at), endedAt: r.ended_at === null ? null : Number(r.ended_at) }));
  }

  async listForConsole(ctx: Ctx, sessionId: string): Promise<SessionSegment[]> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.status(sessionId);
    return this.list(sessionId);
  }

  async start(ctx: Ctx, sessionId: string, body: { kind: SegmentKind; title: string }): Promise<SessionSegment> {
    requirePermission(ctx.actor, 'interact:run');
    if ((await this.d.status(sessionId)) !== 'live') throw new AppError('conflict', 'Segments are marked while the session is live', { code: 'SESSION_NOT_LIVE' });
    const now = this.d.clock.now().getTime();
    const id = this.d.ids();
    await this.d.db.transaction().execute(async (trx) => {
      await trx.updateTable('session_segments').set({ ended_at: now }).where('session_id', '=', sessionId).where('ended_at', 'is', null).execute();
      await trx.insertInto('session_segments').values({ id, session_id: sessionId, kind: body.kind, title: body.title, started_at: now, ended_at: null, created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null }).execute();
      await this.d.audit.record(ctx, { action: 'segment.started', targetType: 'session', targetId: sessionId, after: { id, kind: body.kind, title: body.title } }, trx);
    });
    return { id, kind: body.kind, title: body.title, startedAt: now, endedAt: null };
  }

  async end(ctx: Ctx, sessionId: string): Promise<{ ended: number }> {
    requirePermission(ctx.actor, 'interact:run');
    await this.d.status(sessionId);
    const now = this.d.clock.now().getTime();
    const r = await this.d.db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('session_segments').set({ ended_at: now }).where('session_id', '=', sessionId).where('ended_at', 'is', null).executeTakeFirst();
      const n = Number(res.numUpdatedRows);
      if (n > 0) await this.d.audit.record(ctx, { action: 'segment.ended', targetType: 'session', targetId: sessionId, after: { at: now } }, trx);
      return n;
    });
    return { ended: r };
  }

  /** When the live ends, an open segment ends with it. */
  async closeOpen(sessionId: string, at: number): Promise<void> {
    await this.d.db.updateTable('session_segments').set({ ended_at: at }).where('session_id', '=', sessionId).where('ended_at', 'is', null).execute();
  }
}
