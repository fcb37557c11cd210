import { createDrawBody, type CreateDrawBody, type DrawDetail, type PrizeItem, type PublicDrawReply } from '../../../contracts/interact.contract.js';
import type { AddressInput } from '../../../contracts/orders.contract.js';
import { drawRulesSchema, type DrawRecord, type DrawRules } from '../../../contracts/draw.contract.js';
import { ROOM_WINNERS_SHOWN, type DrawView, type RoomTools } from '../../../contracts/room-tools.contract.js';
import { ROOM_TOOLS_KEPT } from '../../../contracts/room-tools.reducer.js';
import type { z } from 'zod';
import type { drawWinnersReply } from '../../../contracts/interact.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { DrawWinnersTable } from '../../platform/db/tables/interact.tables.js';
import type { CommentSeen } from '../room/room.service.js';
import { commentMatchesPhrase, drawRules as ruleRegistry, partitionEligible } from './core/draw-eligibility.js';
import { DRAW_ALGORITHM, canonicalEntrants, commit, drawWinners, hashEntrants, newSeed } from './core/fair-draw.js';
import { gatherFacts } from './draw-facts.js';
import { InProgress } from './in-progress.js';
import { DrawsStore, EntryWriter, type DrawRow, type WinnerRow } from './draws.store.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';
import type { WatchTimeTracker } from './watch-time.js';
import { recordToolFact } from './tool-analytics.js';

/** After entries close the draw runs by itself this long later, unless the operator runs it first. */
export const AUTO_DRAW_DELAY_MS = 3_000;
/** How often the clock's work re-reads the open and closed draws (another node's, or after a restart). */
const ACTIVE_REFRESH_MS = 1_000;
/** How often unclaimed prizes and uncredited coupons/points are looked at. */
const PRIZE_SWEEP_MS = 5_000;
const HOUR_MS = 3_600_000;

type Status = DrawRow['status'];
/** Draw lifecycle: which states each action may start from. */
const FROM: Record<'open' | 'close' | 'run' | 'cancel', readonly Status[]> = {
  open: ['draft'],
  close: ['open'],
  run: ['open', 'closed'],
  cancel: ['draft', 'open'],
};
const WRONG_STATE: Record<Status, { code: string; message: string }> = {
  draft: { code: 'DRAW_NOT_OPEN', message: 'This draw has not been opened yet' },
  open: { code: 'DRAW_OPEN', message: 'This draw is open for entries' },
  closed: { code: 'DRAW_CLOSED', message: 'Entries to this draw are closed; it is about to be drawn' },
  drawn: { code: 'DRAW_ALREADY_DRAWN', message: 'This draw has already been drawn' },
  cancelled: { code: 'DRAW_CANCELLED', message: 'This draw was cancelled' },
};

/** What entering and the clock need to know about a draw, kept in memory (one object per draw, mutated on transitions). */
interface DrawState {
  id: string;
  sessionId: string;
  status: Status;
  phrase: string | null;
  closesAt: number | null;
  closedAt: number | null;
  /** Closed with the entrant list frozen (its hash stored). */
  frozen: boolean;
}

type WinnersReply = z.infer<typeof drawWinnersReply>;

const rulesOf = (row: DrawRow): DrawRules => drawRulesSchema.parse(JSON.parse(row.rules));
const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const needsAddress = (kind: DrawRow['prize_kind']): boolean => kind === 'product' || kind === 'text';

/**
 * Draws (抽奖, issue 6 items 3-5 and 10): draft → open → closed → drawn, or cancelled from draft
 * or open. Provably fair (core/fair-draw.ts): the seed is drawn and its commitment published at
 * open, the eligible entrants frozen and their hash published at close, the winners computed from
 * both and the seed revealed at the draw. Everything is in the database (the seed sealed until the
 * draw), so a restart mid-draw resumes with the same seed and the published commitment holds.
 * Every transition is a guarded update (`where status in (...)`), so two nodes' clocks or an
 * operator racing the clock move a draw once.
 */
/** Drawn draws' records kept in memory for the public verification page. */
const KEPT_RECORDS = 50;

export class DrawsService implements RoomTool {
  private readonly store: DrawsStore;
  private readonly writer: EntryWriter;
  private readonly states = new Map<string, DrawState>();
  private readonly loading = new Map<string, Promise<DrawState | null>>();
  /** Entries made on this node since the last tick, per draw (the room's `draw.entries` deltas). */
  private deltas = new Map<string, number>();
  private lastRefresh = 0;
  private lastSweep = 0;
  /** Draws being closed or drawn by this node now (the clock does not start them twice). */
  private readonly busy = new InProgress();
  /** Records of drawn draws, oldest first (at most KEPT_RECORDS). */
  private readonly records = new Map<string, DrawRecord>();
  /** Entrant lists frozen on this node, by draw, until drawn (the hash is still checked before use). */
  private readonly frozen = new Map<string, { hash: string; list: string[] }>();
  /** Coupon and points credits running in the background after a draw. */
  private crediting: Promise<void> = Promise.resolve();
  private creditsQueued = 0;

