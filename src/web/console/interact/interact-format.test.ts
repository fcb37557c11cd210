import { describe, expect, it } from 'vitest';
import {
  answerMinutes,
  countdownFormToBody,
  drawFormToBody,
  emptyDrawForm,
  emptyQuizQuestion,
  pollFormToBody,
  pollShares,
  questionQueue,
  quizFormToBody,
  timeLeft,
  wholeNumber,
} from './interact-format';

describe('timeLeft', () => {
  it('counts whole seconds up, never below zero', () => {
    expect(timeLeft(10_500, 0)).toBe('00:11');
    expect(timeLeft(1_000, 5_000)).toBe('00:00');
    expect(timeLeft(3_725_000, 0)).toBe('1:02:05');
    expect(timeLeft(null, 0)).toBe('–');
  });
});

describe('pollShares', () => {
  it('gives each option its share of the voters and scales bars to the leader', () => {
    expect(pollShares([3, 1, 0], 4)).toEqual([
      { count: 3, percent: 75, width: 100, leading: true },
      { count: 1, percent: 25, width: 33, leading: false },
      { count: 0, percent: 0, width: 0, leading: false },
    ]);
  });
  it('lets a multiple-choice poll add up to more than 100 (share of voters, not of votes)', () => {
    const shares = pollShares([2, 2, 1], 2);
    expect(shares.map((s) => s.percent)).toEqual([100, 100, 50]);
    expect(shares.filter((s) => s.leading)).toHaveLength(2);
  });
  it('shows zeros, and no leader, before anyone votes', () => {
    expect(pollShares([0, 0], 0)).toEqual([
      { count: 0, percent: 0, width: 0, leading: false },
      { count: 0, percent: 0, width: 0, leading: false },
    ]);
  });
});

describe('wholeNumber', () => {
  it('reads blanks as null and anything else than digits as NaN', () => {
    expect(wholeNumber(' 12 ')).toBe(12);
    expect(wholeNumber('')).toBeNull();
    expect(wholeNumber('1.5')).toBeNaN();
    expect(wholeNumber('-3')).toBeNaN();
  });
});

describe('pollFormToBody', () => {
  it('drops empty option rows and trims', () => {
    expect(pollFormToBody({ question: ' Which colour? ', kind: 'single', options: ['Red ', '', 'Blue'], durationSeconds: 60 })).toEqual({
      ok: true,
      body: { question: 'Which colour?', kind: 'single', options: ['Red', 'Blue'], durationSeconds: 60 },
    });
  });
  it('names the question and options when they are missing or the same', () => {
    expect(pollFormToBody({ question: '', kind: 'single', options: ['A', ''], durationSeconds: 60 })).toEqual({ ok: false, problems: { question: 'required', options: 'twoOptions' } });
    expect(pollFormToBody({ question: 'Q', kind: 'multiple', options: ['A', 'a'], durationSeconds: 60 })).toEqual({ ok: false, problems: { options: 'sameOption' } });
  });
});

describe('drawFormToBody', () => {
  it('maps a points draw with no rules to the body the server expects', () => {
    const r = drawFormToBody({ ...emptyDrawForm(), title: 'Lucky bag', points: '500', winnerCount: '3' });
    expect(r).toEqual({
      ok: true,
      body: {
        title: 'Lucky bag',
        prize: { kind: 'points', points: 500 },
        winnerCount: 3,
        entrySeconds: 180,
        rules: { followsBrand: false, reservedSession: false, boughtInSession: false, accountOlderThanSession: false, inRoomAtDraw: false },
        claimHours: 48,
        unclaimed: 'redraw',
      },
    });
  });
  it('combines the rules and leaves blank optional numbers out', () => {
    const r = drawFormToBody({
      ...emptyDrawForm(),
      title: '福袋',
      prizeKind: 'coupon',
      templateId: 'tpl1',
      label: '20 off',
      phrase: ' 我要福袋 ',
      minWatchMinutes: '5',
      minFanLevel: '',
      followsBrand: true,
      inRoomAtDraw: true,
      capWins: true,
      maxWins: '2',
      windowDays: '30',
      unclaimed: 'lapse',
    });
    expect(r.ok && r.body.prize).toEqual({ kind: 'coupon', templateId: 'tpl1', label: '20 off' });
    expect(r.ok && r.body.rules).toEqual({
      phrase: '我要福袋',
      minWatchMinutes: 5,
      followsBrand: true,
      reservedSession: false,
      boughtInSession: false,
      accountOlderThanSession: false,
      inRoomAtDraw: true,
      repeatWinCap: { maxWins: 2, windowDays: 30 },
    });
    expect(r.ok && r.body.unclaimed).toBe('lapse');
  });
  it('names each field it cannot send', () => {
    const r = drawFormToBody({ ...emptyDrawForm(), prizeKind: 'product', winnerCount: '10001', minFanLevel: 'x', claimHours: '' });
    expect(r).toEqual({ ok: false, problems: { title: 'required', productId: 'chooseProduct', winnerCount: 'range', minFanLevel: 'range', claimHours: 'required' } });
    expect(drawFormToBody({ ...emptyDrawForm(), title: 'T', prizeKind: 'text', label: ' ' })).toEqual({ ok: false, problems: { label: 'required' } });
  });
});

