import { z } from 'zod';

/**
 * Recording and replay (issue 5 item 6): the console's recordings list and the audience's replay.
 * The replay's timeline is built on the server (modules/video/core/replay-timeline.ts); the small
 * look-ups the player makes on it every frame are in replay-clock.contract.ts (no zod: the web uses them).
 */

export const recordingStatuses = ['recording', 'processing', 'ready', 'failed', 'deleted'] as const;
export type RecordingStatusDto = (typeof recordingStatuses)[number];

export const recordingIdParam = z.object({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
  recordingId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
});

/** The recording's file in the URL: `<recordingId>.mp4` (one segment, so the id and the extension are checked together). */
export const recordingFileParam = z.object({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
  file: z.string().max(68).regex(/^[A-Za-z0-9_-]{1,64}\.mp4$/, 'expected <recordingId>.mp4'),
});

export const recordingSchema = z.object({
  id: z.string(),
  publishId: z.string(),
  status: z.enum(recordingStatuses),
  bytes: z.number(),
  durationMs: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** Where the console plays it (signed for a private session); null unless ready. */
  playUrl: z.string().nullable(),
});
export type RecordingDto = z.infer<typeof recordingSchema>;

/** GET /api/console/sessions/:id/recordings */
export const recordingsReply = z.object({
  items: z.array(recordingSchema),
  /** Bytes on disk for this session's recordings, and for all sessions'. */
  sessionBytes: z.number(),
  totalBytes: z.number(),
  /** False when ffmpeg is missing: nothing is recorded. */
  recordingEnabled: z.boolean(),
});
export type RecordingsReply = z.infer<typeof recordingsReply>;

export const segmentSchema = z.object({ recordingId: z.string(), url: z.string(), offsetMs: z.number(), durationMs: z.number() });
export const replayMessageSchema = z.object({ id: z.string(), t: z.number(), senderName: z.string(), role: z.string(), text: z.string() });
export const pinSpanSchema = z.object({ from: z.number(), to: z.number(), productId: z.string().nullable(), title: z.string().nullable() });
export const chapterSchema = z.object({ productId: z.string(), title: z.string(), t: z.number() });

/** GET /api/live/:id/replay: times are replay milliseconds (the recordings played one after the other). */
export const replayReply = z.object({
  sessionId: z.string(),
  title: z.string(),
  durationMs: z.number(),
  segments: z.array(segmentSchema),
  messages: z.array(replayMessageSchema),
  pins: z.array(pinSpanSchema),
  chapters: z.array(chapterSchema),
  products: z.array(z.object({ productId: z.string(), title: z.string(), image: z.string().nullable(), priceFen: z.number().nullable(), currency: z.string().nullable() })),
});
export type ReplayDto = z.infer<typeof replayReply>;
export type SegmentDto = z.infer<typeof segmentSchema>;
export type PinSpanDto = z.infer<typeof pinSpanSchema>;
