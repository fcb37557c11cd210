import { actions, conditions, inWindow, type GiftPromotion, type ItemPromotion, type OrderPromotion, type PromotionDefinitions, type Scope } from './promotion-registry.js';
import { allocateProportional, assertFen } from './money.js';

/**
 * The pricing engine: (cart, promotions, buyer, now, points policy) -> the cheapest legal
 * total for the buyer, as data, with a reason for every adjustment and every candidate left
 * out. Pure: no I/O, no clock (`nowMs` is an input), no randomness. Follows PRICING.md.
 */

export interface CartLine {
  lineId: string;
  skuId: string;
  productId: string;
  unitPriceFen: number;
  quantity: number;
  tags?: string[];
}

export interface Buyer {
  id: string;
  purchasedQty?: Record<string, number>;
  points?: number;
  isFan?: boolean;
}

export interface PointsPolicy {
  /** N points = 1 yuan (100 fen). */
  pointsPerYuan: number;
  /** At most this many fen paid by points per order. */
  capFen: number;
}

export interface PricingInput {
  lines: CartLine[];
  buyer: Buyer;
  promotions: PromotionDefinitions;
  nowMs: number;
  points?: PointsPolicy;
}

export interface Allocation {
  source: string;
  fen: number;
}

export interface PricedLine {
  lineId: string;
  regularFen: number;
  activityFen: number;
  allocations: Allocation[];
  paidFen: number;
  notes: string[];
  /** The item-level promotion that set the activity price (null: the regular price). */
  itemSource: string | null;
  /** Units priced by itemSource (a flash sale's units within the buyer's limit and its pool; otherwise every unit). */
  promotedUnits: number;
}

export type AdjustmentKind = 'item' | 'threshold' | 'coupon' | 'points';

export interface Adjustment {
  source: string;
  kind: AdjustmentKind;
  fen: number;
  reason: string;
}

export interface Gift {
  source: string;
  skuId: string;
  quantity: number;
  fen: 0;
}

export interface PricingResult {
  currency: 'CNY';
  lines: PricedLine[];
  adjustments: Adjustment[];
  rejected: { source: string; reason: string }[];
  totalFen: number;
  pointsUsed: number;
  gifts: Gift[];
  nextTier?: { spendMoreFen: number; getOffFen: number; source: string };
}

export const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

export function matchesScope(scope: Scope, line: CartLine): boolean {
  const { skuIds, productIds, tags } = scope;
  if (!skuIds && !productIds && !tags) return true;
  return Boolean(skuIds?.includes(line.skuId) || productIds?.includes(line.productId) || tags?.some((t) => line.tags?.includes(t)));
}

// ---------- item level ----------

interface ItemQuote {
  promo: ItemPromotion;
  fen: number;
  note: string;
  units: number;
}

function quoteItem(p: ItemPromotion, line: CartLine, buyer: Buyer): ItemQuote | { reason: string } {
  const regular = line.unitPriceFen * line.quantity;
  switch (p.kind) {
    case 'time-limited-price':
      return { promo: p, fen: Math.min(p.priceFen, line.unitPriceFen) * line.quantity, note: `${p.id}: time-limited price ${yuan(p.priceFen)} each`, units: line.quantity };
    case 'item-discount': {
      const offEach = Math.floor((line.unitPriceFen * p.percentOff + 50) / 100);
      const capped = p.maxOffFenPerUnit === undefined ? offEach : Math.min(offEach, p.maxOffFenPerUnit);
      return { promo: p, fen: regular - capped * line.quantity, note: `${p.id}: ${p.percentOff}% off, ${yuan(capped)} off each`, units: line.quantity };
    }
    case 'flash-sale': {
      const bought = buyer.purchasedQty?.[line.skuId] ?? 0;
      let units = Math.min(line.quantity, Math.max(0, p.perBuyerLimit - bought));
      if (p.stockLeft !== undefined) units = Math.min(units, p.stockLeft);
      if (units === 0) {
        return { reason: `${p.id}: flash-sale limit of ${p.perBuyerLimit} per buyer already reached (or sold out)` };
      }
      const price = Math.min(p.priceFen, line.unitPriceFen);
      const rest = line.quantity - units;
      const note =
        rest > 0
          ? `${p.id}: flash-sale price ${yuan(price)} for ${units} unit(s); the other ${rest} at the regular price ${yuan(line.unitPriceFen)} (limit ${p.perBuyerLimit} per buyer)`
          : `${p.id}: flash-sale price ${yuan(price)} each`;
      return { promo: p, fen: price * units + line.unitPriceFen * rest, note, units };
    }
  }
}

