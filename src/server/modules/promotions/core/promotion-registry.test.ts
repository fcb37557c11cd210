import { describe, expect, it } from 'vitest';
import { actions, conditions, validatePromotions } from './promotion-registry.js';

const window = { from: '2026-11-26T00:00:00Z', to: '2026-11-27T00:00:00Z' };

describe('promotion registry', () => {
  it('validates definitions through the zod args schemas and fills defaults', () => {
    const r = validatePromotions({ order: [{ id: 'mj', kind: 'threshold', mode: 'tiers', window, tiers: [{ thresholdFen: 10000, offFen: 1000 }] }] });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.order[0]).toMatchObject({ exclusive: false, priority: 0, scope: {} });
  });
  it('names the bad field', () => {
    const r = validatePromotions({ order: [{ id: 'c', kind: 'coupon', issuer: 'store', window, discount: { type: 'percent', percentOff: 150 } }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.path).toBe('order.0.discount.percentOff');
  });
  it('rejects inverted windows and duplicate ids', () => {
    expect(validatePromotions({ item: [{ id: 'a', kind: 'time-limited-price', priceFen: 1, window: { from: 10, to: 5 } }] }).ok).toBe(false);
    const dup = { id: 'a', kind: 'time-limited-price', priceFen: 1, window };
    expect(validatePromotions({ item: [dup, dup] }).ok).toBe(false);
  });
  it('runs registered conditions and actions', () => {
    expect(conditions.minimumSpend.check({ thresholdFen: 100 }, { eligibleFen: 100, nowMs: 0, isFan: false })).toBe(true);
    expect(conditions.fansOnly.check({ fansOnly: true }, { eligibleFen: 0, nowMs: 0, isFan: false })).toBe(false);
    expect(actions.repeatingAmountOff.execute({ thresholdFen: 10000, offFen: 1000, capFen: 2500 }, { eligibleFen: 39999 })).toBe(2500);
    expect(actions.percentOff.execute({ percentOff: 15 }, { eligibleFen: 10 })).toBe(2);
    expect(conditions.inWindow.args.safeParse({ from: 'yesterday', to: 1 }).success).toBe(false);
  });
});
