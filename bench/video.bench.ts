/**
 * Video: glass-to-glass latency of the live picture, and the HTTP-FLV relay's cost with 300
 * viewers of a 2.5 Mbit/s stream against node-media-server 4's own HTTP-FLV, in the same run.
 *
 * Processes: the server under test on core 0 (`taskset -c 0`): the real CLI (`onair start
 * --demo`, from source with the launcher's node flags, as `npm start` runs it) or the baseline
 * (bench/video/nms-server.ts: node-media-server's RTMP server + HTTP-FLV); on core 1 the
 * publisher (ffmpeg), the load generator (bench/video/load.ts) and Chromium. This orchestrator
 * steers them and reads /proc/<pid>/stat (CPU) and /proc/<pid>/status (RSS) of the server.
 *
 * Parts (VIDEO_PARTS, default `g2g,cpu`):
 *   g2g  glass-to-glass latency on a live-encoded source stamped with the wall clock at capture
 *        (bench/video/glass.ts), HTTP-FLV (and HLS once the server serves it), plus the server
 *        side alone: arrival of each video tag at a raw HTTP-FLV client − its capture time.
 *   cpu  per round and subject, on a fresh server: a pre-encoded 2.5 Mbit/s 720p H.264/AAC file
 *        published in a loop with `-c copy` (no encoding during the measurement); VIDEO_VIEWERS
 *        HTTP-FLV viewers; after a warm-up, server CPU and RSS over VIDEO_SECONDS; every viewer's
 *        received bitrate. Then, on the same server, 50 reading viewers + 50 stalled ones (they
 *        stop reading): RSS growth over VIDEO_SLOW_SECONDS and how many stalled viewers the
 *        server cut off. Subjects alternate within and across rounds; medians are quoted.
 *
 * Settings (env): VIDEO_VIEWERS (300), VIDEO_SECONDS (20), VIDEO_WARMUP (5), VIDEO_ROUNDS (3),
 * VIDEO_SLOW (50 stalled + 50 reading), VIDEO_SLOW_SECONDS (20), VIDEO_G2G_SECONDS (20),
 * VIDEO_G2G_WARMUP (8), VIDEO_PARTS, VIDEO_QUICK=1 (100 viewers, 8 s windows, 1 round, 10 s g2g).
 */
import { launcherNodeFlags } from '../src/server/cli/launcher-flags.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopProcess, waitForLine } from './support/child-process.js';
import { cookieFrom, cpuSeconds, httpJson, machineBusySeconds, rssBytes } from './fanout/common.js';
import { FlvReader, freePort, median, percentile, sleep, wallMs, type Cmd, type ConnectResult, type ResumeResult, type WindowResult } from './video/common.js';
import { launchBrowser, liveEncoderArgs, measureGlass, type GlassResult } from './video/glass.js';

const env = process.env;
const quick = env.VIDEO_QUICK === '1';
const num = (v: string | undefined, d: number) => (v === undefined || v === '' ? d : Number(v));
const cfg = {
  viewers: num(env.VIDEO_VIEWERS, quick ? 100 : 300),
  seconds: num(env.VIDEO_SECONDS, quick ? 8 : 20),
  warmup: num(env.VIDEO_WARMUP, quick ? 3 : 5),
  rounds: num(env.VIDEO_ROUNDS, quick ? 1 : 3),
  slow: num(env.VIDEO_SLOW, 50),
  slowSeconds: num(env.VIDEO_SLOW_SECONDS, quick ? 10 : 20),
  g2gSeconds: num(env.VIDEO_G2G_SECONDS, quick ? 10 : 20),
  g2gWarmup: num(env.VIDEO_G2G_WARMUP, quick ? 6 : 8),
  kbps: 2500,
  parts: (env.VIDEO_PARTS ?? 'g2g,cpu').split(',').map((s) => s.trim()),
};
for (const [k, v] of Object.entries(cfg)) if (typeof v === 'number' && !(Number.isFinite(v) && v >= 0)) throw new Error(`bad setting ${k}=${v}`);

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const log = (s: string) => process.stderr.write(`[video] ${s}\n`);
const round = (x: number | null | undefined, d = 0) => (x !== null && x !== undefined && Number.isFinite(x) ? Number(x.toFixed(d)) : null);
const MiB = 2 ** 20;

