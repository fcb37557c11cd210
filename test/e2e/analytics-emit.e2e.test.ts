import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsEvent } from '../../src/contracts/analytics-events.contract.js';
import { systemCtx } from '../../src/server/platform/context.js';
import { RecordingSink } from '../support/recording-sink.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, guestToken, listen, roomUrl, type ConnectOptions, type WsClient } from '../support/ws-client.js';
import { makeLiveSession, nextIp, viewerSignUp, type ViewerSession } from './route-fixtures.js';

/**
 * Who records what for analytics (issue 7), through the real app with a recording sink: the room
 * socket (views with their source and traffic label, comments, likes, `track`), the beacons
 * route, the interactive tools and the orders. Every fact is recorded once, under its id.
 */

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const address = { name: '张三', phone: '13812345678', region: '广东省深圳市', street: '南山区科技园科苑路15号' };

describe.each(dialects())('analytics emission on %s', (dialect) => {
  const sink = new RecordingSink();
  let t: TestApp;
  let ws: string;
  let owner: Session;
  const clients: WsClient[] = [];
  let nick = 0;

  const join = async (sessionId: string, query: string, opts: ConnectOptions = {}): Promise<WsClient> => {
    const c = await connect(`${roomUrl(ws, sessionId)}${query ? `&${query}` : ''}`, opts);
    clients.push(c);
    return c;
  };
  const newViewer = (): Promise<ViewerSession> => viewerSignUp(t, `an viewer ${dialect} ${++nick}`);
  const liveRoom = async () => (await makeLiveSession(t, { status: 'live', title: 'Analytics room' })).id;
  const viewStart = (sessionId: string, viewerKey: string) => sink.waitFor(() => sink.of('view_start', sessionId).find((e) => e.viewerKey === viewerKey));
  const once = (id: string): AnalyticsEvent => {
    const found = sink.withId(id);
    expect(found.map((e) => e.id), `${id} recorded exactly once`).toEqual([id]);
    return found[0]!;
  };
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, remoteAddress: nextIp(), headers, payload: payload as Record<string, unknown> });

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true, analyticsSink: sink });
    ws = (await listen(t)).ws;
    owner = await t.signInAs(['owner']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => t?.dispose());

  it('a connection records its view once: source from the socket URL, traffic from the agent and the account; team connections record nothing', async () => {
    const sessionId = await liveRoom();
    const sharer = await newViewer();
    const a = await newViewer();
    const sim = await newViewer();
    await t.database.db.updateTable('viewers').set({ simulated: 1 }).where('id', '=', sim.viewerId).execute();
    const g = await guestToken(t);

    const ca = await join(sessionId, `src=share&by=${sharer.viewerId}&rh=news.example`, { cookie: a.cookie, userAgent: CHROME });
    await join(sessionId, 'utm_source=weibo&utm_medium=social', { guest: g.guestToken, userAgent: 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)' });
    await join(sessionId, 'src=share&by=%3Cscript%3E&ref=bad%20code', { cookie: sim.cookie, userAgent: CHROME });
    await join(sessionId, '', { cookie: owner.cookie, asTeam: true });

    const va = await viewStart(sessionId, `viewer:${a.viewerId}`);
    expect(va).toMatchObject({ source: 'share', traffic: 'real', sessionId });
    expect(va.id).toMatch(/^vs:[A-Za-z0-9_-]{8,}$/);
    expect(va.streamMs).toEqual(expect.any(Number));
    expect(va.streamMs!).toBeGreaterThanOrEqual(0);
    expect(await viewStart(sessionId, `guest:${g.guestId}`)).toMatchObject({ source: 'utm:weibo/social/-', traffic: 'bot' });
    // Bad source parameters are dropped, never a refusal.
    expect(await viewStart(sessionId, `viewer:${sim.viewerId}`)).toMatchObject({ source: 'direct', traffic: 'simulated' });
    expect(sink.events.filter((e) => e.sessionId === sessionId && e.viewerKey.startsWith('team:'))).toEqual([]);

    const connId = va.id.slice(3);
    await ca.close();
    const end = await sink.waitFor(() => sink.withId(`ve:${connId}`)[0]);
    expect(end).toMatchObject({ type: 'view_end', viewerKey: `viewer:${a.viewerId}`, source: 'share', traffic: 'real' });
    for (const e of sink.events.filter((x) => x.sessionId === sessionId)) once(e.id);
  });

  it('comments are recorded once stored (c:<id>), likes under the client ref, beacons over the socket once (a retry is answered as duplicates)', async () => {
    const sessionId = await liveRoom();
    const v = await newViewer();
    const c = await join(sessionId, 'ref=SPRING24', { cookie: v.cookie, userAgent: CHROME });
    const team = await join(sessionId, '', { cookie: owner.cookie, asTeam: true });
    const key = `viewer:${v.viewerId}`;

    const ack = await c.say('hello analytics');
    const comment = await sink.waitFor(() => sink.withId(`c:${ack.msg.id}`)[0]);
    expect(comment).toMatchObject({ type: 'comment', viewerKey: key, source: 'referral:SPRING24', traffic: 'real' });
    await team.say('team speaks');

    c.send({ t: 'like', ref: 'lk1', n: 3 });
    expect(await sink.waitFor(() => sink.withId(`l:${key}:lk1`)[0])).toMatchObject({ type: 'like', n: 3, viewerKey: key });

    const events = [
      { id: 'imp-0000001', type: 'product_impression', productId: 'p-1' },
      { id: 'clk-0000001', type: 'product_click', productId: 'p-1', at: Date.now() },
      { id: 'shr-0000001', type: 'share', shareChannel: 'copy' },
    ];
    c.send({ t: 'track', ref: 'tr1', events });
    expect(await c.reply('tr1')).toMatchObject({ t: 'ack', tracked: { accepted: 3, duplicates: 0 } });
    c.send({ t: 'track', ref: 'tr2', events });
    expect(await c.reply('tr2')).toMatchObject({ t: 'ack', tracked: { accepted: 0, duplicates: 3 } });
    c.send({ t: 'track', ref: 'tr3', events: [{ id: 'clk-0000002', type: 'product_click' }] });
    const bad = await c.reply('tr3');
    expect(bad).toMatchObject({ t: 'error', code: 'BAD_MESSAGE' });
    expect((bad as { message: string }).message).toContain('events.0.productId');
    team.send({ t: 'track', ref: 'tr4', events });
    expect(await team.reply('tr4')).toMatchObject({ t: 'error', code: 'NOT_TRACKED' });

    for (const b of events) expect(once(`b:${b.id}`)).toMatchObject({ type: b.type, viewerKey: key, source: 'referral:SPRING24', sessionId });
    await t.services.room.flush();
    once(`c:${ack.msg.id}`);
    expect(sink.of('comment', sessionId)).toHaveLength(1);
    expect(sink.withId('b:clk-0000002')).toEqual([]);
  });

  it('beacons route: a guest batch is recorded, a retried batch counts once; bad beacons, unknown sessions and anonymous batches are refused naming the field', async () => {
    const sessionId = await liveRoom();
    const body = {
      sessionId,
      guestId: 'gBeaconGuest01',
      source: { channel: 'utm', utmSource: 'wechat', utmCampaign: 'double11' },
      events: [
        { id: 'bcn-imp-0001', type: 'product_impression', productId: 'p-9' },
        { id: 'bcn-cart-0001', type: 'add_to_cart', productId: 'p-9', n: 2 },
      ],
    };
    const first = await post('/api/analytics/beacons', body, { 'user-agent': CHROME });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ accepted: 2, duplicates: 0 });
    const retry = await post('/api/analytics/beacons', body, { 'user-agent': CHROME });
    expect(retry.json()).toEqual({ accepted: 0, duplicates: 2 });
    expect(once('b:bcn-cart-0001')).toMatchObject({ type: 'add_to_cart', n: 2, productId: 'p-9', viewerKey: 'guest:gBeaconGuest01', source: 'utm:wechat/-/double11', traffic: 'real' });
    once('b:bcn-imp-0001');

    // A signed-in viewer is known by the cookie (no CSRF header: a beacon cannot send one); a bot agent is labelled.
    const v = await newViewer();
    const asViewer = await post('/api/analytics/beacons', { sessionId, events: [{ id: 'bcn-clk-0002', type: 'product_click', productId: 'p-9' }] }, { cookie: v.cookie, 'user-agent': 'curl/8.5.0' });
    expect(asViewer.statusCode, asViewer.body).toBe(200);
    expect(once('b:bcn-clk-0002')).toMatchObject({ viewerKey: `viewer:${v.viewerId}`, traffic: 'bot', source: null });

    const issuesOf = (res: { json: () => unknown }) => (res.json() as { error: { code: string; issues?: { path: string }[] } }).error;
    const noProduct = await post('/api/analytics/beacons', { ...body, events: [{ id: 'bcn-clk-0003', type: 'product_click' }] });
    expect(noProduct.statusCode).toBe(400);
    expect(issuesOf(noProduct).issues?.map((i) => i.path)).toContain('body.events.0.productId');
    const unknown = await post('/api/analytics/beacons', { ...body, sessionId: 'no-such-session' });
    expect(unknown.statusCode).toBe(404);
    expect(issuesOf(unknown).issues?.map((i) => i.path)).toContain('body.sessionId');
    const anonymous = await post('/api/analytics/beacons', { sessionId, events: body.events });
    expect(anonymous.statusCode).toBe(400);
    expect(issuesOf(anonymous).issues?.map((i) => i.path)).toContain('body.guestId');
    expect(sink.withId('b:bcn-clk-0003')).toEqual([]);
  });

  it('the interactive tools record a poll vote, a draw entry and a question once their rows are stored, with the voter’s source', async () => {
    const sessionId = await liveRoom();
    const sys = systemCtx('test');
    const interact = t.services.interact;
    const poll = await interact.polls.create(sys, sessionId, { question: 'Which colour?', kind: 'single', options: ['Red', 'Green'], durationSeconds: 60 });
    await interact.polls.open(sys, sessionId, poll.id);
    const draw = await interact.draws.create(sys, sessionId, { title: 'Mug draw', prize: { kind: 'text', label: 'A mug' }, winnerCount: 1, entrySeconds: 60 });
    await interact.draws.open(sys, sessionId, draw.id);
    const v = await newViewer();
    const c = await join(sessionId, 'rh=m.example.cn', { cookie: v.cookie });
    const key = `viewer:${v.viewerId}`;

    c.send({ t: 'vote', ref: 'v1', pollId: poll.id, choices: [1] });
    expect(await c.reply('v1')).toMatchObject({ t: 'ack' });
    c.send({ t: 'vote', ref: 'v2', pollId: poll.id, choices: [0] });
    expect(await c.reply('v2')).toMatchObject({ t: 'error', code: 'ALREADY_VOTED' });
    c.send({ t: 'enter', ref: 'e1', drawId: draw.id });
    expect(await c.reply('e1')).toMatchObject({ t: 'ack' });
    c.send({ t: 'enter', ref: 'e2', drawId: draw.id });
    expect(await c.reply('e2')).toMatchObject({ t: 'error' });
    c.send({ t: 'ask', ref: 'q1', text: 'Is the mug dishwasher safe?' });
    expect(await c.reply('q1')).toMatchObject({ t: 'ack' });

    expect(once(`vote:${poll.id}:${v.viewerId}`)).toMatchObject({ type: 'poll_vote', ref: poll.id, viewerKey: key, source: 'referrer:m.example.cn', traffic: 'real' });
    expect(once(`entry:${draw.id}:${v.viewerId}`)).toMatchObject({ type: 'draw_entry', ref: draw.id, viewerKey: key });
    const q = await sink.waitFor(() => sink.of('question', sessionId)[0]);
    expect(q).toMatchObject({ viewerKey: key, source: 'referrer:m.example.cn' });
    expect(q.id).toBe(`q:${q.ref}`);
    once(q.id);
  });

  it('orders record order, payment and a full refund once each; a simulated buyer’s order is flagged and labelled simulated', async () => {
    const sessionId = await liveRoom();
    const pid = await t.services.catalog.createProduct(systemCtx('test'), {
      brandId: null,
      title: 'Longjing',
      description: 'Tea',
      category: 'tea',
      tags: [],
      images: [],
      skus: [{ code: `AN-${dialect}`, name: '50 g', attrs: {}, priceFen: 5900, currency: 'CNY', stock: 50 }],
    });
    const sku = (await t.database.db.selectFrom('skus').select('id').where('product_id', '=', pid).executeTakeFirstOrThrow()).id;
    const buy = async (who: ViewerSession, idem: string) => {
      const res = await post(`/api/live/${sessionId}/orders`, { lines: [{ skuId: sku, quantity: 2 }], usePoints: false, address, expectedTotalFen: 11800, idempotencyKey: idem }, { cookie: who.cookie, 'x-csrf-token': who.csrf });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ order: { id: string }; payment: { checkoutUrl: string } }>();
    };
    const pay = async (checkoutUrl: string) => {
      const res = await post(`/api/pay/sandbox/${checkoutUrl.split('/').pop()!}/complete`, { outcome: 'succeed' });
      expect(res.statusCode, res.body).toBe(200);
    };

    const buyer = await newViewer();
    const c = await join(sessionId, 'src=share&by=someone1', { cookie: buyer.cookie });
    const placed = await buy(buyer, `an-${dialect}-1`);
    // A retried submit replays the order: still one `order` event.
    const again = await post(`/api/live/${sessionId}/orders`, { lines: [{ skuId: sku, quantity: 2 }], usePoints: false, address, expectedTotalFen: 11800, idempotencyKey: `an-${dialect}-1` }, { cookie: buyer.cookie, 'x-csrf-token': buyer.csrf });
    expect(again.statusCode).toBe(200);
    await pay(placed.payment.checkoutUrl);
    const cancel = await post(`/api/viewer/orders/${placed.order.id}/cancel`, { reason: 'changed my mind' }, { cookie: buyer.cookie, 'x-csrf-token': buyer.csrf });
    expect(cancel.statusCode, cancel.body).toBe(200);

    const id = placed.order.id;
    const lines = [{ productId: pid, qty: 2, amountFen: 11800 }];
    expect(once(`order:${id}`)).toMatchObject({ type: 'order', sessionId, viewerKey: `viewer:${buyer.viewerId}`, ref: id, amountFen: 11800, lines, traffic: 'real', source: 'share' });
    expect(once(`pay:${id}`)).toMatchObject({ type: 'payment', ref: id, amountFen: 11800, lines, traffic: 'real' });
    expect(once(`refund:${id}:full`)).toMatchObject({ type: 'refund', ref: id, amountFen: 11800, traffic: 'real' });
    await c.close();

    const sim = await newViewer();
    await t.database.db.updateTable('viewers').set({ simulated: 1 }).where('id', '=', sim.viewerId).execute();
    const simOrder = await buy(sim, `an-${dialect}-2`);
    const row = await t.database.db.selectFrom('orders').select('simulated').where('id', '=', simOrder.order.id).executeTakeFirstOrThrow();
    expect(row.simulated).toBe(1);
    await pay(simOrder.payment.checkoutUrl);
    expect(once(`order:${simOrder.order.id}`).traffic).toBe('simulated');
    expect(once(`pay:${simOrder.order.id}`).traffic).toBe('simulated');
  });

  it('beacons for a live that ended long ago are refused naming body.sessionId', async () => {
    const s = await makeLiveSession(t, { status: 'ended', title: 'Ended analytics room' });
    const body = { sessionId: s.id, guestId: 'gLateGuest0001', events: [{ id: 'late-000001', type: 'share' }] };
    // Just ended: late beacons (pagehide) are still taken.
    expect((await post('/api/analytics/beacons', body)).statusCode).toBe(200);
    const s2 = await makeLiveSession(t, { status: 'ended', title: 'Long ended analytics room' });
    t.clock.advance(2 * 3600_000);
    const res = await post('/api/analytics/beacons', { ...body, sessionId: s2.id });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { code: string; issues: { path: string }[] } }>().error).toMatchObject({ code: 'SESSION_ENDED', issues: [{ path: 'body.sessionId' }] });
  });
});
