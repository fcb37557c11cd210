/**
 * What returning `units` more units of a line refunds: the line's paid amount spread over its
 * units by cumulative floors, the last units taking the exact remainder (the orders module's
 * refund-split rule, so the preview is the refund).
 */
export function refundPreview(line: { paidFen: number; quantity: number }, claimedUnits: number, claimedFen: number, units: number): number {
  if (units <= 0) return 0;
  const share = (k: number) => (k >= line.quantity ? line.paidFen : Math.floor((line.paidFen * k) / line.quantity));
  const left = Math.max(0, line.paidFen - claimedFen);
  if (claimedUnits + units >= line.quantity) return left;
  return Math.min(share(claimedUnits + units) - share(claimedUnits), left);
}
