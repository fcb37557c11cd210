import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import type { FlashEvent } from '../../../contracts/realtime.contract.js';
import { flashEventSchema } from '../../../contracts/realtime.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { timeOrderedIds } from '../../platform/ids/id-generator.js';
import { MemoryFlashGate } from './flash-gate.memory.js';
import { FlashSalesService } from './flash-sales.service.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const operator = ctxOf(['operator']);
const analyst = ctxOf(['analyst']);

describe.each(dialects())('FlashSalesService on %s', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  const flash = () => t.services.flashSales;
  async function setup(stock = 100, priceFen = 9900) {
    const k = ++n;
    const productId = await t.services.catalog.createProduct(systemCtx('test'), {
      brandId: null,
      title: `Flash tea ${k}`,
      description: 'x',
      category: 'tea',
      tags: [],
      images: [],
      skus: [{ code: `F-${k}`, name: '250 g', attrs: {}, priceFen, currency: 'CNY', stock }],
    });
    const skuId = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    const session = await t.services.sessions.create(systemCtx('test'), { title: `Flash session ${k}`, theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    await t.services.sessions.transition(systemCtx('test'), session.id, 'scheduled');
    return { skuId, sessionId: session.id };
  }
  const skuStock = async (skuId: string) => Number((await t.database.db.selectFrom('skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock);
  const saleRow = (id: string) => t.database.db.selectFrom('flash_sales').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const buyerQty = async (id: string, buyer: string) => Number((await t.database.db.selectFrom('flash_sale_buyers').select('quantity').where('flash_sale_id', '=', id).where('buyer_id', '=', buyer).executeTakeFirst())?.quantity ?? 0);

  /** Claim on the gate, then record in a transaction of its own (what the checkout does). */
  async function buy(saleId: string, buyer: string, units: number): Promise<boolean> {
    const c = await flash().claim(saleId, buyer, units);
    if (!c.ok) return false;
    const ok = await t.database.db.transaction().execute((trx) => flash().recordClaim(trx, saleId, buyer, units));
    if (!ok) await flash().unclaim(saleId, buyer, units);
    return ok;
  }

  it('creation sets the units aside from the SKU stock, at the next full hour by default; closing gives the unsold back', async () => {
    const { skuId, sessionId } = await setup(100);
    const sale = await flash().create(operator, sessionId, { skuId, priceFen: 4900, units: 30, perBuyerLimit: 2, durationMinutes: 10, openNow: false });
    expect(sale).toMatchObject({ status: 'scheduled', left: 30, total: 30, priceFen: 4900, regularPriceFen: 9900 });
    expect(sale.startsAt).toBe('2026-11-26T09:00:00.000Z');
    expect(sale.endsAt).toBe('2026-11-26T09:10:00.000Z');
    expect(await skuStock(skuId)).toBe(70);
    expect(await flash().claim(sale.id, 'v1', 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    const opened = await flash().openNow(operator, sessionId, sale.id);
    expect(opened.status).toBe('open');
    expect(opened.startsAt).toBe(t.clock.now().toISOString());
    // Opened early, it keeps its planned length.
    expect(Date.parse(opened.endsAt) - Date.parse(opened.startsAt)).toBe(10 * 60_000);
    expect(await buy(sale.id, 'v1', 2)).toBe(true);
    expect(await buy(sale.id, 'v1', 1)).toBe(false); // limit 2
    expect(await buyerQty(sale.id, 'v1')).toBe(2);
    expect((await saleRow(sale.id)).stock_left).toBe(28);
    const closed = await flash().closeNow(operator, sessionId, sale.id);
    expect(closed).toMatchObject({ status: 'closed', left: 0, returned: 28 });
    expect(await skuStock(skuId)).toBe(98);
    // A cancelled order after close: its units go to the SKU, not to the closed pool.
    await t.database.db.transaction().execute((trx) => flash().releaseClaim(trx, sale.id, 'v1', 1));
    await flash().unclaim(sale.id, 'v1', 1);
    expect(await skuStock(skuId)).toBe(99);
    expect(await saleRow(sale.id)).toMatchObject({ stock_left: 0, stock_returned: 29, status: 'closed' });
    expect(await buyerQty(sale.id, 'v1')).toBe(1);
    // Retried close: same answer, nothing changed.
    expect((await flash().closeNow(operator, sessionId, sale.id)).status).toBe('closed');
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', sale.id).orderBy('at').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['flash_sale.created', 'flash_sale.open', 'flash_sale.closed']);
  });

  it('recordClaim and releaseClaim move the record; the buyer row refuses going over the limit', async () => {
    const { skuId, sessionId } = await setup(50);
    const sale = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 5, perBuyerLimit: 2, durationMinutes: 10, openNow: true });
    await t.database.db.transaction().execute(async (trx) => {
      expect(await flash().recordClaim(trx, sale.id, 'b', 2)).toBe(true);
      expect(await flash().recordClaim(trx, sale.id, 'b', 1)).toBe(false);
      expect(await flash().recordClaim(trx, sale.id, 'c', 3)).toBe(false);
    });
    expect(await saleRow(sale.id)).toMatchObject({ stock_left: 3 });
    await t.database.db.transaction().execute((trx) => flash().releaseClaim(trx, sale.id, 'b', 2));
    expect(await saleRow(sale.id)).toMatchObject({ stock_left: 5 });
    expect(await buyerQty(sale.id, 'b')).toBe(0);
    // The CHECK constraints are the last line: a direct update past the pool or the limit fails.
    await expect(t.database.db.updateTable('flash_sales').set({ stock_left: 6 }).where('id', '=', sale.id).execute()).rejects.toThrow();
    await expect(t.database.db.updateTable('flash_sale_buyers').set({ quantity: 3 }).where('flash_sale_id', '=', sale.id).execute()).rejects.toThrow();
  });

  it('concurrent recordClaim calls never oversell (Promise.all on the record alone)', async () => {
    const { skuId, sessionId } = await setup(200);
    const sale = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 10, perBuyerLimit: 3, durationMinutes: 10, openNow: true });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => t.database.db.transaction().execute((trx) => flash().recordClaim(trx, sale.id, `buyer-${i % 4}`, 1)).catch(() => false)),
    );
    expect(results.filter(Boolean).length).toBe(10);
    expect((await saleRow(sale.id)).stock_left).toBe(0);
    const buyers = await t.database.db.selectFrom('flash_sale_buyers').select(['quantity']).where('flash_sale_id', '=', sale.id).execute();
    expect(buyers.reduce((a, b) => a + Number(b.quantity), 0)).toBe(10);
    for (const b of buyers) expect(Number(b.quantity)).toBeLessThanOrEqual(3);
  });

  it('a storm through gate + record sells exactly the pool, within limits', async () => {
    const { skuId, sessionId } = await setup(500);
    const sale = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 25, perBuyerLimit: 2, durationMinutes: 10, openNow: true });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => buy(sale.id, `v${i % 40}`, 1 + (i % 2))));
    const row = await saleRow(sale.id);
    const buyers = await t.database.db.selectFrom('flash_sale_buyers').select(['quantity']).where('flash_sale_id', '=', sale.id).execute();
    const sold = buyers.reduce((a, b) => a + Number(b.quantity), 0);
    expect(results.some(Boolean)).toBe(true);
    expect(sold + Number(row.stock_left)).toBe(25);
    expect(Number(row.stock_left)).toBe(0);
    for (const b of buyers) expect(Number(b.quantity)).toBeLessThanOrEqual(2);
    expect((await t.services.flashSales.listPublic(sessionId)).sales[0]).toMatchObject({ id: sale.id, left: 0 });
  });

  it('the scheduler follows the clock: opens at the start, closes at the end, cancels what never opened', async () => {
    const { skuId, sessionId } = await setup(100);
    const a = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 10, perBuyerLimit: 1, durationMinutes: 5, openNow: false });
    t.clock.set(new Date(Date.parse(a.startsAt) + 1000));
    await flash().runDue();
    expect(await flash().statusOf(a.id)).toBe('open');
    expect(await buy(a.id, 'x', 1)).toBe(true);
    t.clock.set(new Date(Date.parse(a.endsAt)));
    await flash().runDue();
    expect(await flash().statusOf(a.id)).toBe('closed');
    expect(await skuStock(skuId)).toBe(99);
    const b = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 10, perBuyerLimit: 1, durationMinutes: 5, openNow: false });
    t.clock.set(new Date(Date.parse(b.endsAt) + 1));
    await flash().runDue();
    expect(await flash().statusOf(b.id)).toBe('cancelled');
    expect(await skuStock(skuId)).toBe(99);
  });

  it('closes a sold-out sale once nothing is in flight', async () => {
    const { skuId, sessionId } = await setup(100);
    const s = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 2, perBuyerLimit: 2, durationMinutes: 30, openNow: true });
    const c = await flash().claim(s.id, 'y', 2);
    expect(c.ok).toBe(true);
    await t.database.db.transaction().execute((trx) => flash().recordClaim(trx, s.id, 'y', 2));
    t.clock.advance(100);
    await flash().runDue(); // settles the recorded hold
    await flash().runDue();
    expect(await flash().statusOf(s.id)).toBe('closed');
    // After the sold-out close, attempts hear "sold out", not "not open".
    expect(await flash().claim(s.id, 'z', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT' });
  });

  it('prices open sales for the cart: flash-sale promotion with the pool left and the units the buyer holds', async () => {
    const { skuId, sessionId } = await setup(100);
    const s = await flash().create(operator, sessionId, { skuId, priceFen: 1000, units: 8, perBuyerLimit: 3, durationMinutes: 30, openNow: true });
    expect(await buy(s.id, 'p', 2)).toBe(true);
    const f = await flash().flashPromotions(sessionId, [skuId], 'p', t.clock.now().getTime());
    expect(f.promotions).toEqual([expect.objectContaining({ kind: 'flash-sale', priceFen: 1000, perBuyerLimit: 3, stockLeft: 6, scope: { skuIds: [skuId] } })]);
    expect(f.purchasedQty).toEqual({ [skuId]: 2 });
    expect(f.flashSaleIdByPromotionId[f.promotions[0]!.id]).toBe(s.id);
    expect((await flash().flashPromotions(sessionId, ['other-sku'], 'p', t.clock.now().getTime())).promotions).toEqual([]);
  });

  it('refuses bad input with the field named, and changes nothing', async () => {
    const { skuId, sessionId } = await setup(10);
    const base = { skuId, priceFen: 100, units: 5, perBuyerLimit: 1, durationMinutes: 10, openNow: false };
    await expect(flash().create(analyst, sessionId, base)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(flash().create(operator, sessionId, { ...base, skuId: 'nope' })).rejects.toMatchObject({ issues: [{ path: 'body.skuId' }] });
    await expect(flash().create(operator, sessionId, { ...base, units: 11 })).rejects.toMatchObject({ issues: [{ path: 'body.units' }] });
    await expect(flash().create(operator, sessionId, { ...base, priceFen: 9900 })).rejects.toMatchObject({ issues: [{ path: 'body.priceFen' }] });
    await expect(flash().create(operator, sessionId, { ...base, perBuyerLimit: 6 })).rejects.toMatchObject({ issues: [{ path: 'body.perBuyerLimit' }] });
    await expect(flash().create(operator, sessionId, { ...base, startsAt: '2020-01-01T00:00:00Z' })).rejects.toMatchObject({ issues: [{ path: 'body.startsAt' }] });
    expect(await skuStock(skuId)).toBe(10);
    expect((await flash().list(operator, sessionId)).items).toEqual([]);
    const ok = await flash().create(operator, sessionId, base);
    await expect(flash().create(operator, sessionId, { ...base, units: 1 })).rejects.toMatchObject({ code: 'FLASH_SALE_OVERLAPS' });
    expect(await skuStock(skuId)).toBe(5);
    await expect(flash().closeNow(operator, sessionId, ok.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(flash().openNow(operator, 'other-session', ok.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await flash().cancel(operator, sessionId, ok.id)).status).toBe('cancelled');
    expect(await skuStock(skuId)).toBe(10);
  });

  it('HTTP: console create/list/open/cancel with permissions; audience list with honest left and server time; 400s name the field', async () => {
    const { skuId, sessionId } = await setup(40);
    const op = await t.signInAs(['operator']);
    const an = await t.signInAs(['analyst']);
    const h = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });
    const url = `/api/console/sessions/${sessionId}/flash-sales`;
    const bad = await t.app.inject({ method: 'POST', url, headers: h(op), payload: { skuId, priceFen: -1, units: 0, perBuyerLimit: 1, durationMinutes: 10 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('priceFen');
    expect((await t.app.inject({ method: 'POST', url, headers: h(an), payload: { skuId, priceFen: 100, units: 5, perBuyerLimit: 1, durationMinutes: 10 } })).statusCode).toBe(403);
    const created = await t.app.inject({ method: 'POST', url, headers: h(op), payload: { skuId, priceFen: 100, units: 5, perBuyerLimit: 1, durationMinutes: 10 } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const list = await t.app.inject({ method: 'GET', url, headers: h(an) });
    expect(list.json()).toMatchObject({ items: [{ id, status: 'scheduled', left: 5 }], now: t.clock.now().getTime() });
    const open = await t.app.inject({ method: 'POST', url: `${url}/${id}/open-now`, headers: h(op) });
    expect(open.json()).toMatchObject({ status: 'open' });
    const guest = await t.app.inject({ method: 'POST', url: '/api/viewer/guest' });
    const token = guest.json<{ guestToken: string }>().guestToken;
    const pub = await t.app.inject({ method: 'GET', url: `/api/live/${sessionId}/flash-sales`, headers: { 'x-guest-token': token } });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json()).toMatchObject({ sales: [{ id, left: 5, total: 5, status: 'open', priceFen: 100, regularPriceFen: 9900 }], now: t.clock.now().getTime() });
    expect((await t.app.inject({ method: 'GET', url: `/api/live/${sessionId}/flash-sales` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: `${url}/${id}/cancel`, headers: h(op) })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'POST', url: `${url}/${id}/close`, headers: h(op) })).json()).toMatchObject({ status: 'closed', returned: 5 });
    expect(await skuStock(skuId)).toBe(40);
  });

  it('HTTP: a signed-in viewer sees the units they hold from each sale (yours); other viewers 0, guests nothing', async () => {
    const { skuId, sessionId } = await setup(10);
    const sale = await flash().create(operator, sessionId, { skuId, priceFen: 100, units: 5, perBuyerLimit: 1, durationMinutes: 10, openNow: true });
    const viewer = async (nickname: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/viewer/signup', payload: { nickname, password: 'flash-yours-pw' } });
      expect(res.statusCode, res.body).toBe(201);
      const cookie = res.cookies.find((c) => c.name === 'onair_viewer');
      return { id: res.json<{ viewer: { id: string } }>().viewer.id, cookie: `onair_viewer=${cookie?.value ?? ''}` };
    };
    const buyer = await viewer(`yours-b-${String(n)}`);
    const other = await viewer(`yours-o-${String(n)}`);
    expect(await buy(sale.id, buyer.id, 1)).toBe(true);
    const url = `/api/live/${sessionId}/flash-sales`;
    const mine = await t.app.inject({ method: 'GET', url, headers: { cookie: buyer.cookie } });
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ sales: [{ id: sale.id, perBuyerLimit: 1, left: 4, yours: 1 }] });
    const theirs = await t.app.inject({ method: 'GET', url, headers: { cookie: other.cookie } });
    expect(theirs.json()).toMatchObject({ sales: [{ id: sale.id, left: 4, yours: 0 }] });
    const token = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest' })).json<{ guestToken: string }>().guestToken;
    const guest = await t.app.inject({ method: 'GET', url, headers: { 'x-guest-token': token } });
    expect(guest.statusCode, guest.body).toBe(200);
    expect(guest.json<{ sales: object[] }>().sales[0]).not.toHaveProperty('yours');
    // Given back (order cancelled or expired unpaid): the buyer holds none again.
    await t.database.db.transaction().execute((trx) => flash().releaseClaim(trx, sale.id, buyer.id, 1));
    expect((await t.app.inject({ method: 'GET', url, headers: { cookie: buyer.cookie } })).json()).toMatchObject({ sales: [{ id: sale.id, yours: 0 }] });
  });

  it('room events: on create, open and close, with times and server time; left updates coalesced to one per tick', async () => {
    const { skuId, sessionId } = await setup(100);
    const events: { sessionId: string; e: FlashEvent }[] = [];
    const svc = new FlashSalesService({
      db: t.database.db,
      clock: t.clock,
      ids: timeOrderedIds(() => t.clock.now().getTime()),
      audit: t.services.audit,
      catalog: t.services.catalog,
      sessions: t.services.sessions,
      gate: new MemoryFlashGate(),
      publish: async (sid, e) => {
        events.push({ sessionId: sid, e });
      },
      tickMs: 20,
      refreshMs: 60_000,
    });
    await svc.start();
    try {
      const sale = await svc.create(operator, sessionId, { skuId, priceFen: 100, units: 10, perBuyerLimit: 5, durationMinutes: 10, openNow: false });
      expect(events.map((x) => x.e)).toEqual([{ t: 'flash', id: sale.id, status: 'scheduled', startsAt: sale.startsAt, endsAt: sale.endsAt, left: 10, total: 10, now: t.clock.now().getTime() }]);
      expect(events[0]!.sessionId).toBe(sessionId);
      await svc.openNow(operator, sessionId, sale.id);
      expect(events.at(-1)!.e).toMatchObject({ status: 'open', left: 10 });
      const before = events.length;
      for (let i = 0; i < 5; i++) expect((await svc.claim(sale.id, `r${i}`, 1)).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 120));
      const leftUpdates = events.slice(before);
      // Five claims in one tick: one update, with the gate's honest count.
      expect(leftUpdates.map((x) => x.e)).toEqual([expect.objectContaining({ status: 'open', left: 5 })]);
      await svc.closeNow(operator, sessionId, sale.id);
      expect(events.at(-1)!.e).toMatchObject({ status: 'closed', left: 0, total: 10 });
      for (const x of events) expect(flashEventSchema.safeParse(x.e).success).toBe(true);
    } finally {
      await svc.stop();
    }
  });
});
