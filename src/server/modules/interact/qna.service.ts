import type { Kysely } from 'kysely';
import { submitQuestionBody } from '../../../contracts/interact.contract.js';
import type { QuestionView, RoomTools } from '../../../contracts/room-tools.contract.js';
import { orderQuestions } from '../../../contracts/room-tools.reducer.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import { decideSubmission, defaultQuestionRateLimit, type RateLimit } from './core/qna.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';
import { QnaStore, type QuestionRow } from './qna.store.js';
import { recordToolFact } from './tool-analytics.js';

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** What the room sees of a question (never whether it was held: held ones are not shown). */
export function roomView(r: QuestionRow): QuestionView {
  return {
    id: r.id,
    uid: r.viewer_id,
    name: r.viewer_name,
    text: r.text,
    status: r.status,
    upvotes: Number(r.upvotes),
    answerText: r.answer_text,
    askedAt: Date.parse(r.asked_at),
    answeredAt: ms(r.answered_at),
  };
}
const consoleView = (r: QuestionRow): QuestionView => ({ ...roomView(r), held: Number(r.held) === 1 });

const rank = (q: QuestionView): number => (q.status === 'answering' ? 0 : q.status === 'submitted' ? 1 : 2);
/** The host's list: answering now, then waiting by votes and age, then answered (newest first). */
export function consoleOrder(list: readonly QuestionView[]): QuestionView[] {
  return [...list].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.status === 'answered' && b.status === 'answered' ? (b.answeredAt ?? 0) - (a.answeredAt ?? 0) : b.upvotes - a.upvotes || a.askedAt - b.askedAt) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: unknown; message?: unknown } | null;
  return err?.code === '23505' || String(err?.message ?? '').includes('UNIQUE constraint failed');
};

