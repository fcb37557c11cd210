import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/contracts/realtime.contract.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, guestToken, listen, refused, roomUrl, type ConnectOptions, type WsClient } from '../support/ws-client.js';
import { authHeaders, expectError, makeLiveSession, nextIp, viewerSignUp, type ViewerSession } from './route-fixtures.js';

/**
 * Moderating a live room from the console (HTTP) and what the room sees of it (WebSocket):
 * delete, hold for review and approve, slow mode, chat modes, mute, ban (with the address) and
 * lift, pin, the keyword filter, viewer reports; each action audited; who may moderate.
 */

interface AuditItem {
  action: string;
  actorId: string | null;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
}
interface ChatItem {
  id: string;
  text: string;
  status: string;
  senderId: string;
}

describe.each(dialects())('live room moderation on %s', (dialect) => {
  let t: TestApp;
  let ws: string;
  let owner: Session;
  let cs: Session;
  let operator: Session;
  let analyst: Session;
  const clients: WsClient[] = [];
  let nick = 0;

  const join = async (sessionId: string, opts: ConnectOptions = {}): Promise<WsClient> => {
    const c = await connect(roomUrl(ws, sessionId), opts);
    clients.push(c);
    return c;
  };
  const newViewer = (): Promise<ViewerSession> => viewerSignUp(t, `mod viewer ${++nick}`);
  const joinViewer = async (sessionId: string): Promise<{ v: ViewerSession; c: WsClient }> => {
    const v = await newViewer();
    return { v, c: await join(sessionId, { cookie: v.cookie }) };
  };
  const joinGuest = async (sessionId: string) => join(sessionId, { guest: (await guestToken(t)).guestToken });
  const liveRoom = async () => (await makeLiveSession(t, { status: 'live', title: 'Moderated room' })).id;
  const api = (method: HTTPMethods, url: string, s: Session | null, body?: unknown): Promise<LightMyRequestResponse> =>
    t.app.inject({ method, url, remoteAddress: nextIp(), headers: authHeaders(method, s), ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}) });
  const base = (sessionId: string) => `/api/console/sessions/${sessionId}`;
  const chatList = async (sessionId: string, status?: string): Promise<ChatItem[]> => {
    const res = await api('GET', `${base(sessionId)}/chat${status ? `?status=${status}` : ''}`, owner);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: ChatItem[] }>().items;
  };
  const audit = async (action: string, targetId: string): Promise<AuditItem> => {
    const res = await api('GET', '/api/console/audit?limit=200', owner);
    expect(res.statusCode, res.body).toBe(200);
    const found = res.json<{ items: AuditItem[] }>().items.find((i) => i.action === action && i.targetId === targetId);
    if (!found) return expect.fail(`no audit entry ${action} on ${targetId}`);
    return found;
  };
  const ok = (res: LightMyRequestResponse, status: number) => {
    expect(res.statusCode, res.body).toBe(status);
    return res;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    ws = (await listen(t)).ws;
    owner = await t.signInAs(['owner']);
    cs = await t.signInAs(['cs']);
    operator = await t.signInAs(['operator']);
    analyst = await t.signInAs(['analyst']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => t?.dispose());

  it('delete: the room gets chat.del, the comment is marked deleted and leaves the snapshot (cs may do it)', async () => {
    const sessionId = await liveRoom();
    const guest = await joinGuest(sessionId);
    const { c: viewer } = await joinViewer(sessionId);
    const ack = await viewer.say('buy my stuff elsewhere');
    await guest.waitForChat(ack.msg.id);

    ok(await api('POST', `${base(sessionId)}/chat/${ack.msg.id}/delete`, cs), 204);
    for (const c of [guest, viewer]) await c.waitForEvent((e) => e.t === 'chat.del' && e.id === ack.msg.id, 2000, 'chat.del');
    expect((await chatList(sessionId, 'deleted')).map((m) => m.id)).toEqual([ack.msg.id]);
    expect(await chatList(sessionId, 'visible')).toEqual([]);
    const late = await joinGuest(sessionId);
    expect(late.welcome.room.recent).toEqual([]);

    expectError(await api('POST', `${base(sessionId)}/chat/${ack.msg.id}/delete`, owner), 409, 'ALREADY_DELETED');
    expectError(await api('POST', `${base(sessionId)}/chat/no-such-comment/delete`, owner), 404, 'NOT_FOUND');
    const other = await liveRoom();
    expectError(await api('POST', `${base(other)}/chat/${ack.msg.id}/delete`, owner), 404, 'NOT_FOUND');

    const entry = await audit('room.message_deleted', ack.msg.id);
    expect(entry).toMatchObject({ actorId: cs.memberId, targetType: 'chat_message', before: { text: 'buy my stuff elsewhere', status: 'visible' }, after: { status: 'deleted' } });
  });

  it('hold for review: comments are acked as held, shown to nobody, listed as held, and broadcast once approved', async () => {
    const sessionId = await liveRoom();
    const guest = await joinGuest(sessionId);
    const team = await join(sessionId, { asTeam: true, cookie: owner.cookie });
    const { c: viewer } = await joinViewer(sessionId);

    const res = ok(await api('PUT', `${base(sessionId)}/room/settings`, operator, { holdForReview: true }), 200);
    expect(res.json()).toEqual({ chatMode: 'everyone', slowModeSeconds: 0, holdForReview: true, pin: null });
    const held = await viewer.chat('is this legit?');
    expect(held).toMatchObject({ t: 'ack', held: true, msg: { text: 'is this legit?' } });
    const heldId = held.t === 'ack' ? held.msg!.id : '';
    await guest.waitForEvent((e) => e.t === 'settings' && e.holdForReview, 2000, 'settings');

    // The team is not held: its comment is a marker that the held one did not go out before it.
    const marker = await team.say('Welcome!');
    await guest.waitForChat(marker.msg.id);
    await viewer.waitForChat(marker.msg.id);
    expect(guest.eventsOf('chat').map((c) => c.id)).not.toContain(heldId);
    expect(viewer.eventsOf('chat').map((c) => c.id), 'not even its sender gets it in a batch').not.toContain(heldId);
    expect((await chatList(sessionId, 'held')).map((m) => [m.id, m.text])).toEqual([[heldId, 'is this legit?']]);

    ok(await api('POST', `${base(sessionId)}/chat/${heldId}/approve`, cs), 204);
    const shown: ChatEvent = await guest.waitForChat(heldId, 2000);
    expect(shown).toMatchObject({ text: 'is this legit?', role: 'viewer' });
    expect(await chatList(sessionId, 'held')).toEqual([]);
    expectError(await api('POST', `${base(sessionId)}/chat/${heldId}/approve`, owner), 409, 'NOT_HELD');

    expect(await audit('room.message_approved', heldId)).toMatchObject({ actorId: cs.memberId, before: { status: 'held' }, after: { status: 'visible' } });
    expect(await audit('room.settings_changed', sessionId)).toMatchObject({
      actorId: operator.memberId,
      targetType: 'live_session',
      before: { holdForReview: false },
      after: { holdForReview: true },
    });
  });

  it('slow mode: a second comment inside the window gets SLOW_MODE (team exempt), and is allowed after it', async () => {
    const sessionId = await liveRoom();
    const { c: viewer } = await joinViewer(sessionId);
    const team = await join(sessionId, { asTeam: true, cookie: owner.cookie });
    ok(await api('PUT', `${base(sessionId)}/room/settings`, owner, { slowModeSeconds: 30 }), 200);
    await viewer.waitForEvent((e) => e.t === 'settings' && e.slowModeSeconds === 30, 2000, 'settings');

    await viewer.say('first');
    const second = await viewer.chat('second');
    expect(second).toMatchObject({ t: 'error', code: 'SLOW_MODE' });
    expect(second.t === 'error' && second.retryAfterMs).toBeGreaterThan(25_000);
    await team.say('team one');
    await team.say('team two');

    t.clock.advance(31_000);
    await viewer.say('third, after the window');
    ok(await api('PUT', `${base(sessionId)}/room/settings`, owner, { slowModeSeconds: 0 }), 200);
  });

  it('chat modes: registered keeps guests out, followers keeps viewers out (team always may), and the snapshot shows the mode', async () => {
    const sessionId = await liveRoom();
    const { c: viewer } = await joinViewer(sessionId);
    const guest = await joinGuest(sessionId);
    const team = await join(sessionId, { asTeam: true, cookie: owner.cookie });

    ok(await api('PUT', `${base(sessionId)}/room/settings`, cs, { chatMode: 'registered' }), 200);
    await viewer.waitForEvent((e) => e.t === 'settings' && e.chatMode === 'registered', 2000, 'settings');
    await viewer.say('registered may');
    expect(await guest.chat('me too?')).toMatchObject({ t: 'error', code: 'GUESTS_CANNOT_CHAT' });

    ok(await api('PUT', `${base(sessionId)}/room/settings`, cs, { chatMode: 'followers' }), 200);
    await viewer.waitForEvent((e) => e.t === 'settings' && e.chatMode === 'followers', 2000, 'settings');
    expect(await viewer.chat('and now?')).toMatchObject({ t: 'error', code: 'FOLLOWERS_ONLY' });
    await team.say('the team still may');
    const late = await joinGuest(sessionId);
    expect(late.welcome.room.settings).toEqual({ chatMode: 'followers', slowModeSeconds: 0, holdForReview: false });
    expect((await api('GET', `${base(sessionId)}/room`, analyst)).json()).toMatchObject({ settings: { chatMode: 'followers' } });

    expect(await audit('room.settings_changed', sessionId)).toMatchObject({ actorId: cs.memberId });
  });

  it('mute: the viewer gets MUTED but keeps watching; lifting it lets them speak again', async () => {
    const sessionId = await liveRoom();
    const { v, c: viewer } = await joinViewer(sessionId);
    const guest = await joinGuest(sessionId);
    await viewer.say('before the mute');

    const res = ok(await api('POST', `${base(sessionId)}/sanctions`, operator, { kind: 'mute', target: { kind: 'viewer', id: v.viewerId }, minutes: 10, reason: 'spam' }), 201);
    const { ids } = res.json<{ ids: string[]; until: string }>();
    expect(ids).toHaveLength(1); // a mute does not cover the address
    expect(await viewer.chat('can I still talk?')).toMatchObject({ t: 'error', code: 'MUTED' });
    const list = ok(await api('GET', `${base(sessionId)}/sanctions`, cs), 200).json<{ items: { id: string; kind: string; principal: string; reason: string | null }[] }>();
    expect(list.items).toEqual([expect.objectContaining({ id: ids[0], kind: 'mute', principal: `viewer:${v.viewerId}`, reason: 'spam' })]);
    // Still in the room: it receives what others say.
    const { c: other } = await joinViewer(sessionId);
    const a = await other.say('hello muted friend');
    await viewer.waitForChat(a.msg.id);
    expect(viewer.closeInfo).toBeNull();

    ok(await api('POST', `${base(sessionId)}/sanctions/${ids[0]}/lift`, cs), 204);
    await viewer.say('free again');
    expect((await api('GET', `${base(sessionId)}/sanctions`, cs)).json()).toEqual({ items: [] });
    expectError(await api('POST', `${base(sessionId)}/sanctions/${ids[0]}/lift`, cs), 409, 'ALREADY_REVOKED');
    await guest.close();

    expect(await audit('room.mute', v.viewerId)).toMatchObject({ actorId: operator.memberId, targetType: 'viewer', after: { scope: 'room', sessionId, reason: 'spam', coversAddress: false } });
    expect(await audit('room.mute_lifted', ids[0]!)).toMatchObject({ actorId: cs.memberId, before: { principal: `viewer:${v.viewerId}` } });
  });

  it('ban: the socket is closed with 4003, re-joining is refused (403 BANNED), also as a new guest from the same address (not other viewers there); lifting lets them back', async () => {
    const sessionId = await liveRoom();
    const { v, c: viewer } = await joinViewer(sessionId);
    const team = await join(sessionId, { asTeam: true, cookie: owner.cookie });

    const res = ok(await api('POST', `${base(sessionId)}/sanctions`, owner, { kind: 'ban', target: { kind: 'viewer', id: v.viewerId }, minutes: 60 }), 201);
    const { ids } = res.json<{ ids: string[] }>();
    expect(ids, 'the viewer and the address they watch from').toHaveLength(2);
    await viewer.waitFor((m) => m.t === 'error' && m.code === 'BANNED', 2000, 'BANNED');
    expect((await viewer.waitForClose()).code).toBe(4003);
    expect(team.closeInfo).toBeNull();

    const again = await refused(roomUrl(ws, sessionId), { cookie: v.cookie });
    expect([again.status, again.code]).toEqual([403, 'BANNED']);
    const retry = (JSON.parse(again.body) as { error: { retryAfterSeconds?: number } }).error.retryAfterSeconds;
    expect(retry).toBeGreaterThan(59 * 60);
    expect(retry).toBeLessThanOrEqual(60 * 60);
    const freshGuest = (await guestToken(t)).guestToken;
    const asGuest = await refused(roomUrl(ws, sessionId), { guest: freshGuest });
    expect([asGuest.status, asGuest.code]).toEqual([403, 'BANNED']);
    // Browsers cannot read a refused upgrade, so the page asks why over HTTP.
    const why = await t.app.inject({ url: `/api/live/${sessionId}/access`, headers: { cookie: v.cookie } });
    expect(why.json()).toMatchObject({ canJoin: false, code: 'BANNED', retryAfterSeconds: expect.any(Number) as unknown });
    const whyGuest = await t.app.inject({ url: `/api/live/${sessionId}/access`, headers: { 'x-guest-token': freshGuest } });
    expect(whyGuest.json()).toMatchObject({ canJoin: false, code: 'BANNED' });
    // The address half applies to guests only: a signed-in neighbour behind the same address is welcome.
    const neighbour = await join(sessionId, { cookie: (await newViewer()).cookie });
    expect(neighbour.welcome.you.kind).toBe('viewer');
    // Only this room: another session is fine.
    const elsewhere = await join(await liveRoom(), { cookie: v.cookie });
    expect(elsewhere.welcome.you.kind).toBe('viewer');

    const listed = ok(await api('GET', `${base(sessionId)}/sanctions`, owner), 200).json<{ items: { id: string; principal: string }[] }>();
    expect(listed.items.map((i) => i.principal).sort()).toEqual(['ip:(hidden)', `viewer:${v.viewerId}`]);

    for (const id of ids) ok(await api('POST', `${base(sessionId)}/sanctions/${id}/lift`, cs), 204);
    const back = await join(sessionId, { cookie: v.cookie });
    expect(back.welcome.you.id).toBe(v.viewerId);
    await back.say('thanks for lifting it');
    await joinGuest(sessionId);

    expect(await audit('room.ban', v.viewerId)).toMatchObject({ actorId: owner.memberId, after: { scope: 'room', coversAddress: true } });
    for (const id of ids) expect(await audit('room.ban_lifted', id)).toMatchObject({ actorId: cs.memberId, before: { until: expect.any(String) as unknown } });
  });

  it('pin: the room gets a pin event, the next welcome carries it, and null removes it (operator may)', async () => {
    const sessionId = await liveRoom();
    const guest = await joinGuest(sessionId);
    const res = ok(await api('PUT', `${base(sessionId)}/room/pin`, operator, { text: '  Flash sale at 8pm  ' }), 200);
    expect(res.json()).toMatchObject({ pin: 'Flash sale at 8pm' });
    await guest.waitForEvent((e) => e.t === 'pin' && e.text === 'Flash sale at 8pm', 2000, 'pin');
    const late = await joinGuest(sessionId);
    expect(late.welcome.room.pin).toBe('Flash sale at 8pm');
    expect((await api('GET', `${base(sessionId)}/room`, owner)).json()).toMatchObject({ settings: { pin: 'Flash sale at 8pm' } });

    ok(await api('PUT', `${base(sessionId)}/room/pin`, operator, { text: null }), 200);
    await late.waitForEvent((e) => e.t === 'pin' && e.text === null, 2000, 'unpin');
    const later = await joinGuest(sessionId);
    expect(later.welcome.room.pin).toBeNull();

    expect(await audit('room.pinned', sessionId)).toMatchObject({ actorId: operator.memberId, before: { pin: null }, after: { pin: 'Flash sale at 8pm' } });
    expect(await audit('room.unpinned', sessionId)).toMatchObject({ before: { pin: 'Flash sale at 8pm' }, after: { pin: null } });
  });

  it('keyword filter: a blocked word is refused (BLOCKED_WORDS, not stored), a hold word is held for review', async () => {
    const sessionId = await liveRoom();
    const guest = await joinGuest(sessionId);
    const { c: viewer } = await joinViewer(sessionId);
    expect(await viewer.chat('便宜，加微信私聊')).toMatchObject({ t: 'error', code: 'BLOCKED_WORDS' });
    expect(await viewer.chat('加 微 信')).toMatchObject({ t: 'error', code: 'BLOCKED_WORDS' });
    const held = await viewer.chat('我的微信号是多少');
    expect(held).toMatchObject({ t: 'ack', held: true });
    const clean = await viewer.say('这个多少钱');
    await guest.waitForChat(clean.msg.id);
    expect(guest.eventsOf('chat').map((c) => c.text)).toEqual(['这个多少钱']);
    expect((await chatList(sessionId)).map((m) => [m.text, m.status])).toEqual([
      ['这个多少钱', 'visible'],
      ['我的微信号是多少', 'held'],
    ]);
  });

  it('reports: a viewer reports a comment over the socket, it shows in the queue, and resolving it takes it out', async () => {
    const sessionId = await liveRoom();
    const { c: author } = await joinViewer(sessionId);
    const { c: reporter } = await joinViewer(sessionId);
    const guest = await joinGuest(sessionId);
    const bad = await author.say('this shop is a scam, go to my site');

    reporter.send({ t: 'report', ref: 'rep-1', messageId: bad.msg.id, reason: 'spam' });
    expect(await reporter.reply('rep-1')).toEqual({ t: 'ack', ref: 'rep-1' });
    guest.send({ t: 'report', ref: 'rep-g', messageId: bad.msg.id, reason: 'spam' });
    expect(await guest.reply('rep-g')).toMatchObject({ t: 'error', code: 'SIGN_IN_TO_REPORT' });
    reporter.send({ t: 'report', ref: 'rep-2', messageId: 'no-such-comment', reason: 'abuse' });
    expect(await reporter.reply('rep-2')).toMatchObject({ t: 'error', code: 'NOT_FOUND' });

    const open = ok(await api('GET', `${base(sessionId)}/reports`, cs), 200).json<{ items: { id: string; messageId: string; messageText: string; reason: string; status: string }[] }>();
    expect(open.items).toEqual([expect.objectContaining({ messageId: bad.msg.id, messageText: 'this shop is a scam, go to my site', reason: 'spam', status: 'open' })]);
    const reportId = open.items[0]!.id;

    ok(await api('POST', `${base(sessionId)}/reports/${reportId}`, cs, { action: 'resolve' }), 204);
    expect(ok(await api('GET', `${base(sessionId)}/reports`, cs), 200).json()).toEqual({ items: [] });
    expect(ok(await api('GET', `${base(sessionId)}/reports?status=resolved`, cs), 200).json<{ items: { id: string }[] }>().items.map((i) => i.id)).toEqual([reportId]);
    expectError(await api('POST', `${base(sessionId)}/reports/${reportId}`, cs, { action: 'dismiss' }), 409, 'REPORT_CLOSED');

    expect(await audit('room.report_resolved', reportId)).toMatchObject({ actorId: cs.memberId, before: { status: 'open' }, after: { status: 'resolved' } });
  });

  it('who may moderate: owner, cs and operator may; analyst reads the live figures but gets 403 on moderation', async () => {
    const sessionId = await liveRoom();
    const { c: viewer } = await joinViewer(sessionId);
    const ack = await viewer.say('moderate me');
    const settingsBefore = ok(await api('GET', `${base(sessionId)}/room`, analyst), 200).json<{ settings: unknown }>().settings;

    expectError(await api('GET', `${base(sessionId)}/chat`, analyst), 403, 'FORBIDDEN');
    expectError(await api('POST', `${base(sessionId)}/chat/${ack.msg.id}/delete`, analyst), 403, 'FORBIDDEN');
    expectError(await api('PUT', `${base(sessionId)}/room/settings`, analyst, { holdForReview: true }), 403, 'FORBIDDEN');
    expectError(await api('PUT', `${base(sessionId)}/room/pin`, analyst, { text: 'nope' }), 403, 'FORBIDDEN');
    expectError(await api('POST', `${base(sessionId)}/sanctions`, analyst, { kind: 'ban', target: { kind: 'viewer', id: ack.msg.uid }, minutes: 5 }), 403, 'FORBIDDEN');
    expectError(await api('GET', `${base(sessionId)}/reports`, analyst), 403, 'FORBIDDEN');
    expect(ok(await api('GET', `${base(sessionId)}/room`, analyst), 200).json<{ settings: unknown }>().settings).toEqual(settingsBefore);
    expect(viewer.closeInfo).toBeNull();

    for (const s of [owner, cs, operator]) ok(await api('GET', `${base(sessionId)}/chat`, s), 200);
    ok(await api('POST', `${base(sessionId)}/chat/${ack.msg.id}/delete`, operator), 204);
  });
});
