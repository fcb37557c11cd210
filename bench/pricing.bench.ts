/**
 * Pricing core: one call of the pure engine `price()` on a 20-line cart with 10 candidate
 * promotions (item level, spend thresholds, a gift, an exclusive offer) and 5 coupons, plus a
 * points policy, against a naive pricer of the same cart in the same run.
 *
 * Naive baseline (per call): item level recomputed line by line (lowest valid price, same
 * rules), order-level candidates built with the registry's own conditions/actions, then EVERY
 * subset of the order-level candidates (2^k, no grouping by kind) is checked with the engine's
 * `legalCombination` and priced with the engine's `evaluateCombination`; the cheapest wins
 * (ties as the engine breaks them), then points. The engine walks at most one candidate per kind.
 *
 * Fixture: seeded PRNG (mulberry32), fixed clock. Rounds alternate engine/baseline; medians quoted.
 */
import {
  evaluateCombination,
  kindKeyOf,
  legalCombination,
  matchesScope,
  price,
  redeemPoints,
  type Buyer,
  type CartLine,
  type OrderCandidate,
  type PointsPolicy,
  type PricingInput,
} from '../src/server/modules/promotions/core/pricing-engine.js';
import { actions, inWindow, validatePromotions, type OrderPromotion, type PromotionDefinitions } from '../src/server/modules/promotions/core/promotion-registry.js';
import { mulberry32 } from '../src/server/platform/seeded-random.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const calls = Number(process.env.BENCH_CALLS ?? 5000);
const baselineCalls = Number(process.env.BENCH_BASELINE_CALLS ?? 1000);
const warmup = 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const round4 = (x: number) => Number(x.toFixed(4));

// ---------- fixture ----------


const NOW = Date.parse('2026-11-11T20:00:00+08:00');
const today = { from: '2026-11-11T00:00:00+08:00', to: '2026-11-12T00:00:00+08:00' };
const flashHour = { from: '2026-11-11T20:00:00+08:00', to: '2026-11-11T21:00:00+08:00' };
const expired = { from: '2026-11-01T00:00:00+08:00', to: '2026-11-10T00:00:00+08:00' };
const TAGS = ['apparel', 'beauty', 'food', 'kids', 'new', 'electronics'] as const;

function makeLines(): CartLine[] {
  const rnd = mulberry32(20261111);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: 20 }, (_, i) => {
    const tags = [pick(TAGS)];
    if (rnd() < 0.4) tags.push(pick(TAGS));
    return {
      lineId: `L${String(i + 1).padStart(2, '0')}`,
      skuId: `sku-${1000 + i}`,
      productId: `p-${100 + Math.floor(i / 2)}`,
      unitPriceFen: 990 + Math.floor(rnd() * 190) * 100 + pick([0, 90, 99]), // ¥9.90 .. ¥199.99
      quantity: 1 + Math.floor(rnd() * 3),
      tags: [...new Set(tags)],
    };
  });
}

const rawPromotions = {
  item: [
    { id: 'tl-new', kind: 'time-limited-price', window: today, scope: { tags: ['new'] }, priceFen: 4990, priority: 1 },
    { id: 'disc-apparel', kind: 'item-discount', window: today, scope: { tags: ['apparel'] }, percentOff: 20, maxOffFenPerUnit: 3000 },
    { id: 'flash-1003', kind: 'flash-sale', window: flashHour, scope: { skuIds: ['sku-1003', 'sku-1011'] }, priceFen: 990, perBuyerLimit: 2, stockLeft: 500 },
    { id: 'disc-kids', kind: 'item-discount', window: today, scope: { tags: ['kids'] }, percentOff: 15, priority: 2 },
    { id: 'tl-expired', kind: 'time-limited-price', window: expired, scope: { tags: ['food'] }, priceFen: 100 },
  ],
  order: [
    { id: 'mj-tiers', kind: 'threshold', mode: 'tiers', window: today, tiers: [{ thresholdFen: 30000, offFen: 3000 }, { thresholdFen: 60000, offFen: 7000 }, { thresholdFen: 100000, offFen: 15000 }] },
    { id: 'mj-beauty-every', kind: 'threshold', mode: 'repeating', window: today, scope: { tags: ['beauty'] }, tiers: [{ thresholdFen: 20000, offFen: 2500 }], capFen: 10000 },
    { id: 'mj-food', kind: 'threshold', mode: 'tiers', window: today, scope: { tags: ['food', 'kids'] }, tiers: [{ thresholdFen: 10000, offFen: 1500 }, { thresholdFen: 25000, offFen: 4500 }] },
    { id: 'mj-exclusive', kind: 'threshold', mode: 'tiers', window: today, exclusive: true, priority: 5, tiers: [{ thresholdFen: 150000, offFen: 20000 }] },
    { id: 'cp-store-fixed', kind: 'coupon', issuer: 'store', window: today, discount: { type: 'fixed', offFen: 5000 }, thresholdFen: 40000 },
    { id: 'cp-store-pct', kind: 'coupon', issuer: 'store', window: today, discount: { type: 'percent', percentOff: 8, maxOffFen: 8000 }, stackable: { withThreshold: true, withOtherCoupons: false } },
    { id: 'cp-store-fans', kind: 'coupon', issuer: 'store', window: today, fansOnly: true, scope: { tags: ['electronics', 'apparel'] }, discount: { type: 'fixed', offFen: 6000 }, thresholdFen: 30000 },
    { id: 'cp-platform-fixed', kind: 'coupon', issuer: 'platform', window: today, discount: { type: 'fixed', offFen: 4000 }, thresholdFen: 99900 },
    { id: 'cp-platform-pct', kind: 'coupon', issuer: 'platform', window: today, discount: { type: 'percent', percentOff: 12, maxOffFen: 20000 }, stackable: { withThreshold: false, withOtherCoupons: true } },
  ],
  gifts: [{ id: 'gift-tote', kind: 'gift', window: today, giftSkuId: 'sku-tote', thresholdFen: 50000, giftStock: 120 }],
};

