import { useCallback, useEffect, useRef, useState } from 'react';
import { commerceApi, type CartQuote } from '../../api/commerce-api';
import { freshGuestToken, type ViewerIdentity } from '../use-viewer-identity';
import { lineRequest, type CartItem } from './cart-store';

export interface CartQuoteState {
  quote: CartQuote | null;
  /** A request is in flight (the shown quote may be for the previous cart). */
  loading: boolean;
  error: unknown;
  /** Re-prices now (after a PRICE_CHANGED, say); resolves with the fresh quote. */
  refresh: () => Promise<CartQuote | null>;
}

const DEBOUNCE_MS = 250;

/**
 * The server's price for the cart, fetched again (debounced) on every change: the drawer and
 * the checkout never compute a price themselves. Guests get a preview without coupons or points.
 */
export function useCartQuote(sessionId: string, items: readonly CartItem[], identity: ViewerIdentity, usePoints: boolean, enabled = true): CartQuoteState {
  const [quote, setQuote] = useState<CartQuote | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const signedIn = identity.kind === 'viewer';
  const ready = identity.kind !== 'loading';
  const itemsKey = JSON.stringify(items);

  const run = useCallback(async (): Promise<CartQuote | null> => {
    const lines = (JSON.parse(itemsKey) as CartItem[]).map(lineRequest);
    const mine = ++seq.current;
    if (lines.length === 0) {
      setQuote(null);
      setError(null);
      setLoading(false);
      return null;
    }
    setLoading(true);
    try {
      const guestToken = signedIn ? null : await freshGuestToken();
      const q = await commerceApi.quote(sessionId, { lines, usePoints: signedIn && usePoints }, { guestToken });
      if (mine === seq.current) {
        setQuote(q);
        setError(null);
      }
      return q;
    } catch (err) {
      if (mine === seq.current) setError(err);
      return null;
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [sessionId, itemsKey, signedIn, usePoints]);

  useEffect(() => {
    if (!enabled || !ready) return;
    const timer = window.setTimeout(() => void run(), DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [run, enabled, ready]);

  return { quote, loading, error, refresh: run };
}
