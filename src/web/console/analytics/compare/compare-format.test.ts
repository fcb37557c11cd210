import { describe, expect, it } from 'vitest';
import { diffTone, formatDiff, formatKpi, parseIds, placeOnBand, toggleId } from './compare-format';

const bands = (vals: [number, number, number, number, number], min = vals[0], max = vals[4]) => ({
  n: 10,
  min,
  max,
  mean: vals[2],
  bands: [10, 25, 50, 75, 90].map((p, i) => ({ p, value: vals[i]! })),
});

describe('placeOnBand', () => {
  it('places the bands and the marker over the range', () => {
    const b = placeOnBand(50, bands([10, 30, 50, 70, 90], 0, 100))!;
    expect(b).toMatchObject({ p10: 10, p25: 30, p50: 50, p75: 70, p90: 90, marker: 50, outside: null });
  });
  it('widens the scale to a value beyond the history and flags it', () => {
    const b = placeOnBand(200, bands([10, 30, 50, 70, 90], 0, 100))!;
    expect(b.marker).toBe(100);
    expect(b.p90).toBeCloseTo(45);
    expect(b.outside).toBe('above');
    expect(placeOnBand(5, bands([10, 30, 50, 70, 90], 0, 100))!.outside).toBe('below');
  });
  it('has no marker without a value, no bar without history, the middle for a flat history', () => {
    expect(placeOnBand(null, bands([1, 2, 3, 4, 5]))!.marker).toBeNull();
    expect(placeOnBand(3, null)).toBeNull();
    expect(placeOnBand(3, { n: 1, min: 3, max: 3, mean: 3, bands: [] })).toBeNull();
    expect(placeOnBand(3, bands([3, 3, 3, 3, 3]))).toMatchObject({ p10: 50, p90: 50, marker: 50 });
  });
});

describe('differences', () => {
  it('colours by the KPI direction', () => {
    expect(diffTone(5, 'up')).toBe('good');
    expect(diffTone(-5, 'up')).toBe('bad');
    expect(diffTone(0.02, 'down')).toBe('bad');
    expect(diffTone(-0.02, 'down')).toBe('good');
    expect(diffTone(0, 'up')).toBe('same');
    expect(diffTone(null, 'up')).toBe('none');
  });
  it('formats counts with their relative change, ratios in points, watch time as a clock', () => {
    expect(formatDiff(12, 0.085, 'count', 'en', 'pt')).toBe('+12 (+8.5%)');
    expect(formatDiff(-0.012, -0.1, 'ratio', 'en', 'pt')).toBe('−1.2 pt');
    expect(formatDiff(-65_000, null, 'ms', 'en', 'pt')).toBe('−1:05');
    expect(formatDiff(0, 0, 'count', 'en', 'pt')).toBe('±0');
    expect(formatDiff(null, null, 'count', 'en', 'pt')).toBe('–');
    expect(formatKpi(123456, 'fen', 'en')).toBe('¥1,234.56');
    expect(formatKpi(0.1234, 'ratio', 'en')).toBe('12.3%');
    expect(formatKpi(3_725_000, 'ms', 'en')).toBe('1:02:05');
  });
});

describe('ids', () => {
  it('parses, de-duplicates and caps the ids of the URL', () => {
    expect(parseIds('a,b,,a, c ,bad id')).toEqual(['a', 'b', 'c']);
    expect(parseIds('1,2,3,4,5,6,7')).toHaveLength(6);
    expect(parseIds(null)).toEqual([]);
  });
  it('toggles an id, never beyond six', () => {
    expect(toggleId(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggleId(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggleId(['1', '2', '3', '4', '5', '6'], '7')).toHaveLength(6);
  });
});
