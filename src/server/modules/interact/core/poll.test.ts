import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Poll, PollError, choiceProblem, pollTransitions, type PollDefinition, type Voter } from './poll.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');
const def = (over: Partial<PollDefinition> = {}): PollDefinition => ({
  id: 'p1',
  question: 'Which colour?',
  kind: 'single',
  options: ['red', 'green', 'blue'],
  durationMs: 60_000,
  ...over,
});
const clockAt = (start = T0) => {
  let now = start;
  return { clock: () => now, set: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
};
const acct = (id: string): Voter => ({ kind: 'account', accountId: id });

describe('poll lifecycle', () => {
  it('has exactly the documented transitions', () => {
    expect(pollTransitions).toEqual({ draft: { open: 'open' }, open: { close: 'closed' }, closed: {} });
  });

  it('refuses invalid transitions with a typed error', () => {
    const c = clockAt();
    const p = Poll.create(def(), c.clock);
    expect(() => p.close()).toThrow(PollError);
    p.open();
    expect(() => p.open()).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }) as Error);
    p.close();
    expect(p.currentStatus()).toBe('closed');
    expect(() => p.close()).toThrowError(expect.objectContaining({ code: 'INVALID_TRANSITION' }) as Error);
  });

  it('refuses definitions outside 2-6 options or without a duration', () => {
    expect(() => Poll.create(def({ options: ['a'] }), () => T0)).toThrowError(expect.objectContaining({ code: 'INVALID_DEFINITION' }) as Error);
    expect(() => Poll.create(def({ options: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }), () => T0)).toThrow(PollError);
    expect(() => Poll.create(def({ durationMs: 0 }), () => T0)).toThrow(PollError);
  });

  it('the clock closes the poll at opensAt + duration', () => {
    const c = clockAt();
    const p = Poll.create(def(), c.clock);
    p.open();
    expect(p.closesAtMs).toBe(T0 + 60_000);
    c.set(T0 + 59_999);
    expect(p.vote(acct('a'), [0])).toEqual({ ok: true, choices: [0] });
    c.set(T0 + 60_000);
    expect(p.vote(acct('b'), [1])).toMatchObject({ ok: false, code: 'CLOSED' });
    expect(p.currentStatus()).toBe('closed');
    expect(p.toState().closedAtMs).toBe(T0 + 60_000);
    // An operator close after the clock's end is the clock's close, not an error.
    const q = Poll.create(def(), c.clock);
    c.set(T0);
    q.open();
    c.set(T0 + 120_000);
    q.close();
    expect(q.toState().closedAtMs).toBe(T0 + 60_000);
  });
});

