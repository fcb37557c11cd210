import { z } from 'zod';

/** Orders, checkout, payments, returns and fulfilment: request and reply schemas (shared with the web app). */

export const orderStatuses = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
export const returnStatuses = ['requested', 'approved', 'rejected', 'received', 'refunded'] as const;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
export const orderStatusSchema = z.enum(orderStatuses);
export const returnStatusSchema = z.enum(returnStatuses);

export const checkoutLineSchema = z.strictObject({
  skuId: id,
  quantity: z.number().int('expected a whole number of units').min(1, 'expected at least 1 unit').max(99, 'expected at most 99 units'),
  flashSaleId: id.optional(),
  /** A held reservation of this flash sale (from its claim): its units are this buyer's at the flash price. */
  reservationId: id.optional(),
});

export const addressSchema = z.strictObject({
  name: z.string().trim().min(1, 'required').max(40, 'expected at most 40 characters'),
  phone: z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'expected a phone number (digits, spaces or dashes)'),
  region: z.string().trim().min(2, 'expected at least 2 characters').max(80, 'expected at most 80 characters'),
  street: z.string().trim().min(2, 'expected at least 2 characters').max(200, 'expected at most 200 characters'),
});
export type AddressInput = z.infer<typeof addressSchema>;

export const checkoutBody = z.strictObject({
  lines: z.array(checkoutLineSchema).min(1, 'expected at least one line').max(50, 'expected at most 50 lines'),
  usePoints: z.boolean(),
  expectedTotalFen: z.number().int('expected a whole number of fen').min(0).max(1_000_000_000),
  idempotencyKey: z.string().min(8, 'expected 8 to 64 characters').max(64, 'expected 8 to 64 characters').regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, - or _'),
  address: addressSchema,
});
export type CheckoutBody = z.infer<typeof checkoutBody>;

