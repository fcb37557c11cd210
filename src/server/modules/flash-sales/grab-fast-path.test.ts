import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLiveSession, viewerSignUp, type ViewerSession } from '../../../../test/e2e/route-fixtures.js';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { FLASH_PASS_HEADER } from '../../../contracts/flash-sales.contract.js';
import { permissionsOf } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';

/**
 * The grab fast path answers plain pass grabs over real HTTP before Fastify. Parity: the same
 * requests, in the same order, to two identical sales, one over a socket (the fast path) and one
 * through Fastify (inject never reaches the fast path), get the same status, body and headers,
 * up to ids and the request id. The fast path's counters show it answered the plain grabs itself
 * and replayed the rest through Fastify.
 */

const operator: Ctx = { actor: { kind: 'team', id: 'm-op', displayName: 'op', roles: ['operator'], permissions: permissionsOf(['operator']), sessionId: 's' }, requestId: 'r', ip: null };

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Ids, keys and request ids vary between the two sides: replace them by their field's name. */
function normalise(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => normalise(x));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x, k)]));
  if (typeof v === 'string' && ['id', 'flashSaleId', 'skuId', 'requestId', 'sessionId'].includes(key)) return `<${key}>`;
  return v;
}
const VARYING = new Set(['date', 'connection', 'keep-alive', 'x-request-id', 'content-length', 'transfer-encoding']);
const headersOf = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => !VARYING.has(k.toLowerCase())).map(([k, v]): [string, string] => [k.toLowerCase(), String(v)]).sort((x, y) => x[0].localeCompare(y[0])));