// --- processes ------------------------------------------------------------------------------
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
const cores = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 1;
  } catch {
    return 1;
  }
})();
const pinned = Boolean(taskset) && cores >= 2;
const WRAP = 'ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';

function spawnPinned(core: number, cmd: string[], opts: { env?: NodeJS.ProcessEnv; ipc?: boolean; stdout?: 'pipe' | 'ignore'; stdin?: 'pipe' } = {}): ChildProcess {
  const full = [...(pinned ? [taskset!, '-c', String(core)] : []), ...cmd];
  return spawn('sh', ['-c', WRAP, 'sh', ...full], {
    cwd: root,
    env: opts.env ?? env,
    stdio: opts.ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : [opts.stdin ?? 'ignore', opts.stdout ?? 'pipe', 'pipe'],
  });
}

const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p)) ?? (spawnSync('python3', ['-c', '1']).status === 0 ? 'python3' : null);
/** Kernel receive buffer of a stalled viewer (stall.py sets SO_RCVBUF; Linux doubles it). */
const STALL_RCVBUF = 16384;

/**
 * Stalled viewers (bench/video/stall.py, small receive buffers: see there why not Node). Falls
 * back to the load generator's paused sockets without python3 (then the kernel absorbs the
 * stream for a long time and the server hardly notices them; `stalledWith` says which).
 */
function startStalled(url: string, count: number): { ready: Promise<ConnectResult>; resume: (ms: number) => Promise<ResumeResult>; child: ChildProcess } | null {
  if (!python) return null;
  const u = new URL(url);
  const child = spawnPinned(1, [python, here('./video/stall.py'), u.hostname, u.port, `${u.pathname}${u.search}`, String(count), String(STALL_RCVBUF), '50000'], { stdin: 'pipe' });
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) !== -1) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(l);
      else lines.push(l);
    }
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const l = lines.shift();
      if (l !== undefined) return resolve(l);
      waiters.push(resolve);
      child.once('exit', (c) => reject(new Error(`stall.py exited ${c}: ${err.slice(-300)}`)));
    });
  return {
    child,
    ready: next().then((l) => JSON.parse(l) as ConnectResult),
    resume: async (ms) => {
      child.stdin!.write(`resume ${ms}\n`);
      return JSON.parse(await next()) as ResumeResult;
    },
  };
}

/** The load generator, steered by request/reply messages over IPC. */
class Load {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  constructor(readonly child: ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (m: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
        if (m.ready) return resolve();
        const p = this.pending.get(m.id!);
        if (!p) return;
        this.pending.delete(m.id!);
        if (m.error) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      child.once('exit', (c) => {
        reject(new Error(`load generator exited ${c}`));
        for (const p of this.pending.values()) p.reject(new Error(`load generator exited ${c}`));
      });
    });
  }
  call<T>(msg: Cmd): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, msg });
    });
  }
}

