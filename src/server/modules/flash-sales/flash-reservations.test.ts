import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { makeLiveSession, nextIp, viewerSignUp, type ViewerSession } from '../../../../test/e2e/route-fixtures.js';
import { FLASH_PASS_HEADER } from '../../../contracts/flash-sales.contract.js';
import { permissionsOf } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { FlashReservationsTable } from '../../platform/db/tables/flash-sales.tables.js';
import { FlashSalesStore } from './flash-sales.store.js';

/**
 * Grab -> reservation -> checkout, on SQLite and PostgreSQL: the pass, the claim route, the
 * group-committed reservations under a storm, retries, giving back, expiry, and the checkout
 * that turns a reservation into an order (also after the sale sold out).
 */

const address = { name: '李四', phone: '13912345678', region: '浙江省杭州市', street: '西湖区文三路 100 号' };
const operator: Ctx = { actor: { kind: 'team', id: 'm-op', displayName: 'op', roles: ['operator'], permissions: permissionsOf(['operator']), sessionId: 's' }, requestId: 'r', ip: null };
const viewerCtx = (id: string): Ctx => ({ actor: { kind: 'viewer', id, nickname: id, sessionId: 'sess' }, requestId: 'r', ip: null });

describe.each(dialects())('flash reservations on %s', (dialect) => {
  let t: TestApp;
  let sessionId: string;
  let n = 0;
  const key = () => `grab-${dialect}-${(n++).toString().padStart(5, '0')}`;
  const flash = () => t.services.flashSales;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    sessionId = (await makeLiveSession(t, { status: 'live', title: 'Reservations' })).id;
  });
  afterAll(async () => t?.dispose());

  async function sale(units: number, perBuyerLimit = 1, stock = units + 20) {
    const k = ++n;
    const productId = await t.services.catalog.createProduct(systemCtx('test'), {
      brandId: null,
      title: `Grab tea ${k}`,
      description: 'x',
      category: 'tea',
      tags: [],
      images: [],
      skus: [{ code: `G-${dialect}-${k}`, name: '100 g', attrs: {}, priceFen: 9900, currency: 'CNY', stock }],
    });
    const skuId = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    const s = await flash().create(operator, sessionId, { skuId, priceFen: 4900, units, perBuyerLimit, durationMinutes: 30, openNow: true });
    return { saleId: s.id, skuId };
  }
  const row = (id: string) => t.database.db.selectFrom('flash_sales').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const reservations = (saleId: string) => t.database.db.selectFrom('flash_reservations').selectAll().where('flash_sale_id', '=', saleId).execute();
  /** stock_left + returned + held reservations + units in live orders = total (the module's invariant). */
  async function invariant(saleId: string) {
    const r = await row(saleId);
    const held = (await reservations(saleId)).filter((x) => x.status === 'held').reduce((a, x) => a + Number(x.units), 0);
    const lines = await t.database.db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select(['order_lines.flash_units', 'orders.status'])
      .where('order_lines.flash_sale_id', '=', saleId)
      .execute();
    const ordered = lines.filter((l) => l.status !== 'cancelled').reduce((a, l) => a + Number(l.flash_units), 0);
    expect(Number(r.stock_left) + Number(r.stock_returned) + held + ordered).toBe(Number(r.stock_total));
    return { left: Number(r.stock_left), held, ordered };
  }

  it('a storm of grabs reserves exactly the pool, one per buyer, each answered after its reservation is committed', async () => {
    const { saleId } = await sale(40);
    const outs = await Promise.all(Array.from({ length: 300 }, (_, i) => flash().grab(viewerCtx(`storm-${dialect}-${i}`), sessionId, saleId, { quantity: 1, idempotencyKey: key() })));
    const won = outs.filter((o) => o.ok);
    expect(won).toHaveLength(40);
    expect(outs.filter((o) => !o.ok && o.code === 'SOLD_OUT')).toHaveLength(260);
    const rows = await reservations(saleId);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.buyer_id)).size).toBe(40);
    for (const o of won) if (o.ok) expect(rows.some((r) => r.id === o.reservation.id && r.status === 'held')).toBe(true);
    expect(await invariant(saleId)).toEqual({ left: 0, held: 40, ordered: 0 });
    // The tokens are recorded: the gate has nothing in flight.
    expect(await (t.services.flashSales as unknown as { d: { gate: { inFlight(id: string): Promise<number> } } }).d.gate.inFlight(saleId)).toBe(0);
  });

  it('a burst of grabs is a storm (checkouts wait for it) until it has passed', async () => {
    const { saleId } = await sale(5);
    await new Promise((r) => setTimeout(r, 250));
    expect(flash().storming).toBe(false);
    const burst = Promise.all(Array.from({ length: 250 }, (_, i) => flash().grab(viewerCtx(`burst-${dialect}-${i}`), sessionId, saleId, { quantity: 1, idempotencyKey: key() })));
    // 250 grabs arrived within a millisecond: well over 1,000 a second.
    expect(flash().storming).toBe(true);
    expect((await burst).filter((o) => o.ok)).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 250));
    expect(flash().storming).toBe(false);
  });

  it('a retry with the same key gets the same reservation; another key hits the limit; giving back returns the unit', async () => {
    const { saleId } = await sale(5, 1);
    const k = key();
    const first = await flash().grab(viewerCtx('retry-1'), sessionId, saleId, { quantity: 1, idempotencyKey: k });
    expect(first).toMatchObject({ ok: true, replayed: false, reservation: { status: 'held', units: 1, priceFen: 4900 } });
    const both = await Promise.all([flash().grab(viewerCtx('retry-1'), sessionId, saleId, { quantity: 1, idempotencyKey: k }), flash().grab(viewerCtx('retry-1'), sessionId, saleId, { quantity: 1, idempotencyKey: k })]);
    for (const b of both) expect(b).toMatchObject({ ok: true, replayed: true, reservation: { id: first.ok ? first.reservation.id : '' } });
    expect(await flash().grab(viewerCtx('retry-1'), sessionId, saleId, { quantity: 1, idempotencyKey: key() })).toMatchObject({ ok: false, code: 'LIMIT_REACHED' });
    expect(await invariant(saleId)).toEqual({ left: 4, held: 1, ordered: 0 });
    const back = await flash().giveBack(viewerCtx('retry-1'), sessionId, saleId, first.ok ? first.reservation.id : '');
    expect(back.status).toBe('released');
    // Idempotent.
    expect((await flash().giveBack(viewerCtx('retry-1'), sessionId, saleId, first.ok ? first.reservation.id : '')).status).toBe('released');
    expect(await invariant(saleId)).toEqual({ left: 5, held: 0, ordered: 0 });
    // Someone else's reservation is not found.
    await expect(flash().giveBack(viewerCtx('other'), sessionId, saleId, first.ok ? first.reservation.id : '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The buyer may grab again now (their units were given back).
    expect(await flash().grab(viewerCtx('retry-1'), sessionId, saleId, { quantity: 1, idempotencyKey: key() })).toMatchObject({ ok: true, replayed: false });
  });

  it('a reservation not checked out in time expires: its unit goes back to the sale for the next buyer', async () => {
    const { saleId } = await sale(1, 1);
    const a = await flash().grab(viewerCtx('slow-buyer'), sessionId, saleId, { quantity: 1, idempotencyKey: key() });
    expect(a.ok).toBe(true);
    expect(await flash().grab(viewerCtx('next-buyer'), sessionId, saleId, { quantity: 1, idempotencyKey: key() })).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    // Sold out but a reservation is waiting: the sale stays open.
    await flash().runDue();
    expect(await flash().statusOf(saleId)).toBe('open');
    t.clock.advance(5 * 60_000 + 1);
    await flash().runDue();
    expect((await reservations(saleId))[0]!.status).toBe('expired');
    expect(await invariant(saleId)).toEqual({ left: 1, held: 0, ordered: 0 });
    expect(await flash().grab(viewerCtx('next-buyer'), sessionId, saleId, { quantity: 1, idempotencyKey: key() })).toMatchObject({ ok: true });
  });

  it('the record refuses a batch beyond the pool or a buyer limit and writes none of it (the last line behind the gate)', async () => {
    const { saleId, skuId } = await sale(3, 1);
    const store = new FlashSalesStore(t.database.db);
    const at = t.clock.now().toISOString();
    const rowOf = (i: number, buyer: string): FlashReservationsTable => ({
      id: `rec-${dialect}-${n}-${i}`,
      flash_sale_id: saleId,
      session_id: sessionId,
      sku_id: skuId,
      buyer_id: buyer,
      units: 1,
      price_fen: 4900,
      status: 'held',
      token: `tok-${dialect}-${n}-${i}`,
      idempotency_key: `idem-${i}-abcdefgh`,
      hold_until: at,
      order_id: null,
      created_at: at,
      updated_at: at,
    });
    n++;
    const record = async (rows: FlashReservationsTable[]) => {
      if (t.database.dialect === 'postgres') {
        try {
          await FlashSalesStore.recordReservationsPg(t.database.pgPool!, saleId, rows, at, 1);
          return true;
        } catch (e) {
          if (FlashSalesStore.isRefusal(e)) return false;
          throw e;
        }
      }
      return t.database.db
        .transaction()
        .execute(async (trx) => {
          if (await store.recordReservations(trx, rows, at, new Map([[saleId, 1]]))) return true;
          throw new Error('refused');
        })
        .catch((e: unknown) => {
          if ((e as Error).message === 'refused') return false;
          throw e;
        });
    };
    // Four units of a pool of three: refused, nothing written.
    expect(await record([0, 1, 2, 3].map((i) => rowOf(i, `rb-${i}`)))).toBe(false);
    // Two for one buyer with a limit of one: refused, nothing written.
    expect(await record([rowOf(4, 'rb-x'), rowOf(5, 'rb-x')])).toBe(false);
    expect(await reservations(saleId)).toHaveLength(0);
    expect(await invariant(saleId)).toEqual({ left: 3, held: 0, ordered: 0 });
    // Within bounds: written, all of it.
    expect(await record([rowOf(6, 'rb-a'), rowOf(7, 'rb-b')])).toBe(true);
    expect(await invariant(saleId)).toEqual({ left: 1, held: 2, ordered: 0 });
    expect(await t.database.db.selectFrom('flash_sale_claims').select('token').where('flash_sale_id', '=', saleId).execute()).toHaveLength(2);
    if (t.database.sqlite) {
      // SQLite's synchronous path (the writer's, when no transaction is open) refuses the same way.
      const limits = new Map([[saleId, 1]]);
      expect(FlashSalesStore.recordReservationsSync(t.database.sqlite, [rowOf(8, 'rb-c'), rowOf(9, 'rb-d')], at, limits)).toBe(false);
      expect(FlashSalesStore.recordReservationsSync(t.database.sqlite, [rowOf(10, 'rb-a')], at, limits)).toBe(false);
      expect(await invariant(saleId)).toEqual({ left: 1, held: 2, ordered: 0 });
      expect(FlashSalesStore.recordReservationsSync(t.database.sqlite, [rowOf(11, 'rb-e')], at, limits)).toBe(true);
      expect(await invariant(saleId)).toEqual({ left: 0, held: 3, ordered: 0 });
    }
  });

  describe('over HTTP', () => {
    let buyer: ViewerSession;
    let other: ViewerSession;
    beforeAll(async () => {
      buyer = await viewerSignUp(t, `Grabber ${dialect}`);
      other = await viewerSignUp(t, `Other ${dialect}`);
    });
    const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, opts: { who?: ViewerSession; headers?: Record<string, string>; payload?: unknown } = {}) =>
      t.app.inject({
        method,
        url,
        remoteAddress: nextIp(),
        headers: { ...(opts.who ? { cookie: opts.who.cookie, ...(method !== 'GET' ? { 'x-csrf-token': opts.who.csrf } : {}) } : {}), ...(opts.headers ?? {}) },
        ...(opts.payload !== undefined ? { payload: opts.payload as Record<string, unknown> } : {}),
      });
    const passFor = async (who: ViewerSession, saleId: string) => {
      const res = await inject('POST', `/api/live/${sessionId}/flash-sales/${saleId}/pass`, { who });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ pass: string; expiresAt: string; now: number }>();
    };
    const claim = (saleId: string, pass: string | null, payload: unknown, who?: ViewerSession) =>
      inject('POST', `/api/live/${sessionId}/flash-sales/${saleId}/claims`, { headers: pass ? { [FLASH_PASS_HEADER]: pass } : {}, payload, ...(who ? { who } : {}) });
    const json = <T>(r: LightMyRequestResponse) => r.json<T>();

    it('pass, grab with the pass (no cookie), see it in the room, check out at the flash price after the sale sold out', async () => {
      const { saleId, skuId } = await sale(1, 1);
      const { pass, expiresAt } = await passFor(buyer, saleId);
      expect(Date.parse(expiresAt)).toBeGreaterThan(t.clock.now().getTime());
      const won = await claim(saleId, pass, { idempotencyKey: key() });
      expect(won.statusCode, won.body).toBe(201);
      const reservation = json<{ reservation: { id: string; status: string; units: number; holdUntil: string } }>(won).reservation;
      expect(reservation).toMatchObject({ status: 'held', units: 1 });
      // Someone else: sold out, with the units left.
      const lost = await claim(saleId, (await passFor(other, saleId)).pass, { idempotencyKey: key() });
      expect(lost.statusCode).toBe(409);
      expect(json<{ error: { code: string; left: number } }>(lost).error).toMatchObject({ code: 'SOLD_OUT', left: 0 });
      // The room tells the buyer about their reservation.
      const room = await inject('GET', `/api/live/${sessionId}/flash-sales`, { who: buyer });
      const mine = json<{ sales: { id: string; yours: number; reservation: { id: string } | null }[] }>(room).sales.find((s) => s.id === saleId)!;
      expect(mine).toMatchObject({ yours: 1, reservation: { id: reservation.id } });
      // The quote prices the reserved unit at the flash price although the pool is empty.
      const line = { skuId, quantity: 1, flashSaleId: saleId, reservationId: reservation.id };
      const quote = await inject('POST', `/api/live/${sessionId}/cart/quote`, { who: buyer, payload: { lines: [line] } });
      expect(quote.statusCode, quote.body).toBe(200);
      expect(json<{ pricing: { totalFen: number }; lines: { flashUnits: number }[] }>(quote)).toMatchObject({ pricing: { totalFen: 4900 }, lines: [{ flashUnits: 1 }] });
      // Someone else cannot use it.
      const stolen = await inject('POST', `/api/live/${sessionId}/orders`, { who: other, payload: { lines: [line], usePoints: false, expectedTotalFen: 4900, idempotencyKey: key(), address } });
      expect(stolen.statusCode).toBe(400);
      expect(stolen.body).toContain("reservationId");
      const order = await inject('POST', `/api/live/${sessionId}/orders`, { who: buyer, payload: { lines: [line], usePoints: false, expectedTotalFen: 4900, idempotencyKey: key(), address } });
      expect(order.statusCode, order.body).toBe(201);
      const o = json<{ order: { id: string; totalFen: number; lines: { flashUnits: number; flashSaleId: string }[] } }>(order).order;
      expect(o).toMatchObject({ totalFen: 4900, lines: [{ flashUnits: 1, flashSaleId: saleId }] });
      expect((await reservations(saleId))[0]).toMatchObject({ status: 'ordered', order_id: o.id });
      expect(await invariant(saleId)).toEqual({ left: 0, held: 0, ordered: 1 });
      // A second order with the same reservation is refused and changes nothing.
      const twice = await inject('POST', `/api/live/${sessionId}/orders`, { who: buyer, payload: { lines: [line], usePoints: false, expectedTotalFen: 4900, idempotencyKey: key(), address } });
      expect(twice.statusCode).toBe(409);
      expect(twice.json()).toMatchObject({ error: { code: "RESERVATION_EXPIRED" } });
      expect(await invariant(saleId)).toEqual({ left: 0, held: 0, ordered: 1 });
      // Giving back an ordered reservation is refused: the order is cancelled instead.
      const giveBack = await inject('DELETE', `/api/live/${sessionId}/flash-sales/${saleId}/claims/${reservation.id}`, { who: buyer });
      expect(giveBack.statusCode).toBe(409);
    });

    it('during a grab storm a checkout waits for the storm to pass, then goes through', async () => {
      const { saleId, skuId } = await sale(1, 1);
      const won = await claim(saleId, (await passFor(buyer, saleId)).pass, { idempotencyKey: key() });
      expect(won.statusCode, won.body).toBe(201);
      const line = { skuId, quantity: 1, flashSaleId: saleId, reservationId: json<{ reservation: { id: string } }>(won).reservation.id };
      const other = await sale(5);
      await new Promise((r) => setTimeout(r, 250));
      const burst = Promise.all(Array.from({ length: 250 }, (_, i) => flash().grab(viewerCtx(`storm-co-${dialect}-${i}`), sessionId, other.saleId, { quantity: 1, idempotencyKey: key() })));
      expect(flash().storming).toBe(true);
      const order = await inject('POST', `/api/live/${sessionId}/orders`, { who: buyer, payload: { lines: [line], usePoints: false, expectedTotalFen: 4900, idempotencyKey: key(), address } });
      // It went through only once the storm had passed (no grab comes after the burst, so once
      // over, the storm stays over; a checkout run at once would be answered well within it).
      const stormingWhenAnswered = flash().storming;
      await burst;
      expect(order.statusCode, order.body).toBe(201);
      expect(stormingWhenAnswered).toBe(false);
    });

    it('a pass is for one sale and one sign-in: forged, other-sale, or signed-out passes get 401 PASS_INVALID', async () => {
      const a = await sale(10, 1);
      const b = await sale(10, 1);
      const me = await viewerSignUp(t, `Pass ${dialect}`);
      const { pass } = await passFor(me, a.saleId);
      expect((await claim(b.saleId, pass, { idempotencyKey: key() })).json()).toMatchObject({ error: { code: 'PASS_INVALID' } });
      const forged = pass.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      const f = await claim(a.saleId, forged, { idempotencyKey: key() });
      expect(f.statusCode).toBe(401);
      expect(f.json()).toMatchObject({ error: { code: 'PASS_INVALID' } });
      // No pass and no cookie: 401; the cookie alone (with CSRF) works too.
      expect((await claim(a.saleId, null, { idempotencyKey: key() })).statusCode).toBe(401);
      const byCookie = await claim(a.saleId, null, { idempotencyKey: key() }, me);
      expect(byCookie.statusCode, byCookie.body).toBe(201);
      // Sign out: the pass dies with the session.
      const out = await inject('POST', '/api/viewer/signout', { who: me });
      expect(out.statusCode, out.body).toBeLessThan(300);
      const after = await claim(a.saleId, pass, { idempotencyKey: key() });
      expect(after.statusCode).toBe(401);
      // Guests get no pass.
      expect((await inject('POST', `/api/live/${sessionId}/flash-sales/${a.saleId}/pass`)).statusCode).toBe(401);
      // An expired pass.
      // (Used once first, so its verified MAC is remembered: expiry is still checked on every use.)
      const { pass: p2 } = await passFor(other, a.saleId);
      expect((await claim(b.saleId, p2, { idempotencyKey: key() })).json()).toMatchObject({ error: { code: 'PASS_INVALID' } });
      t.clock.advance(11 * 60_000);
      expect((await claim(a.saleId, p2, { idempotencyKey: key() })).json()).toMatchObject({ error: { code: 'PASS_INVALID' } });
    });

    it('a private session: a grab by cookie needs the invite code, a pass was issued only with it', async () => {
      const priv = await makeLiveSession(t, { status: 'live', title: 'Private grab', visibility: 'private' });
      const code = priv.inviteCode!;
      const productId = await t.services.catalog.createProduct(systemCtx('test'), { brandId: null, title: 'Private tea', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: `PV-${dialect}`, name: '1', attrs: {}, priceFen: 9900, currency: 'CNY', stock: 10 }] });
      const skuId = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
      const s = await flash().create(operator, priv.id, { skuId, priceFen: 4900, units: 5, perBuyerLimit: 1, durationMinutes: 30, openNow: true });
      const base = `/api/live/${priv.id}/flash-sales/${s.id}`;
      expect((await inject('POST', `${base}/claims`, { who: buyer, payload: { idempotencyKey: key() } })).statusCode).toBe(404);
      expect((await inject('POST', `${base}/pass`, { who: buyer })).statusCode).toBe(404);
      const byCookie = await inject('POST', `${base}/claims?invite=${code}`, { who: buyer, payload: { idempotencyKey: key() } });
      expect(byCookie.statusCode, byCookie.body).toBe(201);
      const pass = await inject('POST', `${base}/pass?invite=${code}`, { who: other });
      expect(pass.statusCode, pass.body).toBe(200);
      const byPass = await claim(s.id, pass.json<{ pass: string }>().pass, { idempotencyKey: key() });
      expect(byPass.statusCode).toBe(404); // the claim helper posts to the public session's URL: the sale is not its
      const right = await inject('POST', `${base}/claims`, { headers: { [FLASH_PASS_HEADER]: pass.json<{ pass: string }>().pass }, payload: { idempotencyKey: key() } });
      expect(right.statusCode, right.body).toBe(201);
    });

    it('bad input is named and changes nothing', async () => {
      const { saleId } = await sale(3, 1);
      const { pass } = await passFor(buyer, saleId);
      for (const [payload, field] of [
        [{ idempotencyKey: 'short' }, 'idempotencyKey'],
        [{ idempotencyKey: key(), quantity: 0 }, 'quantity'],
        [{ idempotencyKey: key(), quantity: 1.5 }, 'quantity'],
        [{ idempotencyKey: key(), extra: 1 }, 'extra'],
        [{}, 'idempotencyKey'],
      ] as const) {
        const res = await claim(saleId, pass, payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.body).toContain(field);
      }
      // Unknown sale, or a sale of another session.
      expect((await claim('nosuchsale', pass, { idempotencyKey: key() })).statusCode).toBe(401); // the pass is for another sale
      const other = await makeLiveSession(t, { status: 'live', title: 'Elsewhere' });
      const res = await inject('POST', `/api/live/${other.id}/flash-sales/${saleId}/claims`, { headers: { [FLASH_PASS_HEADER]: pass }, payload: { idempotencyKey: key() } });
      expect(res.statusCode).toBe(404);
      // A reservation id without its sale at checkout.
      const bad = await inject('POST', `/api/live/${sessionId}/orders`, { who: buyer, payload: { lines: [{ skuId: 'x', quantity: 1, reservationId: 'r1' }], usePoints: false, expectedTotalFen: 1, idempotencyKey: key(), address } });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('reservationId');
      expect(await invariant(saleId)).toEqual({ left: 3, held: 0, ordered: 0 });
    });
  });
});
