import type { FlashSale } from '../../api/commerce-api';

export type FlashPhase = 'upcoming' | 'open' | 'sold_out' | 'ended';

/** Where a sale stands at `nowMs` (server time): its status as the server says, checked against its window. */
export function flashPhase(sale: Pick<FlashSale, 'status' | 'startsAt' | 'endsAt' | 'left'>, nowMs: number): FlashPhase {
  const start = Date.parse(sale.startsAt);
  const end = Date.parse(sale.endsAt);
  if (sale.status === 'cancelled' || sale.status === 'closed' || nowMs >= end) return 'ended';
  if (sale.left <= 0 && nowMs >= start) return 'sold_out';
  if (nowMs < start || sale.status === 'scheduled') return 'upcoming';
  return 'open';
}

/** 75 s -> "01:15"; 3725 s -> "1:02:05". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${String(h)}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * A reservation's time left, as the buyer reads it: 299.4 s -> "4:59", 9 s -> "0:09" (hours only
 * when needed). Whole seconds gone by count (floor): a clock estimate a little off never shows
 * more time than the hold has.
 */
export function formatHold(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total >= 3600) return formatCountdown(ms);
  return `${String(Math.floor(total / 60))}:${String(total % 60).padStart(2, '0')}`;
}

/** When a sale opens, on this browser's wall clock: "20:00" today, else with the day ("Jan 2, 20:00" / "1月2日 20:00"). */
export function formatOpensAt(startsAtMs: number, nowMs: number, lang: string): string {
  const at = new Date(startsAtMs);
  const sameDay = new Date(nowMs).toDateString() === at.toDateString();
  return new Intl.DateTimeFormat(lang, { ...(sameDay ? {} : { month: 'short', day: 'numeric' }), hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}
