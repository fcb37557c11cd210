// Pure helpers of the comparison page: KPI values and differences as text, their tone, and where a
// session sits on the brand's percentile band bar.
import type { PercentileBands } from '../../../../server/modules/analytics/core/percentiles';

export type KpiUnit = 'count' | 'ms' | 'ratio' | 'fen' | 'score';
export type Better = 'up' | 'down';
export type Tone = 'good' | 'bad' | 'same' | 'none';

/** Green when the difference goes the good way for this KPI, red when the bad way. */
export function diffTone(abs: number | null, better: Better): Tone {
  if (abs === null || !Number.isFinite(abs)) return 'none';
  if (abs === 0) return 'same';
  return (abs > 0) === (better === 'up') ? 'good' : 'bad';
}

export function formatKpi(v: number | null, unit: KpiUnit, lang: string): string {
  if (v === null || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'count':
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v);
    case 'ratio':
      return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(v);
    case 'fen':
      return new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol', maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(v / 100);
    case 'score':
      return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v);
    case 'ms':
      return formatWatch(v);
  }
}

/** Watch time as "m:ss" or "h:mm:ss" (signed for differences). */
export function formatWatch(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${sign}${String(h)}:${String(m).padStart(2, '0')}:${s}` : `${sign}${String(m)}:${s}`;
}

/**
 * A difference from the baseline: "+12 (+8.5%)". Ratios differ in percentage points ("+1.2 pt"),
 * so the relative change is left out for them.
 */
export function formatDiff(abs: number | null, rel: number | null, unit: KpiUnit, lang: string, pointLabel: string): string {
  if (abs === null || !Number.isFinite(abs)) return '–';
  const sign = abs > 0 ? '+' : abs < 0 ? '−' : '±';
  const a = Math.abs(abs);
  let main: string;
  if (unit === 'ratio') main = `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(a * 100)} ${pointLabel}`;
  else if (unit === 'ms') main = formatWatch(a);
  else main = formatKpi(a, unit, lang);
  const relText = unit !== 'ratio' && rel !== null && Number.isFinite(rel) && abs !== 0 ? ` (${rel > 0 ? '+' : '−'}${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(Math.abs(rel) * 100)}%)` : '';
  return `${sign}${main}${relText}`;
}

export interface BandPlacement {
  /** Positions along the bar, 0..100 (percent of its width). */
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  marker: number | null;
  /** The session lies beyond the scale's p10..p90 range (shown at the edge). */
  outside: 'below' | 'above' | null;
}

function bandValue(b: PercentileBands, p: number): number | null {
  const hit = b.bands.find((x) => x.p === p);
  return hit ? hit.value : null;
}

/**
 * Where the p10-p90 and p25-p75 bands, the median and the session's value sit on a bar drawn over
 * the brand's range (min..max of its past sessions, widened to include the value). Returns null
 * without bands. A flat history (all equal) puts everything in the middle.
 */
export function placeOnBand(value: number | null, b: PercentileBands | null): BandPlacement | null {
  if (!b || b.n < 2 || b.bands.length === 0) return null;
  const p10 = bandValue(b, 10);
  const p25 = bandValue(b, 25);
  const p50 = bandValue(b, 50);
  const p75 = bandValue(b, 75);
  const p90 = bandValue(b, 90);
  if (p10 === null || p25 === null || p50 === null || p75 === null || p90 === null) return null;
  const has = value !== null && Number.isFinite(value);
  let lo = Math.min(b.min, p10);
  let hi = Math.max(b.max, p90);
  if (has) {
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
  }
  const span = hi - lo;
  const pos = (v: number) => (span > 0 ? Math.min(100, Math.max(0, ((v - lo) / span) * 100)) : 50);
  return {
    p10: pos(p10),
    p25: pos(p25),
    p50: pos(p50),
    p75: pos(p75),
    p90: pos(p90),
    marker: has ? pos(value) : null,
    outside: has ? (value < p10 ? 'below' : value > p90 ? 'above' : null) : null,
  };
}

/** "62nd" style ordinal is language-specific: the UI shows ranks as "P62" in both languages. */
export function rankLabel(rank: number | null): string {
  return rank === null ? '–' : `P${String(Math.round(rank))}`;
}

// --- the ids in the URL -------------------------------------------------------------------------
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 6;

export function parseIds(raw: string | null): string[] {
  if (!raw) return [];
  return [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => /^[A-Za-z0-9_-]{1,64}$/.test(s)))].slice(0, COMPARE_MAX);
}

/** Adds (at the end) or removes an id, keeping at most COMPARE_MAX. */
export function toggleId(ids: readonly string[], id: string): string[] {
  if (ids.includes(id)) return ids.filter((x) => x !== id);
  return ids.length >= COMPARE_MAX ? [...ids] : [...ids, id];
}

/** One colour per compared session, in order (chips, column heads, curves). */
const PALETTE = ['#ff4d2e', '#1d4ed8', '#12805c', '#a15c00', '#6d28d9', '#db2777'];

export function sessionColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
