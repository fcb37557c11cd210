import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoomSocket } from '../../room/use-room-socket';
import type { ViewerIdentity } from '../use-viewer-identity';
import '../../styles/shelf.css';
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
  const close = useCallback(() => { setOpen(null); }, []);
  const show = (focus: string | null) => {
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
            <span className="shelf-bag" aria-hidden="true">
              🛍
            </span>
            <span className="shelf-button-count">{count}</span>
          </button>
        )}
      </div>
      {open && <ShelfSheet sessionId={sessionId} shelf={shelf} error={error} focusProductId={open.focus} onClose={close} onRetry={reload} />}
    </>
  );
}
