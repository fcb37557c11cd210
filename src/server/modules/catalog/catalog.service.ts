import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { productSchema } from '../../../contracts/api.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { invalid } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import { CatalogStore } from './catalog.store.js';

export type Product = z.infer<typeof productSchema>;

export interface NewSku {
  code: string;
  name: string;
  attrs: Record<string, string>;
  priceFen: number;
  currency: 'CNY';
  stock: number;
}
export interface NewProduct {
  brandId: string | null;
  title: string;
  description: string;
  category: string;
  tags: string[];
  images: string[];
  skus: NewSku[];
}

export class CatalogService {
  private readonly store: CatalogStore;
  constructor(private readonly deps: { db: Kysely<DB>; clock: Clock; ids: IdGenerator; audit: AuditService }) {
    this.store = new CatalogStore(deps.db);
  }

  /** For other modules (sessions) that show brand names without reading our tables. */
  async brandNames(ids: string[]): Promise<Map<string, string>> {
    const rows = await this.store.brandsByIds([...new Set(ids)]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async defaultBrandId(): Promise<string | null> {
    return (await this.store.firstBrand())?.id ?? null;
  }

  async createBrand(ctx: Ctx, name: string, opts: { isDemo?: boolean } = {}): Promise<string> {
    requirePermission(ctx.actor, 'catalog:write');
    const id = this.deps.ids();
    await this.deps.db.transaction().execute(async (trx) => {
      await this.store.insertBrand(trx, { id, name, is_demo: opts.isDemo ? 1 : 0, created_at: this.deps.clock.now().toISOString() });
      await this.deps.audit.record(ctx, { action: 'catalog.brand_created', targetType: 'brand', targetId: id, after: { name } }, trx);
    });
    return id;
  }

  async createProduct(ctx: Ctx, p: NewProduct, opts: { isDemo?: boolean } = {}): Promise<string> {
    requirePermission(ctx.actor, 'catalog:write');
    p.skus.forEach((s, i) => {
      if (!Number.isSafeInteger(s.priceFen) || s.priceFen < 0) throw invalid(`skus.${i}.priceFen`, 'expected a non-negative integer number of fen');
      if (!Number.isSafeInteger(s.stock) || s.stock < 0) throw invalid(`skus.${i}.stock`, 'expected a non-negative integer');
    });
    const now = this.deps.clock.now().toISOString();
    const id = this.deps.ids();
    const skus = p.skus.map((s) => ({
      id: this.deps.ids(),
      product_id: id,
      code: s.code,
      name: s.name,
      attrs_json: JSON.stringify(s.attrs),
      price_fen: s.priceFen,
      currency: s.currency,
      stock: s.stock,
      created_at: now,
      updated_at: now,
    }));
    // Every price a SKU is offered at is kept, so a later "original price" claim can be checked.
    const prices = skus.map((s) => ({ id: this.deps.ids(), sku_id: s.id, price_fen: s.price_fen, currency: s.currency, from_at: now }));
    await this.deps.db.transaction().execute(async (trx) => {
      await this.store.insertProduct(
        trx,
        {
          id,
          brand_id: p.brandId,
          title: p.title,
          description: p.description,
          category: p.category,
          tags_json: JSON.stringify(p.tags),
          images_json: JSON.stringify(p.images),
          is_demo: opts.isDemo ? 1 : 0,
          created_at: now,
          updated_at: now,
        },
        skus,
        prices,
      );
      await this.deps.audit.record(ctx, { action: 'catalog.product_created', targetType: 'product', targetId: id, after: { title: p.title, skus: p.skus.length } }, trx);
    });
    return id;
  }

  async listProducts(ctx: Ctx): Promise<Product[]> {
    requirePermission(ctx.actor, 'catalog:read');
    const products = await this.store.listProducts();
    const skus = await this.store.skusOf(products.map((p) => p.id));
    const brands = await this.brandNames(products.map((p) => p.brand_id).filter((x): x is string => x !== null));
    return products.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      category: p.category,
      tags: JSON.parse(p.tags_json) as string[],
      brandName: p.brand_id ? (brands.get(p.brand_id) ?? null) : null,
      isDemo: p.is_demo === 1,
      skus: skus
        .filter((s) => s.product_id === p.id)
        .map((s) => ({ id: s.id, code: s.code, name: s.name, priceFen: s.price_fen, currency: s.currency, stock: s.stock })),
    }));
  }
}
