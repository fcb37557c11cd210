import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { price } from '../../src/server/modules/promotions/core/pricing-engine.js';
import { promotionDefinitionsSchema } from '../../src/server/modules/promotions/core/promotion-registry.js';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * Item 10's browser test: in a real Chromium against the real `onair start --demo` process, a
 * signed-in viewer opens a live session that has products on its shelf, a 满减 offer and an open
 * flash sale; sees the flash card (countdown, units left), buys now, sees the explained price
 * (the flash-price note on the line, the 满减 adjustment with its reason, and the total the
 * pricing engine computes), pays in the sandbox, and finds the order paid with the same total;
 * the card's units left went down by one and, the sale being one per person, tells the buyer they
 * have bought their limit instead of offering "Buy now". Then the same page at phone width, without errors.
 */
const en = messages('en');

const FLASH_PRICE_FEN = 12_800; // the Longjing 100 g tin, ¥168 list price
const FLASH_UNITS = 30;
const TIERS = [
  { thresholdFen: 10_000, offFen: 1_000 },
  { thresholdFen: 20_000, offFen: 3_000 },
];

describe.skipIf(!need('chromium'))('flash-sale purchase in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-flash-browser-' });
  const screenshot = useScreenshots('flash-sale browser e2e', 'onair-flash-shots-');
  let origin = '';
  let sessionId = '';
  let flashSaleId = '';
  let skuId = '';
  let listPriceFen = 0;
  let expectedTotalFen = 0;
  let promoName = '';
  let promoId = '';
  let gaiwanSkuId = '';
  let gaiwanPriceFen = 0;
  let api: Awaited<ReturnType<typeof ownerApi>>;

  /** The owner's console API: cookie plus the CSRF token for writes. */
  async function ownerApi() {
    const { signin, cookie } = await signInOwnerApi(origin, OWNER, app.onair.ownerPassword);
    expect(signin.status).toBe(200);
    const { csrfToken } = (await signin.json()) as { csrfToken: string };
    return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${origin}${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    };
  }

  beforeAll(async () => {
    origin = app.onair.origin;
    api = await ownerApi();

    // A live session of its own, with three demo products on the shelf.
    const products = await api<{ items: { id: string; title: string; skus: { id: string; code: string; priceFen: number }[] }[] }>('GET', '/api/console/products');
    const longjing = products.items.find((p) => p.skus.some((s) => s.code === 'DEMO-LJ-100'));
    const gaiwan = products.items.find((p) => p.skus.some((s) => s.code === 'DEMO-GW-BL'));
    const sampler = products.items.find((p) => p.skus.some((s) => s.code === 'DEMO-SMP-6'));
    expect(longjing && gaiwan && sampler).toBeTruthy();
    const sku = longjing!.skus.find((s) => s.code === 'DEMO-LJ-100')!;
    skuId = sku.id;
    listPriceFen = sku.priceFen;
    const blue = gaiwan!.skus.find((s) => s.code === 'DEMO-GW-BL')!;
    gaiwanSkuId = blue.id;
    gaiwanPriceFen = blue.priceFen;

    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'Flash sale e2e 秒杀测试', theme: 'launch', visibility: 'public', plannedMinutes: 60 });
    sessionId = session.id;
    await api('PUT', `/api/console/sessions/${sessionId}/shelf`, { productIds: [longjing!.id, gaiwan!.id, sampler!.id] });
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'live' });

    // 满100减10, 满200减30 on everything, for the next two hours.
    const now = Date.now();
    promoName = '满100减10 满200减30';
    const promo = await api<{ id: string }>('POST', '/api/console/promotions', {
      name: promoName,
      kind: 'threshold',
      sessionId,
      window: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 2 * 3_600_000).toISOString() },
      args: { mode: 'tiers', tiers: TIERS },
      status: 'active',
    });
    promoId = promo.id;

    // The flash sale, open now for 30 minutes: 30 units at ¥128, one per buyer.
    const sale = await api<{ id: string } | { sale: { id: string } }>('POST', `/api/console/sessions/${sessionId}/flash-sales`, {
      skuId,
      priceFen: FLASH_PRICE_FEN,
      units: FLASH_UNITS,
      perBuyerLimit: 1,
      openNow: true,
      durationMinutes: 30,
    });
    flashSaleId = 'sale' in sale ? sale.sale.id : sale.id;

    // The engine's own answer for one unit bought from the flash sale.
    const defs = promotionDefinitionsSchema.parse({
      item: [{ id: 'flash', kind: 'flash-sale', window: { from: now - 60_000, to: now + 1_800_000 }, priceFen: FLASH_PRICE_FEN, perBuyerLimit: 1, stockLeft: FLASH_UNITS }],
      order: [{ id: 'mj', kind: 'threshold', mode: 'tiers', tiers: TIERS, window: { from: now - 60_000, to: now + 7_200_000 } }],
      gifts: [],
    });
    const priced = price({ lines: [{ lineId: 'l1', skuId, productId: longjing!.id, unitPriceFen: listPriceFen, quantity: 1 }], buyer: { id: 'b' }, promotions: defs, nowMs: now });
    expectedTotalFen = priced.totalFen;
    expect(expectedTotalFen).toBe(FLASH_PRICE_FEN - 1_000);
  }, 60_000);

  async function signUpViewer(page: Page, nickname: string): Promise<void> {
    const res = await page.request.post(`${origin}/api/viewer/signup`, { data: { nickname, password: 'flash-sale-pass' } });
    expect(res.status()).toBe(201);
  }

  const flashCard = (page: Page) => page.locator(`[data-testid="flash-card"][data-flash-id="${flashSaleId}"]`);
  const unitsLeft = async (page: Page) => Number(await flashCard(page).getByTestId('flash-left').getAttribute('data-left'));

  it('a viewer buys now from the flash card, sees why it costs what it costs, pays in the sandbox, and the order is paid', async () => {
    const page = await app.newPage();
    // Another viewer (a guest) watches the same room: the units left change there live.
    const watcher = await app.newPage({ width: 390 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await watcher.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await flashCard(watcher).waitFor();
      await signUpViewer(page, `flash ${Math.random().toString(36).slice(2, 7)}`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await page.locator('[data-testid="viewer-mode"][data-mode="viewer"]').waitFor();

      // The flash card: open, a countdown to its end, the honest units left, the limit, both prices.
      const card = flashCard(page);
      await card.and(page.locator('[data-phase="open"]')).waitFor();
      const countdown = (await card.getByTestId('flash-countdown').textContent()) ?? '';
      expect(countdown).toMatch(/^Ends in (2\d|30|1\d):\d\d$/);
      const before = await unitsLeft(page);
      expect(before).toBe(FLASH_UNITS);
      expect((await card.getByTestId('flash-left').textContent())?.trim()).toBe(msg(en, 'flash.viewer.left', { left: String(FLASH_UNITS), total: String(FLASH_UNITS) }));
      expect((await card.getByTestId('flash-limit').textContent())?.trim()).toBe(msg(en, 'flash.viewer.limit_one', { count: '1' }));
      expect(Number(await card.getByTestId('flash-price').getAttribute('data-fen'))).toBe(FLASH_PRICE_FEN);
      expect(Number(await card.getByTestId('flash-regular').getAttribute('data-fen'))).toBe(listPriceFen);
      // The countdown moves.
      await page.waitForFunction(
        `document.querySelector('[data-flash-id="${flashSaleId}"] [data-testid="flash-countdown"]')?.textContent !== ${JSON.stringify(countdown)}`,
        undefined,
        { timeout: 5_000 },
      );
      await screenshot(page, 'room-flash-card');

      // The cart drawer explains the price before checkout too.
      await card.getByTestId('flash-buy').click();
      await page.waitForURL(/\/live\/[^/]+\/checkout$/);
      const explanation = page.getByTestId('checkout-explanation');
      await explanation.waitFor();

      // The line: the regular price crossed out, the flash price, and the engine's note.
      const line = explanation.getByTestId('explain-line');
      expect(await line.count()).toBe(1);
      expect(Number(await line.getByTestId('line-activity').getAttribute('data-fen'))).toBe(FLASH_PRICE_FEN);
      expect(await line.getByTestId('line-note').first().textContent()).toContain('flash-sale price ¥128.00');
      // Two adjustments: the flash price on the item, then 满100减10 with its reason.
      const item = explanation.locator('[data-testid="adjustment"][data-kind="item"]');
      expect(Number(await item.getAttribute('data-fen'))).toBe(listPriceFen - FLASH_PRICE_FEN);
      const threshold = explanation.locator('[data-testid="adjustment"][data-kind="threshold"]');
      expect(Number(await threshold.getAttribute('data-fen'))).toBe(1_000);
      const reason = (await threshold.getByTestId('adjustment-reason').textContent()) ?? '';
      expect(reason).toContain('spend ¥100.00 get ¥10.00 off');
      expect(await threshold.textContent()).toContain(promoName);
      // The total is the engine's, and the next tier is offered.
      expect(Number(await explanation.getByTestId('explain-total').getAttribute('data-fen'))).toBe(expectedTotalFen);
      const nudge = explanation.getByTestId('next-tier');
      expect(Number(await nudge.getAttribute('data-spend-more'))).toBe(20_000 - FLASH_PRICE_FEN);
      expect(Number(await nudge.getAttribute('data-get-off'))).toBe(3_000);
      expect((await nudge.textContent())?.trim()).toBe(msg(en, 'orders.viewer.explain.nextTier', { more: '¥72.00', off: '¥30.00' }));

      // The address form checks the phone before sending.
      await page.getByTestId('address-name').fill('张三');
      await page.getByTestId('address-phone').fill('12345');
      await page.getByTestId('address-region').fill('浙江省 杭州市 西湖区');
      await page.getByTestId('address-street').fill('龙井路 1 号');
      await page.getByTestId('checkout-pay').click();
      await page.getByTestId('field-error-phone').waitFor();
      expect(page.url()).toMatch(/\/checkout$/);
      await page.getByTestId('address-phone').fill('13800138000');
      const pay = page.getByTestId('checkout-pay');
      expect((await pay.textContent())?.trim()).toBe(msg(en, 'orders.viewer.checkout.pay', { total: '¥118.00' }));
      await screenshot(page, 'checkout');
      // A double click still makes one order (same idempotency key, button disabled in flight).
      await pay.dblclick();

      // The sandbox checkout: labelled, the same amount.
      await page.waitForURL(/\/pay\/sandbox\/[^/]+$/);
      await page.getByTestId('sandbox-banner').waitFor();
      expect((await page.getByTestId('sandbox-banner').textContent())?.trim()).toBe(msg(en, 'orders.viewer.sandbox.banner'));
      expect(Number(await page.getByTestId('sandbox-amount').getAttribute('data-fen'))).toBe(expectedTotalFen);
      await screenshot(page, 'sandbox');
      await page.getByTestId('sandbox-pay').click();

      // The order page: paid, the same total, the flash line.
      await page.waitForURL(/\/orders\/[^/?]+/);
      await page.locator('[data-testid="order-detail"][data-status="paid"]').waitFor({ timeout: 15_000 });
      expect(Number(await page.getByTestId('order-total').getAttribute('data-fen'))).toBe(expectedTotalFen);
      const lines = page.getByTestId('order-line');
      expect(await lines.count()).toBe(1);
      expect(Number(await lines.first().getAttribute('data-paid-fen'))).toBe(expectedTotalFen);
      await page.locator('[data-testid="order-explanation"] [data-testid="adjustment"][data-kind="threshold"]').waitFor();
      await screenshot(page, 'order-paid');

      // The watcher's card went down by one without a reload (the room's flash event).
      await expect.poll(() => unitsLeft(watcher), { timeout: 5_000 }).toBe(before - 1);

      // One order in my orders, and the flash card shows one unit fewer.
      await page.goto(`${origin}/orders`);
      await page.getByTestId('orders-list').waitFor();
      expect(await page.getByTestId('order-row').count()).toBe(1);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await flashCard(page).waitFor();
      await expect.poll(() => unitsLeft(page), { timeout: 5_000 }).toBe(before - 1);
      // The buyer holds the sale's one unit per person (the server's `yours`): no "Buy now", a link to the orders.
      const reached = flashCard(page).getByTestId('flash-limit-reached');
      await reached.waitFor();
      expect(await reached.getAttribute('data-yours')).toBe('1');
      expect((await reached.textContent())?.trim()).toBe(`${msg(en, 'flash.viewer.limitReached_one', { count: '1' })} ${msg(en, 'flash.viewer.myOrders')}`);
      const buy = flashCard(page).getByTestId('flash-buy');
      expect(await buy.isDisabled()).toBe(true);
      expect(await buy.getAttribute('data-limit-reached')).toBe('yes');
      expect((await buy.textContent())?.trim()).toBe(msg(en, 'flash.viewer.limitReachedButton'));
      expect(await flashCard(page).getByTestId('flash-my-orders').getAttribute('href')).toBe('/orders');
      await screenshot(page, 'room-flash-limit-reached');
      // The guest watching still sees "Buy now" (the limit is this buyer's, not the sale's).
      expect(await flashCard(watcher).getByTestId('flash-buy').getAttribute('data-limit-reached')).toBe('no');
      expect(await flashCard(watcher).getByTestId('flash-limit-reached').count()).toBe(0);
      // The cart was emptied by the order.
      expect(await page.getByTestId('cart-button').getAttribute('data-count')).toBe('0');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await watcher.context().close();
    }
  }, 120_000);

  it('the same room at phone width: flash card and cart drawer, no page errors, nothing wider than the screen', async () => {
    const page = await app.newPage({ width: 375, height: 740 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      await signUpViewer(page, `phone ${Math.random().toString(36).slice(2, 7)}`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await flashCard(page).and(page.locator('[data-phase="open"]')).waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await screenshot(page, 'phone-room');
      // A regular item in the cart: the drawer prices it and offers the next tier.
      await page.evaluate(`localStorage.setItem(${JSON.stringify(`onair.cart.${sessionId}`)}, ${JSON.stringify(JSON.stringify([{ skuId, quantity: 1 }]))})`);
      await page.reload();
      await page.getByTestId('cart-button').click();
      const drawer = page.getByTestId('cart-drawer');
      await drawer.getByTestId('cart-explanation').waitFor();
      expect(Number(await drawer.getByTestId('explain-total').getAttribute('data-fen'))).toBe(listPriceFen - 1_000);
      await drawer.getByTestId('next-tier').waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      await screenshot(page, 'phone-cart');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('a price that changes before paying is shown again, explained, and paid only once confirmed', async () => {
    const page = await app.newPage();
    try {
      await signUpViewer(page, `change ${Math.random().toString(36).slice(2, 7)}`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await page.evaluate(`localStorage.setItem(${JSON.stringify(`onair.cart.${sessionId}`)}, ${JSON.stringify(JSON.stringify([{ skuId: gaiwanSkuId, quantity: 1 }]))})`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}/checkout`);
      const explanation = page.getByTestId('checkout-explanation');
      await explanation.waitFor();
      expect(Number(await explanation.getByTestId('explain-total').getAttribute('data-fen'))).toBe(gaiwanPriceFen - 1_000);
      await page.getByTestId('address-name').fill('李雷');
      await page.getByTestId('address-phone').fill('13900139000');
      await page.getByTestId('address-region').fill('上海市 徐汇区');
      await page.getByTestId('address-street').fill('漕溪北路 88 号');

      // The 满减 offer is paused while the buyer looks at the price: the order is refused, nothing is made.
      await api('POST', `/api/console/promotions/${promoId}/status`, { status: 'paused' });
      await page.getByTestId('checkout-pay').click();
      const problem = page.locator('[data-testid="checkout-problem"][data-kind="price-changed"]');
      await problem.waitFor();
      expect((await problem.textContent())?.trim()).toBe(msg(en, 'orders.viewer.checkout.priceChanged', { from: '¥178.00', to: '¥188.00' }));
      expect(Number(await explanation.getByTestId('explain-total').getAttribute('data-fen'))).toBe(gaiwanPriceFen);
      expect(await explanation.locator('[data-testid="adjustment"][data-kind="threshold"]').count()).toBe(0);
      expect(page.url()).toMatch(/\/checkout$/);
      const pay = page.getByTestId('checkout-pay');
      expect((await pay.textContent())?.trim()).toBe(msg(en, 'orders.viewer.checkout.confirmAndPay', { total: '¥188.00' }));
      await screenshot(page, 'price-changed');

      // Confirmed: the order is made at the new price.
      await pay.click();
      await page.waitForURL(/\/pay\/sandbox\/[^/]+$/);
      expect(Number(await page.getByTestId('sandbox-amount').getAttribute('data-fen'))).toBe(gaiwanPriceFen);
    } finally {
      await api('POST', `/api/console/promotions/${promoId}/status`, { status: 'active' });
      await page.context().close();
    }
  }, 60_000);
});
