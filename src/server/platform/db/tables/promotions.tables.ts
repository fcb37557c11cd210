/**
 * Tables of the promotions module (promotion definitions, coupon templates, issued coupons, points ledger).
 * Same conventions as db.types.ts: text ids, ISO-8601 UTC text timestamps, integer 0/1
 * booleans, integer fen for money, JSON as text. Created by migration 005-promotions.
 */
export type PromotionStatus = 'draft' | 'active' | 'paused' | 'ended';

/** One promotion: brand-wide (session_id null) or for one session. */
export interface PromotionsTable {
  id: string;
  brand_id: string | null;
  session_id: string | null;
  name: string;
  /** 'time-limited-price' | 'item-discount' | 'threshold' | 'gift' (flash sales live in their own module). */
  kind: string;
  status: PromotionStatus;
  /** {from, to} (ISO with offset) or {relative: {fromMinutes, toMinutes}} from going live. */
  window_json: string;
  /** {skuIds?, productIds?, tags?}; none = every line. */
  scope_json: string;
  /** The kind's own arguments (validated by the registry's schemas). */
  args_json: string;
  priority: number;
  exclusive: number;
  is_demo: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface CouponTemplatesTable {
  id: string;
  brand_id: string | null;
  name: string;
  issuer: 'store' | 'platform';
  discount_type: 'fixed' | 'percent';
  off_fen: number | null;
  percent_off: number | null;
  max_off_fen: number | null;
  threshold_fen: number;
  valid_from: string;
  valid_to: string;
  total_quantity: number;
  /** Coupons issued so far; never above total_quantity (conditional UPDATE + CHECK). */
  issued_count: number;
  per_viewer_limit: number;
  fans_only: number;
  stack_with_threshold: number;
  stack_with_coupons: number;
  exclusive: number;
  priority: number;
  scope_json: string;
  status: 'active' | 'paused';
  is_demo: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** An issued coupon in a viewer's wallet: issued -> reserved(order) -> used, or back to issued. Expiry is the template's valid_to. */
export interface CouponsTable {
  id: string;
  template_id: string;
  viewer_id: string;
  status: 'issued' | 'reserved' | 'used';
  order_id: string | null;
  source: 'hand' | 'draw' | 'fan-level' | 'demo';
  issue_key: string;
  issued_by: string | null;
  issued_at: string;
  updated_at: string;
}

/** Coupons of a template a viewer has been issued (per-viewer limit, conditional UPDATE). */
export interface CouponHoldingsTable {
  template_id: string;
  viewer_id: string;
  quantity: number;
}

export interface PointsBalancesTable {
  viewer_id: string;
  balance: number;
  updated_at: string;
}

/** Append-only; (kind, ref) unique, so a retried spend or refund counts once. */
export interface PointsEntriesTable {
  id: string;
  viewer_id: string;
  kind: 'grant' | 'spend' | 'refund';
  ref: string;
  delta: number;
  reason: string;
  created_at: string;
}

export interface PromotionTables {
  promotions: PromotionsTable;
  coupon_templates: CouponTemplatesTable;
  coupons: CouponsTable;
  coupon_holdings: CouponHoldingsTable;
  points_balances: PointsBalancesTable;
  points_entries: PointsEntriesTable;
}
