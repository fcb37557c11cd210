import { useCallback, useEffect, useRef, useState } from 'react';
import type { RoomSocket } from '../room/use-room-socket';

export type RoomSocketEvent = Parameters<Parameters<RoomSocket['subscribeEvents']>[0]>[0];

export interface RoomResource {
  /** The first fetch has settled (answered or failed). */
  loaded: boolean;
  error: unknown;
  reload: () => void;
}

/**
 * Something of the room that a viewer page fetches over HTTP: fetched once `ready` (the viewer's
 * identity is known) and again on every (re)connect of the room socket, since a reconnect may have
 * missed events; only the latest fetch's answer lands in `onLoaded`. The room's other events go to
 * `onEvent`, which keeps the caller's copy current (or calls `reload`). A new `fetch` fetches again.
 */
export function useRoomResource<T>(
  ready: boolean,
  room: Pick<RoomSocket, 'subscribeEvents'>,
  fetch: () => Promise<T>,
  onLoaded: (result: T) => void,
  onEvent: (event: RoomSocketEvent, reload: () => void) => void,
): RoomResource {
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const latest = useRef({ onLoaded, onEvent });

  useEffect(() => {
    latest.current = { onLoaded, onEvent };
  });

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const result = await fetch();
      if (mine !== seq.current) return;
      latest.current.onLoaded(result);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(err);
    } finally {
      if (mine === seq.current) setLoaded(true);
    }
  }, [fetch]);

  useEffect(() => {
    if (ready) void load();
  }, [load, ready]);

  const { subscribeEvents } = room;
  useEffect(
    () =>
      subscribeEvents((e) => {
        if (e.t === 'welcome') void load();
        else latest.current.onEvent(e, () => void load());
      }),
    [subscribeEvents, load],
  );

  return { loaded, error, reload: useCallback(() => void load(), [load]) };
}