// ---------- order level ----------

type KindKey = 'threshold' | 'coupon:store' | 'coupon:platform';
const KIND_ORDER: readonly KindKey[] = ['threshold', 'coupon:store', 'coupon:platform'];

export interface OrderCandidate {
  promo: OrderPromotion;
  kindKey: KindKey;
  /** Indices of the lines it applies to. */
  lineIdx: number[];
  eligibleFen: number;
  /** Discount judged in parallel on the eligible activity prices, before the floor. */
  offFen: number;
  reason: string;
}

export function kindKeyOf(p: OrderPromotion): KindKey {
  return p.kind === 'threshold' ? 'threshold' : p.issuer === 'store' ? 'coupon:store' : 'coupon:platform';
}

function describeOff(p: OrderPromotion, eligibleFen: number): { offFen: number; reason: string } | { fail: string } {
  if (p.kind === 'threshold') {
    if (p.mode === 'tiers') {
      const off = actions.tieredAmountOff.execute({ tiers: p.tiers }, { eligibleFen });
      const met = p.tiers.filter((t) => t.thresholdFen <= eligibleFen).sort((a, b) => b.offFen - a.offFen)[0];
      if (!met) return { fail: `${p.id}: eligible items total ${yuan(eligibleFen)}, below the lowest threshold` };
      const capped = p.capFen === undefined ? off : Math.min(off, p.capFen);
      return { offFen: capped, reason: `${p.id}: spend ${yuan(met.thresholdFen)} get ${yuan(met.offFen)} off (eligible items ${yuan(eligibleFen)})` };
    }
    const t = p.tiers[0] as { thresholdFen: number; offFen: number };
    const off = actions.repeatingAmountOff.execute({ thresholdFen: t.thresholdFen, offFen: t.offFen, capFen: p.capFen }, { eligibleFen });
    if (eligibleFen < t.thresholdFen) return { fail: `${p.id}: eligible items total ${yuan(eligibleFen)}, below ${yuan(t.thresholdFen)}` };
    const cap = p.capFen === undefined ? '' : `, capped at ${yuan(p.capFen)}`;
    return { offFen: off, reason: `${p.id}: ${yuan(t.offFen)} off every ${yuan(t.thresholdFen)}${cap} (eligible items ${yuan(eligibleFen)})` };
  }
  if (!conditions.minimumSpend.check({ thresholdFen: p.thresholdFen }, { eligibleFen, nowMs: 0, isFan: false })) {
    return { fail: `${p.id}: coupon needs ${yuan(p.thresholdFen)} of eligible items, cart has ${yuan(eligibleFen)}` };
  }
  if (p.discount.type === 'fixed') {
    return { offFen: p.discount.offFen, reason: `${p.id}: ${p.issuer} coupon ${yuan(p.discount.offFen)} off` };
  }
  const off = actions.percentOff.execute({ percentOff: p.discount.percentOff, maxOffFen: p.discount.maxOffFen }, { eligibleFen });
  const cap = p.discount.maxOffFen === undefined ? '' : `, capped at ${yuan(p.discount.maxOffFen)}`;
  return { offFen: off, reason: `${p.id}: ${p.issuer} coupon ${p.discount.percentOff}% off ${yuan(eligibleFen)} rounded half up to the fen${cap}` };
}

/** The combination rules (stacking), independent of amounts. */
export function legalCombination(combo: readonly OrderCandidate[]): { ok: true } | { ok: false; reason: string } {
  const seen = new Set<KindKey>();
  for (const c of combo) {
    if (seen.has(c.kindKey)) return { ok: false, reason: `only one ${c.kindKey} per order` };
    seen.add(c.kindKey);
  }
  if (combo.length > 1) {
    const ex = combo.find((c) => c.promo.exclusive);
    if (ex) return { ok: false, reason: `${ex.promo.id} is exclusive and combines with nothing else` };
  }
  for (const c of combo) {
    if (c.promo.kind !== 'coupon') continue;
    const { withThreshold, withOtherCoupons } = c.promo.stackable;
    if (!withThreshold && combo.some((o) => o.promo.kind === 'threshold')) return { ok: false, reason: `${c.promo.id} does not stack with spend-threshold offers` };
    if (!withOtherCoupons && combo.some((o) => o !== c && o.promo.kind === 'coupon')) return { ok: false, reason: `${c.promo.id} does not stack with other coupons` };
  }
  return { ok: true };
}

