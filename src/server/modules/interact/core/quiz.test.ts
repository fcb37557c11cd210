import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Quiz, QuizError, quizTransitions, scoreAnswer, type Answerer, type QuizDefinition, type QuizState } from './quiz.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');
const def = (over: Partial<QuizDefinition> = {}): QuizDefinition => ({
  id: 'q1',
  title: 'Know your serum',
  questions: [
    { prompt: 'Main ingredient?', options: ['water', 'niacinamide', 'oil'], correctIndex: 1, windowMs: 10_000 },
    { prompt: 'Size?', options: ['30 ml', '50 ml'], correctIndex: 0, windowMs: 20_000 },
  ],
  rewardTopN: 2,
  ...over,
});
const clockAt = (start = T0) => {
  let now = start;
  return { clock: () => now, set: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
};
const acct = (id: string): Answerer => ({ kind: 'account', accountId: id });

describe('quiz scoring', () => {
  it('follows 1000 × correctness × (1 − 0.5 × elapsed/window)', () => {
    expect(scoreAnswer(true, 0, 10_000)).toBe(1000);
    expect(scoreAnswer(true, 5_000, 10_000)).toBe(750);
    expect(scoreAnswer(true, 10_000, 10_000)).toBe(500);
    expect(scoreAnswer(false, 0, 10_000)).toBe(0);
  });
  it('is monotone in speed and stays within (500, 1000] for a right answer inside the window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600_000 }), fc.nat(), fc.nat(), (w, a, b) => {
        const [x, y] = [a % w, b % w].sort((p, q) => p - q) as [number, number];
        expect(scoreAnswer(true, x, w)).toBeGreaterThanOrEqual(scoreAnswer(true, y, w));
        expect(scoreAnswer(true, y, w)).toBeGreaterThanOrEqual(500);
        expect(scoreAnswer(true, x, w)).toBeLessThanOrEqual(1000);
      }),
    );
  });
});

describe('quiz lifecycle', () => {
  it('has exactly the documented transitions', () => {
    expect(quizTransitions).toEqual({ draft: { ask: 'asking' }, asking: { reveal: 'revealed' }, revealed: { ask: 'asking', finish: 'finished' }, finished: {} });
  });

  it('refuses invalid transitions and asking past the last question', () => {
    const c = clockAt();
    const q = Quiz.create(def(), c.clock);
    expect(() => q.reveal()).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }) as Error);
    expect(() => q.finish()).toThrow(QuizError);
    q.ask();
    expect(() => q.ask()).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }) as Error);
    q.reveal();
    q.ask();
    c.advance(20_000); // the clock closes the window
    expect(q.currentStatus()).toBe('revealed');
    expect(() => q.ask()).toThrowError(expect.objectContaining({ code: 'NO_MORE_QUESTIONS' }) as Error);
    expect(() => q.rewards()).toThrowError(expect.objectContaining({ code: 'NOT_FINISHED' }) as Error);
    q.finish();
    expect(q.currentStatus()).toBe('finished');
  });

  it('refuses a bad definition', () => {
    expect(() => Quiz.create(def({ questions: [] }), () => T0)).toThrow(QuizError);
    expect(() => Quiz.create(def({ questions: [{ prompt: 'x', options: ['a', 'b'], correctIndex: 2, windowMs: 1 }] }), () => T0)).toThrow(/correctIndex/);
  });
});

