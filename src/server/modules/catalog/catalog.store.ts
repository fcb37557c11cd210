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
}