const refuse = (code: string, message: string, retryAfterMs?: number): ToolOutcome => ({ ok: false, code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
const STATE_WORDS: Record<QuestionRow['status'], string> = { submitted: 'waiting', answering: 'being answered', answered: 'answered', dismissed: 'dismissed' };
const wrongState = (q: QuestionRow, what: string): AppError => new AppError('conflict', `This question is ${STATE_WORDS[q.status]}; it cannot ${what}`, { code: 'INVALID_TRANSITION' });

/**
 * Q&A (issue 6 item 1). Signed-in viewers ask over the socket (rate-limited per account,
 * filtered like chat) and upvote (one per account: the upvote row's primary key, counted with
 * an atomic increment in the same transaction, so several nodes agree). The host's queue runs
 * from the console: one question "answering now" per session (starting another puts the
 * previous one back in the queue; a unique index keeps that true across nodes), answered
 * (live, or in text by customer service), released, dismissed. Every change goes to the room
 * as `{t:'qna', question}`; upvote changes at most once per tick per question.
 *
 * A question the chat filter holds (`hold`) is stored with held = 1 and kept out of the room
 * (the console sees it flagged) until a moderator takes it up: approves it, starts answering
 * it or answers it in text.
 */
export class QnaService implements RoomTool {
  private readonly store: QnaStore;
  /** Questions whose upvotes changed since the last tick (published once per tick). */
  private dirty = new Set<string>();
  /** One ask at a time per account on this node, so two quick asks cannot both pass the limit. */
  private readonly askChains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly d: InteractDeps,
    private readonly limit: RateLimit = defaultQuestionRateLimit,
  ) {
    this.store = new QnaStore(d.db);
  }

  async snapshotInto(sessionId: string, tools: RoomTools): Promise<void> {
    tools.questions = orderQuestions((await this.store.listForRoom(sessionId)).map(roomView));
  }

  async tick(_now: number): Promise<void> {
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty = new Set();
    // The count is read back from the database: what every node's room shows is the stored total.
    for (const r of await this.store.findMany(ids)) {
      if (Number(r.held) === 1 || r.status === 'dismissed') continue;
      await this.d.publish(r.session_id, { t: 'qna', question: roomView(r) });
    }
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    // The facade's last tick has published the pending upvote counts; nothing else is in memory.
  }

  // --- the audience ---------------------------------------------------------------------

  async ask(p: Participant, sessionId: string, rawText: string): Promise<ToolOutcome> {
    if (p.kind === 'guest') return refuse('GUEST', 'Sign in to ask a question.');
    if (p.kind === 'team') return refuse('FORBIDDEN', 'Questions come from the audience; team members answer them.');
    const parsed = submitQuestionBody.safeParse({ text: rawText });
    if (!parsed.success) return refuse('BAD_MESSAGE', parsed.error.issues[0]?.message ?? 'text: invalid');
    const text = parsed.data.text;
    const verdict = this.d.filterText(text);
    if (verdict.action === 'block') return refuse('FILTERED', verdict.reason);
    const session = await this.d.sessions.getInternal(sessionId).catch(() => null);
    if (!session || session.status === 'draft') return refuse('NOT_FOUND', 'This session is not open for questions.');
    if (session.status !== 'live' && session.status !== 'scheduled') return refuse('SESSION_ENDED', 'This session has ended; questions are closed.');
    return this.serialized(p.id, async () => {
      const now = this.d.clock.now().getTime();
      const since = new Date(now - this.limit.windowMs).toISOString();
      const previous = (await this.store.askedSince(p.id, since)).map((t) => Date.parse(t));
      const decision = decideSubmission(previous, now, this.limit);
      if (!decision.ok) return refuse('RATE_LIMITED', `Too many questions; try again in ${Math.ceil(decision.retryAfterMs / 1000)} s.`, decision.retryAfterMs);
      const at = new Date(now).toISOString();
      const row: QuestionRow = {
        id: this.d.ids(),
        session_id: sessionId,
        viewer_id: p.id,
        viewer_name: p.name,
        text,
        status: 'submitted',
        upvotes: 0,
        answer_text: null,
        answered_by: null,
        asked_at: at,
        answering_at: null,
        answered_at: null,
        updated_at: at,
        held: verdict.action === 'hold' ? 1 : 0,
        answering_flag: null,
      };
      await this.store.insert(row);
      // Held questions count too: the viewer interacted, whatever the moderators decide.
      recordToolFact(this.d.analytics, { type: 'question', id: `q:${row.id}`, sessionId, viewerId: p.id, ref: row.id, at: now });
      if (row.held === 0) await this.d.publish(sessionId, { t: 'qna', question: roomView(row) });
      return { ok: true };
    });
  }

  /**
   * One upvote per account, durable before the ack. A second upvote by the same account is
   * acknowledged and changes nothing (the client may have missed the first ack).
   */
  async upvote(p: Participant, sessionId: string, questionId: string): Promise<ToolOutcome> {
    if (p.kind === 'guest') return refuse('GUEST', 'Sign in to upvote.');
    if (p.kind === 'team') return refuse('FORBIDDEN', 'Upvotes come from the audience.');
    const q = await this.store.find(questionId);
    if (!q || q.session_id !== sessionId || Number(q.held) === 1 || q.status === 'dismissed') return refuse('NOT_FOUND', 'No such question.');
    if (q.viewer_id === p.id) return refuse('OWN_QUESTION', 'You cannot upvote your own question.');
    if (q.status === 'answered') return refuse('NOT_WAITING', 'This question has been answered.');
    const r = await this.store.upvote(questionId, p.id, this.d.clock.now().toISOString());
    if (r === 'closed') return refuse('NOT_WAITING', 'This question is no longer open for upvotes.');
    if (r === 'added') this.dirty.add(questionId);
    return { ok: true };
  }

  async myUpvotes(sessionId: string, viewerId: string): Promise<string[]> {
    return this.store.myUpvotes(sessionId, viewerId);
  }

  // --- the console ----------------------------------------------------------------------

  async listForConsole(sessionId: string): Promise<QuestionView[]> {
    return consoleOrder((await this.store.listForConsole(sessionId)).map(consoleView));
  }

  /**
   * "Answering now", shown to the room. Only one per session: the one answering before goes
   * back to the queue (a host moving on should not need two clicks; the room sees both changes).
   */
  async startAnswering(ctx: Ctx, sessionId: string, questionId: string): Promise<QuestionView> {
    requirePermission(ctx.actor, 'interact:run');
    const before = await this.load(sessionId, questionId);
    if (before.status === 'answering') return consoleView(before);
    if (before.status !== 'submitted') throw wrongState(before, 'be taken up for answering');
    // Two nodes starting two questions at once: the unique index refuses the second; it retries
    // and then sees (and releases) the first.
    for (let attempt = 0; ; attempt++) {
      try {
        const at = this.d.clock.now().toISOString();
        const released = await this.d.db.transaction().execute(async (trx) => {
          const others = await this.store.releaseOthers(trx, sessionId, questionId, at);
          const moved = await this.store.move(trx, questionId, ['submitted'], { status: 'answering', answering_at: at, answering_flag: 1, held: 0, updated_at: at });
          if (!moved) throw wrongState((await this.store.find(questionId, trx)) ?? before, 'be taken up for answering');
          await this.d.audit.record(ctx, { action: 'question.answering', targetType: 'question', targetId: questionId, before: { status: before.status, released: others } }, trx);
          return others;
        });
        for (const r of await this.store.findMany(released)) await this.d.publish(sessionId, { t: 'qna', question: roomView(r) });
        return this.publishChange(questionId);
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }

  /** Back to the queue (the host took it up by mistake or will come back to it). */
  async release(ctx: Ctx, sessionId: string, questionId: string): Promise<QuestionView> {
    requirePermission(ctx.actor, 'interact:run');
    return this.transition(ctx, sessionId, questionId, ['answering'], 'release', 'question.released', (at) => ({ status: 'submitted', answering_at: null, answering_flag: null, updated_at: at }));
  }

  /**
   * Answered: from "answering now" (answered live, text optional), or from the queue with a text
   * answer (customer service). On an answered question a text adds or replaces the written
   * answer. Answered questions stay visible to the room.
   */
  async markAnswered(ctx: Ctx, sessionId: string, questionId: string, answerText: string | undefined): Promise<QuestionView> {
    requirePermission(ctx.actor, 'qna:answer');
    const q = await this.load(sessionId, questionId);
    const text = answerText ?? null;
    if (q.status === 'answered') {
      if (text === null || text === q.answer_text) return consoleView(q);
      return this.transition(ctx, sessionId, questionId, ['answered'], 'be answered', 'question.answer_edited', (at) => ({ answer_text: text, answered_by: ctx.actor.kind === 'team' ? ctx.actor.id : null, updated_at: at }));
    }
    if (q.status === 'submitted' && text === null)
      throw new AppError('conflict', 'A waiting question is answered in text, or taken up for answering live first', { code: 'ANSWER_TEXT_REQUIRED' });
    return this.transition(ctx, sessionId, questionId, ['submitted', 'answering'], 'be answered', 'question.answered', (at) => ({
      status: 'answered',
      answer_text: text,
      answered_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      answered_at: at,
      answering_flag: null,
      held: 0,
      updated_at: at,
    }));
  }

  /** Leaves the room's list (a question from the queue; retrying is harmless). */
  async dismiss(ctx: Ctx, sessionId: string, questionId: string): Promise<QuestionView> {
    requirePermission(ctx.actor, 'interact:run');
    const q = await this.load(sessionId, questionId);
    if (q.status === 'dismissed') return consoleView(q);
    return this.transition(ctx, sessionId, questionId, ['submitted'], 'be dismissed', 'question.dismissed', (at) => ({ status: 'dismissed', updated_at: at }), Number(q.held) === 1);
  }

  /** Shows a question the chat filter held to the room. */
  async approve(ctx: Ctx, sessionId: string, questionId: string): Promise<QuestionView> {
    requirePermission(ctx.actor, 'interact:run');
    const q = await this.load(sessionId, questionId);
    if (Number(q.held) === 0) return consoleView(q);
    if (q.status !== 'submitted') throw wrongState(q, 'be approved');
    return this.transition(ctx, sessionId, questionId, ['submitted'], 'be approved', 'question.approved', (at) => ({ held: 0, updated_at: at }));
  }

  // ---------------------------------------------------------------------------------------

  private async load(sessionId: string, questionId: string): Promise<QuestionRow> {
    await this.d.sessions.getInternal(sessionId);
    const q = await this.store.find(questionId);
    if (!q || q.session_id !== sessionId) throw notFound('Question');
    return q;
  }

  /** A conditional move in a transaction with its audit entry, then the room is told. */
  private async transition(
    ctx: Ctx,
    sessionId: string,
    questionId: string,
    from: QuestionRow['status'][],
    what: string,
    action: string,
    set: (at: string) => Partial<QuestionRow>,
    quiet = false,
  ): Promise<QuestionView> {
    const before = await this.load(sessionId, questionId);
    const at = this.d.clock.now().toISOString();
    await this.d.db.transaction().execute(async (trx: Kysely<DB>) => {
      if (!(await this.store.move(trx, questionId, from, set(at)))) throw wrongState((await this.store.find(questionId, trx)) ?? before, what);
      await this.d.audit.record(ctx, { action, targetType: 'question', targetId: questionId, before: { status: before.status }, after: set(at) }, trx);
    });
    return quiet ? consoleView((await this.store.find(questionId))!) : this.publishChange(questionId);
  }

  /** Publishes the stored question to the room (unless held) and returns the console's view. */
  private async publishChange(questionId: string): Promise<QuestionView> {
    const r = (await this.store.find(questionId))!;
    if (Number(r.held) === 0) await this.d.publish(r.session_id, { t: 'qna', question: roomView(r) });
    return consoleView(r);
  }

  private serialized<T>(key: string, run: () => Promise<T>): Promise<T> {
    const prev = this.askChains.get(key) ?? Promise.resolve();
    const next = prev.then(run, run);
    const tail = next.catch(() => undefined);
    this.askChains.set(key, tail);
    void tail.then(() => {
      if (this.askChains.get(key) === tail) this.askChains.delete(key);
    });
    return next;
  }
}
