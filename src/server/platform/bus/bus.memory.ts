import type { Bus, BusHandler } from './bus.port.js';

/** In-process adapter: delivery is asynchronous (next microtask) like a real bus. */
export class MemoryBus implements Bus {
  private readonly topics = new Map<string, Set<BusHandler>>();

  async publish(topic: string, message: string): Promise<void> {
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    for (const h of [...handlers]) queueMicrotask(() => h(message));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(handler);
    return async () => {
      set.delete(handler);
      if (set.size === 0) this.topics.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}
