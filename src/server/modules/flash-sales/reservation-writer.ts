import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { GroupCommit } from '../../platform/db/group-commit.js';
import type { FlashReservationsTable } from '../../platform/db/tables/flash-sales.tables.js';
import { FlashSalesStore } from './flash-sales.store.js';

interface Pending {
  row: FlashReservationsTable;
  /** The sale's per-buyer limit. */
  limit: number;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

export interface ReservationWriterOptions {
  db: Kysely<DB>;
  store: FlashSalesStore;
  nowIso: () => string;
  /** PostgreSQL: one round trip per batch (FlashSalesStore.recordReservationsPg on the pool), `parallel` batches in flight. */
  pg?: { parallel: number; pool: pg.Pool } | null;
  /**
   * SQLite: the writing connection and the group commit shared with the checkout. With both, a
   * batch is one synchronous transaction at the first moment no transaction is open; without
   * them (tests of the module alone), a Kysely transaction.
   */
  sqlite?: SQLite.Database | null;
  writes?: GroupCommit | null;
  maxBatch?: number;
}

/**
 * Group commit of flash-sale reservations. Claims the gate let through wait here for the record;
 * the claims of a moment are recorded together, and every buyer is answered only after their
 * reservation is committed (durable before the answer, as the crash test demands).
 *
 * PostgreSQL: one statement per batch (each await on I/O costs a winner a full turn of a busy
 * event loop, so round trips are what matter), written as soon as one of the `parallel` slots is
 * free; claims gather while the slots are busy.
 *
 * SQLite: batches gather for one turn of the event loop (setImmediate), then run as one
 * synchronous transaction on the writing connection at the first moment no transaction is open
 * on it (GroupCommit.atFreeMoment: at once, or right after the current group of orders commits),
 * so a winner never queues behind the checkouts' reads for the connection.
 *
 * If the record refuses anything in a batch (it should not: the gate admitted the claims), the
 * batch is rolled back and each claim recorded on its own, so one refusal never sinks the others.
 */
export class ReservationWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly parallel: number;

  constructor(private readonly o: ReservationWriterOptions) {
    this.parallel = o.pg?.parallel ?? 1;
  }

  /** Reservations are waiting or being written (a storm's winners): other heavy work may step aside. */
  get busy(): boolean {
    return this.inFlight > 0 || this.queue.length > 0;
  }

  /** Resolves true once the reservation is committed, false if the record refused it. */
  record(row: FlashReservationsTable, limit: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, limit, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.parallel || this.queue.length === 0) return;
    this.scheduled = true;
    const go = () => {
      this.scheduled = false;
      if (this.inFlight >= this.parallel || this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.o.maxBatch ?? 1000);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    };
    // PostgreSQL: at once (after the microtasks already queued: the claims answered by the same
    // Redis reply join). SQLite: after this turn's requests, whose claims then share one commit.
    if (this.o.pg) queueMicrotask(go);
    else setImmediate(go);
  }

  /** Records rows in one atomic step: true, or false when the record refuses (nothing written); other failures throw. */
  private async recordAll(rows: Pending[]): Promise<boolean> {
    const nowIso = this.o.nowIso();
    if (this.o.pg) {
      // One statement per sale; a batch nearly always holds one sale. Several sales: one transaction.
      const bySale = new Map<string, Pending[]>();
      for (const p of rows) {
        const l = bySale.get(p.row.flash_sale_id);
        if (l) l.push(p);
        else bySale.set(p.row.flash_sale_id, [p]);
      }
      try {
        if (bySale.size === 1) {
          const [sale, ps] = [...bySale][0]!;
          await FlashSalesStore.recordReservationsPg(this.o.pg.pool, sale, ps.map((p) => p.row), nowIso, ps[0]!.limit);
        } else {
          // Several sales in one moment (rare): one transaction, the portable statements.
          await this.o.db.transaction().execute(async (trx) => {
            if (!(await this.o.store.recordReservations(trx, rows.map((p) => p.row), nowIso, limitsOf(rows)))) throw ROLLBACK;
          });
        }
        return true;
      } catch (err) {
        if (err === ROLLBACK || FlashSalesStore.isRefusal(err)) return false;
        throw err;
      }
    }
    const sqlite = this.o.sqlite;
    if (sqlite && this.o.writes) {
      // At the first moment no transaction is open: synchronously, whole.
      const writes = this.o.writes;
      return new Promise<boolean>((resolve, reject) =>
        writes.atFreeMoment(() => {
          try {
            resolve(FlashSalesStore.recordReservationsSync(sqlite, rows.map((p) => p.row), this.o.nowIso(), limitsOf(rows)));
          } catch (e) {
            reject(e);
          }
        }),
      );
    }
    const record = async (trx: Kysely<DB>) => {
      if (await this.o.store.recordReservations(trx, rows.map((p) => p.row), this.o.nowIso(), limitsOf(rows))) return true;
      throw ROLLBACK;
    };
    return this.o.db
      .transaction()
      .execute(record)
      .catch((e: unknown) => {
      if (e === ROLLBACK) return false;
      throw e;
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      if (await this.recordAll(batch)) {
        for (const p of batch) p.resolve(true);
        return;
      }
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
    }
    if (batch.length === 1) {
      batch[0]!.resolve(false);
      return;
    }
    // One by one: each claim gets its own answer.
    for (const p of batch) {
      try {
        p.resolve(await this.recordAll([p]));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}

const ROLLBACK = new Error('reservation batch refused by the record');
const limitsOf = (batch: readonly Pending[]) => new Map(batch.map((p) => [p.row.flash_sale_id, p.limit]));
