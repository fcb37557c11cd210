import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, PresenceEvent } from '../../src/contracts/realtime.contract.js';
import type { HubMember } from '../../src/server/modules/room/room-hub.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, guestToken, listen, refused, roomUrl, type ConnectOptions, type WsClient } from '../support/ws-client.js';
import { makeLiveSession, viewerSignUp, type ViewerSession } from './route-fixtures.js';

/**
 * The live room over real WebSockets: joining (guest, viewer, team; refusals at the upgrade),
 * chat (ack, broadcast, persistence), likes aggregation, presence/UV/PCU, invalid messages,
 * resume, cross-site refusal, the danmaku display budget, slow consumers and graceful shutdown.
 */

describe.each(dialects())('live room realtime on %s', (dialect) => {
  let t: TestApp;
  let ws: string;
  let owner: Session;
  const clients: WsClient[] = [];
  let nick = 0;

  const join = async (sessionId: string, opts: ConnectOptions = {}, url = ws): Promise<WsClient> => {
    const c = await connect(roomUrl(url, sessionId), opts);
    clients.push(c);
    return c;
  };
  const newViewer = (app: TestApp = t): Promise<ViewerSession> => viewerSignUp(app, `rt viewer ${++nick}`);
  const liveRoom = async (app: TestApp = t) => (await makeLiveSession(app, { status: 'live', title: 'Realtime room' })).id;
  const stored = (app: TestApp, sessionId: string) =>
    app.database.db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    ws = (await listen(t)).ws;
    owner = await t.signInAs(['owner']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => t?.dispose());

  it('a guest joins with a guest token: welcome as guest (read only) with the room snapshot', async () => {
    const sessionId = await liveRoom();
    const g = await guestToken(t);
    const c = await join(sessionId, { guest: g.guestToken });
    const w = c.welcome;
    expect(w.v).toBe(1);
    expect(w.you).toEqual({ kind: 'guest', id: g.guestId, name: null, canChat: false, canModerate: false });
    expect(w.resumed).toBe(false);
    expect(typeof w.epoch).toBe('string');
    expect(w.room).toMatchObject({
      sessionId,
      status: 'live',
      likes: 0,
      pin: null,
      settings: { chatMode: 'everyone', slowModeSeconds: 0, holdForReview: false },
      recent: [],
    });
    expect(w.room.presence.uv).toBe(1);
  });

  it('refuses at the upgrade: no credentials 401, unknown/draft/private session 404 (private opens with its invite), malformed query 400', async () => {
    const live = await liveRoom();
    const draft = (await makeLiveSession(t, { status: 'draft' })).id;
    const privSession = await makeLiveSession(t, { status: 'live', visibility: 'private' });
    const priv = privSession.id;
    const g = (await guestToken(t)).guestToken;
    const viewer = await newViewer();

    const none = await refused(roomUrl(ws, live));
    expect([none.status, none.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await refused(roomUrl(ws, live), { guest: 'not-a-real-token' })).status).toBe(401);
    // as=team without a team cookie: a viewer cookie is not enough.
    expect((await refused(roomUrl(ws, live), { asTeam: true, cookie: viewer.cookie })).status).toBe(401);

    for (const id of ['no-such-session', draft, priv]) {
      const r = await refused(roomUrl(ws, id), { guest: g });
      expect([r.status, r.code], id).toEqual([404, 'NOT_FOUND']);
      const rv = await refused(roomUrl(ws, id), { cookie: viewer.cookie });
      expect([rv.status, rv.code], id).toEqual([404, 'NOT_FOUND']);
    }

    // A private session opens to the audience with its invite code, and only with the right one.
    expect(privSession.inviteCode).toEqual(expect.any(String));
    const invited = await join(priv, { guest: g, invite: privSession.inviteCode! });
    expect(invited.welcome.room.sessionId).toBe(priv);
    const wrong = await refused(roomUrl(ws, priv), { cookie: viewer.cookie, invite: 'WRONGCODE1' });
    expect([wrong.status, wrong.code]).toEqual([404, 'NOT_FOUND']);
    const badInvite = await refused(roomUrl(ws, priv), { guest: g, invite: 'no-dashes!' });
    expect([badInvite.status, badInvite.code]).toEqual([400, 'VALIDATION']);

    const badSession = await refused(`${ws}?session=${encodeURIComponent('../etc')}`, { guest: g });
    expect([badSession.status, badSession.code]).toEqual([400, 'VALIDATION']);
    const badSince = await refused(roomUrl(ws, live), { guest: g, since: 'garbage' });
    expect([badSince.status, badSince.code]).toEqual([400, 'VALIDATION']);
    expect(badSince.body).toContain('since');
  });

  it('a team member (as=team) may join any session, drafts and private ones included; only moderating roles may chat', async () => {
    const draft = (await makeLiveSession(t, { status: 'draft' })).id;
    const priv = (await makeLiveSession(t, { status: 'scheduled', visibility: 'private' })).id;
    for (const id of [draft, priv]) {
      const c = await join(id, { asTeam: true, cookie: owner.cookie });
      expect(c.welcome.you).toMatchObject({ kind: 'team', id: owner.memberId, canChat: true, canModerate: true });
      expect(c.welcome.room.sessionId).toBe(id);
    }
    const analyst = await t.signInAs(['analyst']);
    const a = await join(draft, { asTeam: true, cookie: analyst.cookie });
    expect(a.welcome.you).toMatchObject({ kind: 'team', canChat: false, canModerate: false });
    // Only roles whose job includes the room (room:moderate) speak in it.
    expect(await a.chat('analyst here')).toMatchObject({ t: 'error', code: 'FORBIDDEN' });
  });

  it('a signed-up viewer chats: acked with the stored comment, every member gets it in a batch, and it is persisted', async () => {
    const sessionId = await liveRoom();
    const guest = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    const team = await join(sessionId, { asTeam: true, cookie: owner.cookie });
    const other = await join(sessionId, { cookie: (await newViewer()).cookie });
    const viewer = await newViewer();
    const sender = await join(sessionId, { cookie: viewer.cookie });
    expect(sender.welcome.you).toEqual({ kind: 'viewer', id: viewer.viewerId, name: viewer.nickname, canChat: true, canModerate: false });

    const ack = await sender.say('  hello\u202E room  ');
    expect(ack.held).toBeUndefined();
    expect(ack.msg).toMatchObject({ t: 'chat', uid: viewer.viewerId, name: viewer.nickname, role: 'viewer', lvl: 0, text: 'hello room', n: 1 });

    for (const c of [guest, team, other, sender]) {
      const e = await c.waitForChat(ack.msg.id);
      expect(e).toEqual(ack.msg);
    }

    await expect.poll(async () => (await stored(t, sessionId)).map((r) => [r.id, r.text, r.status, r.sender_id, r.sender_kind]), { timeout: 2000 }).toEqual([
      [ack.msg.id, 'hello room', 'visible', viewer.viewerId, 'viewer'],
    ]);

    // A team member chats as host/team, and a later joiner finds both in the snapshot.
    const teamAck = await team.say('Welcome everyone');
    expect(teamAck.msg).toMatchObject({ uid: owner.memberId, role: 'team' });
    await guest.waitForChat(teamAck.msg.id);
    const late = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    expect(late.welcome.room.recent.map((c) => c.id)).toEqual([ack.msg.id, teamAck.msg.id]);
  });

  it('likes are summed per tick: three likes make one likes event of 3, and room_stats.likes follows', async () => {
    const sessionId = await liveRoom();
    const guest = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    const liker = await join(sessionId, { cookie: (await newViewer()).cookie });
    for (let i = 0; i < 3; i++) liker.send({ t: 'like', n: 1 });

    for (const c of [guest, liker]) await c.waitForEvent((e) => e.t === 'likes' && e.total === 3, 2000, 'likes total 3');
    await expect
      .poll(async () => (await t.database.db.selectFrom('room_stats').select('likes').where('session_id', '=', sessionId).executeTakeFirst())?.likes, { timeout: 2000 })
      .toBe(3);
    expect(guest.eventsOf('likes'), 'one aggregated event, not one per like').toEqual([{ t: 'likes', total: 3 }]);
    expect(liker.eventsOf('likes')).toEqual([{ t: 'likes', total: 3 }]);

    liker.send({ t: 'like', n: 20 });
    await guest.waitForEvent((e) => e.t === 'likes' && e.total === 23, 2000, 'likes total 23');
    const late = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    expect(late.welcome.room.likes).toBe(23);
    const live = await t.app.inject({ url: `/api/console/sessions/${sessionId}/room`, headers: { cookie: owner.cookie } });
    expect(live.json<{ likes: number }>().likes).toBe(23);
  });

  it('presence: online counts distinct audience principals (two tabs = 1, team not counted), UV is unique, PCU never decreases', async () => {
    const sessionId = await liveRoom();
    const team = await join(sessionId, { asTeam: true, cookie: owner.cookie });
    const a = await newViewer();
    const b = await newViewer();
    const aTab1 = await join(sessionId, { cookie: a.cookie });
    const aTab2 = await join(sessionId, { cookie: a.cookie });
    const bSock = await join(sessionId, { cookie: b.cookie });
    const guest = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    const latestPresence = () => team.eventsOf('presence').at(-1);

    await expect.poll(latestPresence, { timeout: 3000 }).toMatchObject({ online: 3, uv: 3 });
    const live = async () => (await t.app.inject({ url: `/api/console/sessions/${sessionId}/room`, headers: { cookie: owner.cookie } })).json<{ online: number; uv: number; pcu: number }>();
    expect(await live()).toMatchObject({ online: 3, uv: 3, pcu: 3 });

    // Closing one of A's two tabs changes nothing.
    await aTab1.close();
    await sleep(1200);
    expect(t.services.hub.onlineOf(sessionId)).toMatchObject({ online: 3, pcu: 3 });

    await aTab2.close();
    await bSock.close();
    await expect.poll(latestPresence, { timeout: 3000 }).toMatchObject({ online: 1, pcu: 3 });
    // B comes back: online rises again, UV does not (same principal).
    const bAgain = await join(sessionId, { cookie: b.cookie });
    await expect.poll(latestPresence, { timeout: 3000 }).toMatchObject({ online: 2, pcu: 3, uv: 3 });
    expect(bAgain.welcome.room.presence.uv).toBe(3);

    const seen: PresenceEvent[] = team.eventsOf('presence');
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.pcu, 'PCU never decreases').toBeGreaterThanOrEqual(seen[i - 1]!.pcu);
    for (const p of seen) expect(p.pcu).toBeGreaterThanOrEqual(p.online);
    expect(seen.map((p) => p.online)).not.toContain(4); // the team member was never counted
    await expect
      .poll(async () => (await t.database.db.selectFrom('room_stats').select('pcu').where('session_id', '=', sessionId).executeTakeFirst())?.pcu, { timeout: 2000 })
      .toBe(3);
    await guest.close();
  });

  it('guests cannot chat or like; comments over 200 characters are refused', async () => {
    const sessionId = await liveRoom();
    const guest = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    const r = await guest.chat('hi');
    expect(r).toMatchObject({ t: 'error', code: 'GUESTS_CANNOT_CHAT' });
    guest.send({ t: 'like', ref: 'like1', n: 1 });
    expect(await guest.reply('like1')).toMatchObject({ t: 'error', code: 'GUESTS_CANNOT_LIKE' });

    const viewer = await join(sessionId, { cookie: (await newViewer()).cookie });
    expect(await viewer.chat('x'.repeat(201))).toMatchObject({ t: 'error', code: 'TOO_LONG' });
    expect(await viewer.chat('   ')).toMatchObject({ t: 'error', code: 'EMPTY' });
    expect(await stored(t, sessionId)).toEqual([]);
  });

  it('invalid messages get errors naming the problem; ten close the socket with 4008; the room keeps serving others', async () => {
    const sessionId = await liveRoom();
    const observer = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    const good = await join(sessionId, { cookie: (await newViewer()).cookie });
    const bad = await join(sessionId, { cookie: (await newViewer()).cookie });

    const cases: { send: () => void; message: RegExp; ref?: string }[] = [
      { send: () => bad.sendRaw('this is not json'), message: /malformed JSON/ },
      { send: () => bad.send({ t: 'dance', ref: 'd1' }), message: /^t: /, ref: 'd1' },
      { send: () => bad.send({ t: 'chat', text: 'no ref' }), message: /^ref: / },
      { send: () => bad.send({ t: 'chat', ref: 'long1', text: 'x'.repeat(1001) }), message: /^text: /, ref: 'long1' },
      { send: () => bad.sendRaw(Buffer.from([1, 2, 3]), true), message: /JSON text message/ },
      { send: () => bad.send({ t: 'chat', ref: 'bad ref!', text: 'hi' }), message: /^ref: expected a short client reference/ },
      { send: () => bad.send({ t: 'like', n: 100 }), message: /^n: / },
      { send: () => bad.send({ t: 'chat', ref: 'x1', text: 'hi', admin: true }), message: /admin/, ref: 'x1' },
      { send: () => bad.send({ t: 'report', ref: 'rep1', messageId: 'm1', reason: 'boring' }), message: /^reason: /, ref: 'rep1' },
      { send: () => bad.sendRaw('null'), message: /^message: / },
    ];
    expect(cases).toHaveLength(10);
    for (const [i, c] of cases.entries()) {
      c.send();
      await bad.waitFor((m) => m.t === 'error' && bad.errors().length === i + 1, 2000, `error #${i + 1}`);
      const e = bad.errors()[i]!;
      expect(e.code).toBe('BAD_MESSAGE');
      expect(e.message).toMatch(c.message);
      if (c.ref) expect(e.ref).toBe(c.ref);
    }
    expect((await bad.waitForClose()).code).toBe(4008);

    const ack = await good.say('still here');
    await observer.waitForChat(ack.msg.id);
    expect(observer.closeInfo).toBeNull();
  });

  it('resume: a client that reconnects with since=<epoch>.<seq> gets exactly the batches it missed; a bogus epoch gets a reset', async () => {
    const sessionId = await liveRoom();
    const observer = await join(sessionId, { asTeam: true, cookie: owner.cookie });
    const sender = await join(sessionId, { cookie: (await newViewer()).cookie });
    const token = (await guestToken(t)).guestToken;
    const r1 = await join(sessionId, { guest: token });
    const first = await sender.say('before the gap');
    await r1.waitForChat(first.msg.id);

    const since = r1.resumeToken;
    const n = r1.lastSeq;
    await r1.close();
    const missed: string[] = [];
    for (const text of ['gap one', 'gap two', 'gap three']) {
      const a = await sender.say(text);
      await observer.waitForChat(a.msg.id);
      missed.push(a.msg.id);
    }
    const m = observer.lastSeq;
    expect(m).toBeGreaterThan(n);

    const r2 = await join(sessionId, { guest: token, since });
    expect(r2.welcome.resumed).toBe(true);
    expect(r2.welcome.seq).toBe(n);
    await r2.waitFor((x) => x.t === 'batch' && x.seq >= m, 2000, `batch ${m}`);
    const seqs = r2.batches.map((b) => b.seq);
    expect(seqs, 'consecutive from the gap, no duplicates').toEqual(Array.from({ length: seqs.length }, (_, i) => n + 1 + i));
    expect(r2.batches.filter((b) => b.seq <= m)).toEqual(observer.batches.filter((b) => b.seq > n && b.seq <= m));
    expect(r2.eventsOf('chat').map((c) => c.id).filter((id) => missed.includes(id))).toEqual(missed);
    expect(r2.messages.some((x) => x.t === 'reset')).toBe(false);

    // Another server's (or a restarted server's) epoch, or a seq from the future: reset.
    for (const bogus of ['someoneelse-abc.3', `${r2.welcome.epoch}.${m + 1000}`]) {
      const r3 = await join(sessionId, { guest: token, since: bogus });
      expect(r3.welcome.resumed).toBe(false);
      expect(r3.welcome.room.recent.map((c) => c.id)).toEqual(expect.arrayContaining([first.msg.id, ...missed]));
      await r3.waitFor((x) => x.t === 'reset', 2000, 'reset');
    }
  });

  it('a cookie socket from another site is refused (403 BAD_ORIGIN); same origin and guest tokens are fine', async () => {
    const sessionId = await liveRoom();
    const viewer = await newViewer();
    const evil = 'http://evil.example';
    const r = await refused(roomUrl(ws, sessionId), { cookie: viewer.cookie, origin: evil });
    expect([r.status, r.code]).toEqual([403, 'BAD_ORIGIN']);
    const rt = await refused(roomUrl(ws, sessionId), { cookie: owner.cookie, asTeam: true, origin: evil });
    expect([rt.status, rt.code]).toEqual([403, 'BAD_ORIGIN']);

    const own = new URL(ws).origin.replace(/^ws/, 'http');
    const ok = await join(sessionId, { cookie: viewer.cookie, origin: own });
    expect(ok.welcome.you.kind).toBe('viewer');
    // A guest token is not ambient authority (the page has to hold it), so any origin may use it.
    const g = await join(sessionId, { guest: (await guestToken(t)).guestToken, origin: evil });
    expect(g.welcome.you.kind).toBe('guest');
  });

  describe('with a display budget of 5 comments per second', () => {
    let t5: TestApp;
    let ws5: string;
    beforeAll(async () => {
      t5 = await createTestApp(dialect, { danmakuRate: 5 }, { realClock: true });
      ws5 = (await listen(t5)).ws;
    });
    afterAll(async () => t5?.dispose());

    it('a lone comment in a quiet room is shown, even though the rate allows less than one per tick', async () => {
      const sessionId = await liveRoom(t5);
      const guest = await join(sessionId, { guest: (await guestToken(t5)).guestToken }, ws5);
      const viewer = await join(sessionId, { cookie: (await newViewer(t5)).cookie }, ws5);
      await sleep(1100);
      const a = await viewer.say('first!');
      await guest.waitForChat(a.msg.id, 2000);
    });

    it('a flood from 20 senders: at most about the rate is shown, repeats merge, every sender gets its ack, every comment is stored', async () => {
      const sessionId = await liveRoom(t5);
      const guest = await join(sessionId, { guest: (await guestToken(t5)).guestToken }, ws5);
      const moderator = await join(sessionId, { asTeam: true, cookie: (await t5.signInAs(['cs'])).cookie }, ws5);
      const senders: WsClient[] = [];
      for (let i = 0; i < 20; i++) senders.push(await join(sessionId, { cookie: (await newViewer(t5)).cookie }, ws5));
      await sleep(1100); // a full budget

      const before = guest.eventsOf('chat').length;
      const started = Date.now();
      // Wave one: everybody says the same thing; wave two: everybody says something of their own.
      const wave = (text: (i: number) => string, tag: string) =>
        Promise.all(
          senders.map((s, i) => {
            s.send({ t: 'chat', ref: `${tag}-${i}`, text: text(i) });
            return s.reply(`${tag}-${i}`);
          }),
        );
      const sixes = await wave(() => '666', 'six');
      // The 666s are shown (merged) before wave two starts, so the two waves never share a tick.
      await expect
        .poll(() => guest.eventsOf('chat').filter((c) => c.text === '666').reduce((n, c) => n + c.n, 0), { timeout: 3000 })
        .toBe(20);
      const answers = [...sixes, ...(await wave((i) => `hello from sender ${i}`, 'hello'))];
      const floodMs = Date.now() - started;
      for (const a of answers) expect(a.t, JSON.stringify(a)).toBe('ack');
      senders.forEach((s, i) => {
        const mine = s.messages.filter((m) => m.t === 'ack').map((m) => (m.t === 'ack' ? m.msg?.text : null));
        expect(mine).toEqual(['666', `hello from sender ${i}`]);
      });
      await sleep(600); // the ticks after the flood

      const shown: ChatEvent[] = guest.eventsOf('chat').slice(before);
      const budget = 5 + Math.ceil((5 * (floodMs + 700)) / 1000);
      expect(shown.length, `shown ${shown.length} of 40 within ${floodMs} ms`).toBeLessThanOrEqual(budget);
      expect(shown.length).toBeGreaterThan(0);
      const merged = shown.filter((c) => c.text === '666');
      expect(merged.length, 'the 666s were shown').toBeGreaterThan(0);
      expect(Math.max(...merged.map((c) => c.n)), 'identical comments merged').toBeGreaterThan(1);
      expect(merged.length, 'merged, not one line each').toBeLessThan(20);
      expect(shown.filter((c) => c.text.startsWith('hello from')).length, 'the unique comments were sampled').toBeLessThan(20);
      // Every member sees the same selection.
      const sample = senders[0]!.eventsOf('chat').filter((c) => shown.some((s) => s.id === c.id));
      expect(sample).toEqual(shown);

      // Moderators are not on the budget: they see every comment (repeats still merged), in the same batches.
      const all = moderator.eventsOf('chat');
      expect(all.filter((c) => c.text.startsWith('hello from')).map((c) => c.text).sort()).toEqual(senders.map((_, i) => `hello from sender ${i}`).sort());
      expect(all.filter((c) => c.text === '666').reduce((n, c) => n + c.n, 0)).toBe(20);
      expect(moderator.batches.map((b) => b.seq)).toEqual(guest.batches.map((b) => b.seq).filter((seq) => seq > moderator.welcome.seq));

      await expect.poll(async () => (await stored(t5, sessionId)).length, { timeout: 2000 }).toBe(40);
      const rows = await stored(t5, sessionId);
      expect(rows.filter((r) => r.text === '666')).toHaveLength(20);
      expect(new Set(rows.map((r) => r.sender_id)).size).toBe(20);
    });
  });

  it('a slow consumer costs bounded memory: a short backlog of shared frames, the oldest dropped, then told how many it missed', async () => {
    const slowBytes = 16 * 1024;
    const ts = await createTestApp(dialect, { wsSlowBytes: slowBytes, danmakuRate: 1_000_000 }, { realClock: true });
    try {
      const wss = (await listen(ts)).ws;
      const sessionId = await liveRoom(ts);
      const host = await ts.signInAs(['host']);
      const sender = await join(sessionId, { asTeam: true, cookie: host.cookie }, wss);
      const healthy = await join(sessionId, { guest: (await guestToken(ts)).guestToken }, wss);
      const slow = await join(sessionId, { guest: (await guestToken(ts)).guestToken }, wss);
      const slowKey = `guest:${slow.welcome.you.id}`;
      const rooms = (ts.services.hub as unknown as { rooms: Map<string, { members: Set<HubMember> }> }).rooms;
      const member = [...(rooms.get(sessionId)?.members ?? [])].find((m) => m.principalKey === slowKey);
      if (!member) return expect.fail('the slow member is in the hub');

      slow.ws.pause(); // stops reading: TCP backpressure fills the kernel buffers (a few MB on loopback), then the server's
      let maxBuffered = 0;
      let maxBacklog = 0;
      const sampler = setInterval(() => {
        maxBuffered = Math.max(maxBuffered, member.ws.bufferedAmount);
        maxBacklog = Math.max(maxBacklog, member.backlog?.length ?? 0);
      }, 1);
      // A comment through the socket, then the bulk as traffic from other nodes (the bus), so
      // the test does not spend its time storing rows: ~175 KB batches until the slow member's
      // kernel buffers are full and the hub starts dropping its oldest held batches, then a little more.
      const filler = '\u{1F525}'.repeat(190);
      const bulkId = (j: number) => `bulk-${String(j).padStart(6, '0')}`;
      const opener = await sender.say(`opener ${filler}`);
      let published = 0;
      const chunk = async () => {
        for (let k = 0; k < 200; k++, published++) {
          await ts.services.hub.publishChat(sessionId, { t: 'chat', id: bulkId(published), uid: 'elsewhere', name: 'Other node', role: 'viewer', lvl: 0, text: `${published} ${filler}`, n: 1, at: Date.now(), tier: 2 });
        }
        await sleep(20);
      };
      try {
        while (member.missed === 0 && published < 40_000) await chunk();
        for (let i = 0; i < 10; i++) await chunk();
        await healthy.waitForChat(bulkId(published - 1), 5000);
      } finally {
        clearInterval(sampler);
      }
      expect(healthy.eventsOf('chat').map((c) => c.id), 'a reading member gets everything').toEqual([opener.msg.id, ...Array.from({ length: published }, (_, j) => bulkId(j))]);
      expect(healthy.messages.some((m) => m.t === 'missed')).toBe(false);
      const maxFrame = Math.max(...healthy.sizes) + 14;
      expect(member.missed, 'batches were dropped for the slow member').toBeGreaterThan(0);
      expect(maxBacklog, 'held batches per slow member').toBeLessThanOrEqual(16);
      // Written to the socket only while under the bound: at most the bound, plus the frames
      // written in one go when it drains (the backlog, and the one that crossed the bound).
      expect(maxBuffered, `max buffered ${maxBuffered} B, largest frame ${maxFrame} B`).toBeLessThanOrEqual(slowBytes + 17 * maxFrame + 64);

      const dropped = member.missed;
      slow.ws.resume();
      const missed = await slow.waitFor((m) => m.t === 'missed', 5000, 'missed');
      if (missed.t !== 'missed') return expect.fail('missed');
      expect(missed.count).toBeGreaterThanOrEqual(dropped);
      const last = await sender.say('are you still there?');
      await slow.waitForChat(last.msg.id, 5000);
      // The seqs it got: consecutive up to the gap, a gap of exactly `count`, consecutive after.
      const at = slow.messages.indexOf(missed);
      const seqs = (list: typeof slow.messages) => list.flatMap((m) => (m.t === 'batch' ? [m.seq] : []));
      const before = seqs(slow.messages.slice(0, at));
      const after = seqs(slow.messages.slice(at + 1));
      const consecutive = (xs: number[]) => xs.every((x, i) => i === 0 || x === xs[i - 1]! + 1);
      expect(consecutive(before) && consecutive(after), 'no silent gaps').toBe(true);
      expect(after[0]! - before.at(-1)! - 1).toBe(missed.count);
      expect(slow.closeInfo).toBeNull();
    } finally {
      await closeAll(clients.splice(0));
      await ts.dispose();
    }
  });

  it('graceful shutdown: members are told to reconnect (1012) and a comment acked just before is stored', async () => {
    const tg = await createTestApp(dialect, {}, { realClock: true });
    try {
      const wsg = (await listen(tg)).ws;
      const sessionId = await liveRoom(tg);
      const guest = await join(sessionId, { guest: (await guestToken(tg)).guestToken }, wsg);
      const viewer = await join(sessionId, { cookie: (await newViewer(tg)).cookie }, wsg);
      const ack = await viewer.say('last words before the restart');
      await tg.close();
      for (const c of [guest, viewer]) {
        const reconnect = await c.waitFor((m) => m.t === 'reconnect', 2000, 'reconnect');
        expect(reconnect.t === 'reconnect' && reconnect.afterMs).toBeGreaterThanOrEqual(1000);
        expect((await c.waitForClose()).code).toBe(1012);
      }
      const rows = await stored(tg, sessionId);
      expect(rows.map((r) => [r.id, r.text])).toEqual([[ack.msg.id, 'last words before the restart']]);
    } finally {
      await tg.dispose();
    }
  });
});