describe.each(dialects())('grab fast path on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let sessionId: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    sessionId = (await makeLiveSession(t, { status: 'live', title: 'Fast path' })).id;
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => t?.dispose());

  async function sale(units: number, perBuyerLimit: number) {
    const k = ++n;
    const productId = await t.services.catalog.createProduct(systemCtx('test'), {
      brandId: null,
      title: `Fast tea ${k}`,
      description: 'x',
      category: 'tea',
      tags: [],
      images: [],
      skus: [{ code: `FP-${dialect}-${k}`, name: '100 g', attrs: {}, priceFen: 9900, currency: 'CNY', stock: units + 10 }],
    });
    const skuId = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    return (await t.services.flashSales.create(operator, sessionId, { skuId, priceFen: 4900, units, perBuyerLimit, durationMinutes: 30, openNow: true })).id;
  }
  async function passFor(who: ViewerSession, saleId: string): Promise<string> {
    const res = await t.app.inject({ method: 'POST', url: `/api/live/${sessionId}/flash-sales/${saleId}/pass`, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ pass: string }>().pass;
  }

  interface Req {
    label: string;
    /** Which buyer's pass (or a forged one, or another sale's). */
    pass: 'a' | 'b' | 'forged' | 'other-sale';
    body: string;
    contentType?: string;
    saleSuffix?: string;
  }

  async function side(transport: 'socket' | 'fastify', requests: Req[]): Promise<Answer[]> {
    const saleId = await sale(1, 1);
    const otherSale = await sale(1, 1);
    const a = await viewerSignUp(t, `FastA ${dialect} ${transport} ${n}`);
    const b = await viewerSignUp(t, `FastB ${dialect} ${transport} ${n}`);
    const passes = { a: await passFor(a, saleId), b: await passFor(b, saleId), 'other-sale': await passFor(a, otherSale) };
    const out: Answer[] = [];
    for (const r of requests) {
      const pass = r.pass === 'forged' ? `${passes.a.slice(0, -3)}AAA` : passes[r.pass];
      const headers = { 'content-type': r.contentType ?? 'application/json', [FLASH_PASS_HEADER]: pass };
      const url = `/api/live/${sessionId}/flash-sales/${saleId}/claims`;
      if (transport === 'socket') {
        const res = await fetch(`${base}${url}`, { method: 'POST', headers, body: r.body });
        const text = await res.text();
        out.push({ status: res.status, body: normalise(JSON.parse(text)), headers: headersOf(Object.fromEntries(res.headers)) });
      } else {
        const res = await t.app.inject({ method: 'POST', url, headers, payload: r.body });
        out.push({ status: res.statusCode, body: normalise(res.json()), headers: headersOf(res.headers as Record<string, unknown>) });
      }
    }
    return out;
  }

  it('answers plain grabs itself and everything else as Fastify does, request for request', async () => {
    const requests: Req[] = [
      { label: 'the winning grab', pass: 'a', body: '{"quantity":1,"idempotencyKey":"fast-key-0001"}' },
      { label: 'the same key again (a replay)', pass: 'a', body: '{"quantity":1,"idempotencyKey":"fast-key-0001"}' },
      { label: 'another buyer: sold out', pass: 'b', body: '{"idempotencyKey":"fast-key-0002"}' },
      { label: 'the winner again with a new key: over the limit', pass: 'a', body: '{"quantity":1,"idempotencyKey":"fast-key-0003"}' },
      { label: 'quantity 0', pass: 'b', body: '{"quantity":0,"idempotencyKey":"fast-key-0004"}' },
      { label: 'a short key', pass: 'b', body: '{"idempotencyKey":"short"}' },
      { label: 'an unknown field', pass: 'b', body: '{"idempotencyKey":"fast-key-0005","price":1}' },
      { label: 'malformed JSON', pass: 'b', body: '{"idempotencyKey":' },
      { label: 'a __proto__ key', pass: 'b', body: '{"__proto__":{"x":1},"idempotencyKey":"fast-key-0006"}' },
      { label: 'a NUL in the key', pass: 'b', body: '{"idempotencyKey":"fast-key\\u00000007"}' },
      { label: 'a JSON array', pass: 'b', body: '[1,2]' },
      { label: 'a forged pass', pass: 'forged', body: '{"idempotencyKey":"fast-key-0008"}' },
      { label: "another sale's pass", pass: 'other-sale', body: '{"idempotencyKey":"fast-key-0009"}' },
      { label: 'text/plain', pass: 'b', body: '{"idempotencyKey":"fast-key-0010"}', contentType: 'text/plain' },
      // The per-viewer limit is 10 a second: b has sent 6 grabs that reached the handler's limiter (or not): go over it.
      ...Array.from({ length: 11 }, (_, i) => ({ label: `burst ${i}`, pass: 'b' as const, body: `{"idempotencyKey":"fast-burst-${String(i).padStart(4, '0')}"}` })),
    ];
    const before = { ...t.grabFastPath.stats };
    const viaSocket = await side('socket', requests);
    const stats = { answered: t.grabFastPath.stats.answered - before.answered, replayed: t.grabFastPath.stats.replayed - before.replayed };
    const viaFastify = await side('fastify', requests);
    requests.forEach((r, i) => expect(viaSocket[i], r.label).toEqual(viaFastify[i]));
    // What the two sides answered, so the comparison is not of two identical failures.
    expect(viaSocket.slice(0, 4).map((x) => x.status)).toEqual([201, 200, 409, 409]);
    expect(viaSocket.slice(4, 11).map((x) => x.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    expect(viaSocket.slice(11, 14).map((x) => x.status)).toEqual([401, 401, 415]);
    expect(viaSocket.slice(14).map((x) => x.status)).toContain(429);
    expect(viaSocket[14 + 10]!.headers['retry-after']).toBeDefined();
    expect(viaSocket[0]!.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    // The plain grabs (the first four and the burst's first ones) were answered by the fast path;
    // the bad bodies and passes and the over-limit grabs were replayed through Fastify; text/plain
    // never entered it.
    expect(stats.answered).toBeGreaterThanOrEqual(4 + 4);
    expect(stats.replayed).toBeGreaterThanOrEqual(9);
    expect(stats.answered + stats.replayed).toBe(requests.length - 1);
  });

  it('a grab it answers is counted in the metrics under the route, and a request id comes back', async () => {
    const saleId = await sale(5, 1);
    const a = await viewerSignUp(t, `FastM ${dialect}`);
    const pass = await passFor(a, saleId);
    const res = await fetch(`${base}/api/live/${sessionId}/flash-sales/${saleId}/claims`, { method: 'POST', headers: { 'content-type': 'application/json', [FLASH_PASS_HEADER]: pass }, body: '{"idempotencyKey":"fast-metric-01"}' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { reservation: { status: string } };
    expect(body.reservation.status).toBe('held');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const metrics = await t.app.inject('/metrics');
    expect(metrics.body).toMatch(/onair_http_request_duration_seconds_count\{method="POST",route="\/api\/live\/:id\/flash-sales\/:saleId\/claims",status_code="201"\} [1-9]/);
  });
});
