import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { isApiError } from '../api/api-client';
import { commerceApi, type OrderLine, type ViewerOrder } from '../api/commerce-api';
import { describeError } from '../api/describe-error';
import { ModalDialog } from '../components/modal-dialog';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { formatCountdown } from '../viewer/flash/flash-card';
import { PriceExplanation, useMoney, type ExplainedLine, type Explanation } from '../viewer/cart/price-explanation';
import { OrderStatusBadge, RequireViewer } from './orders-page';
import { historyReason } from './history-reason';
import { refundPreview } from './refund-preview';
import { ViewerShell } from './viewer-shell';

/** 七天无理由: returns can be asked for this long after delivery (the server's returnDays decides). */
const RETURN_DAYS = 7;

function explainedFromOrder(order: ViewerOrder): ExplainedLine[] {
  return order.lines
    .filter((l) => !l.isGift)
    .map((l) => {
      const priced = order.pricing?.lines.find((p) => p.lineId === l.id);
      return {
        lineId: l.id,
        title: l.title,
        skuName: l.skuName,
        quantity: l.quantity,
        unitPriceFen: l.unitPriceFen,
        regularFen: priced?.regularFen ?? l.unitPriceFen * l.quantity,
        activityFen: l.activityFen ?? priced?.activityFen ?? l.unitPriceFen * l.quantity,
        paidFen: l.paidFen,
        notes: priced?.notes ?? [],
        flashUnits: l.flashUnits ?? 0,
      };
    });
}

/** The explanation the order was placed with (adjustments and their reasons, gifts, omitted gifts). */
function explanationOfOrder(order: ViewerOrder): Explanation {
  const lines = order.lines.filter((l) => !l.isGift);
  return {
    regularFen: order.regularFen ?? lines.reduce((s, l) => s + l.unitPriceFen * l.quantity, 0),
    adjustments: order.adjustments ?? order.pricing?.adjustments ?? [],
    rejected: [],
    totalFen: order.totalFen,
    pointsUsed: order.pointsUsed ?? 0,
    gifts: order.lines.filter((l) => l.isGift).map((g) => ({ title: g.title, quantity: g.quantity })),
    giftOutOfStock: (order.giftsOmitted ?? []).length > 0,
    couponCount: order.couponIds?.length ?? 0,
  };
}

