// Pure helpers of the live dashboard: which traffic to show, the chart series, the alert threshold.
import { defaultAlertSettings, type AlertSettings, type ConcurrencySample } from '../../../../contracts/live-alerts';
import type { DashMessage } from '../../../../server/modules/analytics/dashboard.publisher';
import type { LiveFigures } from '../../../../server/modules/analytics/core/session-rollup';

export type { DashMessage, LiveFigures };
export type DashTraffic = 'real' | 'simulated';

/** No real viewer has been seen (nothing to show but zeros). */
export function isEmptyFigures(f: LiveFigures): boolean {
  return f.uv === 0 && f.concurrent === 0 && f.pv === 0;
}

/**
 * Which figures the card shows: `choice` is the operator's toggle (null = automatic). Automatic
 * shows real figures, unless they are empty while simulated traffic has viewers.
 */
export function chooseTraffic(dash: Pick<DashMessage, 'real' | 'simulated'>, choice: DashTraffic | null): DashTraffic {
  const sim = dash.simulated;
  if (!sim) return 'real';
  if (choice) return choice;
  return isEmptyFigures(dash.real) && (sim.uv > 0 || sim.concurrent > 0) ? 'simulated' : 'real';
}

export function figuresOf(dash: DashMessage, traffic: DashTraffic): { figures: LiveFigures; samples: ConcurrencySample[] } {
  if (traffic === 'simulated' && dash.simulated) return { figures: dash.simulated, samples: dash.samples.simulated };
  return { figures: dash.real, samples: dash.samples.real };
}

export interface MinuteBars {
  /** Minute of the live (1-based, as people count) for each bar. */
  minutes: number[];
  values: number[][];
}

/**
 * The last `count` minutes of several per-minute series (same length), oldest first; the
 * current minute (still filling) is the last bar. Minutes are shown 1-based.
 */
export function lastMinutes(series: readonly (readonly number[])[], count: number): MinuteBars {
  const len = Math.max(0, ...series.map((s) => s.length));
  const from = Math.max(0, len - count);
  const minutes: number[] = [];
  for (let m = from; m < len; m++) minutes.push(m + 1);
  return { minutes, values: series.map((s) => minutes.map((m) => s[m - 1] ?? 0)) };
}

/** Samples as ECharts time points, oldest first, within `windowMs` of the newest. */
export function sampleLine(samples: readonly ConcurrencySample[], windowMs = 120_000): [number, number][] {
  const last = samples[samples.length - 1];
  if (!last) return [];
  return samples.filter(([at]) => last[0] - at <= windowMs).map(([at, n]) => [at, n]);
}

/** Change of concurrent viewers over the last minute of samples (null with less than two samples). */
export function minuteChange(samples: readonly ConcurrencySample[]): number | null {
  const last = samples[samples.length - 1];
  if (!last || samples.length < 2) return null;
  let ref = samples[0]!;
  for (const s of samples) {
    if (last[0] - s[0] <= 60_000) {
      ref = s;
      break;
    }
  }
  return last[1] - ref[1];
}

// --- the drop threshold the operator sets (percent, saved in this browser) -----------------------
export const DROP_PCT_KEY = 'onair.dash.dropPct';
export const DROP_PCT_MIN = 1;
export const DROP_PCT_MAX = 95;

export function clampDropPct(v: number): number {
  if (!Number.isFinite(v)) return Math.round(defaultAlertSettings.dropShare * 100);
  return Math.min(DROP_PCT_MAX, Math.max(DROP_PCT_MIN, Math.round(v)));
}

export function readDropPct(storage: Pick<Storage, 'getItem'> | null): number {
  try {
    const raw = storage?.getItem(DROP_PCT_KEY);
    if (raw) return clampDropPct(Number(raw));
  } catch {
    // Storage may be unavailable; the default applies.
  }
  return Math.round(defaultAlertSettings.dropShare * 100);
}

export function storeDropPct(storage: Pick<Storage, 'setItem'> | null, pct: number): void {
  try {
    storage?.setItem(DROP_PCT_KEY, String(clampDropPct(pct)));
  } catch {
    // Kept for this page only.
  }
}

export function alertSettings(dropPct: number): AlertSettings {
  return { ...defaultAlertSettings, dropShare: clampDropPct(dropPct) / 100 };
}
