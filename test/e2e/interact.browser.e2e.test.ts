import { randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawRecordSchema } from '../../src/contracts/draw.contract.js';
import { verifyDraw } from '../../src/server/modules/interact/core/fair-draw.js';
import { need } from '../support/need.js';
import { DEMO_OWNER, ownerApi, signInForm, useOnairBrowser, type ConsoleApi } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * Issue 6, item 11's browser test, against the real `onair start --demo` process in Chromium:
 * the operator signs in to the console, opens the live demo shop's control panel and fires the
 * poll and the 口令 draw prepared in the demo data, each in one click; a signed-in viewer in the
 * room votes (the console's bars count it), joins the draw by sending its phrase as a comment,
 * and, once the operator draws, sees that they won; on the public verification page the
 * viewer's browser recomputes the draw from the published record and finds that it matches
 * (and so does the server's own verifier). Then the room at phone width.
 */
describe.skipIf(!need('chromium'))('interactive tools in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-interact-browser-' });
  const screenshot = useScreenshots('interact browser e2e', 'onair-interact-shots-');
  let origin = '';
  let api: ConsoleApi;
  let sessionId = '';
  let viewerCookie = '';
  let operator: Page;
  let viewer: Page;
  let viewerContext: BrowserContext;

  beforeAll(async () => {
    origin = app.onair.origin;
    ({ api } = await ownerApi(origin, app.onair.ownerPassword));
    const sessions = await api<{ items: { id: string; title: string; status: string }[] }>('GET', '/api/console/sessions');
    const shop = sessions.items.find((s) => s.status === 'live' && s.title.includes('Demo shop'));
    expect(shop, JSON.stringify(sessions.items.map((s) => s.title))).toBeTruthy();
    sessionId = shop!.id;
    const signup = await fetch(`${origin}/api/viewer/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nickname: `茶友${randomBytes(2).toString('hex')}`, password: 'viewer-password-1' }),
    });
    expect(signup.status).toBe(201);
    viewerCookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;
  });

  it('the operator fires the prepared poll; the viewer votes and the console counts it', async () => {
    operator = await app.newPage({ width: 1400, height: 1000 });
    operator.on('dialog', (d) => void d.accept());
    await operator.goto(`${origin}/console/signin`);
    await signInForm(operator, DEMO_OWNER, app.onair.ownerPassword);
    await operator.waitForURL(/\/console\/sessions$/);
    await operator.goto(`${origin}/console/sessions/${sessionId}/live`);
    const panel = operator.getByTestId('interact-panel');
    await panel.getByTestId('ic-tab-polls').click();
    const poll = panel.getByTestId('ic-poll').filter({ hasText: 'Which tea should we taste next?' });
    await poll.getByTestId('ic-poll-open').click();
    await expect.poll(() => poll.getByTestId('ic-poll-left').count()).toBe(1);

    viewer = await app.newPage({ width: 1280, height: 900 });
    viewerContext = viewer.context();
    const [name, value] = viewerCookie.split('=') as [string, string];
    await viewerContext.addCookies([{ name, value, url: origin }]);
    await viewer.goto(`${origin}/live/${sessionId}`);
    const card = viewer.getByTestId('room-tools');
    const option = card.getByTestId('poll-option').filter({ hasText: '白茶 White tea' });
    await option.click();
    await expect.poll(() => card.getByTestId('poll-voted').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await card.getByTestId('poll-voters').textContent()) ?? '', { timeout: 10_000 }).toMatch(/\b1\b/);
    await screenshot(viewer, 'viewer-voted');

    // The console's live bars: one voter, for White tea.
    await expect.poll(async () => (await poll.getByTestId('ic-poll-bars').textContent()) ?? '', { timeout: 10_000 }).toMatch(/白茶 White tea[\s\S]*1/);
    await screenshot(operator, 'console-poll');
    const overview = await api<{ polls: { question: string; tally: number[]; voters: number }[] }>('GET', `/api/console/sessions/${sessionId}/interact`);
    expect(overview.polls.find((p) => p.question.includes('Which tea'))).toMatchObject({ tally: [0, 1, 0], voters: 1 });
  }, 90_000);

  it('the operator starts the 口令 draw; the viewer joins by sending the phrase, wins, and verifies the draw', async () => {
    const panel = operator.getByTestId('interact-panel');
    await panel.getByTestId('ic-tab-draws').click();
    const draw = panel.getByTestId('ic-draw').filter({ hasText: 'Giveaway: comment the phrase' });
    await draw.getByTestId('ic-draw-open').click();
    await expect.poll(() => draw.getByTestId('ic-draw-close').count(), { timeout: 10_000 }).toBe(1);

    const card = viewer.getByTestId('room-tools');
    await expect.poll(() => card.getByTestId('draw-join').count(), { timeout: 10_000 }).toBe(1);
    expect(await card.getByTestId('draw-join').textContent()).toContain('我要龙井');
    await card.getByTestId('draw-join').click();
    await expect.poll(() => card.getByTestId('draw-entered').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // The phrase went out as a comment, as in Douyin's 福袋.
    await expect.poll(async () => (await viewer.locator('body').textContent()) ?? '').toContain('我要龙井');
    await expect.poll(async () => (await draw.getByTestId('ic-draw-entrants').textContent()) ?? '', { timeout: 10_000 }).toMatch(/\b1\b/);
    await screenshot(viewer, 'viewer-entered');

    // "Draw now" closes the entries (hash published), draws and reveals the seed.
    await draw.getByTestId('ic-draw-run').click();
    await expect.poll(() => card.getByTestId('draw-won').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => draw.getByTestId('ic-draw-winner').count(), { timeout: 10_000 }).toBe(1);
    await screenshot(viewer, 'viewer-won');
    await screenshot(operator, 'console-drawn');

    // The public verification page: the browser recomputes everything from the published record.
    const href = await card.getByTestId('draw-verify-link').getAttribute('href');
    expect(href).toMatch(/^\/draws\//);
    const drawId = href!.split('/').pop()!;
    const page = await viewerContext.newPage();
    await page.goto(`${origin}${href}`);
    await page.getByTestId('verify-run').click();
    const verdict = page.getByTestId('verify-verdict');
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 20_000 }).toBe('true');
    await screenshot(page, 'verify-page');
    const record = drawRecordSchema.parse(await (await fetch(`${origin}/api/draws/${drawId}/record`)).json());
    expect(verifyDraw(record)).toMatchObject({ ok: true });
    expect(record.entrants).toHaveLength(1);
    expect(record.winners).toHaveLength(1);

    // The prize waits for the winner's address (a product prize): the room links to /prizes.
    await card.getByTestId('draw-claim').click();
    await expect.poll(() => viewer.getByTestId('prize-claim-form').count(), { timeout: 10_000 }).toBe(1);
    await screenshot(viewer, 'prizes');
  }, 120_000);

  it('the room at phone width shows the tools', async () => {
    const phone = await viewerContext.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${origin}/live/${sessionId}`);
    await expect.poll(() => phone.getByTestId('room-tools').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => phone.getByTestId('poll-results').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(phone, 'phone-room');
  }, 60_000);
});
