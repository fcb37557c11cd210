import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/support/test-app.js';
import { dialects } from '../../../test/support/test-databases.js';
import { makeLiveSession, nextIp, viewerSignUp, type ViewerSession } from '../../../test/e2e/route-fixtures.js';
import { systemCtx } from '../platform/context.js';
import { SqlPointsLedger } from '../modules/promotions/index.js';
import { SANDBOX_SIGNATURE_HEADER, SandboxPaymentProvider, sandboxWebhookSecret } from '../modules/orders/payments/sandbox-provider.js';
import { resolveSigningSecret } from '../platform/settings.store.js';

/**
 * Checkout and the order lifecycle over HTTP, on SQLite and PostgreSQL: idempotency (also
 * under concurrent duplicates), price changes, stock, expiry, the sandbox payment webhook,
 * cancellation with refund, returns, the encrypted address and fulfilment.
 */

const address = { name: '张三', phone: '13812345678', region: '广东省深圳市', street: '南山区科技园科苑路15号' };

describe.each(dialects())('checkout and orders on %s', (dialect) => {
  let t: TestApp;
  let sessionId: string;
  let skuA: string; // ¥59.00, 10 in stock
  let skuB: string; // ¥12.50, 3 in stock
  let buyer: ViewerSession;
  let owner: Session;
  let logistics: Session;
  let cs: Session;
  let n = 0;
  const key = () => `key-${dialect}-${(n++).toString().padStart(4, '0')}`;

  const inject = (method: 'GET' | 'POST', url: string, who: { cookie: string; csrf: string } | null, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url,
      remoteAddress: nextIp(),
      headers: { ...(who ? { cookie: who.cookie, ...(method === 'POST' ? { 'x-csrf-token': who.csrf } : {}) } : {}), ...headers },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  const stockOf = async (skuId: string) => (await t.database.db.selectFrom('skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow()).stock;
  const place = (who: ViewerSession, body: Record<string, unknown>) => inject('POST', `/api/live/${sessionId}/orders`, who, { usePoints: false, address, ...body });
  const okOrder = (res: LightMyRequestResponse) => {
    expect([200, 201], res.body).toContain(res.statusCode);
    return res.json<{ order: { id: string; totalFen: number; status: string; lines: { id: string; quantity: number; paidFen: number }[]; addressMasked: string }; payment: { checkoutUrl: string } }>();
  };
  const refOf = (checkoutUrl: string) => checkoutUrl.split('/').pop()!;
  const pay = async (checkoutUrl: string, outcome: 'succeed' | 'fail' = 'succeed') => inject('POST', `/api/pay/sandbox/${refOf(checkoutUrl)}/complete`, null, { outcome });
  const placeAndPay = async (who: ViewerSession, lines: { skuId: string; quantity: number }[], total: number) => {
    const o = okOrder(await place(who, { lines, expectedTotalFen: total, idempotencyKey: key() }));
    const paid = await pay(o.payment.checkoutUrl);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ orderStatus: 'paid', paymentStatus: 'succeeded' });
    return o.order;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const s = await makeLiveSession(t, { status: 'live', title: 'Checkout session' });
    sessionId = s.id;
    const ctx = systemCtx('test');
    const pid = await t.services.catalog.createProduct(ctx, {
      brandId: null,
      title: '明前龙井 Longjing',
      description: 'Tea',
      category: 'tea',
      tags: [],
      images: [],
      skus: [
        { code: 'LJ-50', name: '50 g', attrs: {}, priceFen: 5900, currency: 'CNY', stock: 10 },
        { code: 'LJ-MUG', name: 'Mug', attrs: {}, priceFen: 1250, currency: 'CNY', stock: 3 },
      ],
    });
    const skus = await t.database.db.selectFrom('skus').select(['id', 'code']).where('product_id', '=', pid).execute();
    skuA = skus.find((x) => x.code === 'LJ-50')!.id;
    skuB = skus.find((x) => x.code === 'LJ-MUG')!.id;
    buyer = await viewerSignUp(t, `Buyer ${dialect}`);
    owner = await t.signInAs(['owner']);
    logistics = await t.signInAs(['logistics']);
    cs = await t.signInAs(['cs']);
  });
  afterAll(async () => t?.dispose());

  it('places an order: 201, stock taken, pay-by in 15 minutes, sandbox checkout URL', async () => {
    const before = await stockOf(skuA);
    const res = await place(buyer, { lines: [{ skuId: skuA, quantity: 2 }], expectedTotalFen: 11800, idempotencyKey: key() });
    expect(res.statusCode, res.body).toBe(201);
    const body = okOrder(res);
    expect(body.order).toMatchObject({ status: 'pending_payment', totalFen: 11800 });
    expect(body.payment.checkoutUrl).toMatch(/^\/pay\/sandbox\/sbx_/);
    expect(res.json().order.payBy).toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    expect(await stockOf(skuA)).toBe(before - 2);
    const hist = await t.database.db.selectFrom('order_history').selectAll().where('order_id', '=', body.order.id).execute();
    expect(hist).toHaveLength(1);
  });

  it('the same idempotency key gives the same order (200), also when submitted concurrently', async () => {
    const before = await stockOf(skuA);
    const k = key();
    const body = { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: k };
    const results = await Promise.all(Array.from({ length: 5 }, () => place(buyer, body)));
    const ids = new Set(results.map((r) => okOrder(r).order.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const again = await place(buyer, body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, order: { id: [...ids][0] } });
    expect(await stockOf(skuA)).toBe(before - 1);
    const rows = await t.database.db.selectFrom('orders').select('id').where('idempotency_key', '=', k).execute();
    expect(rows).toHaveLength(1);
    // The same key for another cart is a client bug, refused without a second order.
    const reused = await place(buyer, { ...body, lines: [{ skuId: skuA, quantity: 2 }], expectedTotalFen: 11800 });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await stockOf(skuA)).toBe(before - 1);
  });

  it('the same key from two app nodes on one database still makes one order', async () => {
    const second = await createTestApp(dialect, {}, { database: t.testDb });
    try {
      const k = key();
      const body = { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: k, usePoints: false, address };
      const headers = { cookie: buyer.cookie, 'x-csrf-token': buyer.csrf };
      const [a, b] = await Promise.all([
        t.app.inject({ method: 'POST', url: `/api/live/${sessionId}/orders`, headers, payload: body }),
        second.app.inject({ method: 'POST', url: `/api/live/${sessionId}/orders`, headers, payload: body }),
      ]);
      expect(okOrder(a).order.id).toBe(okOrder(b).order.id);
      expect(await t.database.db.selectFrom('orders').select('id').where('idempotency_key', '=', k).execute()).toHaveLength(1);
    } finally {
      await second.dispose();
    }
  });

  it('a changed total is refused with PRICE_CHANGED and the new quote; nothing is written', async () => {
    const before = await stockOf(skuA);
    const count = async () => (await t.database.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const orders = await count();
    const res = await place(buyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5800, idempotencyKey: key() });
    expect(res.statusCode, res.body).toBe(409);
    const err = res.json<{ error: { code: string; details: { quote: { pricing: { totalFen: number } } } } }>().error;
    expect(err.code).toBe('PRICE_CHANGED');
    expect(err.details.quote.pricing.totalFen).toBe(5900);
    expect(await stockOf(skuA)).toBe(before);
    expect(Number(await count())).toBe(Number(orders));
  });

  it('more than the stock is SOLD_OUT and takes nothing (no unit sold twice)', async () => {
    const res = await place(buyer, { lines: [{ skuId: skuA, quantity: 1 }, { skuId: skuB, quantity: 4 }], expectedTotalFen: 5900 + 5000, idempotencyKey: key() });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error.code).toBe('SOLD_OUT');
    expect(await stockOf(skuB)).toBe(3);
  });

  it('bad input changes nothing: negative quantity, unknown SKU, guests, a flash line with no open sale', async () => {
    const before = await stockOf(skuA);
    const neg = await place(buyer, { lines: [{ skuId: skuA, quantity: -1 }], expectedTotalFen: 0, idempotencyKey: key() });
    expect(neg.statusCode).toBe(400);
    expect(neg.json().error.issues[0].path).toBe('body.lines.0.quantity');
    const unknown = await place(buyer, { lines: [{ skuId: 'no-such-sku', quantity: 1 }], expectedTotalFen: 100, idempotencyKey: key() });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.issues[0].path).toBe('body.lines.0.skuId');
    const badPhone = await place(buyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: key(), address: { ...address, phone: 'call me' } });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.issues[0].path).toBe('body.address.phone');
    const guest = await inject('POST', `/api/live/${sessionId}/orders`, null, { lines: [{ skuId: skuA, quantity: 1 }], usePoints: false, expectedTotalFen: 5900, idempotencyKey: key(), address });
    expect(guest.statusCode).toBe(401);
    expect(guest.json().error.message).toMatch(/sign in/i);
    const flash = await place(buyer, { lines: [{ skuId: skuA, quantity: 1, flashSaleId: 'no-such-sale' }], expectedTotalFen: 5900, idempotencyKey: key() });
    expect(flash.statusCode).toBe(409);
    expect(['NOT_OPEN', 'SOLD_OUT']).toContain(flash.json().error.code);
    expect(await stockOf(skuA)).toBe(before);
  });

  it('stores the address encrypted (the raw column has no street) and masked in lists; reveals it only to orders:write, audited', async () => {
    const o = okOrder(await place(buyer, { lines: [{ skuId: skuB, quantity: 1 }], expectedTotalFen: 1250, idempotencyKey: key() }));
    const raw = await t.database.db.selectFrom('orders').select(['address_cipher', 'address_masked']).where('id', '=', o.order.id).executeTakeFirstOrThrow();
    expect(raw.address_cipher).not.toContain('科技园');
    expect(raw.address_cipher).not.toContain('13812345678');
    expect(JSON.stringify(await sql`select * from orders where id = ${o.order.id}`.execute(t.database.db))).not.toContain('科苑路');
    expect(o.order.addressMasked).toBe('张* 138****5678 广东省深圳市…');
    const list = await inject('GET', `/api/console/orders?q=${o.order.id}`, owner);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain('科苑路');
    expect(list.json().items[0].addressMasked).toBe('张* 138****5678 广东省深圳市…');
    const byNickname = await inject('GET', `/api/console/orders?q=${encodeURIComponent(`Buyer ${dialect}`)}&limit=100`, owner);
    expect(byNickname.json().items.map((i: { id: string }) => i.id)).toContain(o.order.id);
    expect(byNickname.json().items[0].buyerNickname).toBe(`Buyer ${dialect}`);
    const csv = await inject('GET', `/api/console/orders/export?q=${o.order.id}`, owner);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toContain(o.order.id);
    expect(csv.body).toContain('张* 138****5678 广东省深圳市…');
    expect(csv.body).not.toContain('科苑路');
    expect(csv.body).not.toContain('13812345678');
    expect((await inject('GET', '/api/console/orders/export', logistics)).statusCode).toBe(200);
    const exported = await t.database.db.selectFrom('audit_log').select('action').where('action', '=', 'order.exported').execute();
    expect(exported.length).toBeGreaterThanOrEqual(2);
    const detail = await inject('GET', `/api/console/orders/${o.order.id}`, owner);
    expect(detail.body).not.toContain('科苑路');
    const full = await inject('GET', `/api/console/orders/${o.order.id}/address`, cs);
    expect(full.statusCode, full.body).toBe(200);
    expect(full.json()).toMatchObject(address);
    expect((await inject('GET', `/api/console/orders/${o.order.id}/address`, logistics)).statusCode).toBe(403);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', o.order.id).execute();
    expect(audit.map((a) => a.action)).toContain('order.address_revealed');
    await inject('POST', `/api/viewer/orders/${o.order.id}/cancel`, buyer, {});
  });

  it('expiry cancels unpaid orders past pay-by: stock and points back, history says expired, paying afterwards is refused', async () => {
    const ledger = new SqlPointsLedger({ db: t.database.db, now: () => t.clock.now().toISOString(), ids: () => `p${Math.random().toString(36).slice(2)}` });
    const pointsBuyer = await viewerSignUp(t, `Points ${dialect}`);
    await ledger.grant(pointsBuyer.viewerId, 500, 'test', `grant-${dialect}`);
    const quote = await inject('POST', `/api/live/${sessionId}/cart/quote`, pointsBuyer, { lines: [{ skuId: skuB, quantity: 1 }], usePoints: true });
    expect(quote.statusCode, quote.body).toBe(200);
    const total = quote.json<{ pricing: { totalFen: number } }>().pricing.totalFen;
    expect(total).toBe(1250 - 500);
    const before = await stockOf(skuB);
    const o = okOrder(await place(pointsBuyer, { lines: [{ skuId: skuB, quantity: 1 }], usePoints: true, expectedTotalFen: total, idempotencyKey: key() }));
    expect(await stockOf(skuB)).toBe(before - 1);
    expect(await ledger.balance(pointsBuyer.viewerId)).toBe(0);
    t.clock.advance(14 * 60_000);
    expect(await t.services.orders.expireDue()).toBe(0);
    t.clock.advance(61_000);
    // Two sweepers (two nodes) at once: one cancels, the other finds nothing to do.
    const [a, b] = await Promise.all([t.services.orders.expireDue(), t.services.orders.expireDue()]);
    expect(a + b).toBeGreaterThanOrEqual(1);
    expect(await stockOf(skuB)).toBe(before);
    expect(await ledger.balance(pointsBuyer.viewerId)).toBe(500);
    const got = await inject('GET', `/api/viewer/orders/${o.order.id}`, pointsBuyer);
    expect(got.json()).toMatchObject({ status: 'cancelled' });
    // The stored explanation keeps each reason's machine form, so the order page words it in the reader's language.
    expect(got.json().adjustments).toEqual([expect.objectContaining({ source: 'points', kind: 'points', fen: 500, code: expect.any(String), params: expect.any(Object) })]);
    const hist = await t.database.db.selectFrom('order_history').selectAll().where('order_id', '=', o.order.id).orderBy('at').orderBy('id').execute();
    expect(hist.map((h) => [h.to_status, h.actor_kind])).toEqual([
      ['pending_payment', 'buyer'],
      ['cancelled', 'system'],
    ]);
    expect(hist[1]!.reason).toMatch(/^expired/);
    const late = await pay(o.payment.checkoutUrl);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('NOT_PAYABLE');
  });

  it('coupons: held by the order, given back when it expires, used for good when an order is paid', async () => {
    const couponBuyer = await viewerSignUp(t, `Coupons ${dialect}`);
    const now = t.clock.now().getTime();
    const tpl = await t.services.promotions.createTemplate(systemCtx('test'), {
      name: '¥5 off',
      issuer: 'store',
      discountType: 'fixed',
      offFen: 500,
      thresholdFen: 0,
      validFrom: new Date(now - 3_600_000).toISOString(),
      validTo: new Date(now + 30 * 86_400_000).toISOString(),
      totalQuantity: 10,
      perViewerLimit: 1,
      fansOnly: false,
      stackWithThreshold: true,
      stackWithCoupons: true,
      exclusive: false,
      priority: 0,
      scope: {},
    });
    await t.services.promotions.issueByHand(systemCtx('test'), tpl.id, { viewerIds: [couponBuyer.viewerId] });
    const statusOf = async () => (await t.database.db.selectFrom('coupons').select(['status', 'order_id']).where('viewer_id', '=', couponBuyer.viewerId).executeTakeFirstOrThrow());
    const quote = await inject('POST', `/api/live/${sessionId}/cart/quote`, couponBuyer, { lines: [{ skuId: skuA, quantity: 1 }], usePoints: false });
    expect(quote.json().pricing.totalFen).toBe(5400);
    const o = okOrder(await place(couponBuyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5400, idempotencyKey: key() }));
    expect(await statusOf()).toEqual({ status: 'reserved', order_id: o.order.id });
    t.clock.advance(16 * 60_000);
    expect(await t.services.orders.expireDue()).toBeGreaterThanOrEqual(1);
    expect((await statusOf()).status).toBe('issued');
    const o2 = okOrder(await place(couponBuyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5400, idempotencyKey: key() }));
    expect((await pay(o2.payment.checkoutUrl)).json()).toMatchObject({ orderStatus: 'paid' });
    expect(await statusOf()).toEqual({ status: 'used', order_id: o2.order.id });
    const third = await place(couponBuyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5400, idempotencyKey: key() });
    expect(third.statusCode).toBe(409);
    expect(third.json().error.code).toBe('PRICE_CHANGED');
    // Cancelling the paid order refunds it in full and gives the coupon back.
    const cancelled = await inject('POST', `/api/viewer/orders/${o2.order.id}/cancel`, couponBuyer, {});
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await statusOf()).toEqual({ status: 'issued', order_id: null });
  });

  it('returns give back the returned units’ share of the points too; everything returned gives back exactly what was used', async () => {
    const ledger = new SqlPointsLedger({ db: t.database.db, now: () => t.clock.now().toISOString(), ids: () => `r${Math.random().toString(36).slice(2)}` });
    const pb = await viewerSignUp(t, `Return points ${dialect}`);
    await ledger.grant(pb.viewerId, 500, 'test', `grant-return-${dialect}`);
    const lines = [{ skuId: skuA, quantity: 3 }];
    const q = await inject('POST', `/api/live/${sessionId}/cart/quote`, pb, { lines, usePoints: true });
    const total = q.json<{ pricing: { totalFen: number } }>().pricing.totalFen;
    expect(total).toBe(17700 - 500);
    const o = okOrder(await place(pb, { lines, usePoints: true, expectedTotalFen: total, idempotencyKey: key() }));
    expect((await pay(o.payment.checkoutUrl)).json()).toMatchObject({ orderStatus: 'paid' });
    await inject('POST', `/api/console/orders/${o.order.id}/ship`, logistics, { carrier: 'SF Express', trackingNo: 'SF0000000077' });
    await inject('POST', `/api/viewer/orders/${o.order.id}/confirm-receipt`, pb, {});
    expect(await ledger.balance(pb.viewerId)).toBe(0);
    const lineId = o.order.lines[0]!.id;
    const walk = async (quantity: number) => {
      const r = await inject('POST', `/api/viewer/orders/${o.order.id}/returns`, pb, { lines: [{ lineId, quantity }] });
      expect(r.statusCode, r.body).toBe(201);
      const ret = r.json<{ returns: { id: string; refundFen: number; pointsRefund: number }[] }>().returns.at(-1)!;
      for (const action of ['approve', 'receive', 'refund']) {
        const res = await inject('POST', `/api/console/orders/${o.order.id}/returns/${ret.id}`, cs, { action });
        expect(res.statusCode, res.body).toBe(200);
      }
      return ret;
    };
    const r1 = await walk(1);
    expect(r1.pointsRefund).toBe(166);
    expect(await ledger.balance(pb.viewerId)).toBe(166);
    const r2 = await walk(2);
    expect(r1.refundFen + r2.refundFen).toBe(17200);
    expect(r1.pointsRefund + r2.pointsRefund).toBe(500);
    expect(await ledger.balance(pb.viewerId)).toBe(500);
  });

  it('gifts: a 0-fen line with its own stock; when it runs out after the quote the order goes through without it and says so', async () => {
    const ctx = systemCtx('test');
    const giftSession = await makeLiveSession(t, { status: 'live', title: 'Gift session' });
    const gp = await t.services.catalog.createProduct(ctx, {
      brandId: null,
      title: 'Gift cup',
      description: 'Gift',
      category: 'gift',
      tags: [],
      images: [],
      skus: [{ code: 'GIFT-CUP', name: 'Cup', attrs: {}, priceFen: 1000, currency: 'CNY', stock: 2 }],
    });
    const giftSku = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', gp).executeTakeFirstOrThrow()).id;
    const now = t.clock.now().getTime();
    await t.services.promotions.createPromotion(ctx, {
      name: 'Gift cup',
      kind: 'gift',
      sessionId: giftSession.id,
      window: { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 86_400_000).toISOString() },
      scope: {},
      priority: 0,
      exclusive: false,
      status: 'active',
      args: { giftSkuId: giftSku, quantity: 1, thresholdFen: 0 },
    } as Parameters<typeof t.services.promotions.createPromotion>[1]);
    const giftBuyer = await viewerSignUp(t, `Gifts ${dialect}`);
    const placeHere = (body: Record<string, unknown>) => inject('POST', `/api/live/${giftSession.id}/orders`, giftBuyer, { usePoints: false, address, ...body });
    const first = await placeHere({ lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: key() });
    expect(first.statusCode, first.body).toBe(201);
    const o1 = first.json<{ order: { id: string; lines: { id: string; isGift: boolean; paidFen: number; skuId: string }[]; giftsOmitted: unknown[] } }>().order;
    const gift = o1.lines.find((l) => l.isGift);
    expect(gift).toMatchObject({ skuId: giftSku, paidFen: 0 });
    expect(o1.giftsOmitted).toEqual([]);
    expect(await stockOf(giftSku)).toBe(1);

    // Quoted with the gift; the last cup goes before the order is placed.
    const quote = await inject('POST', `/api/live/${giftSession.id}/cart/quote`, giftBuyer, { lines: [{ skuId: skuA, quantity: 1 }], usePoints: false });
    expect(quote.json().gifts).toHaveLength(1);
    await t.database.db.transaction().execute(async (trx) => expect(await t.services.catalog.takeStock(trx, giftSku, 1)).toBe(true));
    const second = await placeHere({ lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: key() });
    expect(second.statusCode, second.body).toBe(201);
    const o2 = second.json<{ order: { lines: { isGift: boolean }[]; giftsOmitted: { skuId: string; reason: string }[] } }>().order;
    expect(o2.lines.some((l) => l.isGift)).toBe(false);
    expect(o2.giftsOmitted).toMatchObject([{ skuId: giftSku }]);
    expect(await stockOf(giftSku)).toBe(0);

    // Now the quote itself says the gift is out (the buyer is told before paying).
    const after = await inject('POST', `/api/live/${giftSession.id}/cart/quote`, giftBuyer, { lines: [{ skuId: skuA, quantity: 1 }], usePoints: false });
    expect(after.json().gifts).toEqual([]);
    expect(JSON.stringify(after.json().pricing.rejected)).toMatch(/out of stock/);

    // A gift is not returned or refunded; cancelling the unpaid order puts the cup back.
    await inject('POST', `/api/viewer/orders/${o1.id}/cancel`, giftBuyer, {});
    expect(await stockOf(giftSku)).toBe(1);
  });

  it('flash sale through checkout: flash price, per-buyer limit, sold out, expiry gives the unit back for the next buyer', async () => {
    const sale = await t.services.flashSales.create(systemCtx('test'), sessionId, { skuId: skuA, priceFen: 3900, units: 2, perBuyerLimit: 1, openNow: true, durationMinutes: 60 });
    const buyers = await Promise.all([1, 2, 3].map((i) => viewerSignUp(t, `Flash ${i} ${dialect}`)));
    const line = { skuId: skuA, quantity: 1, flashSaleId: sale.id };
    const quote = await inject('POST', `/api/live/${sessionId}/cart/quote`, buyers[0]!, { lines: [line], usePoints: false });
    expect(quote.json().pricing.totalFen).toBe(3900);
    const firstKey = key();
    const first = okOrder(await place(buyers[0]!, { lines: [line], expectedTotalFen: 3900, idempotencyKey: firstKey }));
    expect(first.order.totalFen).toBe(3900);
    expect((first.order.lines[0] as unknown as { flashSaleId: string; flashUnits: number })).toMatchObject({ flashSaleId: sale.id, flashUnits: 1 });
    const again = await place(buyers[0]!, { lines: [line], expectedTotalFen: 3900, idempotencyKey: key() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('LIMIT_REACHED');
    const second = okOrder(await place(buyers[1]!, { lines: [line], expectedTotalFen: 3900, idempotencyKey: key() }));
    expect((await pay(second.payment.checkoutUrl)).json()).toMatchObject({ orderStatus: 'paid' });
    const third = await place(buyers[2]!, { lines: [line], expectedTotalFen: 3900, idempotencyKey: key() });
    expect(third.statusCode).toBe(409);
    expect(third.json().error.code).toBe('SOLD_OUT');
    // The first buyer never pays: at pay-by the unit goes back to the sale for the next buyer.
    t.clock.advance(16 * 60_000);
    // Sold out, but a unit waits in an unpaid order: the scheduler keeps the sale open for it.
    await t.services.flashSales.runDue();
    expect(await t.services.flashSales.statusOf(sale.id)).toBe('open');
    await t.services.orders.expireDue();
    const late = okOrder(await place(buyers[2]!, { lines: [line], expectedTotalFen: 3900, idempotencyKey: key() }));
    expect(late.order.totalFen).toBe(3900);
    const sold = await t.database.db.selectFrom('order_lines').innerJoin('orders', 'orders.id', 'order_lines.order_id').select((eb) => eb.fn.sum<number>('flash_units').as('n')).where('flash_sale_id', '=', sale.id).where('orders.status', '!=', 'cancelled').executeTakeFirstOrThrow();
    expect(Number(sold.n)).toBe(2);
    // Sold out again. The first buyer's units went back with their expired order, but a retry of
    // that order's key still gets that order (the gate keeps the buyer known), not SOLD_OUT.
    const retry = await place(buyers[0]!, { lines: [line], expectedTotalFen: 3900, idempotencyKey: firstKey });
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toMatchObject({ replayed: true, order: { id: first.order.id, status: 'cancelled' } });
    const never = await place(await viewerSignUp(t, `Flash 4 ${dialect}`), { lines: [line], expectedTotalFen: 3900, idempotencyKey: key() });
    expect(never.statusCode).toBe(409);
    expect(never.json().error).toMatchObject({ code: 'SOLD_OUT', requestId: expect.any(String) });
  });

  it('more units than the per-buyer limit: the allowance at the flash price, the rest at list price, as the cart showed', async () => {
    const sale = await t.services.flashSales.create(systemCtx('test'), sessionId, { skuId: skuB, priceFen: 900, units: 1, perBuyerLimit: 1, openNow: true, durationMinutes: 60 });
    const b = await viewerSignUp(t, `Flash limit ${dialect}`);
    const line = { skuId: skuB, quantity: 2, flashSaleId: sale.id };
    const quote = await inject('POST', `/api/live/${sessionId}/cart/quote`, b, { lines: [line], usePoints: false });
    expect(quote.json().pricing.totalFen).toBe(900 + 1250);
    const stock = await stockOf(skuB);
    const o = okOrder(await place(b, { lines: [line], expectedTotalFen: 2150, idempotencyKey: key() }));
    expect(o.order.lines[0]).toMatchObject({ quantity: 2, flashUnits: 1, flashSaleId: sale.id });
    expect(await stockOf(skuB)).toBe(stock - 1);
    const again = await place(b, { lines: [{ ...line, quantity: 1 }], expectedTotalFen: 900, idempotencyKey: key() });
    expect(again.statusCode).toBe(409);
    expect(['LIMIT_REACHED', 'SOLD_OUT']).toContain(again.json().error.code);
    await inject('POST', `/api/viewer/orders/${o.order.id}/cancel`, b, {});
    expect(await stockOf(skuB)).toBe(stock);
  });

  it('payment webhook: happy path marks paid and records charged prices; wrong signature, replay and amount mismatch change nothing', async () => {
    const o = okOrder(await place(buyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: key() }));
    const ref = refOf(o.payment.checkoutUrl);
    const page = await inject('GET', `/api/pay/sandbox/${ref}`, null);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ amountFen: 5900, orderStatus: 'pending_payment' });
    expect(page.body).not.toContain('138');

    const secret = sandboxWebhookSecret(undefined, await resolveSigningSecret(t.database.db, undefined, t.clock.now().toISOString()));
    const real = new SandboxPaymentProvider(secret, () => t.clock.now().getTime());
    const forged = new SandboxPaymentProvider(Buffer.alloc(32, 9), () => t.clock.now().getTime());
    const event = { id: `evt-${dialect}-1`, type: 'payment.succeeded' as const, providerRef: ref, amountFen: 5900, currency: 'CNY' };
    const send = (w: { body: string; headers: Record<string, string> }) => t.app.inject({ method: 'POST', url: '/api/payments/webhook/sandbox', headers: w.headers, payload: w.body });

    const bad = await send(forged.signedWebhook(event));
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('BAD_SIGNATURE');
    const tampered = real.signedWebhook(event);
    const tamperedRes = await send({ body: tampered.body.replace('"id":"evt', '"id":"evX'), headers: tampered.headers });
    expect(tamperedRes.statusCode).toBe(401);
    const noSig = await t.app.inject({ method: 'POST', url: '/api/payments/webhook/sandbox', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
    expect(noSig.statusCode).toBe(401);
    const mismatch = await send(real.signedWebhook({ ...event, id: `evt-${dialect}-2`, amountFen: 1 }));
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.code).toBe('AMOUNT_MISMATCH');
    expect((await inject('GET', `/api/viewer/orders/${o.order.id}`, buyer)).json().status).toBe('pending_payment');
    expect(await t.database.db.selectFrom('payment_events').selectAll().where('order_id', '=', o.order.id).execute()).toHaveLength(0);

    const good = real.signedWebhook(event);
    const ok = await send(good);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ received: true, duplicate: false });
    const replay = await send(good);
    expect(replay.json()).toEqual({ received: true, duplicate: true });
    const paid = (await inject('GET', `/api/viewer/orders/${o.order.id}`, buyer)).json();
    expect(paid).toMatchObject({ status: 'paid', checkoutUrl: null });
    const hist = await t.database.db.selectFrom('order_history').selectAll().where('order_id', '=', o.order.id).where('to_status', '=', 'paid').execute();
    expect(hist).toHaveLength(1);
    const charged = await t.database.db.selectFrom('sku_price_history').selectAll().where('order_id', '=', o.order.id).execute();
    expect(charged.map((c) => [c.sku_id, c.price_fen, c.kind])).toEqual([[skuA, 5900, 'charged']]);
    // An old capture replayed after the tolerance is refused by its timestamp.
    t.clock.advance(10 * 60_000);
    expect((await send(good)).statusCode).toBe(401);
    expect(good.headers[SANDBOX_SIGNATURE_HEADER]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('a failed payment leaves the order payable; the buyer cancels a paid order and gets a full refund', async () => {
    const o = okOrder(await place(buyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: key() }));
    const failed = await pay(o.payment.checkoutUrl, 'fail');
    expect(failed.json()).toMatchObject({ orderStatus: 'pending_payment', paymentStatus: 'failed' });
    expect((await pay(o.payment.checkoutUrl)).json()).toMatchObject({ orderStatus: 'paid' });
    const before = await stockOf(skuA);
    const res = await inject('POST', `/api/viewer/orders/${o.order.id}/cancel`, buyer, { reason: 'changed my mind' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', refundedFen: 5900 });
    expect(await stockOf(skuA)).toBe(before + 1);
    const refunds = await t.database.db.selectFrom('refunds').selectAll().where('order_id', '=', o.order.id).execute();
    expect(refunds.map((r) => r.amount_fen)).toEqual([5900]);
    expect((await inject('POST', `/api/viewer/orders/${o.order.id}/cancel`, buyer, {})).statusCode).toBe(409);
  });

  it('another buyer sees 404 for my order; the console cancels with a reason (orders:write)', async () => {
    const other = await viewerSignUp(t, `Other ${dialect}`);
    const o = okOrder(await place(buyer, { lines: [{ skuId: skuA, quantity: 1 }], expectedTotalFen: 5900, idempotencyKey: key() }));
    expect((await inject('GET', `/api/viewer/orders/${o.order.id}`, other)).statusCode).toBe(404);
    expect((await inject('POST', `/api/viewer/orders/${o.order.id}/cancel`, other, {})).statusCode).toBe(404);
    expect((await inject('POST', `/api/console/orders/${o.order.id}/cancel`, logistics, { reason: 'x' })).statusCode).toBe(403);
    const res = await inject('POST', `/api/console/orders/${o.order.id}/cancel`, cs, { reason: 'buyer phoned: wrong size' });
    expect(res.statusCode, res.body).toBe(200);
    const detail = (await inject('GET', `/api/console/orders/${o.order.id}`, owner)).json<{ history: { to: string; reason: string; actorKind: string }[] }>();
    expect(detail.history.at(-1)).toMatchObject({ to: 'cancelled', actorKind: 'team', reason: 'buyer phoned: wrong size' });
  });

  it('fulfilment: paid orders queue oldest first; logistics ships with carrier and tracking; the buyer confirms receipt', async () => {
    const o = await placeAndPay(buyer, [{ skuId: skuA, quantity: 1 }], 5900);
    const queue = await inject('GET', '/api/console/fulfilment', logistics);
    expect(queue.statusCode, queue.body).toBe(200);
    const items = queue.json<{ items: { id: string; paidAt: string }[] }>().items;
    expect(items.map((i) => i.id)).toContain(o.id);
    expect(items.map((i) => i.paidAt)).toEqual([...items.map((i) => i.paidAt)].sort());
    expect(queue.body).not.toContain('科苑路');
    const reveal = await inject('GET', `/api/console/fulfilment/${o.id}/address`, logistics);
    expect(reveal.json()).toMatchObject({ street: address.street });
    const badTracking = await inject('POST', `/api/console/orders/${o.id}/ship`, logistics, { carrier: 'SF', trackingNo: 'no way!' });
    expect(badTracking.statusCode).toBe(400);
    expect(badTracking.json().error.issues[0].path).toBe('body.trackingNo');
    expect((await inject('POST', `/api/console/orders/${o.id}/ship`, cs, { carrier: 'SF Express', trackingNo: 'SF1234567890' })).statusCode).toBe(403);
    const shipped = await inject('POST', `/api/console/orders/${o.id}/ship`, logistics, { carrier: 'SF Express', trackingNo: 'SF1234567890' });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({ status: 'shipped', carrier: 'SF Express', trackingNo: 'SF1234567890' });
    expect((await inject('POST', `/api/console/orders/${o.id}/ship`, logistics, { carrier: 'SF Express', trackingNo: 'SF1234567890' })).statusCode).toBe(409);
    expect((await inject('POST', `/api/viewer/orders/${o.id}/cancel`, buyer, {})).statusCode).toBe(409);
    const received = await inject('POST', `/api/viewer/orders/${o.id}/confirm-receipt`, buyer, {});
    expect(received.json()).toMatchObject({ status: 'delivered' });
  });

  it('returns within 7 days refund exactly the returned units’ paid share; stock back on receipt; beyond 7 days refused', async () => {
    const o = await placeAndPay(buyer, [{ skuId: skuA, quantity: 3 }], 17700);
    await inject('POST', `/api/console/orders/${o.id}/ship`, logistics, { carrier: 'SF Express', trackingNo: 'SF0000000001' });
    const delivered = await inject('POST', `/api/console/orders/${o.id}/deliver`, logistics, {});
    expect(delivered.json()).toMatchObject({ status: 'delivered' });
    const lineId = o.lines[0]!.id;
    const gift = await inject('POST', `/api/viewer/orders/${o.id}/returns`, buyer, { lines: [{ lineId, quantity: 4 }] });
    expect(gift.statusCode).toBe(400);
    expect(gift.json().error.issues[0].path).toBe('body.lines.0.quantity');
    const first = await inject('POST', `/api/viewer/orders/${o.id}/returns`, buyer, { lines: [{ lineId, quantity: 1 }], reason: '不喜欢' });
    expect(first.statusCode, first.body).toBe(201);
    const r1 = first.json<{ returns: { id: string; refundFen: number }[] }>().returns[0]!;
    expect(r1.refundFen).toBe(5900);
    const second = await inject('POST', `/api/viewer/orders/${o.id}/returns`, buyer, { lines: [{ lineId, quantity: 2 }] });
    const r2 = second.json<{ returns: { id: string; refundFen: number }[] }>().returns[1]!;
    expect(r1.refundFen + r2.refundFen).toBe(17700);
    const more = await inject('POST', `/api/viewer/orders/${o.id}/returns`, buyer, { lines: [{ lineId, quantity: 1 }] });
    expect(more.statusCode).toBe(400);

    const stock = await stockOf(skuA);
    const act = (rid: string, action: string) => inject('POST', `/api/console/orders/${o.id}/returns/${rid}`, cs, { action });
    expect((await act(r1.id, 'refund')).statusCode).toBe(409);
    expect((await act(r1.id, 'approve')).statusCode).toBe(200);
    expect((await act(r1.id, 'receive')).statusCode).toBe(200);
    expect(await stockOf(skuA)).toBe(stock + 1);
    const refunded = await act(r1.id, 'refund');
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.json()).toMatchObject({ refundedFen: 5900 });
    expect((await act(r1.id, 'refund')).statusCode).toBe(409);
    expect((await act(r2.id, 'reject')).statusCode).toBe(200);

    t.clock.advance(8 * 86_400_000);
    const late = await inject('POST', `/api/viewer/orders/${o.id}/returns`, buyer, { lines: [{ lineId, quantity: 1 }] });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('RETURN_PERIOD_OVER');
  });

  // Last in the file: it spends the webhook route's budget for 127.0.0.1 for a minute.
  it("the sandbox's test payments do not spend the webhook route's rate limit", async () => {
    const pid = await t.services.catalog.createProduct(systemCtx('test'), { brandId: null, title: 'Rate tea', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: `RT-${dialect}`, name: '1', attrs: {}, priceFen: 1000, currency: 'CNY', stock: 5 }] });
    const sku = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', pid).executeTakeFirstOrThrow()).id;
    // The webhook's budget from 127.0.0.1 (where an in-process request comes from) is spent.
    let last = 0;
    for (let i = 0; i < 700 && last !== 429; i++) {
      last = (await t.app.inject({ method: 'POST', url: '/api/payments/webhook/sandbox', headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode;
    }
    expect(last).toBe(429);
    // A buyer's sandbox payment still goes through, verified by the webhook's own handler.
    const o = okOrder(await place(buyer, { lines: [{ skuId: sku, quantity: 1 }], expectedTotalFen: 1000, idempotencyKey: key() }));
    const paid = await pay(o.payment.checkoutUrl);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ orderStatus: 'paid', paymentStatus: 'succeeded' });
  });
});
