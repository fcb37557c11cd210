import type { CreatePollBody, PollDetail } from '../../../contracts/interact.contract.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import type { PollView, RoomTools } from '../../../contracts/room-tools.contract.js';
import { ROOM_TOOLS_KEPT } from '../../../contracts/room-tools.reducer.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import { Poll, validateDefinition, PollError } from './core/poll.js';
import { InProgress } from './in-progress.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';
import { PollsStore, decodeChoices, encodeChoices, voteKey, type PollRow, type PollVoteRow } from './polls.store.js';
import { recordToolFact } from './tool-analytics.js';
import { VoteWriter } from './vote-writer.js';

/** A poll this node has in memory (open, or closed with deltas still to tell the room). */
interface LivePoll {
  poll: Poll;
  row: PollRow;
  /** The status the database has, as far as this node knows. */
  persisted: PollRow['status'];
  /** Per option, votes accepted here whose row is not yet committed (held out of the drain). */
  pending: number[];
  pendingVoters: number;
  /** What this node has told the room (its drained mark, and voters). */
  told: number[];
  toldVoters: number;
}

const SESSION_OVER = new Set(['ended', 'archived']);
const sameCounts = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * Polls (issue 6 items 2 and 10). The state machine is core/poll.ts; this service keeps each open
 * poll in memory for the votes' synchronous one-per-account check, makes every accepted vote
 * durable before its ack (a group-committed insert whose primary key refuses a second vote on
 * any node), persists each transition with an audit row, and tells the room per tick.
 *
 * Counts the room sees are of committed votes only: each tick's `poll.tally` carries this node's
 * change (a vote still being written is held out of the drain, so a vote undone because another
 * node recorded the account first is never told) and the totals counted in poll_votes, which the
 * hub keeps monotonic; the snapshot counts from poll_votes too (right after a restart as well).
 *
 * Several nodes: each node's tick closes its polls by the clock (the conditional update makes one
 * node announce it), reads the status of its open polls from the database (an operator's close on
 * another node stops votes here at the next tick), and publishes the deltas of its own votes.
 */
export class PollsService implements RoomTool {
  private readonly store: PollsStore;
  private readonly live = new Map<string, LivePoll>();
  /** Polls an operator is closing right now (the clock leaves those to the request). */
  private readonly closing = new InProgress();
  private readonly loading = new Map<string, Promise<LivePoll | PollRow | null>>();
  readonly writer: VoteWriter<PollVoteRow>;

  constructor(private readonly d: InteractDeps) {
    this.store = new PollsStore(d.db);
    this.writer = new VoteWriter<PollVoteRow>({ write: (rows) => this.store.insertVotes(rows), keyOf: (r) => voteKey(r.poll_id, r.viewer_id) });
  }

  private readonly nowMs = (): number => this.d.clock.now().getTime();

  async start(): Promise<void> {
    for (const row of await this.store.listOpen()) {
      if (!this.live.has(row.id)) this.live.set(row.id, await this.load(row));
    }
  }

  async stop(): Promise<void> {
    await this.writer.flush();
  }

  async tick(_now: number): Promise<void> {
    if (this.live.size === 0) return;
    // Closed elsewhere (an operator on another node): stop taking votes here.
    const openHere = [...this.live.values()].filter((l) => l.persisted === 'open');
    for (const s of await this.store.statusOf(openHere.map((l) => l.row.id))) {
      const l = this.live.get(s.id);
      if (l && s.status === 'closed' && l.persisted === 'open') {
        l.persisted = 'closed';
        if (l.poll.currentStatus() === 'open') l.poll.close();
      }
    }
    for (const l of [...this.live.values()]) {
      try {
        await this.drainInto(l);
        // An operator's close in progress persists (and audits) itself: the clock must not take it over.
        if (l.persisted === 'open' && l.poll.currentStatus() === 'closed' && !this.closing.has(l.row.id)) await this.persistClose(systemCtx('interact'), l);
        if (l.persisted === 'closed' && l.pendingVoters === 0 && sameCounts(l.told, l.poll.tallies())) this.live.delete(l.row.id);
      } catch (err) {
        this.d.onError(err, `poll ${l.row.id} tick`);
      }
    }
  }

