/**
 * Glass-to-glass latency, by timestamps (bench/video.bench.ts drives it).
 *
 * The publisher (ffmpeg, see `liveEncoderArgs`) stamps every video frame with the wall clock at
 * capture: `settb=1/1000,setpts=(RTCTIME-E)/(TB*1e6)` with `-copyts`, so a frame's FLV timestamp
 * is "capture wall-clock ms − E/1000" (E, in µs, chosen by the bench). It also burns the wall
 * clock into the picture (drawtext) for humans.
 *
 * The display side is a minimal page the bench serves at the server's own origin (Playwright
 * `page.route`, so the stream is same-origin as on the real viewer page) with mpegts.js from
 * node_modules and the viewer page's player settings (use-flv-player.ts `PLAYER_CONFIG`). For every
 * frame the compositor presents, `video.requestVideoFrameCallback` gives `mediaTime` and
 * `expectedDisplayTime`. mediaTime maps to the stream timestamp through the `onOnairClock`
 * script tag the server writes before each viewer's first keyframe (`base` = that keyframe's
 * timestamp; mpegts.js starts the element's clock at the first media tag, so stream ts =
 * base + mediaTime·1000). Glass-to-glass = (performance.timeOrigin + expectedDisplayTime) −
 * (E/1000 + stream ts): capture to the moment the frame is shown. Browser, server and encoder run
 * on one machine, so they read one clock.
 *
 * HLS (`GET /api/live/:id/hls/open/index.m3u8`): the same page with hls.js and the viewer page's
 * hls.js settings (use-hls-player.ts); mediaTime maps to the segment PTS through hls.js's
 * INIT_PTS_FOUND (stream ts = initPTS/timescale·1000 + mediaTime·1000, as player-choice.ts
 * `hlsPosition`), which is the FLV timestamp because the server's segmenter keeps the timestamps
 * (`-copyts -muxdelay 0`); a mapping that comes out implausible is reported as such, not as a figure.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './common.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** ffmpeg arguments for a live 720p30 H.264 + AAC source stamped with the wall clock (see above). */
export function liveEncoderArgs(epochMicros: number, url: string, kbps: number): string[] {
  const e = String(epochMicros);
  const video = [
    'settb=1/1000',
    `setpts='(RTCTIME-${e})/(TB*1000000)'`,
    // For humans: the wall clock at capture, and the frame's timestamp.
    "drawtext=text='%{localtime\\:%T} pts %{pts\\:flt}':fontsize=40:fontcolor=white:box=1:boxcolor=black@0.7:x=24:y=24",
  ].join(',');
  return [
    '-hide_banner', '-loglevel', 'error', '-nostats',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-filter_complex', `[0:v]${video}[v];[1:a]asetpts='N/SR/TB+(RTCSTART-${e})/(TB*1000000)'[a]`,
    '-map', '[v]', '-map', '[a]',
    '-copyts', '-fps_mode:v', 'passthrough', '-enc_time_base:v', '1:1000',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0',
    '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`, '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k',
    '-f', 'flv', url,
  ];
}

const PAGE = (kind: 'flv' | 'hls', src: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>video bench</title>
<script src="/__video_bench__/${kind === 'flv' ? 'mpegts.js' : 'hls.js'}"></script></head>
<body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline width="640" height="360"></video>
<script>
const v = document.getElementById('v');
const st = window.__bench = { kind: '${kind}', base: null, initPTS: null, timescale: null, samples: [], errors: [], recording: false, frames: 0, first: null };
function onFrame(now, meta) {
  st.frames++;
  if (st.first === null) st.first = meta.mediaTime;
  if (st.recording) st.samples.push([meta.mediaTime, meta.expectedDisplayTime, meta.presentedFrames]);
  v.requestVideoFrameCallback(onFrame);
}
v.requestVideoFrameCallback(onFrame);
if ('${kind}' === 'flv') {
  // The viewer page's settings (src/web/viewer/video/use-flv-player.ts PLAYER_CONFIG).
  mpegts.LoggingControl.applyConfig({ enableAll: false, enableWarn: true, enableError: true });
  const p = mpegts.createPlayer({ type: 'flv', isLive: true, url: ${JSON.stringify(src)} }, {
    enableWorker: false, enableStashBuffer: false, stashInitialSize: 128 * 1024,
    liveBufferLatencyChasing: true, liveBufferLatencyMaxLatency: 1.5, liveBufferLatencyMinRemain: 0.3,
    lazyLoad: false, autoCleanupSourceBuffer: true, autoCleanupMaxBackwardDuration: 30, autoCleanupMinBackwardDuration: 10,
  });
  p.on(mpegts.Events.SCRIPTDATA_ARRIVED, (d) => { if (d && d.onOnairClock && st.base === null) st.base = d.onOnairClock.base; });
  p.on(mpegts.Events.ERROR, (a, b) => st.errors.push(String(a) + ' ' + String(b)));
  p.attachMediaElement(v);
  p.load();
  v.play().catch((e) => st.errors.push('play: ' + e));
} else {
  // The viewer page's settings (src/web/viewer/video/use-hls-player.ts HLS_CONFIG).
  const h = new Hls({ liveSyncDuration: 3, liveMaxLatencyDuration: 8, maxLiveSyncPlaybackRate: 1.2, backBufferLength: 30 });
  h.on(Hls.Events.INIT_PTS_FOUND, (_e, d) => { if (d.id === 'main') { st.initPTS = d.initPTS; st.timescale = d.timescale; } });
  h.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) st.errors.push(d.type + ' ' + d.details); });
  h.loadSource(${JSON.stringify(src)});
  h.attachMedia(v);
  v.play().catch((e) => st.errors.push('play: ' + e));
}
</script></body></html>`;

export interface GlassResult {
  player: 'flv' | 'hls';
  method: string;
  samples: number;
  medianMs: number | null;
  p95Ms: number | null;
  minMs: number | null;
  maxMs: number | null;
  /** Frames presented per second over the window (about 30 when playback is smooth). */
  framesPerSecond: number | null;
  /** mediaTime of the first presented frame (about 0 when stream ts = base + mediaTime holds). */
  firstMediaTime: number | null;
  errors: string[];
  note?: string;
}

/** Launch Chromium pinned to `core` (a wrapper runs it under taskset), never downloading a browser. */
export async function launchBrowser(core: number | null) {
  const { chromium } = await import('playwright-core');
  const exe = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!exe) throw new Error('no system Chromium (/usr/bin/chromium)');
  let executablePath = exe;
  let dir: string | null = null;
  const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
  if (core !== null && taskset) {
    dir = mkdtempSync(join(tmpdir(), 'onair-video-chromium-'));
    executablePath = join(dir, 'chromium');
    writeFileSync(executablePath, `#!/bin/sh\nexec ${taskset} -c ${core} ${exe} "$@"\n`);
    chmodSync(executablePath, 0o755);
  }
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--autoplay-policy=no-user-gesture-required', '--mute-audio'] });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Open the page on `origin` playing `src` (a path on that origin), wait `warmupSeconds`, record
 * `seconds` of presented frames, and turn them into glass-to-glass latencies.
 */
