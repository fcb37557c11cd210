import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Admission control for heavy requests. At most `concurrency` jobs run at once, and each starts on
 * a later turn of the event loop, so the light requests that arrived meanwhile (a flash sale's
 * grabs, answered in microseconds) are served between heavy ones (checkouts, about a millisecond
 * of CPU each, mostly without yielding on SQLite). Waiting jobs queue in arrival order; beyond
 * `maxQueue` a job is refused at once (`LaneFull`), so memory stays bounded under a flood.
 */
export class Lane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * `defer`: while it says true (more urgent work is in progress, e.g. a flash sale's winners
   * being recorded), a job that got its slot waits turn after turn, at most `maxDeferTurns`.
   */
  constructor(
    private readonly concurrency: number,
    private readonly maxQueue = 10_000,
    private readonly defer: () => boolean = () => false,
    private readonly maxDeferTurns = 50,
  ) {}

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) throw new LaneFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      await nextTurn();
      for (let turns = 0; turns < this.maxDeferTurns && this.defer(); turns++) await nextTurn();
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
