import { useCallback, useEffect, useRef, useState } from 'react';
import { commerceApi, type FlashEvent, type FlashSale } from '../../api/commerce-api';
import type { RoomSocket } from '../../room/use-room-socket';
import { freshGuestToken, type ViewerIdentity } from '../use-viewer-identity';

export interface FlashSalesState {
  sales: FlashSale[];
  /** server clock − this browser's clock, for the countdowns. */
  serverOffsetMs: number;
  loaded: boolean;
  error: unknown;
  reload: () => void;
}

/** Applies a `{t:'flash'}` room event to the list; false when the sale is not in it (then re-fetch). */
export function applyFlashEvent(sales: readonly FlashSale[], e: FlashEvent): FlashSale[] | null {
  const i = sales.findIndex((s) => s.id === e.id);
  if (i < 0) return null;
  const prev = sales[i] as FlashSale;
  const next: FlashSale = { ...prev, status: e.status, startsAt: e.startsAt, endsAt: e.endsAt, left: e.left, total: e.total };
  return sales.map((s, k) => (k === i ? next : s));
}

/**
 * The room's flash sales: fetched over HTTP on mount and on every (re)connect of the room
 * socket, then kept current by the room's `flash` events (open, close, units left).
 */
export function useFlashSales(sessionId: string, room: Pick<RoomSocket, 'subscribeEvents'>, identity: ViewerIdentity): FlashSalesState {
  const [sales, setSales] = useState<FlashSale[]>([]);
  const [serverOffsetMs, setOffset] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const salesRef = useRef<FlashSale[]>([]);
  const signedIn = identity.kind === 'viewer';
  const ready = identity.kind !== 'loading';

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const guestToken = signedIn ? null : await freshGuestToken();
      const r = await commerceApi.flashSales(sessionId, { guestToken });
      if (mine !== seq.current) return;
      salesRef.current = r.sales;
      setSales(r.sales);
      setOffset(r.serverOffsetMs);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoaded(true);
    }
  }, [sessionId, signedIn]);

  useEffect(() => {
    if (!ready) return;
    void load();
  }, [load, ready]);

  const { subscribeEvents } = room;
  useEffect(
    () =>
      subscribeEvents((e) => {
        if (e.t === 'welcome') {
          void load();
          return;
        }
        if (e.t !== 'flash') return;
        const next = applyFlashEvent(salesRef.current, e);
        if (next) {
          salesRef.current = next;
          setSales(next);
        } else void load();
      }),
    [subscribeEvents, load],
  );

  return { sales, serverOffsetMs, loaded, error, reload: () => void load() };
}
