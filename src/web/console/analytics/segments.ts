// Run-of-show segments: the kinds offered and the open segment.
import type { SegmentKind, SessionSegment } from '../../../contracts/analytics.contract';

export const TITLE_MAX = 80;
/** The contract's segmentKinds, in its order (the contract brings zod, kept out of the bundle; the test checks they agree). */
export const SEGMENT_KINDS: readonly SegmentKind[] = ['showcase', 'news', 'teaching', 'interview', 'entertainment', 'other'];

/** The open segment (the last one started and not ended), if any. */
export function currentSegment(items: readonly SessionSegment[]): SessionSegment | null {
  let open: SessionSegment | null = null;
  for (const s of items) if (s.endedAt === null && (!open || s.startedAt >= open.startedAt)) open = s;
  return open;
}

