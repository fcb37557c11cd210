import { lazy, Suspense, useCallback, useEffect, useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { KPI_DEFS } from '../../../server/modules/analytics/core/compare';
import { PageHeader } from '../../components/page-header';
import { ErrorState, LoadingState } from '../../components/page-states';
import { useApiResource } from '../../hooks/use-api-resource';
import { analyticsConsoleApi, type Comparison, type ReportListItem } from './analytics-console-api';
import { BandBar } from './compare/band-bar';
import { COMPARE_MAX, COMPARE_MIN, diffTone, sessionColor, formatDiff, formatKpi, parseIds, rankLabel, toggleId } from './compare/compare-format';
import { SimulatedNote, TrafficSelect, useTrafficParam } from './traffic-select';
import '../../styles/analytics-console.css';

const CompareCurve = lazy(() => import('./compare/compare-curves'));

/** `/console/analytics/compare?ids=a,b`: 2-6 sessions side by side (issue 7 item 5). */
export function ComparePage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [params, setParams] = useSearchParams();
  const [traffic, setTraffic] = useTrafficParam();
  const ids = useMemo(() => parseIds(params.get('ids')), [params]);
  const idsKey = ids.join(',');
  const enough = ids.length >= COMPARE_MIN;
  const reports = useApiResource((signal) => analyticsConsoleApi.reports(traffic, signal), [traffic]);
  const comparison = useApiResource(
    (signal) => (enough ? analyticsConsoleApi.compare(idsKey.split(','), traffic, signal) : Promise.resolve(null)),
    [idsKey, traffic, enough],
  );

  useEffect(() => {
    document.title = `${t('analyticsConsole.compare.title')} · ${t('app.consoleTitle')}`;
  }, [t]);

  const setIds = (next: string[]) => {
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      p.set('ids', next.join(','));
      return p;
    }, { replace: true });
  };

  const titles = useMemo(() => new Map((reports.data?.items ?? []).map((r) => [r.sessionId, r.title])), [reports.data]);

  return (
    <section className="page analytics-page compare-page" data-testid="compare-page">
      <nav className="breadcrumb" aria-label={t('analyticsConsole.breadcrumb')}>
        <Link to={traffic === 'simulated' ? '/console/analytics?traffic=simulated' : '/console/analytics'}>{t('nav.analytics')}</Link>
        <span aria-hidden="true">/</span>
        <span>{t('analyticsConsole.compare.title')}</span>
      </nav>
      <PageHeader title={t('analyticsConsole.compare.title')} subtitle={t('analyticsConsole.compare.subtitle')}>
        <TrafficSelect value={traffic} onChange={setTraffic} />
      </PageHeader>
      <SimulatedNote traffic={traffic} />

      <SessionPicker ids={ids} titles={titles} items={reports.data?.items ?? []} onChange={setIds} />

      {!enough ? (
        <p className="card state" data-testid="compare-need-more">
          {t('analyticsConsole.compare.needMore', { min: COMPARE_MIN, max: COMPARE_MAX })}
        </p>
      ) : comparison.loading ? (
        <LoadingState />
      ) : comparison.error || !comparison.data ? (
        <ErrorState error={comparison.error} onRetry={comparison.reload} />
      ) : (
        <CompareBody c={comparison.data} titles={titles} lang={lang} />
      )}
    </section>
  );
}

