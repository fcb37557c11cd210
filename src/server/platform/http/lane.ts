import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

export interface LaneOptions {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs waiting beyond this are refused at once (`LaneFull`). Default 10,000. */
  maxQueue?: number;
  /**
   * While it says true (more urgent work is in progress, e.g. a flash sale's winners being
   * recorded), a job that got its slot waits turn after turn, at most `maxDeferTurns` (50).
   */
  defer?: () => boolean;
  maxDeferTurns?: number;
  /**
   * While it says true (a peak of lighter, latency-critical requests, e.g. a flash sale's grab
   * storm), a job that got its slot waits in steps of `holdStepMs` (5), until `maxHoldMs` after
   * it arrived (counting its time in the queue); then it runs whatever `hold` says. 0: no hold.
   */
  hold?: () => boolean;
  maxHoldMs?: number;
  holdStepMs?: number;
}

/**
 * Admission control for heavy requests. At most `concurrency` jobs run at once, and each starts on
 * a later turn of the event loop, so the light requests that arrived meanwhile (a flash sale's
 * grabs, answered in microseconds) are served between heavy ones (checkouts, about a millisecond
 * of CPU each, mostly without yielding on SQLite). Waiting jobs queue in arrival order; beyond
 * `maxQueue` a job is refused at once (`LaneFull`), so memory stays bounded under a flood. See
 * `defer` and `hold` for stepping aside for more urgent work; neither can starve a job.
 */
export class Lane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly o: Required<LaneOptions>;

  constructor(opts: LaneOptions) {
    if (!(opts.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.o = { maxQueue: 10_000, defer: () => false, maxDeferTurns: 50, hold: () => false, maxHoldMs: 0, holdStepMs: 5, ...opts };
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const arrived = performance.now();
    if (this.running >= this.o.concurrency) {
      if (this.waiting.length >= this.o.maxQueue) throw new LaneFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      await nextTurn();
      if (this.o.maxHoldMs > 0) {
        while (this.o.hold() && performance.now() - arrived < this.o.maxHoldMs) await sleep(this.o.holdStepMs);
      }
      for (let turns = 0; turns < this.o.maxDeferTurns && this.o.defer(); turns++) await nextTurn();
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // The slot passes to the next job (running stays the same), or frees.
      if (next) next();
      else this.running--;
    }
  }
}

export class LaneFull extends Error {
  constructor() {
    super('too many requests are waiting');
  }
}
