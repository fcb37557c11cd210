import type { RoomEventPayload, StreamAt } from '../../contracts/realtime.contract';
import type { StreamPosition } from '../viewer/video/playback-clock';

/**
 * Overlays in step with the picture. Room events that refer to the picture carry `at`, where the
 * stream was when they happened (see `streamAtSchema`). A viewer watches some seconds behind
 * live, so such an event is held until this viewer's playback reaches `at.ts`, then released;
 * the announcement, the product being explained and the flash sale appear when the viewer sees
 * the host announce them, not when the message arrives.
 *
 * Released at once: events without `at`, and any event when there is no picture to follow (no
 * player position, or the player shows another publish). Held at most `maxHoldMs`, so a stalled
 * player never hides the room for long. Order is kept per subject (the announcement, the product
 * being explained, each flash sale): a later event about the same subject waits behind an
 * earlier one still held, even if it carries no `at` itself (e.g. a stock update after "open").
 *
 * Pure: the caller feeds events, polls `release` while `pending` is non-zero, and gives the
 * clock and the player's position.
 */
export interface PictureSyncOptions {
  /** Where the player is on the stream clock now (null: not playing). */
  position: () => StreamPosition | null;
  now: () => number;
  /** Longest hold (ms): beyond it an event is released whatever the player says. */
  maxHoldMs?: number;
}

interface Held {
  e: RoomEventPayload;
  at: StreamAt | null;
  key: string;
  arrived: number;
}

/** What an event is about, for ordering; null for events that never wait. */
export function subjectOf(e: RoomEventPayload): string | null {
  switch (e.t) {
    case 'pin':
      return 'pin';
    case 'product.pin':
      return 'product.pin';
    case 'flash':
      return `flash:${e.id}`;
    // A tool's counters wait behind its own announcement still held for the picture.
    case 'poll':
      return `poll:${e.poll.id}`;
    case 'poll.tally':
      return `poll:${e.id}`;
    case 'draw':
      return `draw:${e.draw.id}`;
    case 'draw.entries':
      return `draw:${e.id}`;
    case 'quiz':
      return `quiz:${e.quiz.id}`;
    case 'quiz.answers':
      return `quiz:${e.id}`;
    case 'topic':
    case 'topic.stats':
      return 'topic';
    case 'countdown':
      return `countdown:${e.countdown.id}`;
    default:
      return null;
  }
}

function stampOf(e: RoomEventPayload): StreamAt | null {
  switch (e.t) {
    case 'pin':
    case 'product.pin':
    case 'flash':
    case 'poll':
    case 'draw':
    case 'quiz':
    case 'topic':
    case 'countdown':
      return e.at ?? null;
    default:
      return null;
  }
}

export const DEFAULT_MAX_HOLD_MS = 15_000;

export class PictureSync {
  private held: Held[] = [];
  private readonly maxHoldMs: number;

  constructor(private readonly o: PictureSyncOptions) {
    this.maxHoldMs = o.maxHoldMs ?? DEFAULT_MAX_HOLD_MS;
  }

  get pending(): number {
    return this.held.length;
  }

  /** Takes the events of a batch, in order; returns those to apply now, in order. */
  push(events: readonly RoomEventPayload[]): RoomEventPayload[] {
    const now = this.o.now();
    for (const e of events) {
      const key = subjectOf(e);
      const at = stampOf(e);
      // Everything queues; release() lets through at once what has nothing to wait for.
      this.held.push({ e, at, key: key ?? '', arrived: now });
    }
    return this.release();
  }

  /** The held events whose moment has come (and everything behind them that may go), in arrival order. */
  release(): RoomEventPayload[] {
    if (this.held.length === 0) return [];
    const now = this.o.now();
    const pos = this.o.position();
    const out: RoomEventPayload[] = [];
    const blocked = new Set<string>();
    const keep: Held[] = [];
    for (const h of this.held) {
      const waitsBehind = h.key !== '' && blocked.has(h.key);
      if (!waitsBehind && this.due(h, pos, now)) {
        out.push(h.e);
      } else {
        keep.push(h);
        if (h.key !== '') blocked.add(h.key);
      }
    }
    this.held = keep;
    return out;
  }

  /** Forget everything held (a fresh snapshot of the room supersedes it); returns what was held. */
  clear(): RoomEventPayload[] {
    const out = this.held.map((h) => h.e);
    this.held = [];
    return out;
  }

  private due(h: Held, pos: StreamPosition | null, now: number): boolean {
    if (!h.at) return true;
    if (now - h.arrived >= this.maxHoldMs) return true;
    if (!pos || pos.publishId !== h.at.publishId) return true;
    return pos.ts >= h.at.ts;
  }
}
