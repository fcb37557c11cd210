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
  const capTotal = caps.reduce((s, c) => s + c, 0);
  if (amountFen > capTotal) throw new RangeError(`cannot allocate ${amountFen} fen over capacity ${capTotal}`);
  const result = weights.map(() => 0);
  let open = weights.map((_, i) => i).filter((i) => (caps[i] ?? 0) > 0);
  let remaining = amountFen;
  while (remaining > 0 && open.length > 0) {
    // Lines with zero weight but capacity can only be reached when all open weights are zero.
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
      remaining = 0;
      break;
    }
    for (const i of overflowing) {
      const cap = caps[i] ?? 0;
      result[i] = cap;
      remaining -= cap;
    }
    open = open.filter((i) => !overflowing.includes(i));
  }
  return result;
}
