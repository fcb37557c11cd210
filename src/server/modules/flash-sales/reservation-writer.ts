import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { FlashReservationsTable } from '../../platform/db/tables/flash-sales.tables.js';
import { FlashSalesStore } from './flash-sales.store.js';

interface Pending {
  row: FlashReservationsTable;
  /** The sale's per-buyer limit. */
  limit: number;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit of flash-sale reservations. Claims the gate let through wait here for the record;
 * whatever arrived while the previous transaction ran goes into the next one, so a storm costs a
 * handful of statements per batch instead of per claim, and every buyer is answered only after
 * their reservation is committed (durable before the answer, as the crash test demands).
 *
 * If the record refuses anything in a batch (it should not: the gate admitted the claims), the
 * batch is rolled back and each claim recorded on its own, so one refusal never sinks the others.
 *
 * `parallel` batches may be in flight at once (PostgreSQL: each on its own pooled connection; the
 * statements are ordered so they overlap, see FlashSalesStore.recordReservations). SQLite has one
 * writer: 1.
 */
export class ReservationWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: FlashSalesStore,
    private readonly nowIso: () => string,
    private readonly parallel = 1,
    /** PostgreSQL: one statement per batch (FlashSalesStore.recordReservationsPg). */
    private readonly pg = false,
    private readonly maxBatch = 1000,
  ) {}

  /** Resolves true once the reservation is committed, false if the record refused it. */
  record(row: FlashReservationsTable, limit: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, limit, resolve, reject });
      this.schedule();
    });
  }

  /**
   * A free slot writes at once (after the microtasks already queued: the claims answered by the
   * same Redis reply join); while every slot is busy, claims gather for the next batch. No timer:
   * under a storm each await on I/O costs a full turn of the event loop, so waiting for
   * setImmediate would add one to every winner's answer.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.parallel || this.queue.length === 0) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.inFlight >= this.parallel || this.queue.length === 0) return;
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
      this.schedule();
    });
  }

  /** Records rows in one atomic step: true, or false when the record refuses (nothing written); other failures throw. */
  private async recordAll(rows: Pending[]): Promise<boolean> {
    if (this.pg) {
      // One statement per sale; a batch nearly always holds one sale. Several sales: one transaction.
      const bySale = new Map<string, Pending[]>();
      for (const p of rows) {
        const l = bySale.get(p.row.flash_sale_id);
        if (l) l.push(p);
        else bySale.set(p.row.flash_sale_id, [p]);
      }
      const run = async (exec: Kysely<DB>) => {
        for (const [sale, ps] of bySale) await this.store.recordReservationsPg(exec, sale, ps.map((p) => p.row), this.nowIso(), ps[0]!.limit);
      };
      try {
        if (bySale.size === 1) await run(this.db);
        else await this.db.transaction().execute(run);
        return true;
      } catch (err) {
        if (FlashSalesStore.isRefusal(err)) return false;
        throw err;
      }
    }
    return this.db
      .transaction()
      .execute(async (trx) => {
        if (await this.store.recordReservations(trx, rows.map((p) => p.row), this.nowIso(), limitsOf(rows))) return true;
        throw ROLLBACK;
      })
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
