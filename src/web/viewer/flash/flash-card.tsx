import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { FlashSale } from '../../api/commerce-api';
import type { FlashPhase } from './flash-time';
import type { RoomSocket } from '../../room/use-room-socket';
import '../../styles/commerce.css';
import { addToCart, cartItems } from '../cart/cart-store';
import { BoltIcon } from '../cart/commerce-icons';
import { useMoney } from '../cart/price-explanation';
import type { ViewerIdentity } from '../use-viewer-identity';
import { flashPhase, formatCountdown } from './flash-time';
import { useFlashSales } from './use-flash-sales';

export { flashPhase, formatCountdown };

function useNow(offsetMs: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    setNow(Date.now() + offsetMs);
    if (!active) return;
    const timer = window.setInterval(() => { setNow(Date.now() + offsetMs); }, 250);
    return () => {
      window.clearInterval(timer);
    };
  }, [offsetMs, active]);
  return now;
}

/** The room's flash sales (open ones first, then the next to start); nothing when there are none. */
export function FlashSaleCards({
  sessionId,
  invite,
  room,
  identity,
  onNeedSignIn,
}: {
  sessionId: string;
  invite?: string | null;
  room: Pick<RoomSocket, 'subscribeEvents'>;
  identity: ViewerIdentity;
  onNeedSignIn: () => void;
}) {
  const { sales, serverOffsetMs } = useFlashSales(sessionId, room, identity);
  const now = useNow(serverOffsetMs, sales.length > 0);
  const shown = sales
    .map((s) => ({ sale: s, phase: flashPhase(s, now) }))
    .filter((x) => x.phase !== 'ended')
    .sort((a, b) => (a.phase === 'upcoming' ? 1 : 0) - (b.phase === 'upcoming' ? 1 : 0) || Date.parse(a.sale.startsAt) - Date.parse(b.sale.startsAt));
  if (shown.length === 0) return null;
  return (
    <div className="flash-cards" data-testid="flash-cards">
      {shown.map(({ sale, phase }) => (
        <FlashCard key={sale.id} sale={sale} phase={phase} nowMs={now} sessionId={sessionId} invite={invite} identity={identity} onNeedSignIn={onNeedSignIn} />
      ))}
    </div>
  );
}

function FlashCard({
  sale,
  phase,
  nowMs,
  sessionId,
  invite,
  identity,
  onNeedSignIn,
}: {
  sale: FlashSale;
  phase: FlashPhase;
  nowMs: number;
  sessionId: string;
  invite?: string | null | undefined;
  identity: ViewerIdentity;
  onNeedSignIn: () => void;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  const navigate = useNavigate();
  const [hint, setHint] = useState<string | null>(null);
  const start = Date.parse(sale.startsAt);
  const end = Date.parse(sale.endsAt);
  const soldPct = sale.total > 0 ? Math.round(((sale.total - sale.left) / sale.total) * 100) : 0;
  // The server's count of units this buyer holds from the sale (paid or unpaid orders); absent for guests.
  const yours = identity.kind === 'viewer' ? (sale.yours ?? 0) : 0;
  const limitReached = identity.kind === 'viewer' && yours >= sale.perBuyerLimit;

  const buyNow = () => {
    if (identity.kind !== 'viewer') {
      setHint(t('flash.viewer.signInToBuy'));
      onNeedSignIn();
      return;
    }
    // One unit from this sale (a second click does not add another: the limit is per buyer).
    const has = cartItems(sessionId).some((i) => i.skuId === sale.skuId && i.flashSaleId === sale.id);
    if (!has) addToCart(sessionId, { skuId: sale.skuId, quantity: 1, flashSaleId: sale.id });
    navigate(`/live/${encodeURIComponent(sessionId)}/checkout${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`);
  };

  return (
    <section className={`flash-card flash-${phase}`} data-testid="flash-card" data-flash-id={sale.id} data-phase={phase} aria-label={t('flash.viewer.label')}>
      <div className="flash-card-top">
        <span className="flash-badge">
          <BoltIcon /> {t('flash.viewer.title')}
        </span>
        <span className="flash-countdown" data-testid="flash-countdown" data-phase={phase} aria-live="off">
          {phase === 'upcoming'
            ? t('flash.viewer.startsIn', { time: formatCountdown(start - nowMs) })
            : phase === 'open'
              ? t('flash.viewer.endsIn', { time: formatCountdown(end - nowMs) })
              : t('flash.viewer.soldOut')}
        </span>
      </div>
      <div className="flash-card-body">
        {sale.image ? <img className="flash-thumb" src={sale.image} alt="" /> : <span className="flash-thumb flash-thumb-empty" aria-hidden="true">
            <BoltIcon />
          </span>}
        <div className="flash-card-main">
          <p className="flash-title" data-testid="flash-title">
            {sale.title} <span className="muted">· {sale.skuName}</span>
          </p>
          <p className="flash-prices">
            <strong className="flash-price" data-testid="flash-price" data-fen={sale.priceFen}>
              {money(sale.priceFen)}
            </strong>{' '}
            <s className="muted" data-testid="flash-regular" data-fen={sale.regularPriceFen}>
              {money(sale.regularPriceFen)}
            </s>
          </p>
          <p className="flash-meta">
            <span data-testid="flash-left" data-left={sale.left} data-total={sale.total}>
              {sale.left > 0 ? t('flash.viewer.left', { left: sale.left, total: sale.total }) : t('flash.viewer.noneLeft', { total: sale.total })}
            </span>
            <span className="flash-dot" aria-hidden="true">
              ·
            </span>
            <span data-testid="flash-limit">{t('flash.viewer.limit', { count: sale.perBuyerLimit })}</span>
          </p>
          <div className="flash-bar" aria-hidden="true">
            <span style={{ width: `${String(soldPct)}%` }} />
          </div>
        </div>
      </div>
      <button
        type="button"
        className="btn btn-live btn-block flash-buy"
        disabled={phase !== 'open' || limitReached}
        onClick={buyNow}
        data-testid="flash-buy"
        data-limit-reached={limitReached ? 'yes' : 'no'}
      >
        {limitReached ? t('flash.viewer.limitReachedButton') : phase === 'upcoming' ? t('flash.viewer.notYet') : phase === 'open' ? t('flash.viewer.buyNow') : t('flash.viewer.soldOut')}
      </button>
      {limitReached && (
        <p className="muted small" role="status" data-testid="flash-limit-reached" data-yours={yours}>
          {t('flash.viewer.limitReached', { count: sale.perBuyerLimit })}{' '}
          <Link to="/orders" data-testid="flash-my-orders">
            {t('flash.viewer.myOrders')}
          </Link>
        </p>
      )}
      {hint && (
        <p className="muted small" role="status" data-testid="flash-hint">
          {hint}
        </p>
      )}
    </section>
  );
}
