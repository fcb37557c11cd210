import { sql, type Kysely } from 'kysely';
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
  brandsByIdsIn(exec: Kysely<DB>, ids: string[]) {
    return exec.selectFrom('brands').select('id').where('id', 'in', ids).execute();
  }
  listBrands() {
    return this.db.selectFrom('brands').selectAll().orderBy('name').orderBy('id').execute();
  }
  listProducts(q: { q?: string | undefined; status: 'active' | 'archived' | 'all' }) {
    let query = this.db.selectFrom('products').selectAll();
    if (q.status === 'active') query = query.where('archived_at', 'is', null);
    if (q.status === 'archived') query = query.where('archived_at', 'is not', null);
    if (q.q) {
      // Case-insensitive on both dialects (lower() on both sides); % and _ are taken literally.
      const needle = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const like = (col: 'products.title' | 'products.category' | 'products.tags_json' | 'skus.code') => sql<boolean>`lower(${sql.ref(col)}) like ${needle} escape '\\'`;
      query = query.where((eb) =>
        eb.or([
          like('products.title'),
          like('products.category'),
          like('products.tags_json'),
          eb.exists(eb.selectFrom('skus').select('skus.id').whereRef('skus.product_id', '=', 'products.id').where(like('skus.code'))),
        ]),
      );
    }
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute();
  }
  productsByIds(ids: string[]) {
    return this.db.selectFrom('products').selectAll().where('id', 'in', ids).execute();
  }
  productById(exec: Kysely<DB>, id: string) {
    return exec.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
  }
  async updateProduct(exec: Kysely<DB>, id: string, set: Partial<Omit<ProductsTable, 'id'>>): Promise<void> {
    await exec.updateTable('products').set(set).where('id', '=', id).execute();
  }
  skusOfIn(exec: Kysely<DB>, productIds: string[]) {
    return exec.selectFrom('skus').selectAll().where('product_id', 'in', productIds).orderBy('code').execute();
  }
  skusByCodes(exec: Kysely<DB>, codes: string[]) {
    if (codes.length === 0) return Promise.resolve([] as { id: string; code: string; product_id: string }[]);
    return exec.selectFrom('skus').select(['id', 'code', 'product_id']).where('code', 'in', codes).execute();
  }
  skuById(id: string) {
    return this.db.selectFrom('skus').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** Returns false when a code is taken (unique index) and nothing was inserted. */
  async insertSkus(exec: Kysely<DB>, rows: SkusTable[]): Promise<boolean> {
    if (rows.length === 0) return true;
    const r = await exec
      .insertInto('skus')
      .values(rows)
      .onConflict((oc) => oc.column('code').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === rows.length;
  }
  /**
   * Updates a SKU; with `expectedStock` set, only while the stock is still that number (a sale
   * in between makes it return false instead of overwriting the sale).
   */
  async updateSku(exec: Kysely<DB>, id: string, expectedStock: number | null, set: Partial<Omit<SkusTable, 'id' | 'product_id' | 'created_at'>>): Promise<boolean> {
    let q = exec.updateTable('skus').set(set).where('id', '=', id);
    if (expectedStock !== null) q = q.where('stock', '=', expectedStock);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  priceHistory(skuId: string, limit: number) {
    return this.db.selectFrom('sku_price_history').selectAll().where('sku_id', '=', skuId).orderBy('from_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
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
