// Pure helpers of the console's interactive-tools panel: figures people compare, clocks, and
// the mapping from what an operator typed to the request bodies of the interact API.
import { formatDuration } from '../../format/clock-format';
import type { CreateDrawBody, CreatePollBody, CreateQuizWithRewardBody, QuestionView } from '../../api/interact-console-api';

/** mm:ss, or h:mm:ss from an hour, of the time left until `endsAt` (never negative). */
export function timeLeft(endsAt: number | null, now: number): string {
  return endsAt === null ? '–' : formatDuration(endsAt - now, { round: 'up', padMinutes: true });
}

export interface OptionShare {
  count: number;
  /** Whole percent of voters who chose it (a multiple-choice poll's shares add up to more than 100). */
  percent: number;
  /** Bar width 0..100 relative to the largest count, so the leader fills the track. */
  width: number;
  leading: boolean;
}

/**
 * Each option's share of the voters. The denominator is voters, not votes: in a multiple-choice
 * poll "62% chose B" is what the host reads out, and it stays honest when shares exceed 100 in sum.
 */
export function pollShares(tally: readonly number[], voters: number): OptionShare[] {
  const max = Math.max(0, ...tally);
  return tally.map((count) => ({
    count,
    percent: voters > 0 ? Math.round((count / voters) * 100) : 0,
    width: max > 0 ? Math.round((count / max) * 100) : 0,
    leading: max > 0 && count === max,
  }));
}

// --- forms -> bodies ------------------------------------------------------------------------
/** Client-side problems as i18n keys under interactConsole.errors, by field. */
export type FormProblems<F extends string> = Partial<Record<F, string>>;
export type Mapped<B, F extends string> = { ok: true; body: B } | { ok: false; problems: FormProblems<F> };

/** A whole number typed by a person; null when blank, NaN when not a whole number. */
export function wholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

export interface PollForm {
  question: string;
  kind: 'single' | 'multiple';
  options: string[];
  durationSeconds: number;
}
export type PollField = 'question' | 'options' | 'durationSeconds';

export function pollFormToBody(f: PollForm): Mapped<CreatePollBody, PollField> {
  const problems: FormProblems<PollField> = {};
  const options = f.options.map((o) => o.trim()).filter((o) => o !== '');
  if (f.question.trim() === '') problems.question = 'required';
  if (options.length < 2) problems.options = 'twoOptions';
  else if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) problems.options = 'sameOption';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, body: { question: f.question.trim(), kind: f.kind, options, durationSeconds: f.durationSeconds } };
}

export const prizeKinds = ['points', 'coupon', 'product', 'text'] as const;
export type PrizeKind = (typeof prizeKinds)[number];

export interface DrawForm {
  title: string;
  prizeKind: PrizeKind;
  productId: string;
  templateId: string;
  points: string;
  /** The prize's name as shown in the room (required for a text prize, optional otherwise). */
  label: string;
  winnerCount: string;
  entrySeconds: number;
  phrase: string;
  minWatchMinutes: string;
  minFanLevel: string;
  followsBrand: boolean;
  reservedSession: boolean;
  boughtInSession: boolean;
  accountOlderThanSession: boolean;
  inRoomAtDraw: boolean;
  capWins: boolean;
  maxWins: string;
  windowDays: string;
  claimHours: string;
  unclaimed: 'redraw' | 'lapse';
}
export type DrawField =
  | 'title'
  | 'productId'
  | 'templateId'
  | 'points'
  | 'label'
  | 'winnerCount'
  | 'entrySeconds'
  | 'phrase'
  | 'minWatchMinutes'
  | 'minFanLevel'
  | 'maxWins'
  | 'windowDays'
  | 'claimHours';

export const emptyDrawForm = (): DrawForm => ({
  title: '',
  prizeKind: 'points',
  productId: '',
  templateId: '',
  points: '100',
  label: '',
  winnerCount: '1',
  entrySeconds: 180,
  phrase: '',
  minWatchMinutes: '',
  minFanLevel: '',
  followsBrand: false,
  reservedSession: false,
  boughtInSession: false,
  accountOlderThanSession: false,
  inRoomAtDraw: false,
  capWins: false,
  maxWins: '1',
  windowDays: '30',
  claimHours: '48',
  unclaimed: 'redraw',
});

