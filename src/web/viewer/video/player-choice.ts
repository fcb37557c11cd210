// Pure choices of the live player: which protocol to play, when to give up on one for the other,
// and where the picture is on the stream clock for each of them.
import type { StreamPosition } from './playback-clock';

/** HTTP-FLV through mpegts.js, HLS through hls.js, or the browser's own HLS (Safari, iOS). */
export type Protocol = 'flv' | 'hls' | 'native-hls';

export interface PlayerSupport {
  /** Media Source can play H.264/AAC (mpegts.js). */
  flv: boolean;
  /** hls.js can play (Media Source, or Managed Media Source on iOS 17.1+). */
  hlsJs: boolean;
  /** `video.canPlayType('application/vnd.apple.mpegurl')` */
  nativeHls: boolean;
}

/** `?player=hls` or `?player=flv` in the page URL forces one (tests, the benchmark). */
export function forcedProtocol(search: string): 'flv' | 'hls' | null {
  const v = new URLSearchParams(search).get('player');
  return v === 'flv' || v === 'hls' ? v : null;
}

/**
 * The protocols to try, best first: HTTP-FLV where Media Source plays it (lowest latency), else
 * HLS through hls.js, else the browser's own HLS. HLS needs the server's ffmpeg (no `hlsUrl`
 * without it). Empty: nothing here can play this stream.
 */
export function playerCandidates(support: PlayerSupport, urls: { flv: string | null; hls: string | null }, forced: 'flv' | 'hls' | null = null): Protocol[] {
  const flv: Protocol[] = support.flv && urls.flv ? ['flv'] : [];
  const hls: Protocol[] = urls.hls ? (support.hlsJs ? ['hls'] : support.nativeHls ? ['native-hls'] : []) : [];
  if (forced === 'flv') return flv;
  if (forced === 'hls') return hls;
  return [...flv, ...hls];
}

/** Failed starts in a row (no picture in between) before the player tries the other protocol. */
export const FALLBACK_AFTER_FAILURES = 3;

/** Which candidate to use after `failuresInRow` failures on `current`: the next one after FALLBACK_AFTER_FAILURES. */
export function protocolAfterFailures(current: number, failuresInRow: number, candidates: number): number {
  if (candidates <= 1 || failuresInRow < FALLBACK_AFTER_FAILURES) return current;
  return (current + 1) % candidates;
}

/** What the server writes before each FLV viewer's first keyframe (mpegts.js SCRIPTDATA_ARRIVED). */
export interface OnairClock {
  base: number;
  publish: string;
}

/** The `onOnairClock` of a script-data object, if that is what it is. */
export function onairClockOf(data: unknown): OnairClock | null {
  const c = (data as { onOnairClock?: { base?: unknown; publish?: unknown } } | null)?.onOnairClock;
  return c && typeof c.base === 'number' && Number.isFinite(c.base) && typeof c.publish === 'string' && c.publish ? { base: c.base, publish: c.publish } : null;
}

/** FLV: mpegts.js starts the media timeline at the first keyframe, whose timestamp is `base`. */
export function flvPosition(clock: OnairClock | null, currentTime: number): StreamPosition | null {
  if (!clock || !Number.isFinite(currentTime)) return null;
  return { publishId: clock.publish, ts: Math.round(clock.base + currentTime * 1000) };
}

/**
 * HLS (hls.js): the segments keep the encoder's timestamps (-copyts, PTS = ms × 90) and hls.js
 * maps its first PTS (`initPTS`/`timescale`) to media time 0, so the timestamp on screen is
 * `initPTS/timescale + currentTime`.
 */
export function hlsPosition(init: { initPTS: number; timescale: number } | null, publishId: string | null, currentTime: number): StreamPosition | null {
  if (!init || !publishId || !(init.timescale > 0) || !Number.isFinite(currentTime)) return null;
  return { publishId, ts: Math.round((init.initPTS / init.timescale + currentTime) * 1000) };
}

/** Segments are named `<publishId>-<n>.ts`: the publish a fragment belongs to. */
export function publishIdOfSegment(url: string): string | null {
  const m = /\/([a-z0-9]{8,40})-\d{1,9}\.ts(?:[?#]|$)/.exec(url);
  return m ? m[1]! : null;
}

/** The server's stream clock as last answered by /stream, and when it arrived (this browser's ms). */
export interface ServerClockSample {
  publishId: string;
  ts: number;
  atLocalMs: number;
}

/**
 * Glass-to-glass minus the encoder: how far the picture on screen is behind what the ingest has
 * received, in seconds. The server's position is extrapolated with this browser's clock since it
 * arrived (the encoder sends in real time). Null when either is unknown or they are different publishes.
 */
export function streamLatencySeconds(server: ServerClockSample | null, nowLocalMs: number, player: StreamPosition | null): number | null {
  if (!server || !player || server.publishId !== player.publishId) return null;
  const serverTs = server.ts + Math.max(0, nowLocalMs - server.atLocalMs);
  return Math.max(0, (serverTs - player.ts) / 1000);
}

/** How often a team member's room asks /stream again for the server's clock (well under its rate limit), ±20 %. */
export function latencyRefreshMs(random: () => number = Math.random): number {
  return Math.round(15_000 * (0.8 + 0.4 * random()));
}
