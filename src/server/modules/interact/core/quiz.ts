/**
 * A live quiz (issue 6, items 6 and 10) as a pure state machine; the clock is injected.
 *
 *   draft --ask--> asking --reveal (operator, or the clock at askedAt + window)--> revealed
 *   revealed --ask (next question)--> asking        revealed --finish--> finished
 *
 * Rules:
 * - one answer per account per question, only while that question's window is open; guests
 *   cannot answer;
 * - while a question is open, nothing that depends on its correct answer leaves the core:
 *   `publicView()` omits `correctIndex`, and the leaderboard counts only revealed questions
 *   (a live score would tell the room who was right, i.e. the answer);
 * - scoring, per answer, with elapsed = answeredAt - askedAt in [0, window):
 *
 *       points = correct ? round(1000 × (1 − 0.5 × elapsed / window)) : 0
 *
 *   so a right answer is worth 1000 at once and just over 500 at the last moment;
 * - leaderboard order: total points desc, then total answer time (sum of elapsed over the
 *   counted answers) asc — the quicker player wins a tie — then account id, so the order is
 *   total and replays give the same list;
 * - rewards go to the top `rewardTopN` of the final leaderboard with more than 0 points.
 */
export type QuizStatus = 'draft' | 'asking' | 'revealed' | 'finished';
export type QuizEvent = 'ask' | 'reveal' | 'finish';
export type Clock = () => number;

export const quizTransitions: Record<QuizStatus, Partial<Record<QuizEvent, QuizStatus>>> = {
  draft: { ask: 'asking' },
  asking: { reveal: 'revealed' },
  revealed: { ask: 'asking', finish: 'finished' },
  finished: {},
};

export const MAX_POINTS = 1000;

/** Points for one answer (see the formula above). */
export function scoreAnswer(correct: boolean, elapsedMs: number, windowMs: number): number {
  if (!correct) return 0;
  const f = Math.min(Math.max(elapsedMs / windowMs, 0), 1);
  return Math.round(MAX_POINTS * (1 - 0.5 * f));
}

export type QuizErrorCode = 'INVALID_TRANSITION' | 'NO_MORE_QUESTIONS' | 'NOT_FINISHED' | 'INVALID_DEFINITION' | 'INVALID_STATE';
export class QuizError extends Error {
  constructor(
    readonly code: QuizErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QuizError';
  }
}

export interface QuizQuestion {
  prompt: string;
  options: string[];
  correctIndex: number;
  windowMs: number;
}

export interface QuizDefinition {
  id: string;
  title: string;
  questions: QuizQuestion[];
  rewardTopN: number;
}

export interface QuizAnswer {
  accountId: string;
  choice: number;
  elapsedMs: number;
}

export interface QuizState extends QuizDefinition {
  status: QuizStatus;
  /** Index of the question asked last; -1 before the first. */
  current: number;
  /** Per asked question, when it was asked. */
  askedAtMs: number[];
  /** Per asked question, the answers in arrival order. */
  answers: QuizAnswer[][];
}

export type Answerer = { kind: 'account'; accountId: string } | { kind: 'guest' };

export type AnswerResult =
  | { ok: true }
  | { ok: false; code: 'GUEST' | 'NOT_OPEN' | 'ALREADY_ANSWERED' | 'INVALID_CHOICE'; reason: string };

export interface QuizPublicView {
  id: string;
  title: string;
  status: QuizStatus;
  questionCount: number;
  current: {
    index: number;
    prompt: string;
    options: string[];
    closesAtMs: number;
    answerCount: number;
    /** Present only once the window has closed. */
    correctIndex?: number;
  } | null;
}

export interface LeaderboardEntry {
  rank: number;
  accountId: string;
  points: number;
  correct: number;
  answerTimeMs: number;
}