function SessionPicker({ ids, titles, items, onChange }: { ids: string[]; titles: Map<string, string>; items: ReportListItem[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const selectId = useId();
  const rest = items.filter((r) => !ids.includes(r.sessionId));
  return (
    <section className="card compare-picker" aria-label={t('analyticsConsole.compare.picker')} data-testid="compare-picker">
      <ol className="compare-chips">
        {ids.map((id, i) => (
          <li key={id} className="compare-chip" style={{ borderColor: sessionColor(i) }}>
            <span className="compare-dot" style={{ background: sessionColor(i) }} aria-hidden="true" />
            <span className="compare-chip-name">{titles.get(id) ?? id}</span>
            {i === 0 && <span className="badge">{t('analyticsConsole.compare.baseline')}</span>}
            <button
              type="button"
              className="btn btn-ghost btn-sm btn-icon"
              aria-label={t('analyticsConsole.compare.remove', { title: titles.get(id) ?? id })}
              data-testid="compare-remove"
              onClick={() => { onChange(toggleId(ids, id)); }}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="inline-field">
        <label htmlFor={selectId}>{t('analyticsConsole.compare.add')}</label>
        <select
          id={selectId}
          value=""
          disabled={ids.length >= COMPARE_MAX || rest.length === 0}
          data-testid="compare-add"
          onChange={(e) => { if (e.target.value) onChange(toggleId(ids, e.target.value)); }}
        >
          <option value="">{ids.length >= COMPARE_MAX ? t('analyticsConsole.compare.full', { max: COMPARE_MAX }) : t('analyticsConsole.compare.choose')}</option>
          {rest.map((r) => (
            <option key={r.sessionId} value={r.sessionId}>
              {r.title}
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}

function CompareBody({ c, titles, lang }: { c: Comparison; titles: Map<string, string>; lang: string }) {
  const { t } = useTranslation();
  const names = c.sessions.map((s) => s.title ?? titles.get(s.sessionId) ?? s.sessionId);
  const pct = useCallback((v: number) => new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(v), [lang]);
  const int = useCallback((v: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(v), [lang]);
  const yuan = useCallback((v: number) => new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', notation: 'compact', maximumFractionDigits: 1 }).format(v / 100), [lang]);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const historyN = c.history.sessions;
  return (
    <>
      <div className="card table-card compare-table-wrap">
        <table className="data-table compare-table" data-testid="compare-table">
          <caption className="compare-caption muted small">
            {historyN >= 2 ? t('analyticsConsole.compare.historyNote', { count: historyN }) : t('analyticsConsole.compare.noHistory')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('analytics.column.metric')}</th>
              {c.sessions.map((s, i) => (
                <th key={s.sessionId} scope="col" className="compare-col">
                  <span className="compare-dot" style={{ background: sessionColor(i) }} aria-hidden="true" />
                  <Link to={`/console/sessions/${encodeURIComponent(s.sessionId)}/report`} className="compare-col-title">
                    {names[i]}
                  </Link>
                  <span className="muted small compare-col-date">{date.format(new Date(s.startedAt))}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {KPI_DEFS.map((def) => (
              <tr key={def.key} data-testid="compare-row" data-kpi={def.key}>
                <th scope="row" className="compare-kpi">
                  {t(`analytics.kpi.${def.key}`)}
                </th>
                {c.sessions.map((s, i) => {
                  const v = s.kpis[def.key];
                  const d = s.diff[def.key];
                  const rank = s.rank[def.key];
                  const tone = diffTone(d.abs, def.better);
                  return (
                    <td key={s.sessionId} className="compare-cell">
                      <span className="compare-value">{formatKpi(v, def.unit, lang)}</span>
                      {i > 0 && (
                        <span className={`compare-diff tone-${tone}`} data-testid="compare-diff" data-tone={tone}>
                          {formatDiff(d.abs, d.rel, def.unit, lang, t('analyticsConsole.compare.points'))}
                        </span>
                      )}
                      {rank !== null && (
                        <span className="compare-rank">
                          <span className="muted small">{rankLabel(rank)}</span>
                          <BandBar value={v} bands={c.history.bands[def.key]} label={t('analyticsConsole.compare.bandAria', { rank: Math.round(rank), count: historyN })} />
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small compare-legend">
        <span className="band-legend band-legend-outer" aria-hidden="true" /> {t('analyticsConsole.compare.legendOuter')}{' '}
        <span className="band-legend band-legend-inner" aria-hidden="true" /> {t('analyticsConsole.compare.legendInner')}{' '}
        <span className="band-legend band-legend-median" aria-hidden="true" /> {t('analyticsConsole.compare.legendMedian')}{' '}
        <span className="band-legend band-legend-marker" aria-hidden="true" /> {t('analyticsConsole.compare.legendMarker')}
      </p>

      <ul className="compare-curve-legend" aria-hidden="true">
        {names.map((n, i) => (
          <li key={c.sessions[i]!.sessionId}>
            <span className="compare-line" style={{ background: sessionColor(i) }} />
            {n}
          </li>
        ))}
      </ul>
      <div className="compare-curves">
        <section className="card">
          <h2 className="card-title">{t('analytics.section.retention')}</h2>
          <Suspense fallback={<div className="echart-box compare-curve" />}>
            <CompareCurve series={c.curves.retention} names={names} label={t('analytics.section.retention')} minuteLabel={t('analytics.column.minute')} format={pct} testId="compare-retention" />
          </Suspense>
        </section>
        <section className="card">
          <h2 className="card-title">{t('analyticsConsole.compare.present')}</h2>
          <Suspense fallback={<div className="echart-box compare-curve" />}>
            <CompareCurve series={c.curves.present} names={names} label={t('analyticsConsole.compare.present')} minuteLabel={t('analytics.column.minute')} format={int} testId="compare-present" />
          </Suspense>
        </section>
        <section className="card">
          <h2 className="card-title">{t('analytics.section.gmvCurve')}</h2>
          <Suspense fallback={<div className="echart-box compare-curve" />}>
            <CompareCurve series={c.curves.gmvCumulativeFen} names={names} label={t('analytics.section.gmvCurve')} minuteLabel={t('analytics.column.minute')} format={yuan} testId="compare-gmv" />
          </Suspense>
        </section>
      </div>
    </>
  );
}
