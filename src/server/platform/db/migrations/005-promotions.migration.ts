import { sql, type Kysely } from 'kysely';

// Tables of the promotions module: promotion definitions (per brand or per session), coupon
// templates, issued coupons (the viewers' wallets) with per-viewer counts, and the points
// ledger. Counters that must never pass a limit are guarded by CHECK constraints as a last
// line behind the conditional UPDATEs of the store.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('promotions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.references('brands.id'))
    .addColumn('session_id', 'text', (c) => c.references('live_sessions.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('window_json', 'text', (c) => c.notNull())
    .addColumn('scope_json', 'text', (c) => c.notNull())
    .addColumn('args_json', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('exclusive', 'integer', (c) => c.notNull())
    .addColumn('is_demo', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('promotions_session_idx').on('promotions').columns(['session_id', 'status']).execute();
  await db.schema.createIndex('promotions_brand_idx').on('promotions').columns(['brand_id', 'status']).execute();

  await db.schema
    .createTable('coupon_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.references('brands.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('discount_type', 'text', (c) => c.notNull())
    .addColumn('off_fen', 'integer')
    .addColumn('percent_off', 'integer')
    .addColumn('max_off_fen', 'integer')
    .addColumn('threshold_fen', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text', (c) => c.notNull())
    .addColumn('total_quantity', 'integer', (c) => c.notNull())
    .addColumn('issued_count', 'integer', (c) => c.notNull())
    .addColumn('per_viewer_limit', 'integer', (c) => c.notNull())
    .addColumn('fans_only', 'integer', (c) => c.notNull())
    .addColumn('stack_with_threshold', 'integer', (c) => c.notNull())
    .addColumn('stack_with_coupons', 'integer', (c) => c.notNull())
    .addColumn('exclusive', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('scope_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('is_demo', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('coupon_templates_issued_range', sql`issued_count >= 0 and issued_count <= total_quantity`)
    .addCheckConstraint('coupon_templates_limit_pos', sql`per_viewer_limit > 0`)
    .execute();

  await db.schema
    .createTable('coupons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template_id', 'text', (c) => c.notNull().references('coupon_templates.id'))
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    // One coupon per viewer and issue key: a draw's key is its id, so issuing to its winners twice issues once.
    .addColumn('issue_key', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text')
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('coupons_issue_uq').on('coupons').columns(['template_id', 'viewer_id', 'issue_key']).unique().execute();
  await db.schema.createIndex('coupons_viewer_idx').on('coupons').columns(['viewer_id', 'status']).execute();
  await db.schema.createIndex('coupons_order_idx').on('coupons').column('order_id').execute();

  await db.schema
    .createTable('coupon_holdings')
    .addColumn('template_id', 'text', (c) => c.notNull().references('coupon_templates.id'))
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('coupon_holdings_pk', ['template_id', 'viewer_id'])
    .addCheckConstraint('coupon_holdings_qty_nonneg', sql`quantity >= 0`)
    .execute();

  await db.schema
    .createTable('points_balances')
    .addColumn('viewer_id', 'text', (c) => c.primaryKey())
    .addColumn('balance', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('points_balances_nonneg', sql`balance >= 0`)
    .execute();
  await db.schema
    .createTable('points_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_entries_ref_uq').on('points_entries').columns(['kind', 'ref']).unique().execute();
  await db.schema.createIndex('points_entries_viewer_idx').on('points_entries').columns(['viewer_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['points_entries', 'points_balances', 'coupon_holdings', 'coupons', 'coupon_templates', 'promotions']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
