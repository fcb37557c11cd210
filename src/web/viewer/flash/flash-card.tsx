import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { isApiError } from '../../api/api-client';
import { commerceApi, newIdempotencyKey, type FlashSale } from '../../api/commerce-api';
import { describeError } from '../../api/describe-error';
import { useNow } from '../../hooks/use-now';
import type { RoomSocket } from '../../room/use-room-socket';
import '../../styles/commerce.css';
import { dropReservation, putReservation } from '../cart/cart-store';
import { BoltIcon, CheckIcon } from '../cart/commerce-icons';
import { useMoney } from '../cart/price-explanation';
import { identityKeyOf, type ViewerIdentity } from '../use-viewer-identity';
import {
  SOLD_OUT_SETTLE_MS,
  cardMode,
  cardVisible,
  heldReservation,
  initialGrab,
  isPassRefused,
  refusalOf,
  reservationOfClaim,
  type CardMode,
  type GrabState,
  type HeldReservation,
} from './flash-grab';
import type { FlashPhase } from './flash-time';
import { flashPhase, formatCountdown, formatHold, formatOpensAt } from './flash-time';
import { useFlashPass } from './use-flash-pass';
import { useFlashSales } from './use-flash-sales';

export { flashPhase, formatCountdown };

/** A scheduled sale still not open this long after its start (a missed room event): the list is fetched again. */
const LATE_OPEN_MS = 3_000;

interface CardsProps {
  sessionId: string;
  invite?: string | null;
  room: Pick<RoomSocket, 'subscribeEvents'>;
  identity: ViewerIdentity;
  onNeedSignIn: () => void;
}

/** The room's flash sales (open ones first, then the next to start); nothing when there are none. */
export function FlashSaleCards(props: CardsProps) {
  const { sales, serverOffsetMs, reload } = useFlashSales(props.sessionId, props.room, props.identity);
  // Another buyer (sign-in, sign-out) starts from a clean slate: what this page grabbed was theirs.
  return <FlashCardList key={identityKeyOf(props.identity) ?? 'loading'} {...props} sales={sales} serverOffsetMs={serverOffsetMs} reload={reload} />;
}

function FlashCardList({
  sessionId,
  invite,
  identity,
  onNeedSignIn,
  sales,
  serverOffsetMs,
  reload,
}: CardsProps & { sales: FlashSale[]; serverOffsetMs: number; reload: () => void }) {
  const [grabs, setGrabs] = useState<Record<string, GrabState>>({});
  const now = useNow(sales.length > 0, 250, serverOffsetMs);
  const signedIn = identity.kind === 'viewer';
  const update = useCallback((saleId: string, change: (s: GrabState) => GrabState) => {
    setGrabs((all) => ({ ...all, [saleId]: change(all[saleId] ?? initialGrab) }));
  }, []);

  // The open is the server's to announce (a room event); if it is late, ask again (once per sale).
  const askedLate = useRef(new Set<string>());
  const late = sales.find((s) => s.status === 'scheduled' && now - Date.parse(s.startsAt) > LATE_OPEN_MS && !askedLate.current.has(s.id));
  useEffect(() => {
    if (!late) return;
    askedLate.current.add(late.id);
    reload();
  }, [late, reload]);

  const shown = sales
    .map((s) => ({ sale: s, phase: flashPhase(s, now), state: grabs[s.id] ?? initialGrab }))
    .filter((x) => cardVisible(x.sale, x.phase, signedIn, x.state, now))
    .sort((a, b) => (a.phase === 'upcoming' ? 1 : 0) - (b.phase === 'upcoming' ? 1 : 0) || Date.parse(a.sale.startsAt) - Date.parse(b.sale.startsAt));
  if (shown.length === 0) return null;
  return (
    <div className="flash-cards" data-testid="flash-cards">
      {shown.map(({ sale, phase, state }) => (
        <FlashCard
          key={sale.id}
          sale={sale}
          phase={phase}
          nowMs={now}
          serverOffsetMs={serverOffsetMs}
          sessionId={sessionId}
          invite={invite}
          identity={identity}
          state={state}
          update={update}
          reload={reload}
          onNeedSignIn={onNeedSignIn}
        />
      ))}
    </div>
  );
}

