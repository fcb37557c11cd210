import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.js';

describe('RateMeter', () => {
  it('busy once the current and previous buckets hold the threshold, idle two buckets after the last event', () => {
    const m = new RateMeter(10, 100);
    for (let i = 0; i < 9; i++) m.hit(1000 + i);
    expect(m.busy(1050)).toBe(false);
    m.hit(1099);
    expect(m.busy(1099)).toBe(true);
    // Next bucket: the previous one still counts.
    expect(m.busy(1150)).toBe(true);
    // Two buckets on: over.
    expect(m.busy(1200)).toBe(false);
    // A gap of several buckets forgets everything.
    m.hit(1300, 9);
    expect(m.busy(1310)).toBe(false);
    m.hit(1410, 1);
    expect(m.busy(1410)).toBe(true);
    expect(m.busy(5000)).toBe(false);
  });

  it('agrees with counting every event of the last two buckets (random times)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 5 })), { maxLength: 200 }), fc.integer({ min: 1, max: 30 }), (steps, threshold) => {
        const m = new RateMeter(threshold, 100);
        const events: { at: number; n: number }[] = [];
        let t = 0;
        for (const [dt, n] of steps) {
          t += dt;
          m.hit(t, n);
          events.push({ at: t, n });
          const b = Math.floor(t / 100);
          const recent = events.filter((e) => Math.floor(e.at / 100) >= b - 1).reduce((s, e) => s + e.n, 0);
          expect(m.busy(t)).toBe(recent >= threshold);
        }
      }),
    );
  });

  it('refuses a threshold or bucket below 1', () => {
    expect(() => new RateMeter(0)).toThrow(RangeError);
    expect(() => new RateMeter(5, 0)).toThrow(RangeError);
  });
});
