import { lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { fillText } from '../../../contracts/analytics-texts';
import { consoleApi } from '../../api/console-api';
import { describeError } from '../../api/describe-error';
import { ErrorBanner, Notice } from '../../components/notice';
import { ErrorState, LoadingState } from '../../components/page-states';
import { useApiResource } from '../../hooks/use-api-resource';
import { useNotice } from '../../hooks/use-notice';
import { usePolledResource } from '../../hooks/use-polled-resource';
import {
  commentsLikesOption,
  csatOption,
  funnelOption,
  gmvOption,
  joinsExitsOption,
  npsGaugeOption,
  retentionOption,
  sourcesOption,
  survivalOption,
  type ChartOption,
  type ChartSize,
} from './report/chart-options';
import { CsvButton, ExportBar, ProgressBar, useExportJob } from './report/export-bar';
import { KpiTiles, reportKpis } from './report/kpi-tiles';
import { reportApi } from './report/report-api';
import { ReportHints } from './report/report-hints';
import { productColumns, ReportTable, sourceColumns, SurveyComments, timelineColumns } from './report/report-tables';
import type { ExportTable, ReportDoc, ReportReply, ReportTraffic } from './report/report-types';
import { useReportText, type ReportText } from './report/use-report-text';
import '../../styles/analytics-report.css';

const ReportChart = lazy(() => import('./report/report-chart'));
/** How long the page polls for a rebuilt report before giving up (the old one stays shown). */
const REBUILD_WAIT_MS = 60_000;

/**
 * `/console/sessions/:id/report`: the post-live report (issue 7 item 4) of one session — key
 * figures, retention and GMV curves annotated with the run of show, funnel, sources, products,
 * survey and optimisation hints — for real or simulated traffic, with CSV / printable / PDF
 * exports. While the report is being built the page polls it every second and shows progress.
 */
export function ReportPage() {
  const { id = '' } = useParams<{ id: string }>();
  const [params, setParams] = useSearchParams();
  const traffic: ReportTraffic = params.get('traffic') === 'simulated' ? 'simulated' : 'real';
  const x = useReportText();
  const { t } = x;
  const [notice, showNotice, dismissNotice] = useNotice();
  const [actionError, setActionError] = useState<string | null>(null);
  const [rebuilding, setRebuilding] = useState(false);

  // The session's title and status even before there is a report (members without sessions:read see the report's own title).
  const session = useApiResource((signal) => consoleApi.getSession(id, signal).catch(() => null), [id]);
  const [building, setBuilding] = useState(false);
  // A rebuild of a ready report keeps showing it until the new one is stored: poll until its build time changes.
  const [awaiting, setAwaiting] = useState<{ builtAt: string | null; until: number } | null>(null);
  const reply = usePolledResource((signal) => reportApi.get(id, traffic, signal), [id, traffic], building || awaiting ? 1000 : 0);
  const current: ReportReply | null = reply.data && reply.data.traffic === traffic && reply.data.sessionId === id ? reply.data : null;
  useEffect(() => { setBuilding(current?.status === 'building'); }, [current?.status]);
  useEffect(() => {
    if (!awaiting || !current) return;
    if (current.status === 'failed' || (current.status === 'ready' && current.builtAt !== awaiting.builtAt) || Date.now() > awaiting.until) setAwaiting(null);
  }, [awaiting, current]);

  const report = current?.report ?? null;
  const title = report?.title ?? session.data?.title ?? '';
  useEffect(() => {
    document.title = `${title ? `${title} · ` : ''}${t('analyticsReport.title')} · ${t('app.consoleTitle')}`;
    return () => { document.title = t('app.consoleTitle'); };
  }, [title, t]);

  const setTraffic = (next: ReportTraffic) => {
    const p = new URLSearchParams(params);
    if (next === 'real') p.delete('traffic');
    else p.set('traffic', next);
    setParams(p, { replace: true });
  };

  const rebuild = async () => {
    setRebuilding(true);
    setActionError(null);
    try {
      await reportApi.rebuild(id);
      showNotice(t('analyticsReport.state.rebuildStarted'));
      setAwaiting({ builtAt: current?.builtAt ?? null, until: Date.now() + REBUILD_WAIT_MS });
      reply.refresh();
    } catch (error) {
      setActionError(describeError(t, error));
    } finally {
      setRebuilding(false);
    }
  };

  const exporter = useExportJob(id, traffic, x);

  let body: ReactNode;
  if (!current && reply.error) body = <ErrorState error={reply.error} onRetry={reply.refresh} />;
  else if (!current) body = <LoadingState />;
  else if (current.status === 'none') {
    body = (
      <div className="card report-state" data-testid="report-none">
        <h2 className="card-title">{t('analyticsReport.state.noneTitle')}</h2>
        <p className="muted">{t('analyticsReport.state.none')}</p>
      </div>
    );
  } else if (current.status === 'building' && !report) {
    body = (
      <div className="card report-state" data-testid="report-building" role="status">
        <h2 className="card-title">{t('analyticsReport.state.building')}</h2>
        <ProgressBar value={current.progress} label={t('analyticsReport.state.building')} />
        <p className="muted small">{t('analyticsReport.state.buildingProgress', { pct: x.pct(current.progress) })}</p>
      </div>
    );
  } else if (current.status === 'failed' || !report) {
    body = (
      <div className="card report-state" data-testid="report-failed" role="alert">
        <h2 className="card-title">{t('analyticsReport.state.failedTitle')}</h2>
        {current.error && <p className="muted">{current.error}</p>}
        <button type="button" className="btn btn-primary" disabled={rebuilding} onClick={() => void rebuild()} data-testid="report-rebuild">
          {rebuilding ? t('analyticsReport.state.rebuilding') : t('analyticsReport.state.rebuild')}
        </button>
      </div>
    );
  } else {
    body = <ReportBody report={report} reply={current} traffic={traffic} x={x} exporter={exporter} onShowSimulated={() => { setTraffic('simulated'); }} />;
  }

  return (
    <section className="page report-page" data-testid="report-page" data-session-id={id} data-traffic={traffic} data-status={current?.status ?? 'loading'}>
      <nav className="breadcrumb" aria-label={t('sessionDetail.breadcrumb')}>
        <Link to="/console/sessions">{t('nav.sessions')}</Link>
        <span aria-hidden="true">/</span>
        {title ? <Link to={`/console/sessions/${encodeURIComponent(id)}`}>{title}</Link> : <span>{id}</span>}
        <span aria-hidden="true">/</span>
        <span className="breadcrumb-current">{t('analyticsReport.breadcrumb')}</span>
      </nav>
      <header className="page-header report-header">
        <div className="report-header-main">
          <h1 data-testid="report-title">{title || t('analyticsReport.title')}</h1>
          <p className="muted report-subtitle">{t('analyticsReport.title')}</p>
          {report && <ReportMeta report={report} reply={current!} x={x} />}
        </div>
        <div className="report-header-actions">
          <div className="report-traffic" role="group" aria-label={t('analyticsReport.traffic.label')} data-testid="report-traffic">
            {(['real', 'simulated'] as const).map((k) => (
              <button key={k} type="button" className={k === traffic ? 'report-traffic-on' : undefined} aria-pressed={k === traffic} onClick={() => { setTraffic(k); }} data-testid={`report-traffic-${k}`}>
                {t(`analyticsReport.traffic.${k}`)}
              </button>
            ))}
          </div>
          <Link className="btn btn-sm" to={`/console/analytics/compare?ids=${encodeURIComponent(id)}`} data-testid="report-compare-link">
            {t('analyticsReport.compare')}
          </Link>
          {current?.status === 'ready' && (
            <button type="button" className="btn btn-ghost btn-sm" disabled={rebuilding} onClick={() => void rebuild()} data-testid="report-rebuild">
              {rebuilding ? t('analyticsReport.state.rebuilding') : t('analyticsReport.state.rebuild')}
            </button>
          )}
        </div>
      </header>

      <Notice message={notice} onDismiss={dismissNotice} />
      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="report-action-error" />
      {(report?.simulatedData || traffic === 'simulated') && (
        <div className="banner report-simulated" role="note" data-testid="report-simulated-banner">
          {x.A.section.simulatedData}
        </div>
      )}
      {report && (current?.status === 'building' || awaiting) && (
        <div className="report-rebuilding" role="status" data-testid="report-building">
          <span>{t('analyticsReport.state.building')}</span>
          <ProgressBar value={current?.status === 'building' ? current.progress : 0.5} label={t('analyticsReport.state.building')} />
        </div>
      )}
      {body}
    </section>
  );
}

function ReportMeta({ report, reply, x }: { report: ReportDoc; reply: ReportReply; x: ReportText }) {
  const { t } = x;
  const date = new Intl.DateTimeFormat(x.lang, { dateStyle: 'medium', timeStyle: 'short' });
  const excluded = report.excluded;
  const excludedCount = (excluded.bot ?? 0) + (report.traffic === 'real' ? (excluded.simulated ?? 0) : (excluded.real ?? 0));
  return (
    <div className="report-meta" data-testid="report-meta">
      <span>
        <span className="muted">{t('analyticsReport.meta.date')} </span>
        <time dateTime={new Date(report.startedAt).toISOString()}>{date.format(new Date(report.startedAt))}</time>
      </span>
      <span>
        <span className="muted">{t('analyticsReport.meta.duration')} </span>
        {x.duration(report.durationMs)}
      </span>
      <span className="muted">{t('analyticsReport.meta.events', { count: report.events })}</span>
      {reply.builtAt && <span className="muted">{t('analyticsReport.meta.builtAt', { when: date.format(new Date(reply.builtAt)) })}</span>}
      {excludedCount > 0 && (
        <span className="muted report-excluded">
          {report.traffic === 'real'
            ? t('analyticsReport.meta.excluded', { bots: x.count(excluded.bot ?? 0), simulated: x.count(excluded.simulated ?? 0) })
            : t('analyticsReport.meta.excludedSimulatedView', { bots: x.count(excluded.bot ?? 0), real: x.count(excluded.real ?? 0) })}
        </span>
      )}
    </div>
  );
}

function ReportBody({ report, reply, traffic, x, exporter, onShowSimulated }: { report: ReportDoc; reply: ReportReply; traffic: ReportTraffic; x: ReportText; exporter: ReturnType<typeof useExportJob>; onShowSimulated: () => void }) {
  const { t, A } = x;
  const kpis = useMemo(() => reportKpis(report, x), [report, x]);
  const c = x.chart;
  const retention = useCallback((size: ChartSize) => retentionOption(report, c, { ...size, seriesName: t('analyticsReport.chart.present') }), [report, c, t]);
  const gmv = useCallback((size: ChartSize) => gmvOption(report, c, { ...size, cumulativeName: t('analyticsReport.chart.gmvSoFar'), perMinuteName: t('analyticsReport.chart.gmvInMinute') }), [report, c, t]);
  const survival = useCallback(
    (size: ChartSize) => survivalOption(report, c, { ...size, seriesName: t('analyticsReport.chart.stillWatching'), atRiskName: t('analyticsReport.chart.atRisk'), axisName: t('analyticsReport.chart.minutesSinceJoining') }),
    [report, c, t],
  );
  const flows = useCallback((size: ChartSize) => joinsExitsOption(report, c, { ...size, joins: A.column.joins, exits: A.column.exits }), [report, c, A]);
  const talk = useCallback((size: ChartSize) => commentsLikesOption(report, c, { ...size, comments: A.kpi.comments, likes: A.kpi.likes }), [report, c, A]);
  const funnel = useCallback((size: ChartSize) => funnelOption(report, c, { ...size, stepName: (s) => (A.funnel as Record<string, string>)[s] ?? s, ofPrevious: t('analyticsReport.chart.ofPrevious') }), [report, c, A, t]);
  const sources = useCallback((size: ChartSize) => sourcesOption(report, c, { ...size, sourceName: x.source, otherName: t('analyticsReport.source.other'), seriesName: A.section.sources }), [report, c, x, A, t]);
  const csat = useCallback((size: ChartSize) => csatOption(report, c, { ...size, seriesName: A.column.responses }), [report, c, A]);
  const nps = useCallback(() => npsGaugeOption(report, { seriesName: A.kpi.nps }), [report, A]);
  const survey = report.survey;
  const noViewers = report.audience.uv === 0;

  return (
    <div className="report-body" data-testid="report-body">
      <ExportBar sessionId={report.sessionId} traffic={traffic} x={x} exporter={exporter} />
      {noViewers && traffic === 'real' && (
        <div className="banner banner-info report-no-viewers" data-testid="report-no-real-viewers">
          <span>{t('analyticsReport.noRealViewers')}</span>
          <button type="button" className="btn btn-sm" onClick={onShowSimulated}>
            {t('analyticsReport.showSimulated')}
          </button>
        </div>
      )}

      <ReportSection title={t('analyticsReport.section.kpis')} testId="report-section-kpis" table="kpis" x={x} exporter={exporter}>
        <KpiTiles kpis={kpis} x={x} />
      </ReportSection>

      <ReportSection title={A.section.hints} testId="report-section-hints" table="hints" x={x} exporter={exporter} card>
        <ReportHints hints={report.hints} x={x} />
      </ReportSection>

      <ChartCard title={A.section.retention} build={retention} testId="chart-retention" wide note={report.timeline.length > 0 ? t('analyticsReport.chart.legendHint') : undefined} />
      <ChartCard title={A.section.gmvCurve} build={gmv} testId="chart-gmv" wide />
      <div className="report-grid">
        <ChartCard title={A.section.survival} build={survival} testId="chart-survival" />
        <ChartCard title={A.section.funnel} build={funnel} testId="chart-funnel" empty={noViewers ? t('analyticsReport.chart.noData') : undefined} />
        <ChartCard title={t('analyticsReport.chart.joinsExits')} build={flows} testId="chart-joins-exits" />
        <ChartCard title={t('analyticsReport.chart.commentsLikes')} build={talk} testId="chart-comments-likes" />
      </div>

      <ReportSection title={A.section.sources} testId="report-section-sources" table="sources" x={x} exporter={exporter} card>
        <div className="report-sources">
          {report.sources.length > 0 && (
            <Suspense fallback={<div className="report-chart report-chart-pie" />}>
              <ReportChart build={sources} label={A.section.sources} testId="chart-sources" className="report-chart-pie" />
            </Suspense>
          )}
          <ReportTable columns={sourceColumns(x)} rows={report.sources} rowKey={(s) => s.source} testId="table-sources" empty={t('analyticsReport.table.empty')} caption={A.section.sources} />
        </div>
      </ReportSection>

      <ReportSection title={A.section.products} testId="report-section-products" table="products" x={x} exporter={exporter} card>
        <ReportTable columns={productColumns(x)} rows={report.products} rowKey={(p) => p.productId} testId="table-products" empty={t('analyticsReport.table.empty')} caption={A.section.products} />
      </ReportSection>

      <ReportSection title={A.section.timeline} testId="report-section-timeline" table="segments" x={x} exporter={exporter} card>
        <ReportTable columns={timelineColumns(x)} rows={report.timeline} rowKey={(a, i) => `${a.kind}-${String(a.from)}-${String(i)}`} testId="table-timeline" nameColumn={1} empty={t('analyticsReport.table.empty')} caption={A.section.timeline} />
      </ReportSection>

      <ReportSection title={A.section.survey} testId="report-section-survey" table="survey" x={x} exporter={exporter} card>
        {survey.responses === 0 ? (
          <p className="muted report-empty" data-testid="survey-none">{t('analyticsReport.survey.none')}</p>
        ) : (
          <>
            <p className="muted small">{t('analyticsReport.survey.responses', { count: survey.responses })}</p>
            <div className="report-survey">
              <div className="report-survey-part">
                <h3 className="report-sub">
                  {t('analyticsReport.section.csat')}
                  <span className="report-sub-figure" data-testid="survey-csat">{survey.csat.mean === null ? '—' : `${x.count(Math.round(survey.csat.mean * 100) / 100)} / 5`}</span>
                </h3>
                <p className="muted small">{t('analyticsReport.chart.csatAnswers')}</p>
                <Suspense fallback={<div className="report-chart report-chart-small" />}>
                  <ReportChart build={csat} label={t('analyticsReport.section.csat')} testId="chart-csat" className="report-chart-small" />
                </Suspense>
              </div>
              <div className="report-survey-part">
                <h3 className="report-sub">
                  {t('analyticsReport.section.nps')}
                  <span className="report-sub-figure" data-testid="survey-nps">{survey.nps.score === null ? '—' : x.count(Math.round(survey.nps.score))}</span>
                </h3>
                <p className="muted small">{t('analyticsReport.chart.npsBreakdown', { promoters: survey.nps.promoters, passives: survey.nps.passives, detractors: survey.nps.detractors })}</p>
                <Suspense fallback={<div className="report-chart report-chart-small" />}>
                  <ReportChart build={nps} label={t('analyticsReport.section.nps')} testId="chart-nps" className="report-chart-small" />
                </Suspense>
              </div>
            </div>
          </>
        )}
        <h3 className="report-sub">{t('analyticsReport.survey.comments')}</h3>
        <SurveyComments comments={report.surveyComments} x={x} />
      </ReportSection>

      <p className="muted small report-definitions">{fillText(A.section.definitions, { version: report.definitionsVersion })}</p>
      <span hidden data-testid="report-events">{reply.events}</span>
    </div>
  );
}

function ReportSection({ title, testId, table, x, exporter, card = false, children }: { title: string; testId: string; table: ExportTable; x: ReportText; exporter: ReturnType<typeof useExportJob>; card?: boolean; children: ReactNode }) {
  return (
    <section className={card ? 'card report-section' : 'report-section'} data-testid={testId}>
      <div className="report-section-head">
        <h2 className="report-section-title">{title}</h2>
        <CsvButton table={table} x={x} exporter={exporter} />
      </div>
      {children}
    </section>
  );
}

function ChartCard({ title, build, testId, wide = false, note, empty }: { title: string; build: (size: ChartSize) => ChartOption; testId: string; wide?: boolean; note?: string; empty?: string }) {
  return (
    <section className={['card report-chart-card', wide ? 'report-chart-wide' : ''].filter(Boolean).join(' ')} data-testid={`${testId}-card`}>
      <h2 className="report-section-title">{title}</h2>
      {note && <p className="muted small report-chart-note">{note}</p>}
      {empty ? (
        <p className="muted report-empty">{empty}</p>
      ) : (
        <Suspense fallback={<div className="report-chart" />}>
          <ReportChart build={build} label={title} testId={testId} />
        </Suspense>
      )}
    </section>
  );
}
