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
    const prices = skus.map((s) => ({ id: this.deps.ids(), sku_id: s.id, price_fen: s.price_fen, currency: s.currency, from_at: now, kind: 'list' as const, order_id: null }));
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
          archived_at: null,
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

  // ---------- for other modules (orders, promotions, flash sales) ----------
  // These take an optional transaction so an order's stock moves commit with the order.

  /** What pricing and orders need to know about SKUs; unknown ids are simply absent. */
  async skuSnapshots(skuIds: readonly string[], exec: Kysely<DB> = this.deps.db): Promise<Map<string, SkuSnapshot>> {
    const rows = await this.store.skuSnapshots(exec, [...new Set(skuIds)]);
    return new Map(
      rows.map((r) => [
        r.sku_id,
        {
          skuId: r.sku_id,
          productId: r.product_id,
          brandId: r.brand_id,
          title: r.title,
          skuName: r.sku_name,
          priceFen: r.price_fen,
          currency: r.currency as 'CNY',
          stock: r.stock,
          tags: JSON.parse(r.tags_json) as string[],
          image: (JSON.parse(r.images_json) as string[])[0] ?? null,
          archived: r.archived_at !== null,
        },
      ]),
    );
  }

  /**
   * Takes `quantity` units of a SKU's stock if that many are there, in one conditional UPDATE
   * (atomic on both databases: never below zero, never two takers for the same unit).
   */
  async takeStock(exec: Kysely<DB>, skuId: string, quantity: number): Promise<boolean> {
    assertQuantity(quantity);
    return this.store.takeStock(exec, skuId, quantity, this.deps.clock.now().toISOString());
  }

  /** Puts units back (an unpaid order expired or was cancelled, a return was received). */
  async returnStock(exec: Kysely<DB>, skuId: string, quantity: number): Promise<void> {
    assertQuantity(quantity);
    await this.store.returnStock(exec, skuId, quantity, this.deps.clock.now().toISOString());
  }

  /** Appends the unit prices an order actually charged (kind 'charged') to each SKU's price history. */
  async recordChargedPrices(exec: Kysely<DB>, orderId: string, entries: readonly { skuId: string; unitPriceFen: number; currency: 'CNY' }[]): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const rows = entries.map((e) => ({ id: this.deps.ids(), sku_id: e.skuId, price_fen: e.unitPriceFen, currency: e.currency, from_at: at, kind: 'charged' as const, order_id: orderId }));
    await this.store.insertPriceHistory(exec, rows);
  }

  /**
   * The lowest unit price actually charged for a SKU in [since, until): what a crossed-out
   * "original price / 原价" may at most show (PRICING.md, Honesty). null when nothing was charged.
   */
  async lowestChargedPrice(skuId: string, sinceIso: string, untilIso: string): Promise<number | null> {
    return this.store.lowestCharged(skuId, sinceIso, untilIso);
  }
}

export interface SkuSnapshot {
  skuId: string;
  productId: string;
  brandId: string | null;
  title: string;
  skuName: string;
  priceFen: number;
  currency: 'CNY';
  stock: number;
  tags: string[];
  image: string | null;
  archived: boolean;
}

function assertQuantity(q: number): void {
  if (!Number.isSafeInteger(q) || q <= 0) throw new RangeError('quantity must be a positive integer');
}
