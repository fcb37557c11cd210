import type { Kysely } from 'kysely';
import type { BrandsTable, DB, ProductsTable, SkusTable, SkuPriceHistoryTable } from '../../platform/db/db.types.js';

export class CatalogStore {
  constructor(private readonly db: Kysely<DB>) {}

  brandsByIds(ids: string[]) {
    if (ids.length === 0) return Promise.resolve([] as BrandsTable[]);
    return this.db.selectFrom('brands').selectAll().where('id', 'in', ids).execute();
  }
  firstBrand() {
    return this.db.selectFrom('brands').selectAll().orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }
  async insertBrand(exec: Kysely<DB>, row: BrandsTable): Promise<void> {
    await exec.insertInto('brands').values(row).execute();
  }
  listProducts() {
    return this.db.selectFrom('products').selectAll().orderBy('id').execute();
  }
  skusOf(productIds: string[]) {
    if (productIds.length === 0) return Promise.resolve([] as SkusTable[]);
    return this.db.selectFrom('skus').selectAll().where('product_id', 'in', productIds).orderBy('code').execute();
  }
  async insertProduct(exec: Kysely<DB>, row: ProductsTable, skus: SkusTable[], prices: SkuPriceHistoryTable[]): Promise<void> {
    await exec.insertInto('products').values(row).execute();
    if (skus.length) await exec.insertInto('skus').values(skus).execute();
    if (prices.length) await exec.insertInto('sku_price_history').values(prices).execute();
  }

  skuSnapshots(exec: Kysely<DB>, skuIds: string[]) {
    if (skuIds.length === 0) return Promise.resolve([]);
    return exec
      .selectFrom('skus')
      .innerJoin('products', 'products.id', 'skus.product_id')
      .select([
        'skus.id as sku_id',
        'skus.product_id',
        'products.brand_id',
        'products.title',
        'skus.name as sku_name',
        'skus.price_fen',
        'skus.currency',
        'skus.stock',
        'products.tags_json',
        'products.images_json',
        'products.archived_at',
      ])
      .where('skus.id', 'in', skuIds)
      .execute();
  }
  async takeStock(exec: Kysely<DB>, skuId: string, quantity: number, now: string): Promise<boolean> {
    const r = await exec
      .updateTable('skus')
      .set((eb) => ({ stock: eb('stock', '-', quantity), updated_at: now }))
      .where('id', '=', skuId)
      .where('stock', '>=', quantity)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async returnStock(exec: Kysely<DB>, skuId: string, quantity: number, now: string): Promise<void> {
    await exec
      .updateTable('skus')
      .set((eb) => ({ stock: eb('stock', '+', quantity), updated_at: now }))
      .where('id', '=', skuId)
      .execute();
  }
  async insertPriceHistory(exec: Kysely<DB>, rows: SkuPriceHistoryTable[]): Promise<void> {
    if (rows.length) await exec.insertInto('sku_price_history').values(rows).execute();
  }
  async lowestCharged(skuId: string, since: string, until: string): Promise<number | null> {
    const r = await this.db
      .selectFrom('sku_price_history')
      .select((eb) => eb.fn.min<number>('price_fen').as('low'))
      .where('sku_id', '=', skuId)
      .where('kind', '=', 'charged')
      .where('from_at', '>=', since)
      .where('from_at', '<', until)
      .executeTakeFirst();
    return r?.low === null || r?.low === undefined ? null : Number(r.low);
  }
}
