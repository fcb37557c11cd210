import type { DanmakuDensity } from './danmaku-settings';

/** How many lanes and how many comments in flight each density allows. */
export const DENSITY_LIMITS: Record<DanmakuDensity, { lanes: number; maxItems: number }> = {
  low: { lanes: 3, maxItems: 8 },
  normal: { lanes: 6, maxItems: 20 },
  high: { lanes: 10, maxItems: 40 },
};

export const DANMAKU_FONT_PX = 18;
export const DANMAKU_LANE_PX = 30;
/** Space between the tail of one comment and the head of the next in a lane. */
const GAP_PX = 28;
/** Horizontal padding of an item (CSS), counted into its width. */
const PADDING_PX = 16;
/** A comment that waited this long for a free lane is dropped: danmaku is about now. */
export const MAX_WAIT_MS = 4000;

// East Asian wide characters and emoji take about a full em; the rest about 0.6 em.
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F000}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

/** Estimated rendered width, so a lane can be planned without measuring the DOM. */
export function estimateWidth(text: string, fontPx = DANMAKU_FONT_PX): number {
  let em = 0;
  for (const ch of text) em += WIDE.test(ch) ? 1 : 0.6;
  return Math.ceil(em * fontPx) + PADDING_PX;
}

/** Pixels per second: a comment crosses any stage in about seven seconds. */
export function flightSpeed(stageWidth: number): number {
  return Math.max(90, stageWidth / 7);
}

/** Lanes start under the stage's top bar (audience count, danmaku switch). */
export const DANMAKU_TOP_PX = 48;
const BOTTOM_MARGIN_PX = 12;

/** Lanes that fit between the top bar and the bottom edge, at most the density's number. */
export function laneCount(stageHeight: number, density: DanmakuDensity): number {
  const fit = Math.floor((stageHeight - DANMAKU_TOP_PX - BOTTOM_MARGIN_PX) / DANMAKU_LANE_PX);
  return Math.max(1, Math.min(DENSITY_LIMITS[density].lanes, fit));
}

/**
 * Which lane is free for the next comment. All comments fly at the same speed, so once the
 * previous one's tail is a gap away from the right edge nothing can catch up with it.
 */
export class LanePlanner {
  private freeAt: number[] = [];

  /** A lane (topmost free first), or -1 when every lane is still busy. */
  take(now: number, lanes: number, width: number, speed: number): number {
    if (this.freeAt.length !== lanes) this.freeAt = Array.from({ length: lanes }, (_, i) => this.freeAt[i] ?? 0);
    for (let lane = 0; lane < lanes; lane++) {
      if ((this.freeAt[lane] ?? 0) <= now) {
        this.freeAt[lane] = now + ((width + GAP_PX) / speed) * 1000;
        return lane;
      }
    }
    return -1;
  }

  reset(): void {
    this.freeAt = [];
  }
}
