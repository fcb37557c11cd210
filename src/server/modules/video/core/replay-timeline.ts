/**
 * The replay's timeline: a session's recordings played one after the other, with its chat, pins
 * and chapters placed on that timeline. Pure: wall-clock instants (ms) in, replay times (ms) out.
 *
 * Replay time runs through the recordings in order: recording i covers
 * [offset_i, offset_i + duration_i), where offset_i is the sum of the earlier durations. An instant
 * inside a recording maps to offset_i + (instant - its start). An instant between two recordings
 * (the encoder was away) maps to the start of the next one, so what was said while the picture was
 * gone shows when the picture comes back; before the first recording it maps to 0, after the last
 * to the end.
 */

export interface TimelineRecording {
  id: string;
  /** Wall clock of its first frame (ms). */
  startedAt: number;
  durationMs: number;
}

export interface TimelineMessage {
  id: string;
  /** When it was sent (wall clock, ms). */
  at: number;
  senderName: string;
  role: string;
  text: string;
}

export interface TimelinePin {
  productId: string;
  title: string;
  startedAt: number;
  /** Null while still pinned: runs to the end. */
  endedAt: number | null;
}

export interface Segment {
  recordingId: string;
  /** Where it starts in replay time (ms). */
  offsetMs: number;
  durationMs: number;
}

export interface ReplayMessage {
  id: string;
  /** Replay time (ms) at which it shows. */
  t: number;
  senderName: string;
  role: string;
  text: string;
}

/** What the shelf showed as pinned over [from, to) of replay time (productId null: nothing). */
export interface PinSpan {
  from: number;
  to: number;
  productId: string | null;
  title: string | null;
}

export interface Chapter {
  productId: string;
  title: string;
  /** Replay time (ms) where the product was pinned. */
  t: number;
}

export interface ReplayTimeline {
  durationMs: number;
  segments: Segment[];
  messages: ReplayMessage[];
  pins: PinSpan[];
  chapters: Chapter[];
}

/** Recordings in order of their start, each placed after the previous one. */
export function segmentsOf(recordings: readonly TimelineRecording[]): Segment[] {
  let offset = 0;
  return [...recordings]
    .sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id))
    .map((r) => {
      const s = { recordingId: r.id, offsetMs: offset, durationMs: Math.max(0, r.durationMs) };
      offset += s.durationMs;
      return s;
    });
}

/** Replay time (ms) of a wall-clock instant (ms); see the module comment for gaps. */
export function replayTimeOf(recordings: readonly TimelineRecording[], segments: readonly Segment[], at: number): number {
  const byId = new Map(recordings.map((r) => [r.id, r]));
  for (const s of segments) {
    const start = byId.get(s.recordingId)!.startedAt;
    if (at < start) return s.offsetMs;
    if (at < start + s.durationMs) return s.offsetMs + (at - start);
  }
  const last = segments.at(-1);
  return last ? last.offsetMs + last.durationMs : 0;
}

/**
 * Builds the timeline. Messages come out ordered by replay time (then by send time, then id);
 * pins as contiguous spans covering [0, duration) (adjacent spans of one product merged, empty
 * ones dropped); one chapter per time a product was pinned that is on the timeline.
 */
export function buildReplayTimeline(input: { recordings: readonly TimelineRecording[]; messages: readonly TimelineMessage[]; pins: readonly TimelinePin[] }): ReplayTimeline {
  const segments = segmentsOf(input.recordings);
  const last = segments.at(-1);
  const durationMs = last ? last.offsetMs + last.durationMs : 0;
  const at = (ms: number): number => replayTimeOf(input.recordings, segments, ms);

  const messages = [...input.messages]
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
    .map((m) => ({ id: m.id, t: at(m.at), senderName: m.senderName, role: m.role, text: m.text }));

  // Pins, in the order they happened; each lasts until it ended or the next one started.
  const ordered = [...input.pins].sort((a, b) => a.startedAt - b.startedAt);
  const raw: PinSpan[] = [];
  ordered.forEach((p, i) => {
    const next = ordered[i + 1]?.startedAt ?? Infinity;
    const end = Math.min(p.endedAt ?? Infinity, next);
    const from = at(p.startedAt);
    const to = end === Infinity ? durationMs : at(end);
    if (to > from) raw.push({ from, to, productId: p.productId, title: p.title });
  });
  const pins: PinSpan[] = [];
  let cursor = 0;
  for (const s of raw) {
    if (s.from > cursor) pins.push({ from: cursor, to: s.from, productId: null, title: null });
    const prev = pins.at(-1);
    if (prev && prev.productId === s.productId && prev.to === s.from) prev.to = s.to;
    else pins.push({ ...s });
    cursor = s.to;
  }
  if (cursor < durationMs) pins.push({ from: cursor, to: durationMs, productId: null, title: null });

  const chapters: Chapter[] = raw.map((s) => ({ productId: s.productId!, title: s.title!, t: s.from }));
  return { durationMs, segments, messages, pins, chapters };
}

export { locate, messagesShownAt, pinnedAt } from '../../../../contracts/replay-clock.contract.js';