// --- the stream -----------------------------------------------------------------------------
/** A ~30 s 2.5 Mbit/s 720p30 H.264 (2 s GOP, CBR) + AAC FLV, made once and kept in the temp folder. */
function fixture(): { file: string; bitsPerSecond: number } {
  const file = join(tmpdir(), `onair-video-bench-720p30-${cfg.kbps}k-v1.flv`);
  if (!existsSync(file)) {
    log(`encoding the fixture ${file}`);
    const vk = cfg.kbps - 96;
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '30', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${vk}k`, '-maxrate', `${vk}k`, '-bufsize', `${vk}k`, '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-f', 'flv', `${file}.part`], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('ffmpeg could not encode the fixture');
    spawnSync('mv', [`${file}.part`, file]);
  }
  const p = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const duration = Number(p.stdout.trim());
  return { file, bitsPerSecond: (statSync(file).size * 8) / duration };
}

function startPublisher(args: string[]): ChildProcess {
  const p = spawnPinned(1, ['ffmpeg', ...args], { stdout: 'ignore' });
  let err = '';
  p.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 4000) err = err.slice(-2000);
  });
  p.once('exit', (c, sig) => {
    // 255: ffmpeg's exit on the SIGTERM that stops it.
    if (c !== 255 && sig !== 'SIGTERM' && sig !== 'SIGKILL') log(`publisher exited ${c}: ${err.trim().slice(-400)}`);
  });
  return p;
}
const loopArgs = (file: string, url: string) => ['-hide_banner', '-loglevel', 'error', '-nostats', '-re', '-stream_loop', '-1', '-i', file, '-c', 'copy', '-f', 'flv', url];

/**
 * A raw HTTP-FLV viewer that reads tags: resolves once it has seen a video keyframe; with
 * `onVideo`, reports each video tag's timestamp with its arrival time. From 127.0.250.x, so it
 * never uses up the load's addresses.
 */
function flvProbe(url: string, opts: { onVideo?: (ts: number, at: number) => void; onScript?: (body: Buffer) => void; timeoutMs?: number } = {}) {
  let stop = () => {};
  const keyframe = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no keyframe from ${url}`)), opts.timeoutMs ?? 15_000);
    const req = request(url, { localAddress: `127.0.250.${Math.floor(Math.random() * 250) + 2}` }, (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        res.resume();
        return reject(new Error(`${url}: ${res.statusCode}`));
      }
      const reader = new FlvReader((type, ts, body) => {
        const at = wallMs();
        if (type === 18) opts.onScript?.(body);
        if (type !== 9) return;
        if (body[0]! >> 4 === 1 && body[1] === 1) {
          clearTimeout(timer);
          resolve();
        }
        if (body[1] === 1) opts.onVideo?.(ts, at);
      });
      res.on('data', (d: Buffer) => reader.push(d));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
    stop = () => req.destroy();
  });
  return { keyframe, stop: () => stop() };
}

// --- subjects -------------------------------------------------------------------------------
interface Subject {
  name: 'onair' | 'nms';
  child: ChildProcess;
  origin: string;
  /** RTMP URL to publish to. */
  publishUrl: string;
  /** Path of the HTTP-FLV stream on `origin`. */
  flvPath: string;
  sessionId?: string;
  /** Onair: team cookie, to read the stream state. */
  teamCookie?: string;
  cleanup: () => void;
}

async function startOnair(opts: { ffmpeg: boolean }): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-video-'));
  const password = `video-${Date.now()}-pw`;
  const serverEnv: NodeJS.ProcessEnv = { ...env, ONAIR_DATA_DIR: dir, ONAIR_RTMP_PORT: String(await freePort()), ONAIR_ADMIN_PASSWORD: password, ONAIR_LOG_LEVEL: 'warn' };
  // Without ffmpeg Onair serves HTTP-FLV only (no live HLS, no recording): the CPU part compares
  // the relay alone with node-media-server's, which transcodes and records nothing either.
  if (!opts.ffmpeg) serverEnv.ONAIR_FFMPEG = join(dir, 'no-ffmpeg');
  const child = spawnPinned(0, [process.execPath, ...launcherNodeFlags(), '--import', 'tsx', 'src/server/cli/onair.ts', 'start', '--demo', '--host', '127.0.0.1', '--port', '0'], { env: serverEnv });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const m = await waitForLine(child, /running at http:\/\/[^:\s]+:(\d+)/, 90_000);
    const origin = `http://127.0.0.1:${m[1]}`;
    const signin = await httpJson('POST', `${origin}/api/console/auth/signin`, { body: { email: 'owner@onair.local', password } });
    if (signin.status !== 200) throw new Error(`sign-in failed: ${signin.status} ${JSON.stringify(signin.body)}`);
    const team = cookieFrom(signin.headers, 'onair_team')!;
    const list = await httpJson('GET', `${origin}/api/console/sessions`, { headers: { cookie: team } });
    const items = (list.body as { items: { id: string; status: string; visibility?: string }[] }).items;
    // The live demo shop (public, live): an encoder publishing to it is the picture of a live session.
    const session = items.find((s) => s.status === 'live') ?? items[0];
    if (!session) throw new Error(`no demo session: ${JSON.stringify(list.body)}`);
    const st = await httpJson('GET', `${origin}/api/console/sessions/${session.id}/stream`, { headers: { cookie: team } });
    if (st.status !== 200) throw new Error(`stream settings failed: ${st.status} ${JSON.stringify(st.body)}`);
    const { server, streamKey } = st.body as { server: string; streamKey: string };
    return { name: 'onair', child, origin, publishUrl: `${server}/${streamKey}`, flvPath: `/api/live/${session.id}/video.flv`, sessionId: session.id, teamCookie: team, cleanup };
  } catch (err) {
    await stopProcess(child);
    cleanup();
    throw err;
  }
}

