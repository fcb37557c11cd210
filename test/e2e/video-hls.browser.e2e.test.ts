import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { need } from '../support/need.js';
import { repoRoot, ownerApi, useOnairBrowser } from '../support/onair-process.js';

/**
 * Issue 5, item 3: the live picture over HLS (ffmpeg remuxes the relay; hls.js in Chromium), and
 * the stream clock of both players checked against the picture itself. The encoder burns its
 * clock into every frame (a strip of 20 black/white blocks: the frame's timestamp in ms, in binary,
 * which is also the timestamp it is published with). In the page, every animation frame, the
 * timestamp read from the pixels is compared with the position the player reports
 * (`onairPosition()` on the video, the same reader playback-clock.ts has): FLV and HLS must both
 * agree with the picture, so with each other. A signed-in team member sees the latency readout
 * against the server's clock; with ONAIR_UPDATE_DOC_SHOTS=1, screenshots of it (desktop and phone,
 * en and zh-CN) go to docs/screenshots/.
 */
const BITS = 20;
const BLOCK = 32;

interface Sample {
  burned: number;
  reported: number | null;
  publishId: string | null;
}

async function samplePositions(page: Page, ms: number): Promise<Sample[]> {
  return page.evaluate(
    async ({ bits, block, ms }) => {
      // The few DOM types used here (this file is type-checked with Node's, not the DOM's).
      interface VideoEl {
        onairPosition?: () => { publishId: string; ts: number } | null;
        requestVideoFrameCallback(cb: () => void): number;
      }
      interface Ctx2d {
        drawImage(v: VideoEl, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void;
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      }
      interface Canvas {
        width: number;
        height: number;
        getContext(kind: '2d', o: { willReadFrequently: boolean }): Ctx2d | null;
      }
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown; createElement(t: 'canvas'): Canvas } }).document;
      const video = doc.querySelector('[data-testid="live-video"]') as VideoEl;
      const canvas = doc.createElement('canvas');
      canvas.width = bits * block;
      canvas.height = block;
      const g = canvas.getContext('2d', { willReadFrequently: true })!;
      const read = (): number => {
        g.drawImage(video, 0, 0, bits * block, block, 0, 0, bits * block, block);
        const px = g.getImageData(0, 0, bits * block, block).data;
        let ts = 0;
        for (let i = 0; i < bits; i++) {
          const o = ((block >> 1) * bits * block + i * block + (block >> 1)) * 4;
          if (px[o]! > 128) ts += 2 ** i;
        }
        return ts;
      };
      const out: { burned: number; reported: number | null; publishId: string | null }[] = [];
      const end = performance.now() + ms;
      await new Promise<void>((resolve) => {
        // Sampled when a new frame is presented: the frame on screen and the position at that moment.
        const step = () => {
          const pos = video.onairPosition?.() ?? null;
          out.push({ burned: read(), reported: pos?.ts ?? null, publishId: pos?.publishId ?? null });
          if (performance.now() < end) video.requestVideoFrameCallback(step);
          else resolve();
        };
        video.requestVideoFrameCallback(step);
      });
      return out;
    },
    { bits: BITS, block: BLOCK, ms },
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(!need('chromium') || !need('ffmpeg'))('live HLS in a real browser, and the stream clock of both players (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-hls-browser-' });
  let origin = '';
  let sessionId = '';
  let ingest = '';
  let cookie = '';
  let encoder: ChildProcess | null = null;

  beforeAll(async () => {
    origin = app.onair.origin;
    const signed = await ownerApi(origin, app.onair.ownerPassword);
    const api = signed.api;
    cookie = signed.cookie;
    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'HLS e2e 直播测试', theme: 'launch', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
    sessionId = session.id;
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'scheduled' });
    const settings = await api<{ server: string; streamKey: string }>('GET', `/api/console/sessions/${sessionId}/stream`);
    ingest = `${settings.server}/${settings.streamKey}`;
  });
  afterAll(() => {
    encoder?.kill('SIGKILL');
  });

  it('Chromium plays over HLS; FLV and HLS report the timestamp of the frame on screen; the team sees its latency', async () => {
    const strip = `color=c=black:s=${BITS}x1:r=25,format=gray,geq=lum='16+219*mod(floor(floor(T*1000+0.5)/pow(2\\,X))\\,2)',scale=${BITS * BLOCK}:${BLOCK}:flags=neighbor,format=yuv420p[strip]`;
    encoder = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
        '-filter_complex', `${strip};[0:v][strip]overlay=0:0:shortest=1[v]`, '-map', '[v]', '-map', '1:a',
        '-t', '150', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', ingest],
      { stdio: 'ignore' },
    );
    const guest = ((await (await fetch(`${origin}/api/viewer/guest`, { method: 'POST' })).json()) as { guestToken: string }).guestToken;
    const deadline = Date.now() + 20_000;
    let info = { state: '', hlsUrl: null as string | null, position: null as { publishId: string; ts: number } | null };
    while (Date.now() < deadline && (info.state !== 'live' || !info.position)) {
      info = (await (await fetch(`${origin}/api/live/${sessionId}/stream`, { headers: { 'x-guest-token': guest } })).json()) as typeof info;
      if (info.state !== 'live' || !info.position) await new Promise((r) => setTimeout(r, 250));
    }
    expect(info.state).toBe('live');
    expect(info.hlsUrl).toBe(`/api/live/${sessionId}/hls/open/index.m3u8`);

    const results: Record<string, { diffs: number[]; publishIds: Set<string | null> }> = {};
    for (const player of ['hls', 'flv'] as const) {
      const page = await app.newPage();
      await page.goto(`${origin}/live/${sessionId}?player=${player}`);
      const video = page.getByTestId('live-video');
      await video.waitFor();
      await page.waitForFunction('(document.querySelector(\'[data-testid="live-video"]\')?.currentTime ?? 0) > 1', undefined, { timeout: 30_000 });
      expect(await page.locator('.live-player').getAttribute('data-protocol')).toBe(player);
      // The player knows its stream position (FLV: the clock tag arrived; HLS: the first PTS).
      await page.waitForFunction('typeof document.querySelector(\'[data-testid="live-video"]\')?.onairPosition?.()?.ts === "number"', undefined, { timeout: 15_000 });
      type VideoLike = { currentTime: number; error: { code: number } | null; paused: boolean };
      const t0 = await video.evaluate((v) => (v as unknown as VideoLike).currentTime);
      const samples = await samplePositions(page, 3000);
      const after = await video.evaluate((el) => {
        const v = el as unknown as VideoLike;
        return { t: v.currentTime, error: v.error?.code ?? null, paused: v.paused };
      });
      expect(after.error, player).toBeNull();
      expect(after.paused, player).toBe(false);
      expect(after.t - t0, player).toBeGreaterThan(2);
      const known = samples.filter((s) => s.reported !== null && s.burned > 0);
      expect(known.length, `${player}: frames with a position: ${JSON.stringify(samples.slice(0, 5))} of ${samples.length}`).toBeGreaterThan(20);
      results[player] = { diffs: known.map((s) => s.reported! - s.burned), publishIds: new Set(known.map((s) => s.publishId)) };
      await page.close();
    }
    for (const [player, r] of Object.entries(results)) {
      // Reported position minus the timestamp burned into the frame on screen (a frame is 40 ms).
      expect(Math.abs(median(r.diffs)), `${player}: median ${median(r.diffs)} ms`).toBeLessThan(100);
      expect([...r.publishIds]).toEqual([info.position!.publishId]);
    }
    expect(Math.abs(median(results.hls!.diffs) - median(results.flv!.diffs))).toBeLessThan(100);

    // A signed-in team member sees how far behind live the picture is, against the server's clock.
    const [name, value] = cookie.split('=') as [string, string];
    const shotsDir = join(repoRoot, 'docs', 'screenshots');
    mkdirSync(shotsDir, { recursive: true });
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const [label, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
        const page = await app.newPage(size);
        // As the console's sign-in leaves them: the team cookie and its readable hint.
        await page.context().addCookies([{ name, value, url: origin }, { name: 'onair_team_hint', value: '1', url: origin }]);
        if (lang === 'zh-CN') await page.addInitScript("localStorage.setItem('onair.lang', 'zh-CN')");
        await page.goto(`${origin}/live/${sessionId}?player=hls`);
        const chip = page.getByTestId('live-latency');
        await page.waitForFunction('document.querySelector(\'[data-testid="live-latency"]\')?.getAttribute("data-kind") === "stream"', undefined, { timeout: 30_000 }).catch(async (e: unknown) => {
          throw new Error(`no stream latency: ${await page.locator('.live-player').evaluate((el) => el.outerHTML.slice(0, 1500))}`, { cause: e });
        });
        const seconds = Number(await chip.getAttribute('data-value'));
        expect(seconds, `${lang} ${label} latency`).toBeGreaterThan(0);
        expect(seconds).toBeLessThan(15);
        await expect.poll(() => chip.textContent()).toMatch(lang === 'en' ? /Behind live .* s · HLS/ : /落后直播 .* 秒 · HLS/);
        if (process.env.ONAIR_UPDATE_DOC_SHOTS === '1') await page.screenshot({ path: join(shotsDir, `video-hls-team-latency-${label}-${lang}.png`) });
        await page.close();
      }
    }
  }, 180_000);
});
