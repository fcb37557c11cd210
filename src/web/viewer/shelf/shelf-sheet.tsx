import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/describe-error';
import type { LiveShelf, LiveShelfProduct } from '../../api/catalog-api';
import { CloseButton } from '../../components/close-button';
import { formatFen } from '../../format/money-format';
import { useImpression, useTracker } from '../analytics/room-analytics';
import { addToCart } from '../cart/cart-store';
import { minPrice, productStock, StockLabel } from './stock-label';
import '../../styles/commerce.css';

/**
 * The shelf sheet: every product on the shelf in order, price, honest stock, and "add to cart"
 * (with a SKU picker when a product has several). A bottom sheet on phones, a side panel on wide screens.
 */
export function ShelfSheet({
  sessionId,
  shelf,
  error,
  focusProductId,
  onClose,
  onRetry,
}: {
  sessionId: string;
  shelf: LiveShelf | null;
  error: unknown;
  /** Opened from the pinned card: scroll to and expand this product. */
  focusProductId: string | null;
  onClose: () => void;
  onRetry: () => void;
}) {
  const { t } = useTranslation();
  const panelRef = useRef<HTMLElement>(null);
  const [added, setAdded] = useState<string | null>(null);
  const tracker = useTracker();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    panelRef.current?.focus();
    return () => {
      document.removeEventListener('keydown', onKey);
      previouslyFocused?.focus();
    };
  }, [onClose]);

  useEffect(() => {
    if (!focusProductId) return;
    panelRef.current?.querySelector(`[data-product-id="${CSS.escape(focusProductId)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [focusProductId, shelf]);

  useEffect(() => {
    if (!added) return;
    const timer = window.setTimeout(() => { setAdded(null); }, 2500);
    return () => { window.clearTimeout(timer); };
  }, [added]);

  return createPortal(
    <div className="drawer-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <aside className="drawer shelf-sheet" role="dialog" aria-modal="true" aria-labelledby="shelf-sheet-title" ref={panelRef} tabIndex={-1} data-testid="shelf-sheet">
        <header className="drawer-head">
          <h2 id="shelf-sheet-title">{t('shelf.viewer.title')}</h2>
          {shelf && <span className="count-pill">{shelf.products.length}</span>}
          <div className="header-spacer" />
          <CloseButton onClose={onClose} />
        </header>
        <div className="drawer-body">
          {!shelf ? (
            error ? (
              <div className="drawer-empty">
                <p className="muted">{describeError(t, error, 'viewer')}</p>
                <button type="button" className="btn btn-sm" onClick={onRetry}>
                  {t('shelf.viewer.retry')}
                </button>
              </div>
            ) : (
              <p className="muted drawer-empty">{t('shelf.viewer.loading')}</p>
            )
          ) : shelf.products.length === 0 ? (
            <p className="muted drawer-empty" data-testid="shelf-sheet-empty">
              {t('shelf.viewer.empty')}
            </p>
          ) : (
            <ol className="shelf-sheet-list">
              {shelf.products.map((p, i) => (
                <ShelfRow
                  key={p.productId}
                  index={i + 1}
                  product={p}
                  pinned={shelf.pinned?.productId === p.productId}
                  startOpen={focusProductId === p.productId && p.skus.length > 1}
                  onAdd={(skuId) => {
                    addToCart(sessionId, { skuId });
                    tracker?.addToCart(p.productId);
                    setAdded(p.title);
                  }}
                />
              ))}
            </ol>
          )}
        </div>
        <p className="shelf-added" role="status" aria-live="polite" data-testid="shelf-added">
          {added ? t('shelf.viewer.added', { title: added }) : ''}
        </p>
      </aside>
    </div>,
    document.body,
  );
}

function ShelfRow({ index, product: p, pinned, startOpen, onAdd }: { index: number; product: LiveShelfProduct; pinned: boolean; startOpen: boolean; onAdd: (skuId: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [picking, setPicking] = useState(startOpen);
  const tracker = useTracker();
  const rowRef = useRef<HTMLLIElement>(null);
  useImpression(rowRef, p.productId);
  const available = p.skus.filter((s) => s.stock.state !== 'sold_out');
  const [skuId, setSkuId] = useState<string | null>(available.length === 1 ? available[0]!.skuId : null);
  const price = minPrice(p);
  const stock = productStock(p);
  const soldOut = available.length === 0;
  const multi = p.skus.length > 1;

  return (
    <li ref={rowRef} className={`shelf-row${pinned ? ' shelf-row-pinned' : ''}`} data-testid="shelf-product" data-product-id={p.productId}>
      <div className="shelf-row-main">
        <span className="shelf-row-index" aria-hidden="true">
          {index}
        </span>
        {p.image ? (
          <img className="shelf-row-thumb" src={p.image} alt="" loading="lazy" />
        ) : (
          <span className="shelf-row-thumb shelf-row-thumb-empty" aria-hidden="true">
            {Array.from(p.title)[0] ?? '?'}
          </span>
        )}
        <div className="shelf-row-text">
          <p className="shelf-row-title">
            {pinned && <span className="pinned-tag pinned-tag-inline">{t('shelf.explain.now')}</span>}
            {p.title}
          </p>
          {p.description && <p className="shelf-row-desc muted small">{p.description}</p>}
          <p className="shelf-row-meta">
            {price && (
              <strong className="shelf-row-price" data-testid="shelf-price">
                {price.varies ? t('shelf.viewer.from', { price: formatFen(price.fen, lang) }) : formatFen(price.fen, lang)}
              </strong>
            )}
            {stock && <StockLabel stock={stock} />}
          </p>
        </div>
        {!picking && (
          <button
            type="button"
            className="btn btn-primary btn-sm shelf-row-add"
            data-testid="shelf-add-to-cart"
            disabled={soldOut}
            onClick={() => {
              // A click on the product (analytics): opening its SKU picker, or adding its only SKU
              // (so every viewer with an add to cart also counts in the funnel's click step).
              tracker?.click(p.productId);
              if (!multi && available[0]) onAdd(available[0].skuId);
              else setPicking(true);
            }}
          >
            {soldOut ? t('shelf.viewer.soldOut') : multi ? t('shelf.viewer.choose') : t('shelf.viewer.addToCart')}
          </button>
        )}
      </div>
      {picking && (
        <fieldset className="sku-picker" data-testid="sku-picker">
          <legend className="small muted">{t('shelf.viewer.pickSku')}</legend>
          <div className="sku-options">
            {p.skus.map((s) => (
              <label key={s.skuId} className={`sku-option${s.stock.state === 'sold_out' ? ' sku-option-off' : ''}${skuId === s.skuId ? ' sku-option-on' : ''}`} data-testid="sku-option">
                <input type="radio" name={`sku-${p.productId}`} value={s.skuId} disabled={s.stock.state === 'sold_out'} checked={skuId === s.skuId} onChange={() => { setSkuId(s.skuId); }} />
                <span className="sku-option-name">{s.name}</span>
                <span className="sku-option-price">{formatFen(s.priceFen, lang, s.currency)}</span>
                <StockLabel stock={s.stock} />
              </label>
            ))}
          </div>
          <div className="sku-picker-actions">
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => { setPicking(false); }}>
              {t('shelf.common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-primary btn-sm"
              data-testid="sku-add"
              disabled={!skuId}
              onClick={() => {
                if (!skuId) return;
                onAdd(skuId);
                setPicking(false);
              }}
            >
              {skuId ? t('shelf.viewer.addToCart') : t('shelf.viewer.pickFirst')}
            </button>
          </div>
        </fieldset>
      )}
    </li>
  );
}
