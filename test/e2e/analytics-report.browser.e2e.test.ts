import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyticsTexts } from '../../src/contracts/analytics-texts.js';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, ownerApi, repoRoot, signInForm, useOnairBrowser, type ConsoleApi } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * The post-live report page in a real Chromium against `onair start --demo`: before the live ends
 * the page says the report comes at the end; `onair simulate` fills the live demo shop while the
 * team marks run-of-show segments; the team ends the live; the session page links to the report;
 * the real report counts no viewer (and offers the simulated one); the simulated report shows the
 * "Simulated data" banner, the same figures as the API, the annotated charts, the tables and the
 * hints; a CSV export downloads; the page reads in Chinese and fits a 390 px phone.
 */
const en = messages('en');
const zh = messages('zh-CN');
const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function simulate(origin: string, sessionId: string, password: string): Promise<{ status: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, cliPath, 'simulate', '--url', origin, '--session', sessionId, '--viewers', '16', '--minutes', '1', '--speed', '4', '--seed', '3', '--buy-share', '0.3', '--label', 'rpt'],
      { env: { ...env, ONAIR_SIM_EMAIL: OWNER, ONAIR_SIM_PASSWORD: password } },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.resume();
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`onair simulate did not finish\n${stderr}`));
    }, 120_000);
    child.once('exit', (status) => {
      clearTimeout(t);
      resolve({ status, stderr });
    });
  });
}

type ReportReply = { status: string; report: { audience: { uv: number }; sales: { gmvFen: number; paidOrders: number }; timeline: { kind: string; title: string }[]; hints: unknown[] } | null };

