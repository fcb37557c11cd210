import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx } from '../../src/server/platform/context.js';
import { testRedisUrl } from '../support/capabilities.js';
import { need } from '../support/need.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects, openTestDatabase, type TestDatabase } from '../support/test-databases.js';
import { makeLiveSession } from './fixtures/fixture-kit.js';
import { authHeaders, expectError, nextIp, viewerSignUp, type ViewerSession } from './route-fixtures.js';

/** The cart quote and wallet over HTTP: a guest's preview, a viewer's coupons and points, errors naming the field. */
describe.each(dialects())('promotions over HTTP on %s', (dialect) => {
  let t: TestApp;
  let owner: Session;
  let viewer: ViewerSession;
  let guestToken: string;
  let skuId: string;
  let sessionId: string;
  const sys = systemCtx('test');

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = await t.signInAs(['marketer']);
    viewer = await viewerSignUp(t, 'Quote viewer');
    guestToken = (await t.app.inject({ method: 'POST', url: '/api/viewer/guest', remoteAddress: nextIp() })).json<{ guestToken: string }>().guestToken;
    const productId = await t.services.catalog.createProduct(sys, { brandId: null, title: 'Tea', description: '', category: 'tea', tags: [], images: [], skus: [{ code: 'Q-1', name: '100 g', attrs: {}, priceFen: 12000, currency: 'CNY', stock: 10 }] });
    skuId = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    sessionId = (await makeLiveSession(t, { status: 'live', title: 'Quote session' })).id;
  });
  afterAll(async () => t?.dispose());

  const post = (url: string, body: unknown, who: { cookie: string; csrf: string } | null, extra: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, remoteAddress: nextIp(), headers: { ...authHeaders('POST', who), ...extra }, payload: body as Record<string, unknown> });
  const window = () => ({ from: new Date(t.clock.now().getTime() - 60_000).toISOString(), to: new Date(t.clock.now().getTime() + 86_400_000).toISOString() });

  it('creates promotions and coupons in the console, refuses an overlapping exclusive one naming both', async () => {
    const body = { name: 'Exclusive 满100减10', kind: 'threshold', sessionId, window: window(), exclusive: true, status: 'active', args: { mode: 'tiers', tiers: [{ thresholdFen: 10000, offFen: 1000 }] } };
    const first = await post('/api/console/promotions', body, owner);
    expect(first.statusCode, first.body).toBe(201);
    const clash = expectError(await post('/api/console/promotions', { ...body, name: 'Exclusive 满200减30' }, owner), 409, 'EXCLUSIVE_OVERLAP');
    expect(clash.message).toMatch(/Exclusive 满100减10/);
    expect(clash.message).toMatch(/Exclusive 满200减30/);
    const tpl = await post('/api/console/coupons/templates', { name: '¥20 off', discountType: 'fixed', offFen: 2000, thresholdFen: 5000, validFrom: window().from, validTo: window().to, totalQuantity: 10, perViewerLimit: 1 }, owner);
    expect(tpl.statusCode, tpl.body).toBe(201);
    const issued = await post(`/api/console/coupons/templates/${tpl.json<{ id: string }>().id}/issue`, { nicknames: ['quote viewer', 'nobody'] }, owner);
    expect(issued.json()).toMatchObject({ issued: 1, skipped: [{ viewer: 'nobody', reason: 'UNKNOWN_VIEWER' }] });
    await t.services.promotions.points.grant(viewer.viewerId, 500, 'test', 'e2e-grant');
  });

  it('gives a guest the preview and the viewer their coupons and points', async () => {
    const cart = { lines: [{ skuId, quantity: 1 }], usePoints: true };
    const guest = await post(`/api/live/${sessionId}/cart/quote`, cart, null, { 'x-guest-token': guestToken });
    expect(guest.statusCode, guest.body).toBe(200);
    expect(guest.json()).toMatchObject({ pricing: { totalFen: 11000 }, couponIds: [], pointsUsed: 0 });
    const mine = await post(`/api/live/${sessionId}/cart/quote`, cart, viewer);
    expect(mine.statusCode, mine.body).toBe(200);
    // ¥120: the exclusive 满100减10 combines with nothing, so the ¥20 coupon alone is cheaper; then 500 points = ¥5.
    const q = mine.json<{ pricing: { totalFen: number; adjustments: { kind: string }[] }; pointsUsed: number; couponIds: string[] }>();
    expect(q.pointsUsed).toBe(500);
    expect(q.pricing.totalFen).toBe(12000 - 2000 - 500);
    expect(q.couponIds.length).toBe(1);
    const wallet = await t.app.inject({ method: 'GET', url: '/api/viewer/coupons', headers: authHeaders('GET', viewer) });
    expect(wallet.json()).toMatchObject({ points: 500, coupons: [{ name: '¥20 off', status: 'issued' }] });
  });

  it('names the bad line, and a draft session is not found', async () => {
    const bad = expectError(await post(`/api/live/${sessionId}/cart/quote`, { lines: [{ skuId, quantity: 1 }, { skuId: 'nope', quantity: 1 }] }, viewer), 400, 'UNKNOWN_SKU');
    expect(bad.issues?.[0]?.path).toBe('body.lines.1.skuId');
    const neg = expectError(await post(`/api/live/${sessionId}/cart/quote`, { lines: [{ skuId, quantity: -2 }] }, viewer), 400, 'VALIDATION');
    expect(neg.issues?.[0]?.path).toBe('body.lines.0.quantity');
    const draft = await makeLiveSession(t, { title: 'Draft' });
    expectError(await post(`/api/live/${draft.id}/cart/quote`, { lines: [{ skuId, quantity: 1 }] }, viewer), 404, 'NOT_FOUND');
    expectError(await post(`/api/live/${sessionId}/cart/quote`, { lines: [{ skuId, quantity: 1 }], couponIds: ['not-mine'] }, viewer), 400, 'COUPON_UNKNOWN');
  });
});

