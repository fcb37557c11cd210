import { sql, type Kysely } from 'kysely';

// Flash-sale reservations: a unit grabbed in the race is held for its buyer at the flash price
// until hold_until; the checkout turns it into an order, or it expires and its units go back.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('flash_reservations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flash_sale_id', 'text', (c) => c.notNull().references('flash_sales.id').onDelete('cascade'))
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull())
    .addColumn('price_fen', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // The gate's claim token (also in flash_sale_claims): reconciliation knows the hold is recorded.
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('hold_until', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('flash_reservations_units_pos', sql`units > 0`)
    .addCheckConstraint('flash_reservations_price_nonneg', sql`price_fen >= 0`)
    .addCheckConstraint('flash_reservations_status', sql`status in ('held', 'ordered', 'released', 'expired')`)
    .addCheckConstraint('flash_reservations_order', sql`(status = 'ordered') = (order_id is not null)`)
    .execute();
  // One reservation per (buyer, sale, key): a retried grab finds its reservation.
  await db.schema.createIndex('flash_reservations_idem_uq').on('flash_reservations').columns(['buyer_id', 'flash_sale_id', 'idempotency_key']).unique().execute();
  // The expiry sweep: held reservations by deadline.
  await db.schema.createIndex('flash_reservations_due_idx').on('flash_reservations').columns(['status', 'hold_until']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('flash_reservations').ifExists().execute();
}
