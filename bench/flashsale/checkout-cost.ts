/**
 * What one flash-sale checkout (a won reservation -> an order) costs in CPU, in-process (Fastify
 * inject, no sockets): buyers grab a unit each through the service, then check out through the
 * real route (POST /api/live/:id/orders), one after another, then CHECKOUT_CONCURRENCY at a time.
 * Run: node --import tsx bench/flashsale/checkout-cost.ts (add --cpu-prof to see where it goes).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config/config.js';
import { systemCtx, type Ctx } from '../../src/server/platform/context.js';

const viewerCtx = (id: string): Ctx => ({ actor: { kind: 'viewer', id, nickname: id, sessionId: 'bench' }, requestId: 'bench', ip: null });

import BetterSqlite from 'better-sqlite3';
const sqlTimes = new Map<string, { n: number; us: number }>();
if (process.env.CHECKOUT_SQL_TIMES === '1') {
  const probe = new BetterSqlite(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ['all', 'get', 'run']) {
    const orig = proto[m]!;
    proto[m] = function (this: { source: string; database: { readonly: boolean; inTransaction: boolean } }, ...a: unknown[]) {
      const t0 = process.hrtime.bigint();
      try { return orig.apply(this, a); } finally {
        const k = `${this.database.readonly ? 'R' : this.database.inTransaction ? 'T' : 'W'} ${this.source}`;
        const e = sqlTimes.get(k) ?? { n: 0, us: 0 };
        e.n++; e.us += Number(process.hrtime.bigint() - t0) / 1000; sqlTimes.set(k, e);
      }
    };
  }
}
const N = Number(process.env.CHECKOUT_N ?? 1500);
const conc = Number(process.env.CHECKOUT_CONCURRENCY ?? 8);
const dataDir = mkdtempSync(join(tmpdir(), 'chkcost-'));
const config = loadConfig({ env: {}, file: '/nonexistent.json', overrides: { dataDir, logLevel: 'silent', trustProxy: true } });
const onair = await buildApp({ config, logger: false });
await onair.app.ready();
const ctx = systemCtx('p');
const t = onair.services;
const pid = await t.catalog.createProduct(ctx, { brandId: null, title: 'P', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: 'P1', name: '1', attrs: {}, priceFen: 9900, currency: 'CNY', stock: 4 * N }] });
const skuId = (await onair.database.db.selectFrom('skus').select('id').where('product_id', '=', pid).executeTakeFirstOrThrow()).id;
const s = await t.sessions.create(ctx, { title: 'S', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
await t.sessions.transition(ctx, s.id, 'live');
const sale = await t.flashSales.create(ctx, s.id, { skuId, priceFen: 4900, units: 3 * N, perBuyerLimit: 1, durationMinutes: 30, openNow: true });
const nowIso = new Date().toISOString();
const buyers: { id: string; cookie: string; csrf: string; res: string }[] = [];
for (let i = 0; i < 3 * N; i++) {
  const id = `cc${i}`;
  await onair.database.db.insertInto('viewers').values({ id, nickname: id, nickname_key: id, password_hash: '!', status: 'active', is_demo: 0, created_at: nowIso }).execute();
  const sess = await t.auth.createSession('viewer', id, { ip: null, userAgent: null });
  const g = await t.flashSales.grab(viewerCtx(id), s.id, sale.id, { quantity: 1, idempotencyKey: `grab-${i}-xxxxxxxx` });
  if (!g.ok) throw new Error(`grab ${i}: ${g.code}`);
  buyers.push({ id, cookie: `onair_viewer=${sess.token}`, csrf: sess.csrfToken, res: g.reservation.id });
}
const address = { name: 'a', phone: '13800138000', region: 'zhejiang', street: 'street 1' };
const one = async (i: number) => {
  const b = buyers[i]!;
  const r = await onair.app.inject({ method: 'POST', url: `/api/live/${s.id}/orders`, headers: { cookie: b.cookie, 'x-csrf-token': b.csrf, 'x-forwarded-for': `10.9.${(i >> 8) & 255}.${i & 255}` }, payload: { lines: [{ skuId, quantity: 1, flashSaleId: sale.id, reservationId: b.res }], usePoints: false, expectedTotalFen: 4900, address, idempotencyKey: `order-${i}-xxxxxxxx` } });
  if (r.statusCode !== 201) throw new Error(`order ${i}: ${r.statusCode} ${r.body.slice(0, 200)}`);
};
const results: Record<string, number> = {};
const round = async (name: string, from: number, c: number) => {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  let next = from;
  await Promise.all(Array.from({ length: c }, async () => { while (next < from + N) await one(next++); }));
  const cu = process.cpuUsage(c0);
  results[`${name}_cpu_us_per_order`] = Math.round((cu.user + cu.system) / N);
  results[`${name}_orders_per_s`] = Math.round(N / ((performance.now() - t0) / 1000));
};
await round('warmup', 0, 1);
sqlTimes.clear();
await round('serial', N, 1);
if (process.env.CHECKOUT_SQL_TIMES === '1') for (const [q, e] of [...sqlTimes].sort((a, b) => b[1].us - a[1].us).slice(0, 25)) console.log((e.us / N).toFixed(1).padStart(7), 'us/order', String(e.n).padStart(6), q.slice(0, 220));
await round(`concurrent_${conc}`, 2 * N, conc);
console.log(JSON.stringify({ bench: 'flashsale-checkout-cost', orders: N, ...results }));
await onair.close();
