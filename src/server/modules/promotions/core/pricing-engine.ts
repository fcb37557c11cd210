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

/** The machine form of a reason: a stable code and its parameters (money in fen), for translation. */
export type ReasonParams = Record<string, string | number>;
export interface ReasonCode {
  code: string;
  params: ReasonParams;
}

/**
 * Every code the engine (and the promotions service) can give, with the parameters it always
 * carries. Adjustments may add `line` (the line id) and `usedFen` (only part used: the floor).
 */
export const REASON_CODES = {
  'item.time-limited': ['source', 'priceFen'],
  'item.discount': ['source', 'percentOff', 'offEachFen'],
  'item.outside-window': ['source', 'line'],
  'item.lower-price': ['source', 'other', 'line'],
  'flash.each': ['source', 'priceFen'],
  'flash.partial': ['source', 'priceFen', 'units', 'rest', 'regularFen', 'limit'],
  'flash.limit-reached': ['source', 'limit'],
  'flash.not-open': ['source'],
  'threshold.tiers': ['source', 'thresholdFen', 'offFen', 'eligibleFen'],
  'threshold.every': ['source', 'offFen', 'thresholdFen', 'eligibleFen'],
  'threshold.every-capped': ['source', 'offFen', 'thresholdFen', 'capFen', 'eligibleFen'],
  'threshold.below-lowest': ['source', 'eligibleFen'],
  'threshold.below': ['source', 'eligibleFen', 'thresholdFen'],
  'coupon.fixed': ['source', 'issuer', 'offFen'],
  'coupon.percent': ['source', 'issuer', 'percentOff', 'eligibleFen'],
  'coupon.percent-capped': ['source', 'issuer', 'percentOff', 'eligibleFen', 'capFen'],
  'coupon.below': ['source', 'thresholdFen', 'eligibleFen'],
  'coupon.fans-only': ['source'],
  'order.outside-window': ['source'],
  'order.no-eligible': ['source'],
  'order.nothing-off': ['source'],
  'order.not-started': ['source'],
  'not-combined': ['source', 'others', 'rule', 'subject'],
  'cheaper-without': ['source'],
  'points.redeemed': ['points', 'fen', 'pointsPerYuan', 'capFen'],
  'gift.outside-window': ['source'],
  'gift.below': ['source', 'thresholdFen', 'eligibleFen'],
  'gift.out-of-stock': ['source', 'giftSkuId'],
} as const satisfies Record<string, readonly string[]>;
export type ReasonCodeName = keyof typeof REASON_CODES;

/** The combination rules' codes (the `rule` param of 'not-combined'); `subject` is a kind key or a promotion id. */
export const RULE_CODES = ['rule.one-per-kind', 'rule.exclusive', 'rule.no-threshold', 'rule.no-coupons'] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export interface PricedLine {
  lineId: string;
  regularFen: number;
  activityFen: number;
  allocations: Allocation[];
  paidFen: number;
  notes: string[];
  /** The machine form of each note, same order as `notes`. */
  noteCodes?: ReasonCode[];
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
  code?: string;
  params?: ReasonParams;
}

export interface Rejection {
  source: string;
  reason: string;
  code?: string;
  params?: ReasonParams;
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
  rejected: Rejection[];
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
  why: ReasonCode;
  units: number;
}

