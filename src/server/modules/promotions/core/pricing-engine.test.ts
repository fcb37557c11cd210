import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REASON_CODES, RULE_CODES, evaluateCombination, kindKeyOf, matchesScope, price, redeemPoints, type CartLine, type OrderCandidate, type PricingInput, type PricingResult } from './pricing-engine.js';
import { promotionDefinitionsSchema, type OrderPromotion, type OrderPromotionInput } from './promotion-registry.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const window = { from: '2026-11-26T00:00:00Z', to: '2026-11-27T00:00:00Z' };
const line = (lineId: string, unitPriceFen: number, quantity = 1, extra: Partial<CartLine> = {}): CartLine => ({
  lineId,
  skuId: `sku-${lineId}`,
  productId: `p-${lineId}`,
  unitPriceFen,
  quantity,
  ...extra,
});
const defs = (raw: unknown) => promotionDefinitionsSchema.parse(raw);
const run = (lines: CartLine[], raw: unknown, extra: Partial<PricingInput> = {}): PricingResult =>
  price({ lines, buyer: { id: 'b1' }, promotions: defs(raw), nowMs: NOW, ...extra });

const tiers100_200 = { id: 'mj', kind: 'threshold', mode: 'tiers', window, tiers: [{ thresholdFen: 10000, offFen: 1000 }, { thresholdFen: 20000, offFen: 3000 }] };

function checkInvariants(r: PricingResult): void {
  for (const l of r.lines) {
    expect(l.paidFen).toBeGreaterThanOrEqual(0);
    expect(l.paidFen).toBe(l.activityFen - l.allocations.reduce((s, a) => s + a.fen, 0));
  }
  expect(r.totalFen).toBeGreaterThanOrEqual(0);
  expect(r.lines.reduce((s, l) => s + l.paidFen, 0)).toBe(r.totalFen);
  for (const adj of r.adjustments.filter((a) => a.kind !== 'item')) {
    const allocated = r.lines.reduce((s, l) => s + l.allocations.filter((a) => a.source === adj.source).reduce((t, a) => t + a.fen, 0), 0);
    expect(allocated).toBe(adj.fen);
  }
}

