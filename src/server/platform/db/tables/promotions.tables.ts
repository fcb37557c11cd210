/**
 * Tables of the promotions module (promotion definitions, coupon templates, issued coupons, points ledger).
 * Same conventions as db.types.ts: text ids, ISO-8601 UTC text timestamps, integer 0/1
 * booleans, integer fen for money, JSON as text. Created by migration 005-promotions.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PromotionTables {}
