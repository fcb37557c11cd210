import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../../api/api-client';
import { describeError } from '../../api/describe-error';
import type { CartQuote } from '../../api/commerce-api';
import { CloseButton } from '../../components/close-button';
import type { ViewerIdentity } from '../use-viewer-identity';
import { useNow } from '../../hooks/use-now';
import '../../styles/commerce.css';
import { formatHold } from '../flash/flash-time';
import { setQuantity, useCart, type CartItem } from './cart-store';
import { PriceExplanation, explanationOfQuote, humanize, localNames, useMoney } from './price-explanation';
import { CartIcon } from './commerce-icons';
import { codedReasonWithSource } from './reason-i18n';
import { localizeReason } from './reason-text';
import { useCartQuote } from './use-cart-quote';
import { usePointsBalance } from './use-points-balance';
import { usePointsPreference } from './use-points-preference';

/** The quote line for a cart item (same SKU and flash sale), else the one at the same position. */
export function quoteLineFor(quote: CartQuote | null, item: CartItem, index: number) {
  if (!quote) return undefined;
  return (
    quote.lines.find((l) => l.skuId === item.skuId && (l.flashSaleId ?? null) === (item.flashSaleId ?? null)) ??
    quote.lines.find((l) => l.skuId === item.skuId) ??
    quote.lines[index]
  );
}

/** The floating cart button with the number of units in the cart. */
export function CartButton({ sessionId, onOpen }: { sessionId: string; onOpen: () => void }) {
  const { t } = useTranslation();
  const items = useCart(sessionId);
  const units = items.reduce((s, i) => s + i.quantity, 0);
  return (
    <button type="button" className="cart-button" onClick={onOpen} data-testid="cart-button" data-count={units} aria-label={t('orders.viewer.cart.open', { count: units })}>
      <span className="cart-glyph">
        <CartIcon />
      </span>
      <span className="cart-button-label">{t('orders.viewer.cart.title')}</span>
      {units > 0 && (
        <span className="cart-count" data-testid="cart-count">
          {units}
        </span>
      )}
    </button>
  );
}

