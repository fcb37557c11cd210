import type { Kysely } from 'kysely';
import { PREFLIGHT_ITEMS, mayTick, preflightItem, type PreflightItemState, type PreflightReply, type PreflightTickBody, type RehearsalReply } from '../../../contracts/preflight.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError, forbidden, invalid } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { autoCheck, itemDone, mbitPerSecond, summarize } from './core/preflight-rules.js';
import type { VideoService } from './video.service.js';

export interface PreflightDeps {
  db: Kysely<DB>;
  clock: Clock;
  audit: AuditService;
  sessions: SessionsService;
  video: VideoService;
  onError?: (err: unknown, where: string) => void;
}

const who = (ctx: Ctx): { id: string | null; name: string | null } => (ctx.actor.kind === 'team' ? { id: ctx.actor.id, name: ctx.actor.displayName } : { id: null, name: null });

/**
 * Pre-flight (handbook 3.3): the per-session checklist the tech and the host tick before going
 * public, with machine checks from the live stream's health and the upload-speed test; and the
 * test-stream mode, in which the encoder publishes privately for the team (the video service
 * enforces it; this service keeps it in stream_rehearsals and tells the video service).
 */
export class PreflightService {
  constructor(private readonly d: PreflightDeps) {
    // Going live by any road (the console's "Go live", go-public) or ending the session ends test mode.
    d.sessions.onTransition((sessionId, to) => {
      if (to === 'live' || to === 'ended' || to === 'archived') {
        if (!d.video.rehearsal(sessionId)) return;
        d.video.setRehearsal(sessionId, null);
        void d.db.deleteFrom('stream_rehearsals').where('session_id', '=', sessionId).execute().catch((e: unknown) => d.onError?.(e, 'rehearsal end'));
      }
    });
  }

  /** At start: the sessions left in test mode (the video service holds them in memory). */
  async loadRehearsals(): Promise<void> {
    for (const r of await this.d.db.selectFrom('stream_rehearsals').selectAll().execute()) this.d.video.setRehearsal(r.session_id, { since: r.started_at, byName: r.by_name });
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  /** The checklist with who ticked what, the machine checks and "n of m done". */
  async checklist(ctx: Ctx, sessionId: string): Promise<PreflightReply> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    const rows = await this.d.db.selectFrom('preflight_checks').selectAll().where('session_id', '=', sessionId).execute();
    const byKey = new Map(rows.map((r) => [r.item, r]));
    const health = this.d.video.health(sessionId);
    const roles = ctx.actor.kind === 'team' && ctx.actor.permissions.includes('preflight:check') ? ctx.actor.roles : [];
    const items: PreflightItemState[] = PREFLIGHT_ITEMS.map((def) => {
      const row = byKey.get(def.key);
      const upload = { measuredKbps: num(row?.measured_kbps), targetKbps: num(row?.target_kbps) };
      const auto = 'auto' in def ? autoCheck(def.auto, health, upload) : null;
      const checked = Number(row?.checked ?? 0) === 1;
      return {
        key: def.key,
        group: def.group,
        roles: [...def.roles],
        mayTick: mayTick(roles, def),
        checked,
        byId: row?.by_id ?? null,
        byName: row?.by_name ?? null,
        at: row?.at ?? null,
        note: row?.note ?? null,
        ...upload,
        auto,
        done: itemDone(checked, auto),
      };
    });
    return { sessionId, items, summary: summarize(items), rehearsal: this.d.video.rehearsal(sessionId) };
  }

  /** Ticks or unticks an item (idempotent: the same state again changes nothing and is not audited). */
  async tick(ctx: Ctx, sessionId: string, key: string, body: PreflightTickBody): Promise<PreflightReply> {
    requirePermission(ctx.actor, 'preflight:check');
    const def = preflightItem(key);
    if (!def) throw invalid('params.item', `unknown checklist item ${key}`);
    if (ctx.actor.kind !== 'team' || !mayTick(ctx.actor.roles, def)) throw forbidden(`Only ${def.roles.join(' or ')} (or an owner or admin) ticks ${key}`);
    if (key !== 'network.upload' && (body.measuredKbps != null || body.targetKbps != null)) throw invalid('body.measuredKbps', 'only network.upload takes speed-test figures');
    await this.d.sessions.getInternal(sessionId);
    const prev = await this.d.db.selectFrom('preflight_checks').selectAll().where('session_id', '=', sessionId).where('item', '=', key).executeTakeFirst();
    const next = {
      checked: body.checked ? 1 : 0,
      note: body.note === undefined ? (prev?.note ?? null) : body.note || null,
      measured_kbps: body.measuredKbps === undefined ? (prev?.measured_kbps ?? null) : body.measuredKbps,
      target_kbps: body.targetKbps === undefined ? (prev?.target_kbps ?? null) : body.targetKbps,
    };
    const same = prev && Number(prev.checked) === next.checked && prev.note === next.note && num(prev.measured_kbps) === next.measured_kbps && num(prev.target_kbps) === next.target_kbps;
    if (!same) {
      const by = who(ctx);
      const values = { session_id: sessionId, item: key, ...next, by_id: by.id, by_name: by.name, at: this.now() };
      await this.d.db
        .insertInto('preflight_checks')
        .values(values)
        .onConflict((oc) => oc.columns(['session_id', 'item']).doUpdateSet({ checked: values.checked, note: values.note, measured_kbps: values.measured_kbps, target_kbps: values.target_kbps, by_id: values.by_id, by_name: values.by_name, at: values.at }))
        .execute();
      await this.d.audit.record(ctx, {
        action: next.checked ? 'preflight.checked' : 'preflight.unchecked',
        targetType: 'live_session',
        targetId: sessionId,
        before: prev ? { item: key, checked: Number(prev.checked) === 1, note: prev.note } : null,
        after: { item: key, checked: next.checked === 1, note: next.note, ...(key === 'network.upload' ? { measuredKbps: next.measured_kbps, targetKbps: next.target_kbps } : {}) },
      });
    }
    return this.checklist(ctx, sessionId);
  }

