import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { liveAlerts, type ConcurrencySample } from './live-alerts.js';

const s = { dropShare: 0.2, minViewers: 20, errorsMin: 5, errorsFactor: 3 };
const series = (counts: number[], start = 0): ConcurrencySample[] => counts.map((n, i) => [start + i * 1000, n]);

describe('liveAlerts', () => {
  it('alerts when concurrency falls by more than the share within a minute', () => {
    // Peak 100 at t=10 s, 70 now (t=40 s): a 30% drop over 30 s.
    const counts = Array.from({ length: 41 }, (_, i) => (i <= 10 ? 90 + i : 100 - i + 10));
    expect(counts[10]).toBe(100);
    expect(counts[40]).toBe(70);
    expect(liveAlerts(series(counts), [], s)).toEqual([{ code: 'concurrency_drop', from: 100, to: 70, dropPct: 30, seconds: 30 }]);
  });
  it('ignores a drop spread over more than a minute, a drop at the threshold, and small rooms', () => {
    // 100 -> 70 over 150 s: within the last minute the peak is 82 -> 70, 14.6%.
    const slow = Array.from({ length: 151 }, (_, i) => Math.round(100 - (30 * i) / 150));
    expect(liveAlerts(series(slow), [], s)).toEqual([]);
    expect(liveAlerts(series([100, 80]), [], s)).toEqual([]); // exactly 20% is not more than 20%
    expect(liveAlerts(series([10, 2]), [], s)).toEqual([]); // below minViewers
  });
  it('alerts when errors in the last minute rise above both the floor and the multiple of the baseline', () => {
    expect(liveAlerts([], [1, 2, 0, 1, 12], s)).toEqual([{ code: 'errors_rising', lastMinute: 12, baselinePerMinute: 1 }]);
    expect(liveAlerts([], [1, 2, 0, 1, 4], s)).toEqual([]); // under the floor
    expect(liveAlerts([], [6, 6, 6, 6, 12], s)).toEqual([]); // only 2x the baseline
  });
  it('never alerts on rising or steady concurrency', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(500), { minLength: 1, maxLength: 120 }), (xs) => {
        const rising = [...xs].sort((a, b) => a - b);
        expect(liveAlerts(series(rising), [], s).filter((a) => a.code === 'concurrency_drop')).toEqual([]);
      }),
    );
  });
});