/** The cart: steppers, the server's explained price on every change, and the way to checkout. */
export function CartDrawer({
  sessionId,
  invite,
  identity,
  open,
  onClose,
  onNeedSignIn,
}: {
  sessionId: string;
  invite?: string | null;
  identity: ViewerIdentity;
  open: boolean;
  onClose: () => void;
  onNeedSignIn: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const navigate = useNavigate();
  const items = useCart(sessionId);
  const [usePoints, setUsePoints] = usePointsPreference();
  const signedIn = identity.kind === 'viewer';
  const { quote, loading, error } = useCartQuote(sessionId, items, identity, usePoints, open);
  const money = useMoney();
  const names = localNames(quote?.sourceNames, t('flash.viewer.title'));
  /** A line's note from its code (both languages by construction), else its stored sentence. */
  const noteText = (priced: CartQuote['pricing']['lines'][number], k: number, n: string): string => {
    const coded = priced.noteCodes?.[k];
    return (coded && codedReasonWithSource({ reason: n, ...coded }, { t, lang, names })) ?? localizeReason(humanize(n, names), lang);
  };
  const points = usePointsBalance(signedIn && open);
  const now = useNow(open && items.some((i) => i.reservationId && i.heldUntil !== undefined));
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    panelRef.current?.focus();
    return () => {
      document.removeEventListener('keydown', onKey);
    };
  }, [open, onClose]);

  if (!open) return null;
  const fresh = quote && quote.lines.length === items.length ? quote : null;
  // Lines the server refused (an unknown or withdrawn SKU, say): offer to remove them.
  const refused = new Set(
    isApiError(error) ? error.issues.flatMap((i) => /lines\.(\d+)\./.exec(i.path)?.[1] ?? []).map(Number) : [],
  );

  return (
    <div className="drawer-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <aside className="drawer" role="dialog" aria-modal="true" aria-label={t('orders.viewer.cart.title')} ref={panelRef} tabIndex={-1} data-testid="cart-drawer">
        <header className="drawer-head">
          <h2>{t('orders.viewer.cart.title')}</h2>
          {loading && <span className="spinner spinner-sm" aria-label={t('orders.viewer.cart.pricing')} data-testid="cart-pricing" />}
          <div className="header-spacer" />
          {signedIn && (
            <Link className="btn btn-ghost btn-sm" to="/orders" data-testid="cart-my-orders">
              {t('orders.viewer.myOrders')}
            </Link>
          )}
          <CloseButton onClose={onClose} />
        </header>

        <div className="drawer-body">
          {items.length === 0 ? (
            <p className="muted drawer-empty" data-testid="cart-empty">
              {t('orders.viewer.cart.empty')}
            </p>
          ) : (
            <ul className="cart-items" data-testid="cart-items">
              {items.map((item, i) => {
                const line = quoteLineFor(quote, item, i);
                const priced = line && quote ? quote.pricing.lines.find((p) => p.lineId === line.lineId) : undefined;
                return (
                  <li key={`${item.skuId}-${item.flashSaleId ?? ''}`} className="cart-item" data-testid="cart-item" data-sku-id={item.skuId} data-flash={item.flashSaleId ? 'yes' : 'no'}>
                    {line?.image ? <img className="cart-thumb" src={line.image} alt="" /> : <span className="cart-thumb cart-thumb-empty" aria-hidden="true" />}
                    <div className="cart-item-main">
                      <p className="cart-item-title">
                        {item.flashSaleId && <span className="flash-tag">{t('flash.viewer.tag')}</span>}
                        {line?.title ?? (refused.has(i) ? t('orders.viewer.cart.unknownItem') : t('orders.viewer.cart.loadingItem'))}
                      </p>
                      {line && <p className="muted small">{line.skuName}</p>}
                      {item.reservationId && item.heldUntil !== undefined && (
                        <p className={`cart-item-hold${item.heldUntil <= now ? ' is-over' : ''}`} data-testid="cart-item-hold">
                          {item.heldUntil > now ? t('flash.checkout.reservedShort', { time: formatHold(item.heldUntil - now) }) : t('flash.viewer.expired')}
                        </p>
                      )}
                      {refused.has(i) && (
                        <p className="form-error small" data-testid="cart-item-refused">
                          {t('orders.viewer.cart.unavailable')}{' '}
                          <button type="button" className="btn btn-ghost btn-sm" onClick={() => { setQuantity(sessionId, item, 0); }} data-testid="cart-item-remove">
                            {t('orders.viewer.cart.remove')}
                          </button>
                        </p>
                      )}
                      {priced && (
                        <p className="cart-item-price">
                          {priced.activityFen < priced.regularFen && <s className="muted">{money(priced.regularFen)}</s>}{' '}
                          <strong>{money(priced.activityFen)}</strong>
                        </p>
                      )}
                      {priced?.notes.map((n, k) => (
                        <p key={k} className="explain-note" data-testid="cart-line-note">
                          {noteText(priced, k, n)}
                        </p>
                      ))}
                    </div>
                    {item.reservationId ? (
                      // A reservation's units are fixed: the line can only be taken out.
                      <div className="stepper">
                        <span className="stepper-value" data-testid="qty-value">
                          ×{item.quantity}
                        </span>
                        <button type="button" className="btn btn-sm btn-ghost" onClick={() => { setQuantity(sessionId, item, 0); }} data-testid="cart-reserved-remove">
                          {t('orders.viewer.cart.remove')}
                        </button>
                      </div>
                    ) : (
                      <div className="stepper" role="group" aria-label={t('orders.viewer.cart.quantity')}>
                        <button type="button" className="btn btn-sm" aria-label={t('orders.viewer.cart.less')} data-testid="qty-minus" onClick={() => { setQuantity(sessionId, item, item.quantity - 1); }}>
                          −
                        </button>
                        <span className="stepper-value" data-testid="qty-value">
                          {item.quantity}
                        </span>
                        <button type="button" className="btn btn-sm" aria-label={t('orders.viewer.cart.more')} data-testid="qty-plus" disabled={item.quantity >= 99} onClick={() => { setQuantity(sessionId, item, item.quantity + 1); }}>
                          +
                        </button>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          )}

          {error != null && items.length > 0 && (
            <p className="form-error" role="alert" data-testid="cart-error">
              {describeError(t, error, 'viewer')}
            </p>
          )}

          {signedIn && items.length > 0 && points !== null && points > 0 && (
            <label className="points-toggle">
              <input type="checkbox" checked={usePoints} onChange={(e) => { setUsePoints(e.target.checked); }} data-testid="use-points" />
              {t('orders.viewer.cart.usePointsOf', { count: points })}
            </label>
          )}

          {fresh && (
            <PriceExplanation explanation={explanationOfQuote(fresh)} showLines={false} testId="cart-explanation" />
          )}
          {!signedIn && items.length > 0 && (
            <p className="muted small" data-testid="cart-guest-preview">
              {t('orders.viewer.cart.guestPreview')}
            </p>
          )}
        </div>

        {items.length > 0 && (
          <footer className="drawer-foot">
            {signedIn ? (
              <button
                type="button"
                className="btn btn-primary btn-block"
                data-testid="cart-checkout"
                disabled={!fresh}
                onClick={() => {
                  onClose();
                  navigate(`/live/${encodeURIComponent(sessionId)}/checkout${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`);
                }}
              >
                {fresh ? t('orders.viewer.cart.checkoutTotal', { total: money(fresh.pricing.totalFen) }) : t('orders.viewer.cart.checkout')}
              </button>
            ) : (
              <button
                type="button"
                className="btn btn-primary btn-block"
                data-testid="cart-signin"
                onClick={() => {
                  onClose();
                  onNeedSignIn();
                }}
              >
                {t('orders.viewer.cart.signInToBuy')}
              </button>
            )}
          </footer>
        )}
      </aside>
    </div>
  );
}