async function startNms(): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-video-nms-'));
  const [rtmp, http] = [await freePort(), await freePort()];
  const child = spawnPinned(0, [process.execPath, '--import', 'tsx', here('./video/nms-server.ts'), String(rtmp), String(http), dir]);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await waitForLine(child, /listening (\d+)/, 30_000);
    return { name: 'nms', child, origin: `http://127.0.0.1:${http}`, publishUrl: `rtmp://127.0.0.1:${rtmp}/live/bench`, flvPath: '/live/bench.flv', cleanup };
  } catch (err) {
    await stopProcess(child);
    cleanup();
    throw err;
  }
}

/** Until the server relays the publisher's picture: Onair says `live`, then a viewer gets a keyframe. */
async function waitForPicture(s: Subject): Promise<void> {
  if (s.name === 'onair') {
    const end = Date.now() + 20_000;
    for (;;) {
      const r = await httpJson('GET', `${s.origin}/api/console/sessions/${s.sessionId}/stream`, { headers: { cookie: s.teamCookie! } });
      if ((r.body as { state?: string }).state === 'live') break;
      if (Date.now() > end) throw new Error(`onair: the stream is not live: ${JSON.stringify(r.body)}`);
      await sleep(250);
    }
  }
  const p = flvProbe(`${s.origin}${s.flvPath}`);
  try {
    await p.keyframe;
  } finally {
    p.stop();
  }
}

async function withSubject<T>(name: Subject['name'], fn: (s: Subject) => Promise<T>, opts = { ffmpeg: false }): Promise<T> {
  const s = name === 'onair' ? await startOnair(opts) : await startNms();
  try {
    return await fn(s);
  } finally {
    await stopProcess(s.child);
    s.cleanup();
  }
}

