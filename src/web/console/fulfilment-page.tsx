import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import { ordersConsoleApi, type ConsoleOrder, type FullAddress } from '../api/orders-console-api';
import { useAuth } from '../auth/auth-context';
import { DataTable } from '../components/data-table';
import { FormError, InputField } from '../components/form-field';
import { ModalDialog } from '../components/modal-dialog';
import { ErrorBanner, Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useFormErrors } from '../hooks/use-form-errors';
import { useNotice } from '../hooks/use-notice';
import { shortId } from './order-detail-drawer';
import '../styles/orders-console.css';

/** Common carriers; anything else can be typed. */
const CARRIERS = ['SF Express', 'JD Logistics', 'ZTO Express', 'YTO Express', 'STO Express', 'Yunda Express', 'EMS'] as const;
const TRACKING = /^[A-Za-z0-9-]{6,40}$/;

/** `/console/fulfilment`: paid orders waiting to ship, oldest first; logistics reveals the address (audited) and ships with carrier and tracking number. */
export function FulfilmentPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.resolvedLanguage ?? 'en';
  const queue = useApiResource((signal) => ordersConsoleApi.fulfilment(signal), []);
  const [shipping, setShipping] = useState<ConsoleOrder | null>(null);
  const [addresses, setAddresses] = useState<Record<string, FullAddress>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();
  const canShip = can('fulfilment:write');
  const columns = [t('orders.console.col.order'), t('orders.console.fulfilment.col.items'), t('orders.console.col.address'), t('orders.console.fulfilment.col.waiting')];

  const reveal = async (id: string) => {
    setError(null);
    try {
      const a = await ordersConsoleApi.fulfilmentAddress(id);
      setAddresses((prev) => ({ ...prev, [id]: a }));
    } catch (err) {
      setError(describeError(t, err));
    }
  };
  const waiting = (paidAt: string | null) => {
    if (!paidAt) return '';
    const minutes = Math.max(0, Math.round((Date.now() - Date.parse(paidAt)) / 60_000));
    return minutes < 60 ? t('orders.console.fulfilment.minutes', { count: minutes }) : minutes < 48 * 60 ? t('orders.console.fulfilment.hours', { count: Math.round(minutes / 60) }) : t('orders.console.fulfilment.days', { count: Math.round(minutes / 1440) });
  };

  return (
    <section className="page" data-testid="fulfilment-page">
      <PageHeader title={t('orders.console.fulfilment.title')} subtitle={t('orders.console.fulfilment.subtitle')}>
        <button type="button" className="btn" data-testid="fulfilment-refresh" onClick={queue.reload}>
          {t('orders.console.fulfilment.refresh')}
        </button>
      </PageHeader>
      <Notice message={notice} onDismiss={dismissNotice} />
      <ErrorBanner message={error} onDismiss={() => { setError(null); }} testId="fulfilment-error" />

      <ListStates resource={queue} items={queue.data?.items} empty={<EmptyState title={t('orders.console.fulfilment.empty')} hint={t('orders.console.fulfilment.emptyHint')} />}>
        {(items) => (
          <DataTable testId="fulfilment-list" className="oc-table" columns={columns} actionsLabel={t('orders.console.fulfilment.ship')}>
            {items.map((o) => {
              const full = addresses[o.id];
              return (
                <tr key={o.id} data-testid="fulfilment-row" data-order-id={o.id}>
                  <td data-label={t('orders.console.col.order')}>
                    <span className="row-title mono">#{shortId(o.id)}</span>
                    <span className="row-meta muted">{t('orders.console.fulfilment.paidAt', { time: formatDateTime(o.paidAt, lang) ?? '' })}</span>
                  </td>
                  <td data-label={t('orders.console.fulfilment.col.items')} className="cell-break">
                    <ul className="oc-plain">
                      {o.lines.map((l) => (
                        <li key={l.id}>
                          {l.title} · {l.skuName} × {l.quantity}
                          {l.isGift && <span className="badge badge-ok oc-gift">{t('orders.console.detail.gift')}</span>}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('orders.console.col.address')} className="cell-break">
                    {full ? (
                      <span data-testid="fulfilment-full-address">
                        {full.name} {full.phone}
                        <br />
                        {full.region} {full.street}
                      </span>
                    ) : (
                      <>
                        <span className="muted">{o.addressMasked ?? t('common.none')}</span>
                        {canShip && o.addressMasked && (
                          <button type="button" className="btn btn-sm btn-ghost oc-inline-btn" data-testid="fulfilment-reveal" onClick={() => void reveal(o.id)}>
                            {t('orders.console.detail.reveal')}
                          </button>
                        )}
                      </>
                    )}
                  </td>
                  <td data-label={t('orders.console.fulfilment.col.waiting')}>{waiting(o.paidAt)}</td>
                  <td className="cell-actions">
                    {canShip && (
                      <button type="button" className="btn btn-sm btn-primary" data-testid="fulfilment-ship" onClick={() => { setShipping(o); }}>
                        {t('orders.console.fulfilment.ship')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </ListStates>
      <p className="muted small oc-footnote">{t('orders.console.fulfilment.auditNote')}</p>

      {shipping && (
        <ShipDialog
          order={shipping}
          onClose={() => { setShipping(null); }}
          onShipped={(carrier, trackingNo) => {
            setShipping(null);
            queue.setData((prev) => (prev ? { items: prev.items.filter((x) => x.id !== shipping.id) } : prev));
            showNotice(t('orders.console.fulfilment.shipped', { no: shortId(shipping.id), carrier, trackingNo }));
          }}
        />
      )}
    </section>
  );
}

function ShipDialog({ order, onClose, onShipped }: { order: ConsoleOrder; onClose: () => void; onShipped: (carrier: string, trackingNo: string) => void }) {
  const { t } = useTranslation();
  const [carrier, setCarrier] = useState<string>(CARRIERS[0]);
  const [other, setOther] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [saving, setSaving] = useState(false);
  const errors = useFormErrors(['carrier', 'trackingNo'] as const);
  const chosen = carrier === 'other' ? other.trim() : carrier;

  const submit = async () => {
    errors.clearErrors();
    const tn = trackingNo.trim();
    const problems: { carrier?: string[]; trackingNo?: string[] } = {};
    if (chosen.length < 2 || chosen.length > 40) problems.carrier = [t('orders.console.fulfilment.carrierInvalid')];
    if (!TRACKING.test(tn)) problems.trackingNo = [t('orders.console.fulfilment.trackingInvalid')];
    if (problems.carrier || problems.trackingNo) return errors.setFieldErrors(problems);
    setSaving(true);
    try {
      await ordersConsoleApi.ship(order.id, chosen, tn);
      onShipped(chosen, tn);
    } catch (err) {
      errors.showError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <ModalDialog title={t('orders.console.fulfilment.shipTitle', { no: shortId(order.id) })} onClose={onClose} testId="ship-dialog">
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="field">
          <label className="field-label" htmlFor="ship-carrier">
            {t('orders.console.fulfilment.carrier')}
          </label>
          <select id="ship-carrier" data-testid="ship-carrier" value={carrier} onChange={(e) => { setCarrier(e.target.value); }}>
            {CARRIERS.map((c) => (
              <option key={c} value={c}>
                {t(`orders.console.fulfilment.carriers.${c}`, { defaultValue: c })}
              </option>
            ))}
            <option value="other">{t('orders.console.fulfilment.otherCarrier')}</option>
          </select>
        </div>
        {carrier === 'other' ? (
          <InputField
            name="carrier"
            label={t('orders.console.fulfilment.carrierName')}
            testId="ship-carrier-other"
            type="text"
            value={other}
            onValueChange={setOther}
            maxLength={40}
            errors={errors.fieldErrors.carrier}
          />
        ) : (
          errors.fieldErrors.carrier && <p className="field-errors">{errors.fieldErrors.carrier.join(' ')}</p>
        )}
        <InputField
          name="trackingNo"
          label={t('orders.console.fulfilment.trackingNo')}
          hint={t('orders.console.fulfilment.trackingHint')}
          testId="ship-tracking"
          type="text"
          value={trackingNo}
          onValueChange={setTrackingNo}
          maxLength={40}
          autoComplete="off"
          errors={errors.fieldErrors.trackingNo}
        />
        <FormError message={errors.formError} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('orders.console.fulfilment.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" data-testid="ship-submit" disabled={saving}>
            {saving ? t('orders.console.fulfilment.shipping') : t('orders.console.fulfilment.markShipped')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
