import { z } from 'zod';
import { streamStates } from './realtime.contract.js';

/** Keyframes further apart than this hurt start-up and latency (OBS: Keyframe Interval 2 s). */
export const MAX_KEYFRAME_INTERVAL_S = 2;

/**
 * Sensible video bitrates by picture height (kbps), after the usual live-streaming guidance
 * (YouTube Live, Twitch, Douyin's OBS notes): below the minimum the picture breaks up, above the
 * maximum viewers on mobile networks stall. The ingest warns outside them; the console names the range.
 */
export const BITRATE_RANGES: readonly { maxHeight: number; minKbps: number; maxKbps: number }[] = [
  { maxHeight: 360, minKbps: 400, maxKbps: 2_000 },
  { maxHeight: 480, minKbps: 800, maxKbps: 3_000 },
  { maxHeight: 720, minKbps: 1_500, maxKbps: 6_000 },
  { maxHeight: 1080, minKbps: 3_000, maxKbps: 9_000 },
  { maxHeight: Infinity, minKbps: 6_000, maxKbps: 20_000 },
];

/** What the ingest measures of a publish (core/stream-health.ts), with warnings the console explains. */
export const healthWarningSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('KEYFRAME_INTERVAL'), seconds: z.number() }),
  z.object({ code: z.literal('BITRATE_LOW'), kbps: z.number(), minKbps: z.number() }),
  z.object({ code: z.literal('BITRATE_HIGH'), kbps: z.number(), maxKbps: z.number() }),
  z.object({ code: z.literal('NO_AUDIO') }),
  z.object({ code: z.literal('LOW_FPS'), fps: z.number() }),
]);
export const streamHealthSchema = z.object({
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  videoBitrate: z.number(),
  audioBitrate: z.number(),
  keyframeInterval: z.number().nullable(),
  videoCodec: z.string().nullable(),
  audioCodec: z.string().nullable(),
  audioPresent: z.boolean(),
  lateFrames: z.number(),
  warnings: z.array(healthWarningSchema),
});
export type StreamHealthDto = z.infer<typeof streamHealthSchema>;

/** GET …/console/sessions/:id/stream/health: the samples kept every 10 s while publishing, oldest first. */
export const healthSeriesReply = z.object({
  items: z.array(
    z.object({
      at: z.string(),
      publishId: z.string(),
      width: z.number().nullable(),
      height: z.number().nullable(),
      fps: z.number().nullable(),
      videoBps: z.number(),
      audioBps: z.number(),
      keyframeIntervalS: z.number().nullable(),
      lateFrames: z.number(),
      warnings: z.array(z.string()),
    }),
  ),
});

export const videoCapabilitiesSchema = z.object({
  flv: z.literal(true),
  ffmpeg: z.union([z.object({ ok: z.literal(true), bin: z.string(), version: z.string() }), z.object({ ok: z.literal(false), bin: z.string(), reason: z.string() })]),
  needsFfmpeg: z.array(z.string()).readonly(),
  installHint: z.string().nullable(),
});
export type VideoCapabilities = z.infer<typeof videoCapabilitiesSchema>;

/** GET/POST …/console/sessions/:id/stream: what OBS asks for ("Server", "Stream Key"), the stream's state and live health. */
export const ingestSettingsReply = z.object({
  server: z.string(),
  streamKey: z.string(),
  state: z.enum(streamStates),
  since: z.number().nullable(),
  rotatedAt: z.string().nullable(),
  /** While an encoder publishes: what it sends (null otherwise). */
  health: streamHealthSchema.nullable(),
  /** What this server can do with video: HTTP-FLV always; HLS, recording and restream need ffmpeg (what is off and how to install it). */
  capabilities: videoCapabilitiesSchema,
});
export type IngestSettings = z.infer<typeof ingestSettingsReply>;

/** GET /api/live/:id/stream: the stream's state and where to play it (signed for a private session). */
export const playInfoReply = z.object({
  state: z.enum(streamStates),
  since: z.number().nullable(),
  graceEndsAt: z.number().nullable(),
  flvUrl: z.string(),
  /** Live HLS playlist (same origin; the token in its path for a private session); null when the server has no ffmpeg. */
  hlsUrl: z.string().nullable(),
  /** The stream clock when answered: the publish and the encoder timestamp (ms) the ingest has reached (null when nobody publishes). */
  position: z.object({ publishId: z.string(), ts: z.number() }).nullable(),
  now: z.number(),
});
export type PlayInfo = z.infer<typeof playInfoReply>;

export const playQuery = z.strictObject({ t: z.string().max(200).optional() });
