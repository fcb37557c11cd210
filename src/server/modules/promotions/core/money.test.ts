import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateProportional, cny, percentOfHalfUp } from './money.js';

describe('percentOfHalfUp', () => {
  it('rounds half up to a whole fen', () => {
    expect(percentOfHalfUp(1050, 5)).toBe(53); // 52.5 -> 53
    expect(percentOfHalfUp(1049, 5)).toBe(52); // 52.45 -> 52
    expect(percentOfHalfUp(10, 15)).toBe(2); // 1.5 -> 2
    expect(percentOfHalfUp(3, 10)).toBe(0); // 0.3 -> 0
    expect(percentOfHalfUp(5, 10)).toBe(1); // 0.5 -> 1
  });
  it('caps after rounding', () => {
    expect(percentOfHalfUp(100_000, 20, 5_000)).toBe(5_000);
    expect(percentOfHalfUp(1050, 5, 60)).toBe(53);
  });
  it('rejects fractional fen and bad percents', () => {
    expect(() => percentOfHalfUp(1.5, 10)).toThrow(RangeError);
    expect(() => percentOfHalfUp(100, 101)).toThrow(RangeError);
    expect(() => cny(-1)).toThrow(RangeError);
  });
});

describe('allocateProportional', () => {
  it('gives the remainder to the largest line, first on ties', () => {
    // 100 over 1:1:1 -> 33 each, remainder 1 to the first of the equal largest.
    expect(allocateProportional(100, [500, 500, 500], [500, 500, 500])).toEqual([34, 33, 33]);
    // 10 over 3000:7000 -> 3, 7 exactly.
    expect(allocateProportional(10, [3000, 7000], [3000, 7000])).toEqual([3, 7]);
    // 10 over 100:200:300 -> 1.66, 3.33, 5 -> 1, 3, 5, remainder 1 to the 300 line.
    expect(allocateProportional(10, [100, 200, 300], [100, 200, 300])).toEqual([1, 3, 6]);
    expect(allocateProportional(8, [300, 100, 300], [300, 100, 300])).toEqual([4, 1, 3]);
  });
  it('never gives a line more than its cap and refills the others', () => {
    expect(allocateProportional(150, [100, 100], [20, 200])).toEqual([20, 130]);
  });
  it('sums exactly and respects caps (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100 })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100 }),
        (raw, pct) => {
          const weights = raw.map(([w]) => w);
          const caps = raw.map(([w, p]) => Math.floor((w * p) / 100));
          const capTotal = caps.reduce((s, c) => s + c, 0);
          const amount = Math.floor((capTotal * pct) / 100);
          const out = allocateProportional(amount, weights, caps);
          expect(out.reduce((s, x) => s + x, 0)).toBe(amount);
          out.forEach((x, i) => {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(caps[i] ?? 0);
          });
        },
      ),
    );
  });

  it('gives exactly what the written rule gives (the first implementation, kept here as the spec)', () => {
    // The rule as first written (a Map of shares, refilled round by round); the module's version
    // allocates less but must agree on every input, caps that overflow included.
    const spec = (amountFen: number, weights: readonly number[], caps: readonly number[]): number[] => {
      const result = weights.map(() => 0);
      let open = weights.map((_, i) => i).filter((i) => (caps[i] ?? 0) > 0);
      let remaining = amountFen;
      while (remaining > 0 && open.length > 0) {
        const totalWeight = open.reduce((s, i) => s + (weights[i] ?? 0), 0);
        const shares = new Map<number, number>();
        let given = 0;
        for (const i of open) {
          const share = totalWeight === 0 ? 0 : Math.floor((remaining * (weights[i] ?? 0)) / totalWeight);
          shares.set(i, share);
          given += share;
        }
        let largest = open[0] as number;
        for (const i of open) if ((weights[i] ?? 0) > (weights[largest] ?? 0)) largest = i;
        shares.set(largest, (shares.get(largest) ?? 0) + (remaining - given));
        const overflowing = open.filter((i) => (shares.get(i) ?? 0) > (caps[i] ?? 0));
        if (overflowing.length === 0) {
          for (const i of open) result[i] = (result[i] ?? 0) + (shares.get(i) ?? 0);
          break;
        }
        for (const i of overflowing) {
          result[i] = caps[i] ?? 0;
          remaining -= caps[i] ?? 0;
        }
        open = open.filter((i) => !overflowing.includes(i));
      }
      return result;
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 60_000 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 100 }),
        (raw, pct) => {
          const weights = raw.map(([w]) => w);
          const caps = raw.map(([, c]) => c);
          const amount = Math.floor((caps.reduce((s, c) => s + c, 0) * pct) / 100);
          expect(allocateProportional(amount, weights, caps)).toEqual(spec(amount, weights, caps));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