function validateDefinition(d: QuizDefinition): void {
  if (d.questions.length === 0) throw new QuizError('INVALID_DEFINITION', 'questions: expected at least one question');
  d.questions.forEach((q, i) => {
    if (q.options.length < 2) throw new QuizError('INVALID_DEFINITION', `questions[${i}].options: expected at least 2 options`);
    if (!Number.isInteger(q.correctIndex) || q.correctIndex < 0 || q.correctIndex >= q.options.length)
      throw new QuizError('INVALID_DEFINITION', `questions[${i}].correctIndex: expected the index of one of the options`);
    if (!Number.isInteger(q.windowMs) || q.windowMs <= 0) throw new QuizError('INVALID_DEFINITION', `questions[${i}].windowMs: expected a positive whole number`);
  });
  if (!Number.isInteger(d.rewardTopN) || d.rewardTopN < 0) throw new QuizError('INVALID_DEFINITION', 'rewardTopN: expected a whole number >= 0');
}

const cloneQuestion = (q: QuizQuestion): QuizQuestion => ({ ...q, options: [...q.options] });

export class Quiz {
  private status: QuizStatus = 'draft';
  private current = -1;
  private askedAtMs: number[] = [];
  private answers: Map<string, QuizAnswer>[] = [];

  private constructor(
    private readonly def: QuizDefinition,
    private readonly clock: Clock,
  ) {
    validateDefinition(def);
  }

  static create(def: QuizDefinition, clock: Clock): Quiz {
    return new Quiz({ ...def, questions: def.questions.map(cloneQuestion) }, clock);
  }

  static fromState(state: QuizState, clock: Clock): Quiz {
    const { status, current, askedAtMs, answers, ...def } = state;
    const q = Quiz.create(def, clock);
    const asked = status === 'draft' ? 0 : current + 1;
    if (current < -1 || current >= def.questions.length || askedAtMs.length !== asked || answers.length !== asked || (status === 'draft') !== (current === -1))
      throw new QuizError('INVALID_STATE', 'current: does not fit askedAtMs and answers');
    q.status = status;
    q.current = current;
    q.askedAtMs = [...askedAtMs];
    q.answers = answers.map((list, i) => {
      const m = new Map<string, QuizAnswer>();
      const question = def.questions[i] as QuizQuestion;
      for (const a of list) {
        if (m.has(a.accountId)) throw new QuizError('INVALID_STATE', `answers[${i}]: ${a.accountId} answered twice`);
        if (a.choice < 0 || a.choice >= question.options.length) throw new QuizError('INVALID_STATE', `answers[${i}]: choice out of range`);
        m.set(a.accountId, { ...a });
      }
      return m;
    });
    return q;
  }

  toState(): QuizState {
    return {
      ...this.def,
      questions: this.def.questions.map(cloneQuestion),
      status: this.status,
      current: this.current,
      askedAtMs: [...this.askedAtMs],
      answers: this.answers.map((m) => [...m.values()].map((a) => ({ ...a }))),
    };
  }

  /** Applies the clock; true when this call closed the current window. */
  revealIfDue(): boolean {
    const end = this.closesAtMs();
    if (this.status === 'asking' && end !== null && this.clock() >= end) {
      this.status = 'revealed';
      return true;
    }
    return false;
  }

  currentStatus(): QuizStatus {
    this.revealIfDue();
    return this.status;
  }

  /** Asks the next question; returns its index. */
  ask(): number {
    this.revealIfDue();
    if (this.status === 'revealed' && this.current + 1 >= this.def.questions.length)
      throw new QuizError('NO_MORE_QUESTIONS', 'every question has been asked; finish the quiz');
    this.transition('ask');
    this.current += 1;
    this.askedAtMs.push(this.clock());
    this.answers.push(new Map());
    return this.current;
  }

  /** Closes the current window early (the operator's "reveal now"). */
  reveal(): void {
    if (this.revealIfDue()) return;
    this.transition('reveal');
  }

  finish(): void {
    this.revealIfDue();
    this.transition('finish');
  }

