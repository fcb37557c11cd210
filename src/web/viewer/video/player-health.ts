// Pure pieces of the live player: how long to wait before starting over, whether the picture
// has stopped moving, and how far behind live it plays.

const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 8000;

/**
 * After the stream says live again: 0.6–1.5 s, long enough for the relay to have a keyframe and
 * spread so that every player in the room does not reconnect in the same instant.
 */
export function liveAgainDelay(random: () => number = Math.random): number {
  return Math.round(600 + 900 * random());
}

/** A room event reaches every viewer at once: their `/stream` fetches are spread over 0–2 s. */
export function refetchJitter(random: () => number = Math.random): number {
  return Math.round(2000 * random());
}

/** No progress for this long while the stream is live and the video should be playing: start over. */
export const STALL_LIMIT_MS = 12_000;

/** 1 s, 2 s, 4 s, 8 s, 8 s … each ±20 %, so a relay restart is not hit by every player at once. */
export function playerRetryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 10)));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Watches `currentTime` for a live picture that stopped (a connection open but silent, a decoder
 * stuck after a timestamp jump). Time spent not expected to move (paused, hidden tab,
 * reconnecting) does not count.
 */
export class ProgressWatch {
  private lastTime = Number.NaN;
  private lastMove = 0;

  constructor(private readonly limitMs: number = STALL_LIMIT_MS) {}

  reset(nowMs: number): void {
    this.lastTime = Number.NaN;
    this.lastMove = nowMs;
  }

  /** True when the picture has not moved for `limitMs` of time it should have been moving. */
  check(currentTime: number, nowMs: number, shouldMove: boolean): boolean {
    if (!shouldMove || currentTime !== this.lastTime) {
      this.lastTime = currentTime;
      this.lastMove = nowMs;
      return false;
    }
    return nowMs - this.lastMove >= this.limitMs;
  }
}

/** The part of `HTMLMediaElement.buffered` this needs. */
export interface BufferedRanges {
  readonly length: number;
  end(index: number): number;
}

/**
 * Seconds this player is behind the newest media it has received: the end of what is buffered
 * minus the playing position. Null before anything is buffered. (Encoder, relay and network delay
 * come on top; this is the part the player controls.)
 */
export function liveLatencySeconds(buffered: BufferedRanges, currentTime: number): number | null {
  if (buffered.length === 0 || !Number.isFinite(currentTime)) return null;
  const end = buffered.end(buffered.length - 1);
  if (!Number.isFinite(end)) return null;
  return Math.max(0, end - currentTime);
}

/** 1.84 -> "1.8" ("1.8" in Chinese too); one decimal, in the page's language. */
export function formatLatency(seconds: number, lang: string): string {
  return new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(seconds);
}
