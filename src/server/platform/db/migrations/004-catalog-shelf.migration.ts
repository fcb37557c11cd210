import type { Kysely } from 'kysely';

// Catalog additions for selling: archived products, price history that tells list prices
// from prices actually charged (the "original price" rule needs the latter), the session
// shelf (products attached to a session, in order) and "now explaining" timestamps.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('products').addColumn('archived_at', 'text').execute();
  await db.schema.alterTable('sku_price_history').addColumn('kind', 'text', (c) => c.notNull().defaultTo('list')).execute();
  await db.schema.alterTable('sku_price_history').addColumn('order_id', 'text').execute();
  await db.schema.createIndex('sku_price_history_kind_idx').on('sku_price_history').columns(['sku_id', 'kind', 'from_at']).execute();

  await db.schema
    .createTable('session_products')
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_products_pk', ['session_id', 'product_id'])
    .execute();
  await db.schema.createIndex('session_products_product_idx').on('session_products').column('product_id').execute();

  await db.schema
    .createTable('product_explanations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    // 1 while the explanation is open, NULL once ended: the unique index below lets a session
    // have at most one open explanation, even with two operators pinning at once on two nodes
    // (NULLs never collide, on SQLite and PostgreSQL alike).
    .addColumn('open_flag', 'integer')
    .execute();
  await db.schema.createIndex('product_explanations_open_uq').on('product_explanations').columns(['session_id', 'open_flag']).unique().execute();
  await db.schema.createIndex('product_explanations_session_idx').on('product_explanations').columns(['session_id', 'started_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('product_explanations').ifExists().execute();
  await db.schema.dropTable('session_products').ifExists().execute();
  await db.schema.dropIndex('sku_price_history_kind_idx').ifExists().execute();
  await db.schema.alterTable('sku_price_history').dropColumn('order_id').execute();
  await db.schema.alterTable('sku_price_history').dropColumn('kind').execute();
  await db.schema.alterTable('products').dropColumn('archived_at').execute();
}