export interface ComboEvaluation {
  totalFen: number;
  /** Per candidate in application order: fen actually used and its allocation per line. */
  applied: { candidate: OrderCandidate; fen: number; perLine: number[] }[];
  remaining: number[];
}

/**
 * Applies a legal combination in the fixed order threshold, store coupon, platform coupon.
 * Each discount is used only up to what its lines still have to pay (never negative), and is
 * allocated to those lines in proportion to activity prices (see allocateProportional).
 */
export function evaluateCombination(activity: readonly number[], combo: readonly OrderCandidate[]): ComboEvaluation {
  const remaining = [...activity];
  const applied: ComboEvaluation['applied'] = [];
  const ordered = [...combo].sort((a, b) => KIND_ORDER.indexOf(a.kindKey) - KIND_ORDER.indexOf(b.kindKey));
  for (const c of ordered) {
    const room = c.lineIdx.reduce((s, i) => s + (remaining[i] ?? 0), 0);
    const fen = Math.min(c.offFen, room);
    const part = allocateProportional(
      fen,
      c.lineIdx.map((i) => activity[i] ?? 0),
      c.lineIdx.map((i) => remaining[i] ?? 0),
    );
    const perLine = activity.map(() => 0);
    c.lineIdx.forEach((li, k) => {
      perLine[li] = part[k] ?? 0;
      remaining[li] = (remaining[li] ?? 0) - (part[k] ?? 0);
    });
    applied.push({ candidate: c, fen, perLine });
  }
  return { totalFen: remaining.reduce((s, x) => s + x, 0), applied, remaining };
}

function comboKey(combo: readonly OrderCandidate[]): string {
  return combo.map((c) => c.promo.id).sort().join('+');
}

/** Cheapest for the buyer; ties: higher total priority, then fewer promotions, then ids. */
function better(a: { total: number; combo: OrderCandidate[] }, b: { total: number; combo: OrderCandidate[] }): boolean {
  if (a.total !== b.total) return a.total < b.total;
  const pa = a.combo.reduce((s, c) => s + c.promo.priority, 0);
  const pb = b.combo.reduce((s, c) => s + c.promo.priority, 0);
  if (pa !== pb) return pa > pb;
  if (a.combo.length !== b.combo.length) return a.combo.length < b.combo.length;
  return comboKey(a.combo) < comboKey(b.combo);
}

export function chooseCombination(activity: readonly number[], candidates: readonly OrderCandidate[]): OrderCandidate[] {
  const groups = KIND_ORDER.map((k) => candidates.filter((c) => c.kindKey === k));
  let best: { total: number; combo: OrderCandidate[] } | undefined;
  const walk = (g: number, combo: OrderCandidate[]): void => {
    if (g === groups.length) {
      if (!legalCombination(combo).ok) return;
      const next = { total: evaluateCombination(activity, combo).totalFen, combo };
      if (!best || better(next, best)) best = next;
      return;
    }
    walk(g + 1, combo);
    for (const c of groups[g] ?? []) walk(g + 1, [...combo, c]);
  };
  walk(0, []);
  return best?.combo ?? [];
}

// ---------- points ----------

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Points are redeemed in the smallest step that is a whole number of points and a whole
 * number of fen: with N points per yuan, step = N/g points for 100/g fen, g = gcd(N, 100).
 */
export function redeemPoints(available: number, policy: PointsPolicy, payableFen: number): { fen: number; points: number } {
  if (!Number.isInteger(policy.pointsPerYuan) || policy.pointsPerYuan <= 0) throw new RangeError('pointsPerYuan must be a positive integer');
  assertFen(policy.capFen, 'capFen');
  const g = gcd(policy.pointsPerYuan, 100);
  const stepPoints = policy.pointsPerYuan / g;
  const stepFen = 100 / g;
  const limitFen = Math.min(policy.capFen, payableFen);
  const steps = Math.min(Math.floor(Math.max(0, available) / stepPoints), Math.floor(limitFen / stepFen));
  return { fen: steps * stepFen, points: steps * stepPoints };
}

// ---------- the engine ----------

