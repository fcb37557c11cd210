import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cumulativeShare, refundForUnits, type PriorClaim } from './refund-split.js';

describe('refund split (七天无理由)', () => {
  it('splits a line by cumulative floors; the last unit takes the remainder', () => {
    const line = { paidFen: 1001, quantity: 3 };
    const a = refundForUnits(line, [], 1);
    expect(a).toEqual({ ok: true, refundFen: 333 });
    const b = refundForUnits(line, [{ units: 1, refundFen: 333 }], 1);
    expect(b).toEqual({ ok: true, refundFen: 334 });
    const c = refundForUnits(line, [{ units: 1, refundFen: 333 }, { units: 1, refundFen: 334 }], 1);
    expect(c).toEqual({ ok: true, refundFen: 334 });
    expect(refundForUnits(line, [], 3)).toEqual({ ok: true, refundFen: 1001 });
  });

  it('refuses more units than are left, and zero units', () => {
    expect(refundForUnits({ paidFen: 100, quantity: 2 }, [{ units: 2, refundFen: 100 }], 1).ok).toBe(false);
    expect(refundForUnits({ paidFen: 100, quantity: 2 }, [], 0).ok).toBe(false);
    expect(refundForUnits({ paidFen: 100, quantity: 2 }, [], 3).ok).toBe(false);
  });

  it('a gift line (0 fen) refunds nothing', () => {
    expect(refundForUnits({ paidFen: 0, quantity: 1 }, [], 1)).toEqual({ ok: true, refundFen: 0 });
  });

  it('cumulativeShare is exact for big amounts', () => {
    expect(cumulativeShare(2 ** 52, 3, 1)).toBe(Math.floor(2 ** 52 / 3));
  });

  it('any sequence of partial returns refunds exactly paidFen in total, never more at any step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 40 }), (paidFen, quantity, steps) => {
        const prior: PriorClaim[] = [];
        let units = 0;
        for (const s of steps) {
          const take = Math.min(s, quantity - units);
          if (take === 0) break;
          const r = refundForUnits({ paidFen, quantity }, prior, take);
          if (!r.ok) throw new Error(r.reason);
          prior.push({ units: take, refundFen: r.refundFen });
          units += take;
          const sum = prior.reduce((x, p) => x + p.refundFen, 0);
          expect(sum).toBeLessThanOrEqual(paidFen);
          expect(r.refundFen).toBeGreaterThanOrEqual(0);
        }
        if (units < quantity) {
          const r = refundForUnits({ paidFen, quantity }, prior, quantity - units);
          if (!r.ok) throw new Error(r.reason);
          prior.push({ units: quantity - units, refundFen: r.refundFen });
        }
        expect(prior.reduce((x, p) => x + p.refundFen, 0)).toBe(paidFen);
      }),
      { numRuns: 300 },
    );
  });

  it('with some requests rejected (left out of prior), the total still never exceeds paidFen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 2, max: 12 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()), { maxLength: 20 }), (paidFen, quantity, steps) => {
        const kept: PriorClaim[] = [];
        for (const [n, rejected] of steps) {
          const r = refundForUnits({ paidFen, quantity }, kept, n);
          if (!r.ok) continue;
          if (!rejected) kept.push({ units: n, refundFen: r.refundFen });
        }
        expect(kept.reduce((x, p) => x + p.refundFen, 0)).toBeLessThanOrEqual(paidFen);
        if (kept.reduce((x, p) => x + p.units, 0) === quantity) expect(kept.reduce((x, p) => x + p.refundFen, 0)).toBe(paidFen);
      }),
      { numRuns: 300 },
    );
  });
});
