import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { FlashReservationsTable } from '../../platform/db/tables/flash-sales.tables.js';
import type { FlashSalesStore } from './flash-sales.store.js';

interface Pending {
  row: FlashReservationsTable;
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
 */
export class ReservationWriter {
  private queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: FlashSalesStore,
    private readonly nowIso: () => string,
    private readonly maxBatch = 2000,
  ) {}

  /** Resolves true once the reservation is committed, false if the record refused it. */
  record(row: FlashReservationsTable): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let the claims of this turn of the event loop join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const ok = await this.db.transaction().execute(async (trx) => {
        if (await this.store.recordReservations(trx, batch.map((p) => p.row), this.nowIso())) return true;
        throw ROLLBACK;
      });
      if (ok) for (const p of batch) p.resolve(true);
      return;
    } catch (err) {
      if (err !== ROLLBACK && batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
    }
    // One by one: each claim gets its own answer.
    for (const p of batch) {
      try {
        const ok = await this.db
          .transaction()
          .execute(async (trx) => {
            if (await this.store.recordReservations(trx, [p.row], this.nowIso())) return true;
            throw ROLLBACK;
          })
          .catch((e: unknown) => {
            if (e === ROLLBACK) return false;
            throw e;
          });
        p.resolve(ok);
      } catch (err) {
        p.reject(err);
      }
    }
  }
}

const ROLLBACK = new Error('reservation batch refused by the record');
