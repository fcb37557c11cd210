import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QnaBoard, QnaError, decideSubmission, questionTransitions, timeToAnswerMs } from './qna.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');

const board = () => {
  const b = new QnaBoard();
  b.submit('q1', 'alice', 'Does it ship abroad?', T0);
  b.submit('q2', 'bob', 'Is it vegan?', T0 + 1_000);
  b.submit('q3', 'carol', 'What sizes?', T0 + 2_000);
  return b;
};

describe('qna transitions', () => {
  it('has exactly the documented transitions', () => {
    expect(questionTransitions).toEqual({
      submitted: { startAnswering: 'answering', dismiss: 'dismissed' },
      answering: { markAnswered: 'answered', release: 'submitted' },
      answered: {},
      dismissed: {},
    });
  });

  it('allows one "answering now" at a time and keeps the time to answer', () => {
    const b = board();
    b.startAnswering('q2', T0 + 10_000);
    expect(b.answeringNow()?.id).toBe('q2');
    expect(() => b.startAnswering('q1', T0 + 11_000)).toThrowError(expect.objectContaining({ code: 'ANOTHER_ANSWERING' }) as Error);
    const done = b.markAnswered('q2', T0 + 31_000);
    expect(timeToAnswerMs(done)).toBe(30_000);
    expect(b.answeringNow()).toBeNull();
    b.startAnswering('q1', T0 + 40_000);
    b.release('q1');
    expect(b.queue().map((q) => q.id)).toEqual(['q1', 'q3']);
    expect(b.answered().map((q) => q.id)).toEqual(['q2']);
    expect(() => b.startAnswering('q2', T0)).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }) as Error);
    expect(() => b.dismiss('nope')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }) as Error);
  });

  it('cs may answer a waiting question in text; without text it must be taken live', () => {
    const b = board();
    expect(() => b.markAnswered('q3', T0 + 5_000)).toThrow(QnaError);
    const q = b.markAnswered('q3', T0 + 5_000, 'S, M and L');
    expect(q).toMatchObject({ status: 'answered', answerText: 'S, M and L' });
    expect(timeToAnswerMs(q)).toBe(3_000);
    b.dismiss('q1');
    expect(b.queue().map((x) => x.id)).toEqual(['q2']);
  });
});

describe('qna upvotes and queue order', () => {
  it('one upvote per account, none on your own question, none once answered', () => {
    const b = board();
    expect(b.upvote('q1', 'alice')).toMatchObject({ ok: false, code: 'OWN_QUESTION' });
    expect(b.upvote('q1', 'bob')).toEqual({ ok: true, upvotes: 1 });
    expect(b.upvote('q1', 'bob')).toMatchObject({ ok: false, code: 'ALREADY_UPVOTED' });
    expect(b.upvote('zz', 'bob')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    b.startAnswering('q1', T0);
    expect(b.upvote('q1', 'carol')).toEqual({ ok: true, upvotes: 2 });
    b.markAnswered('q1', T0 + 1_000);
    expect(b.upvote('q1', 'dave')).toMatchObject({ ok: false, code: 'NOT_WAITING' });
    b.dismiss('q2');
    expect(b.upvote('q2', 'dave')).toMatchObject({ ok: false, code: 'NOT_WAITING' });
  });

  it('orders by upvotes, then older first', () => {
    const b = board();
    b.upvote('q3', 'alice');
    b.upvote('q3', 'bob');
    b.upvote('q2', 'carol');
    b.upvote('q1', 'dave');
    expect(b.queue().map((q) => q.id)).toEqual(['q3', 'q1', 'q2']);
  });

  it('queue is sorted and upvote counts equal distinct non-author voters (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 4 }), fc.nat({ max: 5 })), { maxLength: 80 }), (ups) => {
        const b = new QnaBoard();
        for (let i = 0; i < 5; i++) b.submit(`q${i}`, `u${i}`, 'text', T0 + i);
        const expected = new Map<string, Set<string>>();
        for (const [qi, ui] of ups) {
          b.upvote(`q${qi}`, `u${ui}`);
          if (qi !== ui) expected.set(`q${qi}`, (expected.get(`q${qi}`) ?? new Set()).add(`u${ui}`));
        }
        const restored = QnaBoard.fromState(JSON.parse(JSON.stringify(b.toState())) as ReturnType<QnaBoard['toState']>);
        const queue = restored.queue();
        for (const q of queue) expect(q.upvoters.length).toBe(expected.get(q.id)?.size ?? 0);
        for (let i = 1; i < queue.length; i++) {
          const [a, c] = [queue[i - 1]!, queue[i]!];
          expect(a.upvoters.length > c.upvoters.length || (a.upvoters.length === c.upvoters.length && a.submittedAtMs <= c.submittedAtMs)).toBe(true);
        }
      }),
    );
  });

  it('fromState refuses two questions answering at once', () => {
    const s = board().toState();
    s.questions.forEach((q) => (q.status = 'answering'));
    expect(() => QnaBoard.fromState(s)).toThrowError(expect.objectContaining({ code: 'ANOTHER_ANSWERING' }) as Error);
  });
});

describe('qna rate limit', () => {
  const limit = { max: 3, windowMs: 60_000 };
  it('allows K per sliding minute and says when the next is allowed', () => {
    expect(decideSubmission([], T0, limit)).toEqual({ ok: true });
    expect(decideSubmission([T0 - 50_000, T0 - 10_000], T0, limit)).toEqual({ ok: true });
    expect(decideSubmission([T0 - 50_000, T0 - 10_000, T0 - 1_000], T0, limit)).toEqual({ ok: false, retryAfterMs: 10_000 });
    expect(decideSubmission([T0 - 60_000, T0 - 10_000, T0 - 1_000], T0, limit)).toEqual({ ok: true });
  });

  it('never admits more than K in any window when a client retries at retryAfter (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 30_000 }), { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (gaps, max) => {
        const lim = { max, windowMs: 60_000 };
        let now = T0;
        const accepted: number[] = [];
        for (const g of gaps) {
          now += g;
          const d = decideSubmission(accepted, now, lim);
          if (d.ok) accepted.push(now);
          else {
            expect(d.retryAfterMs).toBeGreaterThan(0);
            expect(decideSubmission(accepted, now + d.retryAfterMs, lim).ok).toBe(true);
          }
        }
        for (const t of accepted) expect(accepted.filter((x) => x > t - 60_000 && x <= t).length).toBeLessThanOrEqual(max);
      }),
    );
  });
});
