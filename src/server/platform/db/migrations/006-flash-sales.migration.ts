import { sql, type Kysely } from 'kysely';

// Tables of the flash-sales module: each sale's own pool (set aside from the SKU's stock), each
// buyer's units, and the claim tokens recorded with orders (scale-out reconciliation), all
// guarded by CHECK constraints as a last line against overselling.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('flash_sales')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
    .addColumn('price_fen', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('stock_total', 'integer', (c) => c.notNull())
    .addColumn('stock_left', 'integer', (c) => c.notNull())
    .addColumn('stock_returned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('per_buyer_limit', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('returned_at', 'text')
    .addCheckConstraint('flash_sales_left_range', sql`stock_left >= 0 and stock_returned >= 0 and stock_left + stock_returned <= stock_total`)
    .addCheckConstraint('flash_sales_price_nonneg', sql`price_fen >= 0`)
    .addCheckConstraint('flash_sales_limit_pos', sql`per_buyer_limit > 0`)
    .addCheckConstraint('flash_sales_status', sql`status in ('scheduled', 'open', 'closed', 'cancelled')`)
    .addCheckConstraint('flash_sales_window', sql`starts_at < ends_at`)
    .execute();
  await db.schema.createIndex('flash_sales_session_idx').on('flash_sales').columns(['session_id', 'starts_at']).execute();
  await db.schema.createIndex('flash_sales_status_idx').on('flash_sales').columns(['status']).execute();
  await db.schema
    .createTable('flash_sale_buyers')
    .addColumn('flash_sale_id', 'text', (c) => c.notNull().references('flash_sales.id').onDelete('cascade'))
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    // The sale's per-buyer limit copied in, so a CHECK can hold the limit as a last line.
    .addColumn('max_quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('flash_sale_buyers_pk', ['flash_sale_id', 'buyer_id'])
    .addCheckConstraint('flash_sale_buyers_qty_range', sql`quantity >= 0 and quantity <= max_quantity`)
    .execute();
  // One row per claim recorded with an order in scale-out mode: reconciliation tells a Redis
  // hold that was recorded from one that never will be.
  await db.schema
    .createTable('flash_sale_claims')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('flash_sale_id', 'text', (c) => c.notNull().references('flash_sales.id').onDelete('cascade'))
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('flash_sale_claims_sale_idx').on('flash_sale_claims').columns(['flash_sale_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('flash_sale_claims').ifExists().execute();
  await db.schema.dropTable('flash_sale_buyers').ifExists().execute();
  await db.schema.dropTable('flash_sales').ifExists().execute();
}