export async function measureGlass(
  browser: Awaited<ReturnType<typeof launchBrowser>>['browser'],
  opts: { kind: 'flv' | 'hls'; origin: string; src: string; epochMicros: number; warmupSeconds: number; seconds: number },
): Promise<GlassResult> {
  const lib =
    opts.kind === 'flv'
      ? join(root, 'node_modules/mpegts.js/dist/mpegts.js')
      : ['node_modules/hls.js/dist/hls.light.min.js', 'node_modules/hls.js/dist/hls.min.js', 'node_modules/hls.js/dist/hls.js'].map((p) => join(root, p)).find((p) => existsSync(p));
  if (!lib || !existsSync(lib)) throw new Error(`${opts.kind === 'flv' ? 'mpegts.js' : 'hls.js'} is not in node_modules`);
  const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.route('**/__video_bench__/**', (route) => {
    const u = new URL(route.request().url());
    if (u.pathname.endsWith('.js')) return route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(lib) });
    return route.fulfill({ status: 200, contentType: 'text/html', body: PAGE(opts.kind, opts.src) });
  });
  try {
    await page.goto(`${opts.origin}/__video_bench__/page.html`);
    await page.waitForTimeout(opts.warmupSeconds * 1000);
    const t0 = Date.now();
    await page.evaluate(() => {
      const st = (globalThis as unknown as { __bench: { recording: boolean; samples: unknown[] } }).__bench;
      st.samples = [];
      st.recording = true;
    });
    await page.waitForTimeout(opts.seconds * 1000);
    const st = await page.evaluate(() => {
      const s = (globalThis as unknown as { __bench: { recording: boolean } }).__bench;
      s.recording = false;
      return { ...s, timeOrigin: performance.timeOrigin };
    }) as unknown as { base: number | null; initPTS: number | null; timescale: number | null; samples: [number, number, number][]; errors: string[]; frames: number; first: number | null; timeOrigin: number };
    const elapsed = (Date.now() - t0) / 1000;
    const epochMs = opts.epochMicros / 1000;
    let toTs: ((mediaTime: number) => number) | null = null;
    let method: string;
    if (opts.kind === 'flv') {
      method = 'mpegts.js page served by the bench; stream ts = onOnairClock.base + mediaTime';
      if (st.base !== null) toTs = (m) => st.base! + m * 1000;
    } else {
      method = 'hls.js page served by the bench; stream ts = (mediaTime*timescale + initPTS)/timescale';
      if (st.initPTS !== null && st.timescale) toTs = (m) => ((m * st.timescale! + st.initPTS!) / st.timescale!) * 1000;
    }
    const errors = [...st.errors, ...pageErrors].slice(0, 5);
    const empty = { player: opts.kind, method, samples: st.samples.length, medianMs: null, p95Ms: null, minMs: null, maxMs: null, framesPerSecond: null, firstMediaTime: st.first, errors };
    if (!toTs) return { ...empty, note: opts.kind === 'flv' ? 'no onOnairClock tag reached the player' : 'no INIT_PTS_FOUND from hls.js' };
    const lat = st.samples.map(([mediaTime, expected]) => st.timeOrigin + expected - (epochMs + toTs!(mediaTime))).sort((a, b) => a - b);
    const r = (x: number) => Math.round(x);
    const out: GlassResult = {
      player: opts.kind,
      method,
      samples: lat.length,
      medianMs: lat.length ? r(percentile(lat, 50)) : null,
      p95Ms: lat.length ? r(percentile(lat, 95)) : null,
      minMs: lat.length ? r(lat[0]!) : null,
      maxMs: lat.length ? r(lat[lat.length - 1]!) : null,
      framesPerSecond: Number((lat.length / elapsed).toFixed(1)),
      firstMediaTime: st.first,
      errors,
    };
    // A mapping that is off by more than a minute is not a latency (e.g. a segmenter that rebased its timestamps).
    if (out.medianMs !== null && (out.medianMs < -1000 || out.medianMs > 60_000)) return { ...out, medianMs: null, p95Ms: null, note: `timestamps do not map (median ${out.medianMs} ms)` };
    return out;
  } finally {
    await context.close().catch(() => {});
  }
}
