import { useEffect, useRef, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../../api/api-client';
import { commerceApi, newIdempotencyKey, type ShippingAddress } from '../../api/commerce-api';
import { describeError } from '../../api/describe-error';
import { FormError, InputField } from '../../components/form-field';
import { LoadingState } from '../../components/page-states';
import { useFormErrors } from '../../hooks/use-form-errors';
import { useNow } from '../../hooks/use-now';
import { ViewerShell } from '../../orders/viewer-shell';
import { clearCart, dropReservation, lineRequest, useCart, type CartItem } from '../cart/cart-store';
import { PriceExplanation, explainedLines, explanationOfQuote, useMoney } from '../cart/price-explanation';
import { useCartQuote } from '../cart/use-cart-quote';
import { usePointsBalance } from '../cart/use-points-balance';
import { usePointsPreference } from '../cart/use-points-preference';
import { useViewerIdentity } from '../use-viewer-identity';
import { formatHold } from '../flash/flash-time';
import { ADDRESS_FIELDS, validateAddress, type AddressField } from './address-rules';
import { ViewerAuthPanel } from '../viewer-auth-panel';

type Problem =
  | { kind: 'price-changed'; fromFen: number; toFen: number }
  | { kind: 'sold-out' | 'limit' | 'other'; message: string }
  | { kind: 'reservation'; why: ReservationTrouble };

/** A flash reservation in the cart that cannot be checked out: its hold ran out, or it is no longer this buyer's. */
type ReservationTrouble = 'expired' | 'unavailable';

/** The reservation trouble an API error names, if any. */
function reservationTroubleOf(error: unknown): ReservationTrouble | null {
  if (!isApiError(error)) return null;
  return error.code === 'RESERVATION_EXPIRED' ? 'expired' : error.code === 'RESERVATION_UNAVAILABLE' ? 'unavailable' : null;
}

/** `/live/:id/checkout`: the address, the final explained price, and "Pay ¥X". */
export function CheckoutPage() {
  const { id = '' } = useParams<{ id: string }>();
  const invite = useSearchParams()[0].get('invite');
  const { t } = useTranslation();
  const navigate = useNavigate();
  const money = useMoney();
  const { identity, signIn, signUp, signOut } = useViewerIdentity();
  const items = useCart(id);
  const [usePoints, setUsePoints] = usePointsPreference();
  const signedIn = identity.kind === 'viewer';
  const { quote, loading, error, refresh } = useCartQuote(id, items, identity, usePoints, signedIn);
  const points = usePointsBalance(signedIn);
  const [address, setAddress] = useState<ShippingAddress>({ name: '', phone: '', region: '', street: '' });
  const { fieldErrors, formError, setFieldErrors, setFormError, clearErrors, showError } = useFormErrors(ADDRESS_FIELDS, 'viewer');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // One key per checkout attempt: retries and double clicks send the same one (one order).
  const attemptKey = useRef<string>(newIdempotencyKey());
  const inFlight = useRef(false);
  const roomUrl = `/live/${encodeURIComponent(id)}${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`;

  useEffect(() => {
    document.title = `${t('orders.viewer.checkout.title')} · ${t('app.name')}`;
  }, [t]);

  const fresh = quote && quote.lines.length === items.length ? quote : null;
  // Flash reservations (grabbed in the room): held for this buyer until their hold runs out.
  const reserved = items.filter((i): i is CartItem & { reservationId: string } => Boolean(i.reservationId));
  const now = useNow(reserved.length > 0);
  const trouble: ReservationTrouble | null =
    problem?.kind === 'reservation'
      ? problem.why
      : reservationTroubleOf(error) ?? (reserved.some((i) => i.heldUntil !== undefined && i.heldUntil <= now) ? 'expired' : null);
  const backToRoom = () => {
    for (const i of reserved) dropReservation(id, i.reservationId);
    navigate(roomUrl);
  };

  const set = (field: AddressField) => (value: string) => {
    setAddress((a) => ({ ...a, [field]: value }));
    if (fieldErrors[field]) setFieldErrors({ ...fieldErrors, [field]: undefined });
  };

  const pay = async (event?: SubmitEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (inFlight.current || !fresh || trouble) return;
    clearErrors();
    const local = validateAddress(address);
    if (Object.keys(local).length > 0) {
      setFieldErrors(Object.fromEntries(Object.entries(local).map(([f, key]) => [f, [t(key)]])));
      return;
    }
    inFlight.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const reply = await commerceApi.placeOrder(id, {
        lines: items.map(lineRequest),
        usePoints,
        expectedTotalFen: fresh.pricing.totalFen,
        idempotencyKey: attemptKey.current,
        address: { ...address, phone: address.phone.replace(/[\s-]/g, ''), name: address.name.trim(), region: address.region.trim(), street: address.street.trim() },
      });
      clearCart(id);
      const url = reply.payment.checkoutUrl;
      if (url.startsWith('/')) navigate(url);
      else window.location.assign(url);
    } catch (err) {
      if (isApiError(err) && err.status === 409) {
        // Nothing was ordered: the next try is a new attempt with a new key.
        attemptKey.current = newIdempotencyKey();
        const before = fresh.pricing.totalFen;
        const next = await refresh();
        const why = reservationTroubleOf(err);
        if (why) setProblem({ kind: 'reservation', why });
        else if (err.code === 'PRICE_CHANGED') setProblem({ kind: 'price-changed', fromFen: before, toFen: next?.pricing.totalFen ?? before });
        else if (err.code === 'SOLD_OUT') setProblem({ kind: 'sold-out', message: err.message });
        else if (err.code === 'LIMIT_REACHED') setProblem({ kind: 'limit', message: err.message });
        else setProblem({ kind: 'other', message: describeError(t, err, 'viewer') });
      } else if (isApiError(err) && err.status >= 400 && err.status < 500) {
        // Refused as sent (a field, say): fix and send again as a new attempt.
        attemptKey.current = newIdempotencyKey();
        showError(err);
      } else {
        // Network or server trouble: the same key again is safe (at most one order).
        setFormError(t('orders.viewer.checkout.retrySafe', { reason: describeError(t, err, 'viewer') }));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <ViewerShell back={{ to: roomUrl, label: t('orders.viewer.backToRoom') }}>
      <h1 className="commerce-title">{t('orders.viewer.checkout.title')}</h1>
      {identity.kind === 'loading' ? (
        <LoadingState />
      ) : !signedIn ? (
        <div className="checkout-signin" data-testid="checkout-signin">
          <p>{t('orders.viewer.checkout.signInFirst')}</p>
          <ViewerAuthPanel identity={identity} onSignIn={signIn} onSignUp={signUp} onSignOut={signOut} />
        </div>
      ) : items.length === 0 ? (
        <div className="card state" data-testid="checkout-empty">
          <p>{t('orders.viewer.cart.empty')}</p>
          <Link className="btn" to={roomUrl}>
            {t('orders.viewer.backToRoom')}
          </Link>
        </div>
      ) : (
        <>
          {/* The hold first: on a phone the price is below the address form. */}
          {!trouble && reserved.map((i) => (
            <p className="checkout-reservation" key={i.reservationId} role="timer" data-testid="checkout-reservation" data-reservation-id={i.reservationId}>
              <span className="flash-tag">{t('flash.viewer.tag')}</span>
              {i.heldUntil !== undefined && i.heldUntil > now ? t('flash.checkout.reservedLine', { time: formatHold(i.heldUntil - now) }) : t('flash.viewer.expired')}
            </p>
          ))}
          <form className="checkout-grid" noValidate onSubmit={(e) => void pay(e)} data-testid="checkout-form">
            <section className="card checkout-address">
              <h2 className="card-title">{t('orders.viewer.checkout.address')}</h2>
              <InputField name="name" testId="address-name" label={t('orders.viewer.checkout.name')} type="text" value={address.name} onValueChange={set('name')} errors={fieldErrors.name} autoComplete="name" maxLength={40} />
              <InputField
                name="phone"
                testId="address-phone"
                label={t('orders.viewer.checkout.phone')}
                hint={t('orders.viewer.checkout.phoneHint')}
                type="text"
                value={address.phone}
                onValueChange={set('phone')}
                errors={fieldErrors.phone}
                autoComplete="tel"
                inputMode="tel"
                maxLength={16}
              />
              <InputField name="region" testId="address-region" label={t('orders.viewer.checkout.region')} hint={t('orders.viewer.checkout.regionHint')} type="text" value={address.region} onValueChange={set('region')} errors={fieldErrors.region} autoComplete="address-level1" maxLength={60} />
              <InputField name="street" testId="address-street" label={t('orders.viewer.checkout.street')} type="text" value={address.street} onValueChange={set('street')} errors={fieldErrors.street} autoComplete="street-address" maxLength={120} />
            </section>

            <section className="card checkout-summary" aria-live="polite">
              <h2 className="card-title">{t('orders.viewer.checkout.summary')}</h2>
              {points !== null && points > 0 && (
                <label className="points-toggle">
                  <input type="checkbox" checked={usePoints} onChange={(e) => { setUsePoints(e.target.checked); }} data-testid="use-points" />
                  {t('orders.viewer.cart.usePointsOf', { count: points })}
                </label>
              )}
              {fresh ? (
                <PriceExplanation explanation={explanationOfQuote(fresh)} lines={explainedLines(fresh)} testId="checkout-explanation" />
              ) : error && !trouble ? (
                <p className="form-error" role="alert" data-testid="checkout-quote-error">
                  {describeError(t, error, 'viewer')}
                </p>
              ) : (
                <LoadingState label={t('orders.viewer.cart.pricing')} />
              )}

              {trouble && (
                <div className="checkout-problem is-error" role="alert" data-testid="checkout-problem" data-kind="reservation" data-why={trouble}>
                  <p>{trouble === 'expired' ? t('flash.checkout.expired') : t('flash.checkout.unavailable')}</p>
                  <button type="button" className="btn btn-sm" onClick={backToRoom} data-testid="checkout-back-to-room">
                    {t('flash.checkout.backToRoom')}
                  </button>
                </div>
              )}
              {problem && problem.kind !== 'reservation' && (
                <div className={`checkout-problem ${problem.kind === 'price-changed' ? 'is-warn' : 'is-error'}`} role="alert" data-testid="checkout-problem" data-kind={problem.kind}>
                  {problem.kind === 'price-changed'
                    ? t('orders.viewer.checkout.priceChanged', { from: money(problem.fromFen), to: money(problem.toFen) })
                    : problem.kind === 'sold-out'
                      ? t('orders.viewer.checkout.soldOut')
                      : problem.kind === 'limit'
                        ? t('orders.viewer.checkout.limitReached')
                        : problem.message}
                </div>
              )}
              <FormError message={formError} testId="checkout-error" />

              <button type="submit" className="btn btn-primary btn-block btn-pay" disabled={!fresh || busy || loading || trouble !== null} data-testid="checkout-pay" data-expected-fen={fresh?.pricing.totalFen}>
                {busy
                  ? t('orders.viewer.checkout.placing')
                  : fresh
                    ? problem?.kind === 'price-changed'
                      ? t('orders.viewer.checkout.confirmAndPay', { total: money(fresh.pricing.totalFen) })
                      : t('orders.viewer.checkout.pay', { total: money(fresh.pricing.totalFen) })
                    : t('orders.viewer.cart.pricing')}
              </button>
              <p className="muted small">{t('orders.viewer.checkout.sandboxNote')}</p>
            </section>
          </form>
        </>
      )}
    </ViewerShell>
  );
}