export function drawFormToBody(f: DrawForm): Mapped<CreateDrawBody, DrawField> {
  const problems: FormProblems<DrawField> = {};
  const num = (field: DrawField, text: string, min: number, max: number, required: boolean): number | undefined => {
    const n = wholeNumber(text);
    if (n === null) {
      if (required) problems[field] = 'required';
      return undefined;
    }
    if (Number.isNaN(n) || n < min || n > max) {
      problems[field] = 'range';
      return undefined;
    }
    return n;
  };
  const title = f.title.trim();
  const label = f.label.trim();
  if (title === '') problems.title = 'required';
  let prize: CreateDrawBody['prize'] | undefined;
  const withLabel = label === '' ? {} : { label };
  switch (f.prizeKind) {
    case 'product':
      if (f.productId === '') problems.productId = 'chooseProduct';
      else prize = { kind: 'product', productId: f.productId, ...withLabel };
      break;
    case 'coupon':
      if (f.templateId === '') problems.templateId = 'chooseCoupon';
      else prize = { kind: 'coupon', templateId: f.templateId, ...withLabel };
      break;
    case 'points': {
      const points = num('points', f.points, 1, 1_000_000, true);
      if (points !== undefined) prize = { kind: 'points', points, ...withLabel };
      break;
    }
    case 'text':
      if (label === '') problems.label = 'required';
      else prize = { kind: 'text', label };
      break;
  }
  const winnerCount = num('winnerCount', f.winnerCount, 1, 10_000, true);
  const minWatchMinutes = num('minWatchMinutes', f.minWatchMinutes, 1, 1440, false);
  const minFanLevel = num('minFanLevel', f.minFanLevel, 1, 100, false);
  const claimHours = num('claimHours', f.claimHours, 1, 720, true);
  const maxWins = f.capWins ? num('maxWins', f.maxWins, 1, 1000, true) : undefined;
  const windowDays = f.capWins ? num('windowDays', f.windowDays, 1, 365, true) : undefined;
  const phrase = f.phrase.trim();
  if (Object.keys(problems).length > 0 || !prize || winnerCount === undefined || claimHours === undefined) return { ok: false, problems };
  return {
    ok: true,
    body: {
      title,
      prize,
      winnerCount,
      entrySeconds: f.entrySeconds,
      rules: {
        ...(phrase === '' ? {} : { phrase }),
        ...(minWatchMinutes === undefined ? {} : { minWatchMinutes }),
        ...(minFanLevel === undefined ? {} : { minFanLevel }),
        followsBrand: f.followsBrand,
        reservedSession: f.reservedSession,
        boughtInSession: f.boughtInSession,
        accountOlderThanSession: f.accountOlderThanSession,
        inRoomAtDraw: f.inRoomAtDraw,
        ...(maxWins !== undefined && windowDays !== undefined ? { repeatWinCap: { maxWins, windowDays } } : {}),
      },
      claimHours,
      unclaimed: f.unclaimed,
    },
  };
}

export interface QuizQuestionForm {
  prompt: string;
  options: string[];
  correctIndex: number;
  windowSeconds: string;
}
export interface QuizForm {
  title: string;
  questions: QuizQuestionForm[];
  rewardTopN: string;
  rewardKind: 'none' | 'points' | 'coupon';
  rewardPoints: string;
  rewardTemplateId: string;
}
export type QuizField = 'title' | 'questions' | 'rewardTopN' | 'points' | 'templateId';

export const emptyQuizQuestion = (): QuizQuestionForm => ({ prompt: '', options: ['', ''], correctIndex: 0, windowSeconds: '15' });

