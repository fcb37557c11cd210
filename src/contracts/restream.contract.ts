import { z } from 'zod';

/** Where a restream target points: a preset names the platform and hints its RTMP server. */
export const restreamPlatforms = ['douyin', 'kuaishou', 'bilibili', 'youtube', 'twitch', 'custom'] as const;
export type RestreamPlatform = (typeof restreamPlatforms)[number];

/**
 * The usual "server" of each platform's push settings. `server` is filled in for the team when the
 * platform gives everyone the same one; Douyin and Kuaishou give each account its own push address
 * (copy it from the platform's push page), so only the shape is shown as a placeholder.
 */
export const RESTREAM_PRESETS: Record<RestreamPlatform, { server: string | null; placeholder: string }> = {
  douyin: { server: null, placeholder: 'rtmp://push-rtmp-….douyincdn.com/third' },
  kuaishou: { server: null, placeholder: 'rtmp://….gifshow.com/gifshow' },
  bilibili: { server: 'rtmp://live-push.bilivideo.com/live-bvc', placeholder: 'rtmp://live-push.bilivideo.com/live-bvc' },
  youtube: { server: 'rtmp://a.rtmp.youtube.com/live2', placeholder: 'rtmp://a.rtmp.youtube.com/live2' },
  twitch: { server: 'rtmp://live.twitch.tv/app', placeholder: 'rtmp://live.twitch.tv/app' },
  custom: { server: null, placeholder: 'rtmp://example.com/live' },
};

export const restreamStates = ['idle', 'connecting', 'live', 'retrying', 'failed'] as const;
export type RestreamState = (typeof restreamStates)[number];

/** A target's push, as the console shows it (kept in memory while the server runs). */
export const restreamStatusSchema = z.object({
  state: z.enum(restreamStates),
  /** ms since epoch: when it entered this state. */
  since: z.number(),
  /** Attempts since the last reset (a run live for a minute resets it). */
  attempt: z.number(),
  /** retrying: when the next attempt starts (ms since epoch). */
  nextAt: z.number().nullable(),
  /** ffmpeg's last error lines, with the key removed. */
  lastError: z.string().nullable(),
});
export type RestreamStatus = z.infer<typeof restreamStatusSchema>;

export const restreamTargetSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  name: z.string(),
  platform: z.enum(restreamPlatforms),
  serverUrl: z.string(),
  /** Never the key: its last 4 characters behind dots. */
  keyMask: z.string(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: restreamStatusSchema,
});
export type RestreamTarget = z.infer<typeof restreamTargetSchema>;

export const restreamTargetsReply = z.object({
  items: z.array(restreamTargetSchema),
  /** False when the server has no ffmpeg: targets can be kept but nothing is pushed. */
  ffmpeg: z.boolean(),
  now: z.number(),
});
export type RestreamTargetsReply = z.infer<typeof restreamTargetsReply>;

const name = z.string().trim().min(1).max(60);
const serverUrl = z.string().trim().min(1).max(500);
// Keys are opaque (Bilibili's carry a query string); no spaces or control characters.
const streamKey = z.string().min(1).max(500).regex(/^[\x21-\x7e]+$/, 'no spaces or control characters');

export const createRestreamTargetBody = z.strictObject({
  name,
  platform: z.enum(restreamPlatforms),
  serverUrl,
  streamKey,
  enabled: z.boolean().optional(),
});
export type CreateRestreamTargetBody = z.infer<typeof createRestreamTargetBody>;

/** Edit: any subset; no streamKey (or an empty one) keeps the stored key. */
export const updateRestreamTargetBody = z.strictObject({
  name: name.optional(),
  platform: z.enum(restreamPlatforms).optional(),
  serverUrl: serverUrl.optional(),
  streamKey: z.string().max(500).regex(/^[\x21-\x7e]*$/, 'no spaces or control characters').optional(),
  enabled: z.boolean().optional(),
});
export type UpdateRestreamTargetBody = z.infer<typeof updateRestreamTargetBody>;

export const restreamTargetParams = z.object({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
  targetId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
});