  /** The upload-speed test's server side: what arrived and how long it took (the body is not kept). */
  uploadTest(ctx: Ctx, received: { bytes: number; receiveMs: number }): { bytes: number; receiveMs: number; serverMbps: number | null } {
    requirePermission(ctx.actor, 'preflight:check');
    return { bytes: received.bytes, receiveMs: Math.round(received.receiveMs * 10) / 10, serverMbps: mbitPerSecond(received.bytes, received.receiveMs) };
  }

  /** The team's private player address for the test stream (and any stream of the session). */
  async preview(ctx: Ctx, sessionId: string): Promise<{ flvUrl: string; expiresAt: number }> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    return this.d.video.teamPlayUrl(sessionId);
  }

  async rehearsalState(ctx: Ctx, sessionId: string): Promise<RehearsalReply> {
    requirePermission(ctx.actor, 'sessions:read');
    const s = await this.d.sessions.getInternal(sessionId);
    return { rehearsal: this.d.video.rehearsal(sessionId), state: this.d.video.streamStats(sessionId).state, sessionStatus: s.status };
  }

  /** Test mode on: the encoder may publish without the session going live. Only before it is live. */
  async startRehearsal(ctx: Ctx, sessionId: string): Promise<RehearsalReply> {
    requirePermission(ctx.actor, 'preflight:check');
    const s = await this.d.sessions.getInternal(sessionId);
    if (this.d.video.rehearsal(sessionId)) return this.rehearsalState(ctx, sessionId);
    if (s.status !== 'draft' && s.status !== 'scheduled') throw new AppError('conflict', `A ${s.status} session cannot start a test stream: test mode is for before going live`, { code: 'REHEARSAL_NOT_ALLOWED' });
    // A publish that already took the session live would have changed its status; one still publishing here is private anyway.
    const by = who(ctx);
    const since = this.now();
    await this.d.db.insertInto('stream_rehearsals').values({ session_id: sessionId, started_at: since, by_id: by.id, by_name: by.name }).onConflict((oc) => oc.column('session_id').doNothing()).execute();
    this.d.video.setRehearsal(sessionId, { since, byName: by.name });
    await this.d.audit.record(ctx, { action: 'stream.test_started', targetType: 'live_session', targetId: sessionId, before: null, after: { since } });
    return this.rehearsalState(ctx, sessionId);
  }

  /**
   * Test mode off without going live. Refused while an encoder publishes (or may come back):
   * leaving test mode then would put the picture in front of the audience of a session that is
   * not live, and OBS's automatic reconnect would take it live. Stop streaming in OBS first.
   */
  async stopRehearsal(ctx: Ctx, sessionId: string): Promise<RehearsalReply> {
    requirePermission(ctx.actor, 'preflight:check');
    await this.d.sessions.getInternal(sessionId);
    if (!this.d.video.rehearsal(sessionId)) return this.rehearsalState(ctx, sessionId);
    const state = this.d.video.streamStats(sessionId).state;
    if (state !== 'offline') throw new AppError('conflict', 'The encoder is still publishing: stop streaming in OBS first (or go public)', { code: 'ENCODER_PUBLISHING' });
    await this.end(ctx, sessionId, 'stream.test_stopped');
    return this.rehearsalState(ctx, sessionId);
  }

  /**
   * Test mode off and the session live: a running stream goes public and viewers join at once.
   * Without an encoder it is the console's "Go live": the picture comes when OBS publishes.
   */
  async goPublic(ctx: Ctx, sessionId: string): Promise<RehearsalReply> {
    requirePermission(ctx.actor, 'preflight:check');
    requirePermission(ctx.actor, 'sessions:golive');
    const s = await this.d.sessions.getInternal(sessionId);
    const rehearsal = this.d.video.rehearsal(sessionId);
    if (!rehearsal) throw new AppError('conflict', 'This session is not in test mode', { code: 'NOT_REHEARSING' });
    if (s.status !== 'draft' && s.status !== 'scheduled') throw new AppError('conflict', `A ${s.status} session cannot go live`, { code: 'REHEARSAL_NOT_ALLOWED' });
    await this.end(ctx, sessionId, 'stream.went_public');
    try {
      await this.d.sessions.transition(ctx, sessionId, 'live', 'went public after a test stream');
    } catch (e) {
      // Still not live: back to test mode, so the picture stays private.
      await this.d.db.insertInto('stream_rehearsals').values({ session_id: sessionId, started_at: rehearsal.since, by_id: null, by_name: rehearsal.byName }).onConflict((oc) => oc.column('session_id').doNothing()).execute();
      this.d.video.setRehearsal(sessionId, rehearsal);
      throw e;
    }
    return this.rehearsalState(ctx, sessionId);
  }

  private async end(ctx: Ctx, sessionId: string, action: 'stream.test_stopped' | 'stream.went_public'): Promise<void> {
    const before = this.d.video.rehearsal(sessionId);
    await this.d.db.deleteFrom('stream_rehearsals').where('session_id', '=', sessionId).execute();
    this.d.video.setRehearsal(sessionId, null);
    await this.d.audit.record(ctx, { action, targetType: 'live_session', targetId: sessionId, before, after: null });
  }
}

function num(v: number | string | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}