describe('poll votes', () => {
  it('guests cannot vote; a draft poll takes no votes', () => {
    const p = Poll.create(def(), () => T0);
    expect(p.vote(acct('a'), [0])).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    p.open();
    expect(p.vote({ kind: 'guest' }, [0])).toMatchObject({ ok: false, code: 'GUEST' });
    expect(p.tallies()).toEqual([0, 0, 0]);
  });

  it('first vote wins: a second vote by the same account changes nothing', () => {
    const p = Poll.create(def(), () => T0);
    p.open();
    expect(p.vote(acct('a'), [2]).ok).toBe(true);
    expect(p.vote(acct('a'), [0])).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    expect(p.tallies()).toEqual([0, 0, 1]);
    expect(p.choicesOf('a')).toEqual([2]);
  });

  it('checks choices against the kind and option count', () => {
    expect(choiceProblem('single', 3, [0, 1])).toMatch(/exactly one/);
    expect(choiceProblem('single', 3, [])).toMatch(/at least one/);
    expect(choiceProblem('multiple', 3, [0, 0])).toMatch(/twice/);
    expect(choiceProblem('multiple', 3, [0, 3])).toMatch(/0 to 2/);
    expect(choiceProblem('multiple', 3, [0, 1, 2, 0])).toMatch(/at most 3/);
    expect(choiceProblem('multiple', 3, [1.5])).toMatch(/0 to 2/);
    expect(choiceProblem('multiple', 3, [2, 0, 1])).toBeNull();
    const p = Poll.create(def({ kind: 'multiple' }), () => T0);
    p.open();
    expect(p.vote(acct('a'), [2, 0])).toEqual({ ok: true, choices: [0, 2] });
    expect(p.vote(acct('b'), [1, 1])).toMatchObject({ ok: false, code: 'INVALID_CHOICE' });
    expect(p.tallies()).toEqual([1, 0, 1]);
    expect(p.hasVoted('b')).toBe(false);
  });

  it('drain reports each tick once and null on a quiet tick', () => {
    const p = Poll.create(def(), () => T0);
    p.open();
    expect(p.drain()).toBeNull();
    p.vote(acct('a'), [0]);
    p.vote(acct('b'), [0]);
    p.vote(acct('c'), [1]);
    expect(p.drain()).toEqual({ delta: [2, 1, 0], tally: [2, 1, 0], voters: 3 });
    expect(p.drain()).toBeNull();
    p.vote(acct('d'), [2]);
    expect(p.drain()).toEqual({ delta: [0, 0, 1], tally: [2, 1, 1], voters: 4 });
  });

  it('fromState refuses a state that does not add up', () => {
    const p = Poll.create(def(), () => T0);
    p.open();
    p.vote(acct('a'), [0]);
    const s = p.toState();
    expect(() => Poll.fromState({ ...s, votes: [...s.votes, { accountId: 'a', choices: [1], atMs: T0 }] }, () => T0)).toThrowError(
      expect.objectContaining({ code: 'INVALID_STATE' }) as Error,
    );
    expect(() => Poll.fromState({ ...s, drained: [5, 0, 0] }, () => T0)).toThrow(PollError);
    expect(() => Poll.fromState({ ...s, votes: [{ accountId: 'b', choices: [9], atMs: T0 }] }, () => T0)).toThrow(PollError);
  });
});

// One step of a live poll: a vote attempt from one of N accounts (or a guest), a tick, or a restart.
type Step = { t: 'vote'; who: number; choices: number[] } | { t: 'guest' } | { t: 'tick' } | { t: 'restart' };
const stepArb = (accounts: number, options: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ t: fc.constant('vote' as const), who: fc.nat({ max: accounts - 1 }), choices: fc.array(fc.nat({ max: options }), { minLength: 0, maxLength: options + 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ t: 'guest' as const }) },
    { weight: 2, arbitrary: fc.constant({ t: 'tick' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'restart' as const }) },
  );