/** The order's history, or (when the reply has none) its moments: placed, paid, shipped, delivered, cancelled. */
function timelineOf(order: ViewerOrder): { to: string; at: string; reason?: string | null }[] {
  if (order.history && order.history.length > 0) return order.history;
  const moments: [string, string | null | undefined][] = [
    ['pending_payment', order.createdAt],
    ['paid', order.paidAt],
    ['shipped', order.shippedAt],
    ['delivered', order.deliveredAt],
    ['cancelled', order.cancelledAt],
  ];
  return moments.filter((m): m is [string, string] => typeof m[1] === 'string' && m[1] !== '').map(([to, at]) => ({ to, at })).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** `/orders/:id`: status, timeline, what each line cost and why, and what the buyer can do next. */
export function OrderDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${t('orders.viewer.order')} · ${t('app.name')}`;
  }, [t]);
  return (
    <ViewerShell back={{ to: '/orders', label: t('orders.viewer.myOrders') }}>
      <RequireViewer>
        <OrderDetail id={id} />
      </RequireViewer>
    </ViewerShell>
  );
}

function OrderDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const money = useMoney();
  const failedPayment = useSearchParams()[0].get('payment') === 'failed';
  const order = useApiResource((signal) => commerceApi.order(id, signal), [id]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [returning, setReturning] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const o = order.data;
  const unpaid = o?.status === 'pending_payment';

  // The sandbox confirms a payment through its webhook a moment later: look again until it lands.
  const { reload } = order;
  useEffect(() => {
    if (!unpaid) return;
    const tick = window.setInterval(() => { setNow(Date.now()); }, 1000);
    const poll = window.setInterval(reload, 2000);
    return () => {
      window.clearInterval(tick);
      window.clearInterval(poll);
    };
  }, [unpaid, reload]);

  if (order.loading && !o) return <LoadingState />;
  if (!o) {
    if (isApiError(order.error) && order.error.status === 404) {
      return (
        <div className="card state" data-testid="order-not-found">
          <p>{t('orders.viewer.notFound')}</p>
        </div>
      );
    }
    return <ErrorState error={order.error} audience="viewer" onRetry={order.reload} />;
  }

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await run();
      order.reload();
    } catch (err) {
      setActionError(describeError(t, err, 'viewer'));
    } finally {
      setBusy(false);
    }
  };

  const payByMs = o.payBy ? Date.parse(o.payBy) : NaN;
  const deliveredMs = o.deliveredAt ? Date.parse(o.deliveredAt) : NaN;
  const returnUntil = o.returnBy ? Date.parse(o.returnBy) : Number.isFinite(deliveredMs) ? deliveredMs + RETURN_DAYS * 86_400_000 : NaN;
  const canReturn = o.status === 'delivered' && Number.isFinite(returnUntil) && Date.now() < returnUntil && o.lines.some((l) => !l.isGift && (l.returnedQty ?? 0) < l.quantity);
  const canCancel = o.status === 'pending_payment' || o.status === 'paid';
  const checkoutUrl = o.checkoutUrl ?? o.payment?.checkoutUrl ?? null;

  return (
    <div className="order-detail" data-testid="order-detail" data-order-id={o.id} data-status={o.status}>
      <div className="order-head">
        <h1 className="commerce-title">{t('orders.viewer.orderNo', { id: o.id.slice(-8).toUpperCase() })}</h1>
        <OrderStatusBadge status={o.status} />
        <strong className="order-total" data-testid="order-total" data-fen={o.totalFen}>
          {money(o.totalFen)}
        </strong>
      </div>

      {failedPayment && unpaid && (
        <p className="checkout-problem is-error" role="alert" data-testid="payment-failed">
          {t('orders.viewer.paymentFailed')}
        </p>
      )}
      {unpaid && (
        <div className="card pay-by" data-testid="pay-by">
          <p>
            {Number.isFinite(payByMs)
              ? t('orders.viewer.payBy', { time: formatCountdown(payByMs - now) })
              : t('orders.viewer.awaitingPayment')}
          </p>
          {checkoutUrl && (
            <Link className="btn btn-primary" to={checkoutUrl} data-testid="pay-now">
              {t('orders.viewer.payNow', { total: money(o.totalFen) })}
            </Link>
          )}
        </div>
      )}

      <div className="order-grid">
        <section className="card">
          <h2 className="card-title">{t('orders.viewer.whatYouPay')}</h2>
          <ul className="order-lines" data-testid="order-lines">
            {o.lines
              .filter((l) => !l.isGift)
              .map((l) => (
                <li key={l.id} className="order-line" data-testid="order-line" data-line-id={l.id} data-paid-fen={l.paidFen}>
                  <span>
                    {(l.flashUnits ?? 0) > 0 && <span className="flash-tag">{t('flash.viewer.tag')}</span>}
                    {l.title} <span className="muted">· {l.skuName} × {l.quantity}</span>
                    {(l.returnedQty ?? 0) > 0 && <span className="muted small"> {t('orders.viewer.returned', { count: l.returnedQty })}</span>}
                    <span className="line-split muted small" data-testid="line-split">
                      {t('orders.viewer.lineSplit', { activity: money(l.activityFen ?? l.unitPriceFen * l.quantity) })}
                      {(l.allocations ?? [])
                        .filter((x) => x.fen > 0)
                        .map((x) => {
                          const kind = o.adjustments?.find((adj) => adj.source === x.source)?.kind ?? (x.source === 'points' ? 'points' : 'coupon');
                          return ` − ${t(`orders.viewer.explain.kind.${kind}`, { defaultValue: kind })} ${money(x.fen)}`;
                        })
                        .join('')}
                    </span>
                  </span>
                  <strong>{money(l.paidFen)}</strong>
                </li>
              ))}
          </ul>
          <PriceExplanation explanation={explanationOfOrder(o)} lines={explainedFromOrder(o)} showLines={false} testId="order-explanation" />
        </section>

        <section className="card">
          <h2 className="card-title">{t('orders.viewer.timeline')}</h2>
          <ol className="timeline" data-testid="order-timeline">
            {timelineOf(o).map((h, i) => (
              <li key={i} data-testid="timeline-entry" data-to={h.to}>
                <span className="timeline-dot" aria-hidden="true" />
                <span>
                  <strong>{t(`orders.viewer.status.${h.to}`, { defaultValue: h.to })}</strong>
                  <span className="muted small"> · {formatDateTime(h.at, lang)}</span>
                  {h.reason && <span className="muted small block">{historyReason(t, h.reason, (iso) => formatDateTime(iso, lang) ?? iso)}</span>}
                </span>
              </li>
            ))}
          </ol>
          {o.carrier && (
            <p data-testid="order-tracking">
              {t('orders.viewer.tracking', { carrier: o.carrier, no: o.trackingNo ?? '' })}
            </p>
          )}
          {(o.addressMasked ?? o.address) && <p className="muted small">{o.addressMasked ?? o.address}</p>}
          {(o.returns ?? []).length > 0 && (
            <>
              <h3 className="card-subtitle">{t('orders.viewer.returns')}</h3>
              <ul className="order-returns" data-testid="order-returns">
                {(o.returns ?? []).map((r) => (
                  <li key={r.id} data-testid="order-return" data-status={r.status}>
                    {t(`orders.viewer.returnStatus.${r.status}`, { defaultValue: r.status })}
                    {r.refundFen !== undefined && <strong> {money(r.refundFen)}</strong>}
                  </li>
                ))}
              </ul>
            </>
          )}

          <div className="order-actions">
            {canCancel && (
              <button type="button" className="btn btn-danger" disabled={busy} onClick={() => { setConfirmCancel(true); }} data-testid="order-cancel">
                {t('orders.viewer.cancel')}
              </button>
            )}
            {o.status === 'shipped' && (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act(() => commerceApi.confirmReceipt(o.id))} data-testid="order-confirm-receipt">
                {t('orders.viewer.confirmReceipt')}
              </button>
            )}
            {canReturn && (
              <button type="button" className="btn" disabled={busy} onClick={() => { setReturning(true); }} data-testid="order-return-open">
                {t('orders.viewer.requestReturn')}
              </button>
            )}
          </div>
          {actionError && (
            <p className="form-error" role="alert" data-testid="order-action-error">
              {actionError}
            </p>
          )}
        </section>
      </div>

      {confirmCancel && (
        <ModalDialog title={t('orders.viewer.cancelTitle')} onClose={() => { setConfirmCancel(false); }} testId="cancel-dialog">
          <p>{o.status === 'paid' ? t('orders.viewer.cancelPaidBody', { total: money(o.totalFen) }) : t('orders.viewer.cancelBody')}</p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => { setConfirmCancel(false); }}>
              {t('orders.viewer.keep')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="cancel-confirm"
              onClick={() => {
                setConfirmCancel(false);
                void act(() => commerceApi.cancel(o.id));
              }}
            >
              {t('orders.viewer.cancel')}
            </button>
          </div>
        </ModalDialog>
      )}
      {returning && (
        <ReturnDialog
          order={o}
          onClose={() => { setReturning(false); }}
          onDone={() => {
            setReturning(false);
            order.reload();
          }}
        />
      )}
    </div>
  );
}

function ReturnDialog({ order, onClose, onDone }: { order: ViewerOrder; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  // What earlier requests (not rejected) already claimed of each line: units and fen.
  const claimed = (l: OrderLine) => {
    const prior = (order.returns ?? []).filter((r) => r.status !== 'rejected').flatMap((r) => r.lines ?? []).filter((x) => x.lineId === l.id);
    const units = prior.reduce((s, x) => s + x.quantity, 0);
    return { units: Math.max(units, l.returnedQty ?? 0), fen: prior.reduce((s, x) => s + (x.refundFen ?? 0), 0) };
  };
  const lines = order.lines.filter((l) => !l.isGift && claimed(l).units < l.quantity);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refund = lines.reduce((s, l) => s + refundPreview(l, claimed(l).units, claimed(l).fen, qty[l.id] ?? 0), 0);
  const chosen = lines.filter((l) => (qty[l.id] ?? 0) > 0);

  const submit = async () => {
    if (chosen.length === 0) {
      setError(t('orders.viewer.returnChooseLines'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await commerceApi.requestReturn(order.id, { lines: chosen.map((l) => ({ lineId: l.id, quantity: qty[l.id] ?? 0 })), ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onDone();
    } catch (err) {
      setError(describeError(t, err, 'viewer'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalDialog title={t('orders.viewer.requestReturn')} onClose={onClose} testId="return-dialog">
      <p className="muted small">{t('orders.viewer.returnHint')}</p>
      <ul className="return-lines">
        {lines.map((l) => {
          const max = l.quantity - claimed(l).units;
          const q = qty[l.id] ?? 0;
          return (
            <li key={l.id} data-testid="return-line" data-line-id={l.id}>
              <span>
                {l.title} <span className="muted">· {l.skuName}</span>
              </span>
              <div className="stepper">
                <button type="button" className="btn btn-sm" disabled={q <= 0} onClick={() => { setQty({ ...qty, [l.id]: q - 1 }); }} aria-label={t('orders.viewer.cart.less')}>
                  −
                </button>
                <span className="stepper-value" data-testid="return-qty">
                  {q} / {max}
                </span>
                <button type="button" className="btn btn-sm" disabled={q >= max} onClick={() => { setQty({ ...qty, [l.id]: q + 1 }); }} aria-label={t('orders.viewer.cart.more')} data-testid="return-plus">
                  +
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <label className="field">
        <span className="field-label">{t('orders.viewer.returnReason')}</span>
        <input type="text" value={reason} maxLength={200} onChange={(e) => { setReason(e.target.value); }} data-testid="return-reason" />
      </label>
      <p className="return-refund" data-testid="return-refund" data-fen={refund}>
        {t('orders.viewer.refundWillBe', { amount: money(refund) })}
      </p>
      {error && (
        <p className="form-error" role="alert" data-testid="return-error">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void submit()} data-testid="return-submit">
          {t('orders.viewer.sendReturn')}
        </button>
      </div>
    </ModalDialog>
  );
}
