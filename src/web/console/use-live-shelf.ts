import { useEffect, useState } from 'react';
import { catalogApi, type ConsoleShelf } from '../api/catalog-api';
import { useApiResource } from '../hooks/use-api-resource';
import type { RoomSocket } from '../room/use-room-socket';
import { LatestPin } from './latest-pin';

/**
 * The session's shelf for Live control, its pinned product kept current by the room's
 * product.pin events (another operator may pin too) and reloaded on every (re)connect. Pin
 * events are newer than any reply asked for before them (latest-pin.ts): `latest` settles a
 * reply (or a pin request's answer) against what the room said meanwhile.
 */
export function useLiveShelf(sessionId: string, room: Pick<RoomSocket, 'subscribeEvents'>) {
  const [latest] = useState(() => new LatestPin<NonNullable<ConsoleShelf['pinned']>>());
  const shelf = useApiResource(async (signal) => {
    const mark = latest.mark();
    const next = await catalogApi.getShelf(sessionId, signal);
    return { ...next, pinned: latest.settle(mark, next.pinned) };
  }, [sessionId]);
  const { setData, reload } = shelf;
  const { subscribeEvents } = room;
  useEffect(
    () =>
      subscribeEvents((e) => {
        if (e.t === 'welcome') {
          reload();
          return;
        }
        if (e.t !== 'product.pin') return;
        const pinned = e.productId && e.since !== null ? { productId: e.productId, since: new Date(e.since).toISOString() } : null;
        latest.heard(pinned);
        setData((prev) => (prev ? { ...prev, pinned } : prev));
      }),
    [subscribeEvents, setData, reload, latest],
  );
  return { shelf, latest };
}
