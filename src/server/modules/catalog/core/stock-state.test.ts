import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockState } from './stock-state.js';

describe('stockState', () => {
  it('names the three states', () => {
    expect(stockState(0, 20)).toEqual({ state: 'sold_out' });
    expect(stockState(12, 20)).toEqual({ state: 'low', left: 12 });
    expect(stockState(20, 20)).toEqual({ state: 'low', left: 20 });
    expect(stockState(21, 20)).toEqual({ state: 'in_stock' });
    expect(stockState(5, 0)).toEqual({ state: 'in_stock' });
  });

  it('never shows a count that is not the real stock, and only at or below the threshold', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1000 }), (stock, threshold) => {
        const s = stockState(stock, threshold);
        if (s.state === 'low') {
          expect(s.left).toBe(stock);
          expect(stock).toBeLessThanOrEqual(threshold);
          expect(stock).toBeGreaterThan(0);
        }
        if (s.state === 'sold_out') expect(stock).toBe(0);
        if (s.state === 'in_stock') expect(stock).toBeGreaterThan(threshold);
      }),
    );
  });
});
