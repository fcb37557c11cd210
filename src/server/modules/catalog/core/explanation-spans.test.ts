import { describe, expect, it } from 'vitest';
import { explanationTotals, spanSeconds } from './explanation-spans.js';

describe('explanation spans', () => {
  const now = Date.parse('2026-11-26T10:00:00.000Z');
  it('measures closed spans by their end and open ones until now', () => {
    expect(spanSeconds({ id: 'a', productId: 'p', startedAt: '2026-11-26T09:00:00.000Z', endedAt: '2026-11-26T09:01:30.900Z' }, now)).toBe(90);
    expect(spanSeconds({ id: 'b', productId: 'p', startedAt: '2026-11-26T09:59:00.000Z', endedAt: null }, now)).toBe(60);
  });
  it('sums per product, longest first', () => {
    const totals = explanationTotals(
      [
        { id: '1', productId: 'tea', startedAt: '2026-11-26T09:00:00.000Z', endedAt: '2026-11-26T09:02:00.000Z' },
        { id: '2', productId: 'cup', startedAt: '2026-11-26T09:02:00.000Z', endedAt: '2026-11-26T09:07:00.000Z' },
        { id: '3', productId: 'tea', startedAt: '2026-11-26T09:58:00.000Z', endedAt: null },
      ],
      now,
    );
    expect(totals).toEqual([
      { productId: 'cup', times: 1, seconds: 300 },
      { productId: 'tea', times: 2, seconds: 240 },
    ]);
  });
});
