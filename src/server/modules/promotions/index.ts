export { PromotionsService, noFans, type FanLevelSource } from './promotions.service.js';
export { promotionRoutes } from './promotions.routes.js';
export { MemoryPointsLedger, SqlPointsLedger, type PointsLedger } from './points-ledger.port.js';
export { noFlashSales, type CartQuote, type FlashPriceSource, type QuoteRequest } from './cart-quote.types.js';
