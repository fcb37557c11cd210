import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, repoRoot, signInForm, ownerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * Issue 5 item 7 in the console: the session page's Restream card while ffmpeg publishes to
 * `onair start --demo`. One target's receiver (a local `ffmpeg -listen 1`) is up, so its push is
 * live; the other's is not, so it is retrying with a countdown. Keys never appear on the page.
 * With ONAIR_UPDATE_DOC_SHOTS=1 the card's screenshots (en / zh-CN, 1280 / 390 px) are written to
 * docs/screenshots/.
 */
const KEY_A = 'douyin-live-KEY-aaaa9911';
const KEY_B = 'yt-KEY-bbbb-8822';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!need('chromium') || !need('ffmpeg'))('restream card in the console (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-restream-browser-' });
  const screenshot = useScreenshots('restream browser e2e', 'onair-restream-shots-');
  const docShots = process.env.ONAIR_UPDATE_DOC_SHOTS === '1';
  const procs: ChildProcess[] = [];
  let origin = '';
  let sessionId = '';
  let dir = '';
  let api: <T>(method: string, path: string, body?: unknown) => Promise<T>;

  beforeAll(async () => {
    origin = app.onair.origin;
    dir = mkdtempSync(join(tmpdir(), 'onair-restream-recv-'));
    ({ api } = await ownerApi(origin, app.onair.ownerPassword));
    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'Restream 多平台转推', theme: 'launch', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
    sessionId = session.id;
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'scheduled' });
    const settings = await api<{ server: string; streamKey: string }>('GET', `/api/console/sessions/${sessionId}/stream`);
    const [portA, portB] = [await freePort(), await freePort()];
    procs.push(spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-listen', '1', '-timeout', '120', '-i', `rtmp://127.0.0.1:${portA}/third/${KEY_A}`, '-c', 'copy', '-f', 'flv', '-y', join(dir, 'a.flv')], { stdio: 'ignore' }));
    await api('POST', `/api/console/sessions/${sessionId}/restream-targets`, { name: '抖音 Douyin main', platform: 'douyin', serverUrl: `rtmp://127.0.0.1:${portA}/third`, streamKey: KEY_A });
    await api('POST', `/api/console/sessions/${sessionId}/restream-targets`, { name: 'YouTube', platform: 'youtube', serverUrl: `rtmp://127.0.0.1:${portB}/live2`, streamKey: KEY_B });
    procs.push(
      spawn(
        'ffmpeg',
        ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '150', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-b:v', '600k', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', `${settings.server}/${settings.streamKey}`],
        { stdio: 'ignore' },
      ),
    );
    // Wait for one live and one retrying.
    const deadline = Date.now() + 40_000;
    for (;;) {
      const list = await api<{ items: { name: string; status: { state: string } }[] }>('GET', `/api/console/sessions/${sessionId}/restream-targets`);
      const states = list.items.map((x) => x.status.state).sort();
      if (states.join() === 'live,retrying') break;
      if (Date.now() > deadline) throw new Error(`restream states: ${JSON.stringify(list.items)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }, 90_000);
  afterAll(() => {
    for (const p of procs) p.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const shoot = async (page: Page, name: string) => {
    await screenshot(page, name);
    if (docShots) {
      mkdirSync(join(repoRoot, 'docs/screenshots'), { recursive: true });
      await page.getByTestId('restream-card').screenshot({ path: join(repoRoot, 'docs/screenshots', `${name}.png`) });
    }
  };

  // One signed-in page for the block (signing in again and again meets the sign-in throttle);
  // width and language change on it.
  let signedIn: Page | null = null;
  const open = async (width: number, lang: 'en' | 'zh-CN'): Promise<Page> => {
    let page = signedIn;
    if (!page) {
      page = await app.newPage({ width, height: 900 });
      // Chromium, three ffmpeg and the server share two cores here: be patient.
      page.setDefaultTimeout(40_000);
      await page.goto(`${origin}/console`);
      await signInForm(page, OWNER, app.onair.ownerPassword);
      await page.getByTestId('session-row').first().waitFor();
      signedIn = page;
    }
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(`localStorage.setItem('onair.lang', ${JSON.stringify(lang)})`);
    await page.goto(`${origin}/console/sessions/${sessionId}`);
    const card = page.getByTestId('restream-card');
    await card.locator('[data-testid="restream-status"][data-state="live"]').waitFor();
    await card.locator('[data-testid="restream-status"][data-state="retrying"]').waitFor();
    return page;
  };

  it('shows one target live and one retrying with its countdown; keys only masked', async () => {
    const page = await open(1280, 'en');
    const card = page.getByTestId('restream-card');
    await expect.poll(async () => card.locator('[data-state="retrying"] [data-testid="restream-status"]').innerText()).toMatch(/Retrying (in \d+ s|now) \(attempt \d+\)/);
    expect(await card.locator('[data-state="live"] [data-testid="restream-status"]').innerText()).toBe('Live');
    await expect.poll(async () => card.locator('[data-testid="restream-last-error"]').innerText()).toMatch(/Last error:/);
    expect(await card.getByTestId('restream-key-mask').allInnerTexts()).toEqual(['••••9911', '••••8822']);
    const html = await page.content();
    expect(html).not.toContain(KEY_A);
    expect(html).not.toContain(KEY_B);
    await card.scrollIntoViewIfNeeded();
    await shoot(page, 'console-restream-card-en-1280');

    // Add a target through the dialog (the key is a password field), then delete it.
    await card.getByTestId('restream-add').click();
    const dialog = page.getByTestId('restream-dialog');
    await dialog.getByTestId('restream-platform').selectOption('bilibili');
    expect(await dialog.getByTestId('restream-server-input').inputValue()).toBe('rtmp://live-push.bilivideo.com/live-bvc');
    expect(await dialog.getByTestId('restream-key-input').getAttribute('type')).toBe('password');
    await dialog.getByTestId('restream-server-input').fill('http://wrong.example.com/live');
    await dialog.getByTestId('restream-key-input').fill('bili-key-0000-1234');
    await dialog.getByTestId('restream-enabled-input').uncheck();
    await dialog.getByTestId('restream-save').click();
    await dialog.getByTestId('field-error-serverUrl').waitFor();
    await dialog.getByTestId('restream-server-input').fill('rtmp://live-push.bilivideo.com/live-bvc');
    await dialog.getByTestId('restream-save').click();
    await dialog.waitFor({ state: 'detached' });
    const added = card.getByTestId('restream-target').filter({ hasText: 'Bilibili' });
    expect(await added.getByTestId('restream-key-mask').innerText()).toBe('••••1234');
    expect(await added.getByTestId('restream-status').innerText()).toBe('Off');
    await added.getByTestId('restream-delete').click();
    await page.getByTestId('restream-delete-confirm').click();
    await added.waitFor({ state: 'detached' });
  }, 120_000);

  it('fits a 390 px phone, and reads in Chinese', async () => {
    const phone = await open(390, 'en');
    const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await phone.getByTestId('restream-card').scrollIntoViewIfNeeded();
    await shoot(phone, 'console-restream-card-en-390');
    const zh = await open(1280, 'zh-CN');
    await expect.poll(async () => zh.getByTestId('restream-card').locator('[data-state="retrying"] [data-testid="restream-status"]').innerText()).toMatch(/秒后重试|正在重试/);
    expect(await zh.getByTestId('restream-card').locator('[data-state="live"] [data-testid="restream-status"]').innerText()).toBe('转推中');
    await shoot(zh, 'console-restream-card-zh-1280');
    const zhPhone = await open(390, 'zh-CN');
    await shoot(zhPhone, 'console-restream-card-zh-390');
  }, 180_000);
});