describe('poll properties', () => {
  it('any interleaving: each account counted once, tallies add up, drained deltas sum to the tally, restarts lose nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom('single' as const, 'multiple' as const),
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(fc.constant(n), fc.array(stepArb(n, 6), { maxLength: 80 }))),
        (optionCount, kind, [accounts, steps]) => {
          const c = clockAt();
          let p = Poll.create(def({ kind, options: Array.from({ length: optionCount }, (_, i) => `o${i}`), durationMs: 3_600_000 }), c.clock);
          p.open();
          const firstAccepted = new Map<number, number[]>();
          const drainedSum = Array.from({ length: optionCount }, () => 0);
          const addTick = () => {
            const d = p.drain();
            if (d) d.delta.forEach((x, i) => (drainedSum[i] = (drainedSum[i] ?? 0) + x));
          };
          for (const s of steps) {
            c.advance(1);
            if (s.t === 'vote') {
              const r = p.vote(acct(`u${s.who}`), s.choices);
              if (r.ok) {
                expect(firstAccepted.has(s.who)).toBe(false);
                firstAccepted.set(s.who, r.choices);
              } else if (firstAccepted.has(s.who)) expect(r.code).toBe('ALREADY_VOTED');
            } else if (s.t === 'guest') expect(p.vote({ kind: 'guest' }, [0]).ok).toBe(false);
            else if (s.t === 'tick') addTick();
            else {
              const before = p.toState();
              p = Poll.fromState(JSON.parse(JSON.stringify(before)) as typeof before, c.clock);
              expect(p.toState()).toEqual(before);
            }
          }
          addTick();
          const tally = p.tallies();
          const expected = Array.from({ length: optionCount }, () => 0);
          for (const ch of firstAccepted.values()) for (const x of ch) expected[x] = (expected[x] ?? 0) + 1;
          expect(tally).toEqual(expected);
          expect(drainedSum).toEqual(tally);
          expect(p.voterCount()).toBe(firstAccepted.size);
          for (const [who, ch] of firstAccepted) expect(p.choicesOf(`u${who}`)).toEqual(ch);
          expect(accounts).toBeGreaterThanOrEqual(firstAccepted.size);
          if (kind === 'single') expect(tally.reduce((a, b) => a + b, 0)).toBe(firstAccepted.size);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('toState / fromState round-trips through JSON in every status', () => {
    fc.assert(
      fc.property(fc.constantFrom('draft', 'open', 'closed'), fc.array(fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 2 })), { maxLength: 30 }), (target, votes) => {
        const c = clockAt();
        const p = Poll.create(def(), c.clock);
        if (target !== 'draft') {
          p.open();
          for (const [who, ch] of votes) p.vote(acct(`u${who}`), [ch]);
          p.drain();
          for (const [who, ch] of votes.slice(0, 3)) p.vote(acct(`v${who}`), [ch]);
          if (target === 'closed') p.close();
        }
        const s = JSON.parse(JSON.stringify(p.toState())) as ReturnType<Poll['toState']>;
        const q = Poll.fromState(s, c.clock);
        expect(q.toState()).toEqual(p.toState());
        expect(q.tallies()).toEqual(p.tallies());
        expect(q.drain()).toEqual(p.drain());
        expect(q.currentStatus()).toBe(target);
      }),
      { numRuns: 200 },
    );
  });
});

describe('poll retract and held-back drains', () => {
  it('a held-back vote stays out of the drained mark; retracting it leaves the room untold', () => {
    const c = clockAt();
    const p = Poll.create(def(), c.clock);
    p.open();
    p.vote(acct('a'), [0]);
    p.vote(acct('b'), [1]);
    // b's write is still in flight: only a is drained.
    expect(p.drain([0, 1, 0])).toMatchObject({ delta: [1, 0, 0], tally: [1, 0, 0] });
    expect(p.retract('b')).toBe(true);
    expect(p.retract('b')).toBe(false);
    expect(p.tallies()).toEqual([1, 0, 0]);
    expect(p.hasVoted('b')).toBe(false);
    expect(p.drain()).toBeNull();
    // b may vote again (the database decides between nodes).
    expect(p.vote(acct('b'), [2]).ok).toBe(true);
    expect(p.drain()).toMatchObject({ delta: [0, 0, 1] });
  });

  it('drained deltas sum to the tally of the votes that stay, whatever is retracted and held back', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 6 }), fc.nat({ max: 2 }), fc.boolean(), fc.boolean()), { maxLength: 40 }), (steps) => {
        const c = clockAt();
        const p = Poll.create(def(), c.clock);
        p.open();
        const told = [0, 0, 0];
        const add = (t: { delta: number[] } | null) => t?.delta.forEach((d, i) => (told[i] = (told[i] ?? 0) + d));
        for (const [who, ch, retract, drainNow] of steps) {
          const r = p.vote(acct(`u${who}`), [ch]);
          // A vote is held back in the drain that runs while it is pending, then kept or retracted.
          if (drainNow && r.ok) add(p.drain(p.tallies().map((_, i) => (i === ch ? 1 : 0))));
          if (retract && r.ok) p.retract(`u${who}`);
          expect(told.every((n, i) => n <= (p.tallies()[i] ?? 0))).toBe(true);
        }
        add(p.drain());
        expect(told).toEqual(p.tallies());
        expect(p.voterCount()).toBe(new Set(p.toState().votes.map((v) => v.accountId)).size);
      }),
      { numRuns: 300 },
    );
  });
});
