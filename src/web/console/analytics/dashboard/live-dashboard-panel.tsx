import { useEffect, useMemo, useState } from 'react';
import type { RoomSocket } from '../../../room/use-room-socket';
import { useLiveShelf } from '../../use-live-shelf';
import { LiveDashboard } from '../live-dashboard';
import type { DashMessage } from './dash-series';

/**
 * The live dashboard on Live control, with what it needs besides the figures: product names from
 * the session's shelf and the pinned product, kept current by the room's product.pin events.
 * The figures come from the room socket's `subscribeDash` (one `dash` message a second), or from
 * the `dash` prop when the caller keeps them itself.
 */
export function LiveDashboardPanel({
  sessionId,
  room,
  dash: dashProp,
}: {
  sessionId: string;
  room: Pick<RoomSocket, 'subscribeEvents'> & { subscribeDash?: (listener: (dash: DashMessage) => void) => () => void };
  dash?: DashMessage | null;
}) {
  const [heard, setHeard] = useState<DashMessage | null>(null);
  const { subscribeDash } = room;
  useEffect(() => (subscribeDash ? subscribeDash(setHeard) : undefined), [subscribeDash]);
  const dash = dashProp ?? heard;
  const { shelf } = useLiveShelf(sessionId, room);
  const productNames = useMemo(() => Object.fromEntries((shelf.data?.items ?? []).map((i) => [i.productId, i.title])), [shelf.data]);
  const pinnedId = shelf.data?.pinned?.productId ?? null;
  const pinned = pinnedId ? { productId: pinnedId, title: productNames[pinnedId] ?? pinnedId } : null;
  return <LiveDashboard dash={dash} pinned={pinned} productNames={productNames} />;
}
