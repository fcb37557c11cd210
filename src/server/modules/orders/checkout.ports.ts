import type { Kysely } from 'kysely';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { CartQuote, FlashPriceSource, QuoteRequest } from '../promotions/cart-quote.types.js';
import { price } from '../promotions/core/pricing-engine.js';

/**
 * What checkout needs from the promotions module (pricing, coupons, points), as ports: the
 * app wires the promotions service in; until then (and in tests of orders alone) the
 * stand-ins below price at list price (plus open flash sales), hold no coupons and no points.
 */
export interface CheckoutPricing {
  quote(ctx: Ctx, req: QuoteRequest): Promise<CartQuote>;
}

export interface CouponHolds {
  /** Marks the buyer's issued coupons as held by this order (single use); false if one is no longer usable. */
  reserve(trx: Kysely<DB>, buyerId: string, couponIds: readonly string[], orderId: string): Promise<boolean>;
  /** The order was cancelled or expired: the coupons are usable again. */
  release(trx: Kysely<DB>, buyerId: string, couponIds: readonly string[], orderId: string): Promise<void>;
  /** The order was paid: the coupons are used for good. */
  consume(trx: Kysely<DB>, buyerId: string, couponIds: readonly string[], orderId: string): Promise<void>;
}

export interface PointsSpending {
  /** Takes `points` from the buyer's balance for this order; false when the balance is short. */
  spend(trx: Kysely<DB>, buyerId: string, points: number, orderId: string): Promise<boolean>;
  /** Gives them back (order cancelled or expired before shipping). */
  refund(trx: Kysely<DB>, buyerId: string, points: number, orderId: string): Promise<void>;
}

export const noCoupons: CouponHolds = {
  reserve: async (_trx, _buyer, couponIds) => couponIds.length === 0,
  release: async () => undefined,
  consume: async () => undefined,
};

export const noPoints: PointsSpending = {
  spend: async (_trx, _buyer, points) => points === 0,
  refund: async () => undefined,
};

/**
 * List prices plus open flash sales, through the same pure engine, no coupons or points:
 * the stand-in until the promotions service is wired in.
 */
export function listPricePricing(deps: { catalog: CatalogService; flash: FlashPriceSource; nowMs: () => number }): CheckoutPricing {
  return {
    async quote(_ctx, req) {
      const snaps = await deps.catalog.skuSnapshots(req.lines.map((l) => l.skuId));
      const nowMs = deps.nowMs();
      const flash = req.sessionId ? await deps.flash.flashPromotions(req.sessionId, req.lines.map((l) => l.skuId), req.buyerId, nowMs) : { promotions: [], purchasedQty: {}, flashSaleIdByPromotionId: {} };
      const lines = req.lines.map((l, i) => {
        const s = snaps.get(l.skuId);
        if (!s) throw new RangeError(`unknown SKU ${l.skuId}`);
        return { lineId: `l${i + 1}`, skuId: l.skuId, productId: s.productId, unitPriceFen: s.priceFen, quantity: l.quantity, tags: s.tags };
      });
      // Flash prices apply only to the lines bought from that sale's card.
      const item = flash.promotions.filter((p) => {
        const saleId = flash.flashSaleIdByPromotionId[p.id];
        return req.lines.some((l) => l.flashSaleId !== undefined && l.flashSaleId === saleId);
      });
      const pricing = price({ lines, buyer: { id: req.buyerId ?? 'guest', purchasedQty: flash.purchasedQty }, promotions: { item, order: [], gifts: [] }, nowMs });
      return {
        currency: 'CNY',
        lines: req.lines.map((l, i) => {
          const s = snaps.get(l.skuId)!;
          const priced = pricing.lines[i]!;
          const flashUnits = l.flashSaleId && priced.activityFen < priced.regularFen ? l.quantity : 0;
          return {
            lineId: lines[i]!.lineId,
            skuId: l.skuId,
            productId: s.productId,
            title: s.title,
            skuName: s.skuName,
            image: s.image,
            unitPriceFen: s.priceFen,
            quantity: l.quantity,
            flashSaleId: flashUnits > 0 ? (l.flashSaleId ?? null) : null,
            flashUnits,
          };
        }),
        pricing,
        couponIds: [],
        pointsUsed: 0,
        gifts: [],
        pricedAt: new Date(nowMs).toISOString(),
      };
    },
  };
}
