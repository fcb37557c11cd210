import type { ThrottleStore } from './throttle.port.js';

interface Entry {
  count: number;
  windowEnds: number;
  lockedUntil: number;
}

/** In-process adapter. Entries expire lazily and by a sweep, so memory stays bounded by active keys. */
export class MemoryThrottleStore implements ThrottleStore {
  private entries = new Map<string, Entry>();
  private lastSweep = 0;
  constructor(private readonly now: () => number = Date.now) {}

  private sweep(t: number): void {
    if (t - this.lastSweep < 60_000) return;
    this.lastSweep = t;
    for (const [k, e] of this.entries) if (e.windowEnds <= t && e.lockedUntil <= t) this.entries.delete(k);
  }

  async addFailure(key: string, windowMs: number): Promise<number> {
    const t = this.now();
    this.sweep(t);
    const e = this.entries.get(key);
    if (!e || e.windowEnds <= t) {
      this.entries.set(key, { count: 1, windowEnds: t + windowMs, lockedUntil: e?.lockedUntil ?? 0 });
      return 1;
    }
    e.count += 1;
    return e.count;
  }
  async lockedFor(key: string): Promise<number> {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lockedUntil - this.now()) : 0;
  }
  async lock(key: string, ms: number): Promise<void> {
    const t = this.now();
    const e = this.entries.get(key) ?? { count: 0, windowEnds: t, lockedUntil: 0 };
    e.lockedUntil = t + ms;
    this.entries.set(key, e);
  }
  async clear(key: string): Promise<void> {
    this.entries.delete(key);
  }
  async close(): Promise<void> {
    this.entries.clear();
  }
}
