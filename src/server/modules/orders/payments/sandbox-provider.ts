import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CheckoutOrder, PaymentEvent, PaymentProvider, RefundResult, VerifyResult } from './payment-provider.port.js';

export const SANDBOX_SIGNATURE_HEADER = 'onair-sandbox-signature';
/** A signed webhook older or newer than this is refused (replays of old captures, clock skew). */
export const SANDBOX_TOLERANCE_SECONDS = 300;

/**
 * The built-in sandbox: no money moves. Its hosted test checkout page (/pay/sandbox/<ref>)
 * lets the buyer choose success or failure; the sandbox then sends a webhook signed like a
 * real provider's (HMAC-SHA256 over "<unix seconds>.<raw body>", header
 * `onair-sandbox-signature: t=<unix>,v1=<hex>`), which goes through the same verification
 * as any other.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';
  constructor(
    private readonly secret: Buffer,
    private readonly nowMs: () => number,
  ) {
    if (secret.length < 32) throw new RangeError('the sandbox webhook secret must be at least 32 bytes');
  }

  async createCheckout(_order: CheckoutOrder): Promise<{ providerRef: string; checkoutUrl: string }> {
    const providerRef = `sbx_${randomBytes(18).toString('base64url')}`;
    return { providerRef, checkoutUrl: this.checkoutUrlFor(providerRef) };
  }

  checkoutUrlFor(providerRef: string): string {
    return `/pay/sandbox/${providerRef}`;
  }

  async refund(_providerRef: string, _amountFen: number): Promise<RefundResult> {
    return { ok: true, refundRef: `sbr_${randomBytes(12).toString('base64url')}` };
  }

  /** A webhook as the sandbox's own server would send it. */
  signedWebhook(event: PaymentEvent): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(event);
    return { body, headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: this.sign(body, Math.floor(this.nowMs() / 1000)) } };
  }

  sign(body: string, unixSeconds: number): string {
    return `t=${unixSeconds},v1=${createHmac('sha256', this.secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
  }

  verifyWebhook(rawBody: string, headers: Record<string, string | string[] | undefined>): VerifyResult {
    const header = headers[SANDBOX_SIGNATURE_HEADER];
    if (typeof header !== 'string') return { ok: false, reason: `missing ${SANDBOX_SIGNATURE_HEADER} header` };
    const parts = new Map(header.split(',').map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as const));
    const t = parts.get('t');
    const v1 = parts.get('v1');
    if (!t || !/^\d{1,12}$/.test(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed signature header' };
    const age = Math.abs(Math.floor(this.nowMs() / 1000) - Number(t));
    if (age > SANDBOX_TOLERANCE_SECONDS) return { ok: false, reason: 'signature timestamp outside the tolerance' };
    const expected = createHmac('sha256', this.secret).update(`${t}.${rawBody}`).digest();
    const given = Buffer.from(v1, 'hex');
    // Constant time: both are 32 bytes (checked by the pattern above).
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
    const e = parsed as Partial<PaymentEvent>;
    if (
      typeof e.id !== 'string' ||
      (e.type !== 'payment.succeeded' && e.type !== 'payment.failed') ||
      typeof e.providerRef !== 'string' ||
      !Number.isSafeInteger(e.amountFen) ||
      typeof e.currency !== 'string'
    ) {
      return { ok: false, reason: 'event has an unexpected shape' };
    }
    return { ok: true, event: { id: e.id, type: e.type, providerRef: e.providerRef, amountFen: e.amountFen as number, currency: e.currency } };
  }
}

/** The webhook secret: the configured one, or derived from the signing secret (HMAC of a label); never a default. */
export function sandboxWebhookSecret(configured: string | undefined, signingSecret: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  return createHmac('sha256', signingSecret).update('onair/payments/sandbox-webhook/v1').digest();
}