export function price(input: PricingInput): PricingResult {
  const { lines, buyer, promotions, nowMs } = input;
  const rejected: PricingResult['rejected'] = [];
  const adjustments: Adjustment[] = [];
  const ids = new Set<string>();
  for (const l of lines) {
    assertFen(l.unitPriceFen, `line ${l.lineId} unitPriceFen`);
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new RangeError(`line ${l.lineId} quantity must be a positive integer`);
    assertFen(l.unitPriceFen * l.quantity, `line ${l.lineId} amount`);
    if (ids.has(l.lineId)) throw new RangeError(`duplicate lineId ${l.lineId}`);
    ids.add(l.lineId);
  }

  // 1. Item level: lowest valid price per line.
  const notes: string[][] = lines.map(() => []);
  const itemSources: { source: string | null; units: number }[] = lines.map(() => ({ source: null, units: 0 }));
  const activity = lines.map((line, i) => {
    const regular = line.unitPriceFen * line.quantity;
    let best: ItemQuote | undefined;
    for (const p of promotions.item) {
      if (!matchesScope(p.scope, line)) continue;
      if (!inWindow(p.window, nowMs)) {
        rejected.push({ source: p.id, reason: `${p.id}: not valid at this moment for ${line.lineId} (outside its window)` });
        continue;
      }
      const q = quoteItem(p, line, buyer);
      if ('reason' in q) {
        rejected.push({ source: p.id, reason: q.reason });
        notes[i]?.push(q.reason);
        continue;
      }
      if (!best || q.fen < best.fen || (q.fen === best.fen && q.promo.priority > best.promo.priority)) {
        if (best) rejected.push({ source: best.promo.id, reason: `${best.promo.id}: ${q.promo.id} gives ${line.lineId} a lower price` });
        best = q;
      } else {
        rejected.push({ source: p.id, reason: `${p.id}: ${best.promo.id} gives ${line.lineId} a lower price` });
      }
    }
    if (best && best.fen < regular) {
      notes[i]?.push(best.note);
      adjustments.push({ source: best.promo.id, kind: 'item', fen: regular - best.fen, reason: `${best.note} on ${line.lineId}` });
      itemSources[i] = { source: best.promo.id, units: best.units };
      return best.fen;
    }
    return regular;
  });

  // 2. Order level, thresholds judged in parallel on activity prices.
  const candidates: OrderCandidate[] = [];
  for (const p of promotions.order) {
    const lineIdx = lines.flatMap((l, i) => (matchesScope(p.scope, l) ? [i] : []));
    const eligibleFen = lineIdx.reduce((s, i) => s + (activity[i] ?? 0), 0);
    if (!conditions.inWindow.check(p.window, { eligibleFen, nowMs, isFan: buyer.isFan === true })) {
      rejected.push({ source: p.id, reason: `${p.id}: not valid at this moment (outside its validity window)` });
      continue;
    }
    if (p.kind === 'coupon' && !conditions.fansOnly.check({ fansOnly: p.fansOnly }, { eligibleFen, nowMs, isFan: buyer.isFan === true })) {
      rejected.push({ source: p.id, reason: `${p.id}: for fans of the store only` });
      continue;
    }
    if (lineIdx.length === 0) {
      rejected.push({ source: p.id, reason: `${p.id}: no item in the cart is eligible` });
      continue;
    }
    const d = describeOff(p, eligibleFen);
    if ('fail' in d) {
      rejected.push({ source: p.id, reason: d.fail });
      continue;
    }
    if (d.offFen === 0) {
      rejected.push({ source: p.id, reason: `${p.id}: takes nothing off this cart` });
      continue;
    }
    candidates.push({ promo: p, kindKey: kindKeyOf(p), lineIdx, eligibleFen, offFen: d.offFen, reason: d.reason });
  }
  const chosen = chooseCombination(activity, candidates);
  const evaluation = evaluateCombination(activity, chosen);
  const allocations: Allocation[][] = lines.map(() => []);
  for (const a of evaluation.applied) {
    const floorNote = a.fen < a.candidate.offFen ? ` (only ${yuan(a.fen)} used: the amount cannot go below zero)` : '';
    adjustments.push({ source: a.candidate.promo.id, kind: a.candidate.promo.kind, fen: a.fen, reason: a.candidate.reason + floorNote });
    a.perLine.forEach((fen, i) => {
      if (a.candidate.lineIdx.includes(i)) allocations[i]?.push({ source: a.candidate.promo.id, fen });
    });
  }
  for (const c of candidates) {
    if (chosen.includes(c)) continue;
    const rule = legalCombination([...chosen, c]);
    const reason = !rule.ok
      ? `${c.promo.id}: not combined with ${chosen.map((x) => x.promo.id).join(', ')}: ${rule.reason}; the chosen combination is cheaper for the buyer`
      : `${c.promo.id}: a cheaper combination for the buyer exists without it`;
    rejected.push({ source: c.promo.id, reason });
  }

  // 3. Points, last, on the amount still payable.
  const remaining = evaluation.remaining;
  let pointsUsed = 0;
  if (input.points && (buyer.points ?? 0) > 0) {
    const payable = remaining.reduce((s, x) => s + x, 0);
    const r = redeemPoints(buyer.points ?? 0, input.points, payable);
    if (r.fen > 0) {
      const part = allocateProportional(r.fen, activity, remaining);
      part.forEach((fen, i) => {
        allocations[i]?.push({ source: 'points', fen });
        remaining[i] = (remaining[i] ?? 0) - fen;
      });
      pointsUsed = r.points;
      adjustments.push({
        source: 'points',
        kind: 'points',
        fen: r.fen,
        reason: `${r.points} points redeemed for ${yuan(r.fen)} (${input.points.pointsPerYuan} points = ¥1, at most ${yuan(input.points.capFen)} per order)`,
      });
    }
  }

  // 5. Gifts: zero-price, own stock, change no price.
  const gifts: Gift[] = [];
  for (const g of promotions.gifts) giftOutcome(g, lines, activity, nowMs, gifts, rejected);

  const priced: PricedLine[] = lines.map((l, i) => ({
    lineId: l.lineId,
    regularFen: l.unitPriceFen * l.quantity,
    activityFen: activity[i] ?? 0,
    allocations: allocations[i] ?? [],
    paidFen: remaining[i] ?? 0,
    notes: notes[i] ?? [],
    itemSource: itemSources[i]?.source ?? null,
    promotedUnits: itemSources[i]?.units ?? 0,
  }));
  const result: PricingResult = {
    currency: 'CNY',
    lines: priced,
    adjustments,
    rejected,
    totalFen: priced.reduce((s, l) => s + l.paidFen, 0),
    pointsUsed,
    gifts,
  };
  const next = nextTier(promotions.order, lines, activity, nowMs);
  if (next) result.nextTier = next;
  return result;
}

