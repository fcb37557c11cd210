import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/server/platform/db/database.js';
import { need } from '../support/need.js';
import { jsonOf, kill9, startCliServer, stopGracefully, useScaleOutSchemas, type CliServer } from '../support/cli-server.js';

/**
 * Issue 4, item 6: a storm of flash-sale purchases over HTTP while the real server process is
 * killed with SIGKILL at a random moment, then restarted on the same data. Buyers purchase both
 * ways: grabbing (a pass, then a claim answered with a reservation, then the checkout with it)
 * and checking out with the flash line directly. Afterwards: every reservation and every order
 * the client saw confirmed exists, no unit was sold twice, per-buyer limits held, and
 * pool + sold + held in reservations + returned = the sale's units, SKU stock + pool + sold +
 * held = the SKU's initial stock. Then the storm resumes on the restarted server (with the passes
 * issued before the crash) until the sale is sold out: exactly its units sell.
 */

interface Attempt {
  /** grab: POST …/claims with the pass; order: POST …/orders (with `reservationId` after a grab). */
  kind: 'grab' | 'order';
  viewer: number;
  key: string;
  quantity: number;
  /** HTTP status, or 0 when the connection broke (the server died mid-request). */
  status: number;
  orderId?: string;
  /** grab: the reservation it got; order: the reservation it checks out. */
  reservationId?: string;
  body?: unknown;
}


