import { randomInt } from 'node:crypto';
import type { HTTPMethods } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../support/capabilities.js';
import { need } from '../support/need.js';
import { cookieFrom, createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { openTestDatabase, type TestDatabase } from '../support/test-databases.js';
import { closeAll, connect, listen, refused, roomUrl, type ConnectOptions, type WsClient } from '../support/ws-client.js';
import { authHeaders, makeLiveSession, type ViewerSession, VIEWER_PASSWORD } from './route-fixtures.js';

/**
 * Two Onair processes serving one site: the same PostgreSQL database, Redis as the bus, each
 * its own node id and port. What a viewer does on one node reaches viewers on the other;
 * presence, likes and moderation are site-wide.
 */

const enabled = need('redis') && need('postgres');

describe.skipIf(!enabled)('live room across two nodes (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let n1: TestApp;
  let n2: TestApp;
  let ws1: string;
  let ws2: string;
  let owner: Session;
  const clients: WsClient[] = [];
  let nick = 0;

  const join = async (url: string, sessionId: string, opts: ConnectOptions = {}): Promise<WsClient> => {
    const c = await connect(roomUrl(url, sessionId), opts);
    clients.push(c);
    return c;
  };
  // Sign-up is rate limited per address in Redis, which outlives a run: a random address each time.
  const randomIp = () => `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
  const signUp = async (app: TestApp): Promise<ViewerSession> => {
    const res = await app.app.inject({ method: 'POST', url: '/api/viewer/signup', remoteAddress: randomIp(), payload: { nickname: `node viewer ${++nick}`, password: VIEWER_PASSWORD } });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ viewer: { id: string; nickname: string }; csrfToken: string }>();
    return { cookie: cookieFrom(res, 'onair_viewer'), csrf: body.csrfToken, viewerId: body.viewer.id, nickname: body.viewer.nickname };
  };
  const guest = async (app: TestApp): Promise<string> => {
    const res = await app.app.inject({ method: 'POST', url: '/api/viewer/guest', remoteAddress: randomIp() });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ guestToken: string }>().guestToken;
  };
  const api = (app: TestApp, method: HTTPMethods, url: string, body?: Record<string, unknown>) =>
    app.app.inject({ method, url, remoteAddress: randomIp(), headers: authHeaders(method, owner), ...(body ? { payload: body } : {}) });
  const liveRoom = async () => (await makeLiveSession(n1, { status: 'live', title: 'Two-node room' })).id;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    const overrides = { redisUrl: testRedisUrl };
    // One after the other: the first creates the site's signing secret, the second reads it.
    n1 = await createTestApp('postgres', overrides, { realClock: true, database: db, nodeId: 'node-one' });
    n2 = await createTestApp('postgres', overrides, { realClock: true, database: db, nodeId: 'node-two' });
    ws1 = (await listen(n1)).ws;
    ws2 = (await listen(n2)).ws;
    owner = await n1.signInAs(['owner']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => {
    await n1?.dispose();
    await n2?.dispose();
    await db?.drop();
  });

  it('comments cross nodes both ways; a viewer session and a guest token from one node work on the other', async () => {
    const sessionId = await liveRoom();
    const a = await join(ws1, sessionId, { cookie: (await signUp(n1)).cookie });
    const b = await join(ws2, sessionId, { cookie: (await signUp(n1)).cookie }); // signed up on node one, joins node two
    const g = await join(ws2, sessionId, { guest: await guest(n1) });
    expect(a.welcome.epoch).not.toBe(b.welcome.epoch);
    expect(a.welcome.epoch.startsWith('node-one')).toBe(true);
    expect(b.welcome.epoch.startsWith('node-two')).toBe(true);

    const fromA = await a.say('hello from node one');
    await b.waitForChat(fromA.msg.id);
    await g.waitForChat(fromA.msg.id);
    const fromB = await b.say('hello from node two');
    await a.waitForChat(fromB.msg.id);
    expect((await b.waitForChat(fromB.msg.id)).text).toBe('hello from node two');

    // Both stored once, whichever node accepted them.
    await expect
      .poll(async () => (await n1.database.db.selectFrom('chat_messages').select('id').where('session_id', '=', sessionId).orderBy('id').execute()).map((r) => r.id), { timeout: 2000 })
      .toEqual([fromA.msg.id, fromB.msg.id].sort());
    // A later joiner on either node finds both in its snapshot.
    for (const url of [ws1, ws2]) {
      const late = await join(url, sessionId, { guest: await guest(n2) });
      expect(late.welcome.room.recent.map((c) => c.id)).toEqual([fromA.msg.id, fromB.msg.id]);
    }
  });

  it('presence is site-wide: online 2 on both nodes (one viewer on each), UV 2, and the team is not counted', async () => {
    const sessionId = await liveRoom();
    await join(ws1, sessionId, { asTeam: true, cookie: owner.cookie });
    await join(ws2, sessionId, { asTeam: true, cookie: owner.cookie });
    const a = await join(ws1, sessionId, { cookie: (await signUp(n1)).cookie });
    const b = await join(ws2, sessionId, { cookie: (await signUp(n2)).cookie });
    for (const c of [a, b]) await expect.poll(() => c.eventsOf('presence').at(-1), { timeout: 3500 }).toMatchObject({ online: 2, uv: 2 });
    expect(n1.services.hub.onlineOf(sessionId)).toMatchObject({ online: 2, uv: 2 });
    expect(n2.services.hub.onlineOf(sessionId)).toMatchObject({ online: 2, uv: 2 });

    await b.close();
    await expect.poll(() => a.eventsOf('presence').at(-1), { timeout: 3500 }).toMatchObject({ online: 1, pcu: 2 });
  });

  it('likes sent on node one show the same total on node two, and are stored once', async () => {
    const sessionId = await liveRoom();
    const a = await join(ws1, sessionId, { cookie: (await signUp(n1)).cookie });
    const b = await join(ws2, sessionId, { cookie: (await signUp(n2)).cookie });
    a.send({ t: 'like', n: 3 });
    a.send({ t: 'like', n: 2 });
    for (const c of [a, b]) await c.waitForEvent((e) => e.t === 'likes' && e.total === 5, 2500, 'likes 5');
    b.send({ t: 'like', n: 1 });
    for (const c of [a, b]) await c.waitForEvent((e) => e.t === 'likes' && e.total === 6, 2500, 'likes 6');
    await expect
      .poll(async () => (await n1.database.db.selectFrom('room_stats').select('likes').where('session_id', '=', sessionId).executeTakeFirst())?.likes, { timeout: 2500 })
      .toBe(6);
    const live = await api(n2, 'GET', `/api/console/sessions/${sessionId}/room`);
    expect(live.json<{ likes: number }>().likes).toBe(6);
  });

  it("moderation through node one's console reaches node two: a ban kicks the socket there and node two refuses the re-join", async () => {
    const sessionId = await liveRoom();
    const observer = await join(ws1, sessionId, { asTeam: true, cookie: owner.cookie });
    const victim = await signUp(n2);
    const b = await join(ws2, sessionId, { cookie: victim.cookie });
    const said = await b.say('spam spam spam');
    await observer.waitForChat(said.msg.id);

    // Delete on node one: gone on node two. (The comment is in node two's write queue for up to
    // ~100 ms; node one can only find it once stored.)
    await expect.poll(async () => (await n1.database.db.selectFrom('chat_messages').select('id').where('id', '=', said.msg.id).executeTakeFirst())?.id, { timeout: 2000 }).toBe(said.msg.id);
    expect((await api(n1, 'POST', `/api/console/sessions/${sessionId}/chat/${said.msg.id}/delete`)).statusCode).toBe(204);
    await b.waitForEvent((e) => e.t === 'chat.del' && e.id === said.msg.id, 2500, 'chat.del on node two');

    const res = await api(n1, 'POST', `/api/console/sessions/${sessionId}/sanctions`, { kind: 'ban', target: { kind: 'viewer', id: victim.viewerId }, minutes: 30 });
    expect(res.statusCode, res.body).toBe(201);
    await b.waitFor((m) => m.t === 'error' && m.code === 'BANNED', 2500, 'BANNED on node two');
    expect((await b.waitForClose()).code).toBe(4003);
    await expect
      .poll(async () => (await refused(roomUrl(ws2, sessionId), { cookie: victim.cookie }).catch(() => null))?.code, { timeout: 2500 })
      .toBe('BANNED');
    expect(observer.closeInfo).toBeNull();

    // A setting changed on node one applies to comments accepted on node two.
    const other = await join(ws2, sessionId, { cookie: (await signUp(n2)).cookie });
    expect((await api(n1, 'PUT', `/api/console/sessions/${sessionId}/room/settings`, { holdForReview: true })).statusCode).toBe(200);
    await other.waitForEvent((e) => e.t === 'settings' && e.holdForReview, 2500, 'settings on node two');
    let n = 0;
    await expect
      .poll(
        async () => {
          const r = await other.chat(`held? ${++n}`);
          return r.t === 'ack' ? (r.held ?? false) : r.code;
        },
        { timeout: 3000, interval: 300 },
      )
      .toBe(true);
  });
});
