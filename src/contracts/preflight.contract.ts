import { z } from 'zod';
import { idParam } from './api.contract.js';
import type { TeamRole } from './roles.contract.js';
import { BITRATE_RANGES, MAX_KEYFRAME_INTERVAL_S } from './video.contract.js';

/**
 * Pre-flight (handbook 3.3, 直播环境搭建): what the team checks before a session goes public,
 * in the handbook's five groups. Tech ticks the equipment, software and network; the host ticks
 * the scene and the content; owner and admin may tick anything. Shared with the web app.
 */
export const preflightGroups = ['hardware', 'software', 'network', 'scene', 'content'] as const;
export type PreflightGroup = (typeof preflightGroups)[number];

/** How an item can also be checked by the machine (shown beside the person's tick). */
export type PreflightAuto = 'encoder' | 'keyframes' | 'upload';

export interface PreflightItemDef {
  key: string;
  group: PreflightGroup;
  /** Roles expected to tick it (owner and admin may always). */
  roles: readonly TeamRole[];
  auto?: PreflightAuto;
}

const TECH: readonly TeamRole[] = ['tech'];
const HOST: readonly TeamRole[] = ['host'];
const BOTH: readonly TeamRole[] = ['tech', 'host'];

export const PREFLIGHT_ITEMS = [
  // 3.3.1 硬件设备准备
  { key: 'hardware.device', group: 'hardware', roles: TECH },
  { key: 'hardware.camera', group: 'hardware', roles: BOTH },
  { key: 'hardware.microphone', group: 'hardware', roles: BOTH },
  { key: 'hardware.power', group: 'hardware', roles: TECH },
  // 3.3.2 软件准备
  { key: 'software.obs', group: 'software', roles: TECH },
  { key: 'software.encoder', group: 'software', roles: TECH, auto: 'encoder' },
  { key: 'software.keyframes', group: 'software', roles: TECH, auto: 'keyframes' },
  // 3.3.3 网络环境优化
  { key: 'network.stable', group: 'network', roles: TECH },
  { key: 'network.upload', group: 'network', roles: TECH, auto: 'upload' },
  // 3.3.4 直播场景布置
  { key: 'scene.background', group: 'scene', roles: HOST },
  { key: 'scene.lighting', group: 'scene', roles: BOTH },
  { key: 'scene.products', group: 'scene', roles: HOST },
  // 3.3.5 直播内容策划
  { key: 'content.script', group: 'content', roles: HOST },
  { key: 'content.interactions', group: 'content', roles: HOST },
] as const satisfies readonly PreflightItemDef[];

export type PreflightItemKey = (typeof PREFLIGHT_ITEMS)[number]['key'];
export const preflightItemKeys = PREFLIGHT_ITEMS.map((i) => i.key) as [PreflightItemKey, ...PreflightItemKey[]];

export function preflightItem(key: string): PreflightItemDef | undefined {
  return (PREFLIGHT_ITEMS as readonly PreflightItemDef[]).find((i) => i.key === key);
}

/** Owner and admin may tick any item; others only the items of their roles. */
export function mayTick(roles: readonly TeamRole[], item: PreflightItemDef): boolean {
  return roles.some((r) => r === 'owner' || r === 'admin' || item.roles.includes(r));
}

// ---------- recommended OBS settings (Settings → Output, Advanced mode) ----------

/** Audio OBS should send: AAC 128 kbps at 48 kHz (Settings → Audio → Sample Rate). */
export const RECOMMENDED_AUDIO_KBPS = 128;
export const RECOMMENDED_SAMPLE_RATE_HZ = 48_000;

/** Picture sizes with the bitrate we suggest, inside the range the ingest accepts without a warning. */
export const OBS_PRESETS = [
  { id: '480p30', width: 854, height: 480, fps: 30, videoKbps: 1_500 },
  { id: '720p30', width: 1280, height: 720, fps: 30, videoKbps: 3_000 },
  { id: '1080p30', width: 1920, height: 1080, fps: 30, videoKbps: 5_000 },
] as const;
export type ObsPresetId = (typeof OBS_PRESETS)[number]['id'];
export const DEFAULT_OBS_PRESET: ObsPresetId = '720p30';

/** The range the ingest's health check expects for a picture height (video.contract BITRATE_RANGES). */
export function bitrateRangeFor(height: number): { minKbps: number; maxKbps: number } {
  const r = BITRATE_RANGES.find((x) => height <= x.maxHeight) ?? BITRATE_RANGES[BITRATE_RANGES.length - 1]!;
  return { minKbps: r.minKbps, maxKbps: r.maxKbps };
}

/**
 * The values to type into OBS, one row each (`value` is what the copy button copies). The
 * resolution and bitrate rows follow the chosen preset.
 */
