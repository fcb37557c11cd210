/**
 * Live dashboard alerts (issue 7 item 3), shared by the server and the console (zod-free, pure):
 * the console computes them from the figures the server pushes each second, with the threshold
 * the operator set.
 */

export interface AlertSettings {
  /** Alert when concurrent viewers fall by more than this share within a minute (0..1). */
  dropShare: number;
  /** ...but not in a room this small (a drop from 4 to 2 viewers is not news). */
  minViewers: number;
  /** Alert when the server's errors in the last minute exceed this many and this multiple of the previous minutes' average. */
  errorsMin: number;
  errorsFactor: number;
}

export const defaultAlertSettings: AlertSettings = { dropShare: 0.2, minViewers: 20, errorsMin: 5, errorsFactor: 3 };

/** One concurrency sample: [ms since epoch, concurrent viewers]. */
export type ConcurrencySample = [number, number];

export type LiveAlert =
  | { code: 'concurrency_drop'; from: number; to: number; dropPct: number; seconds: number }
  | { code: 'errors_rising'; lastMinute: number; baselinePerMinute: number };

const WINDOW_MS = 60_000;

/**
 * `samples` in time order (about one a second); `errorsPerMinute` oldest first, the last entry
 * being the minute just past. The drop compares now with the highest count in the last minute.
 */
export function liveAlerts(samples: readonly ConcurrencySample[], errorsPerMinute: readonly number[], s: AlertSettings = defaultAlertSettings): LiveAlert[] {
  const out: LiveAlert[] = [];
  const last = samples[samples.length - 1];
  if (last) {
    const [now, current] = last;
    let peak = -1;
    let peakAt = now;
    for (let i = samples.length - 1; i >= 0; i--) {
      const [at, n] = samples[i]!;
      if (now - at > WINDOW_MS) break;
      if (n > peak) {
        peak = n;
        peakAt = at;
      }
    }
    if (peak >= s.minViewers && peak > 0 && (peak - current) / peak > s.dropShare) {
      out.push({ code: 'concurrency_drop', from: peak, to: current, dropPct: Math.round(((peak - current) / peak) * 100), seconds: Math.round((now - peakAt) / 1000) });
    }
  }
  if (errorsPerMinute.length > 0) {
    const lastMinute = errorsPerMinute[errorsPerMinute.length - 1]!;
    const before = errorsPerMinute.slice(0, -1);
    const baseline = before.length ? before.reduce((a, b) => a + b, 0) / before.length : 0;
    if (lastMinute >= s.errorsMin && lastMinute > s.errorsFactor * baseline) out.push({ code: 'errors_rising', lastMinute, baselinePerMinute: Math.round(baseline * 10) / 10 });
  }
  return out;
}
