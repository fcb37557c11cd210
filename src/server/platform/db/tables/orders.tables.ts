/**
 * Tables of the orders module (orders, their lines, append-only history, payments, webhook
 * events seen, return requests and refunds). Same conventions as db.types.ts: text ids,
 * ISO-8601 UTC text timestamps, integer 0/1 booleans, integer fen for money, JSON as text.
 * Created by migration 007.
 */
import type { OrderStatus, ReturnStatus } from '../../../modules/orders/core/order-lifecycle.js';

export interface OrdersTable {
  id: string;
  /** The viewer who buys (guests cannot buy). */
  buyer_id: string;
  session_id: string | null;
  status: OrderStatus;
  currency: string;
  /** Σ unit list price × quantity, before any promotion. */
  regular_fen: number;
  /** What the buyer pays (Σ order_lines.paid_fen). */
  total_fen: number;
  points_used: number;
  /** The pricing engine's explanation at order time (adjustments, rejected candidates, gifts). */
  pricing_json: string;
  /** Coupons the order uses (ids), reserved at creation and consumed on payment. */
  coupons_json: string;
  /** A retried or double-clicked submit carries the same key and gets the same order. */
  idempotency_key: string;
  /** Unpaid orders are cancelled at this moment and their stock released. */
  pay_by: string;
  /** AES-256-GCM ciphertext of the shipping address (see the orders README); null for none. */
  address_cipher: string | null;
  /** What lists and exports show: name and phone masked, no street. */
  address_masked: string | null;
  carrier: string | null;
  tracking_no: string | null;
  created_at: string;
  updated_at: string;
  paid_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
  cancelled_at: string | null;
  /** Bumped by every transition (compare-and-set). */
  version: number;
  /**
   * 1: placed by `onair simulate` (migration 014): left out of real figures. Not null in the
   * database (default 0); optional here so code building an OrdersTable row need not name it.
   */
  simulated?: number;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  line_no: number;
  sku_id: string;
  product_id: string;
  title: string;
  sku_name: string;
  quantity: number;
  /** List price of one unit at order time. */
  unit_price_fen: number;
  /** The line after item-level promotions (flash, time-limited). */
  activity_fen: number;
  /** What the line really costs the buyer after order-level allocations and points; refunds pay this back. */
  paid_fen: number;
  /** [{source, fen}] allocations of order-level discounts and points (分摊). */
  allocations_json: string;
  /** Units bought from a flash sale's pool (the rest came from the SKU's stock). */
  flash_sale_id: string | null;
  flash_units: number;
  /** 1 for a gift-with-purchase line (0 fen, own stock). */
  is_gift: number;
  returned_qty: number;
}

export interface OrderHistoryTable {
  id: string;
  order_id: string;
  from_status: string | null;
  to_status: string;
  actor_kind: string;
  actor_id: string | null;
  reason: string | null;
  at: string;
}

export interface PaymentsTable {
  id: string;
  order_id: string;
  provider: string;
  /** The provider's reference for this payment (unique per provider). */
  provider_ref: string;
  amount_fen: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  created_at: string;
  updated_at: string;
}

/** Webhook events already processed: a replayed event id is ignored. */
export interface PaymentEventsTable {
  provider: string;
  event_id: string;
  order_id: string | null;
  type: string;
  received_at: string;
}

export interface OrderReturnsTable {
  id: string;
  order_id: string;
  status: ReturnStatus;
  /** [{lineId, quantity}] */
  lines_json: string;
  /** Exactly the returned units' share of the lines' paid amounts. */
  refund_fen: number;
  /** Points given back: the returned units' share of the points the order redeemed. */
  points_refund: number;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface RefundsTable {
  id: string;
  order_id: string;
  return_id: string | null;
  amount_fen: number;
  provider: string;
  provider_ref: string | null;
  created_at: string;
}

export interface OrderTables {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_history: OrderHistoryTable;
  payments: PaymentsTable;
  payment_events: PaymentEventsTable;
  order_returns: OrderReturnsTable;
  refunds: RefundsTable;
}
