import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import { ordersConsoleApi, type ConsoleOrderDetail, type FullAddress, type ReturnAction } from '../api/orders-console-api';
import { useAuth } from '../auth/auth-context';
import { CloseButton } from '../components/close-button';
import { FormError, FormField } from '../components/form-field';
import { ErrorState, LoadingState } from '../components/page-states';
import { ToneBadge, type BadgeTone } from '../components/tone-badge';
import { formatDateTime } from '../format/date-format';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useFormErrors } from '../hooks/use-form-errors';

const ORDER_TONES: Readonly<Record<string, BadgeTone>> = { pending_payment: 'warn', paid: 'info', shipped: 'demo', delivered: 'ok' };
const RETURN_TONES: Readonly<Record<string, BadgeTone>> = { requested: 'warn', approved: 'info', received: 'info', refunded: 'ok' };

/** The order's status as a coloured badge (same labels on every console page). */
export function OrderStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <ToneBadge tones={ORDER_TONES} status={status}>
      {t(`orders.console.status.${status}`)}
    </ToneBadge>
  );
}

export { carrierName, historyReason } from '../orders/history-reason';
import { carrierName, historyReason } from '../orders/history-reason';

/** A short, readable order number: the last 8 characters of the id. */
export const shortId = (id: string) => id.slice(-8).toUpperCase();

interface DrawerProps {
  orderId: string;
  onClose: () => void;
  /** Called after a change (cancel, return step, delivery) so the list can refresh. */
  onChanged: (message: string) => void;
}

