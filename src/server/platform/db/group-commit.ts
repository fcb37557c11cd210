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

  constructor(
    private readonly db: Kysely<DB>,
    private readonly grouped: boolean,
    private readonly maxGroup = 200,
  ) {}

  run<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    if (!this.grouped) return this.db.transaction().execute(fn);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        // Writers of this turn of the event loop join the group.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.group(this.queue.splice(0, this.maxGroup));
    } finally {
      this.running = false;
      if (this.queue.length > 0) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private async group(jobs: Job[]): Promise<void> {
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
