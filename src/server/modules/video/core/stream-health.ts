import { BITRATE_RANGES, MAX_KEYFRAME_INTERVAL_S } from '../../../../contracts/video.contract.js';
import type { TagKind } from './flv-relay.js';

/** What the ingest measured over the last window, and what the encoder declared. */
export interface StreamHealth {
  width: number | null;
  height: number | null;
  /** Video frames per second, measured from the frames' timestamps. */
  fps: number | null;
  /** Measured, bits per second, over the window. */
  videoBitrate: number;
  audioBitrate: number;
  /** Mean time between keyframes (s), null until two were seen. */
  keyframeInterval: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  audioPresent: boolean;
  /** Frames whose timestamp went backwards or repeated (an encoder struggling). */
  lateFrames: number;
  warnings: HealthWarning[];
}

export type HealthWarning =
  | { code: 'KEYFRAME_INTERVAL'; seconds: number }
  | { code: 'BITRATE_LOW'; kbps: number; minKbps: number }
  | { code: 'BITRATE_HIGH'; kbps: number; maxKbps: number }
  | { code: 'NO_AUDIO' }
  | { code: 'LOW_FPS'; fps: number };

const VIDEO_CODECS: Record<string, string> = { '7': 'H.264', '12': 'H.265', avc1: 'H.264', hvc1: 'H.265', av01: 'AV1', vp09: 'VP9' };
const AUDIO_CODECS: Record<string, string> = { '10': 'AAC', '2': 'MP3', mp4a: 'AAC', Opus: 'Opus' };
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

interface Sample {
  at: number;
  kind: TagKind;
  dts: number;
  bytes: number;
}

/**
 * Health of one publish, from the tags the ingest relays (pure: the caller passes arrival times).
 * Rates are over the last `windowMs` of arrival time; the encoder's onMetaData gives the declared
 * resolution and codecs (measured values win where both exist).
 */
export class HealthMeter {
  private samples: Sample[] = [];
  private meta: Record<string, unknown> = {};
  private keyframeDts: number[] = [];
  private lastVideoDts: number | null = null;
  private late = 0;
  private audioSeen = false;
  private firstAt: number | null = null;

  constructor(private readonly windowMs = 5_000) {}

  metadata(m: Record<string, unknown>): void {
    this.meta = m;
  }

  tag(kind: TagKind, dts: number, bytes: number, at: number): void {
    if (kind === 'meta' || kind === 'video-config' || kind === 'audio-config') {
      if (kind === 'audio-config') this.audioSeen = true;
      return;
    }
    if (kind === 'audio') this.audioSeen = true;
    this.firstAt ??= at;
    if (kind === 'keyframe' || kind === 'video') {
      if (this.lastVideoDts !== null && dts <= this.lastVideoDts) this.late++;
      this.lastVideoDts = dts;
    }
    if (kind === 'keyframe') {
      this.keyframeDts.push(dts);
      if (this.keyframeDts.length > 6) this.keyframeDts.shift();
    }
    this.samples.push({ at, kind, dts, bytes });
    this.trim(at);
  }

  private trim(now: number): void {
    let i = 0;
    while (i < this.samples.length && this.samples[i]!.at < now - this.windowMs) i++;
    if (i > 0) this.samples = this.samples.slice(i);
  }

  read(now: number): StreamHealth {
    this.trim(now);
    const video = this.samples.filter((s) => s.kind === 'keyframe' || s.kind === 'video');
    const audio = this.samples.filter((s) => s.kind === 'audio');
    const spanS = this.windowMs / 1000;
    const videoBitrate = Math.round((video.reduce((a, s) => a + s.bytes, 0) * 8) / spanS);
    const audioBitrate = Math.round((audio.reduce((a, s) => a + s.bytes, 0) * 8) / spanS);
    let fps: number | null = null;
    if (video.length >= 2) {
      const dtsSpan = (video[video.length - 1]!.dts - video[0]!.dts) / 1000;
      if (dtsSpan > 0) fps = Math.round(((video.length - 1) / dtsSpan) * 10) / 10;
    }
    fps ??= num(this.meta.framerate) ?? num(this.meta.fps);
    let keyframeInterval: number | null = null;
    if (this.keyframeDts.length >= 2) {
      const k = this.keyframeDts;
      keyframeInterval = Math.round(((k[k.length - 1]! - k[0]!) / (k.length - 1) / 1000) * 100) / 100;
    }
    const width = num(this.meta.width);
    const height = num(this.meta.height);
    const vc = this.meta.videocodecid;
    const ac = this.meta.audiocodecid;
    const videoCodec = vc === undefined ? null : (VIDEO_CODECS[String(vc)] ?? String(vc));
    const audioCodec = ac === undefined ? null : (AUDIO_CODECS[String(ac)] ?? String(ac));
    const audioPresent = this.audioSeen;
    const warnings: HealthWarning[] = [];
    if (keyframeInterval !== null && keyframeInterval > MAX_KEYFRAME_INTERVAL_S + 0.05) warnings.push({ code: 'KEYFRAME_INTERVAL', seconds: keyframeInterval });
    // Rates mean something once a whole window of media has come in.
    const fullWindow = this.firstAt !== null && now - this.firstAt >= this.windowMs;
    if (height !== null && fullWindow) {
      const range = BITRATE_RANGES.find((r) => height <= r.maxHeight)!;
      const kbps = Math.round(videoBitrate / 1000);
      if (kbps < range.minKbps) warnings.push({ code: 'BITRATE_LOW', kbps, minKbps: range.minKbps });
      else if (kbps > range.maxKbps) warnings.push({ code: 'BITRATE_HIGH', kbps, maxKbps: range.maxKbps });
    }
    if (!audioPresent && video.length > 0) warnings.push({ code: 'NO_AUDIO' });
    if (fps !== null && fps < 20 && video.length > 0) warnings.push({ code: 'LOW_FPS', fps });
    return { width, height, fps, videoBitrate, audioBitrate, keyframeInterval, videoCodec, audioCodec, audioPresent, lateFrames: this.late, warnings };
  }
}