function FlashCard({
  sale,
  phase,
  nowMs,
  serverOffsetMs,
  sessionId,
  invite,
  identity,
  state,
  update,
  reload,
  onNeedSignIn,
}: {
  sale: FlashSale;
  phase: FlashPhase;
  nowMs: number;
  serverOffsetMs: number;
  sessionId: string;
  invite?: string | null | undefined;
  identity: ViewerIdentity;
  state: GrabState;
  update: (saleId: string, change: (s: GrabState) => GrabState) => void;
  reload: () => void;
  onNeedSignIn: () => void;
}) {
  const { t, i18n } = useTranslation();
  const money = useMoney();
  const navigate = useNavigate();
  const [hint, setHint] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const inFlight = useRef(false);
  const signedIn = identity.kind === 'viewer';
  const viewerId = identity.kind === 'viewer' ? identity.viewer.id : null;
  const start = Date.parse(sale.startsAt);
  const end = Date.parse(sale.endsAt);
  const soldPct = sale.total > 0 ? Math.round(((sale.total - sale.left) / sale.total) * 100) : 0;
  const mode = cardMode({ sale, phase, signedIn, state, nowMs });
  const held = signedIn ? heldReservation(sale, state) : null;
  const change = useCallback((fn: (s: GrabState) => GrabState) => { update(sale.id, fn); }, [update, sale.id]);

  // A pass while the buyer may grab (before the open too, so the open needs no sign-in lookup).
  const mayGrab = mode === 'upcoming' || mode === 'open' || mode === 'grabbing' || (mode === 'expired' && phase === 'open');
  const pass = useFlashPass(sessionId, sale.id, invite ?? null, mayGrab ? viewerId : null);

  // A hold that ran out: its line leaves the cart (the checkout would refuse it).
  const expiredId = mode === 'expired' ? held?.id : undefined;
  useEffect(() => {
    if (expiredId) dropReservation(sessionId, expiredId);
  }, [expiredId, sessionId]);

  // Sold out to this buyer until the room says units came back (a hold expired or was given back).
  const { left } = sale;
  const soldOutAt = state.refusal?.kind === 'sold_out' ? state.refusal.at : null;
  useEffect(() => {
    if (soldOutAt !== null && left > 0 && Date.now() - soldOutAt > SOLD_OUT_SETTLE_MS) change((s) => (s.refusal?.kind === 'sold_out' ? { ...s, refusal: null } : s));
  }, [left, soldOutAt, change]);

  const checkoutUrl = `/live/${encodeURIComponent(sessionId)}/checkout${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`;
  const toCart = (r: HeldReservation) => {
    putReservation(sessionId, { skuId: sale.skuId, flashSaleId: sale.id, reservationId: r.id, units: r.units, heldUntil: Date.parse(r.holdUntil) - serverOffsetMs });
  };

  const grab = async () => {
    if (!signedIn) {
      setHint(t('flash.viewer.signInToBuy'));
      onNeedSignIn();
      return;
    }
    if (inFlight.current) return;
    inFlight.current = true;
    // A retry after no answer sends the same key: at most one reservation.
    const key = state.pendingKey ?? newIdempotencyKey();
    const over = mode === 'expired' && held ? held.id : null;
    change((s) => ({ ...s, busy: 'grab', pendingKey: key, refusal: null, notice: null, reservation: over ? null : s.reservation, dropped: over ? [...s.dropped, over] : s.dropped }));
    const body = { quantity: 1, idempotencyKey: key };
    try {
      const withPass = pass.current();
      let reply;
      try {
        reply = await commerceApi.claimFlash(sessionId, sale.id, body, withPass);
      } catch (err) {
        if (!withPass || !isPassRefused(err)) throw err;
        // The pass was refused: a new one for next time, and this grab with the cookie, same key.
        pass.renew();
        reply = await commerceApi.claimFlash(sessionId, sale.id, body, null);
      }
      const r = reservationOfClaim(reply);
      change((s) => ({ ...s, busy: null, pendingKey: null, reservation: r }));
      if (r) toCart(r);
      else reload();
    } catch (err) {
      const refusal = refusalOf(err, Date.now());
      change((s) => ({ ...s, busy: null, pendingKey: refusal.kind === 'error' && refusal.retry ? key : null, refusal }));
      // The list may be behind: a reservation from another tab, a sale that opened or closed.
      if (refusal.kind === 'limit' || refusal.kind === 'not_open') reload();
    } finally {
      inFlight.current = false;
    }
  };

  const giveBack = async (r: HeldReservation) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setConfirming(false);
    change((s) => ({ ...s, busy: 'release', notice: null }));
    try {
      await commerceApi.releaseFlash(sessionId, sale.id, r.id);
      dropReservation(sessionId, r.id);
      change((s) => ({ ...s, busy: null, reservation: null, refusal: null, dropped: [...s.dropped, r.id], notice: { kind: 'released' } }));
    } catch (err) {
      if (isApiError(err) && (err.status === 404 || err.status === 409)) {
        // No longer held (ordered, expired or given back elsewhere): the list says how it stands.
        dropReservation(sessionId, r.id);
        change((s) => ({ ...s, busy: null, reservation: null, dropped: [...s.dropped, r.id] }));
        reload();
      } else change((s) => ({ ...s, busy: null, notice: { kind: 'release-failed', error: err } }));
    } finally {
      inFlight.current = false;
    }
  };

  const checkout = (r: HeldReservation) => {
    toCart(r);
    navigate(checkoutUrl);
  };

  const refusal = state.refusal;
  const grabLabel = buttonLabel(mode, { phase, nowMs, start, retry: refusal?.kind === 'error' && refusal.retry, t });

  return (
    <section className={`flash-card flash-${phase} flash-mode-${mode}`} data-testid="flash-card" data-flash-id={sale.id} data-phase={phase} data-mode={mode} aria-label={t('flash.viewer.label')}>
      <div className="flash-card-top">
        <span className="flash-badge">
          <BoltIcon /> {t('flash.viewer.title')}
        </span>
        <span className="flash-countdown" data-testid="flash-countdown" data-phase={phase} aria-live="off">
          {phase === 'upcoming'
            ? t('flash.viewer.opensAt', { time: formatOpensAt(start, nowMs, i18n.resolvedLanguage ?? 'en') })
            : phase === 'open'
              ? t('flash.viewer.endsIn', { time: formatCountdown(end - nowMs) })
              : phase === 'sold_out'
                ? t('flash.viewer.soldOut')
                : t('flash.viewer.ended')}
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

      {mode === 'reserved' && held ? (
        <div className="flash-reserved" data-testid="flash-reserved" data-reservation-id={held.id} data-units={held.units} data-hold-until={held.holdUntil}>
          <div className="flash-reserved-head">
            <span className="flash-reserved-title">
              <CheckIcon /> {t('flash.viewer.reserved')}
            </span>
            <HoldLeft ms={Date.parse(held.holdUntil) - nowMs} />
          </div>
          <p className="flash-reserved-detail" data-testid="flash-reserved-detail">
            {t('flash.viewer.reservedDetail', { count: held.units, price: money(sale.priceFen) })}
          </p>
          <button type="button" className="btn btn-live btn-block flash-buy" onClick={() => { checkout(held); }} data-testid="flash-checkout" disabled={state.busy === 'release'}>
            {t('flash.viewer.checkout')}
          </button>
          {confirming ? (
            <div className="flash-confirm" role="group" aria-label={t('flash.viewer.giveBackConfirm')} data-testid="flash-give-back-confirm">
              <span>{t('flash.viewer.giveBackConfirm')}</span>
              <button type="button" className="btn btn-sm btn-danger" onClick={() => void giveBack(held)} data-testid="flash-give-back-yes">
                {t('flash.viewer.giveBackYes')}
              </button>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => { setConfirming(false); }} data-testid="flash-give-back-no">
                {t('flash.viewer.keepIt')}
              </button>
            </div>
          ) : (
            <button type="button" className="flash-link" onClick={() => { setConfirming(true); }} disabled={state.busy === 'release'} data-testid="flash-give-back">
              {state.busy === 'release' ? t('flash.viewer.givingBack') : t('flash.viewer.giveBack')}
            </button>
          )}
        </div>
      ) : (
        <button
          type="button"
          className="btn btn-live btn-block flash-buy"
          disabled={!grabEnabled(mode, phase)}
          aria-busy={mode === 'grabbing'}
          onClick={() => void grab()}
          data-testid="flash-grab"
          data-limit-reached={mode === 'bought' || mode === 'limit' ? 'yes' : 'no'}
        >
          {grabLabel}
        </button>
      )}

      <FlashNote mode={mode} phase={phase} nowMs={nowMs} start={start} sale={sale} state={state} hint={hint} />
    </section>
  );
}

