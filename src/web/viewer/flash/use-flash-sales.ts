import { useCallback, useRef, useState } from 'react';
import { commerceApi, type FlashEvent, type FlashSale } from '../../api/commerce-api';
import type { RoomSocket } from '../../room/use-room-socket';
import { useRoomResource } from '../use-room-resource';
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
  const salesRef = useRef<FlashSale[]>([]);
  const signedIn = identity.kind === 'viewer';

  const fetchSales = useCallback(async () => {
    const guestToken = signedIn ? null : await freshGuestToken();
    return commerceApi.flashSales(sessionId, { guestToken });
  }, [sessionId, signedIn]);

  const { loaded, error, reload } = useRoomResource(
    identity.kind !== 'loading',
    room,
    fetchSales,
    (r) => {
      salesRef.current = r.sales;
      setSales(r.sales);
      setOffset(r.serverOffsetMs);
    },
    (e, refetch) => {
      if (e.t !== 'flash') return;
      const next = applyFlashEvent(salesRef.current, e);
      if (next) {
        salesRef.current = next;
        setSales(next);
      } else refetch();
    },
  );

  return { sales, serverOffsetMs, loaded, error, reload };
}
