import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionStatus } from '../api/api-types';
import { catalogApi } from '../api/catalog-api';
import { describeError } from '../api/describe-error';
import { flashSalesApi, nextFullHour, type ConsoleFlashSale } from '../api/flash-sales-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { FormError, FormField, InputField } from '../components/form-field';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDuration } from '../format/clock-format';
import { formatDateTime } from '../format/date-format';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useFormErrors } from '../hooks/use-form-errors';
import { usePolledResource } from '../hooks/use-polled-resource';
import '../styles/flash-console.css';

const FIELDS = ['skuId', 'priceFen', 'units', 'perBuyerLimit', 'startsAt', 'durationMinutes'] as const;
type Field = (typeof FIELDS)[number];
type StartMode = 'next-hour' | 'now' | 'at';
const OPEN_FOR: readonly SessionStatus[] = ['draft', 'scheduled', 'live'];

/** mm:ss or h:mm:ss until `targetMs` (never negative). */
function countdown(ms: number): string {
  return formatDuration(ms, { round: 'up', padMinutes: true });
}

/** Yuan typed by a person ("49.9") to integer fen, or null. */
function toFen(yuan: string): number | null {
  const m = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(yuan);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * A session's flash sales (整点抢购): create (units set aside from the SKU's stock, opening at the
 * next full hour, now or a chosen time), list with live units left and countdowns, open now /
 * close / cancel. Shown on the session page and the live control page.
 */
