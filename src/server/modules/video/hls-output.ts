import { mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ViewerSink } from './core/flv-relay.js';
import { HLS_PLAYLIST, hlsOutputArgs, isPublishId, parseSegmentName } from './core/hls-names.js';
import { FfmpegProcess, type FfmpegAvailability, type FfmpegLog } from './ffmpeg/ffmpeg-process.js';
import type { PublishInfo, PublishListener } from './video.service.js';

/** How long a finished publish's HLS folder is kept (players finishing the last segments). */
const REMOVE_AFTER_MS = 30_000;

export interface HlsOutputDeps {
  ffmpeg: FfmpegAvailability;
  mediaDir: string;
  /** Attaches ffmpeg to the stream like a viewer (`VideoService.watch`). */
  watch: (sessionId: string, sink: ViewerSink) => () => void;
  log?: FfmpegLog;
  removeAfterMs?: number;
}

interface Output {
  sessionId: string;
  publishId: string;
  dir: string;
  proc: FfmpegProcess;
  unwatch: () => void;
  removeTimer: NodeJS.Timeout | null;
}

/**
 * Live HLS of every publish: one ffmpeg per publish remuxes the relay's FLV (codecs copied) into
 * `<mediaDir>/hls/<sessionId>/<publishId>/`. It starts on `started`, is stopped (the playlist gets
 * its end tag) on `ended` or when the relay closes its sink, and the folder is removed 30 s later.
 * Nothing is live when the server starts, so `init` clears what a previous run left.
 */
export class HlsOutput implements PublishListener {
  private readonly outputs = new Map<string, Output>();
  /** The newest publish of each session: the one `index.m3u8` serves. */
  private readonly current = new Map<string, string>();

  constructor(private readonly d: HlsOutputDeps) {}

  get root(): string {
    return join(this.d.mediaDir, 'hls');
  }

  /** Removes folders left by an earlier run. */
  async init(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  started(p: PublishInfo): void {
    if (!this.d.ffmpeg.ok || !isPublishId(p.publishId)) return;
    const dir = join(this.root, p.sessionId, p.publishId);
    mkdirSync(dir, { recursive: true });
    const proc = new FfmpegProcess({ bin: this.d.ffmpeg.bin, name: 'hls', output: hlsOutputArgs(p.publishId), cwd: dir, log: this.d.log });
    const out: Output = { sessionId: p.sessionId, publishId: p.publishId, dir, proc, unwatch: () => undefined, removeTimer: null };
    this.outputs.set(p.publishId, out);
    this.current.set(p.sessionId, p.publishId);
    out.unwatch = this.d.watch(p.sessionId, proc.sink);
    // Exited by itself (the relay closed its sink, or ffmpeg failed): the folder goes later.
    void proc.exited.then(() => this.finish(out));
  }

  ended(p: PublishInfo): void {
    const out = this.outputs.get(p.publishId);
    if (out) this.finish(out);
  }

  private finish(out: Output): void {
    out.unwatch();
    void out.proc.stop();
    if (out.removeTimer) return;
    out.removeTimer = setTimeout(() => void this.remove(out), this.d.removeAfterMs ?? REMOVE_AFTER_MS);
    out.removeTimer.unref();
  }

  private async remove(out: Output): Promise<void> {
    if (this.outputs.get(out.publishId) !== out) return;
    this.outputs.delete(out.publishId);
    if (this.current.get(out.sessionId) === out.publishId) this.current.delete(out.sessionId);
    await rm(out.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** The current publish's playlist file, if ffmpeg has written it. */
  async playlist(sessionId: string): Promise<{ publishId: string; file: string } | null> {
    const publishId = this.current.get(sessionId);
    const out = publishId ? this.outputs.get(publishId) : undefined;
    if (!out) return null;
    const file = join(out.dir, HLS_PLAYLIST);
    return (await exists(file)) ? { publishId: out.publishId, file } : null;
  }

  /** A segment of one of the session's publishes still kept; null for any other name. */
  async segment(sessionId: string, name: string): Promise<string | null> {
    const parsed = parseSegmentName(name);
    const out = parsed ? this.outputs.get(parsed.publishId) : undefined;
    if (!out || out.sessionId !== sessionId) return null;
    const file = join(out.dir, name);
    return (await exists(file)) ? file : null;
  }

  /** Running ffmpeg processes (for tests and status). */
  running(): { sessionId: string; publishId: string; pid: number | undefined }[] {
    return [...this.outputs.values()].filter((o) => o.proc.running).map((o) => ({ sessionId: o.sessionId, publishId: o.publishId, pid: o.proc.pid }));
  }

  /** Shutting down: every ffmpeg stopped, folders removed. */
  async stopAll(): Promise<void> {
    const all = [...this.outputs.values()];
    for (const o of all) {
      o.unwatch();
      if (o.removeTimer) clearTimeout(o.removeTimer);
    }
    await Promise.all(all.map((o) => o.proc.stop(2000)));
    this.outputs.clear();
    this.current.clear();
    await rm(this.root, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
