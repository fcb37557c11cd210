import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { need } from '../support/need.js';
import { repoRoot, signInForm, ownerApi, useOnairBrowser } from '../support/onair-process.js';

/**
 * Issue 5, item 5 (handbook 3.3): a host opens the session's pre-flight page, ticks the scene and
 * content items, runs the upload-speed test against Onair, starts test mode; ffmpeg publishes as
 * OBS would and the private preview plays while the audience's /stream still says offline; "Go
 * public" takes the session live. With ONAIR_UPDATE_DOC_SHOTS=1, screenshots (desktop and 390 px
 * phone, en and zh-CN) go to docs/screenshots/.
 */
describe.skipIf(!need('chromium') || !need('ffmpeg'))('pre-flight in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-preflight-browser-' });
  const shots = join(repoRoot, 'docs', 'screenshots');
  let origin = '';
  let sessionId = '';
  let ingest = '';
  let encoder: ChildProcess | null = null;
  const host = { email: 'host.preflight@onair.local', password: 'host-preflight-password-1' };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    origin = app.onair.origin;
    const { api } = await ownerApi(origin, app.onair.ownerPassword);
    await api('POST', '/api/console/team/members', { email: host.email, displayName: 'Lin (host)', roles: ['host'], password: host.password });
    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'Pre-flight 新品发布', theme: 'launch', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
    sessionId = session.id;
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'scheduled' });
    const settings = await api<{ server: string; streamKey: string }>('GET', `/api/console/sessions/${sessionId}/stream`);
    ingest = `${settings.server}/${settings.streamKey}`;
  });
  afterAll(() => {
    encoder?.kill('SIGKILL');
  });

  const audienceState = async (): Promise<string> => {
    const guest = ((await (await fetch(`${origin}/api/viewer/guest`, { method: 'POST' })).json()) as { guestToken: string }).guestToken;
    return ((await (await fetch(`${origin}/api/live/${sessionId}/stream`, { headers: { 'x-guest-token': guest } })).json()) as { state: string }).state;
  };
  // The committed screenshots are rewritten only on request (a test run leaves the checkout clean).
  const shoot = async (page: Page, name: string) => {
    if (process.env.ONAIR_UPDATE_DOC_SHOTS === '1') await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };
  const openAs = async (width: number, lang: 'en' | 'zh-CN'): Promise<Page> => {
    const page = await app.newPage({ width, height: 900 });
    await page.goto(`${origin}/console/signin`);
    await page.evaluate(`localStorage.setItem('onair.lang', '${lang}')`);
    await page.goto(`${origin}/console/signin`);
    await signInForm(page, host.email, host.password);
    await page.waitForURL(/\/console(\/sessions)?$/);
    await page.goto(`${origin}/console/sessions/${sessionId}/preflight`);
    await page.getByTestId('preflight-page').waitFor();
    return page;
  };

  it('a host ticks the scene and content, runs the upload test, rehearses privately and goes public', async () => {
    const page = await openAs(1280, 'en');
    const summary = page.getByTestId('preflight-summary');
    expect(await summary.getAttribute('data-total')).toBe('14');
    expect(await summary.getAttribute('data-done')).toBe('0');
    // The tech's items are not the host's to tick.
    expect(await page.getByTestId('preflight-check-software.obs').isDisabled()).toBe(true);
    for (const key of ['scene.background', 'scene.products', 'content.script']) {
      await page.getByTestId(`preflight-check-${key}`).check();
      await page.waitForSelector(`[data-testid="preflight-item-${key}"][data-checked="yes"]`);
    }
    await page.waitForSelector('[data-testid="preflight-summary"][data-done="3"]');
    await expect.poll(() => page.getByTestId('preflight-by-content.script').textContent()).toContain('Lin (host)');

    // The upload test: chunks to Onair with a progress bar, then the figure.
    await page.getByTestId('preflight-upload-run').click();
    const result = page.getByTestId('preflight-upload-result');
    await result.waitFor({ timeout: 30_000 });
    expect(Number(await result.getAttribute('data-kbps'))).toBeGreaterThan(0);
    expect(await page.getByTestId('preflight-upload-progress').getAttribute('aria-valuenow')).toBe('100');

    // Kept after a reload.
    await page.reload();
    await page.waitForSelector('[data-testid="preflight-item-content.script"][data-checked="yes"]');
    await shoot(page, 'preflight-desktop-en');

    // Test mode, then the encoder: the audience sees nothing, the team's preview plays.
    await page.getByTestId('test-mode-start').click();
    await page.waitForSelector('[data-testid="test-mode"][data-on="yes"]');
    encoder = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '120', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', ingest],
      { stdio: 'ignore' },
    );
    await page.waitForSelector('[data-testid="test-preview"][data-playing="yes"]', { timeout: 30_000 });
    await page.waitForFunction('(document.querySelector(\'[data-testid="test-preview-video"]\')?.currentTime ?? 0) > 0.5', undefined, { timeout: 20_000 });
    expect(await audienceState()).toBe('offline');
    await page.waitForSelector('[data-testid="preflight-auto-software.encoder"][data-status="pass"]', { timeout: 15_000 });
    await shoot(page, 'preflight-test-mode-desktop-en');

    for (const [width, lang, name] of [[390, 'en', 'preflight-phone-en'], [1280, 'zh-CN', 'preflight-test-mode-desktop-zh-CN'], [390, 'zh-CN', 'preflight-phone-zh-CN']] as const) {
      const other = await openAs(width, lang);
      await other.waitForSelector('[data-testid="test-preview"][data-playing="yes"]', { timeout: 30_000 });
      await shoot(other, name);
      await other.close();
    }

    // Go public: the session is live and the audience gets the running stream.
    await page.getByTestId('test-mode-go-public').click();
    await page.getByTestId('test-mode-go-public-confirm').click();
    await expect.poll(audienceState, { timeout: 10_000 }).toBe('live');
    await page.goto(`${origin}/console/sessions/${sessionId}`);
    await page.waitForSelector('[data-testid="session-detail"][data-status="live"]');
  }, 180_000);
});
