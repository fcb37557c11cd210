import { z } from 'zod';

/**
 * The promotion kinds the console can create, as registered objects (in the manner of
 * Vendure's configurable operations): a code, the arguments schema (which also draws the
 * console form, sent as JSON Schema), labels, and how a stored row becomes an engine
 * definition. Flash sales are created by the flash-sales module; coupons by their templates.
 */

const fen = z.number().int().min(0).max(100_000_000);

export const promotionKindArgs = {
  'time-limited-price': z.strictObject({
    priceFen: fen.meta({ title: 'Price (fen)', description: 'Each unit costs this much inside the window' }),
  }),
  'item-discount': z.strictObject({
    percentOff: z.number().int().min(1).max(100).meta({ title: 'Percent off', description: 'Per unit, rounded half up to the fen' }),
    maxOffFenPerUnit: fen.optional().meta({ title: 'Cap per unit (fen)' }),
  }),
  threshold: z
    .strictObject({
      mode: z.enum(['tiers', 'repeating']).meta({ title: 'Mode', description: 'tiers: the highest tier met (满100减10, 满200减30); repeating: every full threshold (每满100减10)' }),
      tiers: z
        .array(
          z.strictObject({
            thresholdFen: z.number().int().min(1).max(100_000_000).meta({ title: 'Spend (fen)' }),
            offFen: fen.meta({ title: 'Off (fen)' }),
          }),
        )
        .min(1)
        .max(10)
        .meta({ title: 'Tiers' }),
      capFen: fen.optional().meta({ title: 'Cap (fen)', description: 'At most this much off in total' }),
    })
    .superRefine((a, ctx) => {
      a.tiers.forEach((t, i) => {
        if (t.offFen >= t.thresholdFen) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'offFen'], message: 'must be less than the spend it needs' });
      });
      if (a.mode === 'repeating' && a.tiers.length !== 1) ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'a repeating offer has exactly one tier' });
      const seen = new Set<number>();
      a.tiers.forEach((t, i) => {
        if (seen.has(t.thresholdFen)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'thresholdFen'], message: 'two tiers with the same spend' });
        seen.add(t.thresholdFen);
      });
    }),
  gift: z.strictObject({
    giftSkuId: z.string().min(1).max(64).meta({ title: 'Gift SKU id', description: 'A catalog SKU; its own stock is the gift stock' }),
    quantity: z.number().int().min(1).max(10).default(1).meta({ title: 'Quantity' }),
    thresholdFen: fen.default(0).meta({ title: 'Spend at least (fen)' }),
  }),
} as const;

export type PromotionKind = keyof typeof promotionKindArgs;
export const promotionKinds = Object.keys(promotionKindArgs) as PromotionKind[];
export type PromotionKindArgs<K extends PromotionKind> = z.output<(typeof promotionKindArgs)[K]>;

export interface KindInfo {
  kind: PromotionKind;
  /** item: sets a line's activity price; order: 满减 on the eligible total; gift: a zero-price line. */
  level: 'item' | 'order' | 'gift';
  /** Only order-level offers can exclude the others (PRICING.md: exclusive promotions exclude each other). */
  canBeExclusive: boolean;
  label: { en: string; 'zh-CN': string };
  description: { en: string; 'zh-CN': string };
}

export const kindInfo: Record<PromotionKind, KindInfo> = {
  'time-limited-price': {
    kind: 'time-limited-price',
    level: 'item',
    canBeExclusive: false,
    label: { en: 'Time-limited price', 'zh-CN': '限时价' },
    description: { en: 'A lower unit price inside a window, absolute or from going live ("first 30 minutes").', 'zh-CN': '时段内的单品优惠价，可按绝对时间或开播后时段（如“开播前 30 分钟”）。' },
  },
  'item-discount': {
    kind: 'item-discount',
    level: 'item',
    canBeExclusive: false,
    label: { en: 'Item discount', 'zh-CN': '单品折扣' },
    description: { en: 'A percentage off each unit, optionally capped per unit.', 'zh-CN': '每件按百分比优惠，可设每件封顶。' },
  },
  threshold: {
    kind: 'threshold',
    level: 'order',
    canBeExclusive: true,
    label: { en: 'Spend threshold (满减)', 'zh-CN': '满减' },
    description: { en: 'Tiers (满100减10, 满200减30) or repeating (每满100减10) with an optional cap.', 'zh-CN': '阶梯满减（满100减10、满200减30）或每满减（每满100减10），可设封顶。' },
  },
  gift: {
    kind: 'gift',
    level: 'gift',
    canBeExclusive: false,
    label: { en: 'Gift with purchase', 'zh-CN': '满赠' },
    description: { en: 'A gift SKU (its own stock) when the eligible items reach a spend.', 'zh-CN': '满额赠送赠品（赠品 SKU 有自己的库存）。' },
  },
};

/** Each kind's arguments as JSON Schema, for the console form. */
export function kindsForConsole(): (KindInfo & { argsSchema: Record<string, unknown> })[] {
  return promotionKinds.map((k) => ({ ...kindInfo[k], argsSchema: z.toJSONSchema(promotionKindArgs[k], { io: 'input' }) as Record<string, unknown> }));
}

/** Validates a kind's arguments; issues carry paths relative to the args object. */
export function parseKindArgs(kind: PromotionKind, raw: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; issues: { path: string; message: string }[] } {
  const r = promotionKindArgs[kind].safeParse(raw);
  if (r.success) return { ok: true, value: r.data as Record<string, unknown> };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
}
