import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../../test/support/capabilities.js';
import { need } from '../../../../test/support/need.js';
import { SigninThrottle } from '../auth/signin-throttle.js';
import { MemoryThrottleStore } from './throttle.memory.js';
import type { ThrottleStore } from './throttle.port.js';
import { RedisThrottleStore } from './throttle.redis.js';

/** The same contract, run against both adapters. */
function contract(name: string, make: () => { store: ThrottleStore; advance?: (ms: number) => void }, enabled = true) {
  describe.skipIf(!enabled)(`ThrottleStore: ${name}`, () => {
    const k = () => `k-${randomBytes(6).toString('hex')}`;
    it('counts failures in a window and locks', async () => {
      const { store } = make();
      const key = k();
      expect(await store.addFailure(key, 60_000)).toBe(1);
      expect(await store.addFailure(key, 60_000)).toBe(2);
      expect(await store.lockedFor(key)).toBe(0);
      await store.lock(key, 30_000);
      const left = await store.lockedFor(key);
      expect(left).toBeGreaterThan(25_000);
      expect(left).toBeLessThanOrEqual(30_000);
      await store.clear(key);
      expect(await store.lockedFor(key)).toBe(0);
      expect(await store.addFailure(key, 60_000)).toBe(1);
    });
    it('locks a sign-in after the configured failures and says how long', async () => {
      const { store } = make();
      const t = new SigninThrottle(store, { maxFailuresPerAccount: 3, maxFailuresPerIp: 100, lockMs: 60_000 }, `test-${randomBytes(4).toString('hex')}`);
      for (let i = 0; i < 3; i++) {
        await t.assertAllowed('a@b.c', '1.2.3.4');
        await t.recordFailure('a@b.c', '1.2.3.4');
      }
      await expect(t.assertAllowed('a@b.c', '1.2.3.4')).rejects.toMatchObject({ code: 'SIGNIN_LOCKED', retryAfterSeconds: 60 });
      // Another account from the same address is not locked by this one.
      await expect(t.assertAllowed('other@b.c', '1.2.3.4')).resolves.toBeUndefined();
    });
  });
}

let now = 1_000_000;
contract('memory', () => ({ store: new MemoryThrottleStore(() => now), advance: (ms) => (now += ms) }));

const redisOn = need('redis');
const clients: Redis[] = [];
contract(
  'redis',
  () => {
    const r = new Redis(testRedisUrl);
    clients.push(r);
    return { store: new RedisThrottleStore(r, `onair-test:${randomBytes(4).toString('hex')}:`) };
  },
  redisOn,
);
afterAll(async () => {
  for (const c of clients) await c.quit();
});

describe('MemoryThrottleStore windows', () => {
  it('restarts the count after the window', async () => {
    let t = 0;
    const s = new MemoryThrottleStore(() => t);
    await s.addFailure('x', 1000);
    await s.addFailure('x', 1000);
    t = 1001;
    expect(await s.addFailure('x', 1000)).toBe(1);
  });
});
