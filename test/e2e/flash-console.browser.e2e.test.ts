import { beforeAll, describe, expect, it } from 'vitest';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, signInForm, useOnairBrowser } from '../support/onair-process.js';

/**
 * The console's flash-sales panel in a real Chromium against `onair start --demo`: the owner
 * opens the scheduled demo session, the form refuses a bad price next to the field, a sale is
 * created for the next full hour (its units leave the SKU's stock), opened now (a countdown to
 * its end and the units left show), and closed (the units go back).
 */
const en = messages('en');

describe.skipIf(!need('chromium'))('flash-sales panel in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-flash-browser-' });
  let origin = '';
  let password = '';
  beforeAll(() => {
    origin = app.onair.origin;
    password = app.onair.ownerPassword;
  });

  it('creates a sale at the next full hour, opens it now, closes it', async () => {
    const page = await app.newPage({ height: 1000 });
    await page.goto(`${origin}/console`);
    await page.waitForURL(/\/console\/signin$/);
    await signInForm(page, OWNER, password);
    await page.waitForURL(/\/console\/sessions$/);
    const row = page.locator('[data-testid="session-row"][data-status="scheduled"]');
    const sessionId = (await row.getAttribute('data-session-id')) ?? '';
    await page.goto(`${origin}/console/sessions/${sessionId}`);
    const panel = page.getByTestId('flash-panel');
    await panel.waitFor();
    const before = await panel.getByTestId('flash-item').count();

    await panel.getByTestId('flash-new').click();
    const sku = panel.getByTestId('flash-sku');
    const firstSku = await sku.locator('option').nth(1).getAttribute('value');
    await sku.selectOption(firstSku!);
    await panel.getByTestId('flash-price').fill('abc');
    await panel.getByTestId('flash-units').fill('5');
    await panel.getByTestId('flash-create').click();
    await expect.poll(() => panel.getByTestId('field-error-priceFen').textContent()).toBe(msg(en, 'flash.console.errors.price'));
    expect(await panel.getByTestId('flash-item').count()).toBe(before);

    await panel.getByTestId('flash-price').fill('1.00');
    await panel.getByTestId('flash-create').click();
    await expect.poll(() => panel.getByTestId('flash-item').count()).toBe(before + 1);
    const item = panel.locator('[data-testid="flash-item"][data-status="scheduled"]').last();
    // On the hour: the next full hour, local time.
    const saleId = (await item.getAttribute('data-sale-id')) ?? '';
    const res = await page.request.get(`${origin}/api/console/sessions/${sessionId}/flash-sales`);
    const sale = ((await res.json()) as { items: { id: string; startsAt: string; total: number }[] }).items.find((s) => s.id === saleId)!;
    expect(new Date(sale.startsAt).getMinutes()).toBe(0);
    expect(sale.total).toBe(5);
    expect(await item.getByTestId('flash-countdown').textContent()).toMatch(/opens in \d\d:\d\d/);

    await item.getByTestId('flash-open-now').click();
    const open = panel.locator(`[data-testid="flash-item"][data-sale-id="${saleId}"][data-status="open"]`);
    await open.waitFor();
    expect(await open.getByTestId('flash-countdown').textContent()).toMatch(/ends in \d\d:\d\d/);
    expect(await open.getByTestId('flash-left').textContent()).toContain('5 of 5 left');

    page.once('dialog', (d) => void d.accept());
    await open.getByTestId('flash-close').click();
    const closed = panel.locator(`[data-testid="flash-item"][data-sale-id="${saleId}"][data-status="closed"]`);
    await closed.waitFor();
    expect(await closed.getByTestId('flash-left').textContent()).toContain('5 returned to stock');
  }, 60_000);
});
