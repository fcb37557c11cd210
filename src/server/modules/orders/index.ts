export { OrdersService, chargedUnitPrices } from './orders.service.js';
export { orderRoutes } from './orders.routes.js';
export { AddressCipher, resolveDataKey } from './address-cipher.js';
export { SandboxPaymentProvider, sandboxWebhookSecret } from './payments/sandbox-provider.js';
export type { PaymentProvider } from './payments/payment-provider.port.js';
export { listPricePricing, noCoupons, noPoints, type CheckoutPricing, type CouponHolds, type PointsSpending } from './checkout.ports.js';
export { noFlashClaims } from './no-flash-claims.js';
