import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { price } from '../../src/server/modules/promotions/core/pricing-engine.js';
import { promotionDefinitionsSchema } from '../../src/server/modules/promotions/core/promotion-registry.js';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * Item 10's browser test (grab -> reservation -> checkout, item 9a): in a real Chromium against
 * the real `onair start --demo` process, a signed-in viewer opens a live session that has products
 * on its shelf, a 满减 offer and an open flash sale; sees the flash card (countdown, units left),
 * grabs a unit (the claim carries the pass fetched during the countdown), sees it reserved with the
 * hold counting down (also after a reload), checks out with the reservation, sees the explained
 * price (the flash-price note on the line, the 满减 adjustment with its reason, and the total the
 * pricing engine computes), pays in the sandbox, and finds the order paid with the same total; the
 * card then tells the buyer they have bought their limit. A one-unit sale on the hour: the button
 * waits for the open, the other buyer sees it sold out until the unit is given back. A reservation
 * no longer held is refused at checkout with a way back to the room. The same room at phone width.
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

  it('a viewer grabs in the live room, sees it reserved (also after a reload), checks out with the reservation, pays in the sandbox, and the order is paid', async () => {
    const page = await app.newPage();
    // Another viewer (a guest) watches the same room: the units left change there live.
    const watcher = await app.newPage({ width: 390 });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const claims: { pass: string | undefined; body: string | null }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/flash-sales\/[^/]+\/claims$/.test(r.url())) claims.push({ pass: r.headers()['x-flash-pass'], body: r.postData() });
    });
    try {
      await watcher.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await flashCard(watcher).waitFor();
      // A guest is asked to sign in instead of grabbing.
      await flashCard(watcher).and(watcher.locator('[data-mode="guest"]')).waitFor();
      expect((await flashCard(watcher).getByTestId('flash-grab').textContent())?.trim()).toBe(msg(en, 'flash.viewer.signInToGrab'));
      await signUpViewer(page, `flash ${Math.random().toString(36).slice(2, 7)}`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await page.locator('[data-testid="viewer-mode"][data-mode="viewer"]').waitFor();

      // The flash card: open, a countdown to its end, the honest units left, the limit, both prices.
      const card = flashCard(page);
      await card.and(page.locator('[data-phase="open"][data-mode="open"]')).waitFor();
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

      // Grab it: one unit reserved for this buyer, a hold counting down (m:ss), check out or give back.
      const grab = card.getByTestId('flash-grab');
      expect((await grab.textContent())?.trim()).toBe(msg(en, 'flash.viewer.grab'));
      await grab.click();
      const reserved = card.getByTestId('flash-reserved');
      await reserved.waitFor();
      expect(await card.getAttribute('data-mode')).toBe('reserved');
      const reservationId = (await reserved.getAttribute('data-reservation-id')) ?? '';
      expect(reservationId).not.toBe('');
      expect(await reserved.getAttribute('data-units')).toBe('1');
      expect(await reserved.textContent()).toContain(msg(en, 'flash.viewer.reserved'));
      const hold = (await card.getByTestId('flash-hold').textContent()) ?? '';
      expect(hold).toMatch(/^(5:00|[0-4]:[0-5]\d)$/);
      await page.waitForFunction(
        `document.querySelector('[data-flash-id="${flashSaleId}"] [data-testid="flash-hold"]')?.textContent !== ${JSON.stringify(hold)}`,
        undefined,
        { timeout: 5_000 },
      );
      expect((await card.getByTestId('flash-reserved-detail').textContent())?.trim()).toBe(msg(en, 'flash.viewer.reservedDetail_one', { count: '1', price: '¥128.00' }));
      expect((await card.getByTestId('flash-checkout').textContent())?.trim()).toBe(msg(en, 'flash.viewer.checkout'));
      expect((await card.getByTestId('flash-give-back').textContent())?.trim()).toBe(msg(en, 'flash.viewer.giveBack'));
      // One grab, one quantity, with the pass fetched during the countdown and an idempotency key.
      expect(claims).toHaveLength(1);
      expect(claims[0]?.pass).toBeTruthy();
      expect(JSON.parse(claims[0]?.body ?? '{}')).toMatchObject({ quantity: 1, idempotencyKey: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/) as unknown });
      // The room sees one unit fewer (the watcher, without a reload).
      await expect.poll(() => unitsLeft(watcher), { timeout: 5_000 }).toBe(before - 1);
      await screenshot(page, 'room-flash-reserved');

      // A reload restores the reservation from the server (GET …/flash-sales `reservation`).
      await page.reload();
      await card.and(page.locator('[data-mode="reserved"]')).waitFor();
      expect(await card.getByTestId('flash-reserved').getAttribute('data-reservation-id')).toBe(reservationId);

      // Check out: the checkout carries the reservation, and explains the price.
      await card.getByTestId('flash-checkout').click();
      await page.waitForURL(/\/live\/[^/]+\/checkout$/);
      const held = page.getByTestId('checkout-reservation');
      await held.waitFor();
      expect(await held.getAttribute('data-reservation-id')).toBe(reservationId);
      expect(await held.textContent()).toMatch(/Reserved for you at the flash price: pay within [0-5]:\d\d/);
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
      // The order line names the reservation.
      const orderBody = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/live/${sessionId}/orders`));
      // A double click still makes one order (same idempotency key, button disabled in flight).
      await pay.dblclick();
      expect((JSON.parse((await orderBody).postData() ?? '{}') as { lines: unknown[] }).lines).toEqual([{ skuId, quantity: 1, flashSaleId, reservationId }]);

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

      // One order in my orders; the order took the reserved unit (no second unit from the pool).
      await page.goto(`${origin}/orders`);
      await page.getByTestId('orders-list').waitFor();
      expect(await page.getByTestId('order-row').count()).toBe(1);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await flashCard(page).waitFor();
      expect(await unitsLeft(page)).toBe(before - 1);
      expect(await unitsLeft(watcher)).toBe(before - 1);
      // The buyer holds the sale's one unit per person (the server's `yours`): no grab, a link to the orders.
      const reached = flashCard(page).getByTestId('flash-limit-reached');
      await reached.waitFor();
      expect(await flashCard(page).getAttribute('data-mode')).toBe('bought');
      expect(await reached.getAttribute('data-yours')).toBe('1');
      expect((await reached.textContent())?.trim()).toBe(`${msg(en, 'flash.viewer.limitReached_one', { count: '1' })} ${msg(en, 'flash.viewer.myOrders')}`);
      const button = flashCard(page).getByTestId('flash-grab');
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('data-limit-reached')).toBe('yes');
      expect((await button.textContent())?.trim()).toBe(msg(en, 'flash.viewer.limitReachedButton'));
      expect(await flashCard(page).getByTestId('flash-my-orders').getAttribute('href')).toBe('/orders');
      await screenshot(page, 'room-flash-limit-reached');
      // The guest watching still gets the sign-in prompt (the limit is this buyer's, not the sale's).
      expect(await flashCard(watcher).getAttribute('data-mode')).toBe('guest');
      expect(await flashCard(watcher).getByTestId('flash-limit-reached').count()).toBe(0);
      // The cart was emptied by the order.
      expect(await page.getByTestId('cart-button').getAttribute('data-count')).toBe('0');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
      await watcher.context().close();
    }
  }, 120_000);

  it('on the hour: the button waits for the open, one buyer grabs the last unit, the other sees it sold out until it is given back', async () => {
    // A room of its own with a one-unit sale that opens in a few seconds.
    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'Flash on the hour 整点秒杀', theme: 'launch', visibility: 'public', plannedMinutes: 60 });
    const products = await api<{ items: { id: string; skus: { id: string; code: string }[] }[] }>('GET', '/api/console/products');
    const sampler = products.items.find((p) => p.skus.some((s) => s.code === 'DEMO-SMP-6'))!;
    const samplerSku = sampler.skus.find((s) => s.code === 'DEMO-SMP-6')!.id;
    await api('PUT', `/api/console/sessions/${session.id}/shelf`, { productIds: [sampler.id] });
    await api('POST', `/api/console/sessions/${session.id}/transitions`, { to: 'live' });
    const sale = await api<{ id: string; startsAt: string }>('POST', `/api/console/sessions/${session.id}/flash-sales`, {
      skuId: samplerSku,
      priceFen: 990,
      units: 1,
      perBuyerLimit: 1,
      startsAt: new Date(Date.now() + 12_000).toISOString(),
      durationMinutes: 10,
    });
    const card = (p: Page) => p.locator(`[data-testid="flash-card"][data-flash-id="${sale.id}"]`);
    const mode = (p: Page, m: string) => card(p).and(p.locator(`[data-mode="${m}"]`));

    const first = await app.newPage();
    const second = await app.newPage({ width: 390, height: 844 });
    const errors: string[] = [];
    for (const p of [first, second]) p.on('pageerror', (e) => errors.push(e.message));
    const passes: string[] = [];
    first.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url().includes(`/flash-sales/${sale.id}/pass`)) passes.push(String(r.status()));
    });
    try {
      await signUpViewer(first, `first ${Math.random().toString(36).slice(2, 7)}`);
      await signUpViewer(second, `second ${Math.random().toString(36).slice(2, 7)}`);
      for (const p of [first, second]) await p.goto(`${origin}/live/${encodeURIComponent(session.id)}`);

      // Before the open: disabled, counting down; the pass is fetched meanwhile.
      await mode(first, 'upcoming').waitFor();
      await mode(second, 'upcoming').waitFor();
      const waiting = card(first).getByTestId('flash-grab');
      expect(await waiting.isDisabled()).toBe(true);
      expect((await waiting.textContent())?.trim()).toMatch(/^Starts in 00:(0\d|1[0-2])$/);
      await expect.poll(() => passes, { timeout: 5_000 }).toContain('200');
      await screenshot(second, 'phone-flash-upcoming');

      // The open (the server's room event): both can grab; the first one takes the only unit.
      await mode(first, 'open').waitFor({ timeout: 30_000 });
      await mode(second, 'open').waitFor({ timeout: 10_000 });
      await card(first).getByTestId('flash-grab').click();
      await mode(first, 'reserved').waitFor();
      // The second buyer: sold out (the room's units left, or the server's refusal if they were quicker to click).
      await mode(second, 'sold_out').waitFor();
      expect(await card(second).getByTestId('flash-grab').isDisabled()).toBe(true);
      expect((await card(second).getByTestId('flash-note').textContent())?.trim()).toBe(msg(en, 'flash.viewer.soldOutHint'));
      await screenshot(second, 'phone-flash-sold-out');

      // The first gives it back (asked to confirm): the unit returns and the second grabs it.
      await card(first).getByTestId('flash-give-back').click();
      await card(first).getByTestId('flash-give-back-yes').click();
      await mode(first, 'open').waitFor();
      expect((await card(first).getByTestId('flash-note').textContent())?.trim()).toBe(msg(en, 'flash.viewer.released'));
      await mode(second, 'open').waitFor();
      await card(second).getByTestId('flash-grab').click();
      await mode(second, 'reserved').waitFor();
      await screenshot(second, 'phone-flash-reserved');
      expect(await second.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // Now the first one sees it sold out.
      await mode(first, 'sold_out').waitFor();
      expect(errors).toEqual([]);
    } finally {
      await first.context().close();
      await second.context().close();
    }
  }, 90_000);

  it('a grab whose answer is lost is sent again with the same key (one reservation); a refused pass is renewed and the grab goes with the cookie', async () => {
    const page = await app.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const claimsUrl = `**/api/live/${sessionId}/flash-sales/${flashSaleId}/claims`;
    const keyOf = (body: string | null) => (JSON.parse(body ?? '{}') as { idempotencyKey?: string }).idempotencyKey;
    try {
      await signUpViewer(page, `retry ${Math.random().toString(36).slice(2, 7)}`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      const card = flashCard(page);
      await card.and(page.locator('[data-mode="open"]')).waitFor();
      const before = await unitsLeft(page);

      // The server makes the reservation, but its answer never reaches the page.
      const lost: string[] = [];
      await page.route(claimsUrl, async (route) => {
        lost.push(keyOf(route.request().postData()) ?? '');
        await route.fetch();
        await route.abort('connectionreset');
      });
      await card.getByTestId('flash-grab').click();
      const note = card.locator('[data-testid="flash-note"][data-kind="error"]');
      await note.waitFor();
      expect(await note.textContent()).toContain('Try again: you will get at most one.');
      expect((await card.getByTestId('flash-grab').textContent())?.trim()).toBe(msg(en, 'flash.viewer.tryAgain'));
      await page.unroute(claimsUrl);
      // Try again: the same key, answered with the same reservation (200, replayed).
      const retry = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/flash-sales/${flashSaleId}/claims`));
      await card.getByTestId('flash-grab').click();
      const answer = await retry;
      expect(answer.status()).toBe(200);
      expect(keyOf(answer.request().postData())).toBe(lost[0]);
      expect(((await answer.json()) as { replayed: boolean }).replayed).toBe(true);
      await card.and(page.locator('[data-mode="reserved"]')).waitFor();
      // One unit taken, not two.
      await expect.poll(() => unitsLeft(page), { timeout: 5_000 }).toBe(before - 1);

      // Given back (asked to confirm): the unit returns, and the buyer may grab again.
      await card.getByTestId('flash-give-back').click();
      await card.getByTestId('flash-give-back-yes').click();
      await card.and(page.locator('[data-mode="open"]')).waitFor();
      await expect.poll(() => unitsLeft(page), { timeout: 5_000 }).toBe(before);

      // A pass the server refuses (as after a sign-out elsewhere): the grab is sent again with the cookie, same key.
      const sent: { pass: string | undefined; key: string | undefined }[] = [];
      let tampered = false;
      await page.route(claimsUrl, async (route) => {
        const headers = route.request().headers();
        sent.push({ pass: headers['x-flash-pass'], key: keyOf(route.request().postData()) });
        if (!tampered && headers['x-flash-pass']) {
          tampered = true;
          await route.continue({ headers: { ...headers, 'x-flash-pass': 'not-a-pass' } });
        } else await route.continue();
      });
      await card.getByTestId('flash-grab').click();
      await card.and(page.locator('[data-mode="reserved"]')).waitFor();
      expect(sent).toHaveLength(2);
      expect(sent[0]?.pass).toBeTruthy();
      expect(sent[1]?.pass).toBeUndefined();
      expect(sent[1]?.key).toBe(sent[0]?.key);
      expect(sent[0]?.key).not.toBe(lost[0]);
      await page.unroute(claimsUrl);
      await card.getByTestId('flash-give-back').click();
      await card.getByTestId('flash-give-back-yes').click();
      await card.and(page.locator('[data-mode="open"]')).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('a reservation that is no longer held is refused at checkout with a way back to the room', async () => {
    const page = await app.newPage();
    try {
      await signUpViewer(page, `stale ${Math.random().toString(36).slice(2, 7)}`);
      await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
      await flashCard(page).and(page.locator('[data-mode="open"]')).waitFor();
      await flashCard(page).getByTestId('flash-grab').click();
      const reserved = flashCard(page).getByTestId('flash-reserved');
      await reserved.waitFor();
      const reservationId = (await reserved.getAttribute('data-reservation-id')) ?? '';
      // Given back from elsewhere (another tab) while this page still has it in the cart.
      await flashCard(page).getByTestId('flash-checkout').click();
      await page.waitForURL(/\/checkout$/);
      await page.getByTestId('checkout-explanation').waitFor();
      const { csrfToken } = (await (await page.request.get(`${origin}/api/viewer/me`)).json()) as { csrfToken: string };
      const released = await page.request.delete(`${origin}/api/live/${sessionId}/flash-sales/${flashSaleId}/claims/${reservationId}`, { headers: { 'x-csrf-token': csrfToken } });
      expect(released.status()).toBe(200);
      await page.getByTestId('address-name').fill('王五');
      await page.getByTestId('address-phone').fill('13700137000');
      await page.getByTestId('address-region').fill('北京市 朝阳区');
      await page.getByTestId('address-street').fill('建国路 9 号');
      await page.getByTestId('checkout-pay').click();
      const problem = page.locator('[data-testid="checkout-problem"][data-kind="reservation"]');
      await problem.waitFor();
      expect(await problem.getAttribute('data-why')).toBe('expired');
      expect(await problem.locator('p').textContent()).toBe(msg(en, 'flash.checkout.expired'));
      expect(await page.getByTestId('checkout-pay').isDisabled()).toBe(true);
      await screenshot(page, 'checkout-reservation-expired');
      await page.getByTestId('checkout-back-to-room').click();
      await page.waitForURL(new RegExp(`/live/${sessionId}$`));
      await flashCard(page).waitFor();
      // The stale line left the cart.
      expect(await page.getByTestId('cart-button').getAttribute('data-count')).toBe('0');
    } finally {
      await page.context().close();
    }
  }, 60_000);

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