// --- cpu part: one round of one subject ------------------------------------------------------
async function cpuRound(name: Subject['name'], load: Load, fx: { file: string; bitsPerSecond: number }) {
  return withSubject(name, async (s) => {
    const pub = startPublisher(loopArgs(fx.file, s.publishUrl));
    try {
      await waitForPicture(s);
      const pid = s.child.pid!;
      const url = `${s.origin}${s.flvPath}`;
      // 300 viewers, then a warm-up so every one is past its join burst and the JIT is warm.
      const rssIdle = rssBytes(pid);
      const conn = await load.call<ConnectResult>({ cmd: 'connect', group: 'viewers', url, count: cfg.viewers, mode: 'read', timeoutMs: 20_000 });
      if (conn.ready === 0) throw new Error(`${name}: no viewer connected: ${conn.errors.join('; ')}`);
      await sleep(cfg.warmup * 1000);
      await load.call({ cmd: 'mark' });
      const c0 = cpuSeconds(pid);
      const busy0 = machineBusySeconds();
      const lc0 = cpuSeconds(load.child.pid!);
      const pc0 = cpuSeconds(pub.pid!);
      const t0 = performance.now();
      let rssMax = 0;
      for (let i = 0; i < cfg.seconds; i++) {
        await sleep(1000);
        rssMax = Math.max(rssMax, rssBytes(pid));
      }
      const w = await load.call<WindowResult>({ cmd: 'window' });
      const t1 = performance.now();
      const cpu = cpuSeconds(pid) - c0;
      const busy1 = machineBusySeconds();
      const loadCpu = cpuSeconds(load.child.pid!) - lc0;
      const pubCpu = cpuSeconds(pub.pid!) - pc0;
      const win = (t1 - t0) / 1000;
      const rssUnderLoad = rssBytes(pid);
      const other = busy1.busy - busy0.busy - (busy1.softirq - busy0.softirq) - cpu - loadCpu - pubCpu;
      const minRate = w.rates[0] ?? 0;
      const viewers = {
        viewers: conn.ready,
        connectFailures: conn.failed,
        connectErrors: conn.errors,
        connectMs: conn.ms,
        windowSeconds: round(win, 2),
        serverCpuSeconds: round(cpu, 2),
        serverCpuPercent: round((cpu / win) * 100, 1),
        cpuMsPerViewerSecond: round((cpu * 1000) / win / conn.ready, 3),
        rssIdle_MB: round(rssIdle / MiB, 1),
        rssUnderLoad_MB: round(rssUnderLoad / MiB, 1),
        rssMax_MB: round(rssMax / MiB, 1),
        rssPerViewer_KB: round((rssUnderLoad - rssIdle) / conn.ready / 1024, 1),
        receivedMbitPerSecond: round((w.totalBytes * 8) / w.seconds / 1e6, 1),
        viewerKbpsMin: round(minRate / 1000),
        viewerKbpsMedian: round(percentile(w.rates, 50) / 1000),
        viewerKbpsMax: round((w.rates[w.rates.length - 1] ?? 0) / 1000),
        minViewerShareOfPublished: round(minRate / fx.bitsPerSecond, 3),
        viewersBelow95Percent: w.rates.filter((r) => r < 0.95 * fx.bitsPerSecond).length,
        viewersClosedDuringWindow: w.closedDuringWindow,
        loadGeneratorCpuPercent: round((loadCpu / win) * 100, 1),
        loadGeneratorEventLoopUtilisation: round(w.elu, 2),
        publisherCpuPercent: round((pubCpu / win) * 100, 1),
        otherProcessesCpuPercent: round((Math.max(0, other) / win) * 100, 1),
      };
      await load.call({ cmd: 'closeAll' });
      log(`${name}: ${cfg.viewers} viewers ${JSON.stringify(viewers)}`);

      // Slow viewers: `slow` reading + `slow` stalled, on the same server.
      let slow = null;
      if (cfg.slow > 0) {
        await sleep(2000);
        const rss0 = rssBytes(pid);
        const readers = await load.call<ConnectResult>({ cmd: 'connect', group: 'slow', url, count: cfg.slow, mode: 'read', timeoutMs: 20_000 });
        const py = startStalled(url, cfg.slow);
        const stalled = py ? await py.ready : await load.call<ConnectResult>({ cmd: 'connect', group: 'slow', url, count: cfg.slow, mode: 'stall', timeoutMs: 20_000 });
        await load.call({ cmd: 'mark' });
        const series: number[] = [];
        for (let i = 0; i < cfg.slowSeconds; i++) {
          await sleep(1000);
          series.push(rssBytes(pid));
        }
        const sw = await load.call<WindowResult>({ cmd: 'window' });
        const half = series[Math.floor(series.length / 2) - 1] ?? rss0;
        const end = series[series.length - 1] ?? rss0;
        const resumed = py ? await py.resume(3000) : await load.call<ResumeResult>({ cmd: 'resumeStalled', group: 'slow', waitMs: 3000 });
        if (py) await stopProcess(py.child);
        slow = {
          readers: readers.ready,
          stalled: stalled.ready,
          stalledWith: py ? `stall.py, SO_RCVBUF ${STALL_RCVBUF}` : 'paused Node sockets (no python3: kernel buffers absorb the stream)',
          seconds: cfg.slowSeconds,
          rssBefore_MB: round(rss0 / MiB, 1),
          rssAfter_MB: round(end / MiB, 1),
          rssGrowth_MB: round((end - rss0) / MiB, 1),
          rssGrowthSecondHalf_MB: round((end - half) / MiB, 1),
          // Over the second half (after the join bursts): how fast memory still grows.
          rssGrowthRate_MBperMinute: round(((end - half) / MiB / Math.max(1, series.length - Math.floor(series.length / 2))) * 60, 1),
          rssSeries_MB: series.map((x) => round(x / MiB, 0)),
          stalledClosedByServer: resumed.closedByServer,
          // What the stalled viewers read in the 3 s after they resumed (kernel buffers + the server's queue + new media).
          stalledReadIn3sAfterResume_MB: round(resumed.bytesAfterResume / MiB, 1),
          readersKbpsMin: round((sw.rates[0] ?? 0) / 1000),
          readersBelow95Percent: sw.rates.filter((r) => r < 0.95 * fx.bitsPerSecond).length,
        };
        await load.call({ cmd: 'closeAll' });
        log(`${name}: slow viewers ${JSON.stringify(slow)}`);
      }
      return { ...viewers, slow };
    } finally {
      await load.call({ cmd: 'closeAll' }).catch(() => {});
      await stopProcess(pub);
    }
  });
}

