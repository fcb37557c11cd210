import type { CreateQuizWithRewardBody, QuizDetail } from '../../../contracts/interact.contract.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import type { QuizView, RoomTools } from '../../../contracts/room-tools.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import { Quiz, QuizError, type QuizQuestion, type QuizState } from './core/quiz.js';
import { InProgress } from './in-progress.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';
import { QuizzesStore, answerKey, type QuizAnswerRow, type QuizRow } from './quizzes.store.js';
import { VoteWriter } from './vote-writer.js';

/** Places shown in the room's leaderboard. */
export const QUIZ_LEADERBOARD_SHOWN = 10;

/** A quiz this node has in memory while a question is open. */
interface LiveQuiz {
  quiz: Quiz;
  row: QuizRow;
  /** Per question index: answers accepted here whose row is not yet committed. */
  pending: Map<number, number>;
  /** Per question index: committed answers this node has told the room. */
  told: Map<number, number>;
}

const SESSION_OVER = new Set(['ended', 'archived']);

/**
 * Quizzes (issue 6 items 6 and 10). The state machine is core/quiz.ts. Answers follow the votes'
 * path (polls.service.ts): a synchronous one-per-account check in memory, then a group-committed
 * insert whose primary key refuses a second answer on any node, acked only once committed.
 *
 * What the room sees is built from the database (every node's answers): the question without its
 * correct answer while the window is open (`Quiz.publicView`), the leaderboard over revealed
 * questions only, answer counts per tick as deltas of committed answers.
 */
export class QuizzesService implements RoomTool {
  private readonly store: QuizzesStore;
  private readonly live = new Map<string, LiveQuiz>();
  /** Quizzes whose question an operator is revealing right now (the clock leaves those to the request). */
  private readonly revealing = new InProgress();
  private readonly loading = new Map<string, Promise<LiveQuiz | QuizRow | null>>();
  readonly writer: VoteWriter<QuizAnswerRow>;

  constructor(private readonly d: InteractDeps) {
    this.store = new QuizzesStore(d.db);
    this.writer = new VoteWriter<QuizAnswerRow>({ write: (rows) => this.store.insertAnswers(rows), keyOf: (r) => answerKey(r.quiz_id, r.question_index, r.viewer_id) });
  }

  private readonly nowMs = (): number => this.d.clock.now().getTime();

  async start(): Promise<void> {
    for (const row of await this.store.listAsking()) if (!this.live.has(row.id)) this.live.set(row.id, await this.load(row));
  }

  async stop(): Promise<void> {
    await this.writer.flush();
  }

  async tick(_now: number): Promise<void> {
    if (this.live.size === 0) return;
    // Moved on elsewhere (an operator's reveal or next question on another node): forget this
    // copy once told, and load the database's state at the next answer.
    const asking = [...this.live.values()].filter((l) => l.row.status === 'asking');
    for (const s of await this.store.statusOf(asking.map((l) => l.row.id))) {
      const l = this.live.get(s.id);
      if (l && (s.status !== l.row.status || Number(s.current) !== l.row.current)) l.row = { ...l.row, status: s.status === 'asking' ? 'revealed' : s.status };
    }
    for (const l of [...this.live.values()]) {
      try {
        await this.drainInto(l);
        // An operator's reveal in progress persists (and audits) itself: the clock must not take it over.
        if (l.row.status === 'asking' && l.quiz.currentStatus() === 'revealed' && !this.revealing.has(l.row.id)) await this.persistReveal(systemCtx('interact'), l);
        if (l.row.status !== 'asking' && (l.pending.get(l.row.current) ?? 0) === 0 && this.undrained(l) === 0) this.live.delete(l.row.id);
      } catch (err) {
        this.d.onError(err, `quiz ${l.row.id} tick`);
      }
    }
  }

  async snapshotInto(sessionId: string, tools: RoomTools): Promise<void> {
    const rows = (await this.store.listBySession(sessionId)).filter((r) => r.status !== 'draft');
    const running = rows.filter((r) => r.status === 'asking' || r.status === 'revealed');
    const row = running.at(-1) ?? rows.filter((r) => r.status === 'finished').sort((a, b) => (a.updated_at < b.updated_at ? -1 : 1)).at(-1);
    if (!row) return;
    // Counted in the database; quiz.answers events carry the same totals.
    tools.quiz = await this.viewOf(row);
  }

