import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { closeAll, connect, guestToken, listen, roomUrl, type WsClient } from '../../../../test/support/ws-client.js';
import type { LiveShelf } from '../../../contracts/catalog.contract.js';
import type { ProductPinEvent } from '../../../contracts/realtime.contract.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { SessionStatus } from '../sessions/core/session-lifecycle.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const host = ctxOf(['host']);
const analyst = ctxOf(['analyst']);
const sys = systemCtx('test');

describe.each(dialects())('ShelfService on %s', (dialect) => {
  let t: TestApp;
  let ws: string;
  const clients: WsClient[] = [];
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect, { lowStockThreshold: 20 }, { realClock: true });
    ws = (await listen(t)).ws;
  });
  afterEach(async () => closeAll(clients.splice(0)));
  afterAll(async () => t?.dispose());

  const newProduct = async (stock: number[], title = `Shelf product ${n + 1}`) => {
    n++;
    return t.services.catalog.createProduct(sys, {
      brandId: null,
      title,
      description: 'd',
      category: 'tea',
      tags: [],
      images: ['https://example.com/p.png'],
      skus: stock.map((s, i) => ({ code: `SH-${n}-${i}-${dialect}`, name: `Variant ${i}`, attrs: {}, priceFen: 1000 + i, currency: 'CNY' as const, stock: s })),
    });
  };
  const session = async (status: SessionStatus, visibility: 'public' | 'private' = 'public') => {
    const scheduledStart = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    let s = await t.services.sessions.create(sys, { title: 'Shelf session', theme: 'other', visibility, scheduledStart, plannedMinutes: 60 });
    for (const step of ['scheduled', 'live', 'ended'] as const) {
      if (s.status === status) break;
      s = await t.services.sessions.transition(sys, s.id, step);
    }
    return s;
  };
  const liveShelf = async (sessionId: string, headers: Record<string, string>, query = ''): Promise<{ status: number; body: LiveShelf }> => {
    const res = await t.app.inject({ method: 'GET', url: `/api/live/${sessionId}/shelf${query}`, headers });
    return { status: res.statusCode, body: res.json<LiveShelf>() };
  };

  it('keeps the shelf in the order given, reorders, removes, and refuses unknown or archived products', async () => {
    const s = await session('scheduled');
    const [a, b, c] = [await newProduct([5]), await newProduct([5]), await newProduct([5])];
    const first = await t.services.shelf.setShelf(host, s.id, [b, a]);
    expect(first.items.map((i) => [i.productId, i.position])).toEqual([
      [b, 0],
      [a, 1],
    ]);
    const addedAt = first.items[0]!.addedAt;
    t.clock.advance(1000);
    const second = await t.services.shelf.setShelf(host, s.id, [a, c, b]);
    expect(second.items.map((i) => i.productId)).toEqual([a, c, b]);
    // A product that stays keeps the moment it was first added.
    expect(second.items.find((i) => i.productId === b)!.addedAt).toBe(addedAt);
    expect((await t.services.shelf.setShelf(host, s.id, [c])).items.map((i) => i.productId)).toEqual([c]);

    await expect(t.services.shelf.setShelf(host, s.id, [c, 'no-such'])).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'body.productIds.1' }] });
    await t.services.catalog.updateProduct(sys, a, { archived: true });
    await expect(t.services.shelf.setShelf(host, s.id, [a])).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: 'body.productIds.0' }] });
    expect((await t.services.shelf.getShelf(analyst, s.id)).items.map((i) => i.productId)).toEqual([c]);
    await expect(t.services.shelf.setShelf(analyst, s.id, [])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', s.id).where('action', '=', 'shelf.updated').execute();
    expect(audit).toHaveLength(3);
  });

  it('pins and unpins with timestamps, one open explanation at a time, broadcast to a real ws client; ending the session closes it', async () => {
    const s = await session('live');
    const [a, b, off] = [await newProduct([50]), await newProduct([50]), await newProduct([50])];
    await t.services.shelf.setShelf(host, s.id, [a, b]);
    const g = await guestToken(t);
    const viewer = await connect(roomUrl(ws, s.id), { guest: g.guestToken });
    clients.push(viewer);
    // The k-th product.pin event the viewer received (waits for it), checked to name productId.
    let seen = 0;
    const pinOf = async (productId: string | null): Promise<ProductPinEvent> => {
      const k = seen++;
      await viewer.waitFor(() => viewer.eventsOf('product.pin').length > k, 4000, `product.pin #${k} (${productId})`);
      const e = viewer.eventsOf('product.pin')[k]!;
      expect(e.productId).toBe(productId);
      return e;
    };

    const p1 = await t.services.shelf.pin(host, s.id, a);
    expect(p1.pinned?.productId).toBe(a);
    const ev1 = await pinOf(a);
    expect(ev1.since).toBe(Date.parse(p1.pinned!.since));
    // The same pin again (a retried click) keeps its "since" and opens nothing new.
    expect((await t.services.shelf.pin(host, s.id, a)).pinned).toEqual(p1.pinned);

    t.clock.advance(90_000);
    const p2 = await t.services.shelf.pin(host, s.id, b);
    await pinOf(b);
    t.clock.advance(30_000);
    expect((await t.services.shelf.pin(host, s.id, null)).pinned).toBeNull();
    const ev3 = await pinOf(null);
    expect(ev3.since).toBeNull();

    await expect(t.services.shelf.pin(host, s.id, off)).rejects.toMatchObject({ code: 'NOT_ON_SHELF', issues: [{ path: 'body.productId' }] });
    await t.services.catalog.updateProduct(sys, off, { archived: true });
    await expect(t.services.shelf.pin(host, s.id, off)).rejects.toMatchObject({ code: 'PRODUCT_ARCHIVED' });
    await expect(t.services.shelf.pin(analyst, s.id, a)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const report = await t.services.shelf.explanations(analyst, s.id);
    expect(report.items.map((i) => [i.productId, i.endedAt !== null])).toEqual([
      [a, true],
      [b, true],
    ]);
    expect(report.items[0]!.endedAt).toBe(p2.pinned!.since);
    expect(report.items[0]!.seconds).toBeGreaterThanOrEqual(90);
    expect(report.items[1]!.seconds).toBeGreaterThanOrEqual(30);
    expect(report.totals[0]).toMatchObject({ productId: a, times: 1 });

    // Pinned while the session ends: the explanation closes and the room hears the unpin.
    await t.services.shelf.pin(host, s.id, a);
    await pinOf(a);
    await t.services.sessions.transition(sys, s.id, 'ended');
    await pinOf(null);
    const open = await t.database.db.selectFrom('product_explanations').selectAll().where('session_id', '=', s.id).where('ended_at', 'is', null).execute();
    expect(open).toEqual([]);
    await expect(t.services.shelf.pin(host, s.id, a)).rejects.toMatchObject({ code: 'SESSION_NOT_LIVE' });
  });

  it('racing pins leave exactly one open explanation', async () => {
    const s = await session('live');
    const ids = [await newProduct([5]), await newProduct([5]), await newProduct([5]), await newProduct([5])];
    await t.services.shelf.setShelf(host, s.id, ids);
    const results = await Promise.allSettled(ids.flatMap((id) => [t.services.shelf.pin(host, s.id, id), t.services.shelf.pin(host, s.id, id)]));
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code?: string }).every((e) => e.code === 'PIN_BUSY')).toBe(true);
    const open = await t.database.db.selectFrom('product_explanations').selectAll().where('session_id', '=', s.id).where('ended_at', 'is', null).execute();
    expect(open).toHaveLength(1);
    expect((await t.services.shelf.getShelf(host, s.id)).pinned?.productId).toBe(open[0]!.product_id);
  });

  it('removing the pinned product from the shelf unpins it', async () => {
    const s = await session('live');
    const [a, b] = [await newProduct([5]), await newProduct([5])];
    await t.services.shelf.setShelf(host, s.id, [a, b]);
    await t.services.shelf.pin(host, s.id, a);
    const shelf = await t.services.shelf.setShelf(host, s.id, [b]);
    expect(shelf.pinned).toBeNull();
  });

  it('the audience sees products in order with honest stock and the pinned product; drafts and private sessions stay hidden', async () => {
    const s = await session('live');
    const plenty = await newProduct([100, 20, 0], 'Plenty');
    const archived = await newProduct([5], 'Archived later');
    const few = await newProduct([3], 'Few');
    await t.services.shelf.setShelf(host, s.id, [few, archived, plenty]);
    await t.services.catalog.updateProduct(sys, archived, { archived: true });
    await t.services.shelf.pin(host, s.id, plenty);
    const g = await guestToken(t);
    const r = await liveShelf(s.id, { 'x-guest-token': g.guestToken });
    expect(r.status).toBe(200);
    expect(r.body.products.map((p) => [p.title, p.position])).toEqual([
      ['Few', 0],
      ['Plenty', 1],
    ]);
    expect(r.body.products[0]!.skus[0]!.stock).toEqual({ state: 'low', left: 3 });
    expect(r.body.products[1]!.skus.map((x) => x.stock)).toEqual([{ state: 'in_stock' }, { state: 'low', left: 20 }, { state: 'sold_out' }]);
    expect(r.body.pinned?.productId).toBe(plenty);
    expect(JSON.stringify(r.body)).not.toContain('"left":100');

    // Without a guest token or viewer cookie: refused.
    expect((await liveShelf(s.id, {})).status).toBe(401);
    const draft = await session('draft');
    expect((await liveShelf(draft.id, { 'x-guest-token': g.guestToken })).status).toBe(404);
    const priv = await session('live', 'private');
    expect((await liveShelf(priv.id, { 'x-guest-token': g.guestToken })).status).toBe(404);
    const code = (await t.services.sessions.get(sys, priv.id)).inviteCode!;
    expect((await liveShelf(priv.id, { 'x-guest-token': g.guestToken }, `?invite=${code}`)).status).toBe(200);
  });
});