function giftOutcome(g: GiftPromotion, lines: CartLine[], activity: number[], nowMs: number, gifts: Gift[], rejected: PricingResult['rejected']): void {
  const eligibleFen = lines.reduce((s, l, i) => s + (matchesScope(g.scope, l) ? (activity[i] ?? 0) : 0), 0);
  if (!inWindow(g.window, nowMs)) return void rejected.push({ source: g.id, reason: `${g.id}: gift offer not valid at this moment` });
  if (eligibleFen === 0 || eligibleFen < g.thresholdFen) {
    return void rejected.push({ source: g.id, reason: `${g.id}: gift needs ${yuan(g.thresholdFen)} of eligible items, cart has ${yuan(eligibleFen)}` });
  }
  if (g.giftStock < g.quantity) {
    return void rejected.push({ source: g.id, reason: `${g.id}: the gift ${g.giftSkuId} is out of stock; the order goes through without it` });
  }
  gifts.push({ source: g.id, skuId: g.giftSkuId, quantity: g.quantity, fen: 0 });
}

/** "Spend ¥X more to get ¥Y off": the nearest higher threshold step among valid 满减 offers. */
function nextTier(order: OrderPromotion[], lines: CartLine[], activity: number[], nowMs: number): PricingResult['nextTier'] {
  let best: PricingResult['nextTier'];
  for (const p of order) {
    if (p.kind !== 'threshold' || !inWindow(p.window, nowMs)) continue;
    const eligibleFen = lines.reduce((s, l, i) => s + (matchesScope(p.scope, l) ? (activity[i] ?? 0) : 0), 0);
    const now = describeOff(p, eligibleFen);
    const nowOff = 'fail' in now ? 0 : now.offFen;
    const steps =
      p.mode === 'tiers'
        ? p.tiers.map((t) => t.thresholdFen)
        : [Math.ceil((eligibleFen + 1) / (p.tiers[0]?.thresholdFen ?? 1)) * (p.tiers[0]?.thresholdFen ?? 1)];
    for (const threshold of steps) {
      if (threshold <= eligibleFen) continue;
      const then = describeOff(p, threshold);
      const off = 'fail' in then ? 0 : then.offFen;
      if (off <= nowOff) continue;
      const cand = { spendMoreFen: threshold - eligibleFen, getOffFen: off, source: p.id };
      if (!best || cand.spendMoreFen < best.spendMoreFen || (cand.spendMoreFen === best.spendMoreFen && cand.getOffFen > best.getOffFen)) best = cand;
    }
  }
  return best;
}
