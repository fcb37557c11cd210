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
 * socket, kept current by the room's `stream` events. Each event is applied at once; it fetches
 * again only while the page has no play address yet (after a random 0–2 s so that a room's viewers
 * don't all ask in the same instant): the addresses do not change with the stream's state, and a
 * private session's signed link is fetched afresh when the player runs into trouble. So a stream
 * that drops and comes back costs a room of thousands no burst of requests.
 */
export function useLiveStream(sessionId: string, invite: string | null, room: Pick<RoomSocket, 'subscribeEvents'>, identity: ViewerIdentity): LiveStreamState {
  const [view, setView] = useState<StreamView | null>(null);
  const signedIn = identity.kind === 'viewer';
  const refetchTimer = useRef<number | undefined>(undefined);
  const hasAddress = useRef(false);
  hasAddress.current = Boolean(view?.flvUrl);
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
      if (hasAddress.current) return;
      window.clearTimeout(refetchTimer.current);
      refetchTimer.current = window.setTimeout(refetch, refetchJitter());
    },
  );

  return { view, loaded, error, reload };
}
