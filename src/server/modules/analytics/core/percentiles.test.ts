import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandOf, percentile, percentileBands, rankInBand } from './percentiles.js';

// Expected values: numpy.percentile (method 'linear') and scipy.stats.percentileofscore(kind='mean'),
// NumPy 2.4.6 / SciPy 1.17.1.
describe('percentile (linear interpolation, type 7)', () => {
  it('matches numpy.percentile', () => {
    const v = [15, 20, 35, 40, 50];
    const ps = [0, 10, 25, 40, 50, 75, 90, 100];
    expect(ps.map((p) => percentile(v, p))).toEqual([15, 17, 20, 29, 35, 40, 46, 50]);
  });

  it('a single value is every percentile; no values is NaN; p outside 0..100 throws', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1, 2], 101)).toThrow(RangeError);
  });
});

describe('percentileBands', () => {
  it('sorts, drops non-finite values and reports the default bands', () => {
    const w = [3.2, 1.5, 9.9, 4.4, 4.4, 7.0, 2.1, 5.5, Number.NaN, Number.POSITIVE_INFINITY];
    const b = percentileBands(w);
    expect(b.n).toBe(8);
    expect(b.min).toBe(1.5);
    expect(b.max).toBe(9.9);
    const expected = [1.9200000000000002, 2.9250000000000003, 4.4, 5.875, 7.869999999999999];
    expect(b.bands.map((x) => x.p)).toEqual([10, 25, 50, 75, 90]);
    b.bands.forEach((x, i) => expect(x.value).toBeCloseTo(expected[i]!, 12));
  });

  it('is empty for no values', () => {
    expect(percentileBands([]).bands).toEqual([]);
    expect(percentileBands([]).n).toBe(0);
  });

  it('bands are non-decreasing and within [min, max]', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (vs) => {
        const b = percentileBands(vs, [0, 5, 10, 25, 50, 75, 90, 95, 100]);
        for (let i = 1; i < b.bands.length; i++) expect(b.bands[i]!.value).toBeGreaterThanOrEqual(b.bands[i - 1]!.value);
        expect(b.bands[0]!.value).toBe(b.min);
        expect(b.bands[b.bands.length - 1]!.value).toBe(b.max);
      }),
    );
  });
});

describe('rankInBand (percentile rank, ties count half)', () => {
  it('matches scipy percentileofscore(kind="mean")', () => {
    const w = [3.2, 1.5, 9.9, 4.4, 4.4, 7.0, 2.1, 5.5];
    expect(rankInBand(4.4, w)).toBe(50);
    expect(rankInBand(0, w)).toBe(0);
    expect(rankInBand(10, w)).toBe(100);
    expect(rankInBand(5.5, w)).toBe(68.75);
    expect(rankInBand(6, w)).toBe(75);
    expect(rankInBand(6, [])).toBeNull();
  });

  it('is monotone in the value and within [0, 100]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 100 }), fc.integer({ min: -60, max: 60 }), fc.integer({ min: 0, max: 10 }), (vs, a, d) => {
        const r1 = rankInBand(a, vs)!;
        const r2 = rankInBand(a + d, vs)!;
        expect(r1).toBeGreaterThanOrEqual(0);
        expect(r2).toBeLessThanOrEqual(100);
        expect(r2).toBeGreaterThanOrEqual(r1);
      }),
    );
  });
});

describe('bandOf', () => {
  const bands = percentileBands([15, 20, 35, 40, 50]); // p10 17, p25 20, p50 35, p75 40, p90 46
  it('places a value below, between or above the bands', () => {
    expect(bandOf(10, bands)).toEqual({ position: 'below', from: null, to: 10 });
    expect(bandOf(36, bands)).toEqual({ position: 'between', from: 50, to: 75 });
    expect(bandOf(35, bands)).toEqual({ position: 'between', from: 50, to: 75 });
    expect(bandOf(46, bands)).toEqual({ position: 'between', from: 90, to: 90 });
    expect(bandOf(49, bands)).toEqual({ position: 'above', from: 90, to: null });
    expect(bandOf(1, percentileBands([]))).toBeNull();
  });
});
