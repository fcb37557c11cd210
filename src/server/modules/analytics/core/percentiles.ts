/**
 * Percentiles for benchmark bands ("your GPM is between your p50 and p75") and percentile ranks
 * ("this session is at the 80th percentile of your past sessions").
 *
 * Definition (one, used everywhere): linear interpolation between closest ranks, Hyndman & Fan type 7 —
 * the default of NumPy (`method='linear'`), R (`type = 7`) and Excel's PERCENTILE.INC. For sorted
 * values x₀ ≤ … ≤ x_{n−1} and p in [0, 100]: h = (n − 1)·p/100, then
 * P(p) = x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋). So p0 is the minimum, p100 the maximum and p50 the median.
 */

/** The p-th percentile (0 ≤ p ≤ 100) of values already sorted ascending; NaN for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  // On a data point exactly, that value itself (a + 0·(b − a) would turn −0 into +0).
  if (lo + 1 >= n || h === lo) return a;
  const b = sorted[lo + 1]!;
  return a + (h - lo) * (b - a);
}

export const DEFAULT_BANDS = [10, 25, 50, 75, 90] as const;

export interface PercentileBands {
  /** Finite values used (others are ignored). */
  n: number;
  min: number;
  max: number;
  mean: number;
  /** One entry per requested p, in the order asked; empty when n = 0. */
  bands: { p: number; value: number }[];
}

/** Percentile bands of a set of values (unsorted is fine; non-finite values are ignored). */
export function percentileBands(values: readonly number[], ps: readonly number[] = DEFAULT_BANDS): PercentileBands {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, min: Number.NaN, max: Number.NaN, mean: Number.NaN, bands: [] };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean: sum / n,
    bands: ps.map((p) => ({ p, value: percentile(sorted, p) })),
  };
}

/**
 * Percentile rank of `value` among `values`: the share (0–100) of values below it, counting ties as
 * half (the "mean" kind of SciPy's `percentileofscore`). Equal to every past value → 50; above all → 100.
 * Returns null when there are no finite values to compare with.
 */
export function rankInBand(value: number, values: readonly number[]): number | null {
  let n = 0;
  let below = 0;
  let equal = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < value) below++;
    else if (v === value) equal++;
  }
  if (n === 0 || Number.isNaN(value)) return null;
  return (100 * (below + equal / 2)) / n;
}

/**
 * Which band a value falls in: `below` the first band's p (e.g. under p10), `above` the last, or
 * `between` two adjacent bands `from`..`to` (inclusive of `from`). Null when there are no bands.
 */
export function bandOf(value: number, bands: PercentileBands): { position: 'below' | 'between' | 'above'; from: number | null; to: number | null } | null {
  const bs = [...bands.bands].sort((a, b) => a.p - b.p);
  if (bs.length === 0 || Number.isNaN(value)) return null;
  const first = bs[0]!;
  const last = bs[bs.length - 1]!;
  if (value < first.value) return { position: 'below', from: null, to: first.p };
  if (value > last.value) return { position: 'above', from: last.p, to: null };
  for (let i = bs.length - 1; i >= 0; i--) {
    const b = bs[i]!;
    if (value >= b.value) return { position: 'between', from: b.p, to: bs[i + 1]?.p ?? b.p };
  }
  return { position: 'between', from: first.p, to: bs[1]?.p ?? first.p };
}