/** "Pay within 4:59" with the time set apart (where it sits in the sentence is the language's choice). */
function HoldLeft({ ms }: { ms: number }) {
  const { t } = useTranslation();
  const time = formatHold(ms);
  const mark = '\u0000';
  const [before = '', after = ''] = t('flash.viewer.holdLeft', { time: mark }).split(mark);
  return (
    <span className="flash-hold" role="timer" aria-label={t('flash.viewer.holdLeft', { time })}>
      {before}
      <span className="flash-hold-time" data-testid="flash-hold" data-ms={Math.max(0, ms)} aria-hidden="true">
        {time}
      </span>
      {after}
    </span>
  );
}

/** Less than a second to go (the countdown shows 00:00): the open is a moment away. */
function now0(ms: number): boolean {
  return ms < 1_000;
}

function grabEnabled(mode: CardMode, phase: FlashPhase): boolean {
  return mode === 'open' || mode === 'guest' || (mode === 'expired' && phase === 'open');
}

function buttonLabel(mode: CardMode, x: { phase: FlashPhase; nowMs: number; start: number; retry: boolean; t: (k: string, o?: Record<string, unknown>) => string }): string {
  const { t } = x;
  switch (mode) {
    case 'guest':
      return t('flash.viewer.signInToGrab');
    case 'upcoming':
      return now0(x.start - x.nowMs) ? t('flash.viewer.opening') : t('flash.viewer.startsIn', { time: formatCountdown(x.start - x.nowMs) });
    case 'open':
      return x.retry ? t('flash.viewer.tryAgain') : t('flash.viewer.grab');
    case 'grabbing':
      return t('flash.viewer.grabbing');
    case 'expired':
      return x.phase === 'open' ? t('flash.viewer.grabAgain') : x.phase === 'sold_out' ? t('flash.viewer.soldOut') : t('flash.viewer.ended');
    case 'sold_out':
      return t('flash.viewer.soldOut');
    case 'limit':
    case 'bought':
      return t('flash.viewer.limitReachedButton');
    case 'reserved':
      return t('flash.viewer.reserved');
    case 'ended':
      return t('flash.viewer.ended');
  }
}

