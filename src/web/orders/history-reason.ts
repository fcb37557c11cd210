/** Order-history reasons in the reader's language (shared by the console and the buyer's order page). */
type T = (key: string, opts?: Record<string, unknown>) => string;

/**
 * The reasons the server writes into the history for its own moves are fixed English phrases;
 * show them in the reader's language (free text from people is shown as written).
 */
export function historyReason(t: T, reason: string, when: (iso: string) => string): string {
  let m: RegExpExecArray | null;
  if (reason === 'order placed') return t('orders.console.reason.placed');
  if ((m = /^paid ([\d.]+) ([A-Z]{3})$/.exec(reason))) return t('orders.console.reason.paid', { amount: `¥${m[1]}` });
  if ((m = /^shipped with (.+), tracking (.+)$/.exec(reason))) return t('orders.console.reason.shipped', { carrier: carrierName(t, m[1]!), no: m[2] });
  if (reason === 'receipt confirmed by the buyer') return t('orders.console.reason.receipt');
  if (reason === 'delivery recorded') return t('orders.console.reason.delivered');
  if (reason === 'cancelled by the buyer') return t('orders.console.reason.buyerCancelled');
  if (reason === 'paid after cancellation: refunded in full') return t('orders.console.reason.lateRefund');
  if (reason.startsWith('payment failed;')) return t('orders.console.reason.paymentFailed');
  if ((m = /^expired: not paid by (.+)$/.exec(reason))) return t('orders.console.reason.expired', { time: when(m[1]!) });
  if ((m = /^return \S+ (requested|approved|rejected|received|refunded)(?:: (.*))?$/.exec(reason))) {
    const what = t(`orders.console.reason.return_${m[1]}`);
    return m[2] ? `${what}: ${m[2]}` : what;
  }
  return reason;
}

/** A carrier's name in the reader's language when it is one of the common ones. */
export const carrierName = (t: T, carrier: string): string => t(`orders.console.fulfilment.carriers.${carrier}`, { defaultValue: carrier });

