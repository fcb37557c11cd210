import { interactViewerApi, type PrizeList } from '../../api/interact-viewer-api';
import { usePolledResource } from '../../hooks/use-polled-resource';
import type { ViewerIdentity } from '../use-viewer-identity';

/** Rarely: a draw that names this viewer asks again at once (see RoomToolsDock). */
const PRIZE_POLL_MS = 5 * 60_000;

export interface PrizeBadge {
  unseen: number;
  refresh: () => void;
}

/** The unseen prizes of a signed-in viewer, for the badge in the room's header. */
export function usePrizeBadge(identity: ViewerIdentity): PrizeBadge {
  const viewerId = identity.kind === 'viewer' ? identity.viewer.id : null;
  const res = usePolledResource<PrizeList>((signal) => interactViewerApi.prizes(signal), [viewerId], PRIZE_POLL_MS, viewerId !== null);
  return { unseen: viewerId !== null ? (res.data?.unseen ?? 0) : 0, refresh: res.refresh };
}
