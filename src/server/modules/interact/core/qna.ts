/**
 * Q&A (issue 6, items 1 and 10): the question queue as pure data; time is passed in.
 *
 * Each question: submitted --startAnswering--> answering --markAnswered--> answered
 *                submitted --dismiss--> dismissed     (answering may go back: --release--> submitted)
 * Rules:
 * - at most one question is "answering now" in a room at a time (shown to the room);
 * - upvotes: one per account per question, never on one's own question, only while the
 *   question is waiting or being answered (the room still shows it on top; once answered or
 *   dismissed the count is final);
 * - queue order (the host's list): upvotes desc, then submittedAt asc (older first, so a
 *   question does not starve behind newer ones with equal votes), then id for a total order;
 * - time to answer (answeredAt − submittedAt) is kept for analytics;
 * - rate limit: `decideSubmission` allows at most `max` questions per account in any
 *   sliding `windowMs` (default 3 per 60 s) and says when the next one is allowed.
 */
export type QuestionStatus = 'submitted' | 'answering' | 'answered' | 'dismissed';
export type QuestionEvent = 'startAnswering' | 'release' | 'markAnswered' | 'dismiss';

export const questionTransitions: Record<QuestionStatus, Partial<Record<QuestionEvent, QuestionStatus>>> = {
  submitted: { startAnswering: 'answering', dismiss: 'dismissed' },
  answering: { markAnswered: 'answered', release: 'submitted' },
  answered: {},
  dismissed: {},
};

export interface Question {
  id: string;
  authorId: string;
  text: string;
  submittedAtMs: number;
  status: QuestionStatus;
  upvoters: string[];
  answeringAtMs: number | null;
  answeredAtMs: number | null;
  answerText: string | null;
}

export interface QnaState {
  questions: Question[];
}

export type QnaErrorCode = 'NOT_FOUND' | 'INVALID_TRANSITION' | 'ANOTHER_ANSWERING' | 'DUPLICATE_ID';
export class QnaError extends Error {
  constructor(
    readonly code: QnaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QnaError';
  }
}

export type UpvoteResult = { ok: true; upvotes: number } | { ok: false; code: 'NOT_FOUND' | 'OWN_QUESTION' | 'ALREADY_UPVOTED' | 'NOT_WAITING'; reason: string };

export interface RateLimit {
  max: number;
  windowMs: number;
}
export const defaultQuestionRateLimit: RateLimit = { max: 3, windowMs: 60_000 };

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** May an account that submitted at `previousMs` submit again at `nowMs`? */
export function decideSubmission(previousMs: readonly number[], nowMs: number, limit: RateLimit = defaultQuestionRateLimit): RateDecision {
  const recent = previousMs.filter((t) => t > nowMs - limit.windowMs && t <= nowMs).sort((a, b) => a - b);
  if (recent.length < limit.max) return { ok: true };
  // The oldest submission that still counts must leave the window first.
  const leaving = recent[recent.length - limit.max] as number;
  return { ok: false, retryAfterMs: leaving + limit.windowMs - nowMs };
}

/** Queue order: upvotes desc, then older first, then id. */
export function compareQueue(a: Question, b: Question): number {
  return b.upvoters.length - a.upvoters.length || a.submittedAtMs - b.submittedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function timeToAnswerMs(q: Question): number | null {
  return q.answeredAtMs === null ? null : q.answeredAtMs - q.submittedAtMs;
}

const clone = (q: Question): Question => ({ ...q, upvoters: [...q.upvoters] });

export class QnaBoard {
  private readonly questions = new Map<string, Question>();

  static fromState(state: QnaState): QnaBoard {
    const b = new QnaBoard();
    for (const q of state.questions) {
      if (b.questions.has(q.id)) throw new QnaError('DUPLICATE_ID', `questions: ${q.id} appears twice`);
      b.questions.set(q.id, clone(q));
    }
    if ([...b.questions.values()].filter((q) => q.status === 'answering').length > 1) throw new QnaError('ANOTHER_ANSWERING', 'questions: more than one is being answered');
    return b;
  }

  toState(): QnaState {
    return { questions: [...this.questions.values()].map(clone) };
  }

  /** Adds a question (the service has already applied the rate limit and the chat filter). */
  submit(id: string, authorId: string, text: string, nowMs: number): Question {
    if (this.questions.has(id)) throw new QnaError('DUPLICATE_ID', `question ${id} exists`);
    const q: Question = { id, authorId, text, submittedAtMs: nowMs, status: 'submitted', upvoters: [], answeringAtMs: null, answeredAtMs: null, answerText: null };
    this.questions.set(id, q);
    return clone(q);
  }

  upvote(id: string, accountId: string): UpvoteResult {
    const q = this.questions.get(id);
    if (!q) return { ok: false, code: 'NOT_FOUND', reason: 'no such question' };
    if (q.authorId === accountId) return { ok: false, code: 'OWN_QUESTION', reason: 'you cannot upvote your own question' };
    if (q.status !== 'submitted' && q.status !== 'answering') return { ok: false, code: 'NOT_WAITING', reason: `the question is ${q.status}` };
    if (q.upvoters.includes(accountId)) return { ok: false, code: 'ALREADY_UPVOTED', reason: 'this account has already upvoted' };
    q.upvoters.push(accountId);
    return { ok: true, upvotes: q.upvoters.length };
  }

  startAnswering(id: string, nowMs: number): Question {
    const now = this.answeringNow();
    if (now && now.id !== id) throw new QnaError('ANOTHER_ANSWERING', `question ${now.id} is being answered; mark it answered or release it first`);
    const q = this.move(id, 'startAnswering');
    q.answeringAtMs = nowMs;
    return clone(q);
  }

  release(id: string): Question {
    const q = this.move(id, 'release');
    q.answeringAtMs = null;
    return clone(q);
  }

  /** Marks answered, from "answering now" (the host answered live) or straight from the queue (cs answered in text). */
  markAnswered(id: string, nowMs: number, answerText: string | null = null): Question {
    const q = this.get(id);
    if (q.status === 'submitted') {
      if (answerText === null) throw new QnaError('INVALID_TRANSITION', 'a waiting question is answered in text or taken live first');
      q.status = 'answered';
    } else this.move(id, 'markAnswered');
    q.answeredAtMs = nowMs;
    q.answerText = answerText;
    return clone(q);
  }

  dismiss(id: string): Question {
    return clone(this.move(id, 'dismiss'));
  }

  answeringNow(): Question | null {
    for (const q of this.questions.values()) if (q.status === 'answering') return clone(q);
    return null;
  }

  /** The host's queue: waiting questions in queue order. */
  queue(): Question[] {
    return [...this.questions.values()].filter((q) => q.status === 'submitted').sort(compareQueue).map(clone);
  }

  /** Answered questions stay visible, most recently answered first. */
  answered(): Question[] {
    return [...this.questions.values()]
      .filter((q) => q.status === 'answered')
      .sort((a, b) => (b.answeredAtMs ?? 0) - (a.answeredAtMs ?? 0))
      .map(clone);
  }

  private get(id: string): Question {
    const q = this.questions.get(id);
    if (!q) throw new QnaError('NOT_FOUND', `no question ${id}`);
    return q;
  }

  private move(id: string, event: QuestionEvent): Question {
    const q = this.get(id);
    const to = questionTransitions[q.status][event];
    if (!to) throw new QnaError('INVALID_TRANSITION', `a ${q.status} question cannot ${event}`);
    q.status = to;
    return q;
  }
}
