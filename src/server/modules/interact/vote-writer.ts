/**
 * Group commit for one-per-account rows (poll votes, quiz answers): the rows of a moment are
 * written together as one multi-row insert that skips rows whose key already exists, in one
 * transaction, and each waiter is answered only once its row is committed — durable before the
 * ack, at one round trip per batch instead of one per vote.
 *
 * A batch closes after `maxWaitMs` from its first row or at `maxBatch` rows, whichever comes
 * first. Batches are written one at a time (SQLite has one writer anyway; on PostgreSQL the
 * next batch gathers while one is in flight, so a storm makes bigger batches, not more of them).
 */
export interface VoteWriterOptions<T> {
  /**
   * Writes the rows (one transaction) and returns the keys of those actually inserted; a key
   * missing from the answer already had a row (another node, or a replay).
   */
  write: (rows: readonly T[]) => Promise<ReadonlySet<string>>;
  keyOf: (row: T) => string;
  maxBatch?: number;
  maxWaitMs?: number;
}

interface Waiter<T> {
  row: T;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

export class VoteWriter<T> {
  private queue: Waiter<T>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;

  constructor(private readonly o: VoteWriterOptions<T>) {
    this.maxBatch = o.maxBatch ?? 500;
    this.maxWaitMs = o.maxWaitMs ?? 5;
  }

  /** Resolves true once the row is committed, false when a row with its key was already there. */
  submit(row: T): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.maxWaitMs);
    });
  }

  /** Rows waiting or being written. */
  get pending(): number {
    return this.queue.length + (this.writing ? 1 : 0);
  }

  /** Writes everything submitted so far; resolves when it is committed (or refused). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.writing) {
      if (this.writing) await this.writing;
      else this.kick();
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.writing = this.run(batch).finally(() => {
      this.writing = null;
      if (this.queue.length >= this.maxBatch) this.kick();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.kick(), this.maxWaitMs);
    });
  }

  private async run(batch: Waiter<T>[]): Promise<void> {
    try {
      const inserted = await this.o.write(batch.map((w) => w.row));
      for (const w of batch) w.resolve(inserted.has(this.o.keyOf(w.row)));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
