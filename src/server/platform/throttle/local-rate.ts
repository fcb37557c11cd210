/**
 * A per-key fixed-window request counter in this process, for hot paths where a shared store
 * (Redis) would add a round trip to every request, such as a flash sale's grab on the hour. Each
 * node counts on its own, so across N nodes a key gets at most N times the limit. Memory is
 * bounded: windows that have ended are swept once they pile up.
 */
export class LocalRateLimiter {
  private readonly windows = new Map<string, { ends: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one request; 0 when allowed, else milliseconds until the key may try again. */
  hit(key: string): number {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || w.ends <= t) {
      if (this.windows.size >= this.maxKeys) this.sweep(t);
      this.windows.set(key, { ends: t + this.windowMs, count: 1 });
      return 0;
    }
    w.count += 1;
    return w.count > this.max ? w.ends - t : 0;
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (w.ends <= t) this.windows.delete(k);
    // Still full of live windows: start over rather than grow without bound.
    if (this.windows.size >= this.maxKeys) this.windows.clear();
  }
}
