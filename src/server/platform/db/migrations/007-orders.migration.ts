import { sql, type Kysely } from 'kysely';

// Tables of the orders module: orders, lines, append-only history, payments, webhook events
// already processed (replays are ignored), return requests and refunds.

const nonNeg = (col: string) => sql`${sql.ref(col)} >= 0`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('regular_fen', 'integer', (c) => c.notNull())
    .addColumn('total_fen', 'integer', (c) => c.notNull())
    .addColumn('points_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pricing_json', 'text', (c) => c.notNull())
    .addColumn('coupons_json', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('pay_by', 'text', (c) => c.notNull())
    .addColumn('address_cipher', 'text')
    .addColumn('address_masked', 'text')
    .addColumn('carrier', 'text')
    .addColumn('tracking_no', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('shipped_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('orders_buyer_idem_uq', ['buyer_id', 'idempotency_key'])
    .addCheckConstraint('orders_total_nonneg', nonNeg('total_fen'))
    .addCheckConstraint('orders_regular_nonneg', nonNeg('regular_fen'))
    .execute();
  await db.schema.createIndex('orders_status_idx').on('orders').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('orders_buyer_idx').on('orders').columns(['buyer_id', 'created_at']).execute();
  await db.schema.createIndex('orders_session_idx').on('orders').columns(['session_id', 'created_at']).execute();
  await db.schema.createIndex('orders_pay_by_idx').on('orders').columns(['status', 'pay_by']).execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('sku_name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_fen', 'integer', (c) => c.notNull())
    .addColumn('activity_fen', 'integer', (c) => c.notNull())
    .addColumn('paid_fen', 'integer', (c) => c.notNull())
    .addColumn('allocations_json', 'text', (c) => c.notNull())
    .addColumn('flash_sale_id', 'text')
    .addColumn('flash_units', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_gift', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('returned_qty', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('order_lines_qty_pos', sql`quantity > 0`)
    .addCheckConstraint('order_lines_paid_nonneg', nonNeg('paid_fen'))
    .addCheckConstraint('order_lines_returned_range', sql`returned_qty >= 0 and returned_qty <= quantity`)
    .execute();
  await db.schema.createIndex('order_lines_order_idx').on('order_lines').columns(['order_id', 'line_no']).execute();
  await db.schema.createIndex('order_lines_flash_idx').on('order_lines').columns(['flash_sale_id']).execute();

  await db.schema
    .createTable('order_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_history_order_idx').on('order_history').columns(['order_id', 'at']).execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text', (c) => c.notNull())
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('payments_provider_ref_uq', ['provider', 'provider_ref'])
    .execute();
  await db.schema.createIndex('payments_order_idx').on('payments').columns(['order_id']).execute();

  await db.schema
    .createTable('payment_events')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_events_pk', ['provider', 'event_id'])
    .execute();

  await db.schema
    .createTable('order_returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lines_json', 'text', (c) => c.notNull())
    .addColumn('refund_fen', 'integer', (c) => c.notNull())
    .addColumn('points_refund', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('order_returns_refund_nonneg', nonNeg('refund_fen'))
    .execute();
  await db.schema.createIndex('order_returns_order_idx').on('order_returns').columns(['order_id']).execute();
  await db.schema.createIndex('order_returns_status_idx').on('order_returns').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('return_id', 'text')
    .addColumn('amount_fen', 'integer', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('refunds_amount_nonneg', nonNeg('amount_fen'))
    .execute();
  await db.schema.createIndex('refunds_order_idx').on('refunds').columns(['order_id']).execute();
  // One refund per return, even if two clicks race.
  await db.schema.createIndex('refunds_return_uq').on('refunds').columns(['return_id']).unique().execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['refunds', 'order_returns', 'payment_events', 'payments', 'order_history', 'order_lines', 'orders']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