  constructor(
    private readonly d: InteractDeps,
    private readonly watch: WatchTimeTracker,
  ) {
    this.store = new DrawsStore(d.db);
    this.writer = new EntryWriter(d.db, () => this.nowIso(), (drawId, n) => this.deltas.set(drawId, (this.deltas.get(drawId) ?? 0) + n));
  }

  private now(): number {
    return this.d.clock.now().getTime();
  }
  private nowIso(): string {
    return this.d.clock.now().toISOString();
  }

  // --- lifecycle of the tool ------------------------------------------------------------------

  async start(): Promise<void> {
    await this.refreshActive();
  }

  async stop(): Promise<void> {
    await this.writer.flush();
    await this.publishDeltas();
    await this.crediting;
  }

  /** Resolves when the coupon and points credits started so far are done (tests). */
  async settled(): Promise<void> {
    await this.writer.flush();
    await this.crediting;
  }

  async tick(now: number): Promise<void> {
    if (now - this.lastRefresh >= ACTIVE_REFRESH_MS) {
      this.lastRefresh = now;
      await this.refreshActive();
    }
    await this.publishDeltas();
    for (const s of [...this.states.values()]) {
      if (this.busy.has(s.id)) continue;
      try {
        if (s.status === 'open' && s.closesAt !== null && now >= s.closesAt) await this.closeNow(systemCtx('interact'), s.id, 'clock');
        // Closed but not frozen: a crash (or a failure) between the two steps of closing.
        else if (s.status === 'closed' && !s.frozen) await this.closeNow(systemCtx('interact'), s.id, 'clock');
        else if (s.status === 'closed' && s.closedAt !== null && now >= s.closedAt + AUTO_DRAW_DELAY_MS) await this.drawNow(systemCtx('interact'), s.id, 'clock');
      } catch (err) {
        // Another node or the operator got there first: the refresh picks up the new state.
        if (!(err instanceof AppError && err.kind === 'conflict')) this.d.onError(err, `draw ${s.id} clock`);
      }
    }
    if (now - this.lastSweep >= PRIZE_SWEEP_MS) {
      this.lastSweep = now;
      await this.sweepPrizes(now);
    }
  }

  /**
   * The entries this node made since its previous tick, with the total as stored: the hub keeps
   * the highest total it has seen, so a snapshot loaded meanwhile and other nodes' messages agree.
   */
  private async publishDeltas(): Promise<void> {
    if (this.deltas.size === 0) return;
    const out = this.deltas;
    this.deltas = new Map();
    const totals = await this.store.entryCounts([...out.keys()]);
    for (const [id, dn] of out) {
      const s = this.states.get(id);
      if (!s || dn === 0) continue;
      await this.d.publish(s.sessionId, { t: 'draw.entries', id, dn, entrants: totals.get(id) ?? 0 });
    }
  }

  private stateOf(row: DrawRow): DrawState {
    const phrase = rulesOf(row).phrase ?? null;
    const next = { id: row.id, sessionId: row.session_id, status: row.status, phrase, closesAt: ms(row.closes_at), closedAt: ms(row.closed_at), frozen: row.entrants_hash !== null };
    const s = this.states.get(row.id);
    if (!s) {
      this.states.set(row.id, next);
      return next;
    }
    Object.assign(s, next);
    return s;
  }

  /** Re-reads the open and closed draws: after a restart, and those another node opened. Finished ones leave memory. */
  private async refreshActive(): Promise<void> {
    const rows = await this.store.active();
    const seen = new Set<string>();
    for (const r of rows) {
      seen.add(r.id);
      if (!this.busy.has(r.id)) this.stateOf(r);
    }
    for (const [id, s] of this.states) if (!seen.has(id) && !this.busy.has(id) && s.status !== 'draft') this.states.delete(id);
  }

  private async state(drawId: string): Promise<DrawState | null> {
    const s = this.states.get(drawId);
    if (s) return s;
    let p = this.loading.get(drawId);
    if (!p) {
      p = this.store.find(drawId).then((row) => (row ? this.stateOf(row) : null));
      this.loading.set(drawId, p);
      void p.finally(() => this.loading.delete(drawId)).catch(() => undefined);
    }
    return p;
  }

  // --- entering ------------------------------------------------------------------------------------

  async enter(p: Participant, sessionId: string, drawId: string): Promise<ToolOutcome> {
    if (p.kind === 'guest') return { ok: false, code: 'GUEST', message: 'Sign in to enter the draw' };
    if (p.kind === 'team') return { ok: false, code: 'FORBIDDEN', message: 'Team members cannot enter draws' };
    const s = await this.state(drawId);
    if (!s || s.sessionId !== sessionId) return { ok: false, code: 'NOT_FOUND', message: 'Draw not found' };
    // Checked right before queueing (no await in between): a close that has begun refuses it.
    if (s.status !== 'open' || (s.closesAt !== null && this.now() >= s.closesAt)) return { ok: false, code: 'DRAW_NOT_OPEN', message: 'This draw is not open for entries' };
    if (s.phrase !== null) return { ok: false, code: 'PHRASE_REQUIRED', message: `Comment “${s.phrase}” in the chat to enter this draw` };
    const out = await this.writer.add(drawId, p.id, 'button');
    if (out === 'entered') {
      this.recordEntry(sessionId, drawId, p.id);
      return { ok: true };
    }
    if (out === 'closed') return { ok: false, code: 'DRAW_NOT_OPEN', message: 'This draw is not open for entries' };
    return { ok: false, code: 'ALREADY_ENTERED', message: 'You have already entered this draw' };
  }