  async answer(p: Participant, sessionId: string, quizId: string, index: number, choice: number): Promise<ToolOutcome> {
    if (p.kind === 'guest') return { ok: false, code: 'GUEST', message: 'Sign in to answer' };
    if (p.kind === 'team') return { ok: false, code: 'FORBIDDEN', message: 'The team does not answer' };
    const l = await this.ensureLive(quizId);
    const rowSession = l && ('quiz' in l ? l.row.session_id : l.session_id);
    if (!l || rowSession !== sessionId) return { ok: false, code: 'NOT_FOUND', message: 'No such quiz in this room' };
    // Not asking here: a row that is not asking, or a copy another node has moved on from.
    if (!('quiz' in l) || l.row.status !== 'asking') return { ok: false, code: 'NOT_OPEN', message: 'this question is not open for answers' };
    // From here to the submit nothing awaits: one account's two answers cannot both pass on this node.
    const r = l.quiz.answer({ kind: 'account', accountId: p.id }, index, choice);
    if (!r.ok) return { ok: false, code: r.code, message: r.reason };
    const a = l.quiz.answerOf(p.id, index) as NonNullable<ReturnType<Quiz['answerOf']>>;
    l.pending.set(index, (l.pending.get(index) ?? 0) + 1);
    const settle = () => l.pending.set(index, (l.pending.get(index) ?? 1) - 1);
    let inserted: boolean;
    try {
      inserted = await this.writer.submit({ quiz_id: quizId, question_index: index, viewer_id: p.id, choice, elapsed_ms: a.elapsedMs, answered_at: this.d.clock.now().toISOString() });
    } catch (err) {
      settle();
      l.quiz.retractAnswer(p.id, index);
      throw err;
    }
    settle();
    if (!inserted) {
      l.quiz.retractAnswer(p.id, index);
      return { ok: false, code: 'ALREADY_ANSWERED', message: 'this account has already answered this question' };
    }
    return { ok: true };
  }

  async listDetails(sessionId: string): Promise<QuizDetail[]> {
    const rows = await this.store.listBySession(sessionId);
    return Promise.all(rows.map((r) => this.detailOf(r)));
  }