describe('quiz answers and secrecy', () => {
  it('hides the correct answer and the scores while the window is open', () => {
    const c = clockAt();
    const q = Quiz.create(def(), c.clock);
    expect(q.publicView().current).toBeNull();
    q.ask();
    c.advance(1_000);
    expect(q.answer(acct('a'), 0, 1)).toEqual({ ok: true });
    const open = q.publicView();
    expect(open.current).not.toHaveProperty('correctIndex');
    expect(JSON.stringify(open)).not.toContain('correctIndex');
    expect(open.current?.answerCount).toBe(1);
    expect(q.leaderboard(10)).toEqual([]);
    c.advance(9_000);
    const closed = q.publicView();
    expect(closed.status).toBe('revealed');
    expect(closed.current?.correctIndex).toBe(1);
    expect(q.leaderboard(10)).toEqual([{ rank: 1, accountId: 'a', points: 950, correct: 1, answerTimeMs: 1_000 }]);
  });

  it('one answer per account per question, only inside the window, no guests', () => {
    const c = clockAt();
    const q = Quiz.create(def(), c.clock);
    expect(q.answer(acct('a'), 0, 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    q.ask();
    expect(q.answer({ kind: 'guest' }, 0, 1)).toMatchObject({ ok: false, code: 'GUEST' });
    expect(q.answer(acct('a'), 0, 7)).toMatchObject({ ok: false, code: 'INVALID_CHOICE' });
    expect(q.answer(acct('a'), 0, 0)).toEqual({ ok: true });
    expect(q.answer(acct('a'), 0, 1)).toMatchObject({ ok: false, code: 'ALREADY_ANSWERED' });
    expect(q.answer(acct('b'), 1, 0)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    c.advance(10_000);
    expect(q.answer(acct('b'), 0, 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
  });

  it('ranks by points, then by earlier total answer time; rewards the top N with points', () => {
    const c = clockAt();
    const q = Quiz.create(def({ rewardTopN: 3 }), c.clock);
    q.ask();
    c.advance(2_000);
    q.answer(acct('slow'), 0, 1);
    q.answer(acct('wrong'), 0, 0);
    c.set(T0 + 10_000);
    q.ask(); // asked at T0 + 10 000
    q.answer(acct('fast'), 1, 0); // 1000
    c.advance(4_000);
    q.answer(acct('slow'), 1, 0); // 900 + 900 = 1800
    q.reveal();
    q.finish();
    const board = q.leaderboard(10);
    expect(board.map((e) => [e.accountId, e.points])).toEqual([
      ['slow', 1800],
      ['fast', 1000],
      ['wrong', 0],
    ]);
    expect(q.rewards().map((e) => e.accountId)).toEqual(['slow', 'fast']);

    // A tie on points goes to the account that answered sooner in total.
    const c2 = clockAt();
    const t = Quiz.create(def({ questions: [{ prompt: 'x', options: ['a', 'b'], correctIndex: 0, windowMs: 1_000_000 }] }), c2.clock);
    t.ask();
    c2.advance(1);
    t.answer(acct('z-early'), 0, 0); // 1000 × (1 − 0.5e-6) rounds to 1000
    c2.advance(5);
    t.answer(acct('a-late'), 0, 0); // also 1000
    t.reveal();
    expect(t.leaderboard(2).map((e) => [e.accountId, e.points, e.answerTimeMs])).toEqual([
      ['z-early', 1000, 1],
      ['a-late', 1000, 6],
    ]);
  });
});

describe('quiz properties', () => {
  it('restart at any point loses nothing; leaderboard is sorted and counts each account once', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('answer' as const), who: fc.nat({ max: 7 }), choice: fc.nat({ max: 3 }), after: fc.nat({ max: 6_000 }) }),
            fc.constant({ t: 'next' as const }),
            fc.constant({ t: 'restart' as const }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const c = clockAt();
          let q = Quiz.create(def(), c.clock);
          q.ask();
          const answered = new Set<string>();
          for (const s of steps) {
            if (s.t === 'answer') {
              c.advance(s.after);
              const view = q.publicView();
              const r = q.answer(acct(`u${s.who}`), view.current?.index ?? 0, s.choice);
              const key = `${view.current?.index}:${s.who}`;
              if (r.ok) {
                expect(answered.has(key)).toBe(false);
                answered.add(key);
              }
              if (q.currentStatus() === 'asking') expect(q.publicView().current).not.toHaveProperty('correctIndex');
            } else if (s.t === 'next') {
              if (q.currentStatus() === 'asking') q.reveal();
              if (q.toState().current + 1 < 2) q.ask();
            } else {
              const before = q.toState();
              q = Quiz.fromState(JSON.parse(JSON.stringify(before)) as QuizState, c.clock);
              expect(q.toState()).toEqual(before);
            }
          }
          const board = q.leaderboard(100);
          expect(new Set(board.map((e) => e.accountId)).size).toBe(board.length);
          for (let i = 1; i < board.length; i++) {
            const [a, b] = [board[i - 1]!, board[i]!];
            expect(a.points > b.points || (a.points === b.points && a.answerTimeMs <= b.answerTimeMs)).toBe(true);
          }
          const total = q.toState().answers.reduce((n, list) => n + list.length, 0);
          expect(total).toBe(answered.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fromState refuses a state that does not add up', () => {
    const q = Quiz.create(def(), () => T0);
    q.ask();
    q.answer(acct('a'), 0, 1);
    const s = q.toState();
    expect(() => Quiz.fromState({ ...s, current: 1 }, () => T0)).toThrowError(expect.objectContaining({ code: 'INVALID_STATE' }) as Error);
    expect(() => Quiz.fromState({ ...s, answers: [[...s.answers[0]!, ...s.answers[0]!]] }, () => T0)).toThrow(/twice/);
  });
});

describe('quiz retractAnswer', () => {
  it('undoes an answer so the account may answer again', () => {
    let now = 0;
    const q = Quiz.create({ id: 'q', title: 'T', rewardTopN: 1, questions: [{ prompt: 'p', options: ['a', 'b'], correctIndex: 0, windowMs: 10_000 }] }, () => now);
    q.ask();
    now = 100;
    expect(q.answer({ kind: 'account', accountId: 'x' }, 0, 1)).toEqual({ ok: true });
    expect(q.answerOf('x', 0)).toEqual({ accountId: 'x', choice: 1, elapsedMs: 100 });
    expect(q.answerOf('y', 0)).toBeNull();
    expect(q.answerCount(0)).toBe(1);
    expect(q.answerCount(3)).toBe(0);
    expect(q.retractAnswer('x', 0)).toBe(true);
    expect(q.answerOf('x', 0)).toBeNull();
    expect(q.retractAnswer('x', 0)).toBe(false);
    expect(q.retractAnswer('x', 5)).toBe(false);
    expect(q.publicView().current?.answerCount).toBe(0);
    expect(q.answer({ kind: 'account', accountId: 'x' }, 0, 0)).toEqual({ ok: true });
  });
});