function quoteItem(p: ItemPromotion, line: CartLine, buyer: Buyer): ItemQuote | { reason: string; why: ReasonCode } {
  const regular = line.unitPriceFen * line.quantity;
  switch (p.kind) {
    case 'time-limited-price':
      return { promo: p, fen: Math.min(p.priceFen, line.unitPriceFen) * line.quantity, note: `${p.id}: time-limited price ${yuan(p.priceFen)} each`, why: { code: 'item.time-limited', params: { source: p.id, priceFen: p.priceFen } }, units: line.quantity };
    case 'item-discount': {
      const offEach = Math.floor((line.unitPriceFen * p.percentOff + 50) / 100);
      const capped = p.maxOffFenPerUnit === undefined ? offEach : Math.min(offEach, p.maxOffFenPerUnit);
      return { promo: p, fen: regular - capped * line.quantity, note: `${p.id}: ${p.percentOff}% off, ${yuan(capped)} off each`, why: { code: 'item.discount', params: { source: p.id, percentOff: p.percentOff, offEachFen: capped } }, units: line.quantity };
    }
    case 'flash-sale': {
      const bought = buyer.purchasedQty?.[line.skuId] ?? 0;
      let units = Math.min(line.quantity, Math.max(0, p.perBuyerLimit - bought));
      if (p.stockLeft !== undefined) units = Math.min(units, p.stockLeft);
      if (units === 0) {
        return { reason: `${p.id}: flash-sale limit of ${p.perBuyerLimit} per buyer already reached (or sold out)`, why: { code: 'flash.limit-reached', params: { source: p.id, limit: p.perBuyerLimit } } };
      }
      const price = Math.min(p.priceFen, line.unitPriceFen);
      const rest = line.quantity - units;
      const note =
        rest > 0
          ? `${p.id}: flash-sale price ${yuan(price)} for ${units} unit(s); the other ${rest} at the regular price ${yuan(line.unitPriceFen)} (limit ${p.perBuyerLimit} per buyer)`
          : `${p.id}: flash-sale price ${yuan(price)} each`;
      const why: ReasonCode =
        rest > 0
          ? { code: 'flash.partial', params: { source: p.id, priceFen: price, units, rest, regularFen: line.unitPriceFen, limit: p.perBuyerLimit } }
          : { code: 'flash.each', params: { source: p.id, priceFen: price } };
      return { promo: p, fen: price * units + line.unitPriceFen * rest, note, why, units };
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
  /** The machine form of `reason` (the engine always sets it). */
  why?: ReasonCode;
}

export function kindKeyOf(p: OrderPromotion): KindKey {
  return p.kind === 'threshold' ? 'threshold' : p.issuer === 'store' ? 'coupon:store' : 'coupon:platform';
}

function describeOff(p: OrderPromotion, eligibleFen: number): { offFen: number; reason: string; why: ReasonCode } | { fail: string; why: ReasonCode } {
  if (p.kind === 'threshold') {
    if (p.mode === 'tiers') {
      const off = actions.tieredAmountOff.execute({ tiers: p.tiers }, { eligibleFen });
      const met = p.tiers.filter((t) => t.thresholdFen <= eligibleFen).sort((a, b) => b.offFen - a.offFen)[0];
      if (!met) return { fail: `${p.id}: eligible items total ${yuan(eligibleFen)}, below the lowest threshold`, why: { code: 'threshold.below-lowest', params: { source: p.id, eligibleFen } } };
      const capped = p.capFen === undefined ? off : Math.min(off, p.capFen);
      return { offFen: capped, reason: `${p.id}: spend ${yuan(met.thresholdFen)} get ${yuan(met.offFen)} off (eligible items ${yuan(eligibleFen)})`, why: { code: 'threshold.tiers', params: { source: p.id, thresholdFen: met.thresholdFen, offFen: met.offFen, eligibleFen } } };
    }
    const t = p.tiers[0] as { thresholdFen: number; offFen: number };
    const off = actions.repeatingAmountOff.execute({ thresholdFen: t.thresholdFen, offFen: t.offFen, capFen: p.capFen }, { eligibleFen });
    if (eligibleFen < t.thresholdFen) return { fail: `${p.id}: eligible items total ${yuan(eligibleFen)}, below ${yuan(t.thresholdFen)}`, why: { code: 'threshold.below', params: { source: p.id, eligibleFen, thresholdFen: t.thresholdFen } } };
    const cap = p.capFen === undefined ? '' : `, capped at ${yuan(p.capFen)}`;
    const why: ReasonCode =
      p.capFen === undefined
        ? { code: 'threshold.every', params: { source: p.id, offFen: t.offFen, thresholdFen: t.thresholdFen, eligibleFen } }
        : { code: 'threshold.every-capped', params: { source: p.id, offFen: t.offFen, thresholdFen: t.thresholdFen, capFen: p.capFen, eligibleFen } };
    return { offFen: off, reason: `${p.id}: ${yuan(t.offFen)} off every ${yuan(t.thresholdFen)}${cap} (eligible items ${yuan(eligibleFen)})`, why };
  }
  if (!conditions.minimumSpend.check({ thresholdFen: p.thresholdFen }, { eligibleFen, nowMs: 0, isFan: false })) {
    return { fail: `${p.id}: coupon needs ${yuan(p.thresholdFen)} of eligible items, cart has ${yuan(eligibleFen)}`, why: { code: 'coupon.below', params: { source: p.id, thresholdFen: p.thresholdFen, eligibleFen } } };
  }
  if (p.discount.type === 'fixed') {
    return { offFen: p.discount.offFen, reason: `${p.id}: ${p.issuer} coupon ${yuan(p.discount.offFen)} off`, why: { code: 'coupon.fixed', params: { source: p.id, issuer: p.issuer, offFen: p.discount.offFen } } };
  }
  const off = actions.percentOff.execute({ percentOff: p.discount.percentOff, maxOffFen: p.discount.maxOffFen }, { eligibleFen });
  const cap = p.discount.maxOffFen === undefined ? '' : `, capped at ${yuan(p.discount.maxOffFen)}`;
  const why: ReasonCode =
    p.discount.maxOffFen === undefined
      ? { code: 'coupon.percent', params: { source: p.id, issuer: p.issuer, percentOff: p.discount.percentOff, eligibleFen } }
      : { code: 'coupon.percent-capped', params: { source: p.id, issuer: p.issuer, percentOff: p.discount.percentOff, eligibleFen, capFen: p.discount.maxOffFen } };
  return { offFen: off, reason: `${p.id}: ${p.issuer} coupon ${p.discount.percentOff}% off ${yuan(eligibleFen)} rounded half up to the fen${cap}`, why };
}

/** The combination rules (stacking), independent of amounts. */
export function legalCombination(combo: readonly OrderCandidate[]): { ok: true } | { ok: false; reason: string; rule: RuleCode; subject: string } {
  // Combinations hold a handful of candidates: pairwise checks, no Set per call.
  for (let i = 0; i < combo.length; i++) {
    const c = combo[i]!;
    for (let j = 0; j < i; j++) {
      if (combo[j]!.kindKey === c.kindKey) return { ok: false, reason: `only one ${c.kindKey} per order`, rule: 'rule.one-per-kind', subject: c.kindKey };
    }
  }
  if (combo.length > 1) {
    for (const ex of combo) {
      if (ex.promo.exclusive) return { ok: false, reason: `${ex.promo.id} is exclusive and combines with nothing else`, rule: 'rule.exclusive', subject: ex.promo.id };
    }
  }
  let thresholds = 0;
  let coupons = 0;
  for (const o of combo) {
    if (o.promo.kind === 'threshold') thresholds++;
    else if (o.promo.kind === 'coupon') coupons++;
  }
  for (const c of combo) {
    if (c.promo.kind !== 'coupon') continue;
    const { withThreshold, withOtherCoupons } = c.promo.stackable;
    if (!withThreshold && thresholds > 0) return { ok: false, reason: `${c.promo.id} does not stack with spend-threshold offers`, rule: 'rule.no-threshold', subject: c.promo.id };
    if (!withOtherCoupons && coupons > 1) return { ok: false, reason: `${c.promo.id} does not stack with other coupons`, rule: 'rule.no-coupons', subject: c.promo.id };
  }
  return LEGAL;
}
const LEGAL = Object.freeze({ ok: true as const });

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
  for (const c of inKindOrder(combo)) {
    const part = applyCandidate(activity, remaining, c);
    const perLine = new Array<number>(activity.length).fill(0);
    for (let k = 0; k < c.lineIdx.length; k++) perLine[c.lineIdx[k]!] = part.perLine[k] ?? 0;
    applied.push({ candidate: c, fen: part.fen, perLine });
  }
  let totalFen = 0;
  for (const x of remaining) totalFen += x;
  return { totalFen, applied, remaining };
}

/** A combination in the order it applies (threshold, store coupon, platform coupon). */
function inKindOrder(combo: readonly OrderCandidate[]): readonly OrderCandidate[] {
  let sorted = true;
  for (let i = 1; i < combo.length && sorted; i++) sorted = KIND_ORDER.indexOf(combo[i - 1]!.kindKey) <= KIND_ORDER.indexOf(combo[i]!.kindKey);
  // The search builds its combinations in this order already.
  if (sorted) return combo;
  return [...combo].sort((a, b) => KIND_ORDER.indexOf(a.kindKey) - KIND_ORDER.indexOf(b.kindKey));
}

/**
 * One candidate of a combination applied to what the lines still have to pay (`remaining`,
 * changed in place): the fen it uses and their split over its own lines (`c.lineIdx` order).
 */
function applyCandidate(activity: readonly number[], remaining: number[], c: OrderCandidate): { fen: number; perLine: number[] } {
  const n = c.lineIdx.length;
  const weights = new Array<number>(n);
  const caps = new Array<number>(n);
  let room = 0;
  for (let k = 0; k < n; k++) {
    const li = c.lineIdx[k]!;
    weights[k] = activity[li] ?? 0;
    caps[k] = remaining[li] ?? 0;
    room += caps[k]!;
  }
  const fen = Math.min(c.offFen, room);
  const perLine = allocateProportional(fen, weights, caps);
  for (let k = 0; k < n; k++) remaining[c.lineIdx[k]!] = (remaining[c.lineIdx[k]!] ?? 0) - (perLine[k] ?? 0);
  return { fen, perLine };
}

/** evaluateCombination's total alone, without its per-line record (the search tries every combination). */
function combinationTotal(activity: readonly number[], combo: readonly OrderCandidate[], scratch: number[]): number {
  for (let i = 0; i < activity.length; i++) scratch[i] = activity[i] ?? 0;
  for (const c of inKindOrder(combo)) applyCandidate(activity, scratch, c);
  let total = 0;
  for (let i = 0; i < activity.length; i++) total += scratch[i]!;
  return total;
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
  const scratch = new Array<number>(activity.length).fill(0);
  const walk = (g: number, combo: OrderCandidate[]): void => {
    if (g === groups.length) {
      if (!legalCombination(combo).ok) return;
      const next = { total: combinationTotal(activity, combo, scratch), combo };
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
  const noteCodes: ReasonCode[][] = lines.map(() => []);
  const itemSources: { source: string | null; units: number }[] = lines.map(() => ({ source: null, units: 0 }));
  const activity = lines.map((line, i) => {
    const regular = line.unitPriceFen * line.quantity;
    let best: ItemQuote | undefined;
    for (const p of promotions.item) {
      if (!matchesScope(p.scope, line)) continue;
      if (!inWindow(p.window, nowMs)) {
        rejected.push({ source: p.id, reason: `${p.id}: not valid at this moment for ${line.lineId} (outside its window)`, code: 'item.outside-window', params: { source: p.id, line: line.lineId } });
        continue;
      }
      const q = quoteItem(p, line, buyer);
      if ('reason' in q) {
        rejected.push({ source: p.id, reason: q.reason, code: q.why.code, params: q.why.params });
        notes[i]?.push(q.reason);
        noteCodes[i]?.push(q.why);
        continue;
      }
      if (!best || q.fen < best.fen || (q.fen === best.fen && q.promo.priority > best.promo.priority)) {
        if (best) rejected.push({ source: best.promo.id, reason: `${best.promo.id}: ${q.promo.id} gives ${line.lineId} a lower price`, code: 'item.lower-price', params: { source: best.promo.id, other: q.promo.id, line: line.lineId } });
        best = q;
      } else {
        rejected.push({ source: p.id, reason: `${p.id}: ${best.promo.id} gives ${line.lineId} a lower price`, code: 'item.lower-price', params: { source: p.id, other: best.promo.id, line: line.lineId } });
      }
    }
    if (best && best.fen < regular) {
      notes[i]?.push(best.note);
      noteCodes[i]?.push(best.why);
      adjustments.push({
        source: best.promo.id,
        kind: 'item',
        fen: regular - best.fen,
        reason: `${best.note} on ${line.lineId}`,
        code: best.why.code,
        params: { ...best.why.params, line: line.lineId },
      });
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
      rejected.push({ source: p.id, reason: `${p.id}: not valid at this moment (outside its validity window)`, code: 'order.outside-window', params: { source: p.id } });
      continue;
    }
    if (p.kind === 'coupon' && !conditions.fansOnly.check({ fansOnly: p.fansOnly }, { eligibleFen, nowMs, isFan: buyer.isFan === true })) {
      rejected.push({ source: p.id, reason: `${p.id}: for fans of the store only`, code: 'coupon.fans-only', params: { source: p.id } });
      continue;
    }
    if (lineIdx.length === 0) {
      rejected.push({ source: p.id, reason: `${p.id}: no item in the cart is eligible`, code: 'order.no-eligible', params: { source: p.id } });
      continue;
    }
    const d = describeOff(p, eligibleFen);
    if ('fail' in d) {
      rejected.push({ source: p.id, reason: d.fail, code: d.why.code, params: d.why.params });
      continue;
    }
    if (d.offFen === 0) {
      rejected.push({ source: p.id, reason: `${p.id}: takes nothing off this cart`, code: 'order.nothing-off', params: { source: p.id } });
      continue;
    }
    candidates.push({ promo: p, kindKey: kindKeyOf(p), lineIdx, eligibleFen, offFen: d.offFen, reason: d.reason, why: d.why });
  }
  const chosen = chooseCombination(activity, candidates);
  const evaluation = evaluateCombination(activity, chosen);
  const allocations: Allocation[][] = lines.map(() => []);
  for (const a of evaluation.applied) {
    const floorNote = a.fen < a.candidate.offFen ? ` (only ${yuan(a.fen)} used: the amount cannot go below zero)` : '';
    const why = a.candidate.why;
    const adjustment: Adjustment = { source: a.candidate.promo.id, kind: a.candidate.promo.kind, fen: a.fen, reason: a.candidate.reason + floorNote };
    if (why) {
      adjustment.code = why.code;
      adjustment.params = a.fen < a.candidate.offFen ? { ...why.params, usedFen: a.fen } : why.params;
    }
    adjustments.push(adjustment);
    a.perLine.forEach((fen, i) => {
      if (a.candidate.lineIdx.includes(i)) allocations[i]?.push({ source: a.candidate.promo.id, fen });
    });
  }
  for (const c of candidates) {
    if (chosen.includes(c)) continue;
    const rule = legalCombination([...chosen, c]);
    const others = chosen.map((x) => x.promo.id).join(', ');
    if (!rule.ok) {
      rejected.push({
        source: c.promo.id,
        reason: `${c.promo.id}: not combined with ${others}: ${rule.reason}; the chosen combination is cheaper for the buyer`,
        code: 'not-combined',
        params: { source: c.promo.id, others, rule: rule.rule, subject: rule.subject },
      });
    } else {
      rejected.push({ source: c.promo.id, reason: `${c.promo.id}: a cheaper combination for the buyer exists without it`, code: 'cheaper-without', params: { source: c.promo.id } });
    }
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
        code: 'points.redeemed',
        params: { points: r.points, fen: r.fen, pointsPerYuan: input.points.pointsPerYuan, capFen: input.points.capFen },
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
    noteCodes: noteCodes[i] ?? [],
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
  if (!inWindow(g.window, nowMs)) return void rejected.push({ source: g.id, reason: `${g.id}: gift offer not valid at this moment`, code: 'gift.outside-window', params: { source: g.id } });
  if (eligibleFen === 0 || eligibleFen < g.thresholdFen) {
    return void rejected.push({ source: g.id, reason: `${g.id}: gift needs ${yuan(g.thresholdFen)} of eligible items, cart has ${yuan(eligibleFen)}`,
      code: 'gift.below',
      params: { source: g.id, thresholdFen: g.thresholdFen, eligibleFen },
    });
  }
  if (g.giftStock < g.quantity) {
    return void rejected.push({ source: g.id, reason: `${g.id}: the gift ${g.giftSkuId} is out of stock; the order goes through without it`,
      code: 'gift.out-of-stock',
      params: { source: g.id, giftSkuId: g.giftSkuId },
    });
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
