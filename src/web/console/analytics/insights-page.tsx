import { lazy, Suspense, useEffect, useId, useRef, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DriverOutcome } from '../../../server/modules/analytics/core/drivers';
import type { Persona, PersonaFeature } from '../../../server/modules/analytics/core/personas';
import { describeError } from '../../api/describe-error';
import { promotionsApi } from '../../api/promotions-api';
import { useAuth } from '../../auth/auth-context';
import { PERMISSIONS } from '../../auth/permissions';
import { ErrorBanner, Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/page-states';
import { formatFen } from '../../format/money-format';
import { useApiResource } from '../../hooks/use-api-resource';
import { useNotice } from '../../hooks/use-notice';
import { analyticsConsoleApi, type AudienceSegment, type ClusterRun, type PersonaSummary, type Traffic } from './analytics-console-api';
import { driverSentence, effectLabel } from './insights/driver-text';
import { SimulatedNote, TrafficSelect, useTrafficParam } from './traffic-select';
import '../../styles/analytics-console.css';

const ForestPlot = lazy(() => import('./insights/forest-plot'));

const FEATURES: readonly PersonaFeature[] = ['recencyDays', 'sessions', 'spendFen', 'watchMinutes', 'interactions'];
const POLL_MS = 500;

/** `/console/analytics/insights`: driver analysis and audience clusters (issue 7 items 6 and 7). */
export function InsightsPage() {
  const { t } = useTranslation();
  const [traffic, setTraffic] = useTrafficParam();
  const [notice, showNotice, dismissNotice] = useNotice();
  const savedRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    document.title = `${t('analyticsConsole.insights.title')} · ${t('app.consoleTitle')}`;
  }, [t]);

  return (
    <section className="page analytics-page insights-page" data-testid="insights-page">
      <nav className="breadcrumb" aria-label={t('analyticsConsole.breadcrumb')}>
        <Link to={traffic === 'simulated' ? '/console/analytics?traffic=simulated' : '/console/analytics'}>{t('nav.analytics')}</Link>
        <span aria-hidden="true">/</span>
        <span>{t('analyticsConsole.insights.title')}</span>
      </nav>
      <PageHeader title={t('analyticsConsole.insights.title')} subtitle={t('analyticsConsole.insights.subtitle')}>
        <TrafficSelect value={traffic} onChange={setTraffic} />
      </PageHeader>
      <SimulatedNote traffic={traffic} />
      <Notice message={notice} onDismiss={dismissNotice} />
      <Drivers traffic={traffic} />
      <Clusters key={traffic} traffic={traffic} onNotice={showNotice} onSaved={() => { savedRef.current(); }} />
      <SavedSegments registerReload={(fn) => { savedRef.current = fn; }} />
    </section>
  );
}

// --- driver analysis ------------------------------------------------------------------------------

function Drivers({ traffic }: { traffic: Traffic }) {
  const { t } = useTranslation();
  const drivers = useApiResource((signal) => analyticsConsoleApi.drivers(traffic, signal), [traffic]);
  return (
    <section className="insights-section" aria-labelledby="drivers-title" data-testid="drivers">
      <h2 id="drivers-title" className="section-title">
        {t('analyticsConsole.insights.drivers')}
      </h2>
      <p className="muted">{t('analyticsConsole.insights.driversLead')}</p>
      {drivers.loading ? (
        <LoadingState />
      ) : drivers.error || !drivers.data ? (
        <ErrorState error={drivers.error} onRetry={drivers.reload} />
      ) : (
        <div className="drivers-grid">
          <OutcomeCard outcome={drivers.data.analysis.retention} />
          <OutcomeCard outcome={drivers.data.analysis.conversion} />
        </div>
      )}
    </section>
  );
}