// --- g2g part ---------------------------------------------------------------------------------
async function g2gPart() {
  return withSubject('onair', async (s) => {
    // E: a known epoch (µs) a little before the encoder starts, so timestamps start near 1 s.
    const epochMicros = Math.round((wallMs() - 1000) * 1000);
    const pub = startPublisher(liveEncoderArgs(epochMicros, s.publishUrl, cfg.kbps));
    const browser = await launchBrowser(pinned ? 1 : null);
    try {
      await waitForPicture(s);
      // The server side alone: when each video tag reaches a raw HTTP-FLV client − its capture time.
      const arrivals: number[] = [];
      let recording = false;
      const probe = flvProbe(`${s.origin}${s.flvPath}`, { onVideo: (ts, at) => recording && arrivals.push(at - (epochMicros / 1000 + ts)) });
      await probe.keyframe;
      const flv = measureGlass(browser.browser, { kind: 'flv', origin: s.origin, src: s.flvPath, epochMicros, warmupSeconds: cfg.g2gWarmup, seconds: cfg.g2gSeconds });
      await sleep(cfg.g2gWarmup * 1000);
      recording = true;
      const busy0 = machineBusySeconds();
      const t0 = performance.now();
      const flvResult = await flv;
      recording = false;
      const busy1 = machineBusySeconds();
      // How busy the whole machine was (2.0 = both cores): the browser needs most of a core to decode and show 720p30.
      const machineBusyCores = round((busy1.busy - busy0.busy) / ((performance.now() - t0) / 1000), 2);
      if ((flvResult.framesPerSecond ?? 0) < 24) log(`g2g: WARNING the player presented ${flvResult.framesPerSecond} frames/s of 30 (the machine was ${machineBusyCores} cores busy): the browser was short of CPU and its latency includes that`);
      probe.stop();
      arrivals.sort((a, b) => a - b);
      const ingest = {
        samples: arrivals.length,
        medianMs: round(percentile(arrivals, 50)),
        p95Ms: round(percentile(arrivals, 95)),
        minMs: round(arrivals[0]),
        maxMs: round(arrivals[arrivals.length - 1]),
      };
      log(`g2g: capture -> raw HTTP-FLV client ${JSON.stringify(ingest)}`);
      log(`g2g: flv ${JSON.stringify(flvResult)}`);
      // HLS: only once the server serves it.
      let hls: GlassResult | { skipped: string };
      const hlsPath = `/api/live/${s.sessionId}/hls/open/index.m3u8`;
      const head = await httpJson('GET', `${s.origin}${hlsPath}`).catch((e: Error) => ({ status: 0, body: e.message }));
      if (head.status !== 200) hls = { skipped: `GET ${hlsPath} answered ${head.status} (HLS not served by this build)` };
      else {
        try {
          hls = await measureGlass(browser.browser, { kind: 'hls', origin: s.origin, src: hlsPath, epochMicros, warmupSeconds: cfg.g2gWarmup + 4, seconds: cfg.g2gSeconds });
        } catch (e) {
          hls = { skipped: (e as Error).message };
        }
      }
      log(`g2g: hls ${JSON.stringify(hls)}`);
      return { epochMicros, ingestToViewer: ingest, flv: flvResult, hls, machineBusyCoresDuringFlv: machineBusyCores };
    } finally {
      await browser.close();
      await stopProcess(pub);
    }
  }, { ffmpeg: true });
}