  async snapshotInto(sessionId: string, tools: RoomTools): Promise<void> {
    const rows = (await this.store.listBySession(sessionId)).filter((r) => r.status !== 'draft');
    const open = rows.filter((r) => r.status === 'open');
    const closed = rows
      .filter((r) => r.status === 'closed')
      .sort((a, b) => ((a.closed_at ?? '') < (b.closed_at ?? '') ? -1 : 1))
      .slice(-ROOM_TOOLS_KEPT);
    const shown = [...closed, ...open].sort((a, b) => ((a.opens_at ?? '') < (b.opens_at ?? '') ? -1 : (a.opens_at ?? '') > (b.opens_at ?? '') ? 1 : 0));
    const counts = await this.counts(shown.map((r) => r.id));
    // Counted in the database (every node's committed votes); tally events carry the same totals.
    tools.polls = shown.map((r) => {
      const c = counts.get(r.id) ?? { tally: [], voters: 0 };
      return this.view(r, c.tally, c.voters, this.live.get(r.id)?.poll.currentStatus());
    });
  }

  async vote(p: Participant, sessionId: string, pollId: string, choices: number[]): Promise<ToolOutcome> {
    if (p.kind === 'guest') return { ok: false, code: 'GUEST', message: 'Sign in to vote' };
    if (p.kind === 'team') return { ok: false, code: 'FORBIDDEN', message: 'The team does not vote' };
    const l = await this.ensureLive(pollId);
    if (!l || (!('poll' in l) && l.session_id !== sessionId) || ('poll' in l && l.row.session_id !== sessionId)) return { ok: false, code: 'NOT_FOUND', message: 'No such poll in this room' };
    if (!('poll' in l)) {
      return l.status === 'draft' ? { ok: false, code: 'NOT_OPEN', message: 'The poll has not opened yet' } : { ok: false, code: 'CLOSED', message: 'The poll is closed' };
    }
    // From here to the submit nothing awaits: one account's two votes cannot both pass on this node.
    const r = l.poll.vote({ kind: 'account', accountId: p.id }, choices);
    if (!r.ok) return { ok: false, code: r.code, message: r.reason };
    for (const c of r.choices) l.pending[c] = (l.pending[c] ?? 0) + 1;
    l.pendingVoters++;
    const settle = () => {
      for (const c of r.choices) l.pending[c] = (l.pending[c] ?? 0) - 1;
      l.pendingVoters--;
    };
    let inserted: boolean;
    try {
      inserted = await this.writer.submit({ poll_id: pollId, viewer_id: p.id, choices: encodeChoices(r.choices), voted_at: this.d.clock.now().toISOString() });
    } catch (err) {
      settle();
      l.poll.retract(p.id);
      throw err;
    }
    settle();
    if (!inserted) {
      l.poll.retract(p.id);
      return { ok: false, code: 'ALREADY_VOTED', message: 'this account has already voted' };
    }
    // The writer answered after the commit.
    recordToolFact(this.d.analytics, { type: 'poll_vote', id: `vote:${pollId}:${p.id}`, sessionId, viewerId: p.id, ref: pollId, at: this.d.clock.now().getTime() });
    return { ok: true };
  }

  async listDetails(sessionId: string): Promise<PollDetail[]> {
    const rows = await this.store.listBySession(sessionId);
    const counts = await this.counts(rows.map((r) => r.id));
    return rows.map((r) => this.detail(r, counts.get(r.id)));
  }

  async myVotes(sessionId: string, viewerId: string): Promise<Record<string, number[]>> {
    const out: Record<string, number[]> = {};
    for (const v of await this.store.myVotes(sessionId, viewerId)) out[v.poll_id] = decodeChoices(v.choices);
    return out;
  }

  async create(ctx: Ctx, sessionId: string, body: CreatePollBody): Promise<PollDetail> {
    requirePermission(ctx.actor, 'interact:run');
    await this.sessionOpen(sessionId);
    const id = this.d.ids();
    const def = { id, question: body.question, kind: body.kind, options: body.options, durationMs: body.durationSeconds * 1000 };
    try {
      validateDefinition(def);
    } catch (err) {
      if (err instanceof PollError) throw new AppError('validation', err.message, { code: 'VALIDATION' });
      throw err;
    }
    const now = this.d.clock.now().toISOString();
    const row: PollRow = {
      id,
      session_id: sessionId,
      question: body.question,
      kind: body.kind,
      options: JSON.stringify(body.options),
      duration_ms: def.durationMs,
      status: 'draft',
      opens_at: null,
      closed_at: null,
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
    };
    await this.d.db.transaction().execute(async (trx) => {
      await this.store.insert(trx, row);
      await this.d.audit.record(ctx, { action: 'poll.created', targetType: 'poll', targetId: id, after: { sessionId, question: body.question, kind: body.kind, options: body.options, durationSeconds: body.durationSeconds } }, trx);
    });
    return this.detail(row, undefined);
  }

