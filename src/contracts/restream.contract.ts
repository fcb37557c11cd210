import { z } from 'zod';

export { RESTREAM_PRESETS, restreamPlatforms, restreamStates, type RestreamPlatform, type RestreamState } from './restream-presets.js';
import { restreamPlatforms, restreamStates } from './restream-presets.js';

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
