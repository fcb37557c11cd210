import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { NewProduct } from './catalog.service.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const marketer = ctxOf(['marketer']);
const analyst = ctxOf(['analyst']);

let n = 0;
const product = (over: Partial<NewProduct> = {}, stock = 10, priceFen = 1990): NewProduct => {
  const k = ++n;
  return {
    brandId: null,
    title: `Test tea ${k}`,
    description: 'A test product',
    category: 'tea',
    tags: ['green tea'],
    images: ['https://example.com/tea.png'],
    skus: [{ code: `T-${k}-A`, name: '100 g', attrs: { size: '100g' }, priceFen, currency: 'CNY', stock }],
    ...over,
  };
};

describe.each(dialects())('CatalogService on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  const history = (skuId: string) => t.database.db.selectFrom('sku_price_history').selectAll().where('sku_id', '=', skuId).orderBy('from_at').orderBy('id').execute();
  const audits = (targetId: string) => t.database.db.selectFrom('audit_log').select(['action', 'before_json', 'after_json']).where('target_id', '=', targetId).orderBy('at').orderBy('id').execute();

  it('creates, edits, archives and searches products; the analyst may read but not write', async () => {
    const brandId = await t.services.catalog.createBrand(marketer, 'Tea brand');
    const id = await t.services.catalog.createProduct(marketer, product({ brandId, title: 'Longjing special', tags: ['spring'] }));
    const p = await t.services.catalog.getProduct(analyst, id);
    expect(p).toMatchObject({ title: 'Longjing special', brandId, brandName: 'Tea brand', archived: false, images: ['https://example.com/tea.png'] });
    expect(p.skus[0]).toMatchObject({ attrs: { size: '100g' }, priceFen: 1990, stock: 10 });

    const edited = await t.services.catalog.updateProduct(marketer, id, { title: 'Longjing extra', tags: ['spring', 'gift'] });
    expect(edited).toMatchObject({ title: 'Longjing extra', tags: ['spring', 'gift'] });
    expect((await t.services.catalog.listProducts(analyst, { q: 'LONGJING' })).map((x) => x.id)).toEqual([id]);
    expect((await t.services.catalog.listProducts(analyst, { q: p.skus[0]!.code.toLowerCase() })).map((x) => x.id)).toEqual([id]);
    expect((await t.services.catalog.listProducts(analyst, { q: '100%' })).map((x) => x.id)).toEqual([]);

    await t.services.catalog.updateProduct(marketer, id, { archived: true });
    expect((await t.services.catalog.listProducts(analyst, { status: 'active' })).some((x) => x.id === id)).toBe(false);
    expect((await t.services.catalog.listProducts(analyst, { status: 'archived' })).map((x) => x.id)).toContain(id);
    expect((await audits(id)).map((a) => a.action)).toEqual(['catalog.product_created', 'catalog.product_updated', 'catalog.product_archived']);

    await expect(t.services.catalog.updateProduct(analyst, id, { title: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(t.services.catalog.createProduct(analyst, product())).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses an unknown brand, a duplicate SKU code and bad numbers, naming the field and writing nothing', async () => {
    const before = await t.database.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(t.services.catalog.createProduct(marketer, product({ brandId: 'no-such-brand' }))).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'body.brandId' }] });
    const taken = product();
    await t.services.catalog.createProduct(marketer, taken);
    const clash = product();
    clash.skus[0]!.code = taken.skus[0]!.code;
    await expect(t.services.catalog.createProduct(marketer, clash)).rejects.toMatchObject({ code: 'DUPLICATE_SKU_CODE', issues: [{ path: 'body.skus.0.code' }] });
    const twice = product();
    twice.skus.push({ ...twice.skus[0]!, name: 'again' });
    await expect(t.services.catalog.createProduct(marketer, twice)).rejects.toMatchObject({ code: 'DUPLICATE_SKU_CODE', issues: [{ path: 'body.skus.1.code' }] });
    await expect(t.services.catalog.createProduct(marketer, product({}, -1))).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'body.skus.0.stock' }] });
    await expect(t.services.catalog.createProduct(marketer, product({}, 1, 19.9))).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'body.skus.0.priceFen' }] });
    const after = await t.database.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
  });

  it('edits SKUs: a list-price change appends a list row, a stock change is audited, a sale in between is never overwritten', async () => {
    const id = await t.services.catalog.createProduct(marketer, product({}, 10, 1000));
    const [sku] = (await t.services.catalog.getProduct(marketer, id)).skus;
    t.clock.advance(60_000);
    const edited = await t.services.catalog.putSkus(marketer, id, {
      skus: [
        { id: sku!.id, code: sku!.code, name: '100 g tin', attrs: {}, priceFen: 1200, currency: 'CNY', stock: 15, expectedStock: 10 },
        { code: `${sku!.code}-B`, name: '250 g', attrs: { size: '250g' }, priceFen: 2500, currency: 'CNY', stock: 3 },
      ],
    });
    expect(edited.skus.map((s) => [s.name, s.priceFen, s.stock])).toEqual([
      ['100 g tin', 1200, 15],
      ['250 g', 2500, 3],
    ]);
    expect((await history(sku!.id)).map((h) => [h.kind, h.price_fen])).toEqual([
      ['list', 1000],
      ['list', 1200],
    ]);
    const skuAudits = await audits(sku!.id);
    expect(skuAudits.map((a) => a.action).sort()).toEqual(['catalog.price_changed', 'catalog.stock_adjusted']);
    const stockAudit = skuAudits.find((a) => a.action === 'catalog.stock_adjusted')!;
    expect(JSON.parse(stockAudit.before_json!)).toMatchObject({ stock: 10 });
    expect(JSON.parse(stockAudit.after_json!)).toMatchObject({ stock: 15 });

    // Same price again: no new history row. A sale happened since the editor loaded (15 -> 14): refused.
    expect(await t.services.catalog.takeStock(t.database.db, sku!.id, 1)).toBe(true);
    const all = (await t.services.catalog.getProduct(marketer, id)).skus;
    await expect(
      t.services.catalog.putSkus(marketer, id, {
        skus: all.map((s) => ({ id: s.id, code: s.code, name: s.name, attrs: s.attrs, priceFen: s.priceFen, currency: 'CNY' as const, stock: s.id === sku!.id ? 20 : s.stock, expectedStock: s.id === sku!.id ? 15 : s.stock })),
      }),
    ).rejects.toMatchObject({ code: 'STOCK_CHANGED', issues: [{ path: 'body.skus.0.stock' }] });
    expect((await t.services.catalog.getProduct(marketer, id)).skus[0]!.stock).toBe(14);
    expect(await history(sku!.id)).toHaveLength(2);
    // A price edit by someone who loaded 15 leaves the stock (untouched by them) at 14, the sale kept.
    const priced = await t.services.catalog.putSkus(marketer, id, {
      skus: all.map((s) => ({ id: s.id, code: s.code, name: s.name, attrs: s.attrs, priceFen: s.id === sku!.id ? 1100 : s.priceFen, currency: 'CNY' as const, stock: s.id === sku!.id ? 15 : s.stock, expectedStock: s.id === sku!.id ? 15 : s.stock })),
    });
    expect(priced.skus[0]).toMatchObject({ priceFen: 1100, stock: 14 });

    // Two SKUs may trade codes in one edit.
    const two = (await t.services.catalog.getProduct(marketer, id)).skus;
    const swapped = await t.services.catalog.putSkus(marketer, id, {
      skus: two.map((s, i) => ({ id: s.id, code: two[1 - i]!.code, name: s.name, attrs: s.attrs, priceFen: s.priceFen, currency: 'CNY' as const, stock: s.stock, expectedStock: s.stock })),
    });
    expect(swapped.skus.find((s) => s.id === two[0]!.id)!.code).toBe(two[1]!.code);
    expect(swapped.skus.find((s) => s.id === two[1]!.id)!.code).toBe(two[0]!.code);

    // Removing a SKU is refused (orders may refer to it).
    await expect(t.services.catalog.putSkus(marketer, id, { skus: [{ id: sku!.id, code: sku!.code, name: 'x', attrs: {}, priceFen: 1, currency: 'CNY', stock: 14 }] })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'body.skus' }],
    });
  });

  it('an edit with skus saves the fields and the SKU list in one transaction, with the audits and price history of both paths', async () => {
    const id = await t.services.catalog.createProduct(marketer, product({ title: 'Both at once' }, 10, 1000));
    const [sku] = (await t.services.catalog.getProduct(marketer, id)).skus;
    t.clock.advance(60_000);
    const edited = await t.services.catalog.updateProduct(marketer, id, {
      title: 'Both at once, edited',
      tags: ['spring'],
      skus: [
        { id: sku!.id, code: sku!.code, name: '100 g tin', attrs: {}, priceFen: 1200, currency: 'CNY', stock: 12, expectedStock: 10 },
        { code: `${sku!.code}-B`, name: '250 g', attrs: { size: '250g' }, priceFen: 2500, currency: 'CNY', stock: 3 },
      ],
    });
    expect(edited).toMatchObject({ title: 'Both at once, edited', tags: ['spring'] });
    expect(edited.skus.map((s) => [s.name, s.priceFen, s.stock])).toEqual([
      ['100 g tin', 1200, 12],
      ['250 g', 2500, 3],
    ]);
    expect((await history(sku!.id)).map((h) => [h.kind, h.price_fen])).toEqual([
      ['list', 1000],
      ['list', 1200],
    ]);
    expect(await history(edited.skus[1]!.id)).toHaveLength(1);
    expect((await audits(id)).map((a) => a.action)).toEqual(['catalog.product_created', 'catalog.product_updated', 'catalog.skus_added']);
    expect((await audits(sku!.id)).map((a) => a.action).sort()).toEqual(['catalog.price_changed', 'catalog.stock_adjusted']);

    // A SKU-only edit is audited like PUT .../skus: no product_updated entry.
    t.clock.advance(60_000);
    const now = (await t.services.catalog.getProduct(marketer, id)).skus;
    await t.services.catalog.updateProduct(marketer, id, { skus: now.map((s) => ({ id: s.id, code: s.code, name: s.name, attrs: s.attrs, priceFen: s.priceFen + 100, currency: 'CNY' as const, stock: s.stock, expectedStock: s.stock })) });
    expect((await audits(id)).map((a) => a.action)).toEqual(['catalog.product_created', 'catalog.product_updated', 'catalog.skus_added']);
    expect((await audits(sku!.id)).filter((a) => a.action === 'catalog.price_changed')).toHaveLength(2);
  });

  it('an edit whose SKU list is refused changes neither the product nor its SKUs (the field writes roll back)', async () => {
    const brandId = await t.services.catalog.createBrand(marketer, 'Rollback brand');
    const other = await t.services.catalog.createProduct(marketer, product());
    const otherCode = (await t.services.catalog.getProduct(marketer, other)).skus[0]!.code;
    const id = await t.services.catalog.createProduct(marketer, product({ title: 'Untouched', tags: ['kept'] }, 10, 1000));
    const before = await t.services.catalog.getProduct(marketer, id);
    const s = before.skus[0]!;
    const row = (over: Record<string, unknown> = {}) => ({ id: s.id, code: s.code, name: s.name, attrs: s.attrs, priceFen: 1500, currency: 'CNY' as const, stock: 20, expectedStock: 10, ...over });
    const fields = { title: 'Half saved?', description: 'changed', brandId, category: 'other', tags: ['gone'], images: [], archived: true };
    const snapshot = async () => ({
      product: await t.services.catalog.getProduct(marketer, id),
      history: await history(s.id),
      audits: await audits(id),
      skuAudits: await audits(s.id),
    });
    const was = await snapshot();
    expect(await t.services.catalog.takeStock(t.database.db, s.id, 1)).toBe(true);
    const sold = await snapshot();
    const cases: [unknown[], string, string][] = [
      [[row({ id: 'not-this-products' })], 'VALIDATION', 'body.skus.0.id'],
      [[row({ code: `${s.code}-NEW`, id: undefined })], 'VALIDATION', 'body.skus'],
      [[row(), { code: otherCode, name: 'clash', attrs: {}, priceFen: 1, currency: 'CNY', stock: 1 }], 'DUPLICATE_SKU_CODE', 'body.skus.1.code'],
      [[row(), { code: s.code, name: 'twice', attrs: {}, priceFen: 1, currency: 'CNY', stock: 1 }], 'DUPLICATE_SKU_CODE', 'body.skus.1.code'],
      // The editor saw 10 and typed 20, but a unit sold meanwhile (now 9).
      [[row()], 'STOCK_CHANGED', 'body.skus.0.stock'],
    ];
    for (const [skus, code, path] of cases) {
      t.clock.advance(1000);
      await expect(t.services.catalog.updateProduct(marketer, id, { ...fields, skus: skus as never }), JSON.stringify(skus)).rejects.toMatchObject({ code, issues: [{ path }] });
      expect(await snapshot()).toEqual(sold);
    }
    expect(sold.product).toEqual({ ...was.product, skus: [{ ...s, stock: 9 }] });
    expect(sold.product).toMatchObject({ title: 'Untouched', tags: ['kept'], brandId: null, archived: false, updatedAt: before.updatedAt });
  });

  it('price history: list and charged rows newest first, and the lowest price charged in the previous 7 days', async () => {
    const id = await t.services.catalog.createProduct(marketer, product({}, 100, 5000));
    const skuId = (await t.services.catalog.getProduct(marketer, id)).skus[0]!.id;
    const db = t.database.db;
    const start = t.clock.now().getTime();
    await t.services.catalog.recordChargedPrices(db, 'order-old', [{ skuId, unitPriceFen: 3000, currency: 'CNY' }]);
    t.clock.advance(8 * 86_400_000);
    await t.services.catalog.recordChargedPrices(db, 'order-a', [{ skuId, unitPriceFen: 4500, currency: 'CNY' }]);
    t.clock.advance(3600_000);
    await t.services.catalog.recordChargedPrices(db, 'order-b', [{ skuId, unitPriceFen: 4200, currency: 'CNY' }]);
    t.clock.advance(3600_000);

    const h = await t.services.catalog.priceHistory(analyst, skuId);
    // 3000 was charged 8 days ago: outside the window.
    expect(h.lowestCharged7dFen).toBe(4200);
    expect(h.currentPriceFen).toBe(5000);
    expect(h.items.map((i) => [i.kind, i.priceFen, i.orderId])).toEqual([
      ['charged', 4200, 'order-b'],
      ['charged', 4500, 'order-a'],
      ['charged', 3000, 'order-old'],
      ['list', 5000, null],
    ]);
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(await t.services.catalog.lowestChargedPrice(skuId, iso(start), iso(start + 1))).toBe(3000);
    expect(await t.services.catalog.lowestChargedPrice(skuId, iso(start + 1), iso(start + 8 * 86_400_000))).toBeNull();
    // List prices never count as "charged".
    const other = await t.services.catalog.createProduct(marketer, product({}, 1, 100));
    const otherSku = (await t.services.catalog.getProduct(marketer, other)).skus[0]!.id;
    expect(await t.services.catalog.lowestChargedPrice(otherSku, iso(0), iso(t.clock.now().getTime() + 1))).toBeNull();
    await expect(t.services.catalog.priceHistory(analyst, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('takeStock and returnStock move stock inside the caller\'s transaction and never below zero', async () => {
    const id = await t.services.catalog.createProduct(marketer, product({}, 5));
    const skuId = (await t.services.catalog.getProduct(marketer, id)).skus[0]!.id;
    const stock = async () => (await t.services.catalog.skuSnapshots([skuId])).get(skuId)!.stock;
    expect(await t.services.catalog.takeStock(t.database.db, skuId, 3)).toBe(true);
    expect(await t.services.catalog.takeStock(t.database.db, skuId, 3)).toBe(false);
    expect(await stock()).toBe(2);
    await t.services.catalog.returnStock(t.database.db, skuId, 1);
    expect(await stock()).toBe(3);
    // A rolled-back transaction leaves the stock as it was.
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        expect(await t.services.catalog.takeStock(trx, skuId, 3)).toBe(true);
        throw new Error('order failed');
      }),
    ).rejects.toThrow('order failed');
    expect(await stock()).toBe(3);
    expect(await t.services.catalog.takeStock(t.database.db, 'no-such-sku', 1)).toBe(false);
    await expect(t.services.catalog.takeStock(t.database.db, skuId, 0)).rejects.toThrow(RangeError);
    await expect(t.services.catalog.returnStock(t.database.db, skuId, -1)).rejects.toThrow(RangeError);
  });

  it('N parallel takeStock calls, each in its own transaction, sell exactly the stock and never go below zero', async () => {
    const initial = 25;
    const id = await t.services.catalog.createProduct(marketer, product({}, initial));
    const skuId = (await t.services.catalog.getProduct(marketer, id)).skus[0]!.id;
    const attempts = 80;
    const results = await Promise.all(
      Array.from({ length: attempts }, () => t.database.db.transaction().execute((trx) => t.services.catalog.takeStock(trx, skuId, 1))),
    );
    expect(results.filter(Boolean)).toHaveLength(initial);
    expect((await t.services.catalog.skuSnapshots([skuId])).get(skuId)!.stock).toBe(0);
    // Mixed quantities: the sum taken never exceeds what there was.
    await t.services.catalog.returnStock(t.database.db, skuId, 10);
    const qty = [3, 4, 2, 5, 1, 3, 4];
    const mixed = await Promise.all(qty.map((q) => t.database.db.transaction().execute((trx) => t.services.catalog.takeStock(trx, skuId, q))));
    const taken = qty.reduce((sum, q, i) => sum + (mixed[i] ? q : 0), 0);
    expect(taken).toBeLessThanOrEqual(10);
    expect((await t.services.catalog.skuSnapshots([skuId])).get(skuId)!.stock).toBe(10 - taken);
  });
});
