import { useMemo, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/api-client';
import { catalogApi } from '../api/catalog-api';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { promotionsApi, type Localized, type Promotion, type PromotionKind, type PromotionKindInfo, type PromotionStatus } from '../api/promotions-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { DemoBadge } from '../components/badges';
import { FormError, FormField, InputField, SelectField } from '../components/form-field';
import { ErrorBanner, Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ErrorState, ListStates, LoadingState } from '../components/page-states';
import { formatDateTime, isoToLocalInput, localInputToIso } from '../format/date-format';
import { formatFen } from '../format/money-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { PromotionStatusBadge } from './promotion-status-badge';
import { argsToState, SchemaArgsFields, stateToArgs, type ArgErrors, type ArgsState, type JsonSchemaNode, type SkuOption } from './schema-args-fields';
import '../styles/promotions.css';

const STATUSES: readonly PromotionStatus[] = ['draft', 'active', 'paused', 'ended'];
const BRAND_WIDE = '__brand__';

export const loc = (l: Localized, lang: string): string => (lang === 'zh-CN' ? l['zh-CN'] : l.en);

type FormMode = { kind: 'closed' } | { kind: 'create' } | { kind: 'edit'; promotion: Promotion };

export function PromotionsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canWrite = can(PERMISSIONS.promotionsWrite);
  const [sessionFilter, setSessionFilter] = useState('');
  const [statusFilter, setStatusFilter] = useState<PromotionStatus | ''>('');
  const [formMode, setFormMode] = useState<FormMode>({ kind: 'closed' });
  const [busyId, setBusyId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();

  const kinds = useApiResource((signal) => promotionsApi.kinds(signal), []);
  const sessions = useApiResource((signal) => consoleApi.listSessions({ limit: 100 }, signal), []);
  const products = useApiResource((signal) => catalogApi.listProducts({ status: 'active' }, signal), []);
  const promotions = useApiResource(
    (signal) => promotionsApi.list({ ...(sessionFilter && sessionFilter !== BRAND_WIDE ? { sessionId: sessionFilter } : {}), status: statusFilter }, signal),
    [sessionFilter, statusFilter],
  );
  const shown = (promotions.data?.items ?? []).filter((p) => sessionFilter !== BRAND_WIDE || p.sessionId === null);

  const skuOptions: SkuOption[] = useMemo(
    () => (products.data?.items ?? []).flatMap((p) => p.skus.map((s) => ({ id: s.id, label: `${p.title} · ${s.name} (${formatFen(s.priceFen, lang)}, ${t('promotions.stockLeft', { count: s.stock })})` }))),
    [products.data, lang, t],
  );
  const skuNames = useMemo(() => new Map((products.data?.items ?? []).flatMap((p) => p.skus.map((s) => [s.id, `${p.title} · ${s.name}`] as const))), [products.data]);
  const skuLabel = (id: string) => skuNames.get(id) ?? id;
  const kindInfo = (k: PromotionKind) => kinds.data?.items.find((x) => x.kind === k);

  const changeStatus = async (p: Promotion, status: 'active' | 'paused' | 'ended') => {
    setBusyId(p.id);
    setActionError(null);
    try {
      const saved = await promotionsApi.setStatus(p.id, status);
      promotions.setData((prev) => (prev ? { items: prev.items.map((x) => (x.id === saved.id ? saved : x)) } : prev));
      showNotice(t(`promotions.notice.${status}`, { name: saved.name }));
    } catch (error) {
      setActionError(describeError(t, error));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section className="page promotions-page">
      <PageHeader title={t('promotions.title')} subtitle={t('promotions.subtitle')}>
        {canWrite && formMode.kind === 'closed' && (
          <button type="button" className="btn btn-primary" data-testid="promotion-new" onClick={() => { setFormMode({ kind: 'create' }); }}>
            {t('promotions.new')}
          </button>
        )}
      </PageHeader>
      <Notice message={notice} onDismiss={dismissNotice} />
      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="promotion-action-error" />

      {formMode.kind !== 'closed' &&
        (kinds.data && sessions.data ? (
          <PromotionForm
            key={formMode.kind === 'edit' ? formMode.promotion.id : 'new'}
            kinds={kinds.data.items}
            sessions={sessions.data.items.map((s) => ({ id: s.id, title: s.title }))}
            skus={skuOptions}
            promotion={formMode.kind === 'edit' ? formMode.promotion : undefined}
            defaultSessionId={sessionFilter && sessionFilter !== BRAND_WIDE ? sessionFilter : null}
            onCancel={() => { setFormMode({ kind: 'closed' }); }}
            onSaved={(saved, created) => {
              setFormMode({ kind: 'closed' });
              showNotice(t(created ? 'promotions.notice.created' : 'promotions.notice.saved', { name: saved.name }));
              promotions.reload();
            }}
          />
        ) : kinds.error ? (
          <ErrorState error={kinds.error} onRetry={kinds.reload} />
        ) : (
          <LoadingState />
        ))}

      <div className="toolbar promo-toolbar">
        <label className="inline-field">
          <span>{t('promotions.filter.session')}</span>
          <select data-testid="promotion-session-filter" value={sessionFilter} onChange={(e) => { setSessionFilter(e.target.value); }}>
            <option value="">{t('promotions.filter.all')}</option>
            <option value={BRAND_WIDE}>{t('promotions.brandWide')}</option>
            {(sessions.data?.items ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('promotions.filter.status')}</span>
          <select data-testid="promotion-status-filter" value={statusFilter} onChange={(e) => { setStatusFilter(e.target.value as PromotionStatus | ''); }}>
            <option value="">{t('promotions.filter.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`promotions.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>

      {kinds.data && (
        <details className="card stacking-card" data-testid="stacking-rules">
          <summary>{t('promotions.stackingTitle')}</summary>
          <ul>
            {kinds.data.stacking.map((rule, i) => (
              <li key={i}>{loc(rule, lang)}</li>
            ))}
          </ul>
        </details>
      )}

      <ListStates resource={promotions} items={promotions.data ? shown : undefined} empty={<EmptyState title={t('promotions.empty')} hint={canWrite ? t('promotions.emptyHint') : undefined} />}>
        {(items) => (
          <div className="promo-list" data-testid="promotion-list">
            {items.map((p) => {
              const info = kindInfo(p.kind);
              return (
                <article key={p.id} className="card promo-card" data-testid="promotion-card" data-status={p.status}>
                  <header className="promo-card-head">
                    <div>
                      <h2 className="promo-name">{p.name}</h2>
                      <p className="muted small">
                        {info ? loc(info.label, lang) : p.kind} · {p.sessionTitle ?? t('promotions.brandWide')}
                      </p>
                    </div>
                    <div className="chips">
                      <PromotionStatusBadge status={p.status} testId="promotion-status">
                        {t(`promotions.status.${p.status}`)}
                      </PromotionStatusBadge>
                      {p.isDemo && <DemoBadge />}
                    </div>
                  </header>
                  <p className="promo-summary" data-testid="promotion-summary">
                    {summarize(p, t, lang, skuLabel)}
                  </p>
                  <dl className="promo-facts">
                    <dt>{t('promotions.window.label')}</dt>
                    <dd>{describeWindow(p, t, lang)}</dd>
                    <dt>{t('promotions.scope.label')}</dt>
                    <dd>{describeScope(p, t, skuLabel)}</dd>
                    <dt>{t('promotions.stacking')}</dt>
                    <dd data-testid="promotion-stacking">
                      {p.exclusive ? <span className="badge badge-warn">{t('promotions.exclusive')}</span> : <span className="badge badge-muted">{t('promotions.stackable')}</span>}{' '}
                      {t('promotions.priorityValue', { value: p.priority })}
                    </dd>
                  </dl>
                  {canWrite && p.status !== 'ended' && (
                    <div className="form-actions promo-actions">
                      <button type="button" className="btn btn-sm" disabled={busyId === p.id} onClick={() => { setFormMode({ kind: 'edit', promotion: p }); }}>
                        {t('common.edit')}
                      </button>
                      {p.status !== 'active' && (
                        <button type="button" className="btn btn-sm btn-primary" data-testid="promotion-activate" disabled={busyId === p.id} onClick={() => void changeStatus(p, 'active')}>
                          {t('promotions.action.activate')}
                        </button>
                      )}
                      {p.status === 'active' && (
                        <button type="button" className="btn btn-sm" data-testid="promotion-pause" disabled={busyId === p.id} onClick={() => void changeStatus(p, 'paused')}>
                          {t('promotions.action.pause')}
                        </button>
                      )}
                      <button type="button" className="btn btn-sm btn-danger" disabled={busyId === p.id} onClick={() => void changeStatus(p, 'ended')}>
                        {t('promotions.action.end')}
                      </button>
                    </div>
                  )}
                </article>
              );
            })}
          </div>
        )}
      </ListStates>
    </section>
  );
}

type T = (key: string, opts?: Record<string, unknown>) => string;

function summarize(p: Promotion, t: T, lang: string, skuLabel: (id: string) => string): string {
  const a = p.args;
  const y = (fen: unknown) => formatFen(Number(fen), lang);
  switch (p.kind) {
    case 'time-limited-price':
      return t('promotions.summary.price', { price: y(a.priceFen) });
    case 'item-discount':
      return a.maxOffFenPerUnit !== undefined ? t('promotions.summary.discountCapped', { percent: a.percentOff, cap: y(a.maxOffFenPerUnit) }) : t('promotions.summary.discount', { percent: a.percentOff });
    case 'threshold': {
      const tiers = (a.tiers as { thresholdFen: number; offFen: number }[] | undefined) ?? [];
      const cap = a.capFen !== undefined ? ` ${t('promotions.summary.cap', { cap: y(a.capFen) })}` : '';
      if (a.mode === 'repeating') return t('promotions.summary.repeating', { spend: y(tiers[0]?.thresholdFen), off: y(tiers[0]?.offFen) }) + cap;
      return tiers.map((x) => t('promotions.summary.tier', { spend: y(x.thresholdFen), off: y(x.offFen) })).join(' · ') + cap;
    }
    case 'gift':
      return t('promotions.summary.gift', { gift: skuLabel(String(a.giftSkuId)), quantity: a.quantity ?? 1, spend: y(a.thresholdFen ?? 0) });
  }
}

function describeWindow(p: Promotion, t: T, lang: string): string {
  const w = p.window;
  if (w.relative) {
    const base = t('promotions.window.relative', { from: w.relative.fromMinutes, to: w.relative.toMinutes });
    if (p.resolvedWindow) return `${base} (${formatDateTime(p.resolvedWindow.from, lang) ?? ''} – ${formatDateTime(p.resolvedWindow.to, lang) ?? ''})`;
    return `${base} · ${t('promotions.window.notLive')}`;
  }
  return `${formatDateTime(w.from, lang) ?? ''} – ${formatDateTime(w.to, lang) ?? ''}`;
}

function describeScope(p: Promotion, t: T, skuLabel: (id: string) => string): string {
  const s = p.scope;
  const parts: string[] = [];
  if (s.skuIds?.length) parts.push(s.skuIds.map(skuLabel).join('; '));
  if (s.tags?.length) parts.push(t('promotions.scope.tags', { tags: s.tags.join(', ') }));
  if (s.productIds?.length) parts.push(t('promotions.scope.products', { count: s.productIds.length }));
  return parts.length ? parts.join(' · ') : t('promotions.scope.all');
}

// ---------------------------------------------------------------------------------------------

interface FormProps {
  kinds: PromotionKindInfo[];
  sessions: { id: string; title: string }[];
  skus: SkuOption[];
  promotion?: Promotion | undefined;
  defaultSessionId: string | null;
  onCancel: () => void;
  onSaved: (p: Promotion, created: boolean) => void;
}

type WindowMode = 'absolute' | 'relative';

function PromotionForm({ kinds, sessions, skus, promotion, defaultSessionId, onCancel, onSaved }: FormProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [kind, setKind] = useState<PromotionKind>(promotion?.kind ?? 'threshold');
  const info = kinds.find((k) => k.kind === kind) ?? kinds[0]!;
  const schema = info.argsSchema as JsonSchemaNode;
  const [name, setName] = useState(promotion?.name ?? '');
  const [sessionId, setSessionId] = useState(promotion ? (promotion.sessionId ?? BRAND_WIDE) : (defaultSessionId ?? BRAND_WIDE));
  const [windowMode, setWindowMode] = useState<WindowMode>(promotion?.window.relative ? 'relative' : 'absolute');
  const [from, setFrom] = useState(isoToLocalInput(promotion?.window.from ?? null));
  const [to, setTo] = useState(isoToLocalInput(promotion?.window.to ?? null));
  const [fromMinutes, setFromMinutes] = useState(String(promotion?.window.relative?.fromMinutes ?? 0));
  const [toMinutes, setToMinutes] = useState(String(promotion?.window.relative?.toMinutes ?? 30));
  const [scopeSkus, setScopeSkus] = useState<string[]>(promotion?.scope.skuIds ?? []);
  const [priority, setPriority] = useState(String(promotion?.priority ?? 0));
  const [exclusive, setExclusive] = useState(promotion?.exclusive ?? false);
  const [args, setArgs] = useState<ArgsState>(() => argsToState(schema, promotion?.args ?? null));
  const [errors, setErrors] = useState<ArgErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const err = (key: string) => errors[key];

  const changeKind = (k: PromotionKind) => {
    setKind(k);
    const next = kinds.find((x) => x.kind === k);
    if (next) setArgs(argsToState(next.argsSchema as JsonSchemaNode, null));
    if (!next?.canBeExclusive) setExclusive(false);
  };

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    const local: ArgErrors = {};
    if (!name.trim()) local.name = [t('promotions.form.required')];
    let window: { from?: string; to?: string; relative?: { fromMinutes: number; toMinutes: number } };
    if (windowMode === 'absolute') {
      const f = localInputToIso(from);
      const tt = localInputToIso(to);
      if (!f) local['window.from'] = [t('promotions.form.required')];
      if (!tt) local['window.to'] = [t('promotions.form.required')];
      if (f && tt && f >= tt) local['window.to'] = [t('promotions.form.toAfterFrom')];
      window = { ...(f ? { from: f } : {}), ...(tt ? { to: tt } : {}) };
    } else {
      const a = Number(fromMinutes);
      const b = Number(toMinutes);
      if (!/^\d+$/.test(fromMinutes.trim())) local['window.relative.fromMinutes'] = [t('promotions.form.wholeNumber')];
      if (!/^\d+$/.test(toMinutes.trim())) local['window.relative.toMinutes'] = [t('promotions.form.wholeNumber')];
      else if (a >= b) local['window.relative.toMinutes'] = [t('promotions.form.toAfterFrom')];
      window = { relative: { fromMinutes: a, toMinutes: b } };
    }
    if (!/^-?\d+$/.test(priority.trim())) local.priority = [t('promotions.form.wholeNumber')];
    const parsed = stateToArgs(schema, args, (k) => t(k));
    for (const [k, v] of Object.entries(parsed.errors)) local[`args.${k}`] = v;
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    const common = { name: name.trim(), window, scope: scopeSkus.length ? { skuIds: scopeSkus } : {}, priority: Number(priority), exclusive, args: parsed.args };
    setSubmitting(true);
    try {
      const saved = promotion
        ? await promotionsApi.update(promotion.id, common)
        : await promotionsApi.create({ ...common, kind, sessionId: sessionId === BRAND_WIDE ? null : sessionId });
      onSaved(saved, !promotion);
    } catch (error) {
      // Server issues name body.<path>: show each beside its field, the rest in the summary.
      if (isApiError(error) && error.issues.length > 0) {
        const byPath: ArgErrors = {};
        for (const issue of error.issues) {
          const key = issue.path.replace(/^body\./, '');
          (byPath[key] ??= []).push(issue.message);
        }
        setErrors(byPath);
      }
      setFormError(describeError(t, error));
      setSubmitting(false);
    }
  };

  const toggleSku = (id: string) => { setScopeSkus((prev) => (prev.includes(id) ? prev.filter((x) => x !== id) : [...prev, id])); };
  const argErrors: ArgErrors = Object.fromEntries(Object.entries(errors).flatMap(([k, v]) => (k.startsWith('args.') ? [[k.slice(5), v]] : k === 'args' ? [['', v]] : [])));

  return (
    <form className="card form-card promo-form" noValidate data-testid="promotion-form" onSubmit={(e) => void handleSubmit(e)}>
      <h2 className="card-title">{promotion ? t('promotions.form.editTitle') : t('promotions.form.createTitle')}</h2>
      <div className="form-grid">
        <InputField type="text" name="name" label={t('promotions.form.name')} errors={err('name')} className="span-2" testId="promotion-name" value={name} onValueChange={setName} maxLength={80} autoFocus />
        <SelectField
          name="kind"
          label={t('promotions.form.kind')}
          errors={err('kind')}
          testId="promotion-kind"
          value={kind}
          options={kinds.map((k) => k.kind)}
          optionLabel={(k) => loc(kinds.find((x) => x.kind === k)!.label, lang)}
          onValueChange={promotion ? () => undefined : changeKind}
        />
        <FormField name="sessionId" label={t('promotions.form.session')} errors={err('sessionId')}>
          {(control) => (
            <select {...control} data-testid="promotion-session" value={sessionId} disabled={Boolean(promotion)} onChange={(e) => { setSessionId(e.target.value); }}>
              <option value={BRAND_WIDE}>{t('promotions.brandWide')}</option>
              {sessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.title}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <p className="span-2 muted small kind-description">{loc(info.description, lang)}</p>

        <fieldset className="span-2 window-fieldset">
          <legend className="field-label">{t('promotions.window.label')}</legend>
          <div className="role-options">
            {(['absolute', 'relative'] as const).map((m) => (
              <label key={m} className="chip-checkbox">
                <input type="radio" name="window-mode" value={m} checked={windowMode === m} onChange={() => { setWindowMode(m); }} data-testid={`window-mode-${m}`} />
                {t(`promotions.window.mode.${m}`)}
              </label>
            ))}
          </div>
          {err('window') && <p className="field-errors">{err('window')!.join(' ')}</p>}
          <div className="form-grid">
            {windowMode === 'absolute' ? (
              <>
                <InputField name="from" label={t('promotions.window.from')} errors={err('window.from')} type="datetime-local" testId="promotion-from" value={from} onValueChange={setFrom} />
                <InputField name="to" label={t('promotions.window.to')} errors={err('window.to')} type="datetime-local" testId="promotion-to" value={to} onValueChange={setTo} />
              </>
            ) : (
              <>
                <InputField type="text" name="fromMinutes" label={t('promotions.window.fromMinutes')} errors={err('window.relative.fromMinutes') ?? err('window.relative')} inputMode="numeric" testId="promotion-from-minutes" value={fromMinutes} onValueChange={setFromMinutes} />
                <InputField type="text" name="toMinutes" label={t('promotions.window.toMinutes')} errors={err('window.relative.toMinutes')} inputMode="numeric" testId="promotion-to-minutes" value={toMinutes} onValueChange={setToMinutes} />
              </>
            )}
          </div>
        </fieldset>

        <SchemaArgsFields schema={schema} state={args} onChange={setArgs} errors={argErrors} skus={skus} />

        <fieldset className="span-2">
          <legend className="field-label">{t('promotions.scope.label')}</legend>
          <p className="field-hint">{t('promotions.scope.hint')}</p>
          <div className="role-options sku-chips" data-testid="promotion-scope">
            {skus.map((s) => (
              <label key={s.id} className="chip-checkbox">
                <input type="checkbox" checked={scopeSkus.includes(s.id)} onChange={() => { toggleSku(s.id); }} />
                {s.label}
              </label>
            ))}
          </div>
          {Object.entries(errors)
            .filter(([k]) => k.startsWith('scope'))
            .map(([k, v]) => (
              <p key={k} className="field-errors">
                {v.join(' ')}
              </p>
            ))}
        </fieldset>

        <InputField type="text" name="priority" label={t('promotions.form.priority')} hint={t('promotions.form.priorityHint')} errors={err('priority')} inputMode="numeric" testId="promotion-priority" value={priority} onValueChange={setPriority} />
        <FormField name="exclusive" label={t('promotions.stacking')} hint={info.canBeExclusive ? t('promotions.form.exclusiveHint') : t('promotions.form.exclusiveNotHere')} errors={err('exclusive')}>
          {(control) => (
            <label className="chip-checkbox">
              <input {...control} type="checkbox" data-testid="promotion-exclusive" checked={exclusive} disabled={!info.canBeExclusive} onChange={(e) => { setExclusive(e.target.checked); }} />
              {t('promotions.exclusive')}
            </label>
          )}
        </FormField>
      </div>
      <FormError message={formError} testId="promotion-form-error" />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="promotion-submit">
          {submitting ? t('common.saving') : promotion ? t('common.save') : t('promotions.form.create')}
        </button>
      </div>
    </form>
  );
}