  answer(who: Answerer, questionIndex: number, choice: number): AnswerResult {
    if (who.kind !== 'account') return { ok: false, code: 'GUEST', reason: 'sign in to answer' };
    if (this.currentStatus() !== 'asking' || questionIndex !== this.current) return { ok: false, code: 'NOT_OPEN', reason: 'this question is not open for answers' };
    const q = this.def.questions[this.current] as QuizQuestion;
    const answers = this.answers[this.current] as Map<string, QuizAnswer>;
    if (answers.has(who.accountId)) return { ok: false, code: 'ALREADY_ANSWERED', reason: 'this account has already answered this question' };
    if (!Number.isInteger(choice) || choice < 0 || choice >= q.options.length) return { ok: false, code: 'INVALID_CHOICE', reason: `option indexes run from 0 to ${q.options.length - 1}` };
    answers.set(who.accountId, { accountId: who.accountId, choice, elapsedMs: this.clock() - (this.askedAtMs[this.current] as number) });
    return { ok: true };
  }

  /** How many accounts answered a question. */
  answerCount(questionIndex: number): number {
    return this.answers[questionIndex]?.size ?? 0;
  }

  /** The account's answer to a question, if any (its elapsed time is what gets stored). */
  answerOf(accountId: string, questionIndex: number): QuizAnswer | null {
    const a = this.answers[questionIndex]?.get(accountId);
    return a ? { ...a } : null;
  }

  /**
   * Undoes an answer accepted here but not recorded (the same account's answer on another node
   * reached the database first, or the write failed). True when there was one.
   */
  retractAnswer(accountId: string, questionIndex: number): boolean {
    return this.answers[questionIndex]?.delete(accountId) ?? false;
  }

  /** What any client may see now; the correct answer only after the window closes. */
  publicView(): QuizPublicView {
    const status = this.currentStatus();
    const base = { id: this.def.id, title: this.def.title, status, questionCount: this.def.questions.length };
    if (this.current < 0) return { ...base, current: null };
    const q = this.def.questions[this.current] as QuizQuestion;
    const current: NonNullable<QuizPublicView['current']> = {
      index: this.current,
      prompt: q.prompt,
      options: [...q.options],
      closesAtMs: this.closesAtMs() as number,
      answerCount: (this.answers[this.current] as Map<string, QuizAnswer>).size,
    };
    if (status !== 'asking') current.correctIndex = q.correctIndex;
    return { ...base, current };
  }

  /** The top `n` over revealed questions only (see the ordering above). */
  leaderboard(n: number): LeaderboardEntry[] {
    const status = this.currentStatus();
    const counted = status === 'asking' ? this.current : this.current + 1;
    const totals = new Map<string, { points: number; correct: number; answerTimeMs: number }>();
    for (let i = 0; i < counted; i++) {
      const q = this.def.questions[i] as QuizQuestion;
      for (const a of (this.answers[i] as Map<string, QuizAnswer>).values()) {
        const t = totals.get(a.accountId) ?? { points: 0, correct: 0, answerTimeMs: 0 };
        const right = a.choice === q.correctIndex;
        t.points += scoreAnswer(right, a.elapsedMs, q.windowMs);
        t.correct += right ? 1 : 0;
        t.answerTimeMs += a.elapsedMs;
        totals.set(a.accountId, t);
      }
    }
    return [...totals]
      .map(([accountId, t]) => ({ accountId, ...t }))
      .sort((a, b) => b.points - a.points || a.answerTimeMs - b.answerTimeMs || (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
      .slice(0, Math.max(0, n))
      .map((e, i) => ({ rank: i + 1, ...e }));
  }

  /** Who is rewarded: the top `rewardTopN` with points, once the quiz has finished. */
  rewards(): LeaderboardEntry[] {
    if (this.currentStatus() !== 'finished') throw new QuizError('NOT_FINISHED', 'rewards are decided when the quiz finishes');
    return this.leaderboard(Number.MAX_SAFE_INTEGER)
      .filter((e) => e.points > 0)
      .slice(0, this.def.rewardTopN);
  }

  private closesAtMs(): number | null {
    if (this.current < 0) return null;
    return (this.askedAtMs[this.current] as number) + (this.def.questions[this.current] as QuizQuestion).windowMs;
  }

  private transition(event: QuizEvent): void {
    const to = quizTransitions[this.status][event];
    if (!to) throw new QuizError('INVALID_TRANSITION', `a quiz in ${this.status} cannot ${event}`);
    this.status = to;
  }
}