export function recommendedObsSettings(presetId: ObsPresetId = DEFAULT_OBS_PRESET): { key: string; value: string }[] {
  const p = OBS_PRESETS.find((x) => x.id === presetId) ?? OBS_PRESETS[1];
  return [
    { key: 'outputMode', value: 'Advanced' },
    { key: 'encoder', value: 'x264' },
    { key: 'rateControl', value: 'CBR' },
    { key: 'bitrate', value: `${p.videoKbps} Kbps` },
    { key: 'keyframeInterval', value: `${MAX_KEYFRAME_INTERVAL_S} s` },
    { key: 'preset', value: 'veryfast' },
    { key: 'profile', value: 'main' },
    { key: 'tune', value: 'zerolatency' },
    { key: 'resolution', value: `${p.width}x${p.height}` },
    { key: 'fps', value: String(p.fps) },
    { key: 'audioCodec', value: 'AAC' },
    { key: 'audioBitrate', value: String(RECOMMENDED_AUDIO_KBPS) },
    { key: 'sampleRate', value: `${RECOMMENDED_SAMPLE_RATE_HZ / 1000} kHz` },
  ];
}

/** The upload must carry the stream with room to spare (other traffic, dips): 1.5 x what OBS sends. */
export const UPLOAD_HEADROOM = 1.5;
export function requiredUploadKbps(targetKbps: number): number {
  return Math.ceil(targetKbps * UPLOAD_HEADROOM);
}
/** What a preset sends in all (video + audio), the target the speed test is held to. */
export function presetTargetKbps(presetId: ObsPresetId): number {
  const p = OBS_PRESETS.find((x) => x.id === presetId) ?? OBS_PRESETS[1];
  return p.videoKbps + RECOMMENDED_AUDIO_KBPS;
}

/** The upload-speed test body is at most this large (the browser sends several such chunks). */
export const UPLOAD_TEST_MAX_BYTES = 8 * 1024 * 1024;

// ---------- wire ----------

export const preflightItemParams = idParam.extend({
  item: z.enum(preflightItemKeys, { message: `expected one of ${preflightItemKeys.join(', ')}` }),
});

export const preflightTickBody = z.strictObject({
  checked: z.boolean(),
  note: z.string().trim().max(500).nullable().optional(),
  /** network.upload: what the browser measured and the bitrate it was held to (kbps). */
  measuredKbps: z.number().int().min(0).max(10_000_000).nullable().optional(),
  targetKbps: z.number().int().min(1).max(1_000_000).nullable().optional(),
});
export type PreflightTickBody = z.infer<typeof preflightTickBody>;

export const autoCheckSchema = z.object({
  status: z.enum(['pass', 'fail', 'unknown']),
  /** Why, for the console's sentence: e.g. NO_ENCODER, NO_AUDIO, KEYFRAMES_TOO_FAR, UPLOAD_TOO_SLOW. */
  reason: z.string().nullable(),
  /** The reading behind it: keyframe interval (s), measured / required upload (kbps). */
  value: z.number().nullable(),
  limit: z.number().nullable(),
});
export type AutoCheck = z.infer<typeof autoCheckSchema>;

export const preflightItemState = z.object({
  key: z.enum(preflightItemKeys),
  group: z.enum(preflightGroups),
  roles: z.array(z.string()),
  /** Whether the asking member may tick it. */
  mayTick: z.boolean(),
  checked: z.boolean(),
  byId: z.string().nullable(),
  byName: z.string().nullable(),
  at: z.string().nullable(),
  note: z.string().nullable(),
  measuredKbps: z.number().nullable(),
  targetKbps: z.number().nullable(),
  auto: autoCheckSchema.nullable(),
  /** Counts as done: ticked (and no failing auto check), or its auto check passes. */
  done: z.boolean(),
});
export type PreflightItemState = z.infer<typeof preflightItemState>;

export const preflightReply = z.object({
  sessionId: z.string(),
  items: z.array(preflightItemState),
  summary: z.object({ done: z.number(), total: z.number(), ready: z.boolean(), failing: z.array(z.string()) }),
  rehearsal: z.object({ since: z.string(), byName: z.string().nullable() }).nullable(),
});
export type PreflightReply = z.infer<typeof preflightReply>;

export const uploadTestReply = z.object({
  bytes: z.number(),
  /** Server-side time from the first byte to the last (ms). */
  receiveMs: z.number(),
  /** bytes / receiveMs, as Mbit/s (null when too short to tell). */
  serverMbps: z.number().nullable(),
});
export type UploadTestReply = z.infer<typeof uploadTestReply>;

export const previewReply = z.object({
  /** Same-origin HTTP-FLV address signed for the team (plays while the audience cannot). */
  flvUrl: z.string(),
  expiresAt: z.number(),
});
export type PreviewReply = z.infer<typeof previewReply>;

/** GET/POST/DELETE …/stream/rehearsal and POST …/stream/rehearsal/go-public: the test-stream mode. */
export const rehearsalReply = z.object({
  /** Since when (ISO) and who started it; null when not in test mode. */
  rehearsal: z.object({ since: z.string(), byName: z.string().nullable() }).nullable(),
  /** The encoder's side: offline, live (publishing) or reconnecting. */
  state: z.enum(['offline', 'live', 'reconnecting']),
  sessionStatus: z.enum(['draft', 'scheduled', 'live', 'ended', 'archived']),
});
export type RehearsalReply = z.infer<typeof rehearsalReply>;
