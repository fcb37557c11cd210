import { useCallback, useEffect, useRef, useState } from 'react';
import { catalogApi, type LiveShelf } from '../../api/catalog-api';
import type { RoomSocket } from '../../room/use-room-socket';
import { freshGuestToken, type ViewerIdentity } from '../use-viewer-identity';

export interface LiveShelfState {
  shelf: LiveShelf | null;
  error: unknown;
  reload: () => void;
}

/**
 * The room's shelf: fetched over HTTP when the page opens and on every (re)connect of the room
 * socket (a reconnect may have missed pins), then kept current by `product.pin` room events.
 */
export function useLiveShelf(sessionId: string, invite: string | null, room: Pick<RoomSocket, 'subscribeEvents'>, identity: ViewerIdentity): LiveShelfState {
  const [shelf, setShelf] = useState<LiveShelf | null>(null);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  // The latest product.pin heard, numbered: a fetch that started before it must not undo it.
  const lastPin = useRef<{ n: number; pinned: LiveShelf['pinned'] }>({ n: 0, pinned: null });
  const signedIn = identity.kind === 'viewer';
  const ready = identity.kind !== 'loading';

  const load = useCallback(async () => {
    const mine = ++seq.current;
    const pinSeenAtStart = lastPin.current.n;
    try {
      const guestToken = signedIn ? null : await freshGuestToken();
      const next = await catalogApi.liveShelf(sessionId, { guestToken, invite });
      if (mine !== seq.current) return;
      const heard = lastPin.current;
      const pinned = heard.n !== pinSeenAtStart && (heard.pinned === null || next.products.some((p) => p.productId === heard.pinned!.productId)) ? heard.pinned : next.pinned;
      setShelf({ ...next, pinned });
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    }
  }, [sessionId, invite, signedIn]);

  useEffect(() => {
    if (ready) void load();
  }, [load, ready]);

  const { subscribeEvents } = room;
  useEffect(
    () =>
      subscribeEvents((e) => {
        if (e.t === 'welcome') {
          void load();
          return;
        }
        if (e.t !== 'product.pin') return;
        lastPin.current = { n: lastPin.current.n + 1, pinned: e.productId && e.since !== null ? { productId: e.productId, since: new Date(e.since).toISOString() } : null };
        let known = true;
        setShelf((prev) => {
          if (!prev) return prev;
          if (e.productId === null || e.since === null) return { ...prev, pinned: null };
          const productId = e.productId;
          known = prev.products.some((p) => p.productId === productId);
          return known ? { ...prev, pinned: { productId, since: new Date(e.since).toISOString() } } : prev;
        });
        // A product we don't have yet (added to the shelf just now): fetch the shelf again.
        if (!known) void load();
      }),
    [subscribeEvents, load],
  );

  return { shelf, error, reload: useCallback(() => void load(), [load]) };
}
