/**
 * Money in integer fen. No floats ever hold an amount; the only divisions are integer
 * divisions written out below so the rounding rule is visible.
 */
export type Currency = 'CNY';

export interface Money {
  readonly fen: number;
  readonly currency: Currency;
}

export function cny(fen: number): Money {
  assertFen(fen, 'fen');
  return { fen, currency: 'CNY' };
}

export function assertFen(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer number of fen, got ${value}`);
  }
}

/**
 * `percent`% of `fen`, rounded half up to a whole fen (0.5 fen -> 1 fen), then capped at
 * `capFen` when given. Inputs are non-negative integers, so `floor((fen * percent + 50) / 100)`
 * is exactly half-up rounding.
 */
export function percentOfHalfUp(fen: number, percent: number, capFen?: number): number {
  assertFen(fen, 'fen');
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`percent must be an integer 0..100, got ${percent}`);
  }
  const raw = Math.floor((fen * percent + 50) / 100);
  return capFen === undefined ? raw : Math.min(raw, capFen);
}

/**
 * Splits `amountFen` over lines in proportion to `weights` (activity prices), in integer fen:
 * each line gets floor(amount * weight / totalWeight) and the rounding remainder goes to the
 * line with the largest weight (ties: the first). No line receives more than its `caps` entry
 * (what it still has to pay): a line that would overflow is filled to its cap and the rest is
 * split again among the other lines by the same rule. Requires amount <= sum(caps).
 * The result always sums exactly to `amountFen`.
 */
export function allocateProportional(amountFen: number, weights: readonly number[], caps: readonly number[]): number[] {
  assertFen(amountFen, 'amountFen');
  if (weights.length !== caps.length) throw new RangeError('weights and caps must have the same length');
  const n = weights.length;
  let capTotal = 0;
  for (let i = 0; i < n; i++) capTotal += caps[i] ?? 0;
  if (amountFen > capTotal) throw new RangeError(`cannot allocate ${amountFen} fen over capacity ${capTotal}`);
  // Plain arrays and index loops: this runs for every candidate combination of every quote.
  const result = new Array<number>(n).fill(0);
  if (amountFen === 0) return result;
  // First round written straight into the result: the usual case, no line's share over its cap.
  let totalWeight0 = 0;
  let largest0 = -1;
  for (let i = 0; i < n; i++) {
    if ((caps[i] ?? 0) <= 0) continue;
    totalWeight0 += weights[i] ?? 0;
    if (largest0 < 0 || (weights[i] ?? 0) > (weights[largest0] ?? 0)) largest0 = i;
  }
  let given0 = 0;
  for (let i = 0; i < n; i++) {
    if ((caps[i] ?? 0) <= 0) continue;
    const share = totalWeight0 === 0 ? 0 : Math.floor((amountFen * (weights[i] ?? 0)) / totalWeight0);
    result[i] = share;
    given0 += share;
  }
  result[largest0] = (result[largest0] ?? 0) + (amountFen - given0);
  let fits = true;
  for (let i = 0; i < n && fits; i++) if ((result[i] ?? 0) > (caps[i] ?? 0)) fits = false;
  if (fits) return result;
  result.fill(0);
  const shares = new Array<number>(n).fill(0);
  let open: number[] = [];
  for (let i = 0; i < n; i++) if ((caps[i] ?? 0) > 0) open.push(i);
  let remaining = amountFen;
  while (remaining > 0 && open.length > 0) {
    // Lines with zero weight but capacity can only be reached when all open weights are zero.
    let totalWeight = 0;
    for (const i of open) totalWeight += weights[i] ?? 0;
    let given = 0;
    for (const i of open) {
      const share = totalWeight === 0 ? 0 : Math.floor((remaining * (weights[i] ?? 0)) / totalWeight);
      shares[i] = share;
      given += share;
    }
    let largest = open[0] as number;
    for (const i of open) if ((weights[i] ?? 0) > (weights[largest] ?? 0)) largest = i;
    shares[largest] = (shares[largest] ?? 0) + (remaining - given);
    let overflowing = false;
    for (const i of open) if ((shares[i] ?? 0) > (caps[i] ?? 0)) overflowing = true;
    if (!overflowing) {
      for (const i of open) result[i] = (result[i] ?? 0) + (shares[i] ?? 0);
      remaining = 0;
      break;
    }
    // Lines whose share overflows their cap get the cap; the rest is shared again among the others.
    const next: number[] = [];
    for (const i of open) {
      const cap = caps[i] ?? 0;
      if ((shares[i] ?? 0) > cap) {
        result[i] = cap;
        remaining -= cap;
      } else next.push(i);
    }
    open = next;
  }
  return result;
}
