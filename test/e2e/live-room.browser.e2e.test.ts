import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, signInForm, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * The live room in a real Chromium against the real `onair start --demo` process: two viewers
 * sign up on the demo session's page, one comments (chat list and danmaku on the other's
 * screen), the other likes (the first sees the total rise), and the owner deletes the comment
 * from the console's live control page, which removes it from both viewers' chat.
 */
describe.skipIf(!need('chromium'))('live room in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-live-browser-' });
  const screenshot = useScreenshots('live-room browser e2e', 'onair-live-shots-');
  const newPage = (width = 1280) => app.newPage({ width });
  let origin = '';
  let password = '';
  let sessionId = '';

  beforeAll(async () => {
    ({ origin, ownerPassword: password } = app.onair);
    expect(origin).toMatch(/^http:\/\/localhost:\d+$/);

    // The demo session's id, as the owner's API sees it.
    const { signin, cookie } = await signInOwnerApi(origin, OWNER, password);
    expect(signin.status).toBe(200);
    const list = await fetch(`${origin}/api/console/sessions`, { headers: { cookie } });
    const { items } = (await list.json()) as { items: { id: string }[] };
    sessionId = items[0]?.id ?? '';
    expect(sessionId).not.toBe('');
  });

  /** Opens the live page as a guest and creates a viewer account with the page's own panel. */
  async function signUpViewer(page: Page, nickname: string): Promise<void> {
    await page.goto(`${origin}/live/${encodeURIComponent(sessionId)}`);
    await page.locator('[data-testid="viewer-mode"][data-mode="guest"]').waitFor();
    await page.getByTestId('viewer-tab-signup').click();
    await page.getByTestId('viewer-nickname').fill(nickname);
    await page.getByTestId('viewer-password').fill('live-room-pass');
    await page.getByTestId('viewer-signup-submit').click();
    await page.locator('[data-testid="viewer-mode"][data-mode="viewer"]').waitFor();
    // The socket reconnects with the viewer cookie; the composer opens once the room welcomed us.
    await page.locator('[data-testid="chat-input"]:enabled').waitFor();
    await page.getByTestId('reconnect-indicator').waitFor({ state: 'detached' });
  }

  /**
   * The cart button and the chat's Send button never cover each other: with the page at the top,
   * and scrolled so the Send button sits at the bottom edge of the window (where a floating
   * button would be).
   */
  async function expectCartClearOfSend(page: Page, label: string): Promise<void> {
    for (const where of ['top', 'send at the bottom edge'] as const) {
      if (where === 'top') await page.evaluate('window.scrollTo(0, 0)');
      else await page.getByTestId('chat-send').evaluate((el) => { el.scrollIntoView({ block: 'end' }); });
      const cart = await page.getByTestId('cart-button').boundingBox();
      const send = await page.getByTestId('chat-send').boundingBox();
      expect(cart, label).not.toBeNull();
      expect(send, label).not.toBeNull();
      const overlap = cart!.x < send!.x + send!.width && send!.x < cart!.x + cart!.width && cart!.y < send!.y + send!.height && send!.y < cart!.y + cart!.height;
      expect(overlap, `${label}, ${where}: cart ${JSON.stringify(cart)} vs send ${JSON.stringify(send)}`).toBe(false);
    }
    await page.evaluate('window.scrollTo(0, 0)');
  }

  /** The raw figure behind a live counter (its text may be shortened, e.g. "1.2万"). */
  const numberIn = async (page: Page, testId: string): Promise<number> => {
    const value = await page.getByTestId(testId).getAttribute('data-value', { timeout: 5_000 });
    return value === null || value === '' ? Number.NaN : Number(value);
  };

  it('comments reach the other viewer (chat and danmaku), likes add up, and a moderator’s delete removes the comment everywhere', async () => {
    const suffix = Math.random().toString(36).slice(2, 7);
    const a = await newPage();
    const b = await newPage(390);
    await signUpViewer(a, `alice ${suffix}`);
    await signUpViewer(b, `bob ${suffix}`);

    // The cart button never sits on the Send button: desktop sizes in both languages, and a phone.
    for (const [width, height] of [[1280, 800], [1440, 900]] as const) {
      await a.setViewportSize({ width, height });
      await expectCartClearOfSend(a, `en ${width}x${height}`);
      await a.getByTestId('lang-switch').click();
      await a.locator('html[lang="zh-CN"]').waitFor();
      await expectCartClearOfSend(a, `zh-CN ${width}x${height}`);
      await a.getByTestId('lang-switch').click();
      await a.locator('html[lang="en"]').waitFor();
    }
    await a.setViewportSize({ width: 1280, height: 800 });
    await expectCartClearOfSend(b, 'en 390 wide');

    // Real audience figures: two signed-in viewers, nobody padded in.
    await expect.poll(() => numberIn(a, 'online-count'), { timeout: 10_000, interval: 250 }).toBe(2);

    // A comments: shown at once on A (marked as A's own) …
    const text = `first time here ${suffix} 你好`;
    await a.getByTestId('chat-input').fill(text);
    await a.getByTestId('chat-send').click();
    const mine = a.getByTestId('chat-list').getByTestId('chat-item').filter({ hasText: text });
    await mine.waitFor();
    expect(await mine.getAttribute('data-mine')).toBe('true');
    expect(await a.getByTestId('chat-input').inputValue()).toBe('');

    // … and on B, in the chat list and flying over the video.
    const onB = b.getByTestId('chat-list').getByTestId('chat-item').filter({ hasText: text });
    await onB.waitFor();
    expect(await onB.getAttribute('data-mine')).toBe('false');
    await b.getByTestId('danmaku-item').filter({ hasText: text }).first().waitFor({ timeout: 5_000 });
    await screenshot(b, 'viewer-b-danmaku');

    // B likes three times (one batched message); A sees the room's total rise.
    const before = await numberIn(a, 'likes-count');
    for (let i = 0; i < 3; i++) await b.getByTestId('like-button').click();
    await expect.poll(() => numberIn(a, 'likes-count'), { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(before + 3);
    expect(await numberIn(b, 'likes-count')).toBeGreaterThanOrEqual(before + 3);
    await screenshot(a, 'viewer-a-likes');

    // The owner opens live control from the sessions list and deletes the comment.
    const owner = await newPage();
    await owner.goto(`${origin}/console`);
    await owner.waitForURL(/\/console\/signin$/);
    await signInForm(owner, OWNER, password);
    await owner.getByTestId('session-row').first().getByTestId('session-live-control').click();
    await owner.waitForURL(new RegExp(`/console/sessions/${sessionId}/live$`));
    await owner.getByTestId('live-control').waitFor();
    const feedItem = owner.getByTestId('console-chat-list').getByTestId('console-chat-item').filter({ hasText: text });
    await feedItem.waitFor();
    await expect.poll(() => numberIn(owner, 'stat-online'), { timeout: 10_000, interval: 250 }).toBe(2);
    await screenshot(owner, 'console-live-control');
    await feedItem.getByTestId('chat-delete').click();
    await owner.getByTestId('notice').waitFor();
    await feedItem.waitFor({ state: 'detached' });

    await a.getByTestId('chat-list').getByTestId('chat-item').filter({ hasText: text }).waitFor({ state: 'detached' });
    await b.getByTestId('chat-list').getByTestId('chat-item').filter({ hasText: text }).waitFor({ state: 'detached' });
    await screenshot(b, 'viewer-b-after-delete');
  }, 120_000);
});
