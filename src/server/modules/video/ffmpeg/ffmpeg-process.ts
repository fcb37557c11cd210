import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { ViewerSink } from '../core/flv-relay.js';

/** Whether the system ffmpeg can be started, and which one. */
export type FfmpegAvailability = { ok: true; bin: string; version: string } | { ok: false; bin: string; reason: string };

/** What needs ffmpeg, for `onair doctor` and the console when it is missing. */
export const FFMPEG_FEATURES = ['hls', 'recording', 'restream'] as const;
export const FFMPEG_INSTALL_HINT = 'install the Debian/Ubuntu package: apt-get install ffmpeg (or set ONAIR_FFMPEG to its path)';

/** Runs `ffmpeg -version` once: the first line says which build it is. */
export function probeFfmpeg(bin: string, timeoutMs = 5000): Promise<FfmpegAvailability> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const done = (a: FfmpegAvailability): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(a);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(bin, ['-hide_banner', '-version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (e) {
      resolve({ ok: false, bin, reason: (e as Error).message });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ ok: false, bin, reason: `${bin} -version did not answer within ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, bin, reason: e.code === 'ENOENT' ? `${bin} was not found` : e.message }));
    child.on('close', (code) => {
      const first = out.split('\n')[0]?.trim() ?? '';
      if (code === 0 && first.startsWith('ffmpeg version')) done({ ok: true, bin, version: first.replace(/^ffmpeg version\s+/, '').split(' ')[0] ?? first });
      else done({ ok: false, bin, reason: `${bin} -version exited with ${code}` });
    });
  });
}

export interface FfmpegLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface FfmpegRunOptions {
  bin: string;
  /** For logs: 'hls', 'record', 'restream:<target>'. */
  name: string;
  /** Arguments after the input (codecs, muxer, output). */
  output: string[];
  /** Input arguments; default: FLV on stdin (the relay's bytes). */
  input?: string[];
  cwd?: string;
  log?: FfmpegLog;
}

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we asked it to stop (stdin closed, or stop()). */
  requested: boolean;
}

const STDERR_TAIL = 4096;

/**
 * One ffmpeg child fed with the live FLV on stdin. `sink` attaches to the stream like a viewer
 * (`VideoService.watch`), so it starts on a keyframe with the init tags and is held to the relay's
 * slow-reader policy: an ffmpeg that stops reading is cut off, never buffered without limit.
 * When the sink is closed (the stream ended), stdin is closed and ffmpeg finishes its output
 * (the playlist's end tag, the MP4 index). Only the last 4 KB of stderr are kept.
 */
export class FfmpegProcess {
  readonly sink: ViewerSink;
  readonly exited: Promise<FfmpegExit>;
  readonly startedAt = Date.now();
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private requested = false;
  private exitInfo: FfmpegExit | null = null;

  constructor(private readonly o: FfmpegRunOptions) {
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...(o.input ?? ['-f', 'flv', '-i', 'pipe:0']), ...o.output];
    // -nostdin stops ffmpeg reading keys from stdin; with pipe:0 as input it still reads the media.
    if (!o.input) args.splice(args.indexOf('-nostdin'), 1);
    this.child = spawn(o.bin, args, { cwd: o.cwd, stdio: ['pipe', 'ignore', 'pipe'] }) as unknown as ChildProcessWithoutNullStreams;
    this.child.stdin.on('error', () => undefined); // EPIPE when ffmpeg exits first; exit is reported below
    this.child.stderr.on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString('utf8')).slice(-STDERR_TAIL);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.stderr += `\n${e.message}`;
      });
      this.child.on('close', (code, signal) => {
        this.exitInfo = { code, signal, requested: this.requested };
        if (!this.requested || (code !== 0 && code !== 255 && signal === null)) o.log?.warn({ ffmpeg: o.name, code, signal, stderr: this.stderrTail() }, 'ffmpeg exited');
        resolve(this.exitInfo);
      });
    });
    const stdin = this.child.stdin;
    this.sink = {
      get buffered() {
        return stdin.writableLength;
      },
      write: (chunk) => {
        if (!stdin.destroyed && !stdin.writableEnded) stdin.write(chunk);
      },
      close: (reason) => {
        this.requested = true;
        if (reason === 'slow') o.log?.warn({ ffmpeg: o.name }, 'ffmpeg fell behind the stream and was cut off');
        if (!stdin.writableEnded) stdin.end();
      },
    };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
  get running(): boolean {
    return this.exitInfo === null;
  }
  /** The last lines ffmpeg wrote to stderr (its errors), for status and logs. */
  stderrTail(): string {
    return this.stderr.trim().split('\n').slice(-6).join('\n');
  }

  /** Close stdin so ffmpeg finishes; SIGTERM after `graceMs`, SIGKILL after twice that. */
  async stop(graceMs = 5000): Promise<FfmpegExit> {
    this.requested = true;
    if (this.exitInfo) return this.exitInfo;
    if (!this.child.stdin.writableEnded) this.child.stdin.end();
    const term = setTimeout(() => this.child.kill('SIGTERM'), graceMs);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), graceMs * 2);
    const exit = await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
    return exit;
  }
}