  /** A signed-in viewer commenting an open draw's phrase (口令) enters it. */
  onComment(c: CommentSeen): void {
    if (c.senderKind !== 'viewer' || !c.senderId) return;
    const now = this.now();
    for (const s of this.states.values()) {
      if (s.sessionId !== c.sessionId || s.status !== 'open' || s.phrase === null) continue;
      if (s.closesAt !== null && now >= s.closesAt) continue;
      if (!commentMatchesPhrase(c.text, s.phrase)) continue;
      this.writer.add(s.id, c.senderId, 'phrase').then(
        (out) => {
          if (out === 'entered') this.recordEntry(c.sessionId, s.id, c.senderId);
        },
        (err: unknown) => this.d.onError(err, `draw ${s.id} phrase entry`),
      );
    }
  }

  /** Analytics: an entry once its row is stored (the entry writer answers after the commit). */
  private recordEntry(sessionId: string, drawId: string, viewerId: string): void {
    recordToolFact(this.d.analytics, { type: 'draw_entry', id: `entry:${drawId}:${viewerId}`, sessionId, viewerId, ref: drawId, at: this.now() });
  }

  async myEntries(sessionId: string, viewerId: string): Promise<string[]> {
    return this.store.myEntries(sessionId, viewerId);
  }

  // --- console ---------------------------------------------------------------------------------------

  private async row(sessionId: string, drawId: string): Promise<DrawRow> {
    const row = await this.store.find(drawId);
    if (!row || row.session_id !== sessionId) throw notFound('Draw');
    return row;
  }

  private wrongState(row: DrawRow): AppError {
    const w = WRONG_STATE[row.status];
    return new AppError('conflict', w.message, { code: w.code });
  }