/** The console's side panel for one order: lines with allocations, price explanation, history, payments, refunds and returns. */
export function OrderDetailDrawer({ orderId, onClose, onChanged }: DrawerProps) {
  const { t } = useTranslation();
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const order = useApiResource((signal) => ordersConsoleApi.get(orderId, signal), [orderId]);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    panel.current?.querySelector<HTMLElement>('button')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCloseRef.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus();
    };
  }, []);

  return createPortal(
    <div
      className="oc-drawer-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <aside className="oc-drawer" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={panel} data-testid="order-drawer">
        <header className="oc-drawer-head">
          <h2 id={titleId}>{t('orders.console.detail.title', { no: shortId(orderId) })}</h2>
          <CloseButton onClose={onClose} />
        </header>
        <div className="oc-drawer-body">
          {order.loading && !order.data ? (
            <LoadingState />
          ) : order.error || !order.data ? (
            <ErrorState error={order.error} onRetry={order.reload} />
          ) : (
            <OrderDetailBody
              order={order.data}
              onChanged={(message) => {
                order.reload();
                onChanged(message);
              }}
            />
          )}
        </div>
      </aside>
    </div>,
    document.body,
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="oc-section" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function OrderDetailBody({ order, onChanged }: { order: ConsoleOrderDetail; onChanged: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.resolvedLanguage ?? 'en';
  const fen = (n: number) => formatFen(n, lang);
  const when = (iso: string | null): string => (iso ? (formatDateTime(iso, lang) ?? iso) : t('common.none'));
  const [address, setAddress] = useState<FullAddress | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const lineTitle = (lineId: string) => {
    const l = order.lines.find((x) => x.id === lineId);
    return l ? `${l.title} · ${l.skuName}` : lineId;
  };
  const sourceLabel = (source: string) => (source === 'points' ? t('orders.console.detail.points') : source);

  const run = async (key: string, action: () => Promise<unknown>, message: string) => {
    setBusy(key);
    setActionError(null);
    try {
      await action();
      onChanged(message);
    } catch (err) {
      setActionError(describeError(t, err));
    } finally {
      setBusy(null);
    }
  };

  const revealAddress = async () => {
    setBusy('address');
    setActionError(null);
    try {
      // Customer service reads it through the orders route, logistics through the fulfilment one (both audited).
      setAddress(await (can('orders:write') ? ordersConsoleApi.address(order.id) : ordersConsoleApi.fulfilmentAddress(order.id)));
    } catch (err) {
      setActionError(describeError(t, err));
    } finally {
      setBusy(null);
    }
  };

  const returnButtons: Record<string, ReturnAction[]> = { requested: ['approve', 'reject'], approved: ['receive'], received: ['refund'] };

  return (
    <div className="oc-detail">
      <div className="oc-detail-top">
        <OrderStatusBadge status={order.status} />
        <span className="oc-total" data-testid="order-total">
          {fen(order.totalFen)}
        </span>
      </div>
      <FormError message={actionError} testId="order-action-error" />

      <dl className="oc-facts">
        <dt>{t('orders.console.detail.buyer')}</dt>
        <dd>{order.buyerNickname ?? order.buyerId}</dd>
        <dt>{t('orders.console.detail.created')}</dt>
        <dd>{when(order.createdAt)}</dd>
        {order.status === 'pending_payment' && (
          <>
            <dt>{t('orders.console.detail.payBy')}</dt>
            <dd>{when(order.payBy)}</dd>
          </>
        )}
        {order.paidAt && (
          <>
            <dt>{t('orders.console.detail.paid')}</dt>
            <dd>{when(order.paidAt)}</dd>
          </>
        )}
        {order.shippedAt && (
          <>
            <dt>{t('orders.console.detail.shipped')}</dt>
            <dd>
              {when(order.shippedAt)} · {order.carrier ? carrierName(t, order.carrier) : ''} {order.trackingNo}
            </dd>
          </>
        )}
        {order.deliveredAt && (
          <>
            <dt>{t('orders.console.detail.delivered')}</dt>
            <dd>{when(order.deliveredAt)}</dd>
          </>
        )}
        {order.cancelledAt && (
          <>
            <dt>{t('orders.console.detail.cancelled')}</dt>
            <dd>{when(order.cancelledAt)}</dd>
          </>
        )}
        <dt>{t('orders.console.detail.address')}</dt>
        <dd>
          {address ? (
            <span data-testid="order-full-address">
              {address.name} {address.phone} {address.region} {address.street}
            </span>
          ) : (
            <span data-testid="order-masked-address">{order.addressMasked ?? t('common.none')}</span>
          )}
          {!address && order.addressMasked && (can('orders:write') || can('fulfilment:write')) && (
            <button type="button" className="btn btn-sm btn-ghost oc-inline-btn" data-testid="order-reveal-address" disabled={busy !== null} onClick={() => void revealAddress()}>
              {t('orders.console.detail.reveal')}
            </button>
          )}
          {address && <p className="muted small">{t('orders.console.detail.revealAudited')}</p>}
        </dd>
      </dl>

      <Section title={t('orders.console.detail.lines')} testId="order-lines">
        <ul className="oc-lines">
          {order.lines.map((l) => (
            <li key={l.id} className="oc-line">
              <div className="oc-line-head">
                <span className="oc-line-title">
                  {l.title} <span className="muted">· {l.skuName}</span> × {l.quantity}
                  {l.isGift && <span className="badge badge-ok oc-gift">{t('orders.console.detail.gift')}</span>}
                  {l.flashUnits > 0 && <span className="badge badge-warn oc-gift">{t('orders.console.detail.flashUnits', { count: l.flashUnits })}</span>}
                </span>
                <span className="oc-line-paid">{fen(l.paidFen)}</span>
              </div>
              <div className="oc-line-math muted small">
                {t('orders.console.detail.unitPrice', { price: fen(l.unitPriceFen) })}
                {l.activityFen !== l.unitPriceFen * l.quantity && <> · {t('orders.console.detail.activity', { price: fen(l.activityFen) })}</>}
                {l.allocations.map((a) => (
                  <span key={a.source}>
                    {' '}
                    · {t('orders.console.detail.allocation', { source: sourceLabel(a.source), fen: fen(a.fen) })}
                  </span>
                ))}
                {l.returnedQty > 0 && <> · {t('orders.console.detail.returnedQty', { count: l.returnedQty })}</>}
              </div>
            </li>
          ))}
        </ul>
        <p className="muted small">{t('orders.console.detail.allocationsHint')}</p>
      </Section>

      <Section title={t('orders.console.detail.priceExplained')} testId="order-adjustments">
        <ul className="oc-adjustments">
          <li>
            <span>{t('orders.console.detail.regular')}</span>
            <span>{fen(order.regularFen)}</span>
          </li>
          {order.adjustments.map((a, i) => (
            <li key={`${a.source}-${i}`}>
              <span>{a.reason}</span>
              <span>−{fen(a.fen)}</span>
            </li>
          ))}
          <li className="oc-adjustments-total">
            <span>{t('orders.console.detail.total')}</span>
            <span>{fen(order.totalFen)}</span>
          </li>
        </ul>
        {order.giftsOmitted.length > 0 && (
          <div className="oc-warn" data-testid="order-gifts-omitted">
            {order.giftsOmitted.map((g) => (
              <p key={g.skuId}>{t('orders.console.detail.giftOmitted', { title: g.title })}</p>
            ))}
          </div>
        )}
      </Section>

      <Section title={t('orders.console.detail.history')} testId="order-history">
        <ol className="oc-timeline">
          {order.history.map((h) => (
            <li key={h.id}>
              <time dateTime={h.at}>{when(h.at)}</time>
              <span className="oc-timeline-what">
                {h.from && h.from !== h.to ? `${t(`orders.console.status.${h.from}`)} → ` : ''}
                {t(`orders.console.status.${h.to}`)}
                <span className="muted"> · {t(`orders.console.actor.${h.actorKind}`, { defaultValue: h.actorKind })}</span>
              </span>
              {h.reason && <span className="muted small oc-timeline-reason">{historyReason(t, h.reason, when)}</span>}
            </li>
          ))}
        </ol>
      </Section>

      <Section title={t('orders.console.detail.payments')} testId="order-payments">
        {order.payments.length === 0 ? (
          <p className="muted">{t('common.none')}</p>
        ) : (
          <ul className="oc-plain">
            {order.payments.map((p) => (
              <li key={p.id}>
                {p.provider} · {fen(p.amountFen)} · {t(`orders.console.paymentStatus.${p.status}`, { defaultValue: p.status })} · <span className="muted">{when(p.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
        {order.refunds.length > 0 && (
          <>
            <h4>{t('orders.console.detail.refunds')}</h4>
            <ul className="oc-plain" data-testid="order-refunds">
              {order.refunds.map((r) => (
                <li key={r.id}>
                  {fen(r.amountFen)} · {r.returnId ? t('orders.console.detail.refundForReturn') : t('orders.console.detail.refundForCancel')} · <span className="muted">{when(r.createdAt)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>

      {order.returns.length > 0 && (
        <Section title={t('orders.console.detail.returns')} testId="order-returns">
          <ul className="oc-returns">
            {order.returns.map((r) => (
              <li key={r.id} className="oc-return" data-testid="order-return">
                <div className="oc-line-head">
                  <span>
                    <ToneBadge tones={RETURN_TONES} status={r.status}>
                      {t(`orders.console.returnStatus.${r.status}`)}
                    </ToneBadge> {when(r.createdAt)}
                  </span>
                  <span>
                    {fen(r.refundFen)}
                    {r.pointsRefund > 0 && <span className="muted small"> {t('orders.console.detail.pointsBack', { count: r.pointsRefund })}</span>}
                  </span>
                </div>
                <ul className="oc-plain small">
                  {r.lines.map((l) => (
                    <li key={l.lineId}>
                      {lineTitle(l.lineId)} × {l.quantity} → {fen(l.refundFen)}
                    </li>
                  ))}
                </ul>
                {r.reason && <p className="muted small">“{r.reason}”</p>}
                {can('orders:write') && (returnButtons[r.status] ?? []).length > 0 && (
                  <div className="oc-actions">
                    {(returnButtons[r.status] ?? []).map((a) => (
                      <button
                        key={a}
                        type="button"
                        className={`btn btn-sm ${a === 'reject' ? 'btn-ghost' : 'btn-primary'}`}
                        data-testid={`return-${a}`}
                        disabled={busy !== null}
                        onClick={() => void run(`${r.id}-${a}`, () => ordersConsoleApi.returnAction(order.id, r.id, a), t(`orders.console.returnDone.${a}`))}
                      >
                        {t(`orders.console.returnAction.${a}`, { amount: fen(r.refundFen) })}
                      </button>
                    ))}
                  </div>
                )}
              </li>
            ))}
          </ul>
          <p className="muted small">{t('orders.console.detail.giftsNotRefunded')}</p>
        </Section>
      )}

      <div className="oc-actions oc-detail-actions">
        {order.status === 'shipped' && can('fulfilment:write') && (
          <button type="button" className="btn" data-testid="order-deliver" disabled={busy !== null} onClick={() => void run('deliver', () => ordersConsoleApi.deliver(order.id), t('orders.console.delivered'))}>
            {t('orders.console.detail.markDelivered')}
          </button>
        )}
        {(order.status === 'pending_payment' || order.status === 'paid') && can('orders:write') && !cancelling && (
          <button type="button" className="btn btn-danger" data-testid="order-cancel" onClick={() => { setCancelling(true); }}>
            {t('orders.console.detail.cancel')}
          </button>
        )}
      </div>
      {cancelling && (
        <CancelForm
          paid={order.status === 'paid'}
          total={fen(order.totalFen)}
          onCancel={() => { setCancelling(false); }}
          onDone={() => {
            setCancelling(false);
            onChanged(t('orders.console.cancelledNotice'));
          }}
          orderId={order.id}
        />
      )}
    </div>
  );
}

function CancelForm({ orderId, paid, total, onCancel, onDone }: { orderId: string; paid: boolean; total: string; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const errors = useFormErrors(['reason'] as const);
  const submit = async () => {
    errors.clearErrors();
    const trimmed = reason.trim();
    if (!trimmed) return errors.setFieldErrors({ reason: [t('orders.console.detail.reasonRequired')] });
    if (trimmed.length > 200) return errors.setFieldErrors({ reason: [t('orders.console.detail.reasonTooLong')] });
    setSaving(true);
    try {
      await ordersConsoleApi.cancel(orderId, trimmed);
      onDone();
    } catch (err) {
      errors.showError(err);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      className="oc-cancel-form"
      data-testid="order-cancel-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>{paid ? t('orders.console.detail.cancelPaidHint', { total }) : t('orders.console.detail.cancelUnpaidHint')}</p>
      <FormField name="reason" label={t('orders.console.detail.reason')} errors={errors.fieldErrors.reason}>
        {(control) => <textarea {...control} data-testid="order-cancel-reason" rows={2} maxLength={220} value={reason} onChange={(e) => { setReason(e.target.value); }} />}
      </FormField>
      <FormError message={errors.formError} />
      <div className="oc-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('orders.console.detail.keep')}
        </button>
        <button type="submit" className="btn btn-danger" data-testid="order-cancel-confirm" disabled={saving}>
          {paid ? t('orders.console.detail.cancelAndRefund') : t('orders.console.detail.cancelConfirm')}
        </button>
      </div>
    </form>
  );
}