describe.skipIf(!need('chromium'))('post-live report page in a real browser (onair start --demo + onair simulate)', { timeout: 240_000 }, () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-report-browser-' });
  const screenshot = useScreenshots('analytics report browser e2e', 'onair-report-shots-');
  let origin = '';
  let password = '';
  let api: ConsoleApi;
  let sessionId = '';

  beforeAll(async () => {
    origin = app.onair.origin;
    password = app.onair.ownerPassword;
    sessionId = /Demo shop, live now: \S+\/live\/([A-Za-z0-9_-]+)/.exec(app.onair.output)?.[1] ?? '';
    expect(sessionId, app.onair.output).not.toBe('');
    ({ api } = await ownerApi(origin, password));
  });

  const signedIn = async (width = 1280, lang: 'en' | 'zh-CN' = 'en'): Promise<Page> => {
    const page = await app.newPage({ width, height: 900 });
    await page.addInitScript(`localStorage.setItem('onair.lang', ${JSON.stringify(lang)})`);
    await page.goto(`${origin}/console`);
    await page.waitForURL(/\/console\/signin$/);
    await signInForm(page, OWNER, password);
    await page.waitForURL(/\/console\/sessions$/);
    return page;
  };

  it('says the report comes when the live ends, then shows the simulated live with its segments once it has', async () => {
    const page = await signedIn();
    await page.goto(`${origin}/console/sessions/${sessionId}/report`);
    await page.getByTestId('report-none').waitFor();
    expect(await page.getByTestId('report-none').textContent()).toContain(msg(en, 'analyticsReport.state.none'));
    await screenshot(page, 'report-before-the-end');

    // A simulated audience while the team marks two segments of the run of show.
    const run = simulate(origin, sessionId, password);
    await api('POST', `/api/console/sessions/${sessionId}/segments`, { kind: 'entertainment', title: 'Warm-up <b>hi</b>' });
    await new Promise((r) => setTimeout(r, 6_000));
    await api('POST', `/api/console/sessions/${sessionId}/segments`, { kind: 'showcase', title: 'Dragon Well 龙井' });
    const done = await run;
    expect(done.status, done.stderr).toBe(0);
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'ended', reason: 'e2e: report page' });

    // The session page links to its report once the live has ended.
    await page.goto(`${origin}/console/sessions/${sessionId}`);
    await page.getByTestId('session-report-link').click();
    await page.waitForURL(new RegExp(`/console/sessions/${sessionId}/report$`));
    const reportPage = page.getByTestId('report-page');
    await expect.poll(() => reportPage.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');

    // No real viewer: the page says so and offers the simulated figures.
    await page.getByTestId('report-no-real-viewers').waitFor();
    expect(await page.getByTestId('kpi-uv-value').textContent()).toBe('0');
    await page.getByTestId('report-no-real-viewers').getByRole('button').click();
    await page.waitForURL(/traffic=simulated/);
    await expect.poll(() => reportPage.getAttribute('data-traffic')).toBe('simulated');
    await expect.poll(() => reportPage.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await page.getByTestId('report-simulated-banner').textContent()).toBe(analyticsTexts.en.section.simulatedData);

    const reply = await api<ReportReply>('GET', `/api/console/sessions/${sessionId}/analytics/report?traffic=simulated`);
    const r = reply.report!;
    expect(r.audience.uv).toBe(16);
    await expect.poll(() => page.getByTestId('kpi-uv-value').textContent()).toBe('16');
    expect(await page.getByTestId('kpi-paidOrders-value').textContent()).toBe(String(r.sales.paidOrders));
    expect(await page.getByTestId('kpi-newFollowers-value').textContent()).toBe(analyticsTexts.en.metric.notAvailable);

    // Charts drawn (SVG), the retention curve with the segments as bands and in its legend.
    for (const id of ['chart-retention', 'chart-gmv', 'chart-survival', 'chart-funnel', 'chart-joins-exits', 'chart-comments-likes']) {
      await expect.poll(() => page.locator(`[data-testid="${id}"] svg path`).count(), { timeout: 15_000 }).toBeGreaterThan(3);
    }
    expect(await page.getByTestId('chart-retention').textContent()).toContain(analyticsTexts.en.annotation.segment);

    // The timeline table lists the segments, their titles as text (never markup).
    const timeline = page.getByTestId('table-timeline');
    expect(await timeline.textContent()).toContain('Warm-up <b>hi</b>');
    expect(await timeline.locator('b').count()).toBe(0);
    expect(await timeline.textContent()).toContain('Dragon Well 龙井');
    expect(await page.getByTestId('table-sources').locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, 'report-simulated');

    // A table as CSV: an export job, then the download.
    const download = page.waitForEvent('download', { timeout: 30_000 });
    await page.getByTestId('csv-products').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    await page.getByTestId('report-export-done').waitFor();

    // PDF: a job with progress, then the file (or, on a server without Chromium, a clear message).
    const pdf = page.waitForEvent('download', { timeout: 90_000 }).then((d) => d.suggestedFilename());
    await page.getByTestId('report-pdf').click();
    const outcome = await Promise.race([pdf, page.getByTestId('report-export-error').waitFor({ timeout: 90_000 }).then(() => 'error')]);
    if (outcome === 'error') expect(await page.getByTestId('report-export-error').textContent()).toContain(msg(en, 'analyticsReport.export.pdfUnavailable'));
    else expect(outcome).toMatch(/\.pdf$/);

    // The printable report opens in a new tab.
    const [print] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('report-print-link').click()]);
    await print.waitForLoadState();
    expect(print.url()).toContain(`/api/console/sessions/${sessionId}/analytics/report/print?traffic=simulated&lang=en`);
    await print.close();
  });

  it('reads in Chinese and fits a 390 px phone', async () => {
    const page = await signedIn(390, 'zh-CN');
    await page.goto(`${origin}/console/sessions/${sessionId}/report?traffic=simulated`);
    const reportPage = page.getByTestId('report-page');
    await expect.poll(() => reportPage.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    await page.getByTestId('report-body').waitFor();
    expect(await page.getByTestId('report-simulated-banner').textContent()).toBe(analyticsTexts['zh-CN'].section.simulatedData);
    expect(await page.getByTestId('report-traffic-simulated').textContent()).toBe(msg(zh, 'analyticsReport.traffic.simulated'));
    expect(await page.getByTestId('report-section-kpis').textContent()).toContain(analyticsTexts['zh-CN'].kpi.uv);
    // Nothing wider than the phone: wide tables scroll inside their cards.
    await expect.poll(() => page.locator('[data-testid="chart-retention"] svg path').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await screenshot(page, 'report-zh-phone');
  });
});