export function FlashSalesPanel({ sessionId, status, onChanged }: { sessionId: string; status: SessionStatus; onChanged?: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canWrite = can(PERMISSIONS.promotionsWrite) && OPEN_FOR.includes(status);
  const sales = usePolledResource((signal) => flashSalesApi.list(sessionId, signal), [sessionId], 2000, can(PERMISSIONS.promotionsRead));
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    if (sales.data) setOffset(sales.data.now - Date.now());
  }, [sales.data]);
  // The countdowns tick on the client (the server sends the times, never a message per second).
  useEffect(() => {
    const timer = setInterval(() => { setNow(Date.now()); }, 1000);
    return () => { clearInterval(timer); };
  }, []);

  if (!can(PERMISSIONS.promotionsRead)) return null;
  if (sales.loading && !sales.data) return <section className="card detail-card"><LoadingState /></section>;
  if (!sales.data) return <section className="card detail-card"><ErrorState error={sales.error} onRetry={sales.refresh} /></section>;

  const serverNow = now + offset;
  const act = async (sale: ConsoleFlashSale, action: 'openNow' | 'close' | 'cancel') => {
    if (action !== 'openNow' && !window.confirm(t(`flash.console.confirm.${action}`, { title: sale.title }))) return;
    setBusy(sale.id);
    setActionError(null);
    try {
      const updated = await flashSalesApi[action](sessionId, sale.id);
      sales.setData((d) => (d ? { ...d, items: d.items.map((x) => (x.id === updated.id ? updated : x)) } : d));
      onChanged?.(t(`flash.console.done.${action}`, { title: sale.title }));
    } catch (err) {
      setActionError(describeError(t, err));
    } finally {
      setBusy(null);
    }
  };

  const items = sales.data.items;
  return (
    <section className="card detail-card flash-panel" data-testid="flash-panel" aria-labelledby="flash-panel-title">
      <div className="detail-card-head">
        <h2 id="flash-panel-title" className="card-title">
          {t('flash.console.title')}
        </h2>
        <span className="count-pill">{items.length}</span>
      </div>
      <p className="muted small">{t('flash.console.hint')}</p>
      {items.length === 0 ? (
        <p className="muted" data-testid="flash-empty">
          {t('flash.console.empty')}
        </p>
      ) : (
        <ul className="flash-list">
          {items.map((s) => {
            const starts = Date.parse(s.startsAt);
            const ends = Date.parse(s.endsAt);
            const sold = s.total - s.left - s.returned;
            return (
              <li key={s.id} className="flash-item" data-testid="flash-item" data-sale-id={s.id} data-status={s.status}>
                <div className="flash-item-main">
                  <span className="flash-item-title">
                    <span className={`badge flash-badge-${s.status}`}>{t(`flash.console.status.${s.status}`)}</span> {s.title} · {s.skuName}
                  </span>
                  <span className="small">
                    <strong className="flash-price">{formatFen(s.priceFen, lang)}</strong> <s className="muted">{formatFen(s.regularPriceFen, lang)}</s> · {t('flash.console.limit', { count: s.perBuyerLimit })}
                  </span>
                  <span className="muted small">
                    {formatDateTime(s.startsAt, lang)} – {formatDateTime(s.endsAt, lang)}
                    {s.status === 'scheduled' && <> · <span data-testid="flash-countdown">{t('flash.console.opensIn', { time: countdown(starts - serverNow) })}</span></>}
                    {s.status === 'open' && <> · <span data-testid="flash-countdown">{t('flash.console.endsIn', { time: countdown(ends - serverNow) })}</span></>}
                  </span>
                  <div className="flash-meter" role="meter" aria-valuemin={0} aria-valuemax={s.total} aria-valuenow={s.left} aria-label={t('flash.console.leftLabel')}>
                    <span style={{ width: `${s.total ? Math.round((s.left / s.total) * 100) : 0}%` }} />
                  </div>
                  <span className="small" data-testid="flash-left">
                    {t('flash.console.left', { left: s.left, total: s.total })}
                    {sold > 0 && ` · ${t('flash.console.sold', { count: sold })}`}
                    {s.returned > 0 && ` · ${t('flash.console.returned', { count: s.returned })}`}
                  </span>
                </div>
                {canWrite && (s.status === 'scheduled' || s.status === 'open') && (
                  <span className="flash-item-actions">
                    {s.status === 'scheduled' && (
                      <button type="button" className="btn btn-sm btn-primary" data-testid="flash-open-now" disabled={busy === s.id} onClick={() => void act(s, 'openNow')}>
                        {t('flash.console.openNow')}
                      </button>
                    )}
                    {s.status === 'open' && (
                      <button type="button" className="btn btn-sm" data-testid="flash-close" disabled={busy === s.id} onClick={() => void act(s, 'close')}>
                        {t('flash.console.close')}
                      </button>
                    )}
                    {s.status === 'scheduled' && (
                      <button type="button" className="btn btn-sm btn-ghost" data-testid="flash-cancel" disabled={busy === s.id} onClick={() => void act(s, 'cancel')}>
                        {t('flash.console.cancel')}
                      </button>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <FormError message={actionError} testId="flash-action-error" />
      {canWrite && (
        <CreateFlashSale
          sessionId={sessionId}
          onCreated={(sale) => {
            sales.setData((d) => (d ? { ...d, items: [...d.items, sale].sort((a, b) => a.startsAt.localeCompare(b.startsAt)) } : d));
            onChanged?.(t('flash.console.created', { title: sale.title }));
          }}
        />
      )}
    </section>
  );
}

function CreateFlashSale({ sessionId, onCreated }: { sessionId: string; onCreated: (sale: ConsoleFlashSale) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const products = useApiResource((signal) => (can(PERMISSIONS.catalogRead) ? catalogApi.listProducts({ status: 'active' }, signal) : Promise.resolve({ items: [] })), [can]);
  const [open, setOpen] = useState(false);
  const [skuId, setSkuId] = useState('');
  const [price, setPrice] = useState('');
  const [units, setUnits] = useState('100');
  const [limit, setLimit] = useState('1');
  const [mode, setMode] = useState<StartMode>('next-hour');
  const [at, setAt] = useState('');
  const [duration, setDuration] = useState('10');
  const [saving, setSaving] = useState(false);
  const form = useFormErrors<Field>(FIELDS);

  const skus = (products.data?.items ?? []).flatMap((p) => p.skus.map((s) => ({ id: s.id, label: `${p.title} · ${s.name}`, priceFen: s.priceFen, stock: s.stock })));
  const sku = skus.find((s) => s.id === skuId);
  const hour = nextFullHour(Date.now());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Partial<Record<Field, string[]>> = {};
    const fen = toFen(price);
    const n = Number(units);
    const lim = Number(limit);
    const dur = Number(duration);
    if (!sku) errs.skuId = [t('flash.console.errors.sku')];
    if (fen === null || fen <= 0) errs.priceFen = [t('flash.console.errors.price')];
    else if (sku && fen >= sku.priceFen) errs.priceFen = [t('flash.console.errors.priceBelow', { price: formatFen(sku.priceFen, lang) })];
    if (!Number.isInteger(n) || n < 1) errs.units = [t('flash.console.errors.units')];
    else if (sku && n > sku.stock) errs.units = [t('flash.console.errors.unitsStock', { count: sku.stock })];
    if (!Number.isInteger(lim) || lim < 1) errs.perBuyerLimit = [t('flash.console.errors.limit')];
    else if (Number.isInteger(n) && lim > n) errs.perBuyerLimit = [t('flash.console.errors.limitUnits')];
    if (!Number.isInteger(dur) || dur < 1 || dur > 1440) errs.durationMinutes = [t('flash.console.errors.duration')];
    const startsAt = mode === 'at' ? (at ? new Date(at) : null) : mode === 'next-hour' ? hour : null;
    if (mode === 'at' && (!startsAt || Number.isNaN(startsAt.getTime()) || startsAt.getTime() < Date.now())) errs.startsAt = [t('flash.console.errors.startsAt')];
    form.clearErrors();
    if (Object.keys(errs).length > 0) {
      form.setFieldErrors(errs);
      return;
    }
    setSaving(true);
    try {
      const sale = await flashSalesApi.create(sessionId, {
        skuId,
        priceFen: fen!,
        units: n,
        perBuyerLimit: lim,
        durationMinutes: dur,
        openNow: mode === 'now',
        ...(startsAt ? { startsAt: startsAt.toISOString() } : {}),
      });
      onCreated(sale);
      setOpen(false);
      setPrice('');
    } catch (err) {
      form.showError(err);
    } finally {
      setSaving(false);
    }
  };

  if (!open) {
    return (
      <div className="form-actions">
        <button type="button" className="btn btn-primary" data-testid="flash-new" onClick={() => { setOpen(true); }}>
          {t('flash.console.new')}
        </button>
      </div>
    );
  }
  const fe = form.fieldErrors;
  return (
    <form className="flash-form" data-testid="flash-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3 className="small">{t('flash.console.new')}</h3>
      <FormField name="skuId" label={t('flash.console.fields.sku')} errors={fe.skuId}>
        {(control) => (
          <select {...control} data-testid="flash-sku" value={skuId} onChange={(e) => { setSkuId(e.target.value); }}>
            <option value="">{t('flash.console.chooseSku')}</option>
            {skus.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label} — {formatFen(s.priceFen, lang)} · {t('flash.console.inStock', { count: s.stock })}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <div className="flash-form-row">
        <InputField name="priceFen" testId="flash-price" label={t('flash.console.fields.price')} hint={sku ? t('flash.console.listPrice', { price: formatFen(sku.priceFen, lang) }) : undefined} errors={fe.priceFen} inputMode="decimal" value={price} onValueChange={setPrice} placeholder="49.90" />
        <InputField name="units" testId="flash-units" label={t('flash.console.fields.units')} hint={t('flash.console.unitsHint')} errors={fe.units} inputMode="numeric" value={units} onValueChange={setUnits} />
        <InputField name="perBuyerLimit" testId="flash-limit" label={t('flash.console.fields.limit')} errors={fe.perBuyerLimit} inputMode="numeric" value={limit} onValueChange={setLimit} />
      </div>
      <fieldset className="flash-start">
        <legend className="field-label">{t('flash.console.fields.start')}</legend>
        <label>
          <input type="radio" name="flash-start" data-testid="flash-start-hour" checked={mode === 'next-hour'} onChange={() => { setMode('next-hour'); }} /> {t('flash.console.startHour', { time: formatDateTime(hour.toISOString(), lang) })}
        </label>
        <label>
          <input type="radio" name="flash-start" data-testid="flash-start-now" checked={mode === 'now'} onChange={() => { setMode('now'); }} /> {t('flash.console.startNow')}
        </label>
        <label>
          <input type="radio" name="flash-start" data-testid="flash-start-at" checked={mode === 'at'} onChange={() => { setMode('at'); }} /> {t('flash.console.startAt')}
        </label>
        {mode === 'at' && <InputField name="startsAt" testId="flash-starts-at" label={t('flash.console.fields.startsAt')} errors={fe.startsAt} type="datetime-local" value={at} onValueChange={setAt} />}
        {mode !== 'at' && fe.startsAt && <p className="form-error">{fe.startsAt.join(' ')}</p>}
      </fieldset>
      <InputField name="durationMinutes" testId="flash-duration" label={t('flash.console.fields.duration')} errors={fe.durationMinutes} inputMode="numeric" value={duration} onValueChange={setDuration} />
      <FormError message={form.formError} testId="flash-form-error" />
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={() => { setOpen(false); form.clearErrors(); }}>
          {t('flash.console.discard')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="flash-create" disabled={saving}>
          {saving ? t('flash.console.creating') : t('flash.console.create')}
        </button>
      </div>
    </form>
  );
}
