import type { ItemPromotion } from './core/promotion-registry.js';
import type { PricingResult } from './core/pricing-engine.js';

/**
 * The contract between pricing (promotions module) and its users: the checkout flow prices a
 * cart with `PromotionsService.quote()`, and the flash-sales module feeds open flash sales in
 * through `FlashPriceSource`. The same quote is what the cart drawer shows, so the price the
 * buyer sees is the price the order charges (the checkout refuses a changed total).
 */

export interface QuoteRequest {
  /** The live session the cart belongs to (its promotions apply); null for none. */
  sessionId: string | null;
  /** The signed-in viewer (coupons, points, flash limits); null for a guest's preview. */
  buyerId: string | null;
  lines: readonly QuoteLineRequest[];
  /** Redeem points (up to the cap) when the buyer has some. */
  usePoints: boolean;
  /**
   * Only these wallet coupons (the buyer chose them). An unknown, used, expired or not yet
   * valid one is a 400 naming body.couponIds.N. Omitted: pricing picks the best usable ones.
   */
  couponIds?: readonly string[];
}

export interface QuoteLineRequest {
  skuId: string;
  quantity: number;
  /** Bought from this flash sale's card: its units are claimed from the sale's pool. */
  flashSaleId?: string;
  /** A reservation of that sale held by the buyer: its units are priced at the flash price. */
  reservationId?: string;
}

export interface QuotedLine {
  lineId: string;
  skuId: string;
  productId: string;
  title: string;
  skuName: string;
  image: string | null;
  /** List price of one unit now. */
  unitPriceFen: number;
  quantity: number;
  /** The flash sale whose price this line gets, and how many of its units are at that price. */
  flashSaleId: string | null;
  flashUnits: number;
}

export interface QuotedGift {
  source: string;
  skuId: string;
  title: string;
  quantity: number;
}

export interface CartQuote {
  currency: 'CNY';
  lines: QuotedLine[];
  /** The engine's full answer: every adjustment with its reason, every candidate left out and why, next tier. */
  pricing: PricingResult;
  /** Issued coupon ids (the buyer's wallet) that the chosen combination uses. */
  couponIds: string[];
  pointsUsed: number;
  /** Gifts the order will include (stock checked at quote time; re-checked at order time). */
  gifts: QuotedGift[];
  pricedAt: string;
  /** Source id (promotion, coupon, flash promotion, 'points') -> the name people read (console name, coupon name). */
  sourceNames?: Record<string, string>;
}

/** What the flash-sales module tells pricing about open flash sales (a port: pricing never reads flash tables). */
export interface FlashPriceSource {
  flashPromotions(
    sessionId: string,
    skuIds: readonly string[],
    buyerId: string | null,
    nowMs: number,
    /** The buyer's reservations named by the cart: their units are the buyer's at the flash price, even once the sale has sold out or closed. */
    reservationIds?: readonly string[],
  ): Promise<{
    /** kind 'flash-sale' item promotions, one per open sale, `stockLeft` = units left in its pool. */
    promotions: ItemPromotion[];
    /** Units of each SKU the buyer already holds from open sales (per-buyer limit). */
    purchasedQty: Record<string, number>;
    /** promotion id -> flash sale id */
    flashSaleIdByPromotionId: Record<string, string>;
  }>;
}

/** No flash sales (until the flash-sales module is wired in, and in tests of pricing alone). */
export const noFlashSales: FlashPriceSource = {
  flashPromotions: async () => ({ promotions: [], purchasedQty: {}, flashSaleIdByPromotionId: {} }),
};
