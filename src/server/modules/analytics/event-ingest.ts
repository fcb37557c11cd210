import type { AnalyticsEvent } from '../../../contracts/analytics-events.contract.js';
import type { AnalyticsSink } from './analytics.sink.js';
import type { AnalyticsEventsStore } from './analytics-events.store.js';

/** Pino-compatible: what the ingest logs (drops, failed batches, a listener that threw). */
export interface IngestLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EventIngestOptions {
  store: Pick<AnalyticsEventsStore, 'insertBatch'>;
  /** A batch is written at most this long after its first event (default 20 ms)... */
  flushMs?: number;
  /** ...or as soon as it holds this many events (default 2,000; also the most one transaction holds). */
  maxBatch?: number;
  /** Events waiting (not yet written) beyond which new ones are dropped and counted (default 200,000). */
  maxQueue?: number;
  /** Attempts after a failed batch before it is dropped and counted (default 5). */
  retries?: number;
  /** Backoff before the k-th retry: retryBaseMs × 2^(k-1), at most retryMaxMs (defaults 50 ms, 2,000 ms). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  log?: IngestLog;
  /** At most one warning about dropped events per this many ms (default 10,000). */
  warnEveryMs?: number;
  now?: () => number;
}

export interface IngestStats {
  /** Events waiting to be written (the batch being written not included). */
  queued: number;
  /** Events of the batch being written now. */
  inFlight: number;
  /** Events stored (new ids). */
  stored: number;
  /** Events whose id was already stored (ignored). */
  duplicates: number;
  /** Events dropped because the queue was full (or the ingest closed). */
  dropped: number;
  /** Events dropped because their batch failed after every retry. */
  failed: number;
  /** Batches committed. */
  batches: number;
  /** Retries of failed batches. */
  retries: number;
}

type Listener = (events: readonly AnalyticsEvent[]) => void;

/**
 * Batched, idempotent ingestion (issue 7 item 1). `record` only appends to an in-memory queue:
 * it never throws, never waits, and never touches the database. Batches of at most `maxBatch`
 * events are written one at a time by `store.insertBatch` (one transaction each), at most
 * `flushMs` after their first event; after each committed batch the `onStored` listeners get the
 * events it newly stored (duplicates by id are left out), in order. Between batches the writer
 * yields to the event loop (setImmediate), so on SQLite, where a batch is one synchronous
 * transaction on the single writing connection, a backlog never holds the connection or the
 * event loop for longer than one batch.
 *
 * The queue is bounded: beyond `maxQueue` waiting events, new ones are dropped and counted
 * (stats().dropped, a warning at most every `warnEveryMs`) rather than let memory grow without
 * end while the database is slow or down. A batch that fails is retried with backoff; after
 * `retries` retries it is dropped and counted (stats().failed). A store batch is all or
 * nothing, so a retry reports as new exactly the events the failed attempt did not store.
 */
export class EventIngest implements AnalyticsSink {
  private readonly store: Pick<AnalyticsEventsStore, 'insertBatch'>;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly warnEveryMs: number;
  private readonly now: () => number;
  private readonly log: IngestLog | undefined;

  /** The batch being filled, and full batches waiting (taking one is O(1), whatever the backlog). */
  private open: AnalyticsEvent[] = [];
  private sealed: AnalyticsEvent[][] = [];
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private inFlight = 0;
  private closed = false;
  private listeners: Listener[] = [];
  /** Ends the backoff of a batch waiting to be retried (close() does not wait it out). */
  private wakeRetry: (() => void) | null = null;

  /** Events accepted so far, and events done with (stored, duplicate or failed): flush() waits on these. */
  private accepted = 0;
  private done = 0;
  private flushWaiters: { target: number; resolve: () => void }[] = [];

  private counts = { stored: 0, duplicates: 0, dropped: 0, failed: 0, batches: 0, retries: 0 };
  private droppedSinceWarn = 0;
  private lastWarnAt = -Infinity;

  constructor(o: EventIngestOptions) {
    this.store = o.store;
    this.flushMs = o.flushMs ?? 20;
    this.maxBatch = Math.max(1, o.maxBatch ?? 2_000);
    this.maxQueue = o.maxQueue ?? 200_000;
    this.maxRetries = o.retries ?? 5;
    this.retryBaseMs = o.retryBaseMs ?? 50;
    this.retryMaxMs = o.retryMaxMs ?? 2_000;
    this.warnEveryMs = o.warnEveryMs ?? 10_000;
    this.now = o.now ?? Date.now;
    this.log = o.log;
  }