function OutcomeCard({ outcome }: { outcome: DriverOutcome }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const title = t(`analytics.driver.outcome.${outcome.outcome}`);
  const num = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  if ('insufficient' in outcome) {
    return (
      <article className="card driver-card" data-testid="driver-card" data-outcome={outcome.outcome} data-state="insufficient">
        <h3 className="card-title">{title}</h3>
        <p className="driver-not-enough" data-testid="driver-not-enough">
          {t('analytics.driver.notEnough', { n: outcome.n, needed: outcome.needed })}
        </p>
        {outcome.detail && <p className="muted small">{outcome.detail}</p>}
      </article>
    );
  }
  const labels = outcome.effects.map((e) => effectLabel(e, t));
  return (
    <article className="card driver-card" data-testid="driver-card" data-outcome={outcome.outcome} data-state="fit">
      <h3 className="card-title">{title}</h3>
      <dl className="driver-facts">
        <div>
          <dt>R²</dt>
          <dd data-testid="driver-r2">{num.format(outcome.r2)}</dd>
        </div>
        <div>
          <dt>{t('analyticsConsole.insights.minutes')}</dt>
          <dd data-testid="driver-n">{num.format(outcome.n)}</dd>
        </div>
        <div>
          <dt>{t('analyticsConsole.insights.sessions')}</dt>
          <dd>{num.format(outcome.sessions)}</dd>
        </div>
      </dl>
      {outcome.effects.length === 0 ? (
        <p className="muted">{t('analyticsConsole.insights.noEffects')}</p>
      ) : (
        <>
          <ul className="driver-sentences" data-testid="driver-sentences">
            {outcome.effects.map((e) => (
              <li key={`${e.factor}:${e.level ?? ''}`} className={`verdict-${e.verdict}`}>
                {driverSentence(e, outcome, t)}
              </li>
            ))}
          </ul>
          <Suspense fallback={<div className="echart-box forest-plot" />}>
            <ForestPlot
              effects={outcome.effects}
              labels={labels}
              label={t('analyticsConsole.insights.forestAria', { outcome: title })}
              axisName={t(outcome.outcome === 'retention' ? 'analyticsConsole.insights.axisRetention' : 'analyticsConsole.insights.axisConversion')}
              testId={`forest-${outcome.outcome}`}
            />
          </Suspense>
        </>
      )}
      {outcome.collinear.length > 0 && (
        <p className="muted small" data-testid="drivers-collinear">{t('analyticsConsole.insights.collinear', { factors: outcome.collinear.map((f) => t(`analytics.driver.factor.${f}`)).join(t('analyticsConsole.listSeparator')) })}</p>
      )}
      {outcome.notVaried.length > 0 && (
        <p className="muted small">{t('analyticsConsole.insights.notVaried', { factors: outcome.notVaried.map((f) => t(`analytics.driver.factor.${f}`)).join(t('analyticsConsole.listSeparator')) })}</p>
      )}
      <p className="muted small">{t(outcome.errors === 'clustered' ? 'analyticsConsole.insights.errorsClustered' : 'analyticsConsole.insights.errorsClassical')}</p>
    </article>
  );
}

// --- audience clusters ------------------------------------------------------------------------------

function isInsufficient(r: ClusterRun['result']): r is { insufficient: string; n: number } {
  return r !== null && 'insufficient' in r;
}

function Clusters({ traffic, onNotice, onSaved }: { traffic: Traffic; onNotice: (m: string) => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [run, setRun] = useState<ClusterRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const runId = run?.runId ?? null;
  const running = run?.status === 'running';

  useEffect(() => {
    if (!runId || !running) return;
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      analyticsConsoleApi.clusterRun(runId, controller.signal).then(
        (r) => { if (!controller.signal.aborted) setRun(r); },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setError(describeError(t, err));
          setRun(null);
        },
      );
    }, POLL_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [runId, running, t]);

  const start = async () => {
    setStarting(true);
    setError(null);
    try {
      setRun(await analyticsConsoleApi.startClusters(traffic));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setStarting(false);
    }
  };

  const result = run?.status === 'done' ? run.result : null;
  return (
    <section className="insights-section" aria-labelledby="clusters-title" data-testid="clusters">
      <h2 id="clusters-title" className="section-title">
        {t('analyticsConsole.insights.clusters')}
      </h2>
      <p className="muted">{t('analyticsConsole.insights.clustersLead')}</p>
      <div className="cluster-run">
        <button type="button" className="btn btn-primary" disabled={starting || running} data-testid="clusters-find" onClick={() => void start()}>
          {run?.status === 'done' ? t('analyticsConsole.insights.findAgain') : t('analyticsConsole.insights.find')}
        </button>
        {(running || starting) && (
          <span className="cluster-progress">
            <progress max={1} value={run?.progress ?? 0} aria-label={t('analyticsConsole.insights.progress')} data-testid="clusters-progress" />
            <span className="muted small">{Math.round((run?.progress ?? 0) * 100)}%</span>
          </span>
        )}
      </div>
      <ErrorBanner message={error ?? (run?.status === 'failed' ? (run.error ?? t('analyticsConsole.insights.failed')) : null)} onDismiss={() => { setError(null); if (run?.status === 'failed') setRun(null); }} testId="clusters-error" />
      {result && isInsufficient(result) && (
        <p className="card state" data-testid="clusters-insufficient">
          {t('analyticsConsole.insights.clustersNotEnough', { n: result.n })}
        </p>
      )}
      {result && !isInsufficient(result) && runId && <PersonaGrid summary={result} runId={runId} onNotice={onNotice} onSaved={onSaved} />}
    </section>
  );
}

