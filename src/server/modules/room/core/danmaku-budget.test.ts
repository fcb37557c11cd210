import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBudget, BudgetClock, hash32, mergeKey, type BudgetComment } from './danmaku-budget.js';

let nextId = 0;
function c(text: string, over: Partial<BudgetComment> = {}): BudgetComment {
  nextId++;
  return { id: `c${String(nextId).padStart(4, '0')}`, uid: `u${nextId}`, text, tier: 2, lvl: 0, at: 1000 + nextId, ...over };
}

describe('mergeKey', () => {
  it('trims, NFKC-normalises, case-folds and collapses whitespace', () => {
    expect(mergeKey('  Hello   World ')).toBe('hello world');
    expect(mergeKey('６６６')).toBe('666'); // fullwidth digits
    expect(mergeKey('ＡＢＣ\t\nd')).toBe('abc d');
    expect(mergeKey('好看！')).toBe(mergeKey('好看!'));
  });
});

describe('applyBudget', () => {
  it('merges identical comments into the earliest one with n = count', () => {
    const a = c('666', { uid: 'ua' });
    const b = c(' 666 ');
    const d = c('６６６');
    const e = c('nice');
    const r = applyBudget([d, e, b, a], 10, 's');
    expect(r.shown.map((x) => [x.id, x.uid, x.n])).toEqual([
      [a.id, 'ua', 3],
      [e.id, e.uid, 1],
    ]);
    expect(r.mergedAway).toBe(2);
    expect(r.dropped).toBe(0);
  });

  it('never hides a tier-0 comment inside a merged crowd, but merges tier 1 with tier 2', () => {
    const crowd = [c('welcome'), c('Welcome'), c('WELCOME')];
    const host = c('welcome', { tier: 0 });
    const fan = c('welcome', { tier: 1, lvl: 3 });
    const r = applyBudget([...crowd, host, fan], 10, 's');
    expect(r.shown).toHaveLength(2);
    const hostItem = r.shown.find((x) => x.id === host.id);
    expect(hostItem?.n).toBe(1);
    expect(r.shown.find((x) => x.id === crowd[0]?.id)?.n).toBe(4);
  });

  it('shows tier 0 first, then tier 1 by level, then tier 2', () => {
    const host = c('host says hi', { tier: 0 });
    const team = c('team here', { tier: 0 });
    const fan9 = c('fan nine', { tier: 1, lvl: 9 });
    const fan2 = c('fan two', { tier: 1, lvl: 2 });
    const fan5 = c('fan five', { tier: 1, lvl: 5 });
    const crowd = [c('one'), c('two'), c('three')];
    const input = [...crowd, fan2, host, fan5, fan9, team];

    expect(applyBudget(input, 2, 's').shown.map((x) => x.id).sort()).toEqual([host.id, team.id].sort());
    expect(applyBudget(input, 4, 's').shown.map((x) => x.id).sort()).toEqual([host.id, team.id, fan9.id, fan5.id].sort());
    const five = applyBudget(input, 5, 's');
    expect(five.shown.map((x) => x.id).sort()).toEqual([host.id, team.id, fan9.id, fan5.id, fan2.id].sort());
    expect(five.dropped).toBe(3);
    const one = applyBudget(input, 1, 's');
    expect(one.shown).toHaveLength(1);
    expect([host.id, team.id]).toContain(one.shown[0]?.id);
  });

  it('ranks a merged item as its best member', () => {
    const first = c('gg'); // tier 2, earliest: it is the one shown
    const fan = c('gg', { tier: 1, lvl: 1 });
    const other = c('other');
    const r = applyBudget([first, other, fan], 1, 'salt');
    expect(r.shown).toEqual([{ ...first, n: 2 }]);
    expect(r.dropped).toBe(1);
  });

  it('orders the result by at, then id', () => {
    const x = c('x', { at: 5, id: 'b' });
    const y = c('y', { at: 5, id: 'a' });
    const z = c('z', { at: 1, id: 'z' });
    expect(applyBudget([x, y, z], 10, 's').shown.map((s) => s.id)).toEqual(['z', 'a', 'b']);
  });

  it('shows nothing for slots <= 0 or NaN, everything for Infinity, and floors fractions', () => {
    const input = [c('a'), c('b'), c('c'), c('a')];
    for (const slots of [0, -3, Number.NaN]) {
      const r = applyBudget(input, slots, 's');
      expect(r).toEqual({ shown: [], mergedAway: 0, dropped: 4 });
    }
    const all = applyBudget(input, Number.POSITIVE_INFINITY, 's');
    expect(all.shown).toHaveLength(3);
    expect(all.mergedAway).toBe(1);
    expect(all.dropped).toBe(0);
    expect(applyBudget(input, 1.9, 's').shown).toHaveLength(1);
    expect(applyBudget([], 5, 's')).toEqual({ shown: [], mergedAway: 0, dropped: 0 });
  });

  it('keeps extra fields of the caller type', () => {
    const withName = { ...c('hey'), name: 'Ann' };
    const r = applyBudget([withName], 1, 's');
    expect(r.shown[0]?.name).toBe('Ann');
    expect(r.shown[0]?.n).toBe(1);
  });

  it('changes the pick inside a tier with the salt, deterministically', () => {
    const input = Array.from({ length: 20 }, (_, i) => c(`msg ${i}`));
    const picks = new Set<string>();
    for (const salt of ['t1', 't2', 't3', 't4', 't5']) {
      const a = applyBudget(input, 3, salt).shown.map((x) => x.id).join();
      expect(applyBudget(input, 3, salt).shown.map((x) => x.id).join()).toBe(a);
      picks.add(a);
    }
    expect(picks.size).toBeGreaterThan(1);
  });

  // --- properties -----------------------------------------------------------------------
  const commentArb = fc.record({
    text: fc.constantFrom('666', ' 666', 'Hi', 'hi', 'HI  there', 'hi there', '好', '好看', 'ｈｉ', 'wow', 'x'),
    uid: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
    tier: fc.integer({ min: 0, max: 2 }),
    lvl: fc.integer({ min: 0, max: 5 }),
    at: fc.integer({ min: 0, max: 20 }),
  });
  const inputArb = fc
    .array(commentArb, { maxLength: 40 })
    .map((xs) => xs.map((x, i): BudgetComment => ({ ...x, id: `id${i}` })));
  const slotsArb = fc.oneof(fc.integer({ min: -2, max: 45 }), fc.constant(Number.POSITIVE_INFINITY), fc.double({ min: 0, max: 10, noNaN: true }));

  it('respects slots and accounts for every comment exactly once', () => {
    fc.assert(
      fc.property(inputArb, slotsArb, fc.string(), (input, slots, salt) => {
        const r = applyBudget(input, slots, salt);
        if (slots !== Number.POSITIVE_INFINITY && r.shown.length > Math.max(Math.floor(slots), 0)) return false;
        if (slots === Number.POSITIVE_INFINITY && r.dropped !== 0) return false;
        const sumN = r.shown.reduce((s, x) => s + x.n, 0);
        if (sumN + r.dropped !== input.length) return false;
        if (r.mergedAway !== sumN - r.shown.length) return false;
        return new Set(r.shown.map((x) => x.id)).size === r.shown.length && r.shown.every((x) => x.n >= 1);
      }),
    );
  });

  it('never shows a lower tier while a tier-0 comment is dropped', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 10 }), fc.string(), (input, slots, salt) => {
        const r = applyBudget(input, slots, salt);
        const shownTier0 = r.shown.filter((x) => x.tier === 0).reduce((s, x) => s + x.n, 0);
        const tier0Total = input.filter((x) => x.tier === 0).length;
        const tier0Dropped = shownTier0 < tier0Total;
        return !tier0Dropped || r.shown.every((x) => x.tier === 0);
      }),
    );
  });

  it('never shows the same text twice within tier 0 or within the other tiers', () => {
    fc.assert(
      fc.property(inputArb, slotsArb, fc.string(), (input, slots, salt) => {
        const r = applyBudget(input, slots, salt);
        const keys = r.shown.map((x) => `${x.tier === 0 ? 0 : 1}|${mergeKey(x.text)}`);
        return new Set(keys).size === keys.length;
      }),
    );
  });

  it('is deterministic and independent of arrival order', () => {
    fc.assert(
      fc.property(
        inputArb.chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }))),
        fc.integer({ min: 0, max: 12 }),
        fc.string(),
        ([input, shuffled], slots, salt) => {
          const a = applyBudget(input, slots, salt);
          const b = applyBudget(input, slots, salt);
          const s = applyBudget(shuffled, slots, salt);
          const sig = (r: typeof a): string => JSON.stringify(r);
          return sig(a) === sig(b) && sig(a) === sig(s);
        },
      ),
    );
  });

  it('is ordered by at then id', () => {
    fc.assert(
      fc.property(inputArb, slotsArb, fc.string(), (input, slots, salt) => {
        const r = applyBudget(input, slots, salt);
        return r.shown.every((x, i) => {
          const prev = r.shown[i - 1];
          return !prev || prev.at < x.at || (prev.at === x.at && prev.id < x.id);
        });
      }),
    );
  });

  it('gives equal-priority senders a share proportional to what they send', () => {
    // Fixed seed: sender k sends k comments per tick (1..4, ten per tick), 3 slots per tick.
    const shares = new Map<string, number>();
    const ticks = 4000;
    let shownTotal = 0;
    for (let t = 0; t < ticks; t++) {
      const input: BudgetComment[] = [];
      for (let k = 1; k <= 4; k++) {
        for (let j = 0; j < k; j++) input.push({ id: `t${t}-s${k}-${j}`, uid: `s${k}`, text: `tick ${t} from ${k} #${j}`, tier: 2, lvl: 0, at: t * 1000 + j });
      }
      for (const x of applyBudget(input, 3, `room-1:${t}`).shown) {
        shares.set(x.uid, (shares.get(x.uid) ?? 0) + 1);
        shownTotal++;
      }
    }
    expect(shownTotal).toBe(ticks * 3);
    for (let k = 1; k <= 4; k++) {
      const share = (shares.get(`s${k}`) ?? 0) / shownTotal;
      expect(Math.abs(share - k / 10)).toBeLessThan(0.02);
    }
  });
});

