import { describe, expect, it } from 'vitest';
import { SANDBOX_SIGNATURE_HEADER, SandboxPaymentProvider, sandboxWebhookSecret } from './sandbox-provider.js';

const event = { id: 'evt_1', type: 'payment.succeeded' as const, providerRef: 'sbx_x', amountFen: 1234, currency: 'CNY' };

describe('sandbox webhook signature (HMAC-SHA256)', () => {
  let now = 1_800_000_000_000;
  const p = new SandboxPaymentProvider(sandboxWebhookSecret(undefined, 'signing-secret'), () => now);

  it('verifies its own signed webhook', () => {
    const w = p.signedWebhook(event);
    expect(p.verifyWebhook(w.body, w.headers)).toEqual({ ok: true, event });
  });

  it('refuses a changed body, a wrong key, a missing or malformed header', () => {
    const w = p.signedWebhook(event);
    expect(p.verifyWebhook(w.body.replace('1234', '1'), w.headers)).toMatchObject({ ok: false, reason: 'signature does not match' });
    const other = new SandboxPaymentProvider(sandboxWebhookSecret(undefined, 'another-secret'), () => now);
    expect(other.verifyWebhook(w.body, w.headers)).toMatchObject({ ok: false });
    expect(p.verifyWebhook(w.body, {})).toMatchObject({ ok: false });
    expect(p.verifyWebhook(w.body, { [SANDBOX_SIGNATURE_HEADER]: 't=1,v1=zz' })).toMatchObject({ ok: false, reason: 'malformed signature header' });
  });

  it('refuses a timestamp outside the tolerance', () => {
    const w = p.signedWebhook(event);
    now += 301_000;
    expect(p.verifyWebhook(w.body, w.headers)).toMatchObject({ ok: false, reason: 'signature timestamp outside the tolerance' });
    now -= 301_000;
  });

  it('derives different secrets from different signing secrets, and uses a configured one as is', () => {
    expect(sandboxWebhookSecret(undefined, 'a').equals(sandboxWebhookSecret(undefined, 'b'))).toBe(false);
    expect(sandboxWebhookSecret('x'.repeat(32), 'a').toString()).toBe('x'.repeat(32));
  });
});
