import { lazy, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { liveAlerts, type LiveAlert } from '../../../contracts/live-alerts';
import { formatLiveCount } from '../../format/count-format';
import { formatFen } from '../../format/money-format';
import type { DashChartLabels } from './dashboard/dash-charts';
import {
  alertSettings,
  chooseTraffic,
  clampDropPct,
  DROP_PCT_MAX,
  DROP_PCT_MIN,
  figuresOf,
  minuteChange,
  readDropPct,
  storeDropPct,
  type DashMessage,
  type DashTraffic,
} from './dashboard/dash-series';
import '../../styles/analytics-console.css';

// ECharts is only fetched once the card has figures to draw.
const ViewersLine = lazy(() => import('./dashboard/dash-charts').then((m) => ({ default: m.ViewersLine })));
const EntriesBars = lazy(() => import('./dashboard/dash-charts').then((m) => ({ default: m.EntriesBars })));
const ChatBars = lazy(() => import('./dashboard/dash-charts').then((m) => ({ default: m.ChatBars })));

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

export interface LiveDashboardProps {
  /** The latest `dash` message of the room socket (about one a second), null before the first. */
  dash: DashMessage | null;
  /** The product being explained now. */
  pinned: { productId: string; title: string } | null;
  /** Product names by id (the session's shelf), for the top products. */
  productNames: Record<string, string>;
}

/**
 * The real-time dashboard of a live (issue 7 item 3): concurrent viewers now and over the last two
 * minutes, entries and exits, comments and likes per minute, clicks, orders, GMV, conversion so far,
 * top products, the pinned product, and alerts (viewers falling by more than the operator's
 * threshold in a minute, errors rising). Simulated traffic is shown only when there is no real
 * audience, or on request, and always labelled.
 */
export function LiveDashboard({ dash, pinned, productNames }: LiveDashboardProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const [choice, setChoice] = useState<DashTraffic | null>(null);
  const [dropPct, setDropPct] = useState(() => readDropPct(storage()));
  const [dropInput, setDropInput] = useState(String(dropPct));
  const thresholdId = useId();

  useEffect(() => { storeDropPct(storage(), dropPct); }, [dropPct]);

  const traffic = dash ? chooseTraffic(dash, choice) : 'real';
  const shown = dash ? figuresOf(dash, traffic) : null;
  const alerts = useMemo(() => (dash && shown ? liveAlerts(shown.samples, dash.errorsPerMinute, alertSettings(dropPct)) : []), [dash, shown, dropPct]);

  const labels = useMemo(
    (): DashChartLabels => ({
      viewers: t('analyticsConsole.dash.concurrent'),
      viewersAria: t('analyticsConsole.dash.viewersAria'),
      joins: t('analyticsConsole.dash.joins'),
      exits: t('analyticsConsole.dash.exits'),
      entriesAria: t('analyticsConsole.dash.entriesTitle'),
      comments: t('analytics.kpi.comments'),
      likes: t('analytics.kpi.likes'),
      chatAria: t('analyticsConsole.dash.chatTitle'),
      minute: (m) => t('analyticsConsole.dash.minute', { m }),
    }),
    [t],
  );

  const simulated = traffic === 'simulated';
  const count = (n: number) => formatLiveCount(n, lang);

  return (
    <section className={simulated ? 'card live-dashboard dash-simulated' : 'card live-dashboard'} aria-labelledby="live-dash-title" data-testid="live-dashboard" data-traffic={traffic}>
      <header className="dash-head">
        <h2 id="live-dash-title" className="card-title">
          {t('analyticsConsole.dash.title')}
        </h2>
        <div className="dash-head-tools">
          {dash?.simulated && (
            <button type="button" className="btn btn-sm" data-testid="dash-traffic-toggle" aria-pressed={simulated} onClick={() => { setChoice(simulated ? 'real' : 'simulated'); }}>
              {simulated ? t('analyticsConsole.dash.showReal') : t('analyticsConsole.dash.showSimulated')}
            </button>
          )}
        </div>
      </header>

      {simulated && (
        <p className="dash-sim-label" role="note" data-testid="dash-simulated-label">
          {t('analyticsConsole.dash.simulatedLabel')}
        </p>
      )}

      {alerts.map((a) => (
        <div key={a.code} className="banner banner-error dash-alert" role="alert" data-testid="dash-alert" data-code={a.code}>
          <strong>⚠ {alertText(a, t)}</strong>
        </div>
      ))}

      {!dash || !shown ? (
        <p className="muted" data-testid="dash-waiting">
          {t('analyticsConsole.dash.waiting')}
        </p>
      ) : (
        <>
          <div className="dash-now">
            <div className="dash-big">
              <span className="dash-big-label">{t('analyticsConsole.dash.concurrent')}</span>
              <span className="dash-big-value" data-testid="dash-concurrent" data-value={shown.figures.concurrent}>
                {count(shown.figures.concurrent)}
              </span>
              <MinuteChange change={minuteChange(shown.samples)} />
            </div>
            <Suspense fallback={<div className="echart-box dash-line" />}>
              <ViewersLine samples={shown.samples} labels={labels} lang={lang} />
            </Suspense>
          </div>

          <dl className="dash-tiles" data-testid="dash-tiles">
            <Tile label={t('analytics.kpi.uv')} value={count(shown.figures.uv)} testId="dash-uv" />
            <Tile label={t('analytics.kpi.pcu')} value={count(shown.figures.pcu)} testId="dash-pcu" />
            <Tile label={t('analytics.kpi.comments')} value={count(shown.figures.totals.comments)} testId="dash-comments" />
            <Tile label={t('analytics.kpi.likes')} value={count(shown.figures.totals.likes)} testId="dash-likes" />
            <Tile label={t('analyticsConsole.dash.clicks')} value={count(shown.figures.totals.clicks)} testId="dash-clicks" />
            <Tile
              label={t('analyticsConsole.dash.orders')}
              value={count(shown.figures.totals.orders)}
              sub={t('analyticsConsole.dash.paidOrders', { count: shown.figures.totals.paidOrders })}
              testId="dash-orders"
            />
            <Tile label={t('analytics.kpi.gmvFen')} value={formatFen(shown.figures.totals.gmvFen, lang)} testId="dash-gmv" />
            <Tile
              label={t('analyticsConsole.dash.conversion')}
              value={shown.figures.conversion === null ? '–' : formatPct(shown.figures.conversion, lang)}
              sub={t('analyticsConsole.dash.buyers', { count: shown.figures.totals.buyers })}
              testId="dash-conversion"
            />
          </dl>

          <div className="dash-charts">
            <div>
              <h3 className="dash-sub">{t('analyticsConsole.dash.entriesTitle')}</h3>
              <Suspense fallback={<div className="echart-box dash-bars" />}>
                <EntriesBars figures={shown.figures} labels={labels} />
              </Suspense>
            </div>
            <div>
              <h3 className="dash-sub">{t('analyticsConsole.dash.chatTitle')}</h3>
              <Suspense fallback={<div className="echart-box dash-bars" />}>
                <ChatBars figures={shown.figures} labels={labels} />
              </Suspense>
            </div>
          </div>

          <div className="dash-products">
            <div className="dash-pinned" data-testid="dash-pinned">
              <h3 className="dash-sub">{t('analyticsConsole.dash.pinnedNow')}</h3>
              <p className={pinned ? 'dash-pinned-name' : 'muted'}>{pinned ? pinned.title : t('analyticsConsole.dash.pinnedNone')}</p>
            </div>
            <div>
              <h3 className="dash-sub">{t('analyticsConsole.dash.topProducts')}</h3>
              {shown.figures.topProducts.length === 0 ? (
                <p className="muted">{t('analyticsConsole.dash.noProducts')}</p>
              ) : (
                <ol className="dash-top" data-testid="dash-top-products">
                  {shown.figures.topProducts.map((p) => (
                    <li key={p.productId}>
                      <span className="dash-top-name">{productNames[p.productId] ?? t('analyticsConsole.dash.unknownProduct')}</span>
                      <span className="dash-top-figures muted small">
                        {t('analyticsConsole.dash.productLine', { gmv: formatFen(p.paidFen, lang), orders: p.paidOrders, count: p.clicks })}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          </div>
        </>
      )}

      <form
        className="dash-threshold"
        onSubmit={(e) => { e.preventDefault(); }}
      >
        <label htmlFor={thresholdId}>{t('analyticsConsole.dash.thresholdBefore')}</label>
        <input
          id={thresholdId}
          type="number"
          inputMode="numeric"
          min={DROP_PCT_MIN}
          max={DROP_PCT_MAX}
          step={1}
          value={dropInput}
          data-testid="dash-drop-threshold"
          onChange={(e) => {
            setDropInput(e.target.value);
            const n = Number(e.target.value);
            if (e.target.value !== '' && Number.isFinite(n)) setDropPct(clampDropPct(n));
          }}
          onBlur={() => { setDropInput(String(dropPct)); }}
        />
        <span>{t('analyticsConsole.dash.thresholdAfter')}</span>
      </form>
    </section>
  );
}

type TFn = (key: string, opts?: Record<string, unknown>) => string;

export function alertText(a: LiveAlert, t: TFn): string {
  if (a.code === 'concurrency_drop') return t('analyticsConsole.dash.alert.concurrency_drop', { dropPct: a.dropPct, seconds: a.seconds, from: a.from, to: a.to });
  return t('analyticsConsole.dash.alert.errors_rising', { lastMinute: a.lastMinute, baseline: a.baselinePerMinute });
}

function formatPct(share: number, lang: string): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

function MinuteChange({ change }: { change: number | null }) {
  const { t } = useTranslation();
  if (change === null) return null;
  const cls = change > 0 ? 'dash-change up' : change < 0 ? 'dash-change down' : 'dash-change';
  return <span className={cls}>{t('analyticsConsole.dash.change', { change: change > 0 ? `+${String(change)}` : String(change) })}</span>;
}

function Tile({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId: string }) {
  return (
    <div className="dash-tile">
      <dt>{label}</dt>
      <dd data-testid={testId}>
        <span className="dash-tile-value">{value}</span>
        {sub && <span className="dash-tile-sub muted small">{sub}</span>}
      </dd>
    </div>
  );
}
