import { useEffect, useMemo, useState } from 'react';
import { catalogApi } from '../../../api/catalog-api';
import { useApiResource } from '../../../hooks/use-api-resource';
import type { RoomSocket } from '../../../room/use-room-socket';
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
  const shelf = useApiResource((signal) => catalogApi.getShelf(sessionId, signal), [sessionId]);
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
        setData((prev) => (prev ? { ...prev, pinned } : prev));
      }),
    [subscribeEvents, setData, reload],
  );
  const productNames = useMemo(() => Object.fromEntries((shelf.data?.items ?? []).map((i) => [i.productId, i.title])), [shelf.data]);
  const pinnedId = shelf.data?.pinned?.productId ?? null;
  const pinned = pinnedId ? { productId: pinnedId, title: productNames[pinnedId] ?? pinnedId } : null;
  return <LiveDashboard dash={dash} pinned={pinned} productNames={productNames} />;
}
