import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../../../test/support/capabilities.js';
import { need } from '../../../../test/support/need.js';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { systemCtx } from '../../platform/context.js';
import { RedisFlashGate } from './flash-gate.redis.js';

const hasRedis = need('redis');

describe.skipIf(!hasRedis)('Redis flash gate (real Redis)', () => {
  const gates: RedisFlashGate[] = [];
  const redis = hasRedis ? new Redis(testRedisUrl) : null;
  const prefix = `onair-test-${randomBytes(4).toString('hex')}:`;
  const gate = (nodeId: string) => {
    const g = new RedisFlashGate(testRedisUrl, { nodeId, prefix });
    gates.push(g);
    return g;
  };
  afterAll(async () => {
    for (const g of gates) await g.close().catch(() => undefined);
    const keys = await redis!.keys(`${prefix}*`);
    if (keys.length) await redis!.del(...keys);
    redis!.disconnect();
  });

  it('2000 concurrent claims on 100 units across two gate instances: exactly 100 succeed, limits hold', async () => {
    const a = gate('node-a');
    const b = gate('node-b');
    await a.ready();
    await b.ready();
    await a.load({ id: 'sale-1', open: true, left: 100, perBuyerLimit: 2, buyers: new Map() });
    const buyers = 300;
    const results = await Promise.all(Array.from({ length: 2000 }, (_, i) => (i % 2 ? a : b).claim('sale-1', `v${i % buyers}`, 1)));
    const ok = results.filter((r) => r.ok).length;
    expect(ok).toBe(100);
    expect(results.filter((r) => !r.ok && r.code === 'SOLD_OUT').length + results.filter((r) => !r.ok && r.code === 'LIMIT_REACHED').length).toBe(1900);
    expect((await a.left(['sale-1'])).get('sale-1')).toBe(0);
    let held = 0;
    for (let v = 0; v < buyers; v++) {
      const q = await b.buyerUnits('sale-1', `v${v}`);
      expect(q).toBeLessThanOrEqual(2);
      held += q;
    }
    expect(held).toBe(100);
    expect(await a.inFlight('sale-1')).toBe(100);
  });

  it('claims of one turn share a script: in arrival order, the same buyer twice within the batch meets the limit, a batch over 256 splits, bad units refused alone', async () => {
    const a = gate('node-batch');
    await a.ready();
    await a.load({ id: 'sale-b', open: true, left: 5, perBuyerLimit: 2, buyers: new Map([['old', 2]]) });
    const first = await Promise.all([
      a.claim('sale-b', 'x', 1),
      a.claim('sale-b', 'x', 1),
      a.claim('sale-b', 'x', 1),
      a.claim('sale-b', 'old', 1),
      a.claim('sale-b', 'y', 2),
      a.claim('sale-b', 'z', 2),
      a.claim('sale-b', 'w', 1),
      a.claim('sale-b', 'q', 1),
    ]);
    expect(first.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'ok', 'LIMIT_REACHED', 'LIMIT_REACHED', 'ok', 'SOLD_OUT', 'ok', 'SOLD_OUT']);
    // The units left as each refusal saw them; the unknown buyer is told apart from a known one.
    expect(first[5]).toEqual({ ok: false, code: 'SOLD_OUT', left: 1, known: false });
    expect(first[7]).toEqual({ ok: false, code: 'SOLD_OUT', left: 0, known: false });
    expect((await a.left(['sale-b'])).get('sale-b')).toBe(0);
    expect(await a.buyerUnits('sale-b', 'x')).toBe(2);
    expect(await a.inFlight('sale-b')).toBe(5);
    // 700 claims in one turn (three scripts) on 300 units: exactly 300, each buyer once.
    await a.load({ id: 'sale-c', open: true, left: 300, perBuyerLimit: 1, buyers: new Map() });
    const many = await Promise.all(Array.from({ length: 700 }, (_, i) => a.claim('sale-c', `m${i % 350}`, 1)));
    expect(many.filter((r) => r.ok)).toHaveLength(300);
    expect(many.slice(0, 300).every((r) => r.ok)).toBe(true);
    expect((await a.left(['sale-c'])).get('sale-c')).toBe(0);
    await expect(a.claim('sale-c', 'm1', 0)).rejects.toThrow(RangeError);
    // A sale the gate does not know: not open, and it cannot tell whether it knows the buyer.
    expect(await a.claim('sale-unknown', 'x', 1)).toEqual({ ok: false, code: 'NOT_OPEN', left: 0, known: true });
  });

  it('unclaim gives a hold back once; a part of a hold may be undone; a shut gate refuses', async () => {
    const a = gate('node-c');
    await a.ready();
    await a.load({ id: 'sale-2', open: true, left: 5, perBuyerLimit: 5, buyers: new Map() });
    const c = await a.claim('sale-2', 'x', 3);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    await a.unclaim('sale-2', 'x', 1, c.token);
    expect((await a.left(['sale-2'])).get('sale-2')).toBe(3);
    await a.unclaim('sale-2', 'x', 2, c.token);
    await a.unclaim('sale-2', 'x', 2, c.token); // again: nothing
    expect((await a.left(['sale-2'])).get('sale-2')).toBe(5);
    expect(await a.buyerUnits('sale-2', 'x')).toBe(0);
    await a.setOpen('sale-2', false);
    expect(await a.claim('sale-2', 'x', 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
  });

  it('a refusal says whether the buyer ever held units of the sale (kept after giving them back, and across a reload)', async () => {
    const a = gate('node-k');
    await a.ready();
    await a.load({ id: 'sale-k', open: true, left: 1, perBuyerLimit: 1, buyers: new Map([['was', 0]]) });
    const c = await a.claim('sale-k', 'x', 1);
    expect(c.ok).toBe(true);
    expect(await a.claim('sale-k', 'y', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT', known: false });
    expect(await a.claim('sale-k', 'was', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT', known: true });
    expect(await a.claim('sale-k', 'x', 1)).toMatchObject({ ok: false, known: true });
    if (c.ok) await a.unclaim('sale-k', 'x', 1, c.token);
    expect(await a.claim('sale-k', 'y', 1)).toMatchObject({ ok: true });
    expect(await a.claim('sale-k', 'x', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT', known: true });
    // A sale the gate does not hold: it cannot tell, so the buyer counts as known.
    expect(await a.claim('sale-unknown', 'z', 1)).toMatchObject({ ok: false, code: 'NOT_OPEN', known: true });
  });

  it('reconciliation: recorded holds and holds of dead nodes leave; live in-flight holds stay subtracted', async () => {
    const live = gate('node-live');
    const doomed = gate('node-doomed');
    await live.ready();
    await doomed.ready();
    await live.load({ id: 'sale-3', open: true, left: 10, perBuyerLimit: 5, buyers: new Map() });
    const recorded = await live.claim('sale-3', 'r', 2); // its order committed: the record has it
    const inFlight = await live.claim('sale-3', 'f', 1); // its order is still being written
    const lost = await doomed.claim('sale-3', 'd', 3); // its node dies before recording
    expect(recorded.ok && inFlight.ok && lost.ok).toBe(true);
    expect((await live.left(['sale-3'])).get('sale-3')).toBe(4);
    // The doomed node is killed: no graceful close, its heartbeat simply stops (here: removed).
    await redis!.del(`${prefix}fs:node:node-doomed`);
    // The record: 10 - 2 recorded = 8 left, buyer r holds 2.
    await live.exclusive(() => live.load({ id: 'sale-3', open: true, left: 8, perBuyerLimit: 5, buyers: new Map([['r', 2]]) }, [recorded.ok ? recorded.token : '']));
    expect((await live.left(['sale-3'])).get('sale-3')).toBe(7); // 8 minus the live in-flight hold
    expect(await live.buyerUnits('sale-3', 'f')).toBe(1);
    expect(await live.buyerUnits('sale-3', 'd')).toBe(0);
    expect(await live.inFlight('sale-3')).toBe(1);
    // The in-flight order now fails: its hold comes back exactly once.
    if (inFlight.ok) await live.unclaim('sale-3', 'f', 1, inFlight.token);
    expect((await live.left(['sale-3'])).get('sale-3')).toBe(8);
  });

  it('the reconciliation lock lets one node at a time in', async () => {
    const a = gate('node-l1');
    const b = gate('node-l2');
    // Both gates share the prefix, so the same lock key.
    const order: string[] = [];
    await Promise.all([
      a.exclusive(async () => {
        order.push('a-in');
        await new Promise((r) => setTimeout(r, 100));
        order.push('a-out');
      }),
      new Promise((r) => setTimeout(r, 20)).then(() =>
        b.exclusive(async () => {
          order.push('b-in');
          order.push('b-out');
        }),
      ),
    ]);
    expect(order).toEqual(['a-in', 'a-out', 'b-in', 'b-out']);
  });
});

describe.skipIf(!hasRedis || !need('postgres'))('Flash sales scale-out (PostgreSQL + Redis): reconciliation at start-up after a crash', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps.reverse()) await a.dispose().catch(() => undefined);
  });

  it('units claimed in Redis by a node that died before recording come back from the record', async () => {
    const first = await createTestApp('postgres', { redisUrl: testRedisUrl }, { nodeId: `crash-a-${randomBytes(3).toString('hex')}` });
    apps.push(first);
    expect((first.services.flashSales as unknown as { d: { gate: { kind: string } } }).d.gate.kind).toBe('redis');
    const ctx = systemCtx('test');
    const productId = await first.services.catalog.createProduct(ctx, { brandId: null, title: 'Crash tea', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: `CR-${randomBytes(3).toString('hex')}`, name: '1', attrs: {}, priceFen: 5000, currency: 'CNY', stock: 100 }] });
    const skuId = (await first.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    const session = await first.services.sessions.create(ctx, { title: 'Crash', theme: 'other', visibility: 'public', scheduledStart: new Date(first.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    await first.services.sessions.transition(ctx, session.id, 'scheduled');
    const sale = await first.services.flashSales.create(ctx, session.id, { skuId, priceFen: 100, units: 20, perBuyerLimit: 5, durationMinutes: 60, openNow: true });
    // Two orders recorded and committed, five units claimed and never recorded (the node dies).
    for (const b of ['p', 'q']) {
      expect((await first.services.flashSales.claim(sale.id, b, 1)).ok).toBe(true);
      await first.database.db.transaction().execute((trx) => first.services.flashSales.recordClaim(trx, sale.id, b, 1));
    }
    for (let i = 0; i < 5; i++) expect((await first.services.flashSales.claim(sale.id, `lost${i}`, 1)).ok).toBe(true);
    expect((await first.services.flashSales.listPublic(session.id)).sales[0]!.left).toBe(13);
    // SIGKILL-like: the first node stops beating (its heartbeat key goes) without settling anything.
    const r = new Redis(testRedisUrl);
    const nodeKeys = await r.keys('onair:fs:node:crash-a-*');
    if (nodeKeys.length) await r.del(...nodeKeys);
    r.disconnect();
    await first.services.flashSales.stop();
    // A node starts on the same record: reconciliation at start-up restores the record's value.
    const second = await createTestApp('postgres', { redisUrl: testRedisUrl }, { database: first.testDb, nodeId: `crash-b-${randomBytes(3).toString('hex')}` });
    apps.push(second);
    const pub = (await second.services.flashSales.listPublic(session.id)).sales[0]!;
    expect(pub.left).toBe(18);
    const row = await second.database.db.selectFrom('flash_sales').selectAll().where('id', '=', sale.id).executeTakeFirstOrThrow();
    expect(row.stock_left).toBe(18);
    // And the restored units sell.
    expect((await second.services.flashSales.claim(sale.id, 'late', 5)).ok).toBe(true);
  });

  it('reconciliation running again and again during a storm never lets the gate admit more than the record holds', async () => {
    const app = await createTestApp('postgres', { redisUrl: testRedisUrl }, { nodeId: `storm-${randomBytes(3).toString('hex')}`, realClock: true });
    apps.push(app);
    const ctx = systemCtx('test');
    const productId = await app.services.catalog.createProduct(ctx, { brandId: null, title: 'Storm tea', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: `ST-${randomBytes(3).toString('hex')}`, name: '1', attrs: {}, priceFen: 5000, currency: 'CNY', stock: 1000 }] });
    const skuId = (await app.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    const session = await app.services.sessions.create(ctx, { title: 'Storm', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 86_400_000).toISOString(), plannedMinutes: 60 });
    const flash = app.services.flashSales;
    const sale = await flash.create(ctx, session.id, { skuId, priceFen: 100, units: 150, perBuyerLimit: 1, durationMinutes: 60, openNow: true });
    let stop = false;
    let reconciles = 0;
    const reconciler = (async () => {
      while (!stop) {
        await flash.reconcile();
        reconciles++;
        await flash.runDue(); // settles committed holds between reconciliations
      }
    })();
    let refusedByRecord = 0;
    let sold = 0;
    await Promise.all(
      Array.from({ length: 400 }, async (_, i) => {
        const pause = (ms: number) => new Promise((r) => setTimeout(r, Math.floor(Math.random() * ms)));
        await pause(300);
        const c = await flash.claim(sale.id, `s${i}`, 1);
        if (!c.ok) return;
        // Some orders fail after the claim (payment page refused, price changed...): the hold comes back.
        if (i % 7 === 0) {
          await flash.unclaim(sale.id, `s${i}`, 1);
          return;
        }
        await pause(20);
        // The commit comes a while after the record (the order's other writes): reconciliations
        // run between the two.
        const ok = await app.database.db.transaction().execute(async (trx) => {
          const r = await flash.recordClaim(trx, sale.id, `s${i}`, 1);
          await pause(30);
          return r;
        });
        if (ok) sold++;
        else {
          refusedByRecord++;
          await flash.unclaim(sale.id, `s${i}`, 1);
        }
      }),
    );
    stop = true;
    await reconciler;
    expect(reconciles).toBeGreaterThan(1);
    // The gate never admitted a unit the record could not take.
    expect(refusedByRecord).toBe(0);
    const row = await app.database.db.selectFrom('flash_sales').select(['stock_left']).where('id', '=', sale.id).executeTakeFirstOrThrow();
    expect(sold + Number(row.stock_left)).toBe(150);
    await flash.reconcile();
    expect((await flash.listPublic(session.id).catch(() => ({ sales: [] as { id: string; left: number }[] }))).sales.find((x) => x.id === sale.id)?.left ?? Number(row.stock_left)).toBe(Number(row.stock_left));
  });
});
