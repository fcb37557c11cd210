import { percentileBands, rankInBand, type PercentileBands } from './percentiles.js';
import type { Ratio, SessionReport } from './report.js';

/**
 * Comparative analysis (issue 7 item 5, handbook 7.1.2 (2)): the KPIs of 2-6 sessions side by
 * side with their differences from the first (the baseline), their curves overlaid, and where each
 * session stands among the brand's own past sessions (percentile bands, as WeChat Channels'
 * dashboard compares each figure with its peers; ours are the brand's own history).
 */

/** The KPIs compared, in display order. `better` says which direction is good (for colouring). */
export const KPI_DEFS = [
  { key: 'uv', unit: 'count', better: 'up' },
  { key: 'pv', unit: 'count', better: 'up' },
  { key: 'pcu', unit: 'count', better: 'up' },
  { key: 'acu', unit: 'count', better: 'up' },
  { key: 'avgWatchMs', unit: 'ms', better: 'up' },
  { key: 'medianWatchMs', unit: 'ms', better: 'up' },
  { key: 'interactionRate', unit: 'ratio', better: 'up' },
  { key: 'comments', unit: 'count', better: 'up' },
  { key: 'likes', unit: 'count', better: 'up' },
  { key: 'shares', unit: 'count', better: 'up' },
  { key: 'clickRate', unit: 'ratio', better: 'up' },
  { key: 'conversion', unit: 'ratio', better: 'up' },
  { key: 'gmvFen', unit: 'fen', better: 'up' },
  { key: 'paidOrders', unit: 'count', better: 'up' },
  { key: 'aovFen', unit: 'fen', better: 'up' },
  { key: 'gpmFen', unit: 'fen', better: 'up' },
  { key: 'refundRate', unit: 'ratio', better: 'down' },
  { key: 'csat', unit: 'score', better: 'up' },
  { key: 'nps', unit: 'score', better: 'up' },
] as const;
export type KpiKey = (typeof KPI_DEFS)[number]['key'];
export type Kpis = Record<KpiKey, number | null>;

export function kpisOf(r: SessionReport): Kpis {
  const click = r.funnel.find((s) => s.step === 'click');
  return {
    uv: r.audience.uv,
    pv: r.audience.pv,
    pcu: r.audience.pcu,
    acu: r.audience.acu,
    avgWatchMs: r.audience.avgWatchMs,
    medianWatchMs: r.audience.medianWatchMs,
    interactionRate: r.engagement.interactionRate,
    comments: r.engagement.comments,
    likes: r.engagement.likes,
    shares: r.engagement.shares,
    clickRate: click ? click.ofViewers : null,
    conversion: r.sales.conversion,
    gmvFen: r.sales.gmvFen,
    paidOrders: r.sales.paidOrders,
    aovFen: r.sales.aovFen,
    gpmFen: r.sales.gpmFen,
    refundRate: r.sales.refundRateByAmount,
    csat: r.survey.csat.mean,
    nps: r.survey.nps.score,
  };
}

export interface ComparedSession {
  sessionId: string;
  title: string | null;
  startedAt: number;
  endedAt: number;
  kpis: Kpis;
  /** Difference from the baseline (the first session): absolute and relative (null when the baseline is 0 or either is missing). */
  diff: Record<KpiKey, { abs: number | null; rel: Ratio }>;
  /** Percentile rank of each KPI among the brand's past sessions (0-100), null without history. */
  rank: Record<KpiKey, number | null>;
}

export interface Comparison {
  sessions: ComparedSession[];
  /** Per-minute curves, one array per session in the same order. */
  curves: { retention: Ratio[][]; present: number[][]; gmvCumulativeFen: number[][] };
  /** The brand's past sessions: how many, and each KPI's percentile bands (p10, p25, p50, p75, p90). */
  history: { sessions: number; bands: Record<KpiKey, PercentileBands | null> };
}

/** `selected` in the order chosen (the first is the baseline); `history`: the brand's ready reports (the selected ones may be among them). */
export function compareReports(selected: readonly SessionReport[], history: readonly SessionReport[]): Comparison {
  const kpis = selected.map(kpisOf);
  const historyKpis = history.map(kpisOf);
  const bands = {} as Record<KpiKey, PercentileBands | null>;
  const values = {} as Record<KpiKey, number[]>;
  for (const def of KPI_DEFS) {
    const xs = historyKpis.map((k) => k[def.key]).filter((v): v is number => v !== null && Number.isFinite(v));
    values[def.key] = xs;
    bands[def.key] = xs.length >= 2 ? percentileBands(xs) : null;
  }
  const base = kpis[0];
  const sessions = selected.map((r, i): ComparedSession => {
    const k = kpis[i]!;
    const diff = {} as ComparedSession['diff'];
    const rank = {} as ComparedSession['rank'];
    for (const def of KPI_DEFS) {
      const v = k[def.key];
      const b = base ? base[def.key] : null;
      diff[def.key] = v === null || b === null ? { abs: null, rel: null } : { abs: v - b, rel: b !== 0 ? (v - b) / Math.abs(b) : null };
      rank[def.key] = v === null || values[def.key].length < 2 ? null : rankInBand(v, values[def.key]);
    }
    return { sessionId: r.sessionId, title: r.title, startedAt: r.startedAt, endedAt: r.endedAt, kpis: k, diff, rank };
  });
  return {
    sessions,
    curves: {
      retention: selected.map((r) => r.series.retention),
      present: selected.map((r) => r.series.present),
      gmvCumulativeFen: selected.map((r) => r.series.gmvCumulativeFen),
    },
    history: { sessions: history.length, bands },
  };
}
