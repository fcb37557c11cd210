import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveShelf } from '../../api/catalog-api';
import { formatFen } from '../../format/money-format';
import { useImpression } from '../analytics/room-analytics';
import { minPrice, productStock, StockLabel } from './stock-label';

/** "讲解中 / Now explaining": the pinned product over the video, with a way to buy it. */
export function PinnedProductCard({ shelf, onOpen }: { shelf: LiveShelf; onOpen: (productId: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const p = shelf.pinned ? shelf.products.find((x) => x.productId === shelf.pinned!.productId) : undefined;
  const ref = useRef<HTMLButtonElement>(null);
  useImpression(ref, p?.productId ?? null);
  if (!p) return null;
  const price = minPrice(p);
  const stock = productStock(p);
  return (
    <button ref={ref} type="button" className="pinned-card" data-testid="pinned-card" data-product-id={p.productId} onClick={() => { onOpen(p.productId); }}>
      {p.image ? (
        <img className="pinned-thumb" src={p.image} alt="" />
      ) : (
        <span className="pinned-thumb pinned-thumb-empty" aria-hidden="true">
          {Array.from(p.title)[0] ?? '?'}
        </span>
      )}
      <span className="pinned-text">
        <span className="pinned-tag">
          <span className="pinned-dot" aria-hidden="true" />
          {t('shelf.explain.now')}
        </span>
        <span className="pinned-title">{p.title}</span>
        <span className="pinned-meta">
          {price && <strong className="pinned-price">{price.varies ? t('shelf.viewer.from', { price: formatFen(price.fen, lang) }) : formatFen(price.fen, lang)}</strong>}
          {stock && <StockLabel stock={stock} />}
        </span>
      </span>
      <span className="pinned-buy">{t('shelf.viewer.buy')}</span>
    </button>
  );
}