  async myAnswers(sessionId: string, viewerId: string): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const a of await this.store.myAnswers(sessionId, viewerId)) (out[a.quiz_id] ??= {})[String(a.question_index)] = Number(a.choice);
    return out;
  }

  async create(ctx: Ctx, sessionId: string, body: CreateQuizWithRewardBody): Promise<QuizDetail> {
    requirePermission(ctx.actor, 'interact:run');
    await this.sessionOpen(sessionId);
    const reward = body.reward ?? { kind: 'none' as const };
    if (reward.kind === 'coupon' && (await this.d.rewards.couponLabel(reward.templateId)) === null) throw invalid('body.reward.templateId', 'reward.templateId: no such coupon template');
    const id = this.d.ids();
    const questions: QuizQuestion[] = body.questions.map((q) => ({ prompt: q.prompt, options: [...q.options], correctIndex: q.correctIndex, windowMs: q.windowSeconds * 1000 }));
    try {
      Quiz.create({ id, title: body.title, questions, rewardTopN: body.rewardTopN }, this.nowMs);
    } catch (err) {
      if (err instanceof QuizError) throw new AppError('validation', err.message, { code: 'VALIDATION' });
      throw err;
    }
    const now = this.d.clock.now().toISOString();
    const row: QuizRow = {
      id,
      session_id: sessionId,
      title: body.title,
      questions: JSON.stringify(questions),
      reward_top_n: body.rewardTopN,
      reward_kind: reward.kind,
      reward_points: reward.kind === 'points' ? reward.points : null,
      reward_template_id: reward.kind === 'coupon' ? reward.templateId : null,
      status: 'draft',
      current: -1,
      asked_at: '[]',
      rewarded_at: null,
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
    };
    await this.d.db.transaction().execute(async (trx) => {
      await this.store.insert(trx, row);
      await this.d.audit.record(ctx, { action: 'quiz.created', targetType: 'quiz', targetId: id, after: { sessionId, title: body.title, questions: questions.length, rewardTopN: body.rewardTopN, reward } }, trx);
    });
    return this.detailOf(row);
  }

  /** Asks the next question (the first from a draft). */
  async ask(ctx: Ctx, sessionId: string, quizId: string): Promise<QuizDetail> {
    requirePermission(ctx.actor, 'interact:run');
    await this.sessionOpen(sessionId);
    const row = await this.rowOf(sessionId, quizId);
    for (const other of await this.store.listAsking(sessionId)) {
      if (other.id === quizId) continue;
      const o = this.live.get(other.id) ?? (await this.load(other));
      if (o.quiz.currentStatus() === 'asking') throw new AppError('conflict', `The quiz "${other.title}" is asking a question; reveal it first`, { code: 'ANOTHER_QUIZ_RUNNING' });
    }
    if (row.status === 'finished') throw new AppError('conflict', 'This quiz has finished', { code: 'QUIZ_FINISHED' });
    const l = this.live.get(quizId) ?? (await this.load(row));
    // The clock closed the last window before a tick wrote it: reveal it properly first.
    if (l.row.status === 'asking' && l.quiz.currentStatus() === 'revealed') await this.persistReveal(systemCtx('interact'), l);
    const before = { status: l.row.status, current: l.row.current };
    let index: number;
    try {
      index = l.quiz.ask();
    } catch (err) {
      this.live.delete(quizId);
      throw this.quizConflict(err);
    }
    const st = l.quiz.toState();
    const nowIso = this.d.clock.now().toISOString();
    try {
      await this.d.db.transaction().execute(async (trx) => {
        if (!(await this.store.update(trx, quizId, before, { status: 'asking', current: index, asked_at: JSON.stringify(st.askedAtMs) }, nowIso)))
          throw new AppError('conflict', 'The quiz changed meanwhile; reload and try again', { code: 'QUIZ_CHANGED' });
        await this.d.audit.record(ctx, { action: 'quiz.asked', targetType: 'quiz', targetId: quizId, before, after: { status: 'asking', current: index } }, trx);
      });
    } catch (err) {
      this.live.delete(quizId);
      throw err;
    }
    l.row = { ...l.row, status: 'asking', current: index, asked_at: JSON.stringify(st.askedAtMs), updated_at: nowIso };
    this.live.set(quizId, l);
    await this.announce(l.row);
    return this.detailOf(l.row);
  }

  /** Closes the open question's window now; its answer and the leaderboard go to the room. */
  async reveal(ctx: Ctx, sessionId: string, quizId: string): Promise<QuizDetail> {
    requirePermission(ctx.actor, 'interact:run');
    const row = await this.rowOf(sessionId, quizId);
    if (row.status !== 'asking') throw new AppError('conflict', `This quiz is ${row.status}; only an open question can be revealed`, { code: 'QUIZ_NOT_ASKING' });
    return this.revealing.run(quizId, () => new AppError('conflict', 'This question is being revealed right now', { code: 'QUIZ_NOT_ASKING' }), async () => {
      const l = this.live.get(quizId) ?? (await this.load(row));
      this.live.set(quizId, l);
      if (l.quiz.currentStatus() === 'asking') l.quiz.reveal();
      if (!(await this.persistReveal(ctx, l))) throw new AppError('conflict', 'This question was already revealed', { code: 'QUIZ_NOT_ASKING' });
      return this.detailOf(l.row);
    });
  }

  /**
   * Ends the quiz and rewards the top `rewardTopN` with points. Safe to retry: a finished quiz
   * whose rewards are not all given gets the rest (each grant is idempotent per quiz and viewer).
   */
  async finish(ctx: Ctx, sessionId: string, quizId: string): Promise<QuizDetail> {
    requirePermission(ctx.actor, 'interact:run');
    let row = await this.rowOf(sessionId, quizId);
    if (row.status === 'draft') throw new AppError('conflict', 'This quiz has not asked a question yet', { code: 'QUIZ_NOT_STARTED' });
    if (row.status === 'asking') {
      // Past its window by the clock: reveal first (the tick would).
      const l = this.live.get(quizId) ?? (await this.load(row));
      this.live.set(quizId, l);
      if (l.quiz.currentStatus() === 'asking') throw new AppError('conflict', 'A question is still open; reveal it first', { code: 'QUIZ_ASKING' });
      await this.persistReveal(systemCtx('interact'), l);
      row = await this.rowOf(sessionId, quizId);
    }
    if (row.status === 'revealed') {
      const nowIso = this.d.clock.now().toISOString();
      await this.d.db.transaction().execute(async (trx) => {
        if (!(await this.store.update(trx, quizId, { status: 'revealed', current: row.current }, { status: 'finished' }, nowIso))) return;
        await this.d.audit.record(ctx, { action: 'quiz.finished', targetType: 'quiz', targetId: quizId, before: { status: 'revealed' }, after: { status: 'finished' } }, trx);
      });
      row = await this.rowOf(sessionId, quizId);
      this.live.delete(quizId);
      await this.announce(row);
    }
    if (row.rewarded_at === null) await this.giveRewards(ctx, row);
    return this.detailOf(await this.rowOf(sessionId, quizId));
  }

  // --- internals ----------------------------------------------------------------------------

  private async giveRewards(ctx: Ctx, row: QuizRow): Promise<void> {
    const quiz = await this.fromDb(row);
    const winners = row.reward_kind === 'none' ? [] : quiz.rewards();
    const ref = `quiz:${row.id}`;
    const failed: string[] = [];
    for (const w of winners) {
      // Points refs are unique per ledger entry: one per quiz and winner.
      if (row.reward_kind === 'points' && row.reward_points) await this.d.rewards.grantPoints(w.accountId, row.reward_points, 'quiz reward', `${ref}:${w.accountId}`);
      if (row.reward_kind === 'coupon' && row.reward_template_id) {
        const r = await this.d.rewards.issueCoupon(row.reward_template_id, w.accountId, ref);
        if (!r.ok && r.reason !== 'ALREADY_ISSUED') failed.push(`${w.accountId}: ${r.reason}`);
      }
    }
    if (failed.length > 0) throw new AppError('conflict', `The quiz finished but ${failed.length} reward(s) could not be given (${failed.slice(0, 3).join('; ')}); fix it and finish again to give the rest`, { code: 'QUIZ_REWARDS_INCOMPLETE' });
    const nowIso = this.d.clock.now().toISOString();
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.markRewarded(trx, row.id, nowIso))) return;
      await this.d.audit.record(ctx, { action: 'quiz.rewarded', targetType: 'quiz', targetId: row.id, after: { kind: row.reward_kind, points: row.reward_points, templateId: row.reward_template_id, winners: winners.map((w) => ({ viewerId: w.accountId, rank: w.rank, points: w.points })) } }, trx);
    });
  }

  /** Committed answers to the question not yet told by this node. */
  private undrained(l: LiveQuiz, index = l.row.current): number {
    if (index < 0) return 0;
    return l.quiz.answerCount(index) - (l.pending.get(index) ?? 0) - (l.told.get(index) ?? 0);
  }

  /** This node's committed answers since its last drain, with the total as stored (every node's; the hub keeps the highest). */
  private async drainInto(l: LiveQuiz): Promise<void> {
    const index = l.row.current;
    const dn = this.undrained(l, index);
    if (dn === 0) return;
    l.told.set(index, (l.told.get(index) ?? 0) + dn);
    const answerCount = await this.store.countAnswers(l.row.id, index);
    await this.publish(l.row.session_id, { t: 'quiz.answers', id: l.row.id, index, dn, answerCount });
  }

  /** Writes the reveal (once across nodes), then announces the answer and leaderboard. False when already revealed. */
  private async persistReveal(ctx: Ctx, l: LiveQuiz): Promise<boolean> {
    await this.writer.flush();
    await this.drainInto(l);
    const nowIso = this.d.clock.now().toISOString();
    const done = await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.update(trx, l.row.id, { status: 'asking', current: l.row.current }, { status: 'revealed' }, nowIso))) return false;
      await this.d.audit.record(ctx, { action: 'quiz.revealed', targetType: 'quiz', targetId: l.row.id, before: { status: 'asking', current: l.row.current }, after: { status: 'revealed', by: ctx.actor.kind === 'system' ? 'clock' : 'operator' } }, trx);
      return true;
    });
    l.row = { ...l.row, status: 'revealed', updated_at: nowIso };
    if (done) await this.announce(l.row);
    return done;
  }

  private async announce(row: QuizRow): Promise<void> {
    await this.publish(row.session_id, { t: 'quiz', quiz: await this.viewOf(row), now: this.nowMs() });
  }

  private async ensureLive(quizId: string): Promise<LiveQuiz | QuizRow | null> {
    const have = this.live.get(quizId);
    if (have) return have;
    let p = this.loading.get(quizId);
    if (!p) {
      p = (async () => {
        const row = await this.store.find(quizId);
        if (!row || row.status !== 'asking') return row ?? null;
        const l = this.live.get(quizId) ?? (await this.load(row));
        const raced = this.live.get(quizId);
        if (raced) return raced;
        this.live.set(quizId, l);
        return l;
      })().finally(() => this.loading.delete(quizId));
      this.loading.set(quizId, p);
    }
    return p;
  }

  /** Rebuilds a quiz from its rows; every committed answer is taken as told (the snapshot carries it). */
  private async load(row: QuizRow): Promise<LiveQuiz> {
    const quiz = await this.fromDb(row);
    const told = new Map<number, number>();
    for (let i = 0; i <= row.current; i++) told.set(i, quiz.answerCount(i));
    return { quiz, row, pending: new Map(), told };
  }

  private async fromDb(row: QuizRow): Promise<Quiz> {
    return Quiz.fromState(this.stateOf(row, await this.store.answers(row.id)), this.nowMs);
  }

  private stateOf(row: QuizRow, answers: readonly QuizAnswerRow[]): QuizState {
    const askedAtMs = JSON.parse(row.asked_at) as number[];
    const lists = askedAtMs.map(() => [] as QuizState['answers'][number]);
    for (const a of answers) lists[Number(a.question_index)]?.push({ accountId: a.viewer_id, choice: Number(a.choice), elapsedMs: Number(a.elapsed_ms) });
    return {
      id: row.id,
      title: row.title,
      questions: JSON.parse(row.questions) as QuizQuestion[],
      rewardTopN: row.reward_top_n,
      status: row.status,
      current: row.current,
      askedAtMs,
      answers: lists,
    };
  }

  /** The room's view, from every node's committed answers; never the correct answer of an open question. */
  private async viewOf(row: QuizRow): Promise<QuizView> {
    const quiz = await this.fromDb(row);
    const v = quiz.publicView();
    const leaders = quiz.leaderboard(QUIZ_LEADERBOARD_SHOWN);
    const names = leaders.length ? await this.d.viewers.names(leaders.map((e) => e.accountId)) : new Map<string, string>();
    return {
      id: v.id,
      title: v.title,
      status: v.status,
      questionCount: v.questionCount,
      current: v.current
        ? {
            index: v.current.index,
            prompt: v.current.prompt,
            options: v.current.options,
            closesAt: v.current.closesAtMs,
            answerCount: v.current.answerCount,
            ...(v.current.correctIndex === undefined ? {} : { correctIndex: v.current.correctIndex }),
          }
        : null,
      leaderboard: leaders.map((e) => ({ rank: e.rank, name: names.get(e.accountId) ?? 'Viewer', points: e.points, correct: e.correct })),
    };
  }

  private async detailOf(row: QuizRow): Promise<QuizDetail> {
    const questions = JSON.parse(row.questions) as QuizQuestion[];
    return {
      ...(await this.viewOf(row)),
      questions: questions.map((q) => ({ prompt: q.prompt, options: q.options, correctIndex: q.correctIndex, windowSeconds: Math.round(q.windowMs / 1000) })),
      rewardTopN: row.reward_top_n,
      reward: { kind: row.reward_kind, points: row.reward_points, templateId: row.reward_template_id },
      rewardedAt: row.rewarded_at,
      createdAt: row.created_at,
    };
  }

  private quizConflict(err: unknown): unknown {
    if (!(err instanceof QuizError)) return err;
    if (err.code === 'NO_MORE_QUESTIONS') return new AppError('conflict', 'Every question has been asked; finish the quiz', { code: 'QUIZ_NO_MORE_QUESTIONS' });
    if (err.code === 'INVALID_TRANSITION') return new AppError('conflict', `Cannot ask now: ${err.message}`, { code: 'QUIZ_ASKING' });
    return err;
  }

  private async rowOf(sessionId: string, quizId: string): Promise<QuizRow> {
    await this.d.sessions.getInternal(sessionId);
    const row = await this.store.find(quizId);
    if (!row || row.session_id !== sessionId) throw notFound('Quiz');
    return row;
  }

  private async sessionOpen(sessionId: string): Promise<void> {
    const s = await this.d.sessions.getInternal(sessionId);
    if (SESSION_OVER.has(s.status)) throw new AppError('conflict', `An ${s.status} session can no longer run quizzes`, { code: 'SESSION_ENDED' });
  }

  private async publish(sessionId: string, e: RoomEventPayload): Promise<void> {
    try {
      await this.d.publish(sessionId, e);
    } catch (err) {
      this.d.onError(err, 'quiz publish');
    }
  }
}