  async open(ctx: Ctx, sessionId: string, pollId: string): Promise<PollDetail> {
    requirePermission(ctx.actor, 'interact:run');
    await this.sessionOpen(sessionId);
    const row = await this.rowOf(sessionId, pollId);
    if (row.status !== 'draft') throw new AppError('conflict', `This poll is ${row.status}; only a draft poll opens`, { code: 'POLL_NOT_DRAFT' });
    const poll = Poll.fromState(this.stateOf(row, []), this.nowMs);
    poll.open();
    const opensAt = new Date(this.nowMs()).toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.setStatusIf(trx, pollId, 'draft', { status: 'open', opens_at: opensAt }, opensAt)))
        throw new AppError('conflict', 'The poll changed meanwhile; reload and try again', { code: 'POLL_NOT_DRAFT' });
      await this.d.audit.record(ctx, { action: 'poll.opened', targetType: 'poll', targetId: pollId, before: { status: 'draft' }, after: { status: 'open', opensAt } }, trx);
    });
    const opened: PollRow = { ...row, status: 'open', opens_at: opensAt, updated_at: opensAt };
    const zero = poll.tallies();
    this.live.set(pollId, { poll, row: opened, persisted: 'open', pending: zero.map(() => 0), pendingVoters: 0, told: zero, toldVoters: 0 });
    await this.publish(sessionId, { t: 'poll', poll: this.view(opened, zero, 0, 'open'), now: this.nowMs() });
    return this.detail(opened, { tally: zero, voters: 0 });
  }

  async close(ctx: Ctx, sessionId: string, pollId: string): Promise<PollDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const row = await this.rowOf(sessionId, pollId);
    if (row.status === 'draft') throw new AppError('conflict', 'This poll has not opened yet; delete it instead', { code: 'POLL_NOT_OPEN' });
    if (row.status === 'closed') throw new AppError('conflict', 'This poll is already closed', { code: 'POLL_CLOSED' });
    return this.closing.run(pollId, () => new AppError('conflict', 'This poll is being closed right now', { code: 'POLL_CLOSED' }), async () => {
      const l = this.live.get(pollId) ?? (await this.load(row));
      this.live.set(pollId, l);
      if (l.poll.currentStatus() === 'open') l.poll.close();
      // The votes still being written are committed before the close, and told with it.
      await this.writer.flush();
      await this.drainInto(l);
      const closed = await this.persistClose(ctx, l);
      if (!closed) throw new AppError('conflict', 'This poll is already closed', { code: 'POLL_CLOSED' });
      return closed;
    });
  }

  async remove(ctx: Ctx, sessionId: string, pollId: string): Promise<void> {
    requirePermission(ctx.actor, 'interact:run');
    const row = await this.rowOf(sessionId, pollId);
    if (row.status !== 'draft') throw new AppError('conflict', `This poll is ${row.status}; only a draft poll can be deleted (results are kept)`, { code: 'POLL_NOT_DRAFT' });
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.deleteDraft(trx, pollId))) throw new AppError('conflict', 'The poll changed meanwhile; reload and try again', { code: 'POLL_NOT_DRAFT' });
      await this.d.audit.record(ctx, { action: 'poll.deleted', targetType: 'poll', targetId: pollId, before: { question: row.question, status: 'draft' } }, trx);
    });
  }

  // --- internals ----------------------------------------------------------------------------

  /**
   * Tells the room this node's committed votes since its last drain: the change, and the totals
   * as stored (every node's votes; the hub keeps the highest, so nothing is counted twice).
   */
  private async drainInto(l: LivePoll): Promise<void> {
    const t = l.poll.drain(l.pending);
    if (!t) return;
    const voters = l.poll.voterCount() - l.pendingVoters;
    const dv = voters - l.toldVoters;
    l.told = t.tally;
    l.toldVoters = voters;
    const stored = (await this.counts([l.row.id])).get(l.row.id) ?? { tally: [], voters: 0 };
    const tally = t.tally.map((_, i) => stored.tally[i] ?? 0);
    await this.publish(l.row.session_id, { t: 'poll.tally', id: l.row.id, delta: t.delta, dv, tally, voters: stored.voters });
  }

  /** Writes the close (once across nodes) with its audit row, then announces it. Null when another node or request closed it first. */
  private async persistClose(ctx: Ctx, l: LivePoll): Promise<PollDetail | null> {
    const st = l.poll.toState();
    const closedAt = new Date(st.closedAtMs ?? this.nowMs()).toISOString();
    const done = await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.setStatusIf(trx, l.row.id, 'open', { status: 'closed', closed_at: closedAt }, this.d.clock.now().toISOString()))) return false;
      await this.d.audit.record(ctx, { action: 'poll.closed', targetType: 'poll', targetId: l.row.id, before: { status: 'open' }, after: { status: 'closed', closedAt, by: ctx.actor.kind === 'system' ? 'clock' : 'operator' } }, trx);
      return true;
    });
    l.persisted = 'closed';
    if (!done) return null;
    l.row = { ...l.row, status: 'closed', closed_at: closedAt };
    const c = (await this.counts([l.row.id])).get(l.row.id);
    const zero = l.poll.tallies().map(() => 0);
    await this.publish(l.row.session_id, { t: 'poll', poll: this.view(l.row, c?.tally ?? zero, c?.voters ?? 0, 'closed'), now: this.nowMs() });
    return this.detail(l.row, c);
  }

  private async ensureLive(pollId: string): Promise<LivePoll | PollRow | null> {
    const have = this.live.get(pollId);
    if (have) return have;
    let p = this.loading.get(pollId);
    if (!p) {
      p = (async () => {
        const row = await this.store.find(pollId);
        if (!row || row.status !== 'open') return row ?? null;
        const again = this.live.get(pollId);
        if (again) return again;
        const l = await this.load(row);
        const raced = this.live.get(pollId);
        if (raced) return raced;
        this.live.set(pollId, l);
        return l;
      })().finally(() => this.loading.delete(pollId));
      this.loading.set(pollId, p);
    }
    return p;
  }

  /** Rebuilds an open poll from its rows: every committed vote counts, and is taken as told (the snapshot carries it). */
  private async load(row: PollRow): Promise<LivePoll> {
    const votes = await this.store.votes(row.id);
    const poll = Poll.fromState(this.stateOf(row, votes), this.nowMs);
    const tally = poll.tallies();
    return { poll, row, persisted: row.status, pending: tally.map(() => 0), pendingVoters: 0, told: tally, toldVoters: poll.voterCount() };
  }

  private stateOf(row: PollRow, votes: readonly PollVoteRow[]) {
    const options = JSON.parse(row.options) as string[];
    const tally = options.map(() => 0);
    const list = votes.map((v) => ({ accountId: v.viewer_id, choices: decodeChoices(v.choices), atMs: Date.parse(v.voted_at) }));
    for (const v of list) for (const c of v.choices) tally[c] = (tally[c] ?? 0) + 1;
    return {
      id: row.id,
      question: row.question,
      kind: row.kind,
      options,
      durationMs: row.duration_ms,
      status: row.status,
      opensAtMs: row.opens_at ? Date.parse(row.opens_at) : null,
      closedAtMs: row.closed_at ? Date.parse(row.closed_at) : null,
      votes: list,
      drained: tally,
    };
  }

  private async counts(ids: readonly string[]): Promise<Map<string, { tally: number[]; voters: number }>> {
    const groups = await this.store.tallies(ids);
    const out = new Map<string, { tally: number[]; voters: number }>();
    for (const [id, list] of groups) {
      const tally: number[] = [];
      let voters = 0;
      for (const g of list) {
        voters += g.n;
        for (const c of g.choices) tally[c] = (tally[c] ?? 0) + g.n;
      }
      out.set(id, { tally, voters });
    }
    return out;
  }

  private view(row: PollRow, tally: readonly number[], voters: number, status?: PollRow['status']): PollView {
    const options = JSON.parse(row.options) as string[];
    const closesAt = row.opens_at ? Date.parse(row.opens_at) + row.duration_ms : null;
    // A poll past its end reads closed even before a tick has written it.
    const st = status ?? (row.status === 'open' && closesAt !== null && this.nowMs() >= closesAt ? 'closed' : row.status);
    return { id: row.id, question: row.question, kind: row.kind, options, status: st, closesAt, tally: options.map((_, i) => tally[i] ?? 0), voters };
  }

  private detail(row: PollRow, c: { tally: number[]; voters: number } | undefined): PollDetail {
    return {
      ...this.view(row, c?.tally ?? [], c?.voters ?? 0),
      durationSeconds: Math.round(row.duration_ms / 1000),
      createdAt: row.created_at,
      openedAt: row.opens_at,
      closedAt: row.closed_at,
    };
  }

  private async rowOf(sessionId: string, pollId: string): Promise<PollRow> {
    await this.d.sessions.getInternal(sessionId);
    const row = await this.store.find(pollId);
    if (!row || row.session_id !== sessionId) throw notFound('Poll');
    return row;
  }

  private async sessionOpen(sessionId: string): Promise<void> {
    const s = await this.d.sessions.getInternal(sessionId);
    if (SESSION_OVER.has(s.status)) throw new AppError('conflict', `An ${s.status} session can no longer run polls`, { code: 'SESSION_ENDED' });
  }

  private async publish(sessionId: string, e: RoomEventPayload): Promise<void> {
    try {
      await this.d.publish(sessionId, e);
    } catch (err) {
      this.d.onError(err, 'poll publish');
    }
  }
}
