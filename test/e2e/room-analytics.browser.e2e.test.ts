import type { WebSocket as PwWebSocket } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Beacon } from '../../src/contracts/analytics-events.contract.js';
import type { ConsoleShelf } from '../../src/contracts/catalog.contract.js';
import { messages, msg } from '../support/i18n-messages.js';
import { need } from '../support/need.js';
import { DEMO_OWNER, signInOwnerApi, useOnairBrowser } from '../support/onair-process.js';

/**
 * What the room page tells analytics (issue 7), in a real Chromium against `onair start --demo`:
 * the socket URL carries where the viewer came from, and the shelf's product impressions (half
 * visible for a second, once per product), the opened product, add to cart and a share go out as
 * `track` messages on the room socket, each acknowledged by the server.
 */
const en = messages('en');

describe.skipIf(!need('chromium'))('room analytics beacons in the browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-room-analytics-' });
  let origin = '';
  let sessionId = '';
  let shelf: ConsoleShelf;

  beforeAll(async () => {
    origin = app.onair.origin;
    const { signin, cookie } = await signInOwnerApi(origin, DEMO_OWNER, app.onair.ownerPassword);
    const csrf = ((await signin.json()) as { csrfToken: string }).csrfToken;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${origin}${path}`, { method, headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as unknown;
    };
    const sessions = (await call('GET', '/api/console/sessions?limit=10')) as { items: { id: string; isDemo: boolean; status: string }[] };
    const demo = sessions.items.find((s) => s.isDemo && s.status === 'scheduled') ?? sessions.items.find((s) => s.isDemo)!;
    sessionId = demo.id;
    if (demo.status !== 'live') await call('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'live' });
    shelf = (await call('GET', `/api/console/sessions/${sessionId}/shelf`)) as ConsoleShelf;
  }, 60_000);

  it('source on the socket URL; impressions, a product opened, add to cart and a share go out as acknowledged track messages', async () => {
    const page = await app.newPage({ width: 1280, height: 900 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const sockets: PwWebSocket[] = [];
    const tracked: Beacon[] = [];
    const acks: { accepted: number; duplicates: number }[] = [];
    page.on('websocket', (ws) => {
      sockets.push(ws);
      ws.on('framesent', (f) => {
        const m = JSON.parse(String(f.payload)) as { t: string; events?: Beacon[] };
        if (m.t === 'track') tracked.push(...(m.events ?? []));
      });
      ws.on('framereceived', (f) => {
        const m = JSON.parse(String(f.payload)) as { t: string; tracked?: { accepted: number; duplicates: number } };
        if (m.t === 'ack' && m.tracked) acks.push(m.tracked);
      });
    });
    await page.goto(`${origin}/live/${sessionId}?src=share&by=demoSharer1&utm_source=wechat`, { referer: 'https://news.example.org/story?id=1' });
    await page.locator('[data-testid="online-count"]').waitFor();
    const url = new URL(sockets[0]!.url());
    expect([url.searchParams.get('src'), url.searchParams.get('by'), url.searchParams.get('utm_source'), url.searchParams.get('rh')]).toEqual(['share', 'demoSharer1', 'wechat', 'news.example.org']);

    // The sheet shows the shelf: its visible rows count as seen after a second, once each.
    await page.getByTestId('shelf-button').click();
    await page.getByTestId('shelf-product').first().waitFor();
    await expect.poll(() => tracked.filter((b) => b.type === 'product_impression').length, { timeout: 10_000 }).toBeGreaterThan(0);
    const seen = tracked.filter((b) => b.type === 'product_impression').map((b) => b.productId);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.every((id) => shelf.items.some((i) => i.productId === id))).toBe(true);

    // A several-SKU product opened (its picker) is a click; a one-SKU product added is a click and an add_to_cart.
    const multi = shelf.items.find((i) => i.skuCount > 1)!;
    const single = shelf.items.find((i) => i.skuCount === 1)!;
    await page.locator(`[data-testid="shelf-product"][data-product-id="${multi.productId}"] [data-testid="shelf-add-to-cart"]`).click();
    await page.locator(`[data-testid="shelf-product"][data-product-id="${single.productId}"] [data-testid="shelf-add-to-cart"]`).click();
    await page.getByTestId('shelf-added').filter({ hasText: single.title }).waitFor();
    await page.keyboard.press('Escape');

    // Share: the link names the share; copied (no share sheet on desktop Chromium).
    await page.getByTestId('share-button').click();
    await page.getByTestId('share-note').filter({ hasText: msg(en, 'share.copied') }).waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(`${origin}/live/${sessionId}?src=share`);

    await expect.poll(() => tracked.map((b) => b.type), { timeout: 10_000 }).toEqual(expect.arrayContaining(['product_click', 'add_to_cart', 'share']));
    expect(tracked.filter((b) => b.type === 'product_click').map((b) => b.productId)).toEqual([multi.productId, single.productId]);
    expect(tracked.find((b) => b.type === 'add_to_cart')?.productId).toBe(single.productId);
    expect(tracked.find((b) => b.type === 'share')?.shareChannel).toBe('copy');
    // Every beacon was taken once by the server.
    await expect.poll(() => acks.reduce((s, a) => s + a.accepted, 0)).toBe(tracked.length);
    expect(acks.reduce((s, a) => s + a.duplicates, 0)).toBe(0);
    expect(new Set(tracked.map((b) => b.id)).size).toBe(tracked.length);
  }, 90_000);
});
