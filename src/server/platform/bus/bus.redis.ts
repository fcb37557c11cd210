import { Redis } from 'ioredis';
import type { Bus, BusHandler } from './bus.port.js';

/**
 * Redis pub/sub adapter. One connection publishes, one subscribes (a subscribed Redis
 * connection cannot publish); topics are prefixed so several sites can share a Redis.
 */
export class RedisBus implements Bus {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(url: string, private readonly prefix = 'onair:bus:') {
    this.pub = new Redis(url, { maxRetriesPerRequest: 2 });
    // No ready check on the subscriber: the check sends INFO, which Redis (and ioredis) refuse
    // once the connection is in subscriber mode, e.g. when a subscribe was queued while connecting.
    this.sub = new Redis(url, { maxRetriesPerRequest: 2, enableReadyCheck: false });
    this.sub.on('message', (channel: string, message: string) => {
      const set = this.handlers.get(channel);
      if (set) for (const h of set) h(message);
    });
  }

  async publish(topic: string, message: string): Promise<void> {
    await this.pub.publish(this.prefix + topic, message);
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    const channel = this.prefix + topic;
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      await this.sub.subscribe(channel);
    }
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(channel);
        await this.sub.unsubscribe(channel);
      }
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
