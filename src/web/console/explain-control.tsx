import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { catalogApi, type ConsoleShelf } from '../api/catalog-api';
import { describeError } from '../api/describe-error';
import { useAuth } from '../auth/auth-context';
import { formatFen } from '../format/money-format';
import type { RoomSocket } from '../room/use-room-socket';
import { formatSeconds, ProductThumb } from './shelf-bits';
import { useLiveShelf } from './use-live-shelf';
import '../styles/shelf.css';

/** Seconds since `sinceIso`, ticking every second. */
function useElapsed(sinceIso: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!sinceIso) return;
    const timer = setInterval(() => { setNow(Date.now()); }, 1000);
    return () => { clearInterval(timer); };
  }, [sinceIso]);
  return sinceIso ? Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000)) : 0;
}

/**
 * Live control: "now explaining / 讲解中". One pin button per shelf product; the pinned one shows
 * since when. Kept current by the room's product.pin events (another operator may pin too).
 */
export function ExplainControl({ sessionId, room, live }: { sessionId: string; room: Pick<RoomSocket, 'subscribeEvents'>; live: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canPin = can('shelf:write');
  const { shelf, latest } = useLiveShelf(sessionId, room);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { setData } = shelf;

  const pinned = shelf.data?.pinned ?? null;
  const elapsed = useElapsed(pinned?.since ?? null);

  const pin = async (productId: string | null) => {
    setBusy(productId ?? 'none');
    setError(null);
    try {
      const mark = latest.mark();
      const r = await catalogApi.pin(sessionId, productId);
      const pinned = latest.settle(mark, r.pinned);
      setData((prev: ConsoleShelf | null) => (prev ? { ...prev, pinned } : prev));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setBusy(null);
    }
  };

  const items = shelf.data?.items.filter((i) => !i.archived) ?? [];
  const current = items.find((i) => i.productId === pinned?.productId) ?? null;

  return (
    <section className="card live-card explain-control" data-testid="explain-control" aria-labelledby="explain-title">
      <div className="queue-head">
        <h2 id="explain-title" className="card-title">
          {t('shelf.explain.title')}
        </h2>
        {pinned && (
          <button type="button" className="btn btn-sm" data-testid="explain-unpin" disabled={!canPin || busy !== null} onClick={() => void pin(null)}>
            {t('shelf.explain.unpin')}
          </button>
        )}
      </div>
      {current ? (
        <p className="explain-now" data-testid="explain-now">
          <span className="badge badge-live">{t('shelf.explain.now')}</span> <strong>{current.title}</strong>{' '}
          <span className="muted small">
            {t('shelf.explain.since', { time: new Date(pinned!.since).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' }), elapsed: formatSeconds(elapsed) })}
          </span>
        </p>
      ) : (
        <p className="muted small">{live ? t('shelf.explain.none') : t('shelf.explain.notLive')}</p>
      )}
      {shelf.loading && !shelf.data ? null : items.length === 0 ? (
        <p className="muted small" data-testid="explain-empty">
          {t('shelf.explain.emptyShelf')}
        </p>
      ) : (
        <ul className="explain-list">
          {items.map((i) => {
            const isPinned = pinned?.productId === i.productId;
            return (
              <li key={i.productId} className={`explain-item${isPinned ? ' explain-item-on' : ''}`} data-testid="explain-item">
                <ProductThumb image={i.image} title={i.title} />
                <span className="explain-item-text">
                  <span className="shelf-item-title">{i.title}</span>
                  {i.minPriceFen !== null && <span className="muted small">{formatFen(i.minPriceFen, lang)}</span>}
                </span>
                <button
                  type="button"
                  className={`btn btn-sm${isPinned ? ' btn-live' : ''}`}
                  data-testid="explain-pin"
                  aria-pressed={isPinned}
                  disabled={!canPin || !live || busy !== null}
                  onClick={() => void pin(isPinned ? null : i.productId)}
                >
                  {isPinned ? t('shelf.explain.pinned') : t('shelf.explain.pin')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="explain-error">
          {error}
        </p>
      )}
    </section>
  );
}
