import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumPath } from '../support/capabilities.js';
import { need } from '../support/need.js';

/**
 * A newcomer's first minutes, in a real Chromium against the real `onair start --demo`
 * process: read the one-time password from the terminal, sign in, find the demo session,
 * switch to Chinese and back, sign out, then watch the session as a guest.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const webIndex = join(repoRoot, 'dist/web/index.html');

type Messages = Record<string, unknown>;
const messages = (lang: 'en' | 'zh-CN'): Messages => JSON.parse(readFileSync(join(repoRoot, `src/web/i18n/${lang}.json`), 'utf8')) as Messages;
function msg(bundle: Messages, key: string): string {
  let v: unknown = bundle;
  for (const part of key.split('.')) v = (v as Messages | undefined)?.[part];
  if (typeof v !== 'string') throw new Error(`no translation ${key}`);
  return v;
}
const en = messages('en');
const zh = messages('zh-CN');

const OWNER = 'owner@onair.local';

describe.skipIf(!need('chromium'))('newcomer in a real browser (onair start --demo)', () => {
  let dataDir = '';
  let shotsDir = '';
  let server: ChildProcessWithoutNullStreams | undefined;
  let output = '';
  let origin = '';
  let password = '';
  let browser: Browser | undefined;
  let shot = 0;
  // Screenshots are kept (and their folder printed) when a test fails or ONAIR_TEST_KEEP_SCREENSHOTS=1.
  let keepShots = process.env.ONAIR_TEST_KEEP_SCREENSHOTS === '1';
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      keepShots = true;
    });
  });

  const screenshot = async (page: Page, name: string) => {
    await page.screenshot({ path: join(shotsDir, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    if (!existsSync(webIndex)) {
      throw new Error(`${webIndex} is missing: the browser test needs the built web app. Run \`npm run build:web\` (\`npm test\` does it first).`);
    }
    dataDir = mkdtempSync(join(tmpdir(), 'onair-browser-'));
    shotsDir = mkdtempSync(join(tmpdir(), 'onair-shots-'));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
    }
    server = spawn(process.execPath, ['--import', tsxLoader, cliPath, 'start', '--demo', '--port', '0'], {
      cwd: dataDir,
      // ONAIR_WEB_DIR: run from source, the server's default web folder resolves to src/web (the
      // Vite source root, whose index.html loads ./main.tsx), not the build in dist/web.
      env: { ...env, ONAIR_DATA_DIR: dataDir, ONAIR_LOG_LEVEL: 'warn', ONAIR_WEB_DIR: join(repoRoot, 'dist/web') },
    });
    let stderr = '';
    server.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    server.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const child = server;
    await new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        clearInterval(poll);
        clearTimeout(deadline);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      const onExit = (code: number | null) => finish(new Error(`onair start exited with ${String(code)}\n${output}\n${stderr}`));
      const deadline = setTimeout(() => finish(new Error(`onair start printed no sign-in details in 60 s\n${output}\n${stderr}`)), 60_000);
      const poll = setInterval(() => {
        if (/^\s*password:\s+\S+\s*$/m.test(output) && /Onair is running at/.test(output)) finish();
      }, 50);
      child.once('exit', onExit);
    });
    origin = /Onair is running at (http:\/\/\S+)/.exec(output)?.[1] ?? '';
    password = /^\s*password:\s+(\S+)\s*$/m.exec(output)?.[1] ?? '';
    expect(origin).toMatch(/^http:\/\/localhost:\d+$/);
    expect(output).toContain(`e-mail:   ${OWNER}`);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    const child = server;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (shotsDir && keepShots) process.stdout.write(`browser e2e screenshots: ${shotsDir}\n`);
    else if (shotsDir) rmSync(shotsDir, { recursive: true, force: true });
  }, 30_000);

  async function newPage(): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function signInForm(page: Page, email: string, pw: string): Promise<void> {
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(pw);
    await page.getByTestId('signin-submit').click();
  }

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
      const rows = page.getByTestId('session-row');
      expect(await rows.count()).toBe(1);
      const row = rows.first();
      expect(await row.getAttribute('data-status')).toBe('scheduled');
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
    const signin = await fetch(`${origin}/api/console/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OWNER, password }),
    });
    expect(signin.status).toBe(200);
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
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