async function runScenario(env: Record<string, string>, openRecord: (dataDir: string) => Promise<Database>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-flash-crash-'));
  const servers: CliServer[] = [];
  try {
    let server = await startCliServer(dataDir, env, { args: ['--demo'], waitForPassword: true });
    servers.push(server);
    const password = /^\s*password:\s+(\S+)\s*$/m.exec(server.output())?.[1];
    expect(password, server.output()).toBeTruthy();
    let origin = server.origin;

    // --- the operator: product, live session, open flash sale ---
    const signin = await fetch(`${origin}/api/console/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@onair.local', password }) });
    expect(signin.status).toBe(200);
    const teamCookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = ((await signin.json()) as { csrfToken: string }).csrfToken;
    const team = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${origin}${path}`, { method, headers: { 'content-type': 'application/json', cookie: teamCookie, 'x-csrf-token': csrf }, ...(body ? { body: JSON.stringify(body) } : {}) });
      const b = await jsonOf(res);
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(b)}`);
      return b;
    };
    const SKU_STOCK = 500;
    const UNITS = 60;
    const LIMIT = 2;
    const product = await team('POST', '/api/console/products', {
      title: 'Crash-test tea',
      description: 'Flash sale under SIGKILL',
      brandId: null,
      category: 'tea',
      tags: [],
      images: [],
      skus: [{ code: `CRASH-${randomBytes(3).toString('hex')}`, name: '250 g', attrs: {}, priceFen: 9900, currency: 'CNY', stock: SKU_STOCK }],
    });
    const skuId = (product.skus as { id: string }[])[0]!.id;
    const session = await team('POST', '/api/console/sessions', { title: 'Crash test live', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3_600_000).toISOString(), plannedMinutes: 60 });
    const sessionId = session.id as string;
    await team('POST', `/api/console/sessions/${sessionId}/transitions`, { to: 'live' });
    const sale = await team('POST', `/api/console/sessions/${sessionId}/flash-sales`, { skuId, priceFen: 4900, units: UNITS, perBuyerLimit: LIMIT, durationMinutes: 60, openNow: true });
    const saleId = sale.id as string;
    expect(sale.status).toBe('open');

    // --- viewers (each from its own address, as behind a proxy) ---
    const VIEWERS = 40;
    const viewers: { cookie: string; csrf: string; ip: string }[] = [];
    for (let i = 0; i < VIEWERS; i++) {
      const ip = `10.9.${Math.floor(i / 200)}.${(i % 200) + 1}`;
      const res = await fetch(`${origin}/api/viewer/signup`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ nickname: `crash${i}${randomBytes(2).toString('hex')}`, password: 'viewer-password-1' }) });
      expect(res.status, await res.clone().text()).toBe(201);
      viewers.push({ cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken, ip });
    }
    const address = { name: '张三', phone: '13800138000', region: '浙江省杭州市西湖区', street: '龙井路 1 号' };
    // The price the cart shows (expectedTotalFen), from the quote, for 1 and 2 units.
    const totals = new Map<number, number>();
    for (const q of [1, 2]) {
      const v = viewers[0]!;
      const res = await fetch(`${origin}/api/live/${sessionId}/cart/quote`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: v.cookie, 'x-csrf-token': v.csrf, 'x-forwarded-for': v.ip }, body: JSON.stringify({ lines: [{ skuId, quantity: q, flashSaleId: saleId }], usePoints: false }) });
      const b = await jsonOf(res);
      expect(res.status, JSON.stringify(b)).toBe(200);
      totals.set(q, (b.pricing as { totalFen: number }).totalFen);
    }
    expect(totals.get(1)).toBe(4900);

    // Passes, fetched before the storm as the room does during the countdown.
    const passes: string[] = [];
    for (const v of viewers) {
      const res = await fetch(`${origin}/api/live/${sessionId}/flash-sales/${saleId}/pass`, { method: 'POST', headers: { cookie: v.cookie, 'x-csrf-token': v.csrf, 'x-forwarded-for': v.ip } });
      const b = await jsonOf(res);
      expect(res.status, JSON.stringify(b)).toBe(200);
      passes.push(b.pass as string);
    }

    const attempts: Attempt[] = [];
    const place = async (o: string, a: Attempt) => {
      const v = viewers[a.viewer]!;
      try {
        const res =
          a.kind === 'grab'
            ? await fetch(`${o}/api/live/${sessionId}/flash-sales/${saleId}/claims`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-flash-pass': passes[a.viewer]!, 'x-forwarded-for': v.ip },
                body: JSON.stringify({ quantity: a.quantity, idempotencyKey: a.key }),
              })
            : await fetch(`${o}/api/live/${sessionId}/orders`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', cookie: v.cookie, 'x-csrf-token': v.csrf, 'x-forwarded-for': v.ip },
                body: JSON.stringify({
                  lines: [{ skuId, quantity: a.quantity, flashSaleId: saleId, ...(a.reservationId ? { reservationId: a.reservationId } : {}) }],
                  usePoints: false,
                  expectedTotalFen: totals.get(a.quantity),
                  idempotencyKey: a.key,
                  address,
                }),
              });
        const b = await jsonOf(res);
        a.status = res.status;
        if ((res.status === 200 || res.status === 201) && a.kind === 'order') a.orderId = (b.order as { id: string }).id;
        else if (res.status === 200 || res.status === 201) a.reservationId = (b.reservation as { id: string }).id;
        else a.body = b;
      } catch {
        a.status = 0;
      }
    };
    const ok = (a: Attempt) => a.status === 200 || a.status === 201;
    const storm = async (o: string, untilMs: number, alive: () => boolean) => {
      await Promise.all(
        viewers.map(async (_, vi) => {
          while (alive() && Date.now() < untilMs) {
            const kind = Math.random() < 0.5 ? 'grab' : 'order';
            const a: Attempt = { kind, viewer: vi, key: `k${vi}-${randomBytes(6).toString('hex')}`, quantity: 1 + Math.floor(Math.random() * 2), status: -1 };
            attempts.push(a);
            await place(o, a);
            if (a.status === 0) return; // the server is gone
            if (kind === 'grab' && ok(a)) {
              // Won: check out at once with the reservation.
              const c: Attempt = { kind: 'order', viewer: vi, key: `c${vi}-${randomBytes(6).toString('hex')}`, quantity: a.quantity, reservationId: a.reservationId!, status: -1 };
              attempts.push(c);
              await place(o, c);
              if (c.status === 0) return;
            }
            if (a.status === 409 && attempts.filter((x) => x.viewer === vi && x.status === 409).length > 6) return;
          }
        }),
      );
    };

    // --- the storm, and SIGKILL at a random moment inside it ---
    let alive = true;
    // Random moment: once a few orders are confirmed (the storm is in full swing), 0-300 ms later.
    const killAfter = Math.floor(Math.random() * 300);
    const stormDone = storm(origin, Date.now() + 8000, () => alive);
    const swing = Date.now() + 5000;
    while (attempts.filter((a) => a.status === 201).length < 4 && Date.now() < swing) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, killAfter));
    await kill9(server);
    alive = false;
    await stormDone;
    const confirmedBefore = attempts.filter((a) => a.kind === 'order' && ok(a));
    const reservedBefore = attempts.filter((a) => a.kind === 'grab' && ok(a));

    // --- restart on the same data ---
    server = await startCliServer(dataDir, env, { args: ['--demo'] });
    servers.push(server);
    origin = server.origin;

    const db = await openRecord(dataDir);
    try {
      const check = async (label: string) => {
        const s = await db.db.selectFrom('flash_sales').selectAll().where('id', '=', saleId).executeTakeFirstOrThrow();
        const lines = await db.db
          .selectFrom('order_lines')
          .innerJoin('orders', 'orders.id', 'order_lines.order_id')
          .select(['orders.id as order_id', 'orders.buyer_id', 'orders.status', 'order_lines.flash_units', 'order_lines.quantity', 'order_lines.flash_sale_id', 'order_lines.sku_id'])
          .where('order_lines.sku_id', '=', skuId)
          .execute();
        const liveLines = lines.filter((l) => l.status !== 'cancelled');
        const soldFlash = liveLines.filter((l) => l.flash_sale_id === saleId).reduce((a, l) => a + Number(l.flash_units), 0);
        const soldTotal = liveLines.reduce((a, l) => a + Number(l.quantity), 0);
        const reservations = await db.db.selectFrom('flash_reservations').selectAll().where('flash_sale_id', '=', saleId).execute();
        const heldRows = reservations.filter((r) => r.status === 'held');
        const held = heldRows.reduce((a, r) => a + Number(r.units), 0);
        // Every ordered reservation is in a live or cancelled order of its buyer.
        for (const r of reservations.filter((x) => x.status === 'ordered')) expect(lines.some((l) => l.order_id === r.order_id && l.buyer_id === r.buyer_id), `${label}: reservation ${r.id}`).toBe(true);
        // No unit sold twice, none beyond the pool.
        expect(soldFlash + held + Number(s.stock_left) + Number(s.stock_returned), label).toBe(UNITS);
        expect(Number(s.stock_left), label).toBeGreaterThanOrEqual(0);
        // Per-buyer limits, and the buyer rows agree with the orders and the held reservations.
        const perBuyer = new Map<string, number>();
        for (const l of liveLines) if (l.flash_sale_id === saleId) perBuyer.set(l.buyer_id, (perBuyer.get(l.buyer_id) ?? 0) + Number(l.flash_units));
        for (const r of heldRows) perBuyer.set(r.buyer_id, (perBuyer.get(r.buyer_id) ?? 0) + Number(r.units));
        const rows = await db.db.selectFrom('flash_sale_buyers').selectAll().where('flash_sale_id', '=', saleId).execute();
        for (const [b, q] of perBuyer) {
          expect(q, `${label}: buyer ${b}`).toBeLessThanOrEqual(LIMIT);
          expect(Number(rows.find((r) => r.buyer_id === b)?.quantity ?? 0), `${label}: buyer row ${b}`).toBe(q);
        }
        for (const r of rows) expect(Number(r.quantity), label).toBe(perBuyer.get(r.buyer_id) ?? 0);
        // SKU stock + the pool + sold + held = the initial stock.
        const sku = await db.db.selectFrom('skus').select('stock').where('id', '=', skuId).executeTakeFirstOrThrow();
        expect(Number(sku.stock) + Number(s.stock_left) + soldTotal + held, label).toBe(SKU_STOCK);
        return { orderIds: new Set(lines.map((l) => l.order_id)), reservationIds: new Set(reservations.map((r) => r.id)), stockLeft: Number(s.stock_left), soldFlash, held };
      };

      const afterCrash = await check('after the crash');
      // Every order and every reservation the client saw confirmed exists.
      for (const a of confirmedBefore) expect(afterCrash.orderIds.has(a.orderId!), `confirmed order ${a.orderId}`).toBe(true);
      for (const a of reservedBefore) expect(afterCrash.reservationIds.has(a.reservationId!), `confirmed reservation ${a.reservationId}`).toBe(true);
      // Replayed with their keys, they are the same (idempotency survived the crash); the passes too.
      for (const a of [...confirmedBefore.slice(0, 10), ...reservedBefore.slice(0, 10)]) {
        const again: Attempt = { ...a, status: -1 };
        await place(origin, again);
        expect(again.status, JSON.stringify(again.body)).toBe(200);
        if (a.kind === 'order') expect(again.orderId).toBe(a.orderId);
        else expect(again.reservationId).toBe(a.reservationId);
      }
      // Requests that broke with the server are retried with their keys: each gives one order at most.
      for (const a of attempts.filter((x) => x.status === 0)) {
        const again: Attempt = { ...a, status: -1 };
        await place(origin, again);
        expect([200, 201, 409], `${JSON.stringify(again.body)}\n${server.output().slice(-3000)}`).toContain(again.status);
      }
      // Reservations still held (their checkout broke or never came): checked out now.
      const ordered = new Set(attempts.filter((a) => a.kind === 'order' && ok(a) && a.reservationId).map((a) => a.reservationId));
      for (const a of attempts.filter((x) => x.kind === 'grab' && ok(x) && !ordered.has(x.reservationId))) {
        const c: Attempt = { kind: 'order', viewer: a.viewer, key: `r${a.viewer}-${randomBytes(6).toString('hex')}`, quantity: a.quantity, reservationId: a.reservationId!, status: -1 };
        await place(origin, c);
        // 409 RESERVATION_EXPIRED: its order was placed before the crash under another key.
        expect([200, 201, 409], JSON.stringify(c.body)).toContain(c.status);
        if (c.status === 409) expect((c.body as { error: { code: string } }).error.code).toBe('RESERVATION_EXPIRED');
      }
      await check('after retries');

      // Scale-out: holds the killed node left in Redis come back once its heartbeat has lapsed
      // (NODE_TTL_MS) and a reconciliation ran; the audience's `left` then equals the record's pool.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const s = await db.db.selectFrom('flash_sales').select('stock_left').where('id', '=', saleId).executeTakeFirstOrThrow();
        const pub = await fetch(`${origin}/api/live/${sessionId}/flash-sales`, { headers: { cookie: viewers[0]!.cookie } });
        const left = ((await pub.json()) as { sales: { id: string; left: number }[] }).sales.find((x) => x.id === saleId)?.left;
        if (left === Number(s.stock_left)) break;
        if (Date.now() > deadline) throw new Error(`the gate shows ${String(left)} left, the record ${s.stock_left}, 30 s after restart`);
        await new Promise((r) => setTimeout(r, 250));
      }

      // --- the storm resumes on the restarted server until the pool is empty ---
      await storm(origin, Date.now() + 15_000, () => true);
      const final = await check('after the second storm');
      expect(final.stockLeft).toBe(0);
      expect(final.soldFlash + final.held).toBe(UNITS);
      const pub = await fetch(`${origin}/api/live/${sessionId}/flash-sales`, { headers: { cookie: viewers[0]!.cookie } });
      const sales = ((await pub.json()) as { sales: { id: string; left: number }[] }).sales;
      expect(sales.find((x) => x.id === saleId)?.left).toBe(0);
      return {
        killAfter,
        attempts: attempts.length,
        confirmedOrdersBeforeKill: confirmedBefore.length,
        confirmedReservationsBeforeKill: reservedBefore.length,
        brokenByKill: attempts.filter((x) => x.status === 0).length,
        soldBeforeKill: afterCrash.soldFlash,
        heldAfterKill: afterCrash.held,
      };
    } finally {
      await db.close();
    }
  } finally {
    for (const s of servers) await stopGracefully(s);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('flash sale: SIGKILL during a purchase storm, then restart', () => {
  const scaleOut = useScaleOutSchemas('onair_crash');

  it('embedded (SQLite, in-process gate)', async () => {
    const r = await runScenario({}, (dataDir) => openDatabase({ sqliteFile: join(dataDir, 'onair.sqlite') }));
    console.log(`flash crash (embedded): ${JSON.stringify(r)}`);
  }, 180_000);

  it.skipIf(!need('postgres') || !need('redis'))('scale-out (PostgreSQL record, Redis gate)', async () => {
    const { env, openRecord } = scaleOut();
    const r = await runScenario(env, openRecord);
    console.log(`flash crash (scale-out): ${JSON.stringify(r)}`);
  }, 180_000);
});
