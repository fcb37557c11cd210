import { beforeAll, describe, expect, it } from 'vitest';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, signInForm, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * A newcomer's first minutes, in a real Chromium against the real `onair start --demo`
 * process: read the one-time password from the terminal, sign in, find the demo session,
 * switch to Chinese and back, sign out, then watch the session as a guest.
 */
const en = messages('en');
const zh = messages('zh-CN');

describe.skipIf(!need('chromium'))('newcomer in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-browser-' });
  const screenshot = useScreenshots('browser e2e');
  const newPage = () => app.newPage();
  let origin = '';
  let password = '';

  beforeAll(() => {
    ({ origin, ownerPassword: password } = app.onair);
    expect(origin).toMatch(/^http:\/\/localhost:\d+$/);
    expect(app.onair.output).toContain(`e-mail:   ${OWNER}`);
  });

  it('a wrong password shows an error and stays on sign-in', async () => {
    const page = await newPage();
    try {
      await page.goto(`${origin}/console`);
      await page.waitForURL(/\/console\/signin$/);
      await signInForm(page, OWNER, `${password}-wrong`);
      const error = page.getByTestId('signin-error');
      await error.waitFor();
      expect((await error.textContent())?.trim()).toBe(msg(en, 'errors.invalidCredentials'));
      expect(new URL(page.url()).pathname).toBe('/console/signin');
      await screenshot(page, 'signin-error');
    } finally {
      await page.context().close();
    }
  }, 60_000);

  it('the owner signs in with the printed password, sees the demo session, switches to 中文 and back, signs out', async () => {
    const page = await newPage();
    try {
      await page.goto(`${origin}/console`);
      await page.waitForURL(/\/console\/signin$/);
      await screenshot(page, 'signin');
      await signInForm(page, OWNER, password);

      await page.waitForURL(/\/console\/sessions$/);
      await page.getByTestId('sessions-list').waitFor();
      // The scheduled launch, the demo shop that is live from the first start (with a flash sale),
      // and the two earlier demo sessions (ended, with reports of simulated figures).
      const rows = page.getByTestId('session-row');
      expect(await rows.count()).toBe(4);
      expect(await page.locator('[data-testid="session-row"][data-status="live"]').count()).toBe(1);
      expect(await page.locator('[data-testid="session-row"][data-status="ended"]').count()).toBe(2);
      const row = page.locator('[data-testid="session-row"][data-status="scheduled"]');
      expect(await row.getByTestId('session-title-text').textContent()).toContain('Spring tea launch (demo)');
      await row.getByTestId('demo-badge').waitFor();
      await page.getByRole('heading', { level: 1, name: msg(en, 'sessions.title') }).waitFor();
      await screenshot(page, 'sessions-en');

      // 中文, and it survives a reload.
      const lang = page.getByTestId('lang-switch');
      expect((await lang.textContent())?.trim()).toBe(msg(en, 'lang.switchTo'));
      await lang.click();
      await page.getByRole('heading', { level: 1, name: msg(zh, 'sessions.title') }).waitFor();
      await page.getByTestId('signout').filter({ hasText: msg(zh, 'header.signOut') }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await screenshot(page, 'sessions-zh');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: msg(zh, 'sessions.title') }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      expect((await page.getByTestId('lang-switch').textContent())?.trim()).toBe(msg(zh, 'lang.switchTo'));
      await page.getByTestId('session-row').first().waitFor();

      await page.getByTestId('lang-switch').click();
      await page.getByRole('heading', { level: 1, name: msg(en, 'sessions.title') }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');

      await page.getByTestId('signout').click();
      await page.waitForURL(/\/console\/signin$/);
      await page.getByTestId('signin-email').waitFor();
      await screenshot(page, 'signed-out');
      // Signed out for real: the console sends us back to sign-in.
      await page.goto(`${origin}/console/sessions`);
      await page.waitForURL(/\/console\/signin$/);
      const me = await page.request.get(`${origin}/api/console/auth/me`);
      expect(me.status()).toBe(401);
    } finally {
      await page.context().close();
    }
  }, 90_000);

  it('a guest opens the demo session’s live page', async () => {
    // The session id, as the owner's API sees it.
    const { signin, cookie } = await signInOwnerApi(origin, OWNER, password);
    expect(signin.status).toBe(200);
    const list = await fetch(`${origin}/api/console/sessions`, { headers: { cookie } });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { id: string; title: string }[] };
    const demo = items[0];
    expect(demo).toBeDefined();

    const page = await newPage();
    try {
      await page.goto(`${origin}/live/${encodeURIComponent(demo!.id)}`);
      const title = page.getByTestId('live-title');
      await title.waitFor();
      expect((await title.textContent())?.trim()).toBe(demo!.title);
      const mode = page.getByTestId('viewer-mode');
      await page.locator('[data-testid="viewer-mode"][data-mode="guest"]').waitFor();
      expect((await mode.textContent())?.trim()).toBe(msg(en, 'viewer.modeGuest'));
      await screenshot(page, 'live-guest');

      await page.goto(`${origin}/live/no-such-session`);
      await page.getByTestId('live-not-found').waitFor();
    } finally {
      await page.context().close();
    }
  }, 60_000);
});
