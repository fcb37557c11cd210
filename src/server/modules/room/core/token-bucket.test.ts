import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { takeToken, type BucketState } from './token-bucket.js';

function run(times: number[], rate: number, burst: number): boolean[] {
  let state: BucketState | undefined;
  return times.map((t) => {
    const r = takeToken(state, t, rate, burst);
    state = r.state;
    return r.ok;
  });
}

describe('takeToken', () => {
  it('starts full, allows a burst, then refuses with a retry time', () => {
    let state: BucketState | undefined;
    for (let i = 0; i < 3; i++) {
      const r = takeToken(state, 0, 1, 3);
      expect(r.ok).toBe(true);
      expect(r.retryAfterMs).toBe(0);
      state = r.state;
    }
    const refused = takeToken(state, 0, 1, 3);
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterMs).toBe(1000);
    const half = takeToken(refused.state, 400, 1, 3);
    expect(half.ok).toBe(false);
    expect(half.retryAfterMs).toBe(600);
    expect(takeToken(half.state, 1000, 1, 3).ok).toBe(true);
  });

  it('does not mutate the state it is given', () => {
    const s: BucketState = { tokens: 2, updatedAt: 0 };
    takeToken(s, 100, 1, 3);
    expect(s).toEqual({ tokens: 2, updatedAt: 0 });
  });

  it('refills up to burst and no further', () => {
    const r = takeToken({ tokens: 0, updatedAt: 0 }, 3_600_000, 2, 5);
    expect(r.ok).toBe(true);
    expect(r.state.tokens).toBe(4);
  });

  it('refills nothing when the clock steps back', () => {
    const r = takeToken({ tokens: 0.5, updatedAt: 10_000 }, 5_000, 1, 3);
    expect(r.ok).toBe(false);
    expect(r.state.updatedAt).toBe(10_000);
    expect(r.retryAfterMs).toBe(500);
  });

  it('treats a burst below 1 as 1', () => {
    expect(run([0, 0, 1000], 1, 0)).toEqual([true, false, true]);
    expect(run([0, 0], 1, Number.NaN)).toEqual([true, false]);
  });

  it('handles rate 0 (never refills) and Infinity (always accepts)', () => {
    expect(run([0, 0, 1e9], 0, 2)).toEqual([true, true, false]);
    expect(takeToken({ tokens: 0, updatedAt: 0 }, 1e9, 0, 2).retryAfterMs).toBe(Number.POSITIVE_INFINITY);
    expect(run([0, 0, 0, 0, 0], Number.POSITIVE_INFINITY, 1)).toEqual([true, true, true, true, true]);
  });

  it('accepts one that waited exactly 1/rate despite float error', () => {
    // 1000 / 3 ms at 3/s is one token, give or take an ulp.
    let state: BucketState | undefined = { tokens: 0, updatedAt: 0 };
    let t = 0;
    for (let i = 0; i < 100; i++) {
      t += 1000 / 3;
      const r = takeToken(state, t, 3, 1);
      expect(r.ok).toBe(true);
      state = r.state;
    }
  });

  // --- properties -----------------------------------------------------------------------
  const rateArb = fc.double({ min: 0.05, max: 50, noNaN: true });
  const burstArb = fc.integer({ min: 1, max: 10 });

  it('never accepts more than burst + rate * elapsed over any timeline', () => {
    fc.assert(
      fc.property(rateArb, burstArb, fc.integer({ min: 0, max: 1e9 }), fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 100 }), (rate, burst, start, gaps) => {
        let t = start;
        const times = gaps.map((g) => (t += g));
        const accepted = run(times, rate, burst).filter(Boolean).length;
        const elapsed = times.length ? (t - start) / 1000 : 0;
        return accepted <= Math.floor(burst + rate * elapsed + 1e-6);
      }),
    );
  });

  it('never refuses a client sending no faster than the rate', () => {
    fc.assert(
      fc.property(rateArb, burstArb, fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { maxLength: 100 }), (rate, burst, extras) => {
        let t = 0;
        const times = extras.map((extra) => (t += (1000 / rate) * (1 + extra)));
        return run(times, rate, burst).every(Boolean);
      }),
    );
  });

  it('retryAfterMs is honest: waiting it out is enough', () => {
    fc.assert(
      fc.property(rateArb, burstArb, fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 50 }), (rate, burst, gaps) => {
        let state: BucketState | undefined;
        let t = 0;
        for (const g of gaps) {
          t += g;
          const r = takeToken(state, t, rate, burst);
          if (!r.ok && !takeToken(r.state, t + r.retryAfterMs, rate, burst).ok) return false;
          if (!r.ok && r.retryAfterMs <= 0) return false;
          state = r.state;
        }
        return true;
      }),
    );
  });
});
