import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { need } from '../support/need.js';
import { DEMO_OWNER, ownerApi, repoRoot, signInForm, useOnairBrowser, type ConsoleApi } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * Issue 7 item 10: the live dashboard in Chromium during a simulated live. `onair start --demo`
 * and `onair simulate` run as child processes (the simulator drives its audience through the
 * public protocol); the operator's console shows the dashboard on Live control, moving every
 * second: concurrent viewers, entries, comments, clicks, orders, labelled as simulated traffic,
 * with the real figures at zero. Then the same at phone width in Chinese.
 */

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

async function numberOf(page: Page, testId: string): Promise<number> {
  const v = await page.getByTestId(testId).first().getAttribute('data-value');
  return v === null ? Number.NaN : Number(v);
}

describe.skipIf(!need('chromium'))('the live dashboard during a simulated live (onair start --demo + onair simulate)', { timeout: 240_000 }, () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-dash-browser-' });
  const screenshot = useScreenshots('analytics dashboard browser e2e', 'onair-dash-shots-');
  let origin = '';
  let api: ConsoleApi;
  let sessionId = '';
  let sim: ChildProcess | null = null;
  let simOut = '';

  beforeAll(async () => {
    origin = app.onair.origin;
    ({ api } = await ownerApi(origin, app.onair.ownerPassword));
    const sessions = await api<{ items: { id: string; title: string; status: string }[] }>('GET', '/api/console/sessions');
    const shop = sessions.items.find((s) => s.status === 'live' && s.title.includes('Demo shop'));
    expect(shop).toBeTruthy();
    sessionId = shop!.id;
  });
  afterAll(() => {
    sim?.kill('SIGINT');
  });

  it('moves every second with the simulated audience, labelled as simulated; real figures stay at zero', async () => {
    const page = await app.newPage({ width: 1400, height: 1100 });
    await page.goto(`${origin}/console/signin`);
    await signInForm(page, DEMO_OWNER, app.onair.ownerPassword);
    await page.waitForURL(/\/console\/sessions$/);
    await page.goto(`${origin}/console/sessions/${sessionId}/live`);
    const dash = page.getByTestId('live-dashboard');
    await dash.waitFor({ timeout: 20_000 });

    sim = spawn(
      process.execPath,
      ['--import', tsxLoader, join(repoRoot, 'src/server/cli/onair.ts'), 'simulate', '--url', origin, '--session', sessionId, '--viewers', '40', '--minutes', '1.5', '--speed', '1', '--seed', '3', '--label', 'dashe2e'],
      { env: { ...process.env, ONAIR_SIM_EMAIL: DEMO_OWNER, ONAIR_SIM_PASSWORD: app.onair.ownerPassword }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (b: Buffer) => (simOut += b.toString()));
    sim.stderr!.on('data', (b: Buffer) => (simOut += b.toString()));

    // Simulated viewers arrive: the dashboard switches to (and labels) simulated traffic.
    await expect.poll(() => page.getByTestId('dash-simulated-label').count(), { timeout: 60_000, message: simOut.slice(-500) }).toBe(1);
    await expect.poll(() => numberOf(page, 'dash-concurrent'), { timeout: 30_000 }).toBeGreaterThan(3);
    const first = await numberOf(page, 'dash-concurrent');
    // It moves: the count changes over the next seconds as viewers come and go.
    await expect.poll(async () => (await numberOf(page, 'dash-concurrent')) !== first, { timeout: 30_000 }).toBe(true);
    await expect.poll(async () => (await page.getByTestId('dash-tiles').textContent()) ?? '', { timeout: 30_000 }).toMatch(/\d/);
    await screenshot(page, 'dashboard-simulated');

    // The server's figures agree that none of it is real.
    const res = await fetch(`${origin}/api/console/sessions/${sessionId}/analytics/report?traffic=real`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('none'); // still live: the report comes at the end

    // The toggle shows the real figures: zero viewers.
    await page.getByTestId('dash-traffic-toggle').click();
    await expect.poll(() => numberOf(page, 'dash-concurrent'), { timeout: 10_000 }).toBe(0);
    await page.getByTestId('dash-traffic-toggle').click();

    // Phone width, Chinese.
    const phone = await app.newPage({ width: 390, height: 844 });
    await phone.goto(`${origin}/console/signin`);
    await phone.evaluate("localStorage.setItem('onair.lang', 'zh-CN')");
    await signInForm(phone, DEMO_OWNER, app.onair.ownerPassword);
    await phone.waitForURL(/\/console\/sessions$/);
    await phone.goto(`${origin}/console/sessions/${sessionId}/live`);
    await phone.getByTestId('live-dashboard').waitFor({ timeout: 20_000 });
    await expect.poll(() => numberOf(phone, 'dash-concurrent'), { timeout: 30_000 }).toBeGreaterThan(0);
    await phone.getByTestId('live-dashboard').scrollIntoViewIfNeeded();
    await screenshot(phone, 'dashboard-simulated-phone-zh');
  });
});
