import type { CountdownView, RoomTools } from '../../../contracts/room-tools.contract.js';
import { ROOM_TOOLS_KEPT } from '../../../contracts/room-tools.reducer.js';
import type { Ctx } from '../../platform/context.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import { CountdownsStore, type CountdownRow } from './countdowns.store.js';
import type { InteractDeps, RoomTool } from './interact.deps.js';

/** How often the running countdowns are re-read (to pick up those created on other nodes). */
export const COUNTDOWN_REFRESH_MS = 10_000;
const SESSION_OVER = new Set(['ended', 'archived']);

/**
 * Countdowns (issue 6 item 8): "the sale starts in 05:00". The room counts down on its own from
 * `endsAt` and the server time in the event; the server says when it is over (status 'done' at
 * the tick that passes endsAt) or cancelled. Running ones are kept in memory for the tick and
 * re-read now and then, so one created on another node (or before a restart) ends here too; the
 * conditional update makes exactly one node announce the end.
 */
export class CountdownsService implements RoomTool {
  private readonly store: CountdownsStore;
  private readonly running = new Map<string, { sessionId: string; endsAt: number }>();
  private lastRefresh = -Infinity;

  constructor(private readonly d: InteractDeps) {
    this.store = new CountdownsStore(d.db);
  }

  async start(): Promise<void> {
    await this.refresh(this.d.clock.now().getTime());
  }

  async stop(): Promise<void> {}

  async tick(now: number): Promise<void> {
    if (now - this.lastRefresh >= COUNTDOWN_REFRESH_MS) await this.refresh(now);
    for (const [id, c] of [...this.running]) {
      if (c.endsAt > now) continue;
      this.running.delete(id);
      try {
        if (!(await this.store.finishIfRunning(this.d.db, id, 'done', new Date(now).toISOString()))) continue;
        const row = await this.store.find(id);
        if (row) await this.announce(row, now);
      } catch (err) {
        this.d.onError(err, `countdown ${id} tick`);
      }
    }
  }

  async snapshotInto(sessionId: string, tools: RoomTools): Promise<void> {
    const rows = await this.store.listBySession(sessionId);
    const ended = rows.filter((r) => r.status !== 'running').sort((a, b) => (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : 0)).slice(-ROOM_TOOLS_KEPT);
    const keep = new Set([...rows.filter((r) => r.status === 'running'), ...ended]);
    tools.countdowns = rows.filter((r) => keep.has(r)).map(toView);
  }

  async list(sessionId: string): Promise<CountdownView[]> {
    return (await this.store.listBySession(sessionId)).map(toView);
  }

  async create(ctx: Ctx, sessionId: string, body: { label: string; endsAt?: string | undefined; seconds?: number | undefined }): Promise<CountdownView> {
    requirePermission(ctx.actor, 'interact:run');
    const s = await this.d.sessions.getInternal(sessionId);
    if (SESSION_OVER.has(s.status)) throw new AppError('conflict', `An ${s.status} session can no longer show countdowns`, { code: 'SESSION_ENDED' });
    const now = this.d.clock.now().getTime();
    let endsAt: number;
    if (body.endsAt !== undefined) {
      endsAt = Date.parse(body.endsAt);
      if (!Number.isFinite(endsAt)) throw invalid('body.endsAt', 'endsAt: expected an ISO 8601 date-time with time zone');
      if (endsAt <= now) throw invalid('body.endsAt', 'endsAt: must be in the future');
    } else if (body.seconds !== undefined) {
      endsAt = now + body.seconds * 1000;
    } else {
      throw invalid('body.endsAt', 'endsAt: give either endsAt or seconds');
    }
    const nowIso = new Date(now).toISOString();
    const row: CountdownRow = {
      id: this.d.ids(),
      session_id: sessionId,
      label: body.label,
      ends_at: new Date(endsAt).toISOString(),
      status: 'running',
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: nowIso,
      updated_at: nowIso,
    };
    await this.d.db.transaction().execute(async (trx) => {
      await this.store.insert(trx, row);
      await this.d.audit.record(ctx, { action: 'countdown.created', targetType: 'countdown', targetId: row.id, after: { sessionId, label: row.label, endsAt: row.ends_at } }, trx);
    });
    this.running.set(row.id, { sessionId, endsAt });
    await this.announce(row, now);
    return toView(row);
  }

  async cancel(ctx: Ctx, sessionId: string, countdownId: string): Promise<CountdownView> {
    requirePermission(ctx.actor, 'interact:run');
    await this.d.sessions.getInternal(sessionId);
    const row = await this.store.find(countdownId);
    if (!row || row.session_id !== sessionId) throw notFound('Countdown');
    const nowIso = this.d.clock.now().toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.finishIfRunning(trx, countdownId, 'cancelled', nowIso)))
        throw new AppError('conflict', `This countdown is ${row.status === 'running' ? 'already over' : row.status}`, { code: 'COUNTDOWN_NOT_RUNNING' });
      await this.d.audit.record(ctx, { action: 'countdown.cancelled', targetType: 'countdown', targetId: countdownId, before: { status: 'running' }, after: { status: 'cancelled' } }, trx);
    });
    this.running.delete(countdownId);
    const cancelled: CountdownRow = { ...row, status: 'cancelled', updated_at: nowIso };
    await this.announce(cancelled, Date.parse(nowIso));
    return toView(cancelled);
  }

  private async refresh(now: number): Promise<void> {
    this.lastRefresh = now;
    for (const r of await this.store.listRunning()) this.running.set(r.id, { sessionId: r.session_id, endsAt: Date.parse(r.ends_at) });
  }

  private async announce(row: CountdownRow, now: number): Promise<void> {
    try {
      await this.d.publish(row.session_id, { t: 'countdown', countdown: toView(row), now });
    } catch (err) {
      this.d.onError(err, 'countdown publish');
    }
  }
}

const toView = (r: CountdownRow): CountdownView => ({ id: r.id, label: r.label, endsAt: Date.parse(r.ends_at), status: r.status });
