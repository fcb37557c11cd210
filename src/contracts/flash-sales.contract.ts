import { z } from 'zod';

/** Flash sales (整点抢购): console and audience routes of the flash-sales module. */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
const isoDate = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with time zone' });

export const flashSaleStatuses = ['scheduled', 'open', 'closed', 'cancelled'] as const;
export const flashSaleStatusSchema = z.enum(flashSaleStatuses);

export const flashSaleParams = z.object({ id, saleId: id });

export const createFlashSaleBody = z.strictObject({
  skuId: id,
  /** The flash price of one unit, in fen (below the SKU's list price). */
  priceFen: z.number({ error: 'expected an integer number of fen' }).int('expected an integer number of fen').min(0, 'expected 0 or more fen').max(100_000_000),
  /** Units set aside from the SKU's stock for this sale. */
  units: z.number({ error: 'expected a whole number of units' }).int('expected a whole number of units').min(1, 'expected at least 1 unit').max(1_000_000),
  perBuyerLimit: z.number({ error: 'expected a whole number' }).int('expected a whole number').min(1, 'expected at least 1').max(1000),
  /** When it opens; omitted: the next full hour (整点). */
  startsAt: isoDate.optional(),
  /** Open at once instead of at startsAt. */
  openNow: z.boolean().default(false),
  durationMinutes: z.number({ error: 'expected a whole number of minutes' }).int('expected a whole number of minutes').min(1, 'expected at least 1 minute').max(1440, 'expected at most 1440 minutes (a day)'),
});
export type CreateFlashSaleInput = z.output<typeof createFlashSaleBody>;

export const flashSaleSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  skuId: z.string(),
  productId: z.string(),
  title: z.string(),
  skuName: z.string(),
  image: z.string().nullable(),
  priceFen: z.number().int(),
  regularPriceFen: z.number().int(),
  currency: z.literal('CNY'),
  perBuyerLimit: z.number().int(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: flashSaleStatusSchema,
  /** Units left in the pool now (claims in flight count as taken). */
  left: z.number().int(),
  total: z.number().int(),
  /** Units given back to the SKU's stock (unsold at close, released after it). */
  returned: z.number().int(),
  createdAt: z.string(),
});
export type FlashSaleDto = z.infer<typeof flashSaleSchema>;
export const flashSaleListReply = z.object({ items: z.array(flashSaleSchema), now: z.number().int().describe('server time, ms since epoch (for countdowns)') });

/** What the audience sees of a sale (GET /api/live/:id/flash-sales). */
export const publicFlashSaleSchema = flashSaleSchema.pick({
  id: true,
  skuId: true,
  productId: true,
  title: true,
  skuName: true,
  image: true,
  priceFen: true,
  regularPriceFen: true,
  perBuyerLimit: true,
  startsAt: true,
  endsAt: true,
  status: true,
  left: true,
  total: true,
}).extend({
  /** Signed-in viewers only: units this buyer holds from the sale (reserved, unpaid or paid); absent for guests. */
  yours: z.number().int().min(0).optional(),
  /** Signed-in viewers only: their reservation still waiting for checkout, if any (null: none). */
  reservation: z.object({ id: z.string(), units: z.number().int(), holdUntil: z.string() }).nullable().optional(),
});
export type PublicFlashSale = z.infer<typeof publicFlashSaleSchema>;
export const publicFlashSalesReply = z.object({
  sales: z.array(publicFlashSaleSchema),
  /** Server time (ms since epoch): the client counts down against it, the server sends no per-second ticks. */
  now: z.number().int(),
});

// --- grabbing a unit: pass, claim (reservation), checkout --------------------------------------

/** Header carrying a flash pass on a claim (instead of the viewer cookie and CSRF header). */
export const FLASH_PASS_HEADER = 'x-flash-pass';

/**
 * POST /api/live/:id/flash-sales/:saleId/pass (signed-in viewer): a short-lived signed pass to
 * grab units of this sale. The room fetches it during the countdown, so the storm on the hour
 * needs no sign-in lookup; sign-out or a disabled account voids it.
 */
export const flashPassReply = z.object({
  pass: z.string(),
  expiresAt: z.string(),
  /** Server time, ms since epoch. */
  now: z.number().int(),
});

export const flashReservationStatuses = ['held', 'ordered', 'released', 'expired'] as const;
export const flashClaimParams = z.object({ id, saleId: id, reservationId: id });

/**
 * POST /api/live/:id/flash-sales/:saleId/claims: grab units. Authenticated by the x-flash-pass
 * header, or by the viewer cookie with x-csrf-token. The same idempotencyKey returns the same
 * reservation (200). Refusals are 409 with error.code SOLD_OUT, LIMIT_REACHED or NOT_OPEN.
 */
export const flashClaimBody = z.strictObject({
  quantity: z.number({ error: 'expected a whole number of units' }).int('expected a whole number of units').min(1, 'expected at least 1 unit').max(99, 'expected at most 99 units').default(1),
  idempotencyKey: z.string().min(8, 'expected 8 to 64 characters').max(64, 'expected 8 to 64 characters').regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _'),
});
export type FlashClaimInput = z.output<typeof flashClaimBody>;

/** Units held for one buyer at the flash price until holdUntil; the checkout turns it into an order. */
export const flashReservationSchema = z.object({
  id: z.string(),
  flashSaleId: z.string(),
  sessionId: z.string(),
  skuId: z.string(),
  units: z.number().int(),
  priceFen: z.number().int(),
  status: z.enum(flashReservationStatuses),
  holdUntil: z.string(),
  orderId: z.string().nullable(),
  createdAt: z.string(),
});
export type FlashReservationDto = z.infer<typeof flashReservationSchema>;
export const flashClaimReply = z.object({ reservation: flashReservationSchema, replayed: z.boolean() });