// ---------- naive baseline ----------

function naiveItemPrice(p: PromotionDefinitions['item'][number], line: CartLine, buyer: Buyer): number | undefined {
  const regular = line.unitPriceFen * line.quantity;
  if (p.kind === 'time-limited-price') return Math.min(p.priceFen, line.unitPriceFen) * line.quantity;
  if (p.kind === 'item-discount') {
    const offEach = Math.floor((line.unitPriceFen * p.percentOff + 50) / 100);
    return regular - Math.min(offEach, p.maxOffFenPerUnit ?? offEach) * line.quantity;
  }
  let units = Math.min(line.quantity, Math.max(0, p.perBuyerLimit - (buyer.purchasedQty?.[line.skuId] ?? 0)));
  if (p.stockLeft !== undefined) units = Math.min(units, p.stockLeft);
  if (units === 0) return undefined;
  return Math.min(p.priceFen, line.unitPriceFen) * units + line.unitPriceFen * (line.quantity - units);
}

function naiveOff(p: OrderPromotion, eligibleFen: number): number {
  if (p.kind === 'threshold') {
    if (p.mode === 'tiers') {
      const off = actions.tieredAmountOff.execute({ tiers: p.tiers }, { eligibleFen });
      return p.capFen === undefined ? off : Math.min(off, p.capFen);
    }
    const t = p.tiers[0]!;
    return eligibleFen < t.thresholdFen ? 0 : actions.repeatingAmountOff.execute({ thresholdFen: t.thresholdFen, offFen: t.offFen, capFen: p.capFen }, { eligibleFen });
  }
  if (eligibleFen < p.thresholdFen) return 0;
  if (p.discount.type === 'fixed') return p.discount.offFen;
  return actions.percentOff.execute({ percentOff: p.discount.percentOff, maxOffFen: p.discount.maxOffFen }, { eligibleFen });
}

function naivePrice(input: PricingInput): { totalFen: number; chosen: string[]; candidates: number } {
  const { lines, buyer, promotions, nowMs } = input;
  const activity = lines.map((line) => {
    let best = line.unitPriceFen * line.quantity;
    for (const p of promotions.item) {
      if (!matchesScope(p.scope, line) || !inWindow(p.window, nowMs)) continue;
      const fen = naiveItemPrice(p, line, buyer);
      if (fen !== undefined && fen < best) best = fen;
    }
    return best;
  });
  const candidates: OrderCandidate[] = [];
  for (const p of promotions.order) {
    if (!inWindow(p.window, nowMs) || (p.kind === 'coupon' && p.fansOnly && buyer.isFan !== true)) continue;
    const lineIdx = lines.flatMap((l, i) => (matchesScope(p.scope, l) ? [i] : []));
    const eligibleFen = lineIdx.reduce((s, i) => s + activity[i]!, 0);
    const offFen = lineIdx.length === 0 ? 0 : naiveOff(p, eligibleFen);
    if (offFen > 0) candidates.push({ promo: p, kindKey: kindKeyOf(p), lineIdx, eligibleFen, offFen, reason: p.id });
  }
  let best: { total: number; prio: number; combo: OrderCandidate[]; key: string } | undefined;
  for (let mask = 0; mask < 1 << candidates.length; mask++) {
    const combo = candidates.filter((_, i) => mask & (1 << i));
    if (!legalCombination(combo).ok) continue;
    const total = evaluateCombination(activity, combo).totalFen;
    const prio = combo.reduce((s, c) => s + c.promo.priority, 0);
    const key = combo.map((c) => c.promo.id).sort().join('+');
    const wins =
      !best ||
      total < best.total ||
      (total === best.total && (prio > best.prio || (prio === best.prio && (combo.length < best.combo.length || (combo.length === best.combo.length && key < best.key)))));
    if (wins) best = { total, prio, combo, key };
  }
  let total = best?.total ?? activity.reduce((s, x) => s + x, 0);
  if (input.points && (buyer.points ?? 0) > 0) total -= redeemPoints(buyer.points ?? 0, input.points, total).fen;
  return { totalFen: total, chosen: (best?.combo ?? []).map((c) => c.promo.id).sort(), candidates: candidates.length };
}

