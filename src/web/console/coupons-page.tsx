import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { yuanToFen } from '../api/catalog-api';
import { describeError } from '../api/describe-error';
import { promotionsApi, type CouponTemplate, type IssueResult, type NewCouponTemplateInput, type WalletCoupon } from '../api/promotions-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { DemoBadge } from '../components/badges';
import { FormError, FormField, InputField, SelectField } from '../components/form-field';
import { ErrorBanner, Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ErrorState, ListStates } from '../components/page-states';
import { ToneBadge, type BadgeTone } from '../components/tone-badge';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../format/date-format';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useFormErrors } from '../hooks/use-form-errors';
import { useNotice } from '../hooks/use-notice';
import { ChipCheckbox, CouponStackingField, type CouponStacking } from './coupon-stacking-field';
import { PromotionStatusBadge } from './promotion-status-badge';
import '../styles/promotions.css';

type T = (key: string, opts?: Record<string, unknown>) => string;

const COUPON_TONES: Readonly<Record<string, BadgeTone>> = { issued: 'ok', reserved: 'info', expired: 'warn' };

export function couponValue(c: Pick<CouponTemplate, 'discountType' | 'offFen' | 'percentOff' | 'maxOffFen' | 'thresholdFen'>, t: T, lang: string): string {
  const y = (fen: number) => formatFen(fen, lang);
  const value =
    c.discountType === 'fixed'
      ? t('coupons.value.fixed', { off: y(c.offFen ?? 0) })
      : c.maxOffFen !== null
        ? t('coupons.value.percentCapped', { percent: c.percentOff, cap: y(c.maxOffFen) })
        : t('coupons.value.percent', { percent: c.percentOff });
  return c.thresholdFen > 0 ? `${value} · ${t('coupons.value.threshold', { spend: y(c.thresholdFen) })}` : value;
}