describe('price: hand-computed cases from PRICING.md', () => {
  it('judges 满100减10 / 满200减30 and a coupon in parallel, allocating remainders to the largest line', () => {
    const r = run([line('A', 15000), line('B', 6000)], {
      order: [tiers100_200, { id: 'c200', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 2000 }, thresholdFen: 20000 }],
    });
    // 210.00 meets 满200减30; the coupon's ¥200 threshold is judged on 210.00 too, not on 180.00.
    expect(r.totalFen).toBe(21000 - 3000 - 2000);
    // 3000 * 15000/21000 = 2142.86 -> 2142 (+1 remainder), 3000 * 6000/21000 = 857.14 -> 857.
    expect(r.lines[0]?.allocations).toEqual([{ source: 'mj', fen: 2143 }, { source: 'c200', fen: 1429 }]);
    expect(r.lines[1]?.allocations).toEqual([{ source: 'mj', fen: 857 }, { source: 'c200', fen: 571 }]);
    expect(r.lines.map((l) => l.paidFen)).toEqual([11428, 4572]);
    checkInvariants(r);
  });

  it('every ¥100 off ¥10, capped at ¥30', () => {
    const promo = { id: 'every', kind: 'threshold', mode: 'repeating', window, tiers: [{ thresholdFen: 10000, offFen: 1000 }], capFen: 3000 };
    expect(run([line('A', 25000)], { order: [promo] }).totalFen).toBe(23000);
    expect(run([line('A', 45000)], { order: [promo] }).totalFen).toBe(42000);
    expect(run([line('A', 9999)], { order: [promo] }).rejected[0]?.reason).toMatch(/below/);
  });

  it('rounds a percent coupon half up to the fen, then caps it', () => {
    const c = (max?: number) => ({ id: 'pc', kind: 'coupon', issuer: 'platform', window, discount: { type: 'percent', percentOff: 5, maxOffFen: max } });
    expect(run([line('A', 1050)], { order: [c()] }).totalFen).toBe(1050 - 53); // 52.5 -> 53
    expect(run([line('A', 1049)], { order: [c()] }).totalFen).toBe(1049 - 52); // 52.45 -> 52
    expect(run([line('A', 100000)], { order: [c(2000)] }).totalFen).toBe(98000);
  });

  it('redeems points last, within the cap and in whole steps', () => {
    const r = run([line('A', 3000)], {}, { buyer: { id: 'b', points: 10000 }, points: { pointsPerYuan: 100, capFen: 500 } });
    expect(r.totalFen).toBe(2500);
    expect(r.pointsUsed).toBe(500);
    checkInvariants(r);
    expect(redeemPoints(10, { pointsPerYuan: 3, capFen: 100000 }, 100000)).toEqual({ fen: 300, points: 9 });
    expect(redeemPoints(1000, { pointsPerYuan: 100, capFen: 100000 }, 250)).toEqual({ fen: 250, points: 250 });
  });

  it('never goes below zero: a discount larger than the amount is used only up to it', () => {
    const r = run([line('A', 500)], { order: [{ id: 'big', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 1000 } }] }, {
      buyer: { id: 'b', points: 1000 },
      points: { pointsPerYuan: 100, capFen: 1000 },
    });
    expect(r.totalFen).toBe(0);
    expect(r.pointsUsed).toBe(0);
    expect(r.adjustments[0]?.reason).toMatch(/cannot go below zero/);
    checkInvariants(r);
  });

  it('prices flash-sale units beyond the per-buyer limit at the regular price and says so', () => {
    const r = run(
      [line('A', 10000, 3)],
      { item: [{ id: 'flash', kind: 'flash-sale', window, priceFen: 5000, perBuyerLimit: 2, scope: { skuIds: ['sku-A'] } }] },
      { buyer: { id: 'b', purchasedQty: { 'sku-A': 1 } } },
    );
    expect(r.lines[0]?.activityFen).toBe(5000 + 2 * 10000);
    expect(r.lines[0]?.notes.join(' ')).toMatch(/other 2 at the regular price/);
    // The line says which item promotion priced it and how many units got that price.
    expect(r.lines[0]?.itemSource).toBe('flash');
    expect(r.lines[0]?.promotedUnits).toBe(1);
  });

  it('takes the lowest valid item-level price and ignores expired ones', () => {
    const r = run([line('A', 10000)], {
      item: [
        { id: 'tl', kind: 'time-limited-price', window, priceFen: 8000 },
        { id: 'disc', kind: 'item-discount', window, percentOff: 25 },
        { id: 'old', kind: 'time-limited-price', window: { from: 0, to: 1000 }, priceFen: 1 },
      ],
    });
    expect(r.lines[0]?.activityFen).toBe(7500);
    expect(r.rejected.map((x) => x.source).sort()).toEqual(['old', 'tl']);
  });

  it('lets an exclusive promotion lose to a cheaper stacked pair and explains why', () => {
    const r = run([line('A', 20000)], {
      order: [
        tiers100_200,
        { id: 'c15', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 1500 } },
        { id: 'solo', kind: 'coupon', issuer: 'platform', window, exclusive: true, discount: { type: 'fixed', offFen: 4000 } },
      ],
    });
    expect(r.totalFen).toBe(20000 - 4500);
    expect(r.rejected.find((x) => x.source === 'solo')?.reason).toMatch(/exclusive/);
  });

  it('respects per-coupon stackable flags', () => {
    const r = run([line('A', 20000)], {
      order: [tiers100_200, { id: 'lone', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 2000 }, stackable: { withThreshold: false, withOtherCoupons: true } }],
    });
    expect(r.totalFen).toBe(17000);
    expect(r.rejected.find((x) => x.source === 'lone')?.reason).toMatch(/does not stack/);
  });

  it('adds a gift as a zero-price item, or explains that it is out of stock', () => {
    const gift = (stock: number) => ({ gifts: [{ id: 'g', kind: 'gift', window, giftSkuId: 'mug', giftStock: stock, thresholdFen: 10000 }] });
    expect(run([line('A', 12000)], gift(5)).gifts).toEqual([{ source: 'g', skuId: 'mug', quantity: 1, fen: 0 }]);
    const none = run([line('A', 12000)], gift(0));
    expect(none.gifts).toEqual([]);
    expect(none.totalFen).toBe(12000);
    expect(none.rejected[0]?.reason).toMatch(/out of stock/);
  });

  it('tells the buyer how much more to spend for the next tier', () => {
    expect(run([line('A', 15000)], { order: [tiers100_200] }).nextTier).toEqual({ spendMoreFen: 5000, getOffFen: 3000, source: 'mj' });
  });

  it('only applies scoped offers to the chosen products or tags', () => {
    const r = run([line('A', 10000, 1, { tags: ['beauty'] }), line('B', 10000)], {
      order: [{ ...tiers100_200, scope: { tags: ['beauty'] } }],
    });
    expect(r.totalFen).toBe(19000);
    expect(r.lines[1]?.allocations).toEqual([]);
  });
});

