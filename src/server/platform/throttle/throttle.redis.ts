import { Redis } from 'ioredis';
import type { ThrottleStore } from './throttle.port.js';

/** Redis adapter: INCR with a window expiry set on the first failure; locks are keys with a TTL. */
export class RedisThrottleStore implements ThrottleStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'onair:throttle:',
  ) {}

  static connect(url: string, prefix?: string): RedisThrottleStore {
    return new RedisThrottleStore(new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 }), prefix);
  }

  async addFailure(key: string, windowMs: number): Promise<number> {
    const k = `${this.prefix}n:${key}`;
    const [[, count]] = (await this.redis.multi().incr(k).pexpire(k, windowMs, 'NX').exec()) as [[Error | null, number]];
    return count;
  }
  async lockedFor(key: string): Promise<number> {
    const ttl = await this.redis.pttl(`${this.prefix}l:${key}`);
    return ttl > 0 ? ttl : 0;
  }
  async lock(key: string, ms: number): Promise<void> {
    await this.redis.set(`${this.prefix}l:${key}`, '1', 'PX', ms);
  }
  async clear(key: string): Promise<void> {
    await this.redis.del(`${this.prefix}n:${key}`, `${this.prefix}l:${key}`);
  }
  async close(): Promise<void> {
    await this.redis.quit();
  }
}
