/**
 * Tables of the flash-sales module. Same conventions as db.types.ts. Created by migration 006.
 *
 * Invariant (checked by the crash test): for every flash sale,
 *   stock_left + stock_returned + Σ units of its held reservations
 *     + Σ flash_units of its order lines that are not cancelled = stock_total,
 * and for every buyer, flash_sale_buyers.quantity = Σ of that buyer's such units <= per_buyer_limit.
 */
export type FlashSaleStatus = 'scheduled' | 'open' | 'closed' | 'cancelled';

export interface FlashSalesTable {
  id: string;
  session_id: string;
  sku_id: string;
  /** The flash price of one unit, in fen. */
  price_fen: number;
  currency: string;
  /** Units set aside from the SKU's stock for this sale when it was created. */
  stock_total: number;
  /** Units of the pool not yet taken by an order (unpaid orders hold theirs until they expire). */
  stock_left: number;
  /** Units given back to the SKU's stock: the unsold pool at close, and units released after it. */
  stock_returned: number;
  per_buyer_limit: number;
  starts_at: string;
  ends_at: string;
  status: FlashSaleStatus;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
  closed_at: string | null;
  /** Set when the sale closed (or was cancelled) and its unsold units went back to the SKU. */
  returned_at: string | null;
}

/** Units each buyer holds from a sale (paid or still unpaid), for the per-buyer limit. */
export interface FlashSaleBuyersTable {
  flash_sale_id: string;
  buyer_id: string;
  quantity: number;
  /** The sale's per-buyer limit (CHECK quantity <= max_quantity). */
  max_quantity: number;
}

/** A claim recorded with an order or a reservation: the token of its gate hold. */
export interface FlashSaleClaimsTable {
  token: string;
  flash_sale_id: string;
  buyer_id: string;
  units: number;
  created_at: string;
}

export type FlashReservationStatus = 'held' | 'ordered' | 'released' | 'expired';

/**
 * Units grabbed in the race, held for the buyer at the flash price until hold_until (migration
 * 008). held -> ordered (the checkout; order_id set) | released (the buyer gave it back) |
 * expired (not checked out in time). Only 'held' rows hold units apart from orders.
 */
export interface FlashReservationsTable {
  id: string;
  flash_sale_id: string;
  session_id: string;
  sku_id: string;
  buyer_id: string;
  units: number;
  price_fen: number;
  status: FlashReservationStatus;
  /** The gate's claim token (also in flash_sale_claims). */
  token: string;
  idempotency_key: string;
  hold_until: string;
  order_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface FlashSaleTables {
  flash_sales: FlashSalesTable;
  flash_sale_buyers: FlashSaleBuyersTable;
  flash_sale_claims: FlashSaleClaimsTable;
  flash_reservations: FlashReservationsTable;
}
