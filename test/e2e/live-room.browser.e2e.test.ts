import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumPath } from '../support/capabilities.js';
import { need } from '../support/need.js';

/**
 * The live room in a real Chromium against the real `onair start --demo` process: two viewers
 * sign up on the demo session's page, one comments (chat list and danmaku on the other's
 * screen), the other likes (the first sees the total rise), and the owner deletes the comment
 * from the console's live control page, which removes it from both viewers' chat.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const webIndex = join(repoRoot, 'dist/web/index.html');

const OWNER = 'owner@onair.local';

describe.skipIf(!need('chromium'))('live room in a real browser (onair start --demo)', () => {
  let dataDir = '';
  let shotsDir = '';
  let server: ChildProcessWithoutNullStreams | undefined;
  let output = '';
  let origin = '';
  let password = '';
  let sessionId = '';
  let browser: Browser | undefined;
  let shot = 0;
  const contexts: BrowserContext[] = [];
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
    dataDir = mkdtempSync(join(tmpdir(), 'onair-live-browser-'));
    shotsDir = mkdtempSync(join(tmpdir(), 'onair-live-shots-'));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
    }
    server = spawn(process.execPath, ['--import', tsxLoader, cliPath, 'start', '--demo', '--port', '0'], {
      cwd: dataDir,
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

    // The demo session's id, as the owner's API sees it.
    const signin = await fetch(`${origin}/api/console/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OWNER, password }),
    });
    expect(signin.status).toBe(200);
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = await fetch(`${origin}/api/console/sessions`, { headers: { cookie } });
    const { items } = (await list.json()) as { items: { id: string }[] };
    sessionId = items[0]?.id ?? '';
    expect(sessionId).not.toBe('');

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
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
    if (shotsDir && keepShots) process.stdout.write(`live-room browser e2e screenshots: ${shotsDir}\n`);
    else if (shotsDir) rmSync(shotsDir, { recursive: true, force: true });
  }, 30_000);

  async function newPage(width = 1280): Promise<Page> {
    const context = await browser!.newContext({ viewport: { width, height: 800 }, locale: 'en-US' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

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
    await owner.getByTestId('signin-email').fill(OWNER);
    await owner.getByTestId('signin-password').fill(password);
    await owner.getByTestId('signin-submit').click();
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
