import { describe, expect, it } from 'vitest';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER, signInForm, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * The console's promotions and coupons pages in a real Chromium against `onair start --demo`:
 * the demo promotions are listed; the form (drawn from the kinds' JSON Schema) refuses empty
 * input beside the fields, creates an exclusive 满减, and shows the server's refusal of a second
 * overlapping exclusive one naming both; a coupon is issued by nickname and found in the wallet.
 */
const en = messages('en');
const zh = messages('zh-CN');

describe.skipIf(!need('chromium'))('console promotions and coupons (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-promotions-' });
  const screenshot = useScreenshots('promotions console e2e');

  it('creates an exclusive 满减 from the schema-drawn form and refuses an overlapping one naming both', async () => {
    const origin = app.onair.origin;
    const page = await app.newPage();
    await page.goto(`${origin}/console/signin`);
    await signInForm(page, DEMO_OWNER, app.onair.ownerPassword);
    await page.waitForURL(/\/console\/(?!signin)/);
    await page.getByTestId('console-nav').getByText(msg(en, 'nav.promotions')).click();
    await expect.poll(() => page.getByTestId('promotion-card').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.getByTestId('promotion-summary').allInnerTexts()).toContain('Spend ¥100.00, get ¥10.00 off · Spend ¥200.00, get ¥30.00 off');
    await screenshot(page, 'promotions-list');

    await page.getByTestId('promotion-new').click();
    await page.getByTestId('promotion-submit').click();
    await expect.poll(() => page.getByTestId('field-error-name').innerText()).toBe(msg(en, 'promotions.form.required'));
    await expect.poll(() => page.getByTestId('field-error-thresholdFen').count()).toBeGreaterThan(0);

    const fill = async (name: string) => {
      await page.getByTestId('promotion-name').fill(name);
      await page.getByTestId('promotion-from').fill('2026-12-01T10:00');
      await page.getByTestId('promotion-to').fill('2026-12-01T12:00');
      await page.getByTestId('arg-tiers-0-thresholdFen').fill('300');
      await page.getByTestId('arg-tiers-0-offFen').fill('50');
      await page.getByTestId('promotion-exclusive').check();
      await page.getByTestId('promotion-submit').click();
    };
    await fill('Exclusive 满300减50');
    await expect.poll(() => page.getByTestId('promotion-summary').allInnerTexts()).toContain('Spend ¥300.00, get ¥50.00 off');
    await expect.poll(() => page.getByTestId('promotion-stacking').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining(msg(en, 'promotions.exclusive'))]));

    await page.getByTestId('promotion-new').click();
    await fill('Exclusive 满500减80');
    const error = page.getByTestId('promotion-form-error');
    await expect.poll(() => error.innerText()).toMatch(/Exclusive 满500减80.*Exclusive 满300减50/s);
    await screenshot(page, 'promotions-overlap-refused');
  });

  it('issues a coupon by nickname and finds it in the wallet, in Chinese at phone width', async () => {
    const origin = app.onair.origin;
    await fetch(`${origin}/api/viewer/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ nickname: 'Coupon fan', password: 'viewer-password-1' }) });
    const page = await app.newPage({ width: 375, height: 800 });
    await page.addInitScript("localStorage.setItem('onair.lang', 'zh-CN')");
    await page.goto(`${origin}/console/signin`);
    await signInForm(page, DEMO_OWNER, app.onair.ownerPassword);
    await page.waitForURL(/\/console\/(?!signin)/);
    await page.goto(`${origin}/console/coupons`);
    await page.getByTestId('coupon-issue').first().click();
    await page.getByTestId('coupon-issue-viewers').fill('coupon fan, nobody-here');
    await page.getByTestId('coupon-issue-submit').click();
    await expect.poll(() => page.getByTestId('coupon-issue-result').innerText()).toContain(msg(zh, 'coupons.issueForm.issued_other', { count: '1' }));
    await expect.poll(() => page.getByTestId('coupon-issue-result').innerText()).toContain(`nobody-here: ${msg(zh, 'coupons.skip.UNKNOWN_VIEWER')}`);
    await page.getByTestId('wallet-viewer').fill('Coupon fan');
    await page.getByTestId('wallet-search-submit').click();
    await expect.poll(() => page.getByTestId('wallet-row').count()).toBe(1);
    await expect.poll(() => page.getByTestId('wallet-row').innerText()).toContain(msg(zh, 'coupons.couponStatus.issued'));
    // Stacking is editable: a bad priority is refused beside the field, then the coupon turns exclusive.
    await page.getByTestId('coupon-edit').first().click();
    await page.getByTestId('coupon-edit-priority').fill('x');
    await page.getByTestId('coupon-edit-submit').click();
    await expect.poll(() => page.getByTestId('field-error-priority').innerText()).toBe(msg(zh, 'promotions.form.wholeNumber'));
    await page.getByTestId('coupon-edit-priority').fill('5');
    await page.getByTestId('coupon-edit-exclusive').check();
    await page.getByTestId('coupon-edit-submit').click();
    await expect.poll(() => page.getByTestId('coupon-template-card').first().innerText()).toContain(msg(zh, 'promotions.exclusive'));
    await expect.poll(() => page.getByTestId('coupon-template-card').first().innerText()).toContain(msg(zh, 'promotions.priorityValue', { value: '5' }));
    // Nothing wider than the phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await screenshot(page, 'coupons-phone-zh');
  });
});
