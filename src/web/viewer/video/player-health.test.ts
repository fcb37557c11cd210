import { describe, expect, it } from 'vitest';
import { ProgressWatch, formatLatency, liveAgainDelay, liveLatencySeconds, playerRetryDelay, refetchJitter } from './player-health';

const ranges = (...pairs: [number, number][]) => ({ length: pairs.length, end: (i: number) => pairs[i]![1] });

describe('player retry backoff', () => {
  it('doubles from 1 s up to 8 s', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 10, 50].map((a) => playerRetryDelay(a, mid))).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  });

  it('spreads each delay by ±20 %', () => {
    expect(playerRetryDelay(0, () => 0)).toBe(800);
    expect(playerRetryDelay(0, () => 0.999999)).toBe(1200);
    expect(playerRetryDelay(3, () => 0)).toBe(6400);
    expect(playerRetryDelay(3, () => 0.999999)).toBe(9600);
  });

  it('treats a negative attempt as the first', () => {
    expect(playerRetryDelay(-3, () => 0.5)).toBe(1000);
  });
});

describe("spreading a room's reconnects", () => {
  it('starts a player again 0.6–1.5 s after the stream is live again', () => {
    expect(liveAgainDelay(() => 0)).toBe(600);
    expect(liveAgainDelay(() => 0.5)).toBe(1050);
    expect(liveAgainDelay(() => 0.999999)).toBe(1500);
  });

  it('spreads the play-info fetches after a room event over 0–2 s', () => {
    expect(refetchJitter(() => 0)).toBe(0);
    expect(refetchJitter(() => 0.999999)).toBe(2000);
  });
});

describe('live latency', () => {
  it('is the end of the buffer minus the playing position', () => {
    expect(liveLatencySeconds(ranges([0, 12.4]), 10.6)).toBeCloseTo(1.8);
  });

  it('uses the newest range after a jump ahead', () => {
    expect(liveLatencySeconds(ranges([0, 5], [7, 9.5]), 8)).toBeCloseTo(1.5);
  });

  it('is null with nothing buffered, and never negative', () => {
    expect(liveLatencySeconds(ranges(), 3)).toBeNull();
    expect(liveLatencySeconds(ranges([0, 3]), 3.2)).toBe(0);
    expect(liveLatencySeconds(ranges([0, 3]), Number.NaN)).toBeNull();
  });

  it('reads with one decimal in either language', () => {
    expect(formatLatency(1.84, 'en')).toBe('1.8');
    expect(formatLatency(2, 'zh-CN')).toBe('2.0');
  });
});

describe('stall watch', () => {
  it('fires when the picture stops moving for the limit', () => {
    const w = new ProgressWatch(10_000);
    w.reset(0);
    expect(w.check(1, 1_000, true)).toBe(false);
    expect(w.check(2, 2_000, true)).toBe(false);
    expect(w.check(2, 11_000, true)).toBe(false);
    expect(w.check(2, 12_000, true)).toBe(true);
  });

  it('fires when the first frame never comes', () => {
    const w = new ProgressWatch(10_000);
    w.reset(0);
    expect(w.check(0, 1_000, true)).toBe(false);
    expect(w.check(0, 11_000, true)).toBe(true);
  });

  it('does not count time the picture was not expected to move (paused, hidden, reconnecting)', () => {
    const w = new ProgressWatch(10_000);
    w.reset(0);
    expect(w.check(5, 1_000, true)).toBe(false);
    expect(w.check(5, 60_000, false)).toBe(false);
    expect(w.check(5, 65_000, true)).toBe(false);
    expect(w.check(5, 69_000, true)).toBe(false);
    expect(w.check(5, 70_000, true)).toBe(true);
  });
});
