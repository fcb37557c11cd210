import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { MAX_COVER_BYTES, type createSessionBody, type LiveSession, type staffBody, type updateSessionBody } from '../../../contracts/api.contract.js';
import type { TeamRole } from '../../../contracts/roles.contract.js';
import { safeEqual } from '../../platform/auth/tokens.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB, LiveSessionsTable } from '../../platform/db/db.types.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import { builtInVetoes, decideTransition, type SessionStatus, type TransitionVeto } from './core/session-lifecycle.js';
import { SessionsStore } from './sessions.store.js';

export type PublicSession = Pick<LiveSession, 'id' | 'title' | 'status' | 'theme' | 'scheduledStart' | 'plannedMinutes' | 'brandName' | 'isDemo' | 'coverUrl'>;

/** Lets the sessions module show team members' names without reading the team's tables. */
export type MemberNames = (ids: string[]) => Promise<Map<string, string>>;

// Unambiguous characters only (no 0/O, 1/I/l), so a code read aloud on stream is typed right.
const INVITE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newInviteCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => INVITE_ALPHABET[b % INVITE_ALPHABET.length]).join('');
}

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export class SessionsService {
  private readonly store: SessionsStore;
  private readonly vetoes: TransitionVeto[] = [...builtInVetoes];
  constructor(private readonly deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator; audit: AuditService; catalog: CatalogService; memberNames?: MemberNames }) {
    this.store = new SessionsStore(deps.db);
  }

  private readonly transitionListeners: ((sessionId: string, to: SessionStatus) => void)[] = [];

  /** Called after a transition commits (the room tells its viewers). */
  onTransition(listener: (sessionId: string, to: SessionStatus) => void): void {
    this.transitionListeners.push(listener);
  }

  /** For other modules: the facts they need, whatever the caller may see. */
  async getInternal(id: string): Promise<{ id: string; status: SessionStatus; brandId: string | null; visibility: string; title: string }> {
    const row = await this.store.findById(id);
    if (!row) throw notFound('Session');
    return { id: row.id, status: row.status as SessionStatus, brandId: row.brand_id, visibility: row.visibility, title: row.title };
  }

  /**
   * For other modules (promotions: "first 30 minutes" windows): when the session last went
   * live (null if never) and its scheduled start. The transition log is the record.
   */
  /** `exec`: read in the caller's transaction (a caller holding SQLite's one writing connection must). */
  async liveTimes(id: string, exec?: Kysely<DB>): Promise<{ wentLiveAt: string | null; scheduledStart: string | null; brandId: string | null; status: SessionStatus }> {
    const row = await this.store.findById(id, exec);
    if (!row) throw notFound('Session');
    return { wentLiveAt: await this.store.lastWentLive(id, exec), scheduledStart: row.scheduled_start, brandId: row.brand_id, status: row.status as SessionStatus };
  }

  /** For analytics: when the live started and ended (ISO, null if not yet), with its brand, title and status. */
  async liveSpan(id: string): Promise<{ wentLiveAt: string | null; endedAt: string | null; brandId: string | null; title: string; status: SessionStatus; isDemo: boolean; hostIds: string[] }> {
    const row = await this.store.findById(id);
    if (!row) throw notFound('Session');
    const [wentLiveAt, endedAt, staff] = await Promise.all([this.store.lastWentLive(id), this.store.lastTransitionTo(id, 'ended'), this.store.staff(id)]);
    const hostIds = staff.filter((r) => r.duty === 'host').map((r) => r.member_id).sort();
    return { wentLiveAt, endedAt, brandId: row.brand_id, title: row.title, status: row.status as SessionStatus, isDemo: row.is_demo === 1, hostIds };
  }

  /** Titles of sessions (other modules list them without reading our tables). */
  async titles(ids: string[]): Promise<Map<string, string>> {
    return this.store.titles([...new Set(ids)]);
  }

  /** Other modules (video, compliance) add vetoes on transitions here. */
  addVeto(veto: TransitionVeto): void {
    this.vetoes.push(veto);
  }

  private async toDto(rows: LiveSessionsTable[]): Promise<LiveSession[]> {
    const brands = await this.deps.catalog.brandNames(rows.map((r) => r.brand_id).filter((x): x is string => x !== null));
    const covers = await this.store.coverEtags(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status as LiveSession['status'],
      theme: r.theme as LiveSession['theme'],
      visibility: r.visibility as LiveSession['visibility'],
      scheduledStart: r.scheduled_start,
      plannedMinutes: r.planned_minutes,
      brandName: r.brand_id ? (brands.get(r.brand_id) ?? null) : null,
      isDemo: r.is_demo === 1,
      // The console's own address: it works for drafts and private sessions too.
      coverUrl: covers.has(r.id) ? `/api/console/sessions/${r.id}/cover?v=${covers.get(r.id)}` : null,
      inviteCode: r.visibility === 'private' ? r.invite_code : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  private async one(id: string): Promise<LiveSession> {
    const row = await this.store.findById(id);
    if (!row) throw notFound('Session');
    return (await this.toDto([row]))[0]!;
  }

  async list(ctx: Ctx, q: { status?: SessionStatus | undefined; limit: number; cursor?: string | undefined }) {
    requirePermission(ctx.actor, 'sessions:read');
    const rows = await this.store.list({ ...q, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: await this.toDto(page), nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  async get(ctx: Ctx, id: string): Promise<LiveSession> {
    requirePermission(ctx.actor, 'sessions:read');
    return this.one(id);
  }

  /** What the audience may see: drafts are not found; private sessions only with their invite code. */
  async getPublic(id: string, invite?: string): Promise<PublicSession> {
    const row = await this.store.findById(id);
    if (!row || row.status === 'draft') throw notFound('Session');
    if (row.visibility === 'private' && !(invite && row.invite_code && safeEqual(invite.toUpperCase(), row.invite_code))) throw notFound('Session');
    const s = (await this.toDto([row]))[0]!;
    const coverUrl = s.coverUrl ? s.coverUrl.replace(`/api/console/sessions/${s.id}/cover`, `/api/live/${s.id}/cover`) : null;
    return { id: s.id, title: s.title, status: s.status, theme: s.theme, scheduledStart: s.scheduledStart, plannedMinutes: s.plannedMinutes, brandName: s.brandName, isDemo: s.isDemo, coverUrl };
  }

  /** The cover for the audience (same visibility rules as the session) or, with a ctx, for the team. */
  async getCover(id: string, invite?: string, ctx?: Ctx): Promise<{ mime: string; bytes: Buffer; etag: string }> {
    if (ctx) {
      requirePermission(ctx.actor, 'sessions:read');
      if (!(await this.store.findById(id))) throw notFound('Session');
    } else await this.getPublic(id, invite);
    const c = await this.store.getCover(id);
    if (!c) throw notFound('Cover');
    return { mime: c.mime, bytes: Buffer.from(c.data_base64, 'base64'), etag: c.etag };
  }

  async setCover(ctx: Ctx, id: string, contentType: string, dataBase64: string): Promise<LiveSession> {
    requirePermission(ctx.actor, 'sessions:write');
    const bytes = Buffer.from(dataBase64, 'base64');
    if (bytes.length > MAX_COVER_BYTES) throw new AppError('validation', 'dataBase64: expected at most 2 MiB', { code: 'COVER_TOO_LARGE', issues: [{ path: 'body.dataBase64', message: 'expected at most 2 MiB' }] });
    if (!MAGIC[contentType]?.(bytes)) {
      throw new AppError('validation', `dataBase64: not a ${contentType} image`, { code: 'COVER_NOT_IMAGE', issues: [{ path: 'body.dataBase64', message: `not a ${contentType} image` }] });
    }
    const etag = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await this.store.findById(id, trx))) throw notFound('Session');
      await this.store.putCover(trx, { session_id: id, mime: contentType, data_base64: bytes.toString('base64'), etag, updated_at: this.deps.clock.now().toISOString() });
      await this.deps.audit.record(ctx, { action: 'session.cover_set', targetType: 'live_session', targetId: id, after: { contentType, bytes: bytes.length, etag } }, trx);
    });
    return this.one(id);
  }

  async removeCover(ctx: Ctx, id: string): Promise<LiveSession> {
    requirePermission(ctx.actor, 'sessions:write');
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await this.store.findById(id, trx))) throw notFound('Session');
      if (!(await this.store.deleteCover(trx, id))) throw notFound('Cover');
      await this.deps.audit.record(ctx, { action: 'session.cover_removed', targetType: 'live_session', targetId: id }, trx);
    });
    return this.one(id);
  }

  /** A new invite code for a private session; the old one stops working at once. */
  async rotateInvite(ctx: Ctx, id: string): Promise<LiveSession> {
    requirePermission(ctx.actor, 'sessions:write');
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.findById(id, trx);
      if (!row) throw notFound('Session');
      if (row.visibility !== 'private') throw new AppError('conflict', 'Only a private session has an invite code', { code: 'NOT_PRIVATE' });
      await this.store.update(trx, id, { invite_code: newInviteCode(), updated_at: this.deps.clock.now().toISOString() });
      await this.deps.audit.record(ctx, { action: 'session.invite_rotated', targetType: 'live_session', targetId: id }, trx);
    });
    return this.one(id);
  }

  async getStaff(ctx: Ctx, id: string) {
    requirePermission(ctx.actor, 'sessions:read');
    if (!(await this.store.findById(id))) throw notFound('Session');
    const rows = await this.store.staff(id);
    const names = (await this.deps.memberNames?.(rows.map((r) => r.member_id))) ?? new Map<string, string>();
    return { assignments: rows.map((r) => ({ memberId: r.member_id, displayName: names.get(r.member_id) ?? '(removed member)', duty: r.duty as TeamRole })) };
  }

  /** Staffing: who does what in this session (host, tech, operator, cs, ...), replaced as a whole. */
  async setStaff(ctx: Ctx, id: string, input: z.output<typeof staffBody>) {
    requirePermission(ctx.actor, 'sessions:write');
    const ids = [...new Set(input.assignments.map((a) => a.memberId))];
    const names = (await this.deps.memberNames?.(ids)) ?? new Map<string, string>();
    const unknown = input.assignments.findIndex((a) => !names.has(a.memberId));
    if (unknown >= 0) {
      throw new AppError('validation', `assignments.${unknown}.memberId: no such team member`, { code: 'VALIDATION', issues: [{ path: `body.assignments.${unknown}.memberId`, message: 'no such team member' }] });
    }
    const rows = [...new Map(input.assignments.map((a) => [`${a.memberId}/${a.duty}`, { member_id: a.memberId, duty: a.duty }])).values()];
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await this.store.findById(id, trx))) throw notFound('Session');
      const before = await trx.selectFrom('session_staff').select(['member_id', 'duty']).where('session_id', '=', id).execute();
      await this.store.replaceStaff(trx, id, rows);
      await this.deps.audit.record(ctx, { action: 'session.staff_changed', targetType: 'live_session', targetId: id, before, after: rows }, trx);
    });
    return this.getStaff(ctx, id);
  }

  async create(ctx: Ctx, input: z.output<typeof createSessionBody>, opts: { isDemo?: boolean; brandId?: string | null } = {}): Promise<LiveSession> {
    requirePermission(ctx.actor, 'sessions:write');
    const now = this.deps.clock.now().toISOString();
    const id = this.deps.ids();
    const row: LiveSessionsTable = {
      id,
      brand_id: opts.brandId !== undefined ? opts.brandId : await this.deps.catalog.defaultBrandId(),
      title: input.title,
      theme: input.theme,
      visibility: input.visibility,
      status: 'draft',
      scheduled_start: input.scheduledStart ? new Date(input.scheduledStart).toISOString() : null,
      planned_minutes: input.plannedMinutes,
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      is_demo: opts.isDemo ? 1 : 0,
      created_at: now,
      updated_at: now,
      invite_code: input.visibility === 'private' ? newInviteCode() : null,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await this.store.insert(trx, row);
      await this.deps.audit.record(ctx, { action: 'session.created', targetType: 'live_session', targetId: id, after: input }, trx);
    });
    return this.one(id);
  }

  async update(ctx: Ctx, id: string, patch: z.output<typeof updateSessionBody>): Promise<LiveSession> {
    requirePermission(ctx.actor, 'sessions:write');
    await this.deps.db.transaction().execute(async (trx) => {
      const before = await this.store.findById(id, trx);
      if (!before) throw notFound('Session');
      if (before.status === 'ended' || before.status === 'archived') {
        throw new AppError('conflict', `An ${before.status} session can no longer be edited`, { code: 'SESSION_CLOSED' });
      }
      const changes: Partial<LiveSessionsTable> = { updated_at: this.deps.clock.now().toISOString() };
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.theme !== undefined) changes.theme = patch.theme;
      if (patch.visibility !== undefined) changes.visibility = patch.visibility;
      if (patch.visibility === 'private' && !before.invite_code) changes.invite_code = newInviteCode();
      if (patch.plannedMinutes !== undefined) changes.planned_minutes = patch.plannedMinutes;
      if (patch.scheduledStart !== undefined) changes.scheduled_start = patch.scheduledStart ? new Date(patch.scheduledStart).toISOString() : null;
      await this.store.update(trx, id, changes);
      const pick = (r: LiveSessionsTable) => ({ title: r.title, theme: r.theme, visibility: r.visibility, scheduledStart: r.scheduled_start, plannedMinutes: r.planned_minutes });
      const after = (await this.store.findById(id, trx))!;
      await this.deps.audit.record(ctx, { action: 'session.updated', targetType: 'live_session', targetId: id, before: pick(before), after: pick(after) }, trx);
    });
    return this.one(id);
  }

  async transition(ctx: Ctx, id: string, to: SessionStatus, reason?: string): Promise<LiveSession> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.findById(id, trx);
      if (!row) throw notFound('Session');
      const now = this.deps.clock.now();
      const decision = decideTransition({ status: row.status as SessionStatus, scheduledStart: row.scheduled_start, title: row.title }, to, now, this.vetoes);
      if (!decision.ok) {
        throw new AppError('conflict', `Cannot move this session to ${to}: ${decision.reason}`, {
          code: decision.kind === 'vetoed' ? 'TRANSITION_VETOED' : 'INVALID_TRANSITION',
        });
      }
      requirePermission(ctx.actor, decision.permission);
      if (!(await this.store.setStatusIf(trx, id, row.status, to, now.toISOString()))) {
        throw new AppError('conflict', 'The session changed meanwhile; reload and try again', { code: 'INVALID_TRANSITION' });
      }
      await this.store.logTransition(trx, { id: this.deps.ids(), session_id: id, from_status: row.status, to_status: to, at: now.toISOString(), actor_id: ctx.actor.kind === 'team' ? ctx.actor.id : null, reason: reason ?? null });
      await this.deps.audit.record(ctx, { action: `session.${to}`, targetType: 'live_session', targetId: id, before: { status: row.status }, after: { status: to } }, trx);
    });
    for (const l of this.transitionListeners) l(id, to);
    return this.one(id);
  }
}
