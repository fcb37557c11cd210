import { z } from 'zod';
import { streamStates } from './realtime.contract.js';

/** GET/POST …/console/sessions/:id/stream: what OBS asks for ("Server", "Stream Key") and the stream's state. */
export const ingestSettingsReply = z.object({
  server: z.string(),
  streamKey: z.string(),
  state: z.enum(streamStates),
  since: z.number().nullable(),
  rotatedAt: z.string().nullable(),
});
export type IngestSettings = z.infer<typeof ingestSettingsReply>;

/** GET /api/live/:id/stream: the stream's state and where to play it (signed for a private session). */
export const playInfoReply = z.object({
  state: z.enum(streamStates),
  since: z.number().nullable(),
  graceEndsAt: z.number().nullable(),
  flvUrl: z.string(),
  now: z.number(),
});
export type PlayInfo = z.infer<typeof playInfoReply>;

export const playQuery = z.strictObject({ t: z.string().max(200).optional() });