/** The line under the button: why it is as it is, or what just happened. */
function FlashNote({ mode, phase, nowMs, start, sale, state, hint }: { mode: CardMode; phase: FlashPhase; nowMs: number; start: number; sale: FlashSale; state: GrabState; hint: string | null }) {
  const { t } = useTranslation();
  const refusal = state.refusal;
  let body: ReactNode = null;
  let kind = 'info';
  if (mode === 'guest') body = hint;
  else if (mode === 'expired') {
    kind = 'warn';
    body = t('flash.viewer.expired');
  } else if (mode === 'bought')
    body = (
      <span data-testid="flash-limit-reached" data-yours={sale.yours ?? 0}>
        {t('flash.viewer.limitReached', { count: sale.perBuyerLimit })}{' '}
        <Link to="/orders" data-testid="flash-my-orders">
          {t('flash.viewer.myOrders')}
        </Link>
      </span>
    );
  else if (mode === 'limit') body = t('flash.viewer.limitRefused', { count: sale.perBuyerLimit });
  else if (mode === 'sold_out') body = t('flash.viewer.soldOutHint');
  else if (mode === 'upcoming') body = t('flash.viewer.upcomingHint');
  else if (state.notice?.kind === 'released') body = t('flash.viewer.released');
  else if (state.notice?.kind === 'release-failed') {
    kind = 'error';
    body = describeError(t, state.notice.error, 'viewer');
  } else if (mode === 'open' && refusal?.kind === 'not_open') {
    kind = 'warn';
    body = nowMs < start || phase === 'upcoming' ? t('flash.viewer.notOpenYet') : t('flash.viewer.over');
  } else if (mode === 'open' && refusal?.kind === 'error') {
    kind = 'error';
    body = refusal.signIn
      ? t('flash.viewer.signInAgain')
      : refusal.retry
        ? t('flash.viewer.retrySafe', { reason: describeError(t, refusal.error, 'viewer') })
        : describeError(t, refusal.error, 'viewer');
  }
  if (body === null) return null;
  return (
    <p className={`flash-note flash-note-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid="flash-note" data-kind={kind} data-mode={mode}>
      {body}
    </p>
  );
}