// --- main -------------------------------------------------------------------------------------
async function main() {
  const started = performance.now();
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? null;
  log(`config ${JSON.stringify(cfg)}; pinned=${pinned} (servers core 0; publisher, load, browser core 1); ${cores} cores, ${model}`);
  const fx = fixture();
  log(`fixture ${fx.file}: ${round(fx.bitsPerSecond / 1000)} kbit/s`);

  let g2g: Awaited<ReturnType<typeof g2gPart>> | null = null;
  const skipped: Record<string, string> = {};
  if (cfg.parts.includes('g2g')) {
    try {
      g2g = await g2gPart();
    } catch (e) {
      skipped.g2g = (e as Error).message;
      log(`g2g skipped: ${skipped.g2g}`);
    }
  }

  type Round = Awaited<ReturnType<typeof cpuRound>>;
  const runs: { onair: Round[]; nms: Round[] } = { onair: [], nms: [] };
  const ratios: number[] = [];
  const allRatios: number[] = [];
  if (cfg.parts.includes('cpu')) {
    const load = new Load(spawnPinned(1, [process.execPath, '--import', 'tsx', here('./video/load.ts')], { ipc: true }));
    await load.ready;
    try {
      for (let r = 0; r < cfg.rounds; r++) {
        const order: Subject['name'][] = r % 2 === 0 ? ['onair', 'nms'] : ['nms', 'onair'];
        const got: Partial<Record<Subject['name'], Round>> = {};
        for (const name of order) {
          log(`round ${r + 1}/${cfg.rounds}: ${name}`);
          try {
            got[name] = await cpuRound(name, load, fx);
            runs[name].push(got[name]!);
          } catch (e) {
            skipped[`${name}#${r + 1}`] = (e as Error).message;
            log(`${name} round ${r + 1} failed: ${(e as Error).message}`);
          }
        }
        if (got.onair?.cpuMsPerViewerSecond && got.nms?.cpuMsPerViewerSecond) {
          const ratio = got.onair.cpuMsPerViewerSecond / got.nms.cpuMsPerViewerSecond;
          allRatios.push(ratio);
          // Comparable only when both served every viewer the stream as published: all connected,
          // each at 95-105% of the published bitrate (below: the source or the reader was starved;
          // above: viewers catching up a backlog).
          const ok = (x: Round) => x.viewers === cfg.viewers && x.viewersBelow95Percent === 0 && (x.viewerKbpsMax ?? 0) * 1000 <= 1.05 * fx.bitsPerSecond;
          if (ok(got.onair) && ok(got.nms)) ratios.push(ratio);
          else log(`round ${r + 1}: not comparable (a subject did not serve every viewer the published bitrate); its CPU ratio ${ratio.toFixed(3)} is left out`);
        }
      }
    } finally {
      await load.call({ cmd: 'exit' }).catch(() => {});
      await Promise.race([new Promise((r) => load.child.once('exit', r)), sleep(3000)]);
      await stopProcess(load.child);
    }
  }

  const med = (xs: Round[], f: (x: Round) => number | null | undefined, d = 1) => {
    const v = xs.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return v.length ? round(median(v), d) : null;
  };
  const summary = (xs: Round[]) =>
    xs.length
      ? {
          rounds: xs.length,
          viewers: med(xs, (x) => x.viewers, 0),
          serverCpuPercent: med(xs, (x) => x.serverCpuPercent),
          cpuMsPerViewerSecond: med(xs, (x) => x.cpuMsPerViewerSecond, 3),
          rssIdle_MB: med(xs, (x) => x.rssIdle_MB),
          rssUnderLoad_MB: med(xs, (x) => x.rssUnderLoad_MB),
          rssPerViewer_KB: med(xs, (x) => x.rssPerViewer_KB),
          receivedMbitPerSecond: med(xs, (x) => x.receivedMbitPerSecond),
          minViewerShareOfPublished: med(xs, (x) => x.minViewerShareOfPublished, 3),
          worstMinViewerShareOfPublished: round(Math.min(...xs.map((x) => x.minViewerShareOfPublished ?? 0)), 3),
          viewersBelow95Percent: Math.max(...xs.map((x) => x.viewersBelow95Percent)),
          otherProcessesCpuPercent: med(xs, (x) => x.otherProcessesCpuPercent),
          loadGeneratorCpuPercent: med(xs, (x) => x.loadGeneratorCpuPercent),
          slowRssGrowth_MB: med(xs, (x) => x.slow?.rssGrowth_MB),
          slowRssGrowthSecondHalf_MB: med(xs, (x) => x.slow?.rssGrowthSecondHalf_MB),
          slowRssGrowthRate_MBperMinute: med(xs, (x) => x.slow?.rssGrowthRate_MBperMinute),
          slowStalledClosedByServer: med(xs, (x) => x.slow?.stalledClosedByServer, 0),
          slowReadersBelow95Percent: Math.max(...xs.map((x) => x.slow?.readersBelow95Percent ?? 0)),
          perRound: xs,
        }
      : null;
  const onair = summary(runs.onair);
  const nms = summary(runs.nms);
  const cpuRatio = ratios.length ? round(median(ratios), 3) : null;
  const figures = {
    scenario: { viewers: cfg.viewers, windowSeconds: cfg.seconds, warmupSeconds: cfg.warmup, rounds: cfg.rounds, slowReaders: cfg.slow, slowStalled: cfg.slow, slowSeconds: cfg.slowSeconds, g2gSeconds: cfg.g2gSeconds, publishedKbps: round(fx.bitsPerSecond / 1000), stream: '1280x720 30 fps H.264 (2 s GOP) + AAC 96k', quick },
    machine: { cpu: model, cores, pinned },
    glassToGlass: g2g,
    onair,
    cpuPerViewerRatio_onairOverNms: cpuRatio,
    cpuPerViewerRatiosComparableRounds: ratios.map((x) => round(x, 3)),
    cpuPerViewerRatiosAllRounds: allRatios.map((x) => round(x, 3)),
    skipped,
    totalSeconds: round((performance.now() - started) / 1000, 1),
  };
  const baselines = { nodeMediaServer: nms };
  const target = (name: string, goal: string, value: number | null | undefined, ok: (v: number) => boolean) => ({ name, goal, value: value ?? null, met: value !== null && value !== undefined && ok(value) });
  const hlsMedian = g2g && 'medianMs' in g2g.hls ? g2g.hls.medianMs : null;
  const targets = [
    target('glass-to-glass HTTP-FLV, median (ms)', '<= 3000', g2g?.flv.medianMs, (v) => v <= 3000),
    target('glass-to-glass HLS, median (ms)', '<= 6000', hlsMedian, (v) => v <= 6000),
    target(`server CPU per viewer, ${cfg.viewers} HTTP-FLV viewers, Onair / node-media-server (median of per-round ratios)`, '<= 1', cpuRatio, (v) => v <= 1),
    target('every viewer got >= 95% of the published bitrate (Onair, worst round, min viewer / published)', '>= 0.95', onair?.worstMinViewerShareOfPublished, (v) => v >= 0.95),
    target(`RSS growth with ${cfg.slow} stalled + ${cfg.slow} reading viewers over ${cfg.slowSeconds} s (MiB, Onair, median)`, '<= 64', onair?.slowRssGrowth_MB, (v) => v <= 64),
  ];
  console.log(JSON.stringify({ bench: 'video', figures, baselines, targets }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