describe.skipIf(!(need('redis') && need('postgres')))('promotions across two nodes (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    a = await createTestApp('postgres', { redisUrl: testRedisUrl }, { database: db, nodeId: 'node-a' });
    b = await createTestApp('postgres', { redisUrl: testRedisUrl }, { database: db, nodeId: 'node-b' });
  });
  afterAll(async () => {
    await a?.dispose();
    await b?.dispose();
    await db?.drop();
  });

  it('a promotion activated on one node prices carts on the other at once (the bus clears its cache)', async () => {
    const sys = systemCtx('test');
    const productId = await a.services.catalog.createProduct(sys, { brandId: null, title: 'Tea', description: '', category: 'tea', tags: [], images: [], skus: [{ code: 'N-1', name: '1', attrs: {}, priceFen: 12000, currency: 'CNY', stock: 10 }] });
    const skuId = (await db.database.db.selectFrom('skus').select('id').where('product_id', '=', productId).executeTakeFirstOrThrow()).id;
    const s = await makeLiveSession(a, { status: 'live' });
    const quote = () => b.services.promotions.quote(sys, { sessionId: s.id, buyerId: null, lines: [{ skuId, quantity: 1 }], usePoints: false });
    expect((await quote()).pricing.totalFen).toBe(12000); // node b caches "no promotions"
    const now = a.clock.now().getTime();
    await a.services.promotions.createPromotion(sys, { name: '满100减10', kind: 'threshold', sessionId: s.id, window: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 3_600_000).toISOString() }, args: { mode: 'tiers', tiers: [{ thresholdFen: 10000, offFen: 1000 }] }, status: 'active' });
    await expect.poll(async () => (await quote()).pricing.totalFen, { timeout: 2000, interval: 20 }).toBe(11000);
  });
});
