import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';

/**
 * How the checkout flow takes flash-sale units (implemented by the flash-sales module).
 *
 * Two steps, so a storm of buyers is turned away without touching the database:
 * 1. `claim` on the fast gate (in-process counters in embedded mode, a Redis Lua script in
 *    scale-out mode): checks the pool and the buyer's per-buyer limit atomically.
 * 2. `recordClaim` inside the order's database transaction: the record (conditional
 *    decrement of the pool and the buyer's count, guarded by CHECK constraints).
 * If the transaction does not commit, the flow calls `unclaim`. A line may instead name a
 * reservation (units grabbed and recorded before checkout): `takeReservation` in the transaction.
 * When an order is cancelled or
 * expires, `releaseClaim` runs in that transaction and `unclaim` after it commits.
 */
export type ClaimOutcome =
  | { ok: true }
  | {
      ok: false;
      code: 'SOLD_OUT' | 'LIMIT_REACHED' | 'NOT_OPEN';
      message: string;
      left: number;
      /**
       * The buyer holds units of this sale, or held some (given back since): an order of theirs
       * may name this sale. False only when the gate knows they never had any, so no order with
       * any idempotency key holds units of it (the checkout then refuses without looking one up).
       */
      claimedBefore: boolean;
    };

export interface FlashClaims {
  claim(flashSaleId: string, buyerId: string, units: number): Promise<ClaimOutcome>;
  unclaim(flashSaleId: string, buyerId: string, units: number): Promise<void>;
  recordClaim(trx: Kysely<DB>, flashSaleId: string, buyerId: string, units: number): Promise<boolean>;
  releaseClaim(trx: Kysely<DB>, flashSaleId: string, buyerId: string, units: number): Promise<void>;
  /**
   * A reservation (units grabbed earlier, already recorded) becomes part of order `orderId`, in
   * the order's transaction: its units and price, or null when it is not this buyer's held and
   * unexpired reservation. If the transaction rolls back, the reservation stays held.
   */
  takeReservation(trx: Kysely<DB>, reservationId: string, buyerId: string, flashSaleId: string, orderId: string): Promise<{ units: number; priceFen: number } | null>;
  /** This buyer's reservation (null: none such, or someone else's), to refuse a stale one before pricing. */
  reservationOf(buyerId: string, reservationId: string): Promise<{ flashSaleId: string; units: number; status: string; holdUntil: string } | null>;
}
