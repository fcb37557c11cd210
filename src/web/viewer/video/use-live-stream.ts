import { useCallback, useEffect, useRef, useState } from 'react';
import { videoApi } from '../../api/video-api';
import type { RoomSocket } from '../../room/use-room-socket';
import { useRoomResource } from '../use-room-resource';
import { freshGuestToken, type ViewerIdentity } from '../use-viewer-identity';
import { refetchJitter } from './player-health';
import { mergeStreamNews, type StreamView } from './stream-view';

export interface LiveStreamState {
  /** Null until the first `/stream` answer or `stream` event. */
  view: StreamView | null;
  /** The first fetch settled (answered or failed). */
  loaded: boolean;
  error: unknown;
  reload: () => void;
}

/**
 * The room's video: `/stream` fetched when the page opens and on every (re)connect of the room
 * socket, kept current by the room's `stream` events. Each event is applied at once and also
 * fetches again (a new state may come with a new address: a private session's play link is signed
 * and expires), after a random 0–2 s so that a room's viewers don't all ask in the same instant.
 */
export function useLiveStream(sessionId: string, invite: string | null, room: Pick<RoomSocket, 'subscribeEvents'>, identity: ViewerIdentity): LiveStreamState {
  const [view, setView] = useState<StreamView | null>(null);
  const signedIn = identity.kind === 'viewer';
  const refetchTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => { window.clearTimeout(refetchTimer.current); }, []);

  const fetchInfo = useCallback(async () => {
    const guestToken = signedIn ? null : await freshGuestToken();
    return videoApi.playInfo(sessionId, { guestToken, invite });
  }, [sessionId, invite, signedIn]);

  const { loaded, error, reload } = useRoomResource(
    identity.kind !== 'loading',
    room,
    fetchInfo,
    (info) => { setView((prev) => mergeStreamNews(prev, info, Date.now())); },
    (e, refetch) => {
      if (e.t !== 'stream') return;
      setView((prev) => mergeStreamNews(prev, e, Date.now()));
      window.clearTimeout(refetchTimer.current);
      refetchTimer.current = window.setTimeout(refetch, refetchJitter());
    },
  );

  return { view, loaded, error, reload };
}