// ---------- property tests against a brute-force search ----------

const scopeArb = fc.constantFrom<{ productIds?: string[] }>({}, { productIds: ['p-0'] }, { productIds: ['p-1', 'p-2'] }, { productIds: ['p-3'] });
const offArb = fc.integer({ min: 0, max: 30000 });
const thresholdArb = fc.integer({ min: 1, max: 40000 });

function orderPromoArb(allScope: boolean): fc.Arbitrary<OrderPromotionInput> {
  const common = fc.record({ exclusive: fc.boolean(), priority: fc.integer({ min: 0, max: 2 }), scope: allScope ? fc.constant({}) : scopeArb });
  const threshold = fc.record({
    common,
    mode: fc.constantFrom('tiers' as const, 'repeating' as const),
    tiers: fc.array(fc.record({ thresholdFen: thresholdArb, offFen: offArb }), { minLength: 1, maxLength: 3 }),
    capFen: fc.option(offArb, { nil: undefined }),
  });
  const coupon = fc.record({
    common,
    issuer: fc.constantFrom('store' as const, 'platform' as const),
    discount: fc.oneof(
      fc.record({ type: fc.constant('fixed' as const), offFen: offArb }),
      fc.record({ type: fc.constant('percent' as const), percentOff: fc.integer({ min: 1, max: 100 }), maxOffFen: fc.option(offArb, { nil: undefined }) }),
    ),
    thresholdFen: fc.integer({ min: 0, max: 40000 }),
    stackable: fc.record({ withThreshold: fc.boolean(), withOtherCoupons: fc.boolean() }),
  });
  return fc.oneof(
    threshold.map(({ common: c, ...t }): OrderPromotionInput => ({ id: 'x', kind: 'threshold', window, ...c, ...t })),
    coupon.map(({ common: c, ...t }): OrderPromotionInput => ({ id: 'x', kind: 'coupon', window, ...c, ...t })),
  );
}

