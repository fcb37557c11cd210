import { sql, type Kysely } from 'kysely';

// Tables of the flash-sales module: each sale's own pool (set aside from the SKU's stock) and
// each buyer's units, both guarded by CHECK constraints as a last line against overselling.

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
    .addColumn('per_buyer_limit', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('returned_at', 'text')
    .addCheckConstraint('flash_sales_left_range', sql`stock_left >= 0 and stock_left <= stock_total`)
    .addCheckConstraint('flash_sales_price_nonneg', sql`price_fen >= 0`)
    .addCheckConstraint('flash_sales_limit_pos', sql`per_buyer_limit > 0`)
    .execute();
  await db.schema.createIndex('flash_sales_session_idx').on('flash_sales').columns(['session_id', 'starts_at']).execute();
  await db.schema
    .createTable('flash_sale_buyers')
    .addColumn('flash_sale_id', 'text', (c) => c.notNull().references('flash_sales.id').onDelete('cascade'))
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('flash_sale_buyers_pk', ['flash_sale_id', 'buyer_id'])
    .addCheckConstraint('flash_sale_buyers_qty_nonneg', sql`quantity >= 0`)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('flash_sale_buyers').ifExists().execute();
  await db.schema.dropTable('flash_sales').ifExists().execute();
}
