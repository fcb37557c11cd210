import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ListStates } from '../../components/page-states';
import { formatFen } from '../../format/money-format';
import { useApiResource } from '../../hooks/use-api-resource';
import { analyticsConsoleApi } from './analytics-console-api';
import { COMPARE_MAX, COMPARE_MIN, toggleId } from './compare/compare-format';
import { SimulatedNote, TrafficSelect, useTrafficParam } from './traffic-select';
import '../../styles/analytics-console.css';

/** `/console/analytics`: the sessions with a report; choose 2-6 to compare; the way to Insights. */
export function AnalyticsHomePage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const navigate = useNavigate();
  const [traffic, setTraffic] = useTrafficParam();
  const reports = useApiResource((signal) => analyticsConsoleApi.reports(traffic, signal), [traffic]);
  const [chosen, setChosen] = useState<string[]>([]);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const count = new Intl.NumberFormat(lang);
  const suffix = traffic === 'simulated' ? '?traffic=simulated' : '';

  useEffect(() => {
    document.title = `${t('nav.analytics')} · ${t('app.consoleTitle')}`;
  }, [t]);

  const canCompare = chosen.length >= COMPARE_MIN && chosen.length <= COMPARE_MAX;
  const compare = () => {
    const q = new URLSearchParams({ ids: chosen.join(',') });
    if (traffic === 'simulated') q.set('traffic', 'simulated');
    void navigate(`/console/analytics/compare?${q.toString()}`);
  };

  return (
    <section className="page analytics-page analytics-home" data-testid="analytics-home">
      <PageHeader title={t('nav.analytics')} subtitle={t('analyticsConsole.home.subtitle')}>
        <Link className="btn" to={`/console/analytics/insights${suffix}`} data-testid="analytics-insights-link">
          {t('analyticsConsole.insights.title')} →
        </Link>
      </PageHeader>
      <div className="toolbar analytics-toolbar">
        <TrafficSelect
          value={traffic}
          onChange={(v) => {
            setChosen([]);
            setTraffic(v);
          }}
        />
        <span className="muted small" aria-live="polite" data-testid="compare-count">
          {t('analyticsConsole.home.chosen', { count: chosen.length, min: COMPARE_MIN, max: COMPARE_MAX })}
        </span>
        <button type="button" className="btn btn-primary" disabled={!canCompare} data-testid="compare-button" onClick={compare}>
          {t('analyticsConsole.home.compare')}
        </button>
      </div>
      <SimulatedNote traffic={traffic} />

      <ListStates resource={reports} items={reports.data?.items} empty={<EmptyState title={t('analyticsConsole.home.empty')} hint={t('analyticsConsole.home.emptyHint')} />}>
        {(items) => (
          <div className="card table-card">
            <table className="data-table responsive-table analytics-reports" data-testid="report-list">
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">{t('analyticsConsole.home.choose')}</span>
                  </th>
                  <th scope="col">{t('analyticsConsole.home.session')}</th>
                  <th scope="col">{t('analyticsConsole.home.started')}</th>
                  <th scope="col" className="num">
                    {t('analytics.kpi.uv')}
                  </th>
                  <th scope="col" className="num">
                    {t('analytics.kpi.gmvFen')}
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">{t('analyticsConsole.home.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => {
                  const on = chosen.includes(r.sessionId);
                  const full = !on && chosen.length >= COMPARE_MAX;
                  return (
                    <tr key={r.sessionId} data-testid="report-row" className={on ? 'row-chosen' : undefined}>
                      <td className="cell-check">
                        <input
                          type="checkbox"
                          checked={on}
                          disabled={full}
                          aria-label={t('analyticsConsole.home.chooseOne', { title: r.title })}
                          title={full ? t('analyticsConsole.compare.full', { max: COMPARE_MAX }) : undefined}
                          data-testid="report-check"
                          onChange={() => { setChosen((prev) => toggleId(prev, r.sessionId)); }}
                        />
                      </td>
                      <td className="cell-primary" data-label={t('analyticsConsole.home.session')}>
                        {r.title}
                      </td>
                      <td className="nowrap" data-label={t('analyticsConsole.home.started')}>
                        {r.startedAt === null ? '–' : date.format(new Date(r.startedAt))}
                      </td>
                      <td className="num" data-label={t('analytics.kpi.uv')}>
                        {count.format(r.uv)}
                      </td>
                      <td className="num" data-label={t('analytics.kpi.gmvFen')}>
                        {formatFen(r.gmvFen, lang)}
                      </td>
                      <td className="cell-actions">
                        <Link className="btn btn-sm" to={`/console/sessions/${encodeURIComponent(r.sessionId)}/report${suffix}`} data-testid="report-link">
                          {t('analyticsConsole.home.openReport')}
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ListStates>
    </section>
  );
}
