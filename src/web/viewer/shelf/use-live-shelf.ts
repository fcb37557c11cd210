import { useCallback, useRef, useState } from 'react';
import { catalogApi, type LiveShelf } from '../../api/catalog-api';
import type { RoomSocket } from '../../room/use-room-socket';
import { useRoomResource } from '../use-room-resource';
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
  // The latest product.pin heard, numbered: a fetch that started before it must not undo it.
  const lastPin = useRef<{ n: number; pinned: LiveShelf['pinned'] }>({ n: 0, pinned: null });
  const signedIn = identity.kind === 'viewer';

  const fetchShelf = useCallback(async (): Promise<LiveShelf> => {
    const pinSeenAtStart = lastPin.current.n;
    const guestToken = signedIn ? null : await freshGuestToken();
    const next = await catalogApi.liveShelf(sessionId, { guestToken, invite });
    const heard = lastPin.current;
    const pinned = heard.n !== pinSeenAtStart && (heard.pinned === null || next.products.some((p) => p.productId === heard.pinned!.productId)) ? heard.pinned : next.pinned;
    return { ...next, pinned };
  }, [sessionId, invite, signedIn]);

  const { error, reload } = useRoomResource(identity.kind !== 'loading', room, fetchShelf, setShelf, (e, refetch) => {
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
    if (!known) refetch();
  });

  return { shelf, error, reload };
}
