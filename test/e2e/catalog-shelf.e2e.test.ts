import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductDto } from '../../src/contracts/catalog.contract.js';
import { systemCtx } from '../../src/server/platform/context.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { expectError, makeLiveSession, snapshotDatabase } from './route-fixtures.js';

/**
 * Catalog and shelf over HTTP: a marketer creates and edits a product, a host arranges the shelf
 * and pins; every kind of bad input gets a clear 4xx naming the field and changes nothing.
 */
describe.each(dialects())('catalog and shelf over HTTP on %s', (dialect) => {
  let t: TestApp;
  let marketer: Session;
  let host: Session;
  let analyst: Session;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    [marketer, host, analyst] = [await t.signInAs(['marketer']), await t.signInAs(['host']), await t.signInAs(['analyst'])];
  });
  afterAll(async () => t?.dispose());

  const send = (who: Session, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const sku = (code: string, over: Record<string, unknown> = {}) => ({ code, name: '100 g', attrs: { size: '100g' }, priceFen: 16800, currency: 'CNY', stock: 10, ...over });
  const product = (over: Record<string, unknown> = {}) => ({ title: 'Longjing', description: 'Spring', brandId: null, category: 'tea', tags: ['green'], images: ['https://example.com/a.png'], skus: [sku(`LJ-${Math.random().toString(36).slice(2, 8)}`)], ...over });

  it('creates, edits and prices a product; the history shows both edits', async () => {
    const created = await send(marketer, 'POST', '/api/console/products', product({ title: 'HTTP tea' }));
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json<ProductDto>();
    const s = p.skus[0]!;
    const patched = await send(marketer, 'PATCH', `/api/console/products/${p.id}`, { description: 'Edited', archived: false });
    expect(patched.json<ProductDto>().description).toBe('Edited');
    const put = await send(marketer, 'PUT', `/api/console/products/${p.id}/skus`, { skus: [{ ...sku(s.code), id: s.id, priceFen: 15800, stock: 8, expectedStock: 10 }] });
    expect(put.statusCode, put.body).toBe(200);
    const prices = await send(analyst, 'GET', `/api/console/skus/${s.id}/prices`);
    expect(prices.json<{ items: { kind: string; priceFen: number }[] }>().items.map((i) => i.priceFen)).toEqual([15800, 16800]);
    expect((await send(analyst, 'GET', '/api/console/products?q=http%20tea')).json<{ items: ProductDto[] }>().items.map((x) => x.id)).toEqual([p.id]);
    expectError(await send(analyst, 'POST', '/api/console/products', product()), 403, 'FORBIDDEN');

    // The console form's save: fields and SKU list in one PATCH.
    const both = await send(marketer, 'PATCH', `/api/console/products/${p.id}`, {
      title: 'HTTP tea, edited',
      archived: false,
      skus: [{ ...sku(s.code), id: s.id, priceFen: 14800, stock: 8, expectedStock: 8 }, sku(`${s.code}-B`, { priceFen: 30000, stock: 2 })],
    });
    expect(both.statusCode, both.body).toBe(200);
    const edited = both.json<ProductDto>();
    expect(edited.title).toBe('HTTP tea, edited');
    expect(edited.skus.map((x) => [x.code, x.priceFen, x.stock])).toEqual([
      [s.code, 14800, 8],
      [`${s.code}-B`, 30000, 2],
    ]);
    const after = await send(analyst, 'GET', `/api/console/skus/${s.id}/prices`);
    expect(after.json<{ items: { priceFen: number }[] }>().items.map((i) => i.priceFen)).toEqual([14800, 15800, 16800]);
  });

  it('bad product input: a clear 4xx naming the field, nothing written', async () => {
    const existing = (await send(marketer, 'POST', '/api/console/products', product())).json<ProductDto>();
    const other = (await send(marketer, 'POST', '/api/console/products', product())).json<ProductDto>();
    const before = await snapshotDatabase(t);
    const cases: [unknown, number, string, string][] = [
      [product({ skus: [sku('NEG-1', { priceFen: -1 })] }), 400, 'VALIDATION', 'body.skus.0.priceFen'],
      [product({ skus: [sku('FRAC-1', { priceFen: 19.9 })] }), 400, 'VALIDATION', 'body.skus.0.priceFen'],
      [product({ skus: [sku('NEG-2', { stock: -3 })] }), 400, 'VALIDATION', 'body.skus.0.stock'],
      [product({ skus: [sku('FRAC-2', { stock: 1.5 })] }), 400, 'VALIDATION', 'body.skus.0.stock'],
      [product({ skus: [sku('STR-1', { priceFen: '100' })] }), 400, 'VALIDATION', 'body.skus.0.priceFen'],
      [product({ brandId: 'no-such-brand' }), 400, 'VALIDATION', 'body.brandId'],
      [product({ skus: [sku(existing.skus[0]!.code)] }), 409, 'DUPLICATE_SKU_CODE', 'body.skus.0.code'],
      [product({ skus: [sku('TWICE'), sku('TWICE')] }), 409, 'DUPLICATE_SKU_CODE', 'body.skus.1.code'],
      [product({ skus: [] }), 400, 'VALIDATION', 'body.skus'],
      [product({ images: ['javascript:alert(1)'] }), 400, 'VALIDATION', 'body.images.0'],
      [product({ title: '  ' }), 400, 'VALIDATION', 'body.title'],
    ];
    for (const [body, status, code, path] of cases) {
      const err = expectError(await send(marketer, 'POST', '/api/console/products', body), status, code);
      expect(err.issues?.map((i) => i.path), JSON.stringify(body)).toContain(path);
    }
    const s = existing.skus[0]!;
    const skuCases: [unknown, number, string, string][] = [
      [{ skus: [{ ...sku(s.code), id: s.id, priceFen: -5 }] }, 400, 'VALIDATION', 'body.skus.0.priceFen'],
      [{ skus: [{ ...sku(s.code), id: 'someone-elses' }] }, 400, 'VALIDATION', 'body.skus.0.id'],
      [{ skus: [sku('ONLY-NEW')] }, 400, 'VALIDATION', 'body.skus'],
      [{ skus: [{ ...sku(s.code), id: s.id, stock: 50, expectedStock: 9 }] }, 409, 'STOCK_CHANGED', 'body.skus.0.stock'],
    ];
    for (const [body, status, code, path] of skuCases) {
      const err = expectError(await send(marketer, 'PUT', `/api/console/products/${existing.id}/skus`, body), status, code);
      expect(err.issues?.map((i) => i.path), JSON.stringify(body)).toContain(path);
    }
    // Valid product fields with a bad SKU list: the whole PATCH is refused, naming the SKU field,
    // and neither the product nor its SKUs change (the snapshot below).
    const beforePatch = await snapshotDatabase(t);
    const fields = { title: 'Half saved?', description: 'changed', tags: ['x'], archived: true };
    const patchCases: [unknown[], number, string, string][] = [
      [[{ ...sku(s.code), id: s.id, priceFen: -5 }], 400, 'VALIDATION', 'body.skus.0.priceFen'],
      [[{ ...sku(s.code), id: s.id, stock: 2.5 }], 400, 'VALIDATION', 'body.skus.0.stock'],
      [[{ ...sku(s.code), id: s.id, code: 'bad code!' }], 400, 'VALIDATION', 'body.skus.0.code'],
      [[], 400, 'VALIDATION', 'body.skus'],
      [[{ ...sku(s.code), id: 'someone-elses' }], 400, 'VALIDATION', 'body.skus.0.id'],
      [[sku('ONLY-NEW')], 400, 'VALIDATION', 'body.skus'],
      [[{ ...sku(s.code), id: s.id }, sku(other.skus[0]!.code)], 409, 'DUPLICATE_SKU_CODE', 'body.skus.1.code'],
      [[{ ...sku(s.code), id: s.id, stock: 50, expectedStock: 9 }], 409, 'STOCK_CHANGED', 'body.skus.0.stock'],
    ];
    for (const [skus, status, code, path] of patchCases) {
      const err = expectError(await send(marketer, 'PATCH', `/api/console/products/${existing.id}`, { ...fields, skus }), status, code);
      expect(err.issues?.map((i) => i.path), JSON.stringify(skus)).toContain(path);
    }
    expect(await snapshotDatabase(t)).toEqual(beforePatch);
    const unchanged = (await send(analyst, 'GET', `/api/console/products?q=${encodeURIComponent(s.code)}`)).json<{ items: ProductDto[] }>().items;
    expect(unchanged).toEqual([existing]);
    expectError(await send(marketer, 'PATCH', `/api/console/products/${existing.id}`, { brandId: 'nope' }), 400, 'VALIDATION');
    expectError(await send(marketer, 'PATCH', '/api/console/products/nope', { title: 'x' }), 404, 'NOT_FOUND');
    expectError(await send(analyst, 'GET', '/api/console/skus/nope/prices'), 404, 'NOT_FOUND');
    expect(await snapshotDatabase(t)).toEqual(before);
  });

  it('bad shelf input: unknown, duplicate or archived products, pins off the shelf or before going live; nothing written', async () => {
    const ctx = systemCtx('test');
    const a = (await send(marketer, 'POST', '/api/console/products', product())).json<ProductDto>();
    const gone = (await send(marketer, 'POST', '/api/console/products', product())).json<ProductDto>();
    await send(marketer, 'PATCH', `/api/console/products/${gone.id}`, { archived: true });
    const scheduled = await makeLiveSession(t, { status: 'scheduled' });
    const live = await makeLiveSession(t, { status: 'live' });
    const ended = await makeLiveSession(t, { status: 'ended' });
    expect((await send(host, 'PUT', `/api/console/sessions/${live.id}/shelf`, { productIds: [a.id] })).statusCode).toBe(200);
    await t.services.shelf.setShelf(ctx, scheduled.id, [a.id]);
    const before = await snapshotDatabase(t);
    const shelfCases: [string, unknown, number, string, string | null][] = [
      [live.id, { productIds: [a.id, 'no-such'] }, 400, 'VALIDATION', 'body.productIds.1'],
      [live.id, { productIds: [a.id, a.id] }, 400, 'VALIDATION', 'body.productIds'],
      [live.id, { productIds: [gone.id] }, 400, 'VALIDATION', 'body.productIds.0'],
      [ended.id, { productIds: [a.id] }, 409, 'SESSION_CLOSED', null],
    ];
    for (const [sid, body, status, code, path] of shelfCases) {
      const err = expectError(await send(host, 'PUT', `/api/console/sessions/${sid}/shelf`, body), status, code);
      if (path) expect(err.issues?.map((i) => i.path)).toContain(path);
    }
    expect(await snapshotDatabase(t)).toEqual(before);
    const off = (await send(marketer, 'POST', '/api/console/products', product())).json<ProductDto>();
    const before2 = await snapshotDatabase(t);
    expectError(await send(host, 'POST', `/api/console/sessions/${live.id}/shelf/pin`, { productId: off.id }), 409, 'NOT_ON_SHELF');
    expectError(await send(host, 'POST', `/api/console/sessions/${live.id}/shelf/pin`, { productId: gone.id }), 409, 'PRODUCT_ARCHIVED');
    expectError(await send(host, 'POST', `/api/console/sessions/${scheduled.id}/shelf/pin`, { productId: a.id }), 409, 'SESSION_NOT_LIVE');
    expectError(await send(host, 'POST', `/api/console/sessions/${live.id}/shelf/pin`, {}), 400, 'VALIDATION');
    expectError(await send(host, 'POST', '/api/console/sessions/nope/shelf/pin', { productId: a.id }), 404, 'NOT_FOUND');
    expectError(await send(analyst, 'PUT', `/api/console/sessions/${live.id}/shelf`, { productIds: [] }), 403, 'FORBIDDEN');
    expect(await snapshotDatabase(t)).toEqual(before2);

    // The valid pin, then the explanation report sees it.
    const pinned = await send(host, 'POST', `/api/console/sessions/${live.id}/shelf/pin`, { productId: a.id });
    expect(pinned.json<{ pinned: { productId: string } }>().pinned.productId).toBe(a.id);
    const report = await send(analyst, 'GET', `/api/console/sessions/${live.id}/explanations`);
    expect(report.json<{ items: { productId: string; endedAt: string | null }[] }>().items).toMatchObject([{ productId: a.id, endedAt: null }]);
  });
});