const cartArb = fc.array(fc.record({ unit: fc.integer({ min: 0, max: 20000 }), qty: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 4 }).map((ls) =>
  ls.map((l, i) => line(String(i), l.unit, l.qty, { productId: `p-${i}` })),
);
const promosArb = (allScope: boolean) => fc.array(orderPromoArb(allScope), { minLength: 0, maxLength: 4 }).map((ps) => ps.map((p, i) => ({ ...p, id: `o${i}` })));

/** Independent statement of the discount each offer is worth on an eligible amount (0 = not met). */
function naiveOff(p: OrderPromotion, eligible: number): number {
  let off = 0;
  if (p.kind === 'threshold') {
    if (p.mode === 'tiers') for (const t of p.tiers) if (eligible >= t.thresholdFen) off = Math.max(off, t.offFen);
    if (p.mode === 'repeating') {
      const t = p.tiers[0];
      if (t) off = Math.floor(eligible / t.thresholdFen) * t.offFen;
    }
    if (p.capFen !== undefined) off = Math.min(off, p.capFen);
  } else if (eligible >= p.thresholdFen) {
    off = p.discount.type === 'fixed' ? p.discount.offFen : Math.round((eligible * p.discount.percentOff) / 100 + 1e-9);
    if (p.discount.type === 'percent' && p.discount.maxOffFen !== undefined) off = Math.min(off, p.discount.maxOffFen);
  }
  return Math.min(off, eligible);
}

function naiveLegal(combo: OrderPromotion[]): boolean {
  const kinds = combo.map(kindKeyOf);
  if (new Set(kinds).size !== kinds.length) return false;
  if (combo.length > 1 && combo.some((p) => p.exclusive)) return false;
  return combo.every(
    (p) =>
      p.kind !== 'coupon' ||
      ((p.stackable.withThreshold || !combo.some((o) => o.kind === 'threshold')) && (p.stackable.withOtherCoupons || !combo.some((o) => o !== p && o.kind === 'coupon'))),
  );
}

function subsets<T>(xs: T[]): T[][] {
  return xs.reduce<T[][]>((acc, x) => [...acc, ...acc.map((s) => [...s, x])], [[]]);
}

describe('price: properties', () => {
  it('equals a brute-force search when every offer covers the whole cart (fully independent oracle)', () => {
    fc.assert(
      fc.property(cartArb, promosArb(true), (lines, raw) => {
        const order = defs({ order: raw }).order;
        const r = price({ lines, buyer: { id: 'b' }, promotions: defs({ order: raw }), nowMs: NOW });
        const base = lines.reduce((s, l) => s + l.unitPriceFen * l.quantity, 0);
        let best = base;
        for (const combo of subsets(order)) {
          if (!naiveLegal(combo) || combo.some((p) => naiveOff(p, base) === 0)) continue;
          best = Math.min(best, Math.max(0, base - combo.reduce((s, p) => s + naiveOff(p, base), 0)));
        }
        expect(r.totalFen).toBe(best);
        checkInvariants(r);
      }),
      { numRuns: 300 },
    );
  });

  it('equals a brute-force search over all subsets with scoped offers, and keeps every invariant', () => {
    fc.assert(
      fc.property(cartArb, promosArb(false), fc.integer({ min: 0, max: 5000 }), (lines, raw, points) => {
        const promotions = defs({ order: raw });
        const r = price({ lines, buyer: { id: 'b' }, promotions, nowMs: NOW });
        const activity = lines.map((l) => l.unitPriceFen * l.quantity);
        const cands: OrderCandidate[] = promotions.order.map((p) => {
          const lineIdx = lines.flatMap((l, i) => (matchesScope(p.scope, l) ? [i] : []));
          const eligibleFen = lineIdx.reduce((s, i) => s + (activity[i] ?? 0), 0);
          return { promo: p, kindKey: kindKeyOf(p), lineIdx, eligibleFen, offFen: naiveOff(p, eligibleFen), reason: '' };
        });
        let best = activity.reduce((s, x) => s + x, 0);
        for (const combo of subsets(cands)) {
          if (!naiveLegal(combo.map((c) => c.promo)) || combo.some((c) => c.offFen === 0)) continue;
          best = Math.min(best, evaluateCombination(activity, combo).totalFen);
        }
        expect(r.totalFen).toBe(best);
        checkInvariants(r);
        const withPoints = price({ lines, buyer: { id: 'b', points }, promotions, nowMs: NOW, points: { pointsPerYuan: 10, capFen: 3000 } });
        checkInvariants(withPoints);
        // 10 points = ¥1, so one point is 10 fen and redemption goes in 10-fen steps.
        expect(withPoints.totalFen).toBe(r.totalFen - Math.min(3000, r.totalFen - (r.totalFen % 10), points * 10));
        expect(withPoints.pointsUsed * 10).toBe(r.totalFen - withPoints.totalFen);
      }),
      { numRuns: 300 },
    );
  });
});

describe('price: item-level properties', () => {
  const itemArb = fc.oneof(
    fc.record({ kind: fc.constant('time-limited-price' as const), priceFen: fc.integer({ min: 0, max: 25000 }) }),
    fc.record({ kind: fc.constant('item-discount' as const), percentOff: fc.integer({ min: 1, max: 100 }), maxOffFenPerUnit: fc.option(offArb, { nil: undefined }) }),
    fc.record({
      kind: fc.constant('flash-sale' as const),
      priceFen: fc.integer({ min: 0, max: 25000 }),
      perBuyerLimit: fc.integer({ min: 1, max: 3 }),
      stockLeft: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    }),
  );
  it('picks the lowest item price, never above regular, and keeps every invariant with order offers and points', () => {
    fc.assert(
      fc.property(
        cartArb,
        fc.array(fc.tuple(itemArb, scopeArb), { maxLength: 3 }),
        promosArb(false),
        fc.integer({ min: 0, max: 2 }),
        (lines, items, order, bought) => {
          const promotions = defs({ item: items.map(([p, scope], i) => ({ ...p, id: `i${i}`, scope, window })), order });
          const buyer = { id: 'b', points: 20000, purchasedQty: { 'sku-0': bought } };
          const r = price({ lines, buyer, promotions, nowMs: NOW, points: { pointsPerYuan: 100, capFen: 2000 } });
          checkInvariants(r);
          checkCodes(r);
          r.lines.forEach((l) => {
            expect(l.activityFen).toBeLessThanOrEqual(l.regularFen);
            expect(l.activityFen).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------- the machine form of every reason ----------

/** Every reason carries a known code whose parameters are all there (money in whole fen); returns the codes seen. */
function checkCodes(r: PricingResult): Set<string> {
  const seen = new Set<string>();
  const check = (code: string | undefined, params: Record<string, string | number> | undefined, what: string): void => {
    expect(code, what).toBeDefined();
    expect(Object.keys(REASON_CODES), what).toContain(code);
    const required: readonly string[] = REASON_CODES[code as keyof typeof REASON_CODES];
    for (const k of required) expect(params?.[k], `${what}: ${String(code)}.${k}`).toBeDefined();
    for (const [k, v] of Object.entries(params ?? {})) {
      expect(v, `${what}: ${String(code)}.${k}`).toBeDefined();
      if (k.endsWith('Fen')) expect(Number.isInteger(v), `${what}: ${String(code)}.${k} in fen`).toBe(true);
    }
    if (code === 'not-combined') expect(RULE_CODES).toContain(params?.rule);
    seen.add(code ?? '');
  };
  r.adjustments.forEach((a) => { check(a.code, a.params, `adjustment ${a.reason}`); });
  r.rejected.forEach((x) => { check(x.code, x.params, `rejected ${x.reason}`); });
  for (const l of r.lines) {
    expect(l.noteCodes?.length).toBe(l.notes.length);
    l.noteCodes?.forEach((n, i) => { check(n.code, n.params, `note ${l.notes[i] ?? ''}`); });
  }
  return seen;
}

describe('price: reasons carry a code and its params', () => {
  it('on rich carts, every adjustment, rejection and note has a known code with all its params', () => {
    const seen = new Set<string>();
    const add = (r: PricingResult) => { checkCodes(r).forEach((c) => seen.add(c)); };
    const late = { from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' };
    add(
      run(
        [line('A', 15000, 3), line('B', 6000, 2, { tags: ['beauty'] }), line('C', 999)],
        {
          item: [
            { id: 'flash', kind: 'flash-sale', window, priceFen: 5000, perBuyerLimit: 2, scope: { skuIds: ['sku-A'] } },
            { id: 'tl', kind: 'time-limited-price', window, priceFen: 9000, scope: { skuIds: ['sku-A'] } },
            { id: 'disc', kind: 'item-discount', window, percentOff: 20, maxOffFenPerUnit: 1000, scope: { tags: ['beauty'] } },
            { id: 'old', kind: 'time-limited-price', window: late, priceFen: 1 },
          ],
          order: [
            tiers100_200,
            { id: 'every', kind: 'threshold', mode: 'repeating', window, tiers: [{ thresholdFen: 10000, offFen: 1000 }], capFen: 3000 },
            { id: 'every2', kind: 'threshold', mode: 'repeating', window, tiers: [{ thresholdFen: 10000, offFen: 500 }] },
            { id: 'c15', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 1500 } },
            { id: 'pc', kind: 'coupon', issuer: 'platform', window, discount: { type: 'percent', percentOff: 5, maxOffFen: 2000 } },
            { id: 'pc2', kind: 'coupon', issuer: 'platform', window, discount: { type: 'percent', percentOff: 3 } },
            { id: 'solo', kind: 'coupon', issuer: 'platform', window, exclusive: true, discount: { type: 'fixed', offFen: 4000 } },
            { id: 'lone', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 100 }, stackable: { withThreshold: false, withOtherCoupons: true } },
            { id: 'big', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 100 }, thresholdFen: 9_000_000 },
            { id: 'fans', kind: 'coupon', issuer: 'store', window, fansOnly: true, discount: { type: 'fixed', offFen: 100 } },
            { id: 'later', kind: 'coupon', issuer: 'store', window: late, discount: { type: 'fixed', offFen: 100 } },
            { id: 'none', kind: 'coupon', issuer: 'store', window, scope: { productIds: ['nope'] }, discount: { type: 'fixed', offFen: 100 } },
            { id: 'zero', kind: 'coupon', issuer: 'store', window, discount: { type: 'percent', percentOff: 1, maxOffFen: 0 } },
            { id: 'far', kind: 'threshold', mode: 'tiers', window, tiers: [{ thresholdFen: 9_000_000, offFen: 100 }] },
            { id: 'far2', kind: 'threshold', mode: 'repeating', window, tiers: [{ thresholdFen: 9_000_000, offFen: 100 }] },
          ],
          gifts: [
            { id: 'g', kind: 'gift', window, giftSkuId: 'mug', giftStock: 0, thresholdFen: 10000 },
            { id: 'g2', kind: 'gift', window, giftSkuId: 'mug', giftStock: 5, thresholdFen: 9_000_000 },
            { id: 'g3', kind: 'gift', window: late, giftSkuId: 'mug', giftStock: 5, thresholdFen: 1 },
          ],
        },
        { buyer: { id: 'b', points: 10000, purchasedQty: { 'sku-A': 1 } }, points: { pointsPerYuan: 100, capFen: 500 } },
      ),
    );
    add(
      run([line('A', 500, 1), line('B', 3000, 2)], {
        item: [
          { id: 'flash', kind: 'flash-sale', window, priceFen: 100, perBuyerLimit: 1, scope: { skuIds: ['sku-A'] } },
          { id: 'flash2', kind: 'flash-sale', window, priceFen: 1000, perBuyerLimit: 5, scope: { skuIds: ['sku-B'] } },
        ],
        order: [
          { id: 'huge', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 100000 } },
          { id: 'extra', kind: 'coupon', issuer: 'platform', window, discount: { type: 'fixed', offFen: 100 } },
        ],
      }, { buyer: { id: 'b', purchasedQty: { 'sku-A': 1 } } }),
    );
    add(
      run([line('A', 20000)], {
        order: [
          tiers100_200,
          { id: 'c1', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 1500 } },
          { id: 'c2', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 1000 } },
          { id: 'p1', kind: 'coupon', issuer: 'platform', window, discount: { type: 'fixed', offFen: 500 }, stackable: { withThreshold: true, withOtherCoupons: false } },
        ],
      }),
    );
    add(run([line('A', 25000)], { order: [{ id: 'every2', kind: 'threshold', mode: 'repeating', window, tiers: [{ thresholdFen: 10000, offFen: 500 }] }] }));
    add(run([line('A', 25000)], { order: [{ id: 'pc2', kind: 'coupon', issuer: 'platform', window, discount: { type: 'percent', percentOff: 3 } }] }));
    add(run([line('A', 10000, 3)], { item: [{ id: 'flash', kind: 'flash-sale', window, priceFen: 5000, perBuyerLimit: 1 }] }));
    // The engine's own codes (the promotions service adds 'flash.not-open' and 'order.not-started').
    const engineCodes = Object.keys(REASON_CODES).filter((c) => c !== 'flash.not-open' && c !== 'order.not-started');
    expect([...engineCodes].filter((c) => !seen.has(c))).toEqual([]);
  });
});
