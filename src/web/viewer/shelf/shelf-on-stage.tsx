import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomSocket } from '../../room/use-room-socket';
import type { ViewerIdentity } from '../use-viewer-identity';
import '../../styles/shelf.css';
import { useTracker } from '../analytics/room-analytics';
import { PinnedProductCard } from './pinned-card';
import { ShelfSheet } from './shelf-sheet';
import { useLiveShelf } from './use-live-shelf';

/**
 * What the shelf puts over the video: the shelf button (with the number of products) and the
 * pinned "now explaining" card; either opens the shelf sheet.
 */
export function ShelfOnStage({ sessionId, invite, room, identity }: { sessionId: string; invite: string | null; room: Pick<RoomSocket, 'subscribeEvents'>; identity: ViewerIdentity }) {
  const { t } = useTranslation();
  const { shelf, error, reload } = useLiveShelf(sessionId, invite, room, identity);
  const [open, setOpen] = useState<{ focus: string | null } | null>(null);
  const tracker = useTracker();
  const close = useCallback(() => { setOpen(null); }, []);
  const show = (focus: string | null) => {
    // Opening a product from the pinned card is a click on it (analytics).
    if (focus) tracker?.click(focus);
    reload(); // stock moves all the time: show what is true now
    setOpen({ focus });
  };
  const count = shelf?.products.length ?? 0;
  return (
    <>
      <div className="stage-shelf">
        {shelf && <PinnedProductCard shelf={shelf} onOpen={(id) => { show(id); }} />}
        {count > 0 && (
          <button type="button" className="shelf-button" data-testid="shelf-button" data-count={count} aria-label={t('shelf.viewer.open', { count })} onClick={() => { show(null); }}>
            <svg className="shelf-bag" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
              <path d="M6 7h12l1 13H5L6 7Z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
              <path d="M9 9V6a3 3 0 0 1 6 0v3" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            <span className="shelf-button-count">{count}</span>
          </button>
        )}
      </div>
      {open && <ShelfSheet sessionId={sessionId} shelf={shelf} error={error} focusProductId={open.focus} onClose={close} onRetry={reload} />}
    </>
  );
}