describe('quizFormToBody', () => {
  const question = { ...emptyQuizQuestion(), prompt: '1+1?', options: ['1', '2', '3'], correctIndex: 1 };
  it('maps questions and the reward', () => {
    expect(quizFormToBody({ title: 'Warm-up', questions: [question], rewardTopN: '3', rewardKind: 'points', rewardPoints: '50', rewardTemplateId: '' })).toEqual({
      ok: true,
      body: { title: 'Warm-up', questions: [{ prompt: '1+1?', options: ['1', '2', '3'], correctIndex: 1, windowSeconds: 15 }], rewardTopN: 3, reward: { kind: 'points', points: 50 } },
    });
  });
  it('rewards nobody without a reward', () => {
    const r = quizFormToBody({ title: 'Q', questions: [question], rewardTopN: '3', rewardKind: 'none', rewardPoints: '', rewardTemplateId: '' });
    expect(r.ok && r.body.rewardTopN).toBe(0);
  });
  it('refuses an unfinished question or a missing coupon', () => {
    const r = quizFormToBody({ title: 'Q', questions: [{ ...question, options: ['1', ''] }], rewardTopN: '0', rewardKind: 'coupon', rewardPoints: '', rewardTemplateId: '' });
    expect(r).toEqual({ ok: false, problems: { questions: 'questionIncomplete', templateId: 'chooseCoupon' } });
  });
});

describe('countdownFormToBody', () => {
  it('sends seconds for "in N minutes" and an ISO time for "at"', () => {
    expect(countdownFormToBody({ label: 'Flash sale', mode: 'in', minutes: '2.5', at: '' }, 0)).toEqual({ ok: true, body: { label: 'Flash sale', seconds: 150 } });
    const at = '2030-01-01T20:00';
    const r = countdownFormToBody({ label: 'Draw', mode: 'at', minutes: '', at }, 0);
    expect(r.ok && r.body.endsAt).toBe(new Date(at).toISOString());
  });
  it('refuses a time in the past and a too-short countdown', () => {
    expect(countdownFormToBody({ label: 'x', mode: 'at', minutes: '', at: '2000-01-01T00:00' }, Date.now())).toEqual({ ok: false, problems: { endsAt: 'future' } });
    expect(countdownFormToBody({ label: '', mode: 'in', minutes: '0', at: '' }, 0)).toEqual({ ok: false, problems: { label: 'required', seconds: 'range' } });
  });
});

describe('answerMinutes', () => {
  it('counts whole minutes to answer, 0 within the first minute', () => {
    expect(answerMinutes(0, 10_000)).toBe(0);
    expect(answerMinutes(0, 150_000)).toBe(2);
    expect(answerMinutes(0, null)).toBeNull();
  });
});

describe('questionQueue', () => {
  const q = (id: string, status: 'submitted' | 'answering' | 'answered' | 'dismissed', upvotes: number, askedAt: number, answeredAt: number | null = null) => ({ id, uid: 'u', name: 'n', text: 't', status, upvotes, answerText: null, askedAt, answeredAt });
  it('puts the one being answered first, then waiting by votes then age, answered latest first; dismissed ones out', () => {
    const r = questionQueue([q('a', 'submitted', 1, 10), q('b', 'submitted', 5, 20), q('c', 'submitted', 1, 5), q('d', 'answering', 0, 1), q('e', 'answered', 9, 1, 100), q('f', 'answered', 0, 2, 200), q('g', 'dismissed', 50, 1)]);
    expect(r.answering.map((x) => x.id)).toEqual(['d']);
    expect(r.waiting.map((x) => x.id)).toEqual(['b', 'c', 'a']);
    expect(r.answered.map((x) => x.id)).toEqual(['f', 'e']);
  });
});
