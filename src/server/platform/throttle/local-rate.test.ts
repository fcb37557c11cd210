import { describe, expect, it } from 'vitest';
import { LocalRateLimiter } from './local-rate.js';

describe('LocalRateLimiter', () => {
  it('allows max requests per window per key, then says how long to wait, then allows again', () => {
    let t = 1000;
    const l = new LocalRateLimiter(3, 1000, () => t);
    expect([l.hit('a'), l.hit('a'), l.hit('a')]).toEqual([0, 0, 0]);
    t += 400;
    expect(l.hit('a')).toBe(600);
    expect(l.hit('b')).toBe(0);
    t += 600;
    expect(l.hit('a')).toBe(0);
  });

  it('stays bounded in memory when many keys come and go', () => {
    let t = 0;
    const l = new LocalRateLimiter(1, 10, () => t, 100);
    for (let i = 0; i < 1000; i++) {
      t += 1;
      expect(l.hit(`k${i}`)).toBe(0);
    }
    expect((l as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
  });
});
