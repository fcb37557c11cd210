/**
 * The flash-sale lifecycle as a transition table (pure: the clock is an input).
 *
 *   scheduled --open (at starts_at, or "open now" by the operator)--> open
 *   open --close (at ends_at, sold out and settled, or by the operator)--> closed
 *   scheduled --cancel (operator)--> cancelled
 *
 * closed and cancelled are final; both give the unsold pool back to the SKU's stock.
 */
export type FlashSaleStatus = 'scheduled' | 'open' | 'closed' | 'cancelled';
export type FlashSaleEvent = 'open' | 'close' | 'cancel';
/** Who asks: the operator from the console, or the scheduler following the clock. */
export type FlashSaleTrigger = 'operator' | 'clock';

export const flashTransitions: Record<FlashSaleStatus, Partial<Record<FlashSaleEvent, FlashSaleStatus>>> = {
  scheduled: { open: 'open', cancel: 'cancelled' },
  open: { close: 'closed' },
  closed: {},
  cancelled: {},
};

export const isFinal = (s: FlashSaleStatus): boolean => Object.keys(flashTransitions[s]).length === 0;

export interface FlashSaleFacts {
  status: FlashSaleStatus;
  startsAtMs: number;
  endsAtMs: number;
  stockLeft: number;
}

export type FlashTransitionDecision =
  | { ok: true; to: FlashSaleStatus }
  | { ok: false; code: 'INVALID_TRANSITION' | 'TOO_EARLY' | 'ENDED'; reason: string };

/** May a sale in state `s` take `event` now, asked by `trigger`? */
export function decideFlashTransition(s: FlashSaleFacts, event: FlashSaleEvent, trigger: FlashSaleTrigger, nowMs: number): FlashTransitionDecision {
  const to = flashTransitions[s.status][event];
  if (!to) return { ok: false, code: 'INVALID_TRANSITION', reason: `a ${s.status} flash sale cannot ${event}` };
  if (event === 'open') {
    // The clock opens a sale at its start; only the operator may open it early ("now").
    if (trigger === 'clock' && nowMs < s.startsAtMs) return { ok: false, code: 'TOO_EARLY', reason: 'the sale has not started yet' };
    if (nowMs >= s.endsAtMs) return { ok: false, code: 'ENDED', reason: 'the sale window is over' };
  }
  return { ok: true, to };
}

/**
 * What the clock says a sale should be now (the scheduler applies it, also after a restart).
 * `settled`: no claim is in flight (the gate and the record agree), so an empty pool means sold out.
 */
export function dueEvent(s: FlashSaleFacts, nowMs: number, settled: boolean): FlashSaleEvent | null {
  if (s.status === 'scheduled') {
    if (nowMs >= s.endsAtMs) return 'cancel';
    return nowMs >= s.startsAtMs ? 'open' : null;
  }
  if (s.status === 'open') {
    if (nowMs >= s.endsAtMs) return 'close';
    if (s.stockLeft === 0 && settled) return 'close';
  }
  return null;
}

/** The next full hour strictly after `nowMs` (整点), in UTC offsets that are whole hours. */
export function nextFullHour(nowMs: number, tzOffsetMinutes = 0): number {
  const hour = 3_600_000;
  const local = nowMs + tzOffsetMinutes * 60_000;
  return Math.floor(local / hour) * hour + hour - tzOffsetMinutes * 60_000;
}

/** The earliest moment, after `nowMs`, the scheduler must look again (a start or an end); null for none. */
export function nextDeadline(sales: readonly FlashSaleFacts[], nowMs: number): number | null {
  let next: number | null = null;
  for (const s of sales) {
    const t = s.status === 'scheduled' ? s.startsAtMs : s.status === 'open' ? s.endsAtMs : null;
    if (t !== null && (next === null || t < next)) next = Math.max(t, nowMs);
  }
  return next;
}
