/**
 * How orders are paid: a port, so a real provider (Alipay, WeChat Pay, Stripe...) plugs in
 * beside the built-in sandbox. The orders service never trusts a webhook body it has not
 * verified through `verifyWebhook`.
 */

export interface CheckoutOrder {
  orderId: string;
  amountFen: number;
  currency: 'CNY';
  payBy: string;
}

export interface PaymentEvent {
  /** Unique per provider: a replayed event id is ignored. */
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  providerRef: string;
  amountFen: number;
  currency: string;
}

export type VerifyResult = { ok: true; event: PaymentEvent } | { ok: false; reason: string };

export type RefundResult = { ok: true; refundRef: string } | { ok: false; reason: string };

export interface PaymentProvider {
  readonly name: string;
  createCheckout(order: CheckoutOrder): Promise<{ providerRef: string; checkoutUrl: string }>;
  /** Where the buyer pays a checkout made earlier (shown again on the order page). */
  checkoutUrlFor(providerRef: string): string;
  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): VerifyResult;
  refund(providerRef: string, amountFen: number): Promise<RefundResult>;
}