// ---------- timing ----------

function time(n: number, fn: () => unknown): { p50: number; p99: number; max: number; callsPerSec: number } {
  const ms = new Array<number>(n);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const a = process.hrtime.bigint();
    fn();
    ms[i] = Number(process.hrtime.bigint() - a) / 1e6;
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms[n - 1]!, callsPerSec: n / wall };
}

function main() {
  const v = validatePromotions(rawPromotions);
  if (!v.ok) throw new Error(`invalid promotion fixture: ${JSON.stringify(v.errors)}`);
  const promotions = v.value;
  const lines = makeLines();
  const buyer: Buyer = { id: 'buyer-42', isFan: true, points: 3750, purchasedQty: { 'sku-1003': 1 } };
  const points: PointsPolicy = { pointsPerYuan: 100, capFen: 2000 };
  const input: PricingInput = { lines, buyer, promotions, nowMs: NOW, points };

  const result = price(input);
  const naive = naivePrice(input);
  const engineChosen = result.adjustments
    .filter((a) => a.kind === 'threshold' || a.kind === 'coupon')
    .map((a) => a.source)
    .sort();

  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += price(input).totalFen + (i % 10 === 0 ? naivePrice(input).totalFen : 0);

  const subj: ReturnType<typeof time>[] = [];
  const base: ReturnType<typeof time>[] = [];
  for (let r = 0; r < rounds; r++) {
    subj.push(time(calls, () => (sink += price(input).totalFen)));
    base.push(time(baselineCalls, () => (sink += naivePrice(input).totalFen)));
  }
  if (sink === 0) console.error('unexpected zero sink');

  const orderCandidates = naive.candidates;
  const figures = {
    lines: lines.length,
    regularFen: lines.reduce((s, l) => s + l.unitPriceFen * l.quantity, 0),
    promotions: promotions.item.length + promotions.gifts.length + promotions.order.filter((p) => p.kind === 'threshold').length,
    coupons: promotions.order.filter((p) => p.kind === 'coupon').length,
    orderLevelDefinitions: promotions.order.length,
    orderLevelCandidates: orderCandidates,
    rounds,
    callsPerRound: calls,
    totalFen: result.totalFen,
    chosen: engineChosen,
    pointsUsed: result.pointsUsed,
    gifts: result.gifts.map((g) => g.skuId),
    price_p50_ms_median: round4(median(subj.map((x) => x.p50))),
    price_p99_ms_median: round4(median(subj.map((x) => x.p99))),
    price_max_ms_median: round4(median(subj.map((x) => x.max))),
    price_calls_per_s_median: Math.round(median(subj.map((x) => x.callsPerSec))),
  };
  const baselines = {
    naive: `every subset of the order-level candidates (2^${orderCandidates} masks) through legalCombination + evaluateCombination`,
    callsPerRound: baselineCalls,
    totalFen: naive.totalFen,
    chosen: naive.chosen,
    naive_p50_ms_median: round4(median(base.map((x) => x.p50))),
    naive_p99_ms_median: round4(median(base.map((x) => x.p99))),
    naive_max_ms_median: round4(median(base.map((x) => x.max))),
    naive_calls_per_s_median: Math.round(median(base.map((x) => x.callsPerSec))),
    // naive / engine; the engine's call also writes every reason, the allocations and the next tier.
    speedup_p50: round4(median(base.map((x) => x.p50)) / median(subj.map((x) => x.p50))),
    speedup_p99: round4(median(base.map((x) => x.p99)) / median(subj.map((x) => x.p99))),
  };
  const sameTotal = result.totalFen === naive.totalFen;
  const targets = [
    { name: 'price() p99 latency, 20 lines, 10 promotions, 5 coupons (ms)', goal: '<= 1', value: figures.price_p99_ms_median, met: figures.price_p99_ms_median <= 1 },
    { name: 'total equals the brute-force baseline total (fen)', goal: `= ${naive.totalFen}`, value: result.totalFen, met: sameTotal },
  ];
  console.log(JSON.stringify({ bench: 'pricing', figures, baselines, targets }));
}

main();
