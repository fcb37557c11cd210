/**
 * The fast gate in front of the record: per sale, the units left in the pool and each buyer's
 * units, checked and changed atomically, so a storm of buyers is answered without touching the
 * database. Two adapters: in-process counters (embedded) and a Redis Lua script (scale-out).
 *
 * A claim returns a token naming its hold. The hold is "in flight" until it is settled (its
 * order committed with it) or unclaimed (the order did not commit). Counters include in-flight
 * holds; the database (the record) counts only committed ones.
 */
export type GateRefusal = 'SOLD_OUT' | 'LIMIT_REACHED' | 'NOT_OPEN';
/**
 * A refusal says whether the gate knows the buyer on this sale (`known`): they hold units, or held
 * some since the record was loaded (entries stay at 0 when units are given back; the record's
 * zero rows are loaded too). An unknown buyer has no order of this sale: the checkout needs no
 * idempotency read to refuse them. When the gate cannot tell (the sale is not loaded), `known`.
 */
export type GateClaim = { ok: true; token: string } | { ok: false; code: GateRefusal; left: number; known: boolean };

export interface GateSaleState {
  id: string;
  open: boolean;
  /** Units left in the pool (the record's stock_left, minus holds in flight). */
  left: number;
  perBuyerLimit: number;
  /** Units each buyer holds (the record's quantity, plus holds in flight); 0 for buyers whose units were all given back. */
  buyers: ReadonlyMap<string, number>;
}

export interface FlashGate {
  readonly kind: 'memory' | 'redis';
  /**
   * Sets a sale's counters from the record (created, loaded at boot, reconciled). `recorded`:
   * tokens of recent holds the record already counts (scale-out: other holds of live nodes stay
   * in flight and are subtracted; holds of dead nodes or too old are dropped).
   */
  load(state: GateSaleState, recorded?: readonly string[]): Promise<void>;
  /** Runs `fn` while no other node reconciles (scale-out: a Redis lock; embedded: at once). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Opens or shuts a sale's gate (claims on a shut gate get NOT_OPEN). */
  setOpen(saleId: string, open: boolean): Promise<void>;
  /** Forgets a sale (closed or cancelled: the record answers from now on). */
  drop(saleId: string): Promise<void>;
  claim(saleId: string, buyerId: string, units: number): Promise<GateClaim>;
  /** Undoes a claim: with its token if it is still in flight, without one for units given back later (a cancelled order). */
  unclaim(saleId: string, buyerId: string, units: number, token: string | null): Promise<void>;
  /** The hold's order committed: it is no longer in flight (counters unchanged). */
  settle(saleId: string, token: string): Promise<void>;
  /** Units left per sale (sales the gate does not know are absent). */
  left(saleIds: readonly string[]): Promise<Map<string, number>>;
  /** Holds in flight for a sale (0 = the gate and the record agree). */
  inFlight(saleId: string): Promise<number>;
  close(): Promise<void>;
}
