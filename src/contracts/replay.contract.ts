import { z } from 'zod';

/**
 * Recording and replay (issue 5 item 6): the console's recordings list and the audience's replay.
 * The replay's timeline is built on the server (modules/video/core/replay-timeline.ts); the small
 * look-ups the player makes on it every frame are here, shared by both.
 */

export const recordingStatuses = ['recording', 'processing', 'ready', 'failed', 'deleted'] as const;
export type RecordingStatusDto = (typeof recordingStatuses)[number];

export const recordingIdParam = z.object({
  id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
  recordingId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id'),
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

/** Where replay time t (ms) falls: the segment and the position inside it; past the end clamps to the last. */
export function locate(segments: readonly { offsetMs: number; durationMs: number }[], t: number): { index: number; positionMs: number } | null {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (t < s.offsetMs + s.durationMs || i === segments.length - 1) return { index: i, positionMs: Math.min(Math.max(0, t - s.offsetMs), s.durationMs) };
  }
  return null;
}

/** The pin span showing at replay time t (null outside the timeline). */
export function pinnedAt<P extends { from: number; to: number }>(pins: readonly P[], t: number): P | null {
  return pins.find((p) => t >= p.from && t < p.to) ?? null;
}

/** How many messages (sorted by t) have shown by replay time t. */
export function messagesShownAt(messages: readonly { t: number }[], t: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
