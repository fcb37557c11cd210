import { useSyncExternalStore } from 'react';
import type { CartLineRequest } from '../../api/commerce-api';

/**
 * The viewer's cart for one live session, kept in the browser (localStorage) until checkout;
 * prices are never stored here: the server prices the cart on every change (cart quote).
 */
export interface CartItem {
  skuId: string;
  quantity: number;
  /** Set when the item was added from a flash sale's card: the checkout claims a flash unit. */
  flashSaleId?: string;
  /** The buyer's held reservation of that sale (a grab): its units, at the flash price, until `heldUntil`. */
  reservationId?: string;
  /** When the reservation's hold runs out, on this browser's clock (ms since epoch). */
  heldUntil?: number;
}

const MAX_QTY = 99;
const key = (sessionId: string) => `onair.cart.${sessionId}`;
const listeners = new Set<() => void>();
const cache = new Map<string, CartItem[]>();

function read(sessionId: string): CartItem[] {
  const hit = cache.get(sessionId);
  if (hit) return hit;
  let items: CartItem[] = [];
  try {
    const raw = localStorage.getItem(key(sessionId));
    const parsed = raw ? (JSON.parse(raw) as unknown) : [];
    if (Array.isArray(parsed)) {
      items = parsed.filter(
        (x): x is CartItem =>
          typeof x === 'object' && x !== null && typeof (x as CartItem).skuId === 'string' && Number.isInteger((x as CartItem).quantity) && (x as CartItem).quantity > 0,
      ).map(clean);
    }
  } catch {
    // Storage unavailable or corrupt: start empty.
  }
  cache.set(sessionId, items);
  return items;
}

function write(sessionId: string, items: CartItem[]): void {
  cache.set(sessionId, items);
  try {
    localStorage.setItem(key(sessionId), JSON.stringify(items));
  } catch {
    // The cart still works for this page.
  }
  for (const l of listeners) l();
}

/** Drops what a stored item should not carry (a reservation without its sale, a non-numeric hold). */
function clean(x: CartItem): CartItem {
  const item: CartItem = { skuId: x.skuId, quantity: x.quantity };
  if (typeof x.flashSaleId === 'string') {
    item.flashSaleId = x.flashSaleId;
    if (typeof x.reservationId === 'string') {
      item.reservationId = x.reservationId;
      if (typeof x.heldUntil === 'number' && Number.isFinite(x.heldUntil)) item.heldUntil = x.heldUntil;
    }
  }
  return item;
}

const same = (a: CartItem, b: { skuId: string; flashSaleId?: string | undefined }) => a.skuId === b.skuId && (a.flashSaleId ?? null) === (b.flashSaleId ?? null);

export function addToCart(sessionId: string, item: { skuId: string; quantity?: number; flashSaleId?: string }): void {
  const items = read(sessionId);
  const qty = item.quantity ?? 1;
  const existing = items.find((x) => same(x, item));
  // A reserved line keeps the reservation's units.
  if (existing?.reservationId) return;
  const next = existing
    ? items.map((x) => (x === existing ? { ...x, quantity: Math.min(MAX_QTY, x.quantity + qty) } : x))
    : [...items, { skuId: item.skuId, quantity: Math.min(MAX_QTY, qty), ...(item.flashSaleId ? { flashSaleId: item.flashSaleId } : {}) }];
  write(sessionId, next);
}

export function setQuantity(sessionId: string, item: { skuId: string; flashSaleId?: string }, quantity: number): void {
  const items = read(sessionId);
  write(
    sessionId,
    // A reserved line can be removed, not resized (the reservation holds its units).
    quantity <= 0 ? items.filter((x) => !same(x, item)) : items.map((x) => (same(x, item) && !x.reservationId ? { ...x, quantity: Math.min(MAX_QTY, Math.floor(quantity)) } : x)),
  );
}

/**
 * Puts a held reservation in the cart: one line for its sale (replacing a line of the same sale),
 * with the reservation's units, which the stepper does not change.
 */
export function putReservation(sessionId: string, r: { skuId: string; flashSaleId: string; reservationId: string; units: number; heldUntil: number }): void {
  const line: CartItem = { skuId: r.skuId, quantity: Math.min(MAX_QTY, Math.max(1, r.units)), flashSaleId: r.flashSaleId, reservationId: r.reservationId, heldUntil: r.heldUntil };
  const items = read(sessionId);
  const at = items.findIndex((x) => x.flashSaleId === r.flashSaleId);
  const rest = items.filter((x) => x.flashSaleId !== r.flashSaleId);
  if (at < 0) write(sessionId, [...rest, line]);
  else write(sessionId, [...rest.slice(0, at), line, ...rest.slice(at)]);
}

/** Takes a reservation's line out of the cart (given back, expired, or no longer this buyer's). */
export function dropReservation(sessionId: string, reservationId: string): void {
  const items = read(sessionId);
  if (items.some((x) => x.reservationId === reservationId)) write(sessionId, items.filter((x) => x.reservationId !== reservationId));
}

/** The line the quote and the checkout send for an item (its sale and reservation, when it has them). */
export function lineRequest(item: CartItem): CartLineRequest {
  return {
    skuId: item.skuId,
    quantity: item.quantity,
    ...(item.flashSaleId ? { flashSaleId: item.flashSaleId } : {}),
    ...(item.flashSaleId && item.reservationId ? { reservationId: item.reservationId } : {}),
  };
}

export function clearCart(sessionId: string): void {
  write(sessionId, []);
}

export function cartItems(sessionId: string): CartItem[] {
  return read(sessionId);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The cart of a session; re-renders when it changes. */
export function useCart(sessionId: string): CartItem[] {
  return useSyncExternalStore(
    subscribe,
    () => read(sessionId),
    () => [],
  );
}
