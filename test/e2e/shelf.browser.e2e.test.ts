import { beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleShelf, PriceHistory, ProductDto } from '../../src/contracts/catalog.contract.js';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER, signInForm, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * The shelf in the live room, in a real Chromium against `onair start --demo`: a guest on a
 * phone sees the demo session's shelf, the host pins "now explaining" from the console API and
 * the card appears over the video without a reload, the sheet adds to the cart, and after a
 * reload the pin is still there (fetched over HTTP on connect). In the console, the product form
 * saves an edit (fields and SKU list) in one request, so a refused SKU list saves nothing.
 */
const en = messages('en');

describe.skipIf(!need('chromium'))('viewer shelf and now-explaining card (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-shelf-' });
  const screenshot = useScreenshots('shelf e2e');
  let origin = '';
  let sessionId = '';
  let shelf: ConsoleShelf;
  let team: { cookie: string; csrf: string };

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: { cookie: team.cookie, 'x-csrf-token': team.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  };

  beforeAll(async () => {
    origin = app.onair.origin;
    const { signin, cookie } = await signInOwnerApi(origin, DEMO_OWNER, app.onair.ownerPassword);
    team = { cookie, csrf: ((await signin.json()) as { csrfToken: string }).csrfToken };
    // The scheduled demo session (the seed may add others), taken live here.
    const sessions = (await call('GET', '/api/console/sessions?limit=10')) as { items: { id: string; isDemo: boolean; status: string }[] };
    const demo = sessions.items.find((s) => s.isDemo && s.status === 'scheduled') ?? sessions.items.find((s) => s.isDemo)!;
    sessionId = demo.id;
    if (demo.status !== 'live') await call('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'live' });
    shelf = (await call('GET', `/api/console/sessions/${sessionId}/shelf`)) as ConsoleShelf;
    expect(shelf.items.length).toBe(12);
  }, 60_000);

  it('a guest on a phone sees the shelf, the pinned card arrives live, adds to the cart, and the pin survives a reload', async () => {
    const page = await app.newPage({ width: 375, height: 760 });
    await page.goto(`${origin}/live/${sessionId}`);
    const button = page.getByTestId('shelf-button');
    await button.waitFor();
    expect(await button.getAttribute('data-count')).toBe('12');
    expect(await page.getByTestId('pinned-card').count()).toBe(0);
    // Wait until the room socket is in, so the pin below arrives as a live event.
    await page.locator('[data-testid="online-count"]').waitFor();

    const pinnedItem = shelf.items[1]!;
    await call('POST', `/api/console/sessions/${sessionId}/shelf/pin`, { productId: pinnedItem.productId });
    const card = page.getByTestId('pinned-card');
    await card.waitFor();
    expect(await card.getAttribute('data-product-id')).toBe(pinnedItem.productId);
    expect(await card.textContent()).toContain(pinnedItem.title);
    expect(await card.textContent()).toContain(msg(en, 'shelf.explain.now'));
    await screenshot(page, 'viewer-pinned-375');

    // The sheet lists the shelf in order; a one-SKU product goes straight into the cart.
    await button.click();
    const rows = page.getByTestId('shelf-product');
    await rows.first().waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')))).toEqual(shelf.items.map((i) => i.productId));
    const single = shelf.items.find((i) => i.skuCount === 1)!;
    await page.locator(`[data-testid="shelf-product"][data-product-id="${single.productId}"] [data-testid="shelf-add-to-cart"]`).click();
    await page.getByTestId('shelf-added').filter({ hasText: single.title }).waitFor();
    // A product with several SKUs asks which one first.
    const multi = shelf.items.find((i) => i.skuCount > 1)!;
    const multiRow = page.locator(`[data-testid="shelf-product"][data-product-id="${multi.productId}"]`);
    await multiRow.getByTestId('shelf-add-to-cart').click();
    await multiRow.getByTestId('sku-picker').waitFor();
    expect(await multiRow.getByTestId('sku-add').isDisabled()).toBe(true);
    await multiRow.getByTestId('sku-option').first().click();
    await multiRow.getByTestId('sku-add').click();
    await screenshot(page, 'viewer-shelf-375');
    const stored = await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(`onair.cart.${sessionId}`)})`);
    expect((JSON.parse(stored ?? '[]') as unknown[]).length).toBe(2);
    await page.keyboard.press('Escape');
    await page.getByTestId('shelf-sheet').waitFor({ state: 'detached' });

    // After a reload the pin comes from the HTTP shelf; an unpin removes the card live.
    await page.reload();
    await page.getByTestId('pinned-card').waitFor();
    await page.locator('[data-testid="online-count"]').waitFor();
    await call('POST', `/api/console/sessions/${sessionId}/shelf/pin`, { productId: null });
    await page.getByTestId('pinned-card').waitFor({ state: 'detached' });
  }, 90_000);

  it('the console saves a product edit, fields and SKUs, in one PATCH; a refused SKU list leaves the product as it was', async () => {
    const products = ((await call('GET', '/api/console/products')) as { items: ProductDto[] }).items;
    const target = products.find((p) => p.skus.length === 1 && !p.archived)!;
    const sku = target.skus[0]!;
    const clash = products.find((p) => p.id !== target.id)!.skus[0]!.code;
    const productCalls: string[] = [];
    const page = await app.newPage();
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/console/products/')) productCalls.push(`${r.method()} ${path}`);
    });
    await page.goto(`${origin}/console/signin`);
    await signInForm(page, DEMO_OWNER, app.onair.ownerPassword);
    await page.waitForURL(/\/console\/(?!signin)/);
    await page.getByTestId('console-nav').getByText(msg(en, 'nav.products')).click();
    const card = page.locator(`[data-testid="product-card"][data-product-id="${target.id}"]`);
    await card.getByTestId('product-edit').click();
    const form = page.getByTestId('product-form');
    await form.waitFor();

    // A new title with a SKU code another product has: the server refuses the SKU list (409),
    // the form shows it on the row, and the title was not saved either.
    await form.getByTestId('product-title').fill(`${target.title} (edited)`);
    await form.getByTestId('sku-code').first().fill(clash);
    await form.getByTestId('sku-price-input').first().fill('99.00');
    await form.getByTestId('product-save').click();
    await form.getByTestId('field-error-skus.0.code').waitFor();
    await screenshot(page, 'console-product-refused');
    expect(productCalls).toEqual([`PATCH /api/console/products/${target.id}`]);
    const unchanged = ((await call('GET', '/api/console/products')) as { items: ProductDto[] }).items.find((p) => p.id === target.id)!;
    expect(unchanged).toEqual(target);

    // Put the code back: one PATCH saves the title and the new price (with its price-history row).
    await form.getByTestId('sku-code').first().fill(sku.code);
    await form.getByTestId('product-save').click();
    await page.getByTestId('product-form-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('notice').filter({ hasText: `${target.title} (edited)` }).waitFor();
    expect(productCalls).toEqual([`PATCH /api/console/products/${target.id}`, `PATCH /api/console/products/${target.id}`]);
    const saved = ((await call('GET', '/api/console/products')) as { items: ProductDto[] }).items.find((p) => p.id === target.id)!;
    expect(saved).toMatchObject({ title: `${target.title} (edited)`, skus: [{ id: sku.id, code: sku.code, priceFen: 9900, stock: sku.stock }] });
    const prices = (await call('GET', `/api/console/skus/${sku.id}/prices`)) as PriceHistory;
    expect(prices.items[0]).toMatchObject({ kind: 'list', priceFen: 9900 });
    await expect.poll(() => card.getByTestId('sku-price').first().textContent()).toContain('99.00');
  }, 90_000);
});
