import { z } from 'zod';

/**
 * Promotion definitions and the registered condition/action objects that validate them
 * (in the manner of Vendure's `config/promotion`): every definition's args are checked by a
 * zod schema before pricing, and the same schemas can draw the console forms.
 */

const fen = z.number().int().nonnegative();
const instant = z.union([z.number().int(), z.iso.datetime({ offset: true })]);

export const windowSchema = z
  .object({ from: instant, to: instant })
  .refine((w) => toMs(w.from) < toMs(w.to), { message: 'window.from must be before window.to' });
export type Window = z.infer<typeof windowSchema>;

export const scopeSchema = z.object({
  skuIds: z.array(z.string()).optional(),
  productIds: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});
/** No list given = every line. Otherwise a line matches if any list names it. */
export type Scope = z.infer<typeof scopeSchema>;

const base = {
  id: z.string().min(1),
  window: windowSchema,
  scope: scopeSchema.default({}),
  priority: z.number().int().default(0),
};

export const itemPromotionSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('time-limited-price'), priceFen: fen }),
  z.object({ ...base, kind: z.literal('item-discount'), percentOff: z.number().int().min(1).max(100), maxOffFenPerUnit: fen.optional() }),
  z.object({
    ...base,
    kind: z.literal('flash-sale'),
    priceFen: fen,
    perBuyerLimit: z.number().int().positive(),
    stockLeft: z.number().int().nonnegative().optional(),
  }),
]);
export type ItemPromotion = z.output<typeof itemPromotionSchema>;

const tier = z.object({ thresholdFen: z.number().int().positive(), offFen: fen });

const orderBase = { ...base, exclusive: z.boolean().default(false) };

export const orderPromotionSchema = z.discriminatedUnion('kind', [
  z.object({
    ...orderBase,
    kind: z.literal('threshold'),
    /** 'tiers': the highest tier met; 'repeating': 每满 tiers[0] repeated, up to capFen. */
    mode: z.enum(['tiers', 'repeating']),
    tiers: z.array(tier).min(1),
    capFen: fen.optional(),
  }),
  z.object({
    ...orderBase,
    kind: z.literal('coupon'),
    issuer: z.enum(['store', 'platform']),
    discount: z.discriminatedUnion('type', [
      z.object({ type: z.literal('fixed'), offFen: fen }),
      z.object({ type: z.literal('percent'), percentOff: z.number().int().min(1).max(100), maxOffFen: fen.optional() }),
    ]),
    thresholdFen: fen.default(0),
    fansOnly: z.boolean().default(false),
    stackable: z.object({ withThreshold: z.boolean(), withOtherCoupons: z.boolean() }).default({ withThreshold: true, withOtherCoupons: true }),
  }),
]);
export type OrderPromotion = z.output<typeof orderPromotionSchema>;
export type OrderPromotionInput = z.input<typeof orderPromotionSchema>;

export const giftPromotionSchema = z.object({
  ...base,
  kind: z.literal('gift'),
  giftSkuId: z.string().min(1),
  quantity: z.number().int().positive().default(1),
  thresholdFen: fen.default(0),
  giftStock: z.number().int().nonnegative(),
});
export type GiftPromotion = z.output<typeof giftPromotionSchema>;

export function toMs(t: number | string): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

export function inWindow(w: Window, nowMs: number): boolean {
  return toMs(w.from) <= nowMs && nowMs < toMs(w.to);
}

/** A registered condition: a code, an args schema, and a pure check. */
export interface ConditionDefinition<A extends z.ZodType> {
  readonly code: string;
  readonly description: string;
  readonly args: A;
  check(args: z.output<A>, ctx: { eligibleFen: number; nowMs: number; isFan: boolean }): boolean;
}

/** A registered action: a code, an args schema, and a pure execute returning fen off. */
export interface ActionDefinition<A extends z.ZodType> {
  readonly code: string;
  readonly description: string;
  readonly args: A;
  execute(args: z.output<A>, ctx: { eligibleFen: number }): number;
}

function defineCondition<A extends z.ZodType>(d: ConditionDefinition<A>): ConditionDefinition<A> {
  return d;
}
function defineAction<A extends z.ZodType>(d: ActionDefinition<A>): ActionDefinition<A> {
  return d;
}

export const conditions = {
  minimumSpend: defineCondition({
    code: 'minimum-spend',
    description: 'Eligible lines add up to at least the threshold (activity prices)',
    args: z.object({ thresholdFen: fen }),
    check: (a, ctx) => ctx.eligibleFen >= a.thresholdFen,
  }),
  inWindow: defineCondition({
    code: 'in-window',
    description: 'The pricing moment falls inside the window [from, to)',
    args: windowSchema,
    check: (a, ctx) => inWindow(a, ctx.nowMs),
  }),
  fansOnly: defineCondition({
    code: 'fans-only',
    description: 'Only buyers who follow the store',
    args: z.object({ fansOnly: z.boolean() }),
    check: (a, ctx) => !a.fansOnly || ctx.isFan,
  }),
} as const;

export const actions = {
  tieredAmountOff: defineAction({
    code: 'tiered-amount-off',
    description: '满减: the highest tier met takes its amount off',
    args: z.object({ tiers: z.array(tier).min(1) }),
    execute: (a, ctx) => a.tiers.filter((t) => t.thresholdFen <= ctx.eligibleFen).reduce((m, t) => Math.max(m, t.offFen), 0),
  }),
  repeatingAmountOff: defineAction({
    code: 'repeating-amount-off',
    description: '每满: every full threshold takes the amount off, up to an optional cap',
    args: z.object({ thresholdFen: z.number().int().positive(), offFen: fen, capFen: fen.optional() }),
    execute: (a, ctx) => {
      const off = Math.floor(ctx.eligibleFen / a.thresholdFen) * a.offFen;
      return a.capFen === undefined ? off : Math.min(off, a.capFen);
    },
  }),
  fixedAmountOff: defineAction({
    code: 'fixed-amount-off',
    description: 'A fixed amount off the eligible lines',
    args: z.object({ offFen: fen }),
    execute: (a) => a.offFen,
  }),
  percentOff: defineAction({
    code: 'percent-off',
    description: 'A percentage off the eligible lines, rounded half up to a fen, then capped',
    args: z.object({ percentOff: z.number().int().min(1).max(100), maxOffFen: fen.optional() }),
    execute: (a, ctx) => {
      const raw = Math.floor((ctx.eligibleFen * a.percentOff + 50) / 100);
      return a.maxOffFen === undefined ? raw : Math.min(raw, a.maxOffFen);
    },
  }),
} as const;

export const promotionDefinitionsSchema = z.object({
  item: z.array(itemPromotionSchema).default([]),
  order: z.array(orderPromotionSchema).default([]),
  gifts: z.array(giftPromotionSchema).default([]),
});
export type PromotionDefinitions = z.output<typeof promotionDefinitionsSchema>;

export type ValidationResult =
  | { ok: true; value: PromotionDefinitions }
  | { ok: false; errors: { path: string; message: string }[] };

/** Validates raw definitions (e.g. from the console or the store) before pricing. */
export function validatePromotions(raw: unknown): ValidationResult {
  const parsed = promotionDefinitionsSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  const ids = new Set<string>();
  const errors: { path: string; message: string }[] = [];
  const all = [...parsed.data.item, ...parsed.data.order, ...parsed.data.gifts];
  all.forEach((p) => {
    if (ids.has(p.id)) errors.push({ path: p.id, message: `duplicate promotion id ${p.id}` });
    ids.add(p.id);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: parsed.data };
}