export function CouponsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canWrite = can(PERMISSIONS.promotionsWrite);
  const [creating, setCreating] = useState(false);
  const [issuing, setIssuing] = useState<CouponTemplate | null>(null);
  const [editing, setEditing] = useState<CouponTemplate | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();
  const templates = useApiResource((signal) => promotionsApi.templates(signal), []);

  const toggle = async (c: CouponTemplate) => {
    setBusyId(c.id);
    setActionError(null);
    try {
      const saved = await promotionsApi.setTemplateStatus(c.id, c.status === 'active' ? 'paused' : 'active');
      templates.setData((prev) => (prev ? { items: prev.items.map((x) => (x.id === saved.id ? saved : x)) } : prev));
    } catch (error) {
      setActionError(describeError(t, error));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section className="page coupons-page">
      <PageHeader title={t('coupons.title')} subtitle={t('coupons.subtitle')}>
        {canWrite && !creating && (
          <button type="button" className="btn btn-primary" data-testid="coupon-template-new" onClick={() => { setCreating(true); }}>
            {t('coupons.new')}
          </button>
        )}
      </PageHeader>
      <Notice message={notice} onDismiss={dismissNotice} />
      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="coupon-action-error" />
      {creating && (
        <TemplateForm
          onCancel={() => { setCreating(false); }}
          onSaved={(saved) => {
            setCreating(false);
            showNotice(t('coupons.notice.created', { name: saved.name }));
            templates.reload();
          }}
        />
      )}
      {issuing && (
        <IssueForm
          template={issuing}
          onClose={() => { setIssuing(null); }}
          onIssued={(r) => {
            if (r.issued > 0) showNotice(t('coupons.notice.issued', { count: r.issued, name: issuing.name }));
            templates.reload();
          }}
        />
      )}

      {editing && (
        <TemplateEditForm
          key={editing.id}
          template={editing}
          onCancel={() => { setEditing(null); }}
          onSaved={(saved) => {
            setEditing(null);
            showNotice(t('coupons.notice.saved', { name: saved.name }));
            templates.setData((prev) => (prev ? { items: prev.items.map((x) => (x.id === saved.id ? saved : x)) } : prev));
          }}
        />
      )}

      <h2 className="section-title">{t('coupons.templates')}</h2>
      <ListStates resource={templates} items={templates.data?.items} empty={<EmptyState title={t('coupons.empty')} />}>
        {(items) => (
          <div className="promo-list" data-testid="coupon-template-list">
            {items.map((c) => (
              <article key={c.id} className="card promo-card" data-testid="coupon-template-card">
                <header className="promo-card-head">
                  <div>
                    <h3 className="promo-name">{c.name}</h3>
                    <p className="muted small">
                      {t(`coupons.issuer.${c.issuer}`)}
                      {c.fansOnly ? ` · ${t('coupons.fansOnly')}` : ''}
                    </p>
                  </div>
                  <div className="chips">
                    <PromotionStatusBadge status={c.status}>{t(`coupons.status.${c.status}`)}</PromotionStatusBadge>
                    {c.isDemo && <DemoBadge />}
                  </div>
                </header>
                <p className="promo-summary">{couponValue(c, t, lang)}</p>
                <div className="coupon-meter" aria-label={t('coupons.issuedOf', { issued: c.issuedCount, total: c.totalQuantity })}>
                  <span style={{ width: `${Math.min(100, (100 * c.issuedCount) / c.totalQuantity)}%` }} />
                </div>
                <dl className="promo-facts">
                  <dt>{t('coupons.counts')}</dt>
                  <dd data-testid="coupon-counts">{t('coupons.issuedUsed', { issued: c.issuedCount, total: c.totalQuantity, used: c.usedCount })}</dd>
                  <dt>{t('coupons.validity')}</dt>
                  <dd>
                    {formatDateTime(c.validFrom, lang)} – {formatDateTime(c.validTo, lang)}
                  </dd>
                  <dt>{t('coupons.perViewer')}</dt>
                  <dd>{c.perViewerLimit}</dd>
                  <dt>{t('promotions.stacking')}</dt>
                  <dd>
                    {c.exclusive ? (
                      <span className="badge badge-warn">{t('promotions.exclusive')}</span>
                    ) : (
                      <>
                        {t(c.stackWithThreshold ? 'coupons.stacksWithThreshold' : 'coupons.noThreshold')} · {t(c.stackWithCoupons ? 'coupons.stacksWithCoupons' : 'coupons.noCoupons')}
                      </>
                    )}{' '}
                    · {t('promotions.priorityValue', { value: c.priority })}
                  </dd>
                </dl>
                {canWrite && (
                  <div className="form-actions promo-actions">
                    <button type="button" className="btn btn-sm btn-primary" data-testid="coupon-issue" disabled={c.status !== 'active'} onClick={() => { setIssuing(c); }}>
                      {t('coupons.issue')}
                    </button>
                    <button type="button" className="btn btn-sm" data-testid="coupon-edit" onClick={() => { setEditing(c); }}>
                      {t('common.edit')}
                    </button>
                    <button type="button" className="btn btn-sm" disabled={busyId === c.id} onClick={() => void toggle(c)}>
                      {c.status === 'active' ? t('promotions.action.pause') : t('promotions.action.activate')}
                    </button>
                  </div>
                )}
              </article>
            ))}
          </div>
        )}
      </ListStates>

      <WalletSearch />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------

/** Reads a whole number out of a form's text, noting a field error in `errs` when it is not one. */
function wholeNumberReader<F extends string>(errs: Partial<Record<F, string[]>>, t: T): (field: F, text: string) => number {
  return (field, text) => {
    if (!/^-?\d+$/.test(text.trim())) errs[field] = [t('promotions.form.wholeNumber')];
    return Number(text);
  };
}

/** Saving a template form: its own field errors stop it; a refused save shows the server's errors and lets the form be sent again. */
function useTemplateSave<F extends string>(serverFields: readonly F[], onSaved: (c: CouponTemplate) => void) {
  const [submitting, setSubmitting] = useState(false);
  const { fieldErrors, formError, setFieldErrors, clearErrors, showError } = useFormErrors(serverFields);
  const save = async (errs: Partial<Record<F, string[]>>, request: () => Promise<CouponTemplate>) => {
    if (Object.keys(errs).length > 0) {
      setFieldErrors(errs);
      return;
    }
    setSubmitting(true);
    try {
      onSaved(await request());
    } catch (error) {
      showError(error);
      setSubmitting(false);
    }
  };
  return { submitting, fieldErrors, formError, clearErrors, save };
}

type TemplateField = 'name' | 'issuer' | 'discountType' | 'offFen' | 'percentOff' | 'maxOffFen' | 'thresholdFen' | 'validFrom' | 'validTo' | 'totalQuantity' | 'perViewerLimit' | 'priority';
const TEMPLATE_FIELDS: readonly TemplateField[] = ['name', 'issuer', 'discountType', 'offFen', 'percentOff', 'maxOffFen', 'thresholdFen', 'validFrom', 'validTo', 'totalQuantity', 'perViewerLimit', 'priority'];

function TemplateForm({ onCancel, onSaved }: { onCancel: () => void; onSaved: (c: CouponTemplate) => void }) {
  const { t } = useTranslation();
  const now = Date.now();
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState<'store' | 'platform'>('store');
  const [discountType, setDiscountType] = useState<'fixed' | 'percent'>('fixed');
  const [off, setOff] = useState('10');
  const [percent, setPercent] = useState('10');
  const [maxOff, setMaxOff] = useState('');
  const [threshold, setThreshold] = useState('99');
  const [validFrom, setValidFrom] = useState(isoToLocalInput(new Date(now).toISOString()));
  const [validTo, setValidTo] = useState(isoToLocalInput(new Date(now + 7 * 86_400_000).toISOString()));
  const [total, setTotal] = useState('100');
  const [perViewer, setPerViewer] = useState('1');
  const [priority, setPriority] = useState('0');
  const [fansOnly, setFansOnly] = useState(false);
  const [stacking, setStacking] = useState<CouponStacking>({ stackWithThreshold: true, stackWithCoupons: true, exclusive: false });
  const { submitting, fieldErrors, formError, clearErrors, save } = useTemplateSave(TEMPLATE_FIELDS, onSaved);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();
    const errs: Partial<Record<TemplateField, string[]>> = {};
    const money = (field: TemplateField, text: string, optional = false): number | undefined => {
      if (optional && text.trim() === '') return undefined;
      const fen = yuanToFen(text);
      if (fen === null) errs[field] = [t('promotions.form.amountInvalid')];
      return fen ?? undefined;
    };
    const whole = wholeNumberReader(errs, t);
    if (!name.trim()) errs.name = [t('promotions.form.required')];
    const from = localInputToIso(validFrom);
    const to = localInputToIso(validTo);
    if (!from) errs.validFrom = [t('promotions.form.required')];
    if (!to) errs.validTo = [t('promotions.form.required')];
    if (from && to && from >= to) errs.validTo = [t('promotions.form.toAfterFrom')];
    const input: NewCouponTemplateInput = {
      name: name.trim(),
      issuer,
      discountType,
      ...(discountType === 'fixed' ? { offFen: money('offFen', off) } : { percentOff: whole('percentOff', percent), ...(maxOff.trim() ? { maxOffFen: money('maxOffFen', maxOff, true) } : {}) }),
      thresholdFen: money('thresholdFen', threshold) ?? 0,
      validFrom: from ?? '',
      validTo: to ?? '',
      totalQuantity: whole('totalQuantity', total),
      perViewerLimit: whole('perViewerLimit', perViewer),
      priority: whole('priority', priority),
      fansOnly,
      ...stacking,
    };
    await save(errs, () => promotionsApi.createTemplate(input));
  };

  return (
    <form className="card form-card promo-form" noValidate data-testid="coupon-template-form" onSubmit={(e) => void submit(e)}>
      <h2 className="card-title">{t('coupons.form.title')}</h2>
      <div className="form-grid">
        <InputField type="text" name="name" label={t('coupons.form.name')} errors={fieldErrors.name} className="span-2" testId="coupon-name" value={name} onValueChange={setName} maxLength={80} autoFocus />
        <SelectField name="issuer" label={t('coupons.form.issuer')} errors={fieldErrors.issuer} testId="coupon-issuer" value={issuer} options={['store', 'platform'] as const} optionLabel={(v) => t(`coupons.issuer.${v}`)} onValueChange={setIssuer} />
        <SelectField name="discountType" label={t('coupons.form.discountType')} errors={fieldErrors.discountType} testId="coupon-type" value={discountType} options={['fixed', 'percent'] as const} optionLabel={(v) => t(`coupons.type.${v}`)} onValueChange={setDiscountType} />
        {discountType === 'fixed' ? (
          <InputField type="text" name="offFen" label={t('coupons.form.off')} errors={fieldErrors.offFen} inputMode="decimal" testId="coupon-off" value={off} onValueChange={setOff} />
        ) : (
          <>
            <InputField type="text" name="percentOff" label={t('coupons.form.percent')} errors={fieldErrors.percentOff} inputMode="numeric" testId="coupon-percent" value={percent} onValueChange={setPercent} />
            <InputField type="text" name="maxOffFen" label={`${t('coupons.form.maxOff')} (${t('common.optional')})`} errors={fieldErrors.maxOffFen} inputMode="decimal" testId="coupon-max-off" value={maxOff} onValueChange={setMaxOff} />
          </>
        )}
        <InputField type="text" name="thresholdFen" label={t('coupons.form.threshold')} hint={t('coupons.form.thresholdHint')} errors={fieldErrors.thresholdFen} inputMode="decimal" testId="coupon-threshold" value={threshold} onValueChange={setThreshold} />
        <InputField name="validFrom" label={t('coupons.form.validFrom')} errors={fieldErrors.validFrom} type="datetime-local" testId="coupon-valid-from" value={validFrom} onValueChange={setValidFrom} />
        <InputField name="validTo" label={t('coupons.form.validTo')} errors={fieldErrors.validTo} type="datetime-local" testId="coupon-valid-to" value={validTo} onValueChange={setValidTo} />
        <InputField type="text" name="totalQuantity" label={t('coupons.form.total')} errors={fieldErrors.totalQuantity} inputMode="numeric" testId="coupon-total" value={total} onValueChange={setTotal} />
        <InputField type="text" name="perViewerLimit" label={t('coupons.form.perViewer')} errors={fieldErrors.perViewerLimit} inputMode="numeric" testId="coupon-per-viewer" value={perViewer} onValueChange={setPerViewer} />
        <InputField type="text" name="priority" label={t('promotions.form.priority')} errors={fieldErrors.priority} inputMode="numeric" testId="coupon-priority" value={priority} onValueChange={setPriority} />
        <CouponStackingField value={stacking} onChange={setStacking}>
          <ChipCheckbox checked={fansOnly} onChange={setFansOnly}>
            {t('coupons.fansOnly')}
          </ChipCheckbox>
        </CouponStackingField>
      </div>
      <FormError message={formError} testId="coupon-form-error" />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="coupon-submit">
          {submitting ? t('common.saving') : t('coupons.form.create')}
        </button>
      </div>
    </form>
  );
}

type EditField = 'name' | 'validTo' | 'totalQuantity' | 'perViewerLimit' | 'priority';
const EDIT_FIELDS: readonly EditField[] = ['name', 'validTo', 'totalQuantity', 'perViewerLimit', 'priority'];

/** Name, end, quantities and stacking of an existing template (the total never below what was issued). */
function TemplateEditForm({ template, onCancel, onSaved }: { template: CouponTemplate; onCancel: () => void; onSaved: (c: CouponTemplate) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(template.name);
  const [validTo, setValidTo] = useState(isoToLocalInput(template.validTo));
  const [total, setTotal] = useState(String(template.totalQuantity));
  const [perViewer, setPerViewer] = useState(String(template.perViewerLimit));
  const [priority, setPriority] = useState(String(template.priority));
  const [stacking, setStacking] = useState<CouponStacking>({ stackWithThreshold: template.stackWithThreshold, stackWithCoupons: template.stackWithCoupons, exclusive: template.exclusive });
  const { submitting, fieldErrors, formError, clearErrors, save } = useTemplateSave(EDIT_FIELDS, onSaved);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();
    const errs: Partial<Record<EditField, string[]>> = {};
    const whole = wholeNumberReader(errs, t);
    if (!name.trim()) errs.name = [t('promotions.form.required')];
    const to = localInputToIso(validTo);
    if (!to) errs.validTo = [t('promotions.form.required')];
    const patch = {
      name: name.trim(),
      validTo: to ?? '',
      totalQuantity: whole('totalQuantity', total),
      perViewerLimit: whole('perViewerLimit', perViewer),
      priority: whole('priority', priority),
      ...stacking,
    };
    await save(errs, () => promotionsApi.updateTemplate(template.id, patch));
  };

  return (
    <form className="card form-card promo-form" noValidate data-testid="coupon-edit-form" onSubmit={(e) => void submit(e)}>
      <h2 className="card-title">{t('coupons.form.editTitle', { name: template.name })}</h2>
      <div className="form-grid">
        <InputField type="text" name="name" label={t('coupons.form.name')} errors={fieldErrors.name} className="span-2" testId="coupon-edit-name" value={name} onValueChange={setName} maxLength={80} />
        <InputField name="validTo" label={t('coupons.form.validTo')} errors={fieldErrors.validTo} type="datetime-local" testId="coupon-edit-valid-to" value={validTo} onValueChange={setValidTo} />
        <InputField type="text" name="totalQuantity" label={t('coupons.form.total')} hint={t('coupons.form.totalHint', { issued: template.issuedCount })} errors={fieldErrors.totalQuantity} inputMode="numeric" testId="coupon-edit-total" value={total} onValueChange={setTotal} />
        <InputField type="text" name="perViewerLimit" label={t('coupons.form.perViewer')} errors={fieldErrors.perViewerLimit} inputMode="numeric" testId="coupon-edit-per-viewer" value={perViewer} onValueChange={setPerViewer} />
        <InputField type="text" name="priority" label={t('promotions.form.priority')} errors={fieldErrors.priority} inputMode="numeric" testId="coupon-edit-priority" value={priority} onValueChange={setPriority} />
        <CouponStackingField value={stacking} onChange={setStacking} exclusiveTestId="coupon-edit-exclusive" />
      </div>
      <FormError message={formError} testId="coupon-edit-error" />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="coupon-edit-submit">
          {submitting ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

function IssueForm({ template, onClose, onIssued }: { template: CouponTemplate; onClose: () => void; onIssued: (r: IssueResult) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [result, setResult] = useState<IssueResult | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const { fieldErrors, formError, setFieldErrors, clearErrors, showError } = useFormErrors(['viewerIds', 'nicknames'] as const);

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();
    const names = text.split(/[\n,，]/).map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) {
      setFieldErrors({ nicknames: [t('coupons.issueForm.none')] });
      return;
    }
    setSubmitting(true);
    try {
      // Each entry may be a nickname or a viewer id; the server resolves both.
      const r = await promotionsApi.issue(template.id, { nicknames: names.filter((n) => n.length <= 40), viewerIds: names.filter((n) => /^[A-Za-z0-9_-]{1,64}$/.test(n)) });
      setResult(r);
      onIssued(r);
    } catch (error) {
      showError(error);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form className="card form-card promo-form" noValidate data-testid="coupon-issue-form" onSubmit={(e) => void submit(e)}>
      <h2 className="card-title">{t('coupons.issueForm.title', { name: template.name })}</h2>
      <FormField name="nicknames" label={t('coupons.issueForm.viewers')} hint={t('coupons.issueForm.hint')} errors={fieldErrors.nicknames ?? fieldErrors.viewerIds}>
        {(control) => <textarea {...control} rows={4} data-testid="coupon-issue-viewers" value={text} onChange={(e) => { setText(e.target.value); }} />}
      </FormField>
      {result && (
        <div className={result.issued > 0 ? 'issue-result' : 'issue-result issue-none'} data-testid="coupon-issue-result" role="status">
          <p>{t('coupons.issueForm.issued', { count: result.issued })}</p>
          {result.skipped.length > 0 && (
            <ul>
              {result.skipped.map((sk, i) => (
                <li key={i}>
                  {sk.viewer}: {t(`coupons.skip.${sk.reason}`)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <FormError message={formError} testId="coupon-issue-error" />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="coupon-issue-submit">
          {t('coupons.issue')}
        </button>
      </div>
    </form>
  );
}

function WalletSearch() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [query, setQuery] = useState('');
  const [submitted, setSubmitted] = useState<string | null>(null);
  const coupons = useApiResource(
    (signal) => (submitted === null ? Promise.resolve({ items: [] as WalletCoupon[] }) : promotionsApi.searchCoupons({ ...(submitted ? { viewer: submitted } : {}), limit: 50 }, signal)),
    [submitted],
  );
  return (
    <section className="wallet-search" data-testid="wallet-search">
      <h2 className="section-title">{t('coupons.wallet.title')}</h2>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(query.trim());
        }}
      >
        <label className="inline-field">
          <span>{t('coupons.wallet.viewer')}</span>
          <input type="text" data-testid="wallet-viewer" value={query} maxLength={64} placeholder={t('coupons.wallet.placeholder')} onChange={(e) => { setQuery(e.target.value); }} />
        </label>
        <button type="submit" className="btn" data-testid="wallet-search-submit">
          {t('coupons.wallet.search')}
        </button>
      </form>
      {submitted !== null &&
        (coupons.error ? (
          <ErrorState error={coupons.error} onRetry={coupons.reload} />
        ) : (
          <ListStates resource={coupons} items={coupons.data?.items} empty={<EmptyState title={t('coupons.wallet.empty')} />}>
            {(items) => (
              <ul className="wallet-list" data-testid="wallet-list">
                {items.map((c) => (
                  <li key={c.id} className="card wallet-row" data-testid="wallet-row">
                    <div>
                      <strong>{c.name}</strong> <ToneBadge tones={COUPON_TONES} status={c.status}>
                        {t(`coupons.couponStatus.${c.status}`)}
                      </ToneBadge>
                      <p className="muted small">{couponValue(c, t, lang)}</p>
                    </div>
                    <div className="muted small wallet-meta">
                      <span>{c.viewerNickname ?? c.viewerId}</span>
                      <span>{t('coupons.wallet.issuedAt', { at: formatDateTime(c.issuedAt, lang) })}</span>
                      <span>{t('coupons.wallet.validTo', { at: formatDateTime(c.validTo, lang) })}</span>
                      {c.orderId && <span>{t('coupons.wallet.order', { id: c.orderId })}</span>}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </ListStates>
        ))}
    </section>
  );
}
