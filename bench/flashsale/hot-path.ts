/**
 * What one refused flash-sale attempt costs in CPU, in-process (Fastify inject, no sockets), on
 * an empty pool, by layer: the real checkout route (POST /api/live/:id/orders), a probe route
 * doing only the hot path (auth + body validation + the gate's claim), and /healthz (the
 * framework + inject floor). Run: node --import tsx bench/flashsale/hot-path.ts
 * CPU microseconds per attempt. Rounds: a warm-up, then each route with buyers whose sign-in
 * session this process has not resolved yet (a cache miss: the auth reads run) and, right after,
 * the same buyers again (their sessions are in the 2-second session cache).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config/config.js';
import { systemCtx } from '../../src/server/platform/context.js';
import { checkoutBody } from '../../src/contracts/orders.contract.js';
import { idParam } from '../../src/contracts/api.contract.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

const dataDir = mkdtempSync(join(tmpdir(), 'h3prof-'));
const config = loadConfig({ env: {}, file: '/nonexistent.json', overrides: { dataDir, logLevel: 'silent', trustProxy: true } });
const onair = await buildApp({ config, logger: false });
const app = onair.app as unknown as FastifyInstance;
// The hot path alone: auth (access guard) + validation + the gate, no other DB work.
app.withTypeProvider<ZodTypeProvider>().post('/api/live/:id/probe-claim', { config: { access: { kind: 'viewer' } }, schema: { params: idParam, body: checkoutBody, response: { 409: z.any(), 201: z.any() } } }, async (req, reply) => {
  const l = req.body.lines[0]!;
  const r = await onair.services.flashSales.claim(l.flashSaleId!, req.ctx.actor.kind === 'viewer' ? req.ctx.actor.id : '', l.quantity);
  return reply.status(r.ok ? 201 : 409).send(r.ok ? { ok: true } : { error: { code: r.code, message: r.message } });
});
await onair.app.ready();
const ctx = systemCtx('p');
const t = onair.services;
const pid = await t.catalog.createProduct(ctx, { brandId: null, title: 'P', description: 'x', category: 'tea', tags: [], images: [], skus: [{ code: 'P1', name: '1', attrs: {}, priceFen: 9900, currency: 'CNY', stock: 5000 }] });
const skuId = (await onair.database.db.selectFrom('skus').select('id').where('product_id', '=', pid).executeTakeFirstOrThrow()).id;
const s = await t.sessions.create(ctx, { title: 'S', theme: 'other', visibility: 'public', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), plannedMinutes: 60 });
await t.sessions.transition(ctx, s.id, 'live');
const sale = await t.flashSales.create(ctx, s.id, { skuId, priceFen: 4900, units: 1, perBuyerLimit: 1, durationMinutes: 30, openNow: true });
await t.flashSales.claim(sale.id, 'someone', 1); // the pool is empty from now on: every attempt is a refusal
// Many buyers (the checkout is rate-limited per buyer), signed in through the auth service.
const buyers: { cookie: string; csrf: string }[] = [];
const nowIso = new Date().toISOString();
for (let i = 0; i < 8000; i++) {
  const id = `hp${i}`;
  await onair.database.db.insertInto('viewers').values({ id, nickname: id, nickname_key: id, password_hash: '!', status: 'active', is_demo: 0, created_at: nowIso }).execute();
  const sess = await t.auth.createSession('viewer', id, { ip: null, userAgent: null });
  buyers.push({ cookie: `onair_viewer=${sess.token}`, csrf: sess.csrfToken });
}
const body = { lines: [{ skuId, quantity: 1, flashSaleId: sale.id }], usePoints: false, expectedTotalFen: 4900, address: { name: 'a', phone: '13800138000', region: 'zhejiang', street: 'street 1' } };
const N = 2000;
const results: { route: string; round: number; sessions: 'warm-up' | 'not cached' | 'cached'; cpu_us_per_attempt: number; codes: Record<string, number> }[] = [];
let round = 0;
const plan: { route: string; from: number; sessions: 'warm-up' | 'not cached' | 'cached' }[] = [
  { route: 'orders', from: 0, sessions: 'warm-up' },
  { route: 'probe-claim', from: 2000, sessions: 'warm-up' },
  { route: 'orders', from: 4000, sessions: 'not cached' },
  { route: 'orders', from: 4000, sessions: 'cached' },
  { route: 'probe-claim', from: 6000, sessions: 'not cached' },
  { route: 'probe-claim', from: 6000, sessions: 'cached' },
];
for (const { route, from, sessions } of plan) {
  round++;
  const codes: Record<string, number> = {};
  const c0 = process.cpuUsage();
  for (let j = 0; j < N; j++) {
    const i = from + j;
    const r = await onair.app.inject({ method: 'POST', url: `/api/live/${s.id}/${route}`, headers: { cookie: buyers[i]!.cookie, 'x-csrf-token': buyers[i]!.csrf, 'x-forwarded-for': `10.${round}.${(i >> 8) & 255}.${i & 255}` }, payload: { ...body, idempotencyKey: `probe-${route}-${round}-${i}-xxxx` } });
    const k = `${r.statusCode} ${r.statusCode === 409 ? (r.json() as { error: { code: string } }).error.code : ''}`;
    codes[k] = (codes[k] ?? 0) + 1;
  }
  const c = process.cpuUsage(c0);
  results.push({ route, round, sessions, cpu_us_per_attempt: Math.round((c.user + c.system) / N), codes });
}
// Same, without auth: a bare inject of /healthz (framework + inject floor).
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await onair.app.inject({ method: 'GET', url: '/healthz' });
const c = process.cpuUsage(c0);
results.push({ route: 'healthz', round: round + 1, sessions: 'warm-up', cpu_us_per_attempt: Math.round((c.user + c.system) / N), codes: {} });
console.log(JSON.stringify({ bench: 'flashsale-hot-path', attempts: N, results }));
await onair.close();