export function quizFormToBody(f: QuizForm): Mapped<CreateQuizWithRewardBody, QuizField> {
  const problems: FormProblems<QuizField> = {};
  if (f.title.trim() === '') problems.title = 'required';
  const questions: CreateQuizWithRewardBody['questions'] = [];
  for (const q of f.questions) {
    const options = q.options.map((o) => o.trim());
    const window = wholeNumber(q.windowSeconds);
    const filled = options.filter((o) => o !== '');
    if (q.prompt.trim() === '' || filled.length !== options.length || options.length < 2) {
      problems.questions = 'questionIncomplete';
      continue;
    }
    if (window === null || Number.isNaN(window) || window < 3 || window > 600) {
      problems.questions = 'windowRange';
      continue;
    }
    questions.push({ prompt: q.prompt.trim(), options, correctIndex: Math.min(q.correctIndex, options.length - 1), windowSeconds: window });
  }
  if (f.questions.length === 0) problems.questions = 'oneQuestion';
  const topN = wholeNumber(f.rewardTopN);
  if (topN === null || Number.isNaN(topN) || topN > 1000) problems.rewardTopN = 'range';
  let reward: CreateQuizWithRewardBody['reward'] = { kind: 'none' };
  if (f.rewardKind === 'points') {
    const points = wholeNumber(f.rewardPoints);
    if (points === null || Number.isNaN(points) || points < 1 || points > 1_000_000) problems.points = 'range';
    else reward = { kind: 'points', points };
  } else if (f.rewardKind === 'coupon') {
    if (f.rewardTemplateId === '') problems.templateId = 'chooseCoupon';
    else reward = { kind: 'coupon', templateId: f.rewardTemplateId };
  }
  if (Object.keys(problems).length > 0 || topN === null) return { ok: false, problems };
  // No reward: nobody is "top N", whatever the hidden field still holds.
  return { ok: true, body: { title: f.title.trim(), questions, rewardTopN: reward.kind === 'none' ? 0 : topN, reward } };
}

export type CountdownField = 'label' | 'seconds' | 'endsAt';
export interface CountdownForm {
  label: string;
  mode: 'in' | 'at';
  minutes: string;
  /** A datetime-local value (this browser's time zone). */
  at: string;
}

export function countdownFormToBody(f: CountdownForm, now: number): Mapped<{ label: string; seconds?: number; endsAt?: string }, CountdownField> {
  const problems: FormProblems<CountdownField> = {};
  const label = f.label.trim();
  if (label === '') problems.label = 'required';
  if (f.mode === 'in') {
    const minutes = Number(f.minutes.trim());
    if (f.minutes.trim() === '' || !Number.isFinite(minutes) || minutes * 60 < 5 || minutes > 1440) problems.seconds = 'range';
    if (Object.keys(problems).length > 0) return { ok: false, problems };
    return { ok: true, body: { label, seconds: Math.round(minutes * 60) } };
  }
  const at = f.at === '' ? Number.NaN : new Date(f.at).getTime();
  if (Number.isNaN(at) || at <= now) problems.endsAt = 'future';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, body: { label, endsAt: new Date(at).toISOString() } };
}

/** "Time to answer" of an answered question in whole minutes (0: within the first minute), for the queue. */
export function answerMinutes(askedAt: number, answeredAt: number | null): number | null {
  if (answeredAt === null) return null;
  return Math.floor(Math.max(0, answeredAt - askedAt) / 60_000);
}

export interface QuestionQueue {
  answering: QuestionView[];
  /** Most upvoted first, then the longest waiting. */
  waiting: QuestionView[];
  /** Latest answered first. */
  answered: QuestionView[];
}

/** The console's Q&A queue: every question (the room's list keeps only the first 50). */
export function questionQueue(list: readonly QuestionView[]): QuestionQueue {
  const byVotesThenAge = (a: QuestionView, b: QuestionView) => b.upvotes - a.upvotes || a.askedAt - b.askedAt || (a.id < b.id ? -1 : 1);
  return {
    answering: list.filter((q) => q.status === 'answering').sort(byVotesThenAge),
    waiting: list.filter((q) => q.status === 'submitted').sort(byVotesThenAge),
    answered: list.filter((q) => q.status === 'answered').sort((a, b) => (b.answeredAt ?? 0) - (a.answeredAt ?? 0)),
  };
}

/** The wall-clock time (hh:mm) of a ms timestamp, in the reader's language. */
export function formatTime(ms: number, lang: string): string {
  return new Date(ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
}
