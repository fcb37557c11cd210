/**
 * Look-ups on a replay's timeline (replay.contract.ts), made by the player every frame and by the
 * server's timeline builder: pure, no zod (the web bundle imports them).
 */

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
