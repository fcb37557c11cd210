import { z } from 'zod';

/**
 * Requests and replies of the promotions module: promotion definitions (console), coupon
 * templates and wallets, and the cart quote (the price the cart drawer shows and the
 * checkout charges). Money is integer fen.
 */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with time zone' });
const fen = z.number().int('expected a whole number of fen').min(0, 'expected at least 0').max(100_000_000, 'expected at most 100000000');

export const promotionKinds = ['time-limited-price', 'item-discount', 'threshold', 'gift'] as const;
export const promotionStatuses = ['draft', 'active', 'paused', 'ended'] as const;

// --- promotions ----------------------------------------------------------------------
/** Absolute ({from, to}) or relative to going live ({relative: {fromMinutes, toMinutes}}): exactly one. */
export const promotionWindowBody = z
  .strictObject({
    from: isoDate.optional(),
    to: isoDate.optional(),
    relative: z
      .strictObject({
        fromMinutes: z.number().int().min(0).max(10_080),
        toMinutes: z.number().int().min(1).max(10_080),
      })
      .optional(),
  })
  .superRefine((w, ctx) => {
    if (w.relative) {
      if (w.from !== undefined || w.to !== undefined) ctx.addIssue({ code: 'custom', path: ['relative'], message: 'give either from/to or relative, not both' });
      else if (w.relative.fromMinutes >= w.relative.toMinutes) ctx.addIssue({ code: 'custom', path: ['relative', 'toMinutes'], message: 'must be after fromMinutes' });
      return;
    }
    if (w.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'required (or give relative)' });
    if (w.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'required (or give relative)' });
    if (w.from !== undefined && w.to !== undefined && Date.parse(w.from) >= Date.parse(w.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });
export const promotionScopeBody = z.strictObject({
  skuIds: z.array(id).max(200).optional(),
  productIds: z.array(id).max(200).optional(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
});

const promotionFields = {
  name: z.string().trim().min(1, 'required').max(80, 'expected at most 80 characters'),
  window: promotionWindowBody,
  scope: promotionScopeBody,
  priority: z.number().int().min(-100).max(100),
  exclusive: z.boolean(),
  /** The kind's arguments; their schema is GET /api/console/promotions/kinds. */
  args: z.record(z.string(), z.unknown()),
};
export const createPromotionBody = z.strictObject({
  ...promotionFields,
  kind: z.enum(promotionKinds),
  /** null: every session of the brand. */
  sessionId: id.nullable(),
  scope: promotionFields.scope.default({}),
  priority: promotionFields.priority.default(0),
  exclusive: promotionFields.exclusive.default(false),
  status: z.enum(['draft', 'active']).default('draft'),
});
export const updatePromotionBody = z
  .strictObject({
    name: promotionFields.name.optional(),
    window: promotionFields.window.optional(),
    scope: promotionFields.scope.optional(),
    priority: promotionFields.priority.optional(),
    exclusive: promotionFields.exclusive.optional(),
    args: promotionFields.args.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'expected at least one field to change' });
export const promotionStatusBody = z.strictObject({ status: z.enum(['active', 'paused', 'ended']) });
export const promotionListQuery = z.strictObject({
  /** A session's promotions and its brand's brand-wide ones; without it, every promotion. */
  sessionId: id.optional(),
  status: z.enum(promotionStatuses).optional(),
});
export const promotionSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(promotionKinds),
  status: z.enum(promotionStatuses),
  sessionId: z.string().nullable(),
  sessionTitle: z.string().nullable(),
  brandId: z.string().nullable(),
  window: z.object({ from: z.string().optional(), to: z.string().optional(), relative: z.object({ fromMinutes: z.number(), toMinutes: z.number() }).optional() }),
  /** Relative windows resolved from the session's live start (null until it goes live, or brand-wide). */
  resolvedWindow: z.object({ from: z.string(), to: z.string() }).nullable(),
  scope: z.object({ skuIds: z.array(z.string()).optional(), productIds: z.array(z.string()).optional(), tags: z.array(z.string()).optional() }),
  priority: z.number().int(),
  exclusive: z.boolean(),
  args: z.record(z.string(), z.unknown()),
  isDemo: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PromotionDto = z.infer<typeof promotionSchema>;
export const promotionListReply = z.object({ items: z.array(promotionSchema) });

const localized = z.object({ en: z.string(), 'zh-CN': z.string() });
export const promotionKindSchema = z.object({
  kind: z.enum(promotionKinds),
  level: z.enum(['item', 'order', 'gift']),
  canBeExclusive: z.boolean(),
  label: localized,
  description: localized,
  /** JSON Schema (draft 2020-12) of the kind's args: the console draws its form from it. */
  argsSchema: z.record(z.string(), z.unknown()),
});
export const promotionKindsReply = z.object({
  items: z.array(promotionKindSchema),
  /** How kinds combine (PRICING.md), shown beside the form. */
  stacking: z.array(localized),
});

// --- coupons -------------------------------------------------------------------------
export const couponTemplateFields = {
  name: z.string().trim().min(1, 'required').max(80, 'expected at most 80 characters'),
  issuer: z.enum(['store', 'platform']),
  discountType: z.enum(['fixed', 'percent']),
  offFen: fen.optional(),
  percentOff: z.number().int().min(1).max(100).optional(),
  maxOffFen: fen.optional(),
  thresholdFen: fen,
  validFrom: isoDate,
  validTo: isoDate,
  totalQuantity: z.number().int().min(1).max(1_000_000),
  perViewerLimit: z.number().int().min(1).max(100),
  fansOnly: z.boolean(),
  stackWithThreshold: z.boolean(),
  stackWithCoupons: z.boolean(),
  exclusive: z.boolean(),
  priority: z.number().int().min(-100).max(100),
  scope: promotionScopeBody,
};
export const createCouponTemplateBody = z.strictObject({
  ...couponTemplateFields,
  issuer: couponTemplateFields.issuer.default('store'),
  thresholdFen: couponTemplateFields.thresholdFen.default(0),
  perViewerLimit: couponTemplateFields.perViewerLimit.default(1),
  fansOnly: couponTemplateFields.fansOnly.default(false),
  stackWithThreshold: couponTemplateFields.stackWithThreshold.default(true),
  stackWithCoupons: couponTemplateFields.stackWithCoupons.default(true),
  exclusive: couponTemplateFields.exclusive.default(false),
  priority: couponTemplateFields.priority.default(0),
  scope: couponTemplateFields.scope.default({}),
});
export const updateCouponTemplateBody = z
  .strictObject({
    name: couponTemplateFields.name.optional(),
    validTo: couponTemplateFields.validTo.optional(),
    totalQuantity: couponTemplateFields.totalQuantity.optional(),
    perViewerLimit: couponTemplateFields.perViewerLimit.optional(),
    stackWithThreshold: couponTemplateFields.stackWithThreshold.optional(),
    stackWithCoupons: couponTemplateFields.stackWithCoupons.optional(),
    exclusive: couponTemplateFields.exclusive.optional(),
    priority: couponTemplateFields.priority.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'expected at least one field to change' });
export const couponTemplateStatusBody = z.strictObject({ status: z.enum(['active', 'paused']) });
/** What a coupon gives and when: shared by the template and every coupon issued from it. */
const couponTermsShape = {
  name: z.string(),
  issuer: z.enum(['store', 'platform']),
  discountType: z.enum(['fixed', 'percent']),
  offFen: z.number().int().nullable(),
  percentOff: z.number().int().nullable(),
  maxOffFen: z.number().int().nullable(),
  thresholdFen: z.number().int(),
  validFrom: z.string(),
  validTo: z.string(),
};
export const couponTemplateSchema = z.object({
  id: z.string(),
  ...couponTermsShape,
  totalQuantity: z.number().int(),
  issuedCount: z.number().int(),
  usedCount: z.number().int(),
  perViewerLimit: z.number().int(),
  fansOnly: z.boolean(),
  stackWithThreshold: z.boolean(),
  stackWithCoupons: z.boolean(),
  exclusive: z.boolean(),
  priority: z.number().int(),
  scope: promotionScopeBody,
  status: z.enum(['active', 'paused']),
  isDemo: z.boolean(),
  createdAt: z.string(),
});
export type CouponTemplateDto = z.infer<typeof couponTemplateSchema>;
export const couponTemplateListReply = z.object({ items: z.array(couponTemplateSchema) });

export const issueCouponsBody = z
  .strictObject({
    viewerIds: z.array(id).max(500).default([]),
    nicknames: z.array(z.string().trim().min(1).max(40)).max(500).default([]),
  })
  .refine((b) => b.viewerIds.length + b.nicknames.length > 0, { message: 'name at least one viewer (id or nickname)', path: ['viewerIds'] });
export const issueToWinnersBody = z.strictObject({ drawId: id, viewerIds: z.array(id).min(1).max(1000) });
export const issueByFanLevelBody = z.strictObject({ minLevel: z.number().int().min(1).max(100) });
export const issueSkipReasons = ['UNKNOWN_VIEWER', 'LIMIT_REACHED', 'SOLD_OUT', 'ALREADY_ISSUED'] as const;
export const issueReply = z.object({
  issued: z.number().int(),
  couponIds: z.array(z.string()),
  skipped: z.array(z.object({ viewer: z.string(), reason: z.enum(issueSkipReasons) })),
});
export type IssueResult = z.infer<typeof issueReply>;

export const couponStatuses = ['issued', 'reserved', 'used', 'expired'] as const;
export const walletCouponSchema = z.object({
  id: z.string(),
  templateId: z.string(),
  ...couponTermsShape,
  fansOnly: z.boolean(),
  /** 'expired': still issued but past its validity window. */
  status: z.enum(couponStatuses),
  viewerId: z.string(),
  viewerNickname: z.string().nullable(),
  orderId: z.string().nullable(),
  source: z.string(),
  issuedAt: z.string(),
});
export type WalletCoupon = z.infer<typeof walletCouponSchema>;
export const couponListQuery = z.strictObject({
  /** A viewer id or nickname. */
  viewer: z.string().trim().min(1).max(64).optional(),
  templateId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const couponListReply = z.object({ items: z.array(walletCouponSchema) });
export const viewerWalletReply = z.object({ coupons: z.array(walletCouponSchema), points: z.number().int() });

// --- cart quote ------------------------------------------------------------------------
export const MAX_QUOTE_LINES = 50;
export const MAX_LINE_QUANTITY = 99;
export const quoteBody = z.strictObject({
  lines: z
    .array(
      z.strictObject({
        skuId: id,
        quantity: z.number().int('expected a whole number').min(1, 'expected at least 1').max(MAX_LINE_QUANTITY, `expected at most ${MAX_LINE_QUANTITY}`),
        flashSaleId: id.optional(),
        /** A held reservation of this flash sale: priced at the flash price for its units. */
        reservationId: id.optional(),
      }),
    )
    .min(1, 'expected at least one line')
    .max(MAX_QUOTE_LINES, `expected at most ${MAX_QUOTE_LINES} lines`),
  usePoints: z.boolean().default(false),
  /** Only these wallet coupons (checkout with chosen coupons); an expired or used one is a 400 naming it. Omit to let pricing choose. */
  couponIds: z.array(id).max(20).optional(),
});

/** The machine form of a reason (code + params, money in fen): optional, quotes and orders from before it have only the sentence. */
const reasonParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
const pricingResultSchema = z.object({
  currency: z.literal('CNY'),
  lines: z.array(
    z.object({
      lineId: z.string(),
      regularFen: z.number().int(),
      activityFen: z.number().int(),
      allocations: z.array(z.object({ source: z.string(), fen: z.number().int() })),
      paidFen: z.number().int(),
      notes: z.array(z.string()),
      noteCodes: z.array(z.object({ code: z.string(), params: reasonParamsSchema })).optional(),
      itemSource: z.string().nullable(),
      promotedUnits: z.number().int(),
    }),
  ),
  adjustments: z.array(z.object({ source: z.string(), kind: z.enum(['item', 'threshold', 'coupon', 'points']), fen: z.number().int(), reason: z.string(), code: z.string().optional(), params: reasonParamsSchema.optional() })),
  rejected: z.array(z.object({ source: z.string(), reason: z.string(), code: z.string().optional(), params: reasonParamsSchema.optional() })),
  totalFen: z.number().int(),
  pointsUsed: z.number().int(),
  gifts: z.array(z.object({ source: z.string(), skuId: z.string(), quantity: z.number().int(), fen: z.literal(0) })),
  nextTier: z.object({ spendMoreFen: z.number().int(), getOffFen: z.number().int(), source: z.string() }).optional(),
});
export const cartQuoteSchema = z.object({
  currency: z.literal('CNY'),
  lines: z.array(
    z.object({
      lineId: z.string(),
      skuId: z.string(),
      productId: z.string(),
      title: z.string(),
      skuName: z.string(),
      image: z.string().nullable(),
      unitPriceFen: z.number().int(),
      quantity: z.number().int(),
      flashSaleId: z.string().nullable(),
      flashUnits: z.number().int(),
    }),
  ),
  pricing: pricingResultSchema,
  couponIds: z.array(z.string()),
  pointsUsed: z.number().int(),
  gifts: z.array(z.object({ source: z.string(), skuId: z.string(), title: z.string(), quantity: z.number().int() })),
  /** Source id (promotion, coupon, 'points') -> a name people read ("满100减10", "¥20 coupon"). */
  sourceNames: z.record(z.string(), z.string()).optional(),
  pricedAt: z.string(),
});