function PersonaGrid({ summary, runId, onNotice, onSaved }: { summary: PersonaSummary; runId: string; onNotice: (m: string) => void; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const num = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return (
    <>
      <p className="muted small" data-testid="clusters-summary">
        {t('analyticsConsole.insights.clustersSummary', { n: num.format(summary.n), k: summary.k, silhouette: summary.silhouette === null ? '–' : summary.silhouette.toFixed(2) })}
      </p>
      <div className="persona-grid" data-testid="persona-grid">
        {summary.personas.map((p, i) => (
          <PersonaCard key={p.cluster} p={p} nth={personaNth(summary.personas, i)} runId={runId} onNotice={onNotice} onSaved={onSaved} />
        ))}
      </div>
    </>
  );
}

/** 2 for the second cluster with the same persona (both "Big spenders"), null for the first. */
function personaNth(list: readonly Pick<Persona, 'persona'>[], i: number): number | null {
  const same = list.filter((p) => p.persona === list[i]!.persona).length;
  if (same < 2) return null;
  return list.slice(0, i + 1).filter((p) => p.persona === list[i]!.persona).length;
}

function featureValue(f: PersonaFeature, v: number, lang: string): string {
  if (f === 'spendFen') return formatFen(Math.round(v), lang);
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v);
}

function PersonaCard({ p, nth, runId, onNotice, onSaved }: { p: Persona; nth: number | null; runId: string; onNotice: (m: string) => void; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canSave = can(PERMISSIONS.audienceSegment);
  const baseName = t(`analytics.persona.${p.persona}`, { defaultValue: p.persona });
  const personaName = nth === null ? baseName : `${baseName} ${t('analyticsConsole.insights.nth', { n: nth })}`;
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState(personaName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<AudienceSegment | null>(null);
  const nameId = useId();
  const share = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(p.share);

  const save = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const s = await analyticsConsoleApi.saveSegment(runId, p.cluster, name.trim());
      setSaved(s);
      setSaving(false);
      onNotice(t('analyticsConsole.insights.saved', { name: s.name, count: s.size }));
      onSaved();
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card persona-card" data-testid="persona-card" data-persona={p.persona}>
      <header className="persona-head">
        <h3 className="persona-name">{personaName}</h3>
        <p className="persona-size">
          <strong data-testid="persona-size">{new Intl.NumberFormat(lang).format(p.size)}</strong> <span className="muted">{t('analyticsConsole.insights.viewersShare', { share })}</span>
        </p>
        <span className="persona-share-bar" aria-hidden="true">
          <span style={{ width: `${String(Math.max(1, p.share * 100))}%` }} />
        </span>
      </header>
      <dl className="persona-traits">
        {FEATURES.map((f) => (
          <div key={f} className="persona-trait">
            <dt>{t(`analytics.feature.${f}`)}</dt>
            <dd>
              <span className="num">{featureValue(f, p.means[f], lang)}</span> <span className={`trait trait-${p.traits[f]}`}>{t(`analytics.trait.${p.traits[f]}`)}</span>
            </dd>
          </div>
        ))}
      </dl>
      {saved ? (
        <p className="success-text" data-testid="persona-saved">
          ✓ {t('analyticsConsole.insights.savedAs', { name: saved.name })}
        </p>
      ) : canSave && !saving ? (
        <button type="button" className="btn btn-sm" data-testid="persona-save" onClick={() => { setSaving(true); }}>
          {t('analyticsConsole.insights.saveAsSegment')}
        </button>
      ) : canSave ? (
        <form className="persona-save-form" onSubmit={(e) => void save(e)}>
          <label htmlFor={nameId}>{t('analyticsConsole.insights.segmentName')}</label>
          <div className="persona-save-row">
            <input id={nameId} type="text" value={name} maxLength={60} required data-testid="persona-save-name" onChange={(e) => { setName(e.target.value); }} />
            <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !name.trim()} data-testid="persona-save-submit">
              {t('analyticsConsole.insights.save')}
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={() => { setSaving(false); }}>
              {t('common.cancel')}
            </button>
          </div>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
        </form>
      ) : null}
    </article>
  );
}