export const allocationSchema = z.object({ source: z.string(), fen: z.number().int() });
export const orderLineSchema = z.object({
  id: z.string(),
  lineNo: z.number().int(),
  skuId: z.string(),
  productId: z.string(),
  title: z.string(),
  skuName: z.string(),
  quantity: z.number().int(),
  unitPriceFen: z.number().int(),
  activityFen: z.number().int(),
  paidFen: z.number().int(),
  allocations: z.array(allocationSchema),
  flashSaleId: z.string().nullable(),
  flashUnits: z.number().int(),
  isGift: z.boolean(),
  returnedQty: z.number().int(),
});
/** `code` + `params` (money in fen): the reason in machine form, so the page words it in the reader's language; absent on orders placed before reasons had codes. */
export const adjustmentSchema = z.object({
  source: z.string(),
  kind: z.string(),
  fen: z.number().int(),
  reason: z.string(),
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export const omittedGiftSchema = z.object({ skuId: z.string(), title: z.string(), quantity: z.number().int(), reason: z.string() });
export const returnLineSchema = z.object({ lineId: z.string(), quantity: z.number().int(), refundFen: z.number().int(), pointsFen: z.number().int().optional() });
export const orderReturnSchema = z.object({
  id: z.string(),
  status: returnStatusSchema,
  lines: z.array(returnLineSchema),
  refundFen: z.number().int(),
  /** Points given back with the refund (the returned units' share of the points redeemed). */
  pointsRefund: z.number().int(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const historyEntrySchema = z.object({
  id: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  actorKind: z.string(),
  /** The team member or viewer who acted (null for the buyer's own view, the system and the provider). */
  actorId: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
});
export const orderSchema = z.object({
  id: z.string(),
  sessionId: z.string().nullable(),
  status: orderStatusSchema,
  currency: z.string(),
  regularFen: z.number().int(),
  totalFen: z.number().int(),
  pointsUsed: z.number().int(),
  couponIds: z.array(z.string()),
  payBy: z.string(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  shippedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  carrier: z.string().nullable(),
  trackingNo: z.string().nullable(),
  /** Masked ("张* 138****5678 广东省深圳市…"); the full address only through the audited address routes. */
  addressMasked: z.string().nullable(),
  lines: z.array(orderLineSchema),
  adjustments: z.array(adjustmentSchema),
  /** Gifts the promotion offered that were out of stock when the order was placed: the order went through without them. */
  giftsOmitted: z.array(omittedGiftSchema),
  returns: z.array(orderReturnSchema),
  refundedFen: z.number().int(),
  /** The last day a return may be requested (delivered orders), else null. */
  returnBy: z.string().nullable(),
  /** Where to pay while the order waits for payment (the sandbox's test checkout), else null. */
  checkoutUrl: z.string().nullable(),
  /** The order's timeline (one order's view; lists leave it out). */
  history: z.array(historyEntrySchema).optional(),
});
export type OrderDto = z.infer<typeof orderSchema>;

export const checkoutReply = z.object({
  order: orderSchema,
  payment: z.object({ provider: z.string(), checkoutUrl: z.string() }),
  /** true when the idempotency key had already made this order (a retry). */
  replayed: z.boolean(),
});

export const orderListQuery = z.strictObject({
  status: orderStatusSchema.optional(),
  limit: z.coerce.number().int('expected an integer').min(1).max(100).default(50),
  cursor: id.optional(),
});
export const orderListReply = z.object({ items: z.array(orderSchema), nextCursor: z.string().nullable() });

export const consoleOrderListQuery = z.strictObject({
  status: orderStatusSchema.optional(),
  sessionId: id.optional(),
  q: z.string().trim().max(64, 'expected at most 64 characters').optional(),
  limit: z.coerce.number().int('expected an integer').min(1).max(100).default(50),
  cursor: id.optional(),
});
/** The CSV export: the list's filters, no paging (at most EXPORT_MAX_ROWS rows, newest first). */
export const orderExportQuery = z.strictObject({
  status: orderStatusSchema.optional(),
  sessionId: id.optional(),
  q: z.string().trim().max(64, 'expected at most 64 characters').optional(),
});
export const EXPORT_MAX_ROWS = 5000;
export const paymentSchema = z.object({
  id: z.string(),
  provider: z.string(),
  providerRef: z.string(),
  amountFen: z.number().int(),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const refundSchema = z.object({
  id: z.string(),
  returnId: z.string().nullable(),
  amountFen: z.number().int(),
  provider: z.string(),
  providerRef: z.string().nullable(),
  createdAt: z.string(),
});
export const consoleOrderSchema = orderSchema.extend({ buyerId: z.string(), buyerNickname: z.string().nullable(), version: z.number().int() });
export const consoleOrderListReply = z.object({ items: z.array(consoleOrderSchema), nextCursor: z.string().nullable() });
export const consoleOrderDetail = consoleOrderSchema.extend({
  history: z.array(historyEntrySchema),
  payments: z.array(paymentSchema),
  refunds: z.array(refundSchema),
});
export const fullAddressReply = addressSchema.extend({ orderId: z.string() });

export const cancelBody = z.strictObject({ reason: z.string().trim().min(1, 'required').max(200, 'expected at most 200 characters') });
export const viewerCancelBody = z.strictObject({ reason: z.string().trim().max(200, 'expected at most 200 characters').optional() });
export const returnRequestBody = z.strictObject({
  lines: z
    .array(z.strictObject({ lineId: id, quantity: z.number().int('expected a whole number of units').min(1, 'expected at least 1 unit').max(99) }))
    .min(1, 'expected at least one line')
    .max(50),
  reason: z.string().trim().max(200, 'expected at most 200 characters').optional(),
});
export const returnActionBody = z.strictObject({
  action: z.enum(['approve', 'reject', 'receive', 'refund']),
  note: z.string().trim().max(200, 'expected at most 200 characters').optional(),
});
export const returnParams = z.object({ id, returnId: id });
export const shipBody = z.strictObject({
  carrier: z.string().trim().min(2, 'expected at least 2 characters').max(40, 'expected at most 40 characters'),
  trackingNo: z
    .string()
    .trim()
    .min(6, 'expected 6 to 40 letters or digits')
    .max(40, 'expected 6 to 40 letters or digits')
    .regex(/^[A-Za-z0-9-]+$/, 'expected letters, digits or -'),
});
export const fulfilmentQuery = z.strictObject({
  limit: z.coerce.number().int('expected an integer').min(1).max(200).default(100),
});
export const fulfilmentReply = z.object({ items: z.array(consoleOrderSchema) });

export const sandboxRefParam = z.object({ ref: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected a payment reference') });
export const sandboxCheckoutReply = z.object({
  ref: z.string(),
  orderId: z.string(),
  amountFen: z.number().int(),
  currency: z.string(),
  paymentStatus: z.string(),
  orderStatus: orderStatusSchema,
  payBy: z.string(),
  lines: z.array(z.object({ title: z.string(), skuName: z.string(), quantity: z.number().int(), paidFen: z.number().int(), isGift: z.boolean() })),
});
export const sandboxCompleteBody = z.strictObject({ outcome: z.enum(['succeed', 'fail']) });
export const sandboxCompleteReply = z.object({ orderId: z.string(), orderStatus: orderStatusSchema, paymentStatus: z.string() });

export const webhookEventBody = z.strictObject({
  id: z.string().min(1).max(100),
  type: z.enum(['payment.succeeded', 'payment.failed']),
  providerRef: z.string().min(1).max(100),
  amountFen: z.number().int().min(0),
  currency: z.string().min(3).max(3),
});
export const webhookReply = z.object({ received: z.literal(true), duplicate: z.boolean() });
