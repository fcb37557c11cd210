import { BITRATE_RANGES, MAX_KEYFRAME_INTERVAL_S } from '../../contracts/video.contract.js';
import type { HealthSample, HealthWarning, StreamHealth } from '../api/video-api';

/**
 * Pure formatting for the Stream card's health panel: numbers as a broadcast engineer reads them
 * (kbps, fps, seconds) and each ingest warning as one translatable, actionable sentence.
 * Words and units live in the catalogs (`stream.health.*`); this file only makes the numbers.
 */

/** A sentence to show: a catalog key and its (already formatted) placeholders. */
export interface HealthMessage {
  key: string;
  values: Record<string, string>;
}

/** What OBS should be set to (the ingest warns above it). */
export const KEYFRAME_TARGET_S = MAX_KEYFRAME_INTERVAL_S;
/** The frame rate to ask for when the picture is choppy. */
export const FPS_TARGET = 30;

export { BITRATE_RANGES };

const formatters = new Map<string, Intl.NumberFormat>();
function formatNumber(n: number, lang: string, maxFractionDigits: number): string {
  const id = `${lang}/${String(maxFractionDigits)}`;
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.NumberFormat(lang, { maximumFractionDigits: maxFractionDigits });
    formatters.set(id, f);
  }
  return f.format(n);
}

/** Bits per second → whole kbps (1 kbps = 1,000 bit/s, as OBS counts). */
export function bpsToKbps(bps: number): number {
  return Math.max(0, Math.round(bps / 1000));
}

/** A kbps figure with grouping: 800 → "800", 6000 → "6,000". */
export function formatKbpsValue(kbps: number, lang: string): string {
  return formatNumber(Math.round(kbps), lang, 0);
}

/** A measured bitrate (bit/s) as the kbps figure: 812_345 → "812". */
export function formatBitrate(bps: number, lang: string): string {
  return formatKbpsValue(bpsToKbps(bps), lang);
}

/** Frames per second: 30 → "30", 29.97 → "29.97", 24.5 → "24.5". */
export function formatFps(fps: number, lang: string): string {
  return formatNumber(fps, lang, 2);
}

/** Seconds to one decimal at most: 4 → "4", 4.03 → "4", 2.5 → "2.5". */
export function formatSeconds(seconds: number, lang: string): string {
  return formatNumber(seconds, lang, 1);
}

/** "1280×720", or null when the encoder did not say. */
export function formatResolution(width: number | null, height: number | null): string | null {
  return width !== null && height !== null ? `${String(width)}×${String(height)}` : null;
}

/** The picture line: "1280×720 · 30 fps", with whatever part is known; null when neither is. */
export function pictureMessage(h: Pick<StreamHealth, 'width' | 'height' | 'fps'>, lang: string): HealthMessage | null {
  const size = formatResolution(h.width, h.height);
  if (size !== null && h.fps !== null) return { key: 'stream.health.pictureSizeFps', values: { size, fps: formatFps(h.fps, lang) } };
  if (size !== null) return { key: 'stream.health.pictureSize', values: { size } };
  if (h.fps !== null) return { key: 'stream.health.pictureFps', values: { fps: formatFps(h.fps, lang) } };
  return null;
}

/** "H.264 / AAC"; an unknown codec shows as a dash. */
export function formatCodecs(videoCodec: string | null, audioCodec: string | null): string {
  return `${videoCodec ?? '—'} / ${audioCodec ?? '—'}`;
}

/** The recommended range a bitrate warning comes from (found by the bound it names), or null if unknown. */
export function recommendedRange(w: HealthWarning): { minKbps: number; maxKbps: number } | null {
  if (w.code === 'BITRATE_LOW') return BITRATE_RANGES.find((r) => r.minKbps === w.minKbps) ?? null;
  if (w.code === 'BITRATE_HIGH') return BITRATE_RANGES.find((r) => r.maxKbps === w.maxKbps) ?? null;
  return null;
}

/**
 * One warning as a short sentence that says what to change in OBS. `height` is the picture's
 * (for "low for 720p"); without it, or when the range is not one this app knows, the bitrate
 * sentence names only the bound the server sent.
 */
export function warningMessage(w: HealthWarning, height: number | null, lang: string): HealthMessage {
  switch (w.code) {
    case 'KEYFRAME_INTERVAL':
      return { key: 'stream.health.warning.keyframe', values: { seconds: formatSeconds(w.seconds, lang), target: formatSeconds(KEYFRAME_TARGET_S, lang) } };
    case 'BITRATE_LOW':
    case 'BITRATE_HIGH': {
      const low = w.code === 'BITRATE_LOW';
      const kbps = formatKbpsValue(w.kbps, lang);
      const range = recommendedRange(w);
      if (range && height !== null) {
        return {
          key: low ? 'stream.health.warning.bitrateLow' : 'stream.health.warning.bitrateHigh',
          values: { kbps, picture: `${String(height)}p`, min: formatKbpsValue(range.minKbps, lang), max: formatKbpsValue(range.maxKbps, lang) },
        };
      }
      return low
        ? { key: 'stream.health.warning.bitrateLowBound', values: { kbps, min: formatKbpsValue(w.minKbps, lang) } }
        : { key: 'stream.health.warning.bitrateHighBound', values: { kbps, max: formatKbpsValue(w.maxKbps, lang) } };
    }
    case 'NO_AUDIO':
      return { key: 'stream.health.warning.noAudio', values: {} };
    case 'LOW_FPS':
      return { key: 'stream.health.warning.lowFps', values: { fps: formatFps(w.fps, lang), target: formatFps(FPS_TARGET, lang) } };
  }
}

/** One point of the chart: time (ms), video kbps, fps (null when not measured). */
export interface HealthPoint {
  at: number;
  kbps: number;
  fps: number | null;
}

/**
 * The chart's points: the samples of the newest publish only (an earlier publish of the same
 * session is another encoder run), oldest first; empty when there are none.
 */
export function latestPublishPoints(items: readonly HealthSample[]): HealthPoint[] {
  const last = items[items.length - 1];
  if (!last) return [];
  return items
    .filter((i) => i.publishId === last.publishId)
    .map((i) => ({ at: Date.parse(i.at), kbps: bpsToKbps(i.videoBps), fps: i.fps }))
    .filter((p) => Number.isFinite(p.at))
    .sort((a, b) => a.at - b.at);
}