// --- saved segments ----------------------------------------------------------------------------------

function SavedSegments({ registerReload }: { registerReload: (fn: () => void) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const { can } = useAuth();
  const canIssue = can(PERMISSIONS.audienceSegment) && can(PERMISSIONS.promotionsWrite);
  const segments = useApiResource((signal) => analyticsConsoleApi.audienceSegments(signal), []);
  const templates = useApiResource((signal) => (canIssue ? promotionsApi.templates(signal) : Promise.resolve({ items: [] })), [canIssue]);
  const { reload } = segments;
  useEffect(() => { registerReload(reload); }, [registerReload, reload]);
  const items = segments.data?.items ?? [];
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  return (
    <section className="insights-section" aria-labelledby="segments-title" data-testid="saved-segments">
      <h2 id="segments-title" className="section-title">
        {t('analyticsConsole.insights.savedSegments')}
      </h2>
      {segments.loading ? (
        <LoadingState />
      ) : segments.error ? (
        <ErrorState error={segments.error} onRetry={segments.reload} />
      ) : items.length === 0 ? (
        <p className="muted" data-testid="saved-segments-empty">
          {t('analyticsConsole.insights.noSavedSegments')}
        </p>
      ) : (
        <ul className="segment-list">
          {items.map((s) => (
            <li key={s.id} className="card segment-item" data-testid="saved-segment">
              <div>
                <strong>{s.name}</strong>
                <p className="muted small">
                  {t('analyticsConsole.insights.segmentFacts', { count: s.size, persona: t(`analytics.persona.${s.persona}`, { defaultValue: s.persona }), date: date.format(new Date(s.createdAt)) })}
                </p>
              </div>
              {canIssue && <IssueCoupon segment={s} templates={(templates.data?.items ?? []).filter((c) => c.status === 'active')} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function IssueCoupon({ segment, templates }: { segment: AudienceSegment; templates: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const [templateId, setTemplateId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Said beside the button (the page's notice is far above the saved segments).
  const [result, setResult] = useState<string | null>(null);
  const id = useId();
  const issue = async (e: SubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!templateId) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await analyticsConsoleApi.issueCoupons(segment.id, templateId);
      setResult(t('analyticsConsole.insights.issued', { count: r.issued, skipped: r.skipped.length, name: segment.name }));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="issue-coupon-wrap">
      <form className="issue-coupon" onSubmit={(e) => void issue(e)}>
        <label htmlFor={id} className="visually-hidden">
          {t('analyticsConsole.insights.template')}
        </label>
        <select id={id} value={templateId} data-testid="segment-coupon-template" onChange={(e) => { setTemplateId(e.target.value); }}>
          <option value="">{templates.length ? t('analyticsConsole.insights.chooseTemplate') : t('analyticsConsole.insights.noTemplates')}</option>
          {templates.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-sm btn-primary" disabled={busy || !templateId} data-testid="segment-coupon-issue">
          {t('analyticsConsole.insights.issue')}
        </button>
      </form>
      <p className="issue-coupon-result" role="status" data-testid="segment-coupon-result">
        {result && <span className="success-text">✓ {result}</span>}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