describe('hash32', () => {
  it('is stable and spreads short ids', () => {
    expect(hash32('abc')).toBe(hash32('abc'));
    const buckets = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const b = hash32(`c${i}\u0000s`) % 8;
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    for (const n of buckets) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });
});

describe('BudgetClock', () => {
  it('hands out rate * elapsed slots and carries fractions over', () => {
    const clock = new BudgetClock(15);
    const got = Array.from({ length: 10 }, () => clock.take(100)); // 1.5 per tick
    expect(got).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
  });

  it('caps the carry at one second of slots', () => {
    const clock = new BudgetClock(10);
    expect(clock.take(60_000)).toBe(10);
    clock.giveBack(100);
    expect(clock.take(0)).toBe(10);
    expect(clock.take(0)).toBe(0);
  });

  it('lets unused slots come back', () => {
    const clock = new BudgetClock(20);
    expect(clock.take(200)).toBe(4);
    clock.giveBack(3);
    expect(clock.take(50)).toBe(4);
    clock.giveBack(-5);
    clock.giveBack(Number.NaN);
    expect(clock.take(0)).toBe(0);
  });

  it('still shows something at rates below one per second', () => {
    const clock = new BudgetClock(0.5);
    const got = Array.from({ length: 8 }, () => clock.take(500));
    expect(got.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('shows nothing at rate <= 0 or NaN and everything at Infinity', () => {
    for (const rate of [0, -1, Number.NaN]) {
      const clock = new BudgetClock(rate);
      expect(clock.take(10_000)).toBe(0);
      clock.giveBack(5);
      expect(clock.take(10_000)).toBe(0);
    }
    expect(new BudgetClock(Number.POSITIVE_INFINITY).take(100)).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores negative and NaN elapsed times', () => {
    const clock = new BudgetClock(10);
    expect(clock.take(-1000)).toBe(0);
    expect(clock.take(Number.NaN)).toBe(0);
  });

  it('never hands out (net of returns) more than rate * elapsed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 80 }),
        (rate, ticks) => {
          const clock = new BudgetClock(rate);
          let given = 0;
          let elapsed = 0;
          let returned = 0;
          for (const [ms, back] of ticks) {
            elapsed += ms;
            const n = clock.take(ms);
            if (!Number.isInteger(n) || n < 0) return false;
            given += n;
            const b = Math.min(back, n);
            clock.giveBack(b);
            returned += b;
          }
          return given - returned <= (rate * elapsed) / 1000 + 1e-6;
        },
      ),
    );
  });
});
