import { useSyncExternalStore } from 'react';

/**
 * The viewer's cart for one live session, kept in the browser (localStorage) until checkout;
 * prices are never stored here: the server prices the cart on every change (cart quote).
 */
export interface CartItem {
  skuId: string;
  quantity: number;
  /** Set when the item was added from a flash sale's card: the checkout claims a flash unit. */
  flashSaleId?: string;
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
      );
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

const same = (a: CartItem, b: { skuId: string; flashSaleId?: string | undefined }) => a.skuId === b.skuId && (a.flashSaleId ?? null) === (b.flashSaleId ?? null);

export function addToCart(sessionId: string, item: { skuId: string; quantity?: number; flashSaleId?: string }): void {
  const items = read(sessionId);
  const qty = item.quantity ?? 1;
  const existing = items.find((x) => same(x, item));
  const next = existing
    ? items.map((x) => (x === existing ? { ...x, quantity: Math.min(MAX_QTY, x.quantity + qty) } : x))
    : [...items, { skuId: item.skuId, quantity: Math.min(MAX_QTY, qty), ...(item.flashSaleId ? { flashSaleId: item.flashSaleId } : {}) }];
  write(sessionId, next);
}

export function setQuantity(sessionId: string, item: { skuId: string; flashSaleId?: string }, quantity: number): void {
  const items = read(sessionId);
  write(
    sessionId,
    quantity <= 0 ? items.filter((x) => !same(x, item)) : items.map((x) => (same(x, item) ? { ...x, quantity: Math.min(MAX_QTY, Math.floor(quantity)) } : x)),
  );
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