  record(e: AnalyticsEvent): void {
    if (this.closed || this.waiting >= this.maxQueue) {
      this.drop(1);
      return;
    }
    const open = this.open;
    open.push(e);
    this.waiting++;
    this.accepted++;
    if (open.length >= this.maxBatch) {
      // Sealed by size: its timer goes too, so the next batch gets its full flushMs.
      this.sealOpen();
      this.kick();
    } else if (open.length === 1 && this.timer === null) {
      this.timer = setTimeout(this.onTimer, this.flushMs);
    }
  }

  /** Called with the events of each committed batch that were new, in order. Returns an unsubscribe. */
  onStored(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Resolves once every event recorded before the call is written (or dropped after failing). */
  flush(): Promise<void> {
    if (this.done >= this.accepted) return Promise.resolve();
    const target = this.accepted;
    const p = new Promise<void>((resolve) => this.flushWaiters.push({ target, resolve }));
    this.sealOpen();
    this.kick();
    return p;
  }

  /**
   * Stops accepting events (later ones are dropped and counted) and writes what is queued; a
   * batch that fails now is dropped at once (counted in `failed`), without retries.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeRetry?.();
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  stats(): IngestStats {
    return { queued: this.waiting, inFlight: this.inFlight, ...this.counts };
  }

  // --- internals ---------------------------------------------------------------------------

  private readonly onTimer = (): void => {
    this.timer = null;
    this.sealOpen();
    this.kick();
  };

  private sealOpen(): void {
    if (this.open.length === 0) return;
    this.sealed.push(this.open);
    this.open = [];
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** Starts the writer unless it runs; never inside the caller's turn (record must stay cheap). */
  private kick(): void {
    if (this.writing || this.sealed.length === 0) return;
    this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const batch = this.sealed.shift();
        if (!batch) break;
        this.waiting -= batch.length;
        this.inFlight = batch.length;
        await this.write(batch);
        this.inFlight = 0;
        this.done += batch.length;
        this.settleFlushes();
        // One batch per turn of the event loop: other work (and other writers) go in between.
        if (this.sealed.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.writing = null;
      this.inFlight = 0;
      // A batch sealed while the last one was being written, by the timer or a flush.
      if (this.sealed.length > 0) this.kick();
    }
  }

  private async write(batch: AnalyticsEvent[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let stored: AnalyticsEvent[];
      try {
        stored = await this.store.insertBatch(batch);
      } catch (err) {
        // Closing (shutdown): no retries, so a database that is down cannot hold the exit.
        if (attempt >= (this.closed ? 0 : this.maxRetries)) {
          this.counts.failed += batch.length;
          this.safeLog('error', { err, events: batch.length, attempts: attempt + 1 }, 'analytics: a batch of events could not be stored; dropped');
          return;
        }
        this.counts.retries++;
        await new Promise<void>((resolve) => {
          const t = setTimeout(wake, Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt));
          function wake() {
            clearTimeout(t);
            resolve();
          }
          this.wakeRetry = wake;
        });
        this.wakeRetry = null;
        continue;
      }
      this.counts.batches++;
      this.counts.stored += stored.length;
      this.counts.duplicates += batch.length - stored.length;
      if (stored.length > 0) {
        for (const l of this.listeners) {
          try {
            l(stored);
          } catch (err) {
            this.safeLog('error', { err }, 'analytics: an onStored listener threw');
          }
        }
      }
      return;
    }
  }

  private settleFlushes(): void {
    if (this.flushWaiters.length === 0) return;
    const still: typeof this.flushWaiters = [];
    for (const w of this.flushWaiters) {
      if (w.target <= this.done) w.resolve();
      else still.push(w);
    }
    this.flushWaiters = still;
  }

  private drop(n: number): void {
    this.counts.dropped += n;
    this.droppedSinceWarn += n;
    const now = this.now();
    if (now - this.lastWarnAt < this.warnEveryMs) return;
    this.lastWarnAt = now;
    const dropped = this.droppedSinceWarn;
    this.droppedSinceWarn = 0;
    this.safeLog('warn', { dropped, droppedTotal: this.counts.dropped, queued: this.waiting, maxQueue: this.maxQueue, closed: this.closed }, this.closed ? 'analytics: events dropped (ingest closed)' : 'analytics: events dropped (queue full)');
  }

  private safeLog(level: 'warn' | 'error', obj: object, msg: string): void {
    try {
      this.log?.[level](obj, msg);
    } catch {
      // A logger that throws must not reach record()'s caller.
    }
  }
}
