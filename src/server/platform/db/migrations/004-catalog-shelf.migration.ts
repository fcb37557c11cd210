import type { Kysely } from 'kysely';

// Catalog additions for selling: archived products, and price history that tells list prices
// from prices actually charged (the "original price" rule needs the latter).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('products').addColumn('archived_at', 'text').execute();
  await db.schema.alterTable('sku_price_history').addColumn('kind', 'text', (c) => c.notNull().defaultTo('list')).execute();
  await db.schema.alterTable('sku_price_history').addColumn('order_id', 'text').execute();
  await db.schema.createIndex('sku_price_history_kind_idx').on('sku_price_history').columns(['sku_id', 'kind', 'from_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sku_price_history_kind_idx').ifExists().execute();
  await db.schema.alterTable('sku_price_history').dropColumn('order_id').execute();
  await db.schema.alterTable('sku_price_history').dropColumn('kind').execute();
  await db.schema.alterTable('products').dropColumn('archived_at').execute();
}
