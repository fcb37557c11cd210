import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { need } from '../support/need.js';
import { ownerApi, useOnairBrowser } from '../support/onair-process.js';
import { useScreenshots } from '../support/screenshots.js';

/**
 * Issue 5, item 9: ffmpeg publishes a test pattern as OBS would (H.264 + AAC, 2 s keyframes) to
 * the real `onair start --demo` process with a session's key; Chromium opens /live/:id and the
 * video plays (currentTime advances, no media error) through HTTP-FLV and mpegts.js; when the
 * encoder stops, the room says it is reconnecting.
 */
describe.skipIf(!need('chromium') || !need('ffmpeg'))('live video in a real browser (onair start --demo)', () => {
  const app = useOnairBrowser({ dataDirPrefix: 'onair-video-browser-' });
  const screenshot = useScreenshots('video browser e2e', 'onair-video-shots-');
  let origin = '';
  let sessionId = '';
  let ingest = '';
  let encoder: ChildProcess | null = null;

  beforeAll(async () => {
    origin = app.onair.origin;
    const { api } = await ownerApi(origin, app.onair.ownerPassword);
    const session = await api<{ id: string }>('POST', '/api/console/sessions', { title: 'Video e2e 直播测试', theme: 'launch', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
    sessionId = session.id;
    await api('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'scheduled' });
    const settings = await api<{ server: string; streamKey: string }>('GET', `/api/console/sessions/${sessionId}/stream`);
    ingest = `${settings.server}/${settings.streamKey}`;
  });
  afterAll(() => {
    encoder?.kill('SIGKILL');
  });

  it('the video plays in Chromium once the encoder publishes, and the room says when it drops', async () => {
    encoder = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '120', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', ingest],
      { stdio: 'ignore' },
    );
    // Publishing takes the session live.
    const deadline = Date.now() + 20_000;
    let state = '';
    while (Date.now() < deadline && state !== 'live') {
      const guest = ((await (await fetch(`${origin}/api/viewer/guest`, { method: 'POST' })).json()) as { guestToken: string }).guestToken;
      state = ((await (await fetch(`${origin}/api/live/${sessionId}/stream`, { headers: { 'x-guest-token': guest } })).json()) as { state: string }).state;
      if (state !== 'live') await new Promise((r) => setTimeout(r, 250));
    }
    expect(state).toBe('live');

    const page = await app.newPage();
    await page.goto(`${origin}/live/${sessionId}`);
    const video = page.getByTestId('live-video');
    await video.waitFor();
    await page.waitForFunction('(document.querySelector(\'[data-testid="live-video"]\')?.currentTime ?? 0) > 0.5', undefined, { timeout: 20_000 });
    type VideoLike = { currentTime: number; error: { code: number } | null; videoWidth: number; videoHeight: number; paused: boolean };
    const t0 = await video.evaluate((v) => (v as unknown as VideoLike).currentTime);
    await page.waitForTimeout(2000);
    const after = await video.evaluate((el) => {
      const v = el as unknown as VideoLike;
      return { t: v.currentTime, error: v.error?.code ?? null, w: v.videoWidth, h: v.videoHeight, paused: v.paused };
    });
    expect(after.error).toBeNull();
    expect(after.paused).toBe(false);
    expect(after.t - t0).toBeGreaterThan(1);
    expect({ w: after.w, h: after.h }).toEqual({ w: 640, h: 360 });
    expect(await page.getByTestId('stream-state').getAttribute('data-state')).toBe('live');
    await screenshot(page, 'video-playing-desktop');

    // The encoder stops: the room says it is reconnecting.
    encoder.kill('SIGKILL');
    encoder = null;
    await page.waitForFunction('document.querySelector(\'[data-testid="stream-state"]\')?.getAttribute("data-state") === "reconnecting"', undefined, { timeout: 15_000 });
    await screenshot(page, 'video-reconnecting-desktop');
  }, 90_000);
});
