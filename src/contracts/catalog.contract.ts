import { z } from 'zod';

/**
 * Catalog and session-shelf API shapes (shared by the server routes and the web app).
 * Money is integer fen with a currency; stock is an integer count; no floats anywhere.
 * Self-contained on purpose: api.contract.ts re-exports the product shapes from here.
 */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
const fen = z.number({ error: 'expected an integer number of fen' }).int('expected an integer number of fen').min(0, 'expected 0 or more fen').max(100_000_000_00, 'expected at most ¥100,000,000');
const stockCount = z.number({ error: 'expected an integer' }).int('expected an integer').min(0, 'expected 0 or more').max(10_000_000, 'expected at most 10,000,000');
const text = (max: number) => z.string().trim().max(max, `expected at most ${max} characters`);
const imageUrl = z
  .string()
  .trim()
  .max(500, 'expected at most 500 characters')
  .regex(/^(https?:\/\/[^\s]+|\/[^\s]*)$/, 'expected an http(s) URL or a path starting with /');

export const currencySchema = z.enum(['CNY']);

// --- products as the console sees them ------------------------------------------------
export const skuSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  attrs: z.record(z.string(), z.string()),
  priceFen: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
});
export const productSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  tags: z.array(z.string()),
  images: z.array(z.string()),
  brandId: z.string().nullable(),
  brandName: z.string().nullable(),
  isDemo: z.boolean(),
  archived: z.boolean(),
  updatedAt: z.string(),
  skus: z.array(skuSchema),
});
export type ProductDto = z.infer<typeof productSchema>;
export const productListReply = z.object({ items: z.array(productSchema) });
export const productListQuery = z.strictObject({
  q: z.string().trim().max(100, 'expected at most 100 characters').optional(),
  status: z.enum(['active', 'archived', 'all']).default('active'),
});
export const productParams = z.object({ id });
export const skuParams = z.object({ id });

export const brandListReply = z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) });

const skuAttrs = z
  .record(z.string().trim().min(1, 'expected a name').max(40, 'expected at most 40 characters'), text(80))
  .refine((r) => Object.keys(r).length <= 10, { message: 'expected at most 10 attributes' });
const skuCode = z
  .string()
  .trim()
  .min(1, 'required')
  .max(64, 'expected at most 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, . _ or -');

export const newSkuBody = z.strictObject({
  code: skuCode,
  name: text(80).min(1, 'required'),
  attrs: skuAttrs.default({}),
  priceFen: fen,
  currency: currencySchema.default('CNY'),
  stock: stockCount,
});
export const productFields = {
  title: text(120).min(1, 'required'),
  description: text(4000).default(''),
  brandId: id.nullable().default(null),
  category: text(60).default(''),
  tags: z.array(text(30).min(1, 'expected a tag')).max(20, 'expected at most 20 tags').default([]),
  images: z.array(imageUrl).max(10, 'expected at most 10 images').default([]),
};
export const createProductBody = z.strictObject({
  ...productFields,
  skus: z.array(newSkuBody).min(1, 'expected at least one SKU').max(50, 'expected at most 50 SKUs'),
});
/**
 * The whole SKU list of a product. Existing SKUs carry their id; SKUs without one are added.
 * A SKU cannot be removed (orders refer to it): set its stock to 0 instead. `expectedStock`
 * is the stock the editor saw: the change applies only if nobody sold a unit meanwhile
 * (409 STOCK_CHANGED otherwise), so a hand edit never overwrites a sale.
 */
const skuList = z
  .array(
    newSkuBody.extend({
      id: id.optional(),
      expectedStock: stockCount.optional(),
    }),
  )
  .min(1, 'expected at least one SKU')
  .max(50, 'expected at most 50 SKUs');
export const putSkusBody = z.strictObject({ skus: skuList });

/**
 * A product edit. With `skus` (the same list PUT .../skus takes) the fields and the SKU list are
 * saved in one transaction: either all of it applies or none of it does.
 */
export const updateProductBody = z
  .strictObject({
    title: productFields.title.optional(),
    description: text(4000).optional(),
    brandId: id.nullable().optional(),
    category: text(60).optional(),
    tags: z.array(text(30).min(1, 'expected a tag')).max(20, 'expected at most 20 tags').optional(),
    images: z.array(imageUrl).max(10, 'expected at most 10 images').optional(),
    archived: z.boolean().optional(),
    skus: skuList.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'expected at least one field to change' });

export const priceHistoryReply = z.object({
  skuId: z.string(),
  currentPriceFen: z.number().int(),
  currency: z.string(),
  /** The lowest unit price actually charged in the 7 days before now (null: none charged). */
  lowestCharged7dFen: z.number().int().nullable(),
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['list', 'charged']),
      priceFen: z.number().int(),
      currency: z.string(),
      orderId: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
export type PriceHistory = z.infer<typeof priceHistoryReply>;

// --- the session shelf ---------------------------------------------------------------------
export const pinnedSchema = z.object({ productId: z.string(), since: z.string() }).nullable();

export const consoleShelfReply = z.object({
  items: z.array(
    z.object({
      productId: z.string(),
      position: z.number().int(),
      addedAt: z.string(),
      title: z.string(),
      image: z.string().nullable(),
      archived: z.boolean(),
      skuCount: z.number().int(),
      minPriceFen: z.number().int().nullable(),
      stock: z.number().int(),
    }),
  ),
  pinned: pinnedSchema,
});
export type ConsoleShelf = z.infer<typeof consoleShelfReply>;
export const putShelfBody = z.strictObject({
  productIds: z
    .array(id)
    .max(200, 'expected at most 200 products')
    .refine((ids) => new Set(ids).size === ids.length, { message: 'expected each product once' }),
});
export const pinProductBody = z.strictObject({ productId: id.nullable() });
export const pinReply = z.object({ pinned: pinnedSchema });

export const explanationsReply = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      productId: z.string(),
      title: z.string(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      /** Whole seconds; for an open explanation, until now. */
      seconds: z.number().int(),
    }),
  ),
  totals: z.array(z.object({ productId: z.string(), title: z.string(), times: z.number().int(), seconds: z.number().int() })),
});
export type Explanations = z.infer<typeof explanationsReply>;

/** Honest stock: `left` only when the state is 'low', and then it is the true count. */
export const stockStateSchema = z.union([
  z.object({ state: z.literal('in_stock') }),
  z.object({ state: z.literal('low'), left: z.number().int().min(1) }),
  z.object({ state: z.literal('sold_out') }),
]);
export type StockState = z.infer<typeof stockStateSchema>;
export const liveShelfQuery = z.strictObject({
  invite: z.string().min(4).max(32).regex(/^[A-Za-z0-9]+$/, 'expected an invite code').optional(),
});
export const liveShelfReply = z.object({
  products: z.array(
    z.object({
      productId: z.string(),
      title: z.string(),
      description: z.string(),
      image: z.string().nullable(),
      position: z.number().int(),
      skus: z.array(z.object({ skuId: z.string(), name: z.string(), priceFen: z.number().int(), currency: z.string(), stock: stockStateSchema })),
    }),
  ),
  pinned: pinnedSchema,
});
export type LiveShelf = z.infer<typeof liveShelfReply>;
