import { beforeAll, describe, expect, it } from 'vitest';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER, signInForm, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * The console's orders and fulfilment pages in a real Chromium against `onair start --demo`:
 * viewers buy and pay through the sandbox (over HTTP); the owner ships from the fulfilment queue
 * (the form refuses a bad tracking number, the full address is shown on request), then walks a
 * return through approve, receive and refund in the order panel.
 */
const en = messages('en');
interface OrderReply {
  order: { id: string; lines: { id: string }[] };
  payment: { checkoutUrl: string };
}

describe.skipIf(!need('chromium'))('console orders and fulfilment (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-orders-' });
  const screenshot = useScreenshots('orders console e2e');
  let origin = '';
  let toShip = '';
  let delivered = '';

  const call = async <T = unknown>(method: string, path: string, who: { cookie: string; csrf: string } | null, body?: unknown): Promise<T> => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(who ? { cookie: who.cookie, ...(method !== 'GET' ? { 'x-csrf-token': who.csrf } : {}) } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };

  beforeAll(async () => {
    origin = app.onair.origin;
    const { signin, cookie } = await signInOwnerApi(origin, DEMO_OWNER, app.onair.ownerPassword);
    const owner = { cookie, csrf: ((await signin.json()) as { csrfToken: string }).csrfToken };
    const sessions = await call<{ items: { id: string; status: string }[] }>('GET', '/api/console/sessions?limit=20', owner);
    const session = sessions.items.find((s) => s.status === 'live' || s.status === 'scheduled')!;
    const products = await call<{ items: { skus: { id: string; stock: number }[] }[] }>('GET', '/api/console/products', owner);
    const sku = products.items.flatMap((p) => p.skus).find((s) => s.stock > 10)!;
    const res = await fetch(`${origin}/api/viewer/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: 'Console buyer', password: 'viewer-password-1' }) });
    const buyer = { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
    const address = { name: '王五', phone: '13712345678', region: '北京市朝阳区', street: '建国路88号SOHO' };
    const buy = async (key: string, quantity: number) => {
      const lines = [{ skuId: sku.id, quantity }];
      const q = await call<{ pricing: { totalFen: number } }>('POST', `/api/live/${session.id}/cart/quote`, buyer, { lines, usePoints: false });
      const o = await call<OrderReply>('POST', `/api/live/${session.id}/orders`, buyer, { lines, usePoints: false, expectedTotalFen: q.pricing.totalFen, idempotencyKey: key, address });
      await call('POST', `/api/pay/sandbox/${o.payment.checkoutUrl.split('/').pop()}/complete`, null, { outcome: 'succeed' });
      return o.order;
    };
    toShip = (await buy('console-e2e-ship-1', 1)).id;
    const d = await buy('console-e2e-return-1', 2);
    delivered = d.id;
    await call('POST', `/api/console/orders/${delivered}/ship`, owner, { carrier: 'SF Express', trackingNo: 'SF0000000042' });
    await call('POST', `/api/viewer/orders/${delivered}/confirm-receipt`, buyer, {});
    await call('POST', `/api/viewer/orders/${delivered}/returns`, buyer, { lines: [{ lineId: d.lines[0]!.id, quantity: 1 }], reason: 'too big' });
  });

  it('logistics ships from the queue; the order panel walks a return to its refund', async () => {
    const page = await app.newPage();
    await page.goto(`${origin}/console/signin`);
    await signInForm(page, DEMO_OWNER, app.onair.ownerPassword);
    await page.waitForURL(/\/console\/(?!signin)/);

    await page.getByTestId('console-nav').getByText(msg(en, 'nav.fulfilment')).click();
    const row = page.locator(`[data-testid="fulfilment-row"][data-order-id="${toShip}"]`);
    await row.waitFor();
    expect(await row.textContent()).not.toContain('建国路');
    await row.getByTestId('fulfilment-reveal').click();
    await expect.poll(() => row.getByTestId('fulfilment-full-address').textContent()).toContain('建国路88号SOHO');
    await row.getByTestId('fulfilment-ship').click();
    await page.getByTestId('ship-tracking').fill('no way!');
    await page.getByTestId('ship-submit').click();
    await expect.poll(() => page.getByTestId('field-error-trackingNo').textContent()).toContain(msg(en, 'orders.console.fulfilment.trackingInvalid'));
    await page.getByTestId('ship-tracking').fill('SF1234567890');
    await page.getByTestId('ship-submit').click();
    await row.waitFor({ state: 'detached' });
    await screenshot(page, 'fulfilment-after-ship');

    await page.goto(`${origin}/console/orders`);
    const orderRow = page.locator(`[data-testid="order-row"][data-order-id="${delivered}"]`);
    await orderRow.getByTestId('order-open').click();
    const drawer = page.getByTestId('order-drawer');
    await drawer.getByTestId('order-history').waitFor();
    expect(await drawer.getByTestId('order-masked-address').textContent()).toBe('王* 137****5678 北京市朝阳区…');
    await drawer.getByTestId('return-approve').click();
    await drawer.getByTestId('return-receive').click();
    await drawer.getByTestId('return-refund').click();
    await expect.poll(() => drawer.getByTestId('order-refunds').textContent()).toContain(msg(en, 'orders.console.detail.refundForReturn'));
    await expect.poll(() => drawer.getByTestId('order-return').textContent()).toContain(msg(en, 'orders.console.returnStatus.refunded'));
    await screenshot(page, 'order-drawer-refunded');
  }, 60_000);
});
