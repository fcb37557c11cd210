import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingsReply, ReplayDto } from '../../src/contracts/replay.contract.js';
import { need } from '../support/need.js';
import { DEMO_OWNER as OWNER, repoRoot, signInForm, ownerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';
import { closeAll, connect, roomUrl, type WsClient } from '../support/ws-client.js';

/**
 * Issue 5 items 6 and 9: a short live on `onair start --demo` (ffmpeg publishing, the team
 * chatting and pinning two products) is recorded; once it has ended, /live/:id is its replay in
 * Chromium: the video plays (currentTime advances, no media error), each comment appears when
 * playback reaches its moment and not before, the shelf card shows what was presented then, and a
 * chapter seeks. With ONAIR_UPDATE_DOC_SHOTS=1 the replay (en / zh-CN, 1280 / 390 px) and the
 * console's Recordings card are written to docs/screenshots/.
 */

type VideoLike = { currentTime: number; error: { code: number } | null; paused: boolean; muted: boolean; duration: number; play(): Promise<void>; pause(): void };

describe.skipIf(!need('chromium') || !need('ffmpeg'))('replay in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-replay-browser-', env: { ONAIR_STREAM_GRACE_SECONDS: '1' } });
  const screenshot = useScreenshots('replay browser e2e', 'onair-replay-shots-');
  const docShots = process.env.ONAIR_UPDATE_DOC_SHOTS === '1';
  let origin = '';
  let sessionId = '';
  let encoder: ChildProcess | null = null;
  const sockets: WsClient[] = [];
  let replay: ReplayDto;

  beforeAll(async () => {
    origin = app.onair.origin;
    const { api, cookie } = await ownerApi(origin, app.onair.ownerPassword);
    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'Replay e2e 回放测试', theme: 'launch', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
    sessionId = session.id;
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'scheduled' });
    const products = (await api<{ items: { id: string; title: string }[] }>('GET', '/api/console/products')).items;
    expect(products.length).toBeGreaterThanOrEqual(2);
    const [a, b] = [products[0]!, products[1]!];
    await api('PUT', `/api/console/sessions/${sessionId}/shelf`, { productIds: [a.id, b.id] });
    const settings = await api<{ server: string; streamKey: string }>('GET', `/api/console/sessions/${sessionId}/stream`);
    encoder = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '14', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', `${settings.server}/${settings.streamKey}`],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => encoder!.once('exit', resolve));
    const until = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
      const end = Date.now() + ms;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await until('the recording to start', async () => (await api<RecordingsReply>('GET', `/api/console/sessions/${sessionId}/recordings`)).items.some((r) => r.status === 'recording' && r.bytes > 0));
    // A viewer watching the live: when it ends, the stage offers the replay once it is ready.
    const watcher = await app.newPage();
    await watcher.goto(`${origin}/live/${sessionId}`);
    await watcher.getByTestId('live-video').waitFor({ timeout: 30_000 });
    // The team in the room: chat and pin during the live.
    const team = await connect(roomUrl(`${origin.replace(/^http/, 'ws')}/ws`, sessionId), { cookie, asTeam: true, timeoutMs: 15_000 });
    sockets.push(team);
    await new Promise((r) => setTimeout(r, 1500));
    await api('POST', `/api/console/sessions/${sessionId}/shelf/pin`, { productId: a.id });
    await team.say('Welcome! 欢迎来到直播间');
    await new Promise((r) => setTimeout(r, 4000));
    await team.say('Now the second product');
    await api('POST', `/api/console/sessions/${sessionId}/shelf/pin`, { productId: b.id });
    await exited;
    encoder = null;
    await until('the recording to be ready', async () => (await api<RecordingsReply>('GET', `/api/console/sessions/${sessionId}/recordings`)).items.some((r) => r.status === 'ready'));
    await until('the session to end', async () => (await fetch(`${origin}/api/live/${sessionId}`)).ok && ((await (await fetch(`${origin}/api/live/${sessionId}`)).json()) as { status: string }).status === 'ended');
    await watcher.getByTestId('replay-ready').waitFor({ timeout: 30_000 });
    await docShot(watcher, 'video-replay-ready-en');
    await watcher.getByTestId('replay-ready').getByRole('button').click();
    await watcher.getByTestId('replay').waitFor({ timeout: 30_000 });
    await watcher.close();
    const guest = ((await (await fetch(`${origin}/api/viewer/guest`, { method: 'POST' })).json()) as { guestToken: string }).guestToken;
    replay = (await (await fetch(`${origin}/api/live/${sessionId}/replay`, { headers: { 'x-guest-token': guest } })).json()) as ReplayDto;
    expect(replay.messages.map((m) => m.text)).toEqual(['Welcome! 欢迎来到直播间', 'Now the second product']);
    expect(replay.chapters.map((c) => c.productId)).toEqual([a.id, b.id]);
  }, 120_000);
  afterAll(async () => {
    encoder?.kill('SIGKILL');
    await closeAll(sockets);
  });

  const open = async (width: number, lang: 'en' | 'zh-CN'): Promise<Page> => {
    const page = await app.newPage({ width, height: width < 600 ? 844 : 900 });
    page.setDefaultTimeout(30_000);
    await page.goto(`${origin}/`);
    await page.evaluate(`localStorage.setItem('onair.lang', ${JSON.stringify(lang)})`);
    await page.goto(`${origin}/live/${sessionId}`);
    await page.getByTestId('replay').waitFor();
    return page;
  };
  const docShot = async (page: Page, name: string, testId?: string) => {
    // A chapter click may have scrolled: a full-page picture from the top (the sticky header stays on top).
    if (!testId) await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, name);
    if (!docShots) return;
    mkdirSync(join(repoRoot, 'docs/screenshots'), { recursive: true });
    const path = join(repoRoot, 'docs/screenshots', `${name}.png`);
    if (testId) await page.getByTestId(testId).screenshot({ path });
    else await page.screenshot({ path, fullPage: true });
  };
  const videoState = (page: Page) =>
    page.getByTestId('replay-video').evaluate((el) => {
      const v = el as unknown as VideoLike;
      return { t: v.currentTime, error: v.error?.code ?? null, paused: v.paused };
    });
  const shownChat = async (page: Page) => page.getByTestId('replay-message').count();

  it('the ended session is its replay: the video plays, chat shows as playback reaches it, the shelf follows, chapters seek', async () => {
    const page = await open(1280, 'en');
    const [m1, m2] = [replay.messages[0]!, replay.messages[1]!];
    const [c1, c2] = [replay.chapters[0]!, replay.chapters[1]!];
    expect(await page.getByTestId('replay-chapter').count()).toBe(2);
    // At the start, before any comment's moment: no chat, nothing presented.
    expect(m1.t).toBeGreaterThan(800);
    expect(await shownChat(page)).toBe(0);
    expect(await page.getByTestId('replay-pinned').getAttribute('data-product-id')).toBe('');

    await page.getByTestId('replay-video').evaluate((el) => {
      const v = el as unknown as VideoLike;
      v.muted = true;
      return v.play();
    });
    // Playing: currentTime advances with no media error.
    await page.waitForFunction('(document.querySelector(\'[data-testid="replay-video"]\')?.currentTime ?? 0) > 0.3');
    const s0 = await videoState(page);
    // The first comment is not shown before its moment...
    if (s0.t * 1000 < m1.t - 400) expect(await shownChat(page)).toBe(0);
    // ... and is once playback passes it.
    await page.waitForFunction(`(document.querySelector('[data-testid="replay-video"]')?.currentTime ?? 0) * 1000 > ${m1.t + 300}`, undefined, { timeout: 20_000 });
    await expect.poll(() => shownChat(page)).toBeGreaterThanOrEqual(1);
    const mid = await videoState(page);
    expect(mid.error).toBeNull();
    expect(mid.paused).toBe(false);
    expect(mid.t).toBeGreaterThan(s0.t);
    if (mid.t * 1000 < m2.t - 400) expect(await shownChat(page)).toBe(1);
    expect(await page.getByTestId('replay-message').first().innerText()).toContain('欢迎来到直播间');
    if (mid.t * 1000 >= c1.t + 200 && mid.t * 1000 < c2.t - 200) expect(await page.getByTestId('replay-pinned').getAttribute('data-product-id')).toBe(c1.productId);

    // A chapter seeks: to the second product, then back to the first (the chat follows both ways).
    await page.getByTestId('replay-chapter').nth(1).click();
    await page.waitForFunction(`Math.abs((document.querySelector('[data-testid="replay-video"]')?.currentTime ?? 0) * 1000 - ${c2.t}) < 1500`);
    await expect.poll(() => page.getByTestId('replay-pinned').getAttribute('data-product-id')).toBe(c2.productId);
    await expect.poll(() => shownChat(page)).toBe(2);
    expect(await page.getByTestId('replay-chapter').nth(1).getAttribute('aria-current')).toBe('true');
    await page.getByTestId('replay-chapter').nth(0).click();
    await page.waitForFunction(`Math.abs((document.querySelector('[data-testid="replay-video"]')?.currentTime ?? 0) * 1000 - ${c1.t}) < 1500`);
    await expect.poll(() => page.getByTestId('replay-pinned').getAttribute('data-product-id')).toBe(c1.productId);
    if (c1.t < m2.t - 1500) await expect.poll(() => shownChat(page)).toBe(1);
    expect((await videoState(page)).error).toBeNull();

    // Pause just after the second product's chapter for the pictures.
    await page.getByTestId('replay-chapter').nth(1).click();
    await expect.poll(() => shownChat(page)).toBe(2);
    await page.getByTestId('replay-video').evaluate((el) => { (el as unknown as VideoLike).pause(); });
    await docShot(page, 'video-replay-desktop-en');
    await page.close();
  }, 120_000);

  it('looks right on a phone and in Chinese; the console lists the recording with its size', async () => {
    const shots: [number, 'en' | 'zh-CN', string][] = [
      [390, 'en', 'video-replay-phone-en'],
      [1280, 'zh-CN', 'video-replay-desktop-zh-CN'],
      [390, 'zh-CN', 'video-replay-phone-zh-CN'],
    ];
    const c2 = replay.chapters[1]!;
    for (const [width, lang, name] of shots) {
      const page = await open(width, lang);
      await page.getByTestId('replay-chapter').nth(1).click();
      await page.waitForFunction(`(document.querySelector('[data-testid="replay-video"]')?.currentTime ?? 0) * 1000 > ${c2.t - 1000}`);
      await page.getByTestId('replay-video').evaluate((el) => { (el as unknown as VideoLike).pause(); });
      await expect.poll(() => page.getByTestId('replay-pinned').getAttribute('data-product-id')).toBe(c2.productId);
      if (lang === 'zh-CN') expect(await page.getByTestId('replay-badge').innerText()).toBe('回放');
      await docShot(page, name);
      await page.close();
    }

    const page = await app.newPage({ width: 1280, height: 900 });
    page.setDefaultTimeout(30_000);
    await page.goto(`${origin}/console`);
    await signInForm(page, OWNER, app.onair.ownerPassword);
    await page.getByTestId('session-row').first().waitFor();
    await page.goto(`${origin}/console/sessions/${sessionId}`);
    const card = page.getByTestId('recordings-card');
    await card.getByTestId('recording-row').first().waitFor();
    expect(await card.getByTestId('recording-status').first().innerText()).toBe('Ready');
    expect(await card.getByTestId('recordings-storage').innerText()).toMatch(/This session: [\d.]+ (KB|MB)/);
    expect(await card.getByTestId('recording-delete').count()).toBe(1);
    await card.scrollIntoViewIfNeeded();
    await docShot(page, 'console-recordings-card-en', 'recordings-card');
    await card.getByTestId('recording-delete').click();
    await page.getByTestId('recording-delete-dialog').waitFor();
    await docShot(page, 'console-recordings-delete-en', 'recording-delete-dialog');
    await page.getByText('Cancel').click();
    await page.evaluate("localStorage.setItem('onair.lang', 'zh-CN')");
    await page.reload();
    await page.getByTestId('recordings-card').getByTestId('recording-row').first().waitFor();
    await page.getByTestId('recordings-card').scrollIntoViewIfNeeded();
    await docShot(page, 'console-recordings-card-zh-CN', 'recordings-card');
    await page.close();
  }, 120_000);
});
