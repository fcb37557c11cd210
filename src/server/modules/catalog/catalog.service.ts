import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { createProductBody, PriceHistory, ProductDto, putSkusBody, updateProductBody } from '../../../contracts/catalog.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB, ProductsTable } from '../../platform/db/db.types.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import { CatalogStore } from './catalog.store.js';

export type Product = ProductDto;
type SkuListItem = z.output<typeof putSkusBody>['skus'][number];

const DAY_MS = 86_400_000;

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

  async listBrands(ctx: Ctx): Promise<{ id: string; name: string }[]> {
    requirePermission(ctx.actor, 'catalog:read');
    return (await this.store.listBrands()).map((b) => ({ id: b.id, name: b.name }));
  }

  /** Creates a product with its SKUs; every SKU's first list price goes into the price history. */
  async createProduct(ctx: Ctx, p: NewProduct | z.output<typeof createProductBody>, opts: { isDemo?: boolean } = {}): Promise<string> {
    requirePermission(ctx.actor, 'catalog:write');
    p.skus.forEach((s, i) => {
      if (!Number.isSafeInteger(s.priceFen) || s.priceFen < 0) throw invalid(`body.skus.${i}.priceFen`, 'expected a non-negative integer number of fen');
      if (!Number.isSafeInteger(s.stock) || s.stock < 0) throw invalid(`body.skus.${i}.stock`, 'expected a non-negative integer');
    });
    duplicateCodeInBody(p.skus.map((s) => s.code));
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
      await this.assertBrand(trx, p.brandId);
      await this.assertCodesFree(
        trx,
        skus.map((s) => s.code),
        null,
      );
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
        [],
        [],
      );
      if (!(await this.store.insertSkus(trx, skus))) throw duplicateCode(0);
      await this.store.insertPriceHistory(trx, prices);
      await this.deps.audit.record(
        ctx,
        {
          action: 'catalog.product_created',
          targetType: 'product',
          targetId: id,
          after: { title: p.title, skus: p.skus.map((s) => ({ code: s.code, priceFen: s.priceFen, stock: s.stock })) },
        },
        trx,
      );
    });
    return id;
  }

  /**
   * Edits a product's fields and, with `patch.skus`, its SKU list (as putSkus does), in one
   * transaction: a SKU list that is refused (unknown id, a removed SKU, a taken code, a sale
   * meanwhile) leaves the product fields unchanged too.
   */
  async updateProduct(ctx: Ctx, id: string, patch: z.output<typeof updateProductBody>): Promise<Product> {
    requirePermission(ctx.actor, 'catalog:write');
    const { skus, ...fields } = patch;
    if (skus) duplicateCodeInBody(skus.map((s) => s.code));
    await this.deps.db.transaction().execute(async (trx) => {
      const before = await this.store.productById(trx, id);
      if (!before) throw notFound('Product');
      const now = this.deps.clock.now().toISOString();
      // A skus-only edit is audited as putSkus audits it, without a product_updated entry.
      const hasFields = Object.values(fields).some((v) => v !== undefined);
      if (hasFields || !skus) await this.writeFields(ctx, trx, before, fields, now);
      if (skus) await this.writeSkus(ctx, trx, id, skus, now);
    });
    return this.getProduct(ctx, id);
  }

  /**
   * Replaces a product's SKU list (see putSkusBody): edits existing SKUs, adds new ones. A list
   * price change appends a 'list' row to the price history; a stock change is audited with its
   * before and after, and applies only if the stock is still what the editor saw.
   */
  async putSkus(ctx: Ctx, productId: string, body: z.output<typeof putSkusBody>): Promise<Product> {
    requirePermission(ctx.actor, 'catalog:write');
    duplicateCodeInBody(body.skus.map((s) => s.code));
    await this.deps.db.transaction().execute(async (trx) => {
      const product = await this.store.productById(trx, productId);
      if (!product) throw notFound('Product');
      await this.writeSkus(ctx, trx, productId, body.skus, this.deps.clock.now().toISOString());
    });
    return this.getProduct(ctx, productId);
  }

  /** The product-fields half of updateProduct, inside the caller's transaction. */
  private async writeFields(ctx: Ctx, trx: Kysely<DB>, before: ProductsTable, patch: Omit<z.output<typeof updateProductBody>, 'skus'>, now: string): Promise<void> {
    if (patch.brandId !== undefined) await this.assertBrand(trx, patch.brandId);
    const set = {
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.brandId !== undefined ? { brand_id: patch.brandId } : {}),
      ...(patch.category !== undefined ? { category: patch.category } : {}),
      ...(patch.tags !== undefined ? { tags_json: JSON.stringify(patch.tags) } : {}),
      ...(patch.images !== undefined ? { images_json: JSON.stringify(patch.images) } : {}),
      ...(patch.archived !== undefined ? { archived_at: patch.archived ? (before.archived_at ?? now) : null } : {}),
      updated_at: now,
    };
    await this.store.updateProduct(trx, before.id, set);
    const after = (await this.store.productById(trx, before.id))!;
    await this.deps.audit.record(
      ctx,
      {
        action: patch.archived === true && !before.archived_at ? 'catalog.product_archived' : 'catalog.product_updated',
        targetType: 'product',
        targetId: before.id,
        before: productAuditView(before),
        after: productAuditView(after),
      },
      trx,
    );
  }

  /** The SKU-list half (putSkus, and updateProduct with skus), inside the caller's transaction. */
  private async writeSkus(ctx: Ctx, trx: Kysely<DB>, productId: string, list: SkuListItem[], now: string): Promise<void> {
    const existing = await this.store.skusOfIn(trx, [productId]);
    const byId = new Map(existing.map((s) => [s.id, s]));
    list.forEach((s, i) => {
      if (s.id !== undefined && !byId.has(s.id)) throw invalid(`body.skus.${i}.id`, 'no such SKU on this product');
    });
    const kept = new Set(list.map((s) => s.id).filter((x): x is string => x !== undefined));
    const dropped = existing.find((s) => !kept.has(s.id));
    if (dropped) throw invalid('body.skus', `SKU ${dropped.code} cannot be removed (orders may refer to it); set its stock to 0 instead`);
    await this.assertCodesFree(
      trx,
      list.map((s) => s.code),
      productId,
    );
    // Two SKUs of this product trading codes would trip the unique index halfway: park the
    // renamed ones on temporary codes first.
    const ownCodes = new Set(existing.map((x) => x.code));
    const renamed = list.filter((x) => x.id !== undefined && byId.get(x.id)!.code !== x.code);
    if (renamed.some((x) => ownCodes.has(x.code))) {
      for (const x of renamed) await this.store.updateSku(trx, x.id!, null, { code: `~${x.id!}` });
    }
    const stockChanges: { skuId: string; code: string; before: number; after: number }[] = [];
    const priceChanges: { skuId: string; code: string; before: number; after: number }[] = [];
    const added: { code: string; priceFen: number; stock: number }[] = [];
    for (const [i, s] of list.entries()) {
      const old = s.id ? byId.get(s.id) : undefined;
      if (!old) {
        const skuId = this.deps.ids();
        const ok = await this.store.insertSkus(trx, [
          { id: skuId, product_id: productId, code: s.code, name: s.name, attrs_json: JSON.stringify(s.attrs), price_fen: s.priceFen, currency: s.currency, stock: s.stock, created_at: now, updated_at: now },
        ]);
        if (!ok) throw duplicateCode(i);
        await this.store.insertPriceHistory(trx, [{ id: this.deps.ids(), sku_id: skuId, price_fen: s.priceFen, currency: s.currency, from_at: now, kind: 'list', order_id: null }]);
        added.push({ code: s.code, priceFen: s.priceFen, stock: s.stock });
        continue;
      }
      // With expectedStock, the editor changed the stock only if it differs from what they saw;
      // an untouched stock is left alone (a sale meanwhile must not block a price edit).
      const touched = s.expectedStock === undefined ? s.stock !== old.stock : s.stock !== s.expectedStock;
      const changedMeanwhile = () =>
        new AppError('conflict', `skus.${i}.stock: the stock of ${old.code} changed meanwhile (now ${old.stock}); reload and try again`, {
          code: 'STOCK_CHANGED',
          issues: [{ path: `body.skus.${i}.stock`, message: `changed meanwhile (now ${old.stock})` }],
        });
      if (touched && s.expectedStock !== undefined && s.expectedStock !== old.stock) throw changedMeanwhile();
      const ok = await this.store.updateSku(trx, old.id, touched ? old.stock : null, {
        code: s.code,
        name: s.name,
        attrs_json: JSON.stringify(s.attrs),
        price_fen: s.priceFen,
        currency: s.currency,
        ...(touched ? { stock: s.stock } : {}),
        updated_at: now,
      });
      // A sale took a unit between our read and this write: refuse rather than overwrite it.
      if (!ok) throw changedMeanwhile();
      if (touched && s.stock !== old.stock) stockChanges.push({ skuId: old.id, code: s.code, before: old.stock, after: s.stock });
      if (s.priceFen !== old.price_fen || s.currency !== old.currency) {
        priceChanges.push({ skuId: old.id, code: s.code, before: old.price_fen, after: s.priceFen });
        await this.store.insertPriceHistory(trx, [{ id: this.deps.ids(), sku_id: old.id, price_fen: s.priceFen, currency: s.currency, from_at: now, kind: 'list', order_id: null }]);
      }
    }
    await this.store.updateProduct(trx, productId, { updated_at: now });
    for (const c of stockChanges) {
      await this.deps.audit.record(ctx, { action: 'catalog.stock_adjusted', targetType: 'sku', targetId: c.skuId, before: { code: c.code, stock: c.before }, after: { code: c.code, stock: c.after } }, trx);
    }
    for (const c of priceChanges) {
      await this.deps.audit.record(ctx, { action: 'catalog.price_changed', targetType: 'sku', targetId: c.skuId, before: { code: c.code, priceFen: c.before }, after: { code: c.code, priceFen: c.after } }, trx);
    }
    if (added.length) await this.deps.audit.record(ctx, { action: 'catalog.skus_added', targetType: 'product', targetId: productId, after: { skus: added } }, trx);
  }

  async listProducts(ctx: Ctx, q: { q?: string | undefined; status?: 'active' | 'archived' | 'all' } = {}): Promise<Product[]> {
    requirePermission(ctx.actor, 'catalog:read');
    const products = await this.store.listProducts({ q: q.q?.trim() || undefined, status: q.status ?? 'all' });
    return this.toDtos(products);
  }

  /** A product's title (prize labels of draws); null when there is none. */
  async productName(id: string): Promise<string | null> {
    return (await this.store.productById(this.deps.db, id))?.title ?? null;
  }

  async getProduct(ctx: Ctx, id: string): Promise<Product> {
    requirePermission(ctx.actor, 'catalog:read');
    const row = await this.store.productById(this.deps.db, id);
    if (!row) throw notFound('Product');
    return (await this.toDtos([row]))[0]!;
  }

  /** A SKU's price history, newest first, with the lowest price actually charged in the previous 7 days. */
  async priceHistory(ctx: Ctx, skuId: string): Promise<PriceHistory> {
    requirePermission(ctx.actor, 'catalog:read');
    const sku = await this.store.skuById(skuId);
    if (!sku) throw notFound('SKU');
    const now = this.deps.clock.now();
    const rows = await this.store.priceHistory(skuId, 500);
    return {
      skuId,
      currentPriceFen: sku.price_fen,
      currency: sku.currency,
      lowestCharged7dFen: await this.lowestChargedPrice(skuId, new Date(now.getTime() - 7 * DAY_MS).toISOString(), new Date(now.getTime() + 1).toISOString()),
      items: rows.map((r) => ({ id: r.id, kind: r.kind, priceFen: r.price_fen, currency: r.currency, orderId: r.order_id, at: r.from_at })),
    };
  }

  /** For the shelf: products by id with their SKUs (archived ones included, flagged). */
  async productsByIds(ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    return this.toDtos(await this.store.productsByIds([...new Set(ids)]));
  }

  private async toDtos(products: ProductsTable[]): Promise<Product[]> {
    const skus = await this.store.skusOf(products.map((p) => p.id));
    const brands = await this.brandNames(products.map((p) => p.brand_id).filter((x): x is string => x !== null));
    return products.map((p) => ({
      id: p.id,
      title: p.title,
      description: p.description,
      category: p.category,
      tags: JSON.parse(p.tags_json) as string[],
      images: JSON.parse(p.images_json) as string[],
      brandId: p.brand_id,
      brandName: p.brand_id ? (brands.get(p.brand_id) ?? null) : null,
      isDemo: p.is_demo === 1,
      archived: p.archived_at !== null,
      updatedAt: p.updated_at,
      skus: skus
        .filter((s) => s.product_id === p.id)
        .map((s) => ({ id: s.id, code: s.code, name: s.name, attrs: JSON.parse(s.attrs_json) as Record<string, string>, priceFen: s.price_fen, currency: s.currency, stock: s.stock })),
    }));
  }

  private async assertBrand(exec: Kysely<DB>, brandId: string | null): Promise<void> {
    if (brandId === null) return;
    if ((await this.store.brandsByIdsIn(exec, [brandId])).length === 0) throw invalid('body.brandId', 'no such brand');
  }

  private async assertCodesFree(exec: Kysely<DB>, codes: string[], productId: string | null): Promise<void> {
    const taken = await this.store.skusByCodes(exec, codes);
    const clash = taken.find((s) => s.product_id !== productId || productId === null);
    if (clash) throw duplicateCode(codes.indexOf(clash.code));
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

function duplicateCode(i: number): AppError {
  return new AppError('conflict', `skus.${i}.code: another SKU already has this code`, { code: 'DUPLICATE_SKU_CODE', issues: [{ path: `body.skus.${i}.code`, message: 'already used by another SKU' }] });
}

function duplicateCodeInBody(codes: string[]): void {
  const seen = new Set<string>();
  codes.forEach((c, i) => {
    if (seen.has(c)) throw duplicateCode(i);
    seen.add(c);
  });
}

function productAuditView(p: ProductsTable) {
  return { title: p.title, description: p.description, brandId: p.brand_id, category: p.category, tags: JSON.parse(p.tags_json) as unknown, images: JSON.parse(p.images_json) as unknown, archivedAt: p.archived_at };
}
