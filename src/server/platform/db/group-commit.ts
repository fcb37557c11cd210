import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { DB } from './db.types.js';

interface Job {
  fn: (trx: Kysely<DB>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for SQLite. SQLite has one writer and pays most of a small write transaction in
 * its COMMIT (the WAL append), so when many writers arrive together (a flash sale's winners
 * checking out) their transactions are run one after the other inside one database transaction,
 * each in its own SAVEPOINT, and committed once. Each caller gets its own outcome: a job that
 * throws is rolled back to its savepoint alone (and gets its error); the others go on. Every
 * promise settles only after the COMMIT, so a caller never reports a write that is not durable;
 * if the COMMIT fails, every job of the group gets that error.
 *
 * Jobs must use only the `trx` they are given (a query on the database's own handle would wait
 * for the connection the group holds), exactly as inside any SQLite transaction.
 *
 * PostgreSQL runs transactions in parallel on its pool and groups WAL flushes itself: there,
 * `run` is a plain transaction.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private running = false;

  /** `maxGroup` bounds a group, and so how long the connection is held (atFreeMoment waits for it). */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly grouped: boolean,
    private readonly maxGroup = 16,
    /** SQLite's writing connection (Database.sqlite), for atFreeMoment. */
    private readonly sqlite: SQLite.Database | null = null,
  ) {}

  private waiters: (() => void)[] = [];
  private polling = false;

  /**
   * SQLite: runs `fn` (a synchronous transaction on the writing connection) at the first moment
   * no transaction is open on it: now, or right after the current group commits (before the next
   * group starts), or at the latest on a later turn of the event loop (another transaction).
   * A reservation thus waits for at most one group, never behind the queue of reads.
   */
  atFreeMoment(fn: () => void): void {
    if (!this.sqlite?.inTransaction) {
      fn();
      return;
    }
    this.waiters.push(fn);
    this.pollFree();
  }

  private flushWaiters(): void {
    while (this.waiters.length > 0 && !this.sqlite?.inTransaction) this.waiters.shift()!();
  }

  private pollFree(): void {
    if (this.polling) return;
    this.polling = true;
    setImmediate(() => {
      this.polling = false;
      this.flushWaiters();
      if (this.waiters.length > 0) this.pollFree();
    });
  }

  run<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (!this.grouped) return this.db.transaction().execute(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // Writers of this turn (already queued microtasks) join the group.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private next(): Job[] {
    return this.queue.splice(0, this.maxGroup);
  }

  private async drain(): Promise<void> {
    try {
      for (let jobs = this.next(); jobs.length > 0; jobs = this.next()) await this.group(jobs);
    } finally {
      this.running = false;
      if (this.queue.length > 0) {
        this.running = true;
        queueMicrotask(() => void this.drain());
      }
    }
  }

  private async group(jobs: Job[]): Promise<void> {
    try {
      await this.groupTx(jobs);
    } finally {
      this.flushWaiters();
    }
  }

  private async groupTx(jobs: Job[]): Promise<void> {
    if (jobs.length === 1) {
      const j = jobs[0]!;
      await this.db
        .transaction()
        .execute(j.fn)
        .then(j.resolve, j.reject);
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const j of jobs) {
          await sql`savepoint onair_group`.execute(trx);
          try {
            const value = await j.fn(trx);
            await sql`release onair_group`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            await sql`rollback to onair_group`.execute(trx);
            await sql`release onair_group`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    jobs.forEach((j, i) => {
      const o = outcomes[i]!;
      if (o.ok) j.resolve(o.value);
      else j.reject(o.error);
    });
  }
}
