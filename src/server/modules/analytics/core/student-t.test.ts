import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logGamma, regularizedIncompleteBeta, studentTCdf, studentTQuantile, studentTTwoSidedP } from './student-t.js';

/** |actual − expected| ≤ rel·|expected| (plus a tiny absolute floor for zeros). */
function close(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}

// Expected values computed with Python 3 + SciPy 1.17.1 (math.lgamma, scipy.special.betainc,
// scipy.stats.t.cdf / t.sf / t.ppf), printed with repr() and pasted here.
describe('logGamma', () => {
  it('matches math.lgamma', () => {
    const cases: [number, number][] = [
      [0.1, 2.2527126517342055], [0.5, 0.5723649429247004], [2.5, 0.2846828704729196],
      [10, 12.801827480081467], [100.5, 361.4355404677776], [50000.5, 490989.83315821405],
    ];
    for (const [x, v] of cases) close(logGamma(x), v, 1e-13);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
  });
});

describe('regularizedIncompleteBeta', () => {
  it('matches scipy.special.betainc', () => {
    const cases: [number, number, number, number][] = [
      [0.3, 2, 3, 0.34829999999999994], [0.9, 0.5, 0.5, 0.7951672353008665],
      [0.01, 5, 0.5, 2.4712578086395438e-11], [0.5, 100, 100, 0.4999999999999996], [0.2, 1, 1, 0.2],
    ];
    for (const [x, a, b, v] of cases) close(regularizedIncompleteBeta(x, a, b), v, 1e-10);
    // Large a: the log-gamma difference loses a few digits; 1e-6 relative is still far beyond what a p-value needs.
    close(regularizedIncompleteBeta(0.999, 50000, 0.5), 1.4863295759538154e-23, 1e-6);
  });

  it('is 0 at 0, 1 at 1, NaN outside the domain', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    expect(regularizedIncompleteBeta(1.5, 2, 3)).toBeNaN();
    expect(regularizedIncompleteBeta(0.5, 0, 3)).toBeNaN();
  });

  it('satisfies I_x(a,b) = 1 − I_{1−x}(b,a) and is non-decreasing in x', () => {
    fc.assert(
      // x on a grid of 1/4096 so that 1 − x is exact and the identity is tested, not rounding.
      fc.property(fc.integer({ min: 0, max: 4096 }), fc.double({ min: 0.05, max: 200, noNaN: true }), fc.double({ min: 0.05, max: 200, noNaN: true }), (i, a, b) => {
        const x = i / 4096;
        const v = regularizedIncompleteBeta(x, a, b);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        expect(Math.abs(v - (1 - regularizedIncompleteBeta(1 - x, b, a)))).toBeLessThan(1e-8);
        const x2 = Math.min(1, x + 0.01);
        expect(regularizedIncompleteBeta(x2, a, b)).toBeGreaterThanOrEqual(v - 1e-12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Student t', () => {
  it('CDF and two-sided p match scipy.stats.t', () => {
    const cases: [number, number, number, number][] = [
      [2.0, 5, 0.9490302605850708, 0.10193947882985835],
      [1.0, 1, 0.75, 0.5000000000000001],
      [-1.5, 10, 0.08225366322272007, 0.16450732644544014],
      [5, 100_000, 0.9999997128649161, 5.742701678641679e-7],
      [10, 3, 0.9989358004707929, 0.0021283990584141503],
      [0.3, 30, 0.6168769473578236, 0.7662461052843528],
      [40, 2, 0.9996877926639076, 0.0006244146721847406],
    ];
    for (const [t, df, cdf, p2] of cases) {
      close(studentTCdf(t, df), cdf, 1e-9);
      close(studentTTwoSidedP(t, df), p2, 1e-7);
    }
    expect(studentTTwoSidedP(0, 7)).toBeCloseTo(1, 12);
    expect(studentTTwoSidedP(Infinity, 7)).toBe(0);
  });

  it('quantiles match scipy.stats.t.ppf', () => {
    const cases: [number, number, number][] = [
      [0.975, 1, 12.706204736174694], [0.975, 2, 4.302652729749462], [0.975, 5, 2.5705818356363146],
      [0.975, 30, 2.0422724563012378], [0.975, 1000, 1.9623390808264083], [0.975, 1e6, 1.959966356814107],
      [0.995, 12, 3.0545395893929013], [0.025, 7, -2.3646242515927844], [0.9999, 3, 22.203742273205],
    ];
    for (const [q, df, v] of cases) close(studentTQuantile(q, df), v, 1e-9);
    expect(studentTQuantile(0.5, 4)).toBe(0);
  });

  it('quantile inverts the CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 5000 }), (q, df) => {
        expect(Math.abs(studentTCdf(studentTQuantile(q, df), df) - q)).toBeLessThan(1e-10);
      }),
      { numRuns: 300 },
    );
  });
});