  async create(ctx: Ctx, sessionId: string, body: CreateDrawBody): Promise<DrawDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const parsed = createDrawBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(issue.path.join('.') || 'body', issue.message);
    }
    const b = parsed.data;
    const session = await this.d.sessions.getInternal(sessionId);
    let label: string;
    let prizeRef: string | null = null;
    let points: number | null = null;
    switch (b.prize.kind) {
      case 'product': {
        const name = await this.d.rewards.productLabel(b.prize.productId);
        if (name === null) throw invalid('prize.productId', 'no such product');
        label = b.prize.label ?? name;
        prizeRef = b.prize.productId;
        break;
      }
      case 'coupon': {
        const name = await this.d.rewards.couponLabel(b.prize.templateId);
        if (name === null) throw invalid('prize.templateId', 'no such coupon template');
        label = b.prize.label ?? name;
        prizeRef = b.prize.templateId;
        break;
      }
      case 'points':
        label = b.prize.label ?? `${b.prize.points} points`;
        points = b.prize.points;
        break;
      case 'text':
        label = b.prize.label;
        break;
    }
    const now = this.nowIso();
    const id = this.d.ids();
    const row: DrawRow = {
      id,
      session_id: sessionId,
      brand_id: session.brandId,
      title: b.title,
      prize_kind: b.prize.kind,
      prize_ref: prizeRef,
      prize_points: points,
      prize_label: label,
      winner_count: b.winnerCount,
      entry_seconds: b.entrySeconds,
      rules: JSON.stringify(b.rules),
      claim_hours: b.claimHours,
      unclaimed: b.unclaimed,
      status: 'draft',
      seed_sealed: null,
      seed: null,
      commitment: null,
      entrants_hash: null,
      entrant_count: 0,
      drawn_places: 0,
      opened_at: null,
      closes_at: null,
      closed_at: null,
      drawn_at: null,
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
    };
    await this.d.db.transaction().execute(async (trx) => {
      await trx.insertInto('draws').values(row).execute();
      await this.d.audit.record(ctx, { action: 'draw.created', targetType: 'draw', targetId: id, after: { sessionId, title: b.title, prize: b.prize, winnerCount: b.winnerCount, entrySeconds: b.entrySeconds, rules: b.rules, claimHours: b.claimHours, unclaimed: b.unclaimed } }, trx);
    });
    return this.detail(row);
  }

  /** Opens entries: draws the secret seed, keeps it sealed and publishes its commitment. */
  async open(ctx: Ctx, sessionId: string, drawId: string): Promise<DrawDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const before = await this.row(sessionId, drawId);
    if (!FROM.open.includes(before.status)) throw this.wrongState(before);
    const seed = newSeed(this.d.random);
    const now = this.now();
    const set = {
      status: 'open' as const,
      seed_sealed: this.d.seal.seal(seed),
      commitment: commit(seed),
      opened_at: new Date(now).toISOString(),
      closes_at: new Date(now + before.entry_seconds * 1000).toISOString(),
      updated_at: new Date(now).toISOString(),
    };
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.transition(trx, drawId, FROM.open, set))) throw this.wrongState((await this.store.find(drawId, trx)) ?? before);
      await this.d.audit.record(ctx, { action: 'draw.opened', targetType: 'draw', targetId: drawId, before: { status: before.status }, after: { status: 'open', commitment: set.commitment, closesAt: set.closes_at } }, trx);
    });
    const row = { ...before, ...set };
    this.stateOf(row);
    await this.announce(row);
    return this.detail(row);
  }

  async close(ctx: Ctx, sessionId: string, drawId: string): Promise<DrawDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const before = await this.row(sessionId, drawId);
    if (!FROM.close.includes(before.status)) throw this.wrongState(before);
    return this.detail(await this.closeNow(ctx, drawId, 'operator'));
  }

  /** Draws now (closing entries first if they are still open). */
  async run(ctx: Ctx, sessionId: string, drawId: string): Promise<DrawDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const before = await this.row(sessionId, drawId);
    if (!FROM.run.includes(before.status)) throw this.wrongState(before);
    if (before.status === 'open' || before.entrants_hash === null) await this.closeNow(ctx, drawId, 'operator');
    return this.detail(await this.drawNow(ctx, drawId, 'operator'));
  }

  async cancel(ctx: Ctx, sessionId: string, drawId: string): Promise<DrawDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const before = await this.row(sessionId, drawId);
    if (!FROM.cancel.includes(before.status)) throw this.wrongState(before);
    const set = { status: 'cancelled' as const, updated_at: this.nowIso() };
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.transition(trx, drawId, FROM.cancel, set))) throw this.wrongState((await this.store.find(drawId, trx)) ?? before);
      await this.d.audit.record(ctx, { action: 'draw.cancelled', targetType: 'draw', targetId: drawId, before: { status: before.status }, after: { status: 'cancelled' } }, trx);
    });
    const row = { ...before, ...set };
    this.stateOf(row);
    if (before.status === 'open') await this.announce(row);
    return this.detail(row);
  }

  /**
   * Closes entries in two steps. First the status turns closed in the database: from that commit
   * on no node writes an entry (the entry writer inserts only into draws the database says are
   * open, holding the draw's row). Then the entrants are frozen (`freeze`). A crash between the
   * two leaves a closed draw without an entrants hash, which the clock freezes after the restart.
   */
  private async closeNow(ctx: Ctx, drawId: string, trigger: 'clock' | 'operator'): Promise<DrawRow> {
    return this.busy.run(drawId, () => new AppError('conflict', 'This draw is being closed right now', { code: 'DRAW_BUSY' }), async () => {
      try {
        const s = await this.state(drawId);
        // This node queues no entry from here on (enter checks the status just before queueing) ...
        if (s && s.status === 'open') s.status = 'closed';
        // ... and writes those already queued.
        await this.writer.flush();
        await this.publishDeltas();
        const before = await this.store.find(drawId);
        if (!before) throw notFound('Draw');
        if (before.status === 'open') {
          const nowIso = this.nowIso();
          if (!(await this.store.transition(this.d.db, drawId, FROM.close, { status: 'closed', closed_at: nowIso, updated_at: nowIso }))) {
            throw this.wrongState((await this.store.find(drawId)) ?? before);
          }
        } else if (!(before.status === 'closed' && before.entrants_hash === null)) throw this.wrongState(before);
        return await this.freeze(ctx, drawId, trigger);
      } catch (err) {
        // Not closed after all (refused, or failed): entering goes on as the database says.
        const again = await this.store.find(drawId).catch(() => undefined);
        if (again) this.stateOf(again);
        throw err;
      }
    });
  }

  /**
   * Freezes the entrants of a closed draw: each entrant's facts gathered, the eligible ones
   * (sorted) are the draw's entrant list; its hash is published before the seed is revealed.
   */
  private async freeze(ctx: Ctx, drawId: string, trigger: 'clock' | 'operator'): Promise<DrawRow> {
    const before = await this.store.find(drawId);
    if (!before) throw notFound('Draw');
    if (before.status !== 'closed' || before.entrants_hash !== null) throw this.wrongState(before);
    const rules = rulesOf(before);
    const now = this.now();
    const entries = await this.store.entries(drawId);
    const facts = await gatherFacts(
      this.d,
      this.watch,
      this.store,
      { sessionId: before.session_id, brandId: before.brand_id, rules, phrase: rules.phrase ?? null },
      entries.map((e) => ({ viewerId: e.viewer_id, via: e.via })),
      now,
    );
    const startedAt = await this.sessionStartedAt(before);
    const { eligible, rejected } = partitionEligible(rules, facts, { sessionStartedAt: startedAt, now });
    const list = canonicalEntrants(eligible);
    const set = { entrants_hash: hashEntrants(list), entrant_count: list.length, updated_at: new Date(now).toISOString() };
    await this.d.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('draws').set(set).where('id', '=', drawId).where('status', '=', 'closed').where('entrants_hash', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw this.wrongState((await this.store.find(drawId, trx)) ?? before);
      await this.store.markEligibility(trx, drawId, list, rejected);
      await this.d.audit.record(
        ctx,
        { action: 'draw.closed', targetType: 'draw', targetId: drawId, before: { status: 'open' }, after: { status: 'closed', trigger, entries: entries.length, eligible: list.length, entrantsHash: set.entrants_hash } },
        trx,
      );
    });
    // The frozen list as committed, for the draw a few seconds later on this node (no re-read and re-sort).
    this.frozen.set(drawId, { hash: set.entrants_hash, list });
    const row = { ...before, ...set };
    this.stateOf(row);
    await this.announce(row);
    return row;
  }

  /** "Account older than the session": the session's start is when it last went live, else its scheduled start. */
  private async sessionStartedAt(row: DrawRow): Promise<number> {
    const t = await this.d.sessions.liveTimes(row.session_id);
    const at = t.wentLiveAt ?? t.scheduledStart ?? row.opened_at ?? row.created_at;
    return Date.parse(at);
  }

  /** Computes the winners from the seed and the frozen list, reveals the seed, records the prizes. */
  private async drawNow(ctx: Ctx, drawId: string, trigger: 'clock' | 'operator'): Promise<DrawRow> {
    return this.busy.run(drawId, () => new AppError('conflict', 'This draw is being drawn right now', { code: 'DRAW_BUSY' }), async () => {
      const before = await this.store.find(drawId);
      if (!before) throw notFound('Draw');
      if (before.status !== 'closed') throw this.wrongState(before);
      if (before.entrants_hash === null) throw new AppError('conflict', 'The entrants of this draw are being frozen; try again in a moment', { code: 'DRAW_CLOSING' });
      if (!before.seed_sealed) throw new Error(`draw ${drawId}: closed without a sealed seed`);
      const seed = this.d.seal.open(before.seed_sealed);
      // The list frozen on this node when it still hashes to the published hash, else the stored one.
      const kept = this.frozen.get(drawId);
      this.frozen.delete(drawId);
      const entrants = kept && kept.hash === before.entrants_hash ? kept.list : canonicalEntrants(await this.store.eligibleIds(drawId));
      if (hashEntrants(entrants) !== before.entrants_hash) throw new Error(`draw ${drawId}: the eligible entries no longer hash to the published entrants hash`);
      const winners = drawWinners(seed, entrants, before.winner_count);
      const now = this.now();
      const nowIso = new Date(now).toISOString();
      const claimBy = needsAddress(before.prize_kind) ? new Date(now + before.claim_hours * HOUR_MS).toISOString() : null;
      const rows: DrawWinnersTable[] = winners.map((viewerId, place) => ({
        id: this.d.ids(),
        draw_id: drawId,
        brand_id: before.brand_id,
        session_id: before.session_id,
        viewer_id: viewerId,
        place,
        status: 'pending',
        won_at: nowIso,
        claim_by: claimBy,
        claimed_at: null,
        address_sealed: null,
        issued_ref: null,
        seen_at: null,
        note: null,
        updated_at: nowIso,
      }));
      const set = { status: 'drawn' as const, seed, seed_sealed: null, drawn_places: winners.length, drawn_at: nowIso, updated_at: nowIso };
      await this.d.db.transaction().execute(async (trx) => {
        if (!(await this.store.transition(trx, drawId, ['closed'], set))) throw this.wrongState((await this.store.find(drawId, trx)) ?? before);
        await this.store.insertWinners(trx, rows);
        await this.d.audit.record(
          ctx,
          { action: 'draw.drawn', targetType: 'draw', targetId: drawId, before: { status: 'closed' }, after: { status: 'drawn', trigger, seed, entrants: entrants.length, winners: winners.length } },
          trx,
        );
      });
      const row = { ...before, ...set };
      this.stateOf(row);
      await this.announce(row);
      if (!needsAddress(row.prize_kind)) this.creditInBackground(row, rows);
      return row;
    });
  }

  // --- prizes ----------------------------------------------------------------------------------------

  private creditInBackground(draw: DrawRow, winners: readonly WinnerRow[]): void {
    this.creditsQueued++;
    this.crediting = this.crediting
      .then(() => this.credit(draw, winners))
      .catch((err: unknown) => this.d.onError(err, `draw ${draw.id} credit`))
      .finally(() => this.creditsQueued--);
  }

  /** Coupons and points go straight to the winner's account (idempotent per ref, so a retry after a crash issues nothing twice). */
  private async credit(draw: DrawRow, winners: readonly WinnerRow[]): Promise<void> {
    for (const w of winners) {
      let issuedRef: string | null = null;
      let note: string | null = null;
      if (draw.prize_kind === 'coupon' && draw.prize_ref) {
        const r = await this.d.rewards.issueCoupon(draw.prize_ref, w.viewer_id, draw.id);
        if (r.ok) issuedRef = r.couponId ?? `coupon:draw:${draw.id}`;
        else if (r.reason === 'ALREADY_ISSUED') issuedRef = `coupon:draw:${draw.id}`;
        else note = `coupon not issued: ${r.reason}`;
      } else if (draw.prize_kind === 'points' && draw.prize_points) {
        const ref = `draw:${draw.id}:${w.place}`;
        try {
          await this.d.rewards.grantPoints(w.viewer_id, draw.prize_points, 'draw prize', ref);
          issuedRef = ref;
        } catch (err) {
          note = `points not credited: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
        }
      } else continue;
      const nowIso = this.nowIso();
      if (issuedRef) await this.d.db.updateTable('draw_winners').set({ status: 'issued', issued_ref: issuedRef, updated_at: nowIso }).where('id', '=', w.id).where('status', '=', 'pending').execute();
      else {
        // Left pending with the reason for the operator; the sweep does not retry a refusal.
        await this.d.db.updateTable('draw_winners').set({ note, updated_at: nowIso }).where('id', '=', w.id).execute();
        this.d.onError(new Error(`draw ${draw.id} place ${w.place}: ${note}`), 'draw prize');
      }
    }
  }

  /** Unclaimed prizes past their deadline (redraw or lapse, audited) and credits a crash interrupted. */
  private async sweepPrizes(now: number): Promise<void> {
    const nowIso = new Date(now).toISOString();
    const byDraw = new Map<string, WinnerRow[]>();
    for (const w of await this.store.expiredClaims(nowIso)) byDraw.set(w.draw_id, [...(byDraw.get(w.draw_id) ?? []), w]);
    for (const [drawId, ws] of byDraw) {
      try {
        await this.expire(drawId, ws);
      } catch (err) {
        this.d.onError(err, `draw ${drawId} unclaimed prizes`);
      }
    }
    // Credits still running would be picked up again (harmless, idempotent per ref, but wasted).
    if (this.creditsQueued > 0) return;
    const unissued = new Map<string, WinnerRow[]>();
    for (const w of await this.store.unissued()) unissued.set(w.draw_id, [...(unissued.get(w.draw_id) ?? []), w]);
    for (const [drawId, ws] of unissued) {
      const draw = await this.store.find(drawId);
      if (draw && !needsAddress(draw.prize_kind)) this.creditInBackground(draw, ws);
    }
  }

  /**
   * A draw's prizes nobody claimed by the deadline, in one pass: each lapses, or (rule `redraw`)
   * goes to the next places of the same shuffled list (extending the shuffle leaves its first
   * places unchanged, so earlier winners keep theirs), with a new deadline. Each is audited.
   */
  private async expire(drawId: string, expired: readonly WinnerRow[]): Promise<void> {
    const ctx = systemCtx('interact');
    const draw = await this.store.find(drawId);
    if (!draw || !draw.seed) return;
    const nowIso = this.nowIso();
    // Places 0..drawn_places-1 of the shuffle are the winners so far, so the next places are
    // nobody who won this draw; the `taken` check is a guard, not a case that happens.
    let next: string[] = [];
    const firstPlace = draw.drawn_places;
    if (draw.unclaimed === 'redraw') {
      const entrants = canonicalEntrants(await this.store.eligibleIds(draw.id));
      const taken = new Set((await this.store.winners(draw.id)).map((x) => x.viewer_id));
      const upTo = Math.min(entrants.length, draw.drawn_places + expired.length);
      next = drawWinners(draw.seed, entrants, upTo).slice(draw.drawn_places);
      if (next.some((v) => taken.has(v))) throw new Error(`draw ${draw.id}: the extended shuffle repeats a winner`);
    }
    await this.d.db.transaction().execute(async (trx) => {
      const fresh: DrawWinnersTable[] = [];
      const claimBy = new Date(this.now() + draw.claim_hours * HOUR_MS).toISOString();
      let given = 0;
      for (const w of expired) {
        const to = next[given] ?? null;
        const r = await trx
          .updateTable('draw_winners')
          .set({ status: to ? 'redrawn' : 'lapsed', note: to ? `not claimed by the deadline; redrawn to place ${firstPlace + given}` : draw.unclaimed === 'redraw' ? 'not claimed by the deadline; nobody left to redraw' : 'not claimed by the deadline', updated_at: nowIso })
          .where('id', '=', w.id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        // Claimed at the last moment: it stays claimed.
        if (Number(r.numUpdatedRows) !== 1) continue;
        if (to) {
          const place = firstPlace + given++;
          fresh.push({ id: this.d.ids(), draw_id: draw.id, brand_id: draw.brand_id, session_id: draw.session_id, viewer_id: to, place, status: 'pending', won_at: nowIso, claim_by: claimBy, claimed_at: null, address_sealed: null, issued_ref: null, seen_at: null, note: `redrawn for place ${w.place}`, updated_at: nowIso });
          await this.d.audit.record(ctx, { action: 'draw.prize_redrawn', targetType: 'draw', targetId: draw.id, before: { prize: w.id, viewer: w.viewer_id, place: w.place, status: 'pending', claimBy: w.claim_by }, after: { status: 'redrawn', winner: to, place } }, trx);
        } else {
          await this.d.audit.record(ctx, { action: 'draw.prize_lapsed', targetType: 'draw', targetId: draw.id, before: { prize: w.id, viewer: w.viewer_id, place: w.place, status: 'pending', claimBy: w.claim_by }, after: { status: 'lapsed', rule: draw.unclaimed } }, trx);
        }
      }
      if (fresh.length > 0) {
        const moved = await trx.updateTable('draws').set({ drawn_places: firstPlace + fresh.length, updated_at: nowIso }).where('id', '=', draw.id).where('drawn_places', '=', draw.drawn_places).executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new AppError('conflict', 'Another node redrew this draw at the same moment', { code: 'DRAW_BUSY' });
        await this.store.insertWinners(trx, fresh);
      }
    });
    const row = await this.store.find(draw.id);
    if (row) await this.announce(row);
  }

  async myPrizes(viewerId: string): Promise<{ items: PrizeItem[]; unseen: number }> {
    const [rows, unseen] = await Promise.all([this.store.prizesOf(viewerId), this.store.unseenCount(viewerId)]);
    return {
      unseen,
      items: rows.map((r) => ({
        id: r.id,
        drawId: r.draw_id,
        drawTitle: r.title,
        sessionId: r.session_id,
        prize: { kind: r.prize_kind, label: r.prize_label },
        status: r.status,
        wonAt: r.won_at,
        claimBy: r.claim_by,
        claimedAt: r.claimed_at,
        needsAddress: needsAddress(r.prize_kind) && r.status === 'pending',
        seen: r.seen_at !== null,
      })),
    };
  }

  async markSeen(viewerId: string): Promise<void> {
    await this.d.db.updateTable('draw_winners').set({ seen_at: this.nowIso() }).where('viewer_id', '=', viewerId).where('seen_at', 'is', null).execute();
  }

  /** The winner gives a shipping address before the deadline (product and text prizes). */
  async claim(viewerId: string, prizeId: string, address: AddressInput, ctx: Ctx = systemCtx('interact')): Promise<PrizeItem> {
    const w = await this.d.db.selectFrom('draw_winners').selectAll().where('id', '=', prizeId).executeTakeFirst();
    if (!w || w.viewer_id !== viewerId) throw notFound('Prize');
    const draw = await this.store.find(w.draw_id);
    if (!draw) throw notFound('Prize');
    if (!needsAddress(draw.prize_kind)) throw new AppError('conflict', 'This prize was credited to your account; there is nothing to claim', { code: 'NOTHING_TO_CLAIM' });
    const sealed = this.d.seal.seal(JSON.stringify(address));
    if (w.status === 'claimed') {
      const same = w.address_sealed !== null && this.d.seal.open(w.address_sealed) === JSON.stringify(address);
      if (!same) throw new AppError('conflict', 'This prize has already been claimed with another address', { code: 'ALREADY_CLAIMED' });
    } else {
      const nowIso = this.nowIso();
      if (w.status !== 'pending' || (w.claim_by !== null && nowIso >= w.claim_by)) throw new AppError('conflict', 'The deadline to claim this prize has passed', { code: 'CLAIM_CLOSED' });
      await this.d.db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('draw_winners')
          .set({ status: 'claimed', address_sealed: sealed, claimed_at: nowIso, seen_at: w.seen_at ?? nowIso, updated_at: nowIso })
          .where('id', '=', prizeId)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) throw new AppError('conflict', 'This prize is no longer waiting for a claim', { code: 'CLAIM_CLOSED' });
        await this.d.audit.record(
          ctx,
          { action: 'draw.prize_claimed', targetType: 'draw', targetId: draw.id, before: { prize: prizeId, status: 'pending' }, after: { status: 'claimed', viewer: viewerId } },
          trx,
        );
      });
    }
    const items = (await this.myPrizes(viewerId)).items;
    const item = items.find((i) => i.id === prizeId);
    if (!item) throw notFound('Prize');
    return item;
  }

  /** Every winner of a draw for the console; the shipping address only for fulfilment. */
  async winners(ctx: Ctx, sessionId: string, drawId: string): Promise<WinnersReply> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.row(sessionId, drawId);
    const rows = await this.store.winners(drawId);
    const names = await this.d.viewers.names(rows.map((r) => r.viewer_id));
    const mayShip = ctx.actor.kind === 'system' || (ctx.actor.kind === 'team' && ctx.actor.permissions.includes('fulfilment:write'));
    return {
      items: rows.map((r) => ({
        id: r.id,
        viewerId: r.viewer_id,
        name: names.get(r.viewer_id) ?? 'Viewer',
        place: r.place,
        status: r.status,
        wonAt: r.won_at,
        claimBy: r.claim_by,
        claimedAt: r.claimed_at,
        address: mayShip && r.address_sealed ? (JSON.parse(this.d.seal.open(r.address_sealed)) as AddressInput) : null,
        hasAddress: r.address_sealed !== null,
        issuedRef: r.issued_ref,
        note: r.note,
      })),
    };
  }

  // --- what the room, the console and the public see ----------------------------------------------------

  private async view(row: DrawRow, entrantsOverride?: number): Promise<DrawView> {
    const rules = rulesOf(row);
    let winners: { id: string; name: string }[] = [];
    let winnersTotal = 0;
    if (row.status === 'drawn') {
      const holding = (await this.store.winners(row.id)).filter((w) => w.status !== 'redrawn' && w.status !== 'lapsed');
      winnersTotal = holding.length;
      const shown = holding.slice(0, ROOM_WINNERS_SHOWN);
      const names = await this.d.viewers.names(shown.map((w) => w.viewer_id));
      winners = shown.map((w) => ({ id: w.viewer_id, name: names.get(w.viewer_id) ?? 'Viewer' }));
    }
    let entrants = entrantsOverride ?? row.entrant_count;
    // Until the list is frozen (and for a cancelled draw, which never froze one) the count is every entry.
    const counting = row.status !== 'drawn' && !(row.status === 'closed' && row.entrants_hash !== null);
    if (entrantsOverride === undefined && counting) entrants = (await this.store.entryCounts([row.id])).get(row.id) ?? 0;
    return {
      id: row.id,
      title: row.title,
      prize: { kind: row.prize_kind, label: row.prize_label },
      winnerCount: row.winner_count,
      status: row.status,
      phrase: rules.phrase ?? null,
      rules: ruleRegistry.filter((r) => r.applies(rules)).map((r) => r.code),
      closesAt: ms(row.closes_at),
      commitment: row.commitment,
      entrantsHash: row.entrants_hash,
      seed: row.status === 'drawn' ? row.seed : null,
      entrants,
      winners,
      winnersTotal,
    };
  }

  private async announce(row: DrawRow): Promise<void> {
    await this.d.publish(row.session_id, { t: 'draw', draw: await this.view(row), now: this.now() });
  }

  async snapshotInto(sessionId: string, tools: RoomTools): Promise<void> {
    const rows = (await this.store.listBySession(sessionId)).filter((r) => r.status !== 'draft');
    const live = rows.filter((r) => r.status === 'open' || r.status === 'closed');
    const ended = rows.filter((r) => r.status === 'drawn').slice(-ROOM_TOOLS_KEPT);
    const shown = rows.filter((r) => live.includes(r) || ended.includes(r));
    const counting = (r: DrawRow) => r.status === 'open' || (r.status === 'closed' && r.entrants_hash === null);
    const counts = await this.store.entryCounts(shown.filter(counting).map((r) => r.id));
    // Open: every entry so far (the next draw.entries carries the stored total, so nothing counts twice); after close: the eligible.
    for (const r of shown) tools.draws.push(await this.view(r, counting(r) ? (counts.get(r.id) ?? 0) : r.entrant_count));
  }

  private async detail(row: DrawRow): Promise<DrawDetail> {
    const [v, entries, claims] = await Promise.all([this.view(row), this.store.entryCounts([row.id]), this.store.claimCounts([row.id])]);
    return {
      ...v,
      entrySeconds: row.entry_seconds,
      ruleSet: rulesOf(row),
      claimHours: row.claim_hours,
      unclaimed: row.unclaimed,
      prizeRef: row.prize_ref,
      prizePoints: row.prize_points,
      entries: entries.get(row.id) ?? 0,
      claims: claims.get(row.id) ?? { pending: 0, claimed: 0, issued: 0, lapsed: 0, redrawn: 0 },
      createdAt: row.created_at,
      openedAt: row.opened_at,
      closedAt: row.closed_at,
      drawnAt: row.drawn_at,
    };
  }

  async listDetails(sessionId: string): Promise<DrawDetail[]> {
    const rows = await this.store.listBySession(sessionId);
    const out: DrawDetail[] = [];
    for (const r of rows) out.push(await this.detail(r));
    return out;
  }

  /** The public verification page's data (drafts are not public yet). */
  async publicDraw(drawId: string): Promise<PublicDrawReply> {
    const row = await this.store.find(drawId);
    if (!row || row.status === 'draft') throw notFound('Draw');
    const [v, session, winnerRows] = await Promise.all([this.view(row), this.d.sessions.getInternal(row.session_id), this.store.winners(drawId)]);
    const names = await this.d.viewers.names(winnerRows.map((w) => w.viewer_id));
    return {
      draw: v,
      sessionId: row.session_id,
      sessionTitle: session.title,
      ruleSet: rulesOf(row),
      openedAt: row.opened_at,
      closedAt: row.closed_at,
      drawnAt: row.drawn_at,
      winners: winnerRows.map((w) => ({ id: w.viewer_id, name: names.get(w.viewer_id) ?? 'Viewer', place: w.place })),
      record: row.status === 'drawn' ? await this.recordOf(row) : null,
    };
  }

  /** The published record `onair verify-draw` checks. */
  async record(drawId: string): Promise<DrawRecord> {
    const row = await this.store.find(drawId);
    if (!row || row.status === 'draft') throw notFound('Draw');
    if (row.status !== 'drawn') throw new AppError('conflict', 'This draw has not been drawn yet; its seed is revealed with the winners', { code: 'DRAW_NOT_DRAWN' });
    return this.recordOf(row);
  }

  private async recordOf(row: DrawRow): Promise<DrawRecord> {
    // A drawn draw's record never changes (a redraw extends the list past its first winnerCount):
    // kept, so a popular verification page does not re-read and re-sort 10,000 entrants per visit.
    const kept = this.records.get(row.id);
    if (kept) return kept;
    const record = await this.readRecord(row);
    if (row.status === 'drawn') {
      if (this.records.size >= KEPT_RECORDS) this.records.delete(this.records.keys().next().value!);
      this.records.set(row.id, record);
    }
    return record;
  }

  private async readRecord(row: DrawRow): Promise<DrawRecord> {
    const entrants = canonicalEntrants(await this.store.eligibleIds(row.id));
    const k = Math.min(row.winner_count, entrants.length);
    const winners = (await this.store.winners(row.id)).filter((w) => w.place < k).map((w) => w.viewer_id);
    return {
      version: 1,
      drawId: row.id,
      sessionId: row.session_id,
      algorithm: DRAW_ALGORITHM,
      commitment: row.commitment!,
      seed: row.seed,
      entrantsHash: row.entrants_hash!,
      entrants,
      winnerCount: row.winner_count,
      winners,
    };
  }
}
