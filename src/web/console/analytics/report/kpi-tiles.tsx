import { useId } from 'react';
import type { ReportDoc } from './report-types';
import type { ReportText } from './use-report-text';

/** docs/metrics.md sections (GitHub heading anchors). */
const ANCHOR = {
  audience: 'audience-观众',
  engagement: 'engagement-互动',
  sales: 'sales-成交',
  survey: 'survey-满意度调查',
} as const;

export interface Kpi {
  id: string;
  label: string;
  value: string;
  /** A second line under the value (e.g. the count behind a rate). */
  note?: string;
  how: string;
  anchor: string;
  /** Shown muted: the figure is not available. */
  unavailable?: boolean;
  accent?: boolean;
}

/** The report's key figures as tiles, each with how it is counted (docs/metrics.md). */
export function reportKpis(r: ReportDoc, x: ReportText): Kpi[] {
  const { A, t, count, pct, money, duration } = x;
  const how = (k: string) => t(`analyticsReport.kpi.how.${k}`);
  const a = r.audience;
  const e = r.engagement;
  const s = r.sales;
  const followers = a.newFollowers.value;
  const list: Kpi[] = [
    { id: 'uv', label: A.kpi.uv, value: count(a.uv), how: how('uv'), anchor: ANCHOR.audience, accent: true },
    { id: 'pv', label: A.kpi.pv, value: count(a.pv), how: how('pv'), anchor: ANCHOR.audience },
    {
      id: 'pcu',
      label: A.kpi.pcu,
      value: count(a.pcu),
      note: a.pcuAt === null ? undefined : t('analyticsReport.kpi.pcuAt', { minute: Math.floor((a.pcuAt - r.startedAt) / 60_000) }),
      how: how('pcu'),
      anchor: ANCHOR.audience,
    },
    { id: 'acu', label: A.kpi.acu, value: a.acu === null ? '—' : count(a.acu), how: how('acu'), anchor: ANCHOR.audience },
    { id: 'avgWatch', label: A.kpi.avgWatchMs, value: duration(a.avgWatchMs), how: how('avgWatch'), anchor: ANCHOR.audience },
    { id: 'medianWatch', label: A.kpi.medianWatchMs, value: duration(a.medianWatchMs), how: how('medianWatch'), anchor: ANCHOR.audience },
    {
      id: 'newVsReturning',
      label: t('analyticsReport.kpi.newVsReturning'),
      value: `${count(a.newViewers)} / ${count(a.returningViewers)}`,
      note: t('analyticsReport.kpi.newVsReturningValue', { new: count(a.newViewers), returning: count(a.returningViewers) }),
      how: how('newVsReturning'),
      anchor: ANCHOR.audience,
    },
    {
      id: 'newFollowers',
      label: A.metric.newFollowers,
      value: followers === null ? A.metric.notAvailable : count(followers),
      how: how('newFollowers'),
      anchor: ANCHOR.audience,
      unavailable: followers === null,
    },
    {
      id: 'interactionRate',
      label: A.kpi.interactionRate,
      value: pct(e.interactionRate),
      note: t('analyticsReport.kpi.interactors', { count: e.interactors }),
      how: how('interactionRate'),
      anchor: ANCHOR.engagement,
    },
    { id: 'comments', label: A.kpi.comments, value: count(e.comments), how: how('comments'), anchor: ANCHOR.engagement },
    { id: 'likes', label: A.kpi.likes, value: count(e.likes), how: how('likes'), anchor: ANCHOR.engagement },
    { id: 'shares', label: A.kpi.shares, value: count(e.shares), how: how('shares'), anchor: ANCHOR.engagement },
    { id: 'gmv', label: A.kpi.gmvFen, value: money(s.gmvFen), how: how('gmv'), anchor: ANCHOR.sales, accent: true },
    { id: 'orders', label: A.metric.orders, value: count(s.orders), note: t('analyticsReport.kpi.placed', { amount: money(s.orderedFen) }), how: how('orders'), anchor: ANCHOR.sales },
    { id: 'paidOrders', label: A.kpi.paidOrders, value: count(s.paidOrders), note: t('analyticsReport.kpi.buyers', { count: s.buyers }), how: how('paidOrders'), anchor: ANCHOR.sales },
    { id: 'aov', label: A.kpi.aovFen, value: money(s.aovFen), how: how('aov'), anchor: ANCHOR.sales },
    { id: 'gpm', label: A.kpi.gpmFen, value: money(s.gpmFen), how: how('gpm'), anchor: ANCHOR.sales },
    {
      id: 'refundRate',
      label: A.kpi.refundRate,
      value: pct(s.refundRateByAmount),
      note: s.refundRateByOrders === null ? undefined : t('analyticsReport.kpi.refundByOrders', { pct: pct(s.refundRateByOrders) }),
      how: how('refundRate'),
      anchor: ANCHOR.sales,
    },
    { id: 'conversion', label: A.kpi.conversion, value: pct(s.conversion), how: how('conversion'), anchor: ANCHOR.sales },
  ];
  return list;
}

export function KpiTiles({ kpis, x }: { kpis: Kpi[]; x: ReportText }) {
  return (
    <div className="report-kpis" data-testid="report-kpis">
      {kpis.map((k) => (
        <KpiTile key={k.id} kpi={k} x={x} />
      ))}
    </div>
  );
}

function KpiTile({ kpi, x }: { kpi: Kpi; x: ReportText }) {
  const tipId = useId();
  return (
    <div className={['card report-kpi', kpi.accent ? 'report-kpi-accent' : '', kpi.unavailable ? 'report-kpi-na' : ''].filter(Boolean).join(' ')} data-testid={`kpi-${kpi.id}`}>
      <div className="report-kpi-head">
        <span className="report-kpi-label">{kpi.label}</span>
        <span className="report-tip">
          <button type="button" className="report-tip-button" aria-describedby={tipId} aria-label={x.t('analyticsReport.kpi.howCounted')}>
            ?
          </button>
          <span role="tooltip" id={tipId} className="report-tip-text">
            <strong>{x.t('analyticsReport.kpi.howCounted')}</strong>
            <span>{kpi.how}</span>
            <span className="report-tip-doc">{x.t('analyticsReport.kpi.definition', { anchor: kpi.anchor })}</span>
          </span>
        </span>
      </div>
      <span className="report-kpi-value" data-testid={`kpi-${kpi.id}-value`}>
        {kpi.value}
      </span>
      {kpi.note && <span className="report-kpi-note">{kpi.note}</span>}
    </div>
  );
}
