// What the flash card shows for the signed-in buyer (grab -> reservation -> checkout), as pure
// functions of the sale, the server clock and what this page did (tested without a browser).
import { isApiError } from '../../api/api-client';
import type { FlashClaim, FlashSale } from '../../api/commerce-api';
import type { FlashPhase } from './flash-time';

/** A reservation waiting for checkout: from the list (GET …/flash-sales) or from this page's grab. */
export interface HeldReservation {
  id: string;
  units: number;
  /** Server time (ISO). */
  holdUntil: string;
}

/** Why the last grab got no reservation. */
export type GrabRefusal =
  | { kind: 'sold_out'; at: number }
  | { kind: 'limit' }
  | { kind: 'not_open' }
  /** `retry`: nothing definite came back (network, server trouble): the next try sends the same key. */
  | { kind: 'error'; error: unknown; retry: boolean; signIn: boolean };

/** What this page knows of one sale beyond the list. */
export interface GrabState {
  /** The reservation this page's grab got; it wins over the list's copy. */
  reservation: HeldReservation | null;
  /** Reservations this page knows are over (given back, or expired and grabbed again): the list's copy of them is stale. */
  dropped: string[];
  busy: 'grab' | 'release' | null;
  refusal: GrabRefusal | null;
  /** The idempotency key of a grab whose answer never came: the retry sends it again (at most one reservation). */
  pendingKey: string | null;
  /** A line to say after an action (given back; the give-back failed). */
  notice: { kind: 'released' } | { kind: 'release-failed'; error: unknown } | null;
}

export const initialGrab: GrabState = { reservation: null, dropped: [], busy: null, refusal: null, pendingKey: null, notice: null };

export type CardMode =
  /** Not signed in: a prompt to sign in instead of the grab button. */
  | 'guest'
  /** Before the open: the button is disabled, the countdown runs. */
  | 'upcoming'
  | 'open'
  | 'grabbing'
  /** Units held for the buyer: countdown to holdUntil, check out, give back. */
  | 'reserved'
  /** The hold ran out before checkout. */
  | 'expired'
  | 'sold_out'
  /** The server refused: the per-buyer limit, with nothing bought (another tab's reservation, say). */
  | 'limit'
  /** The buyer holds the limit in orders (`yours`), with no reservation waiting. */
  | 'bought'
  | 'ended';

type SaleFacts = Pick<FlashSale, 'perBuyerLimit' | 'yours' | 'reservation'>;

/** The buyer's reservation of the sale, if any: this page's, else the list's unless this page knows it is over. */
export function heldReservation(sale: SaleFacts, state: GrabState): HeldReservation | null {
  if (state.reservation) return state.reservation;
  const listed = sale.reservation ?? null;
  return listed && !state.dropped.includes(listed.id) ? listed : null;
}

/** Units the buyer holds from the sale (the list's `yours`), less a listed reservation this page knows is over. */
export function unitsHeld(sale: SaleFacts, state: GrabState): number {
  const yours = sale.yours ?? 0;
  const listed = sale.reservation ?? null;
  return Math.max(0, listed && state.dropped.includes(listed.id) ? yours - listed.units : yours);
}

/** Which face the card shows, at `nowMs` on the server's clock. */
export function cardMode(input: { sale: SaleFacts; phase: FlashPhase; signedIn: boolean; state: GrabState; nowMs: number }): CardMode {
  const { sale, phase, signedIn, state, nowMs } = input;
  if (signedIn) {
    const held = heldReservation(sale, state);
    if (held) return nowMs < Date.parse(held.holdUntil) ? 'reserved' : 'expired';
  }
  if (phase === 'ended') return 'ended';
  if (!signedIn) return phase === 'sold_out' ? 'sold_out' : 'guest';
  if (state.busy === 'grab') return 'grabbing';
  if (unitsHeld(sale, state) >= sale.perBuyerLimit) return 'bought';
  if (state.refusal?.kind === 'limit') return unitsHeld(sale, state) > 0 ? 'bought' : 'limit';
  if (phase === 'sold_out' || state.refusal?.kind === 'sold_out') return 'sold_out';
  if (phase === 'upcoming') return 'upcoming';
  return 'open';
}

/** Whether the card is worth showing: the sale is on, or the buyer still holds units of it. */
export function cardVisible(sale: SaleFacts, phase: FlashPhase, signedIn: boolean, state: GrabState, nowMs: number): boolean {
  if (phase !== 'ended') return true;
  const held = signedIn ? heldReservation(sale, state) : null;
  return held !== null && nowMs < Date.parse(held.holdUntil);
}

/** A claim's answer as the card keeps it: a held reservation, or null (ordered, released or expired already). */
export function reservationOfClaim(reply: FlashClaim): HeldReservation | null {
  const r = reply.reservation;
  return r.status === 'held' ? { id: r.id, units: r.units, holdUntil: r.holdUntil } : null;
}

/** A failed claim, sorted: the 409 refusals, a pass to renew, or an error (retried with the same key when nothing definite came back). */
export function refusalOf(error: unknown, nowMs: number): GrabRefusal {
  if (isApiError(error)) {
    if (error.status === 409 && error.code === 'SOLD_OUT') return { kind: 'sold_out', at: nowMs };
    if (error.status === 409 && error.code === 'LIMIT_REACHED') return { kind: 'limit' };
    if (error.status === 409 && (error.code === 'NOT_OPEN' || error.code === 'FLASH_SALE_ENDED')) return { kind: 'not_open' };
    const unsure = error.status === 0 || error.status === 429 || error.status >= 500;
    return { kind: 'error', error, retry: unsure, signIn: error.status === 401 };
  }
  // Not an API answer at all (aborted, a bug): nothing is known to have happened, so the same key is safe.
  return { kind: 'error', error, retry: true, signIn: false };
}

/** The pass was refused (expired, or signed for an older sign-in): renew it, and grab with the cookie meanwhile. */
export function isPassRefused(error: unknown): boolean {
  return isApiError(error) && error.status === 401 && error.code === 'PASS_INVALID';
}

/** Renew a pass this long before it runs out. */
export const PASS_RENEW_MARGIN_MS = 60_000;

/** How long to wait before asking for the next pass, for a pass good for `ttlMs` (never a busy loop). */
export function passRenewDelay(ttlMs: number): number {
  return Math.max(5_000, ttlMs - PASS_RENEW_MARGIN_MS);
}

/** A sold-out refusal stands until the list says units came back (a change to `left` > 0 after it settles). */
export const SOLD_OUT_SETTLE_MS = 1_500;
