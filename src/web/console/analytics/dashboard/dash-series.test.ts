import { describe, expect, it } from 'vitest';
import { liveAlerts } from '../../../../contracts/live-alerts';
import { alertSettings, chooseTraffic, clampDropPct, figuresOf, lastMinutes, minuteChange, readDropPct, sampleLine, storeDropPct, type DashMessage, type LiveFigures } from './dash-series';

function figures(over: Partial<LiveFigures> = {}): LiveFigures {
  return {
    sessionId: 's',
    traffic: 'real',
    at: 0,
    minute: 0,
    concurrent: 0,
    uv: 0,
    pv: 0,
    pcu: 0,
    series: { present: [], joins: [], exits: [], comments: [], likes: [], clicks: [], orders: [], paidFen: [] },
    totals: { comments: 0, likes: 0, shares: 0, clicks: 0, carts: 0, orders: 0, paidOrders: 0, gmvFen: 0, buyers: 0 },
    conversion: null,
    topProducts: [],
    excluded: { real: 0, bot: 0, simulated: 0 },
    ...over,
  } as LiveFigures;
}

function dash(real: LiveFigures, simulated: LiveFigures | null): DashMessage {
  return { t: 'dash', real, simulated, samples: { real: [[1, 1]], simulated: [[1, 9]] }, errorsPerMinute: [] };
}

describe('which figures the dashboard shows', () => {
  it('shows real figures, or simulated ones only when there is no real audience', () => {
    const sim = figures({ traffic: 'simulated', uv: 40, concurrent: 30 });
    expect(chooseTraffic(dash(figures(), null), null)).toBe('real');
    expect(chooseTraffic(dash(figures(), sim), null)).toBe('simulated');
    expect(chooseTraffic(dash(figures({ uv: 1, concurrent: 1 }), sim), null)).toBe('real');
    expect(chooseTraffic(dash(figures(), figures({ traffic: 'simulated' })), null)).toBe('real');
  });
  it('follows the toggle while simulated traffic exists', () => {
    const sim = figures({ traffic: 'simulated', uv: 40, concurrent: 30 });
    expect(chooseTraffic(dash(figures(), sim), 'real')).toBe('real');
    expect(chooseTraffic(dash(figures({ uv: 5 }), sim), 'simulated')).toBe('simulated');
    expect(chooseTraffic(dash(figures({ uv: 5 }), null), 'simulated')).toBe('real');
  });
  it('takes the samples of the traffic shown', () => {
    const d = dash(figures(), figures({ traffic: 'simulated', uv: 3 }));
    expect(figuresOf(d, 'simulated').samples).toEqual([[1, 9]]);
    expect(figuresOf(d, 'real').samples).toEqual([[1, 1]]);
  });
});

describe('chart series', () => {
  it('keeps the last minutes of each series, 1-based, the current minute last', () => {
    const joins = [5, 4, 3, 2, 1];
    const exits = [0, 1, 2];
    expect(lastMinutes([joins, exits], 3)).toEqual({ minutes: [3, 4, 5], values: [[3, 2, 1], [2, 0, 0]] });
    expect(lastMinutes([[7]], 15)).toEqual({ minutes: [1], values: [[7]] });
    expect(lastMinutes([[], []], 15)).toEqual({ minutes: [], values: [[], []] });
  });
  it('draws the last two minutes of samples and the change over the last minute', () => {
    const s: [number, number][] = [[0, 10], [30_000, 12], [100_000, 20], [150_000, 18], [160_000, 15]];
    expect(sampleLine(s)).toEqual([[100_000, 20], [150_000, 18], [160_000, 15]]);
    expect(minuteChange(s)).toBe(15 - 20);
    expect(minuteChange([[0, 3]])).toBeNull();
    expect(sampleLine([])).toEqual([]);
  });
});

describe('drop threshold', () => {
  it('is clamped, stored and turned into alert settings', () => {
    expect(clampDropPct(0)).toBe(1);
    expect(clampDropPct(250)).toBe(95);
    expect(clampDropPct(Number.NaN)).toBe(20);
    const m = new Map<string, string>();
    const st = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); } };
    expect(readDropPct(st)).toBe(20);
    storeDropPct(st, 35.4);
    expect(readDropPct(st)).toBe(35);
    expect(alertSettings(35).dropShare).toBeCloseTo(0.35);
  });
  it('raises a drop alert at the operator\'s threshold and not below it', () => {
    const samples: [number, number][] = [[0, 100], [30_000, 90], [60_000, 70]];
    expect(liveAlerts(samples, [], alertSettings(25))).toEqual([{ code: 'concurrency_drop', from: 100, to: 70, dropPct: 30, seconds: 60 }]);
    expect(liveAlerts(samples, [], alertSettings(35))).toEqual([]);
  });
});
