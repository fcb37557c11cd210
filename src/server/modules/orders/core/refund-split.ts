/**
 * How much a return of some units of a line refunds (七天无理由). Pure, integer fen.
 *
 * A line's paid amount (`paidFen`, after its share of order-level discounts and points) is
 * spread over its units by cumulative floors: the first k units are worth
 * floor(paidFen × k / quantity). A request for `units` more units refunds the difference, so
 * returning every unit, in any number of requests, refunds exactly `paidFen` in total, and
 * never more. Earlier requests are given as the units and fen they already claimed (rejected
 * requests are left out by the caller); the last units of a line always take the exact
 * remainder, and no request can push the line's refunds above `paidFen`.
 */

export interface LineForRefund {
  paidFen: number;
  quantity: number;
}

export interface PriorClaim {
  units: number;
  refundFen: number;
}

export type RefundDecision = { ok: true; refundFen: number } | { ok: false; reason: string };

function assertCount(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/** floor(paidFen × k / quantity) without leaving the safe-integer range for realistic amounts. */
export function cumulativeShare(paidFen: number, quantity: number, k: number): number {
  assertCount(paidFen, 'paidFen');
  assertCount(quantity, 'quantity');
  assertCount(k, 'k');
  if (quantity === 0) return 0;
  if (k >= quantity) return paidFen;
  // paidFen × k fits: paidFen < 2^53 / quantity in practice; fall back to BigInt when it does not.
  const product = paidFen * k;
  if (Number.isSafeInteger(product)) return Math.floor(product / quantity);
  return Number((BigInt(paidFen) * BigInt(k)) / BigInt(quantity));
}

export function refundForUnits(line: LineForRefund, prior: readonly PriorClaim[], units: number): RefundDecision {
  assertCount(line.paidFen, 'paidFen');
  assertCount(line.quantity, 'quantity');
  assertCount(units, 'units');
  if (units === 0) return { ok: false, reason: 'return at least one unit' };
  const claimedUnits = prior.reduce((s, p) => s + p.units, 0);
  const claimedFen = prior.reduce((s, p) => s + p.refundFen, 0);
  if (claimedUnits + units > line.quantity) {
    return { ok: false, reason: `only ${Math.max(0, line.quantity - claimedUnits)} of ${line.quantity} units are left to return` };
  }
  const left = Math.max(0, line.paidFen - claimedFen);
  if (claimedUnits + units === line.quantity) return { ok: true, refundFen: left };
  const share = cumulativeShare(line.paidFen, line.quantity, claimedUnits + units) - cumulativeShare(line.paidFen, line.quantity, claimedUnits);
  return { ok: true, refundFen: Math.min(share, left) };
}
