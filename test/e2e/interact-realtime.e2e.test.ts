import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RoomEventPayload } from '../../src/contracts/realtime.contract.js';
import type { QuestionView } from '../../src/contracts/room-tools.contract.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, guestToken, listen, roomUrl, type ConnectOptions, type WsClient } from '../support/ws-client.js';
import { authHeaders, makeLiveSession, viewerSignUp, type ViewerSession } from './route-fixtures.js';

/**
 * The room's interactive tools over real WebSockets (issue 6): Q&A asked and upvoted by viewers
 * and run by an operator from the console, topics grouped from the chat, and a poll voted by 50
 * viewers, with every client seeing the same events in its batches.
 */

type Qna = Extract<RoomEventPayload, { t: 'qna' }>;
const isQna = (id: string, pred: (q: QuestionView) => boolean = () => true) => (e: RoomEventPayload): e is Qna => e.t === 'qna' && e.question.id === id && pred(e.question);

describe.each(dialects())('interactive tools over real WebSockets on %s', (dialect) => {
  let t: TestApp;
  let ws: string;
  let operator: Session;
  const clients: WsClient[] = [];
  let nick = 0;
  let refs = 0;

  const join = async (sessionId: string, opts: ConnectOptions = {}): Promise<WsClient> => {
    const c = await connect(roomUrl(ws, sessionId), opts);
    clients.push(c);
    return c;
  };
  const newViewer = (): Promise<ViewerSession> => viewerSignUp(t, `tools viewer ${++nick}`);
  const liveRoom = async () => (await makeLiveSession(t, { status: 'live', title: 'Tools room' })).id;
  /** Sends a tool message and waits for its ack or error. */
  const send = async (c: WsClient, msg: Record<string, unknown>) => {
    const ref = `t${++refs}`;
    c.send({ ...msg, ref });
    return c.reply(ref);
  };
  const api = async (method: 'POST', url: string, body?: Record<string, unknown>) => {
    const res = await t.app.inject({ method, url, headers: authHeaders(method, operator), ...(body ? { payload: body } : {}) });
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    ws = (await listen(t)).ws;
    operator = await t.signInAs(['operator']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => t?.dispose());

  it('Q&A: a viewer asks, others upvote, the operator marks it answering then answered; every client sees each change; a guest is refused', async () => {
    const sessionId = await liveRoom();
    const [asker, v1, v2] = await Promise.all([newViewer(), newViewer(), newViewer()]);
    const askerC = await join(sessionId, { cookie: asker.cookie });
    const c1 = await join(sessionId, { cookie: v1.cookie });
    const c2 = await join(sessionId, { cookie: v2.cookie });
    const guest = await join(sessionId, { guest: (await guestToken(t)).guestToken });
    const team = await join(sessionId, { asTeam: true, cookie: operator.cookie });
    const everyone = [askerC, c1, c2, guest, team];

    expect(await send(askerC, { t: 'ask', text: 'Does it come in blue?' })).toMatchObject({ t: 'ack' });
    const asked = await c1.waitForEvent((e): e is Qna => e.t === 'qna' && e.question.text === 'Does it come in blue?');
    const id = asked.question.id;
    expect(asked.question).toMatchObject({ uid: asker.viewerId, name: asker.nickname, status: 'submitted', upvotes: 0 });
    expect(asked.question).not.toHaveProperty('held');

    // The guest may watch but not ask or upvote: an error event answers.
    expect(await send(guest, { t: 'ask', text: 'Guest question?' })).toMatchObject({ t: 'error', code: 'GUEST' });
    expect(await send(guest, { t: 'upvote', questionId: id })).toMatchObject({ t: 'error', code: 'GUEST' });
    expect(await send(askerC, { t: 'upvote', questionId: id })).toMatchObject({ t: 'error', code: 'OWN_QUESTION' });

    expect(await send(c1, { t: 'upvote', questionId: id })).toMatchObject({ t: 'ack' });
    expect(await send(c2, { t: 'upvote', questionId: id })).toMatchObject({ t: 'ack' });
    // A second upvote by the same account is acknowledged and counts nothing.
    expect(await send(c2, { t: 'upvote', questionId: id })).toMatchObject({ t: 'ack' });
    for (const c of everyone) await c.waitForEvent(isQna(id, (q) => q.upvotes === 2), 4000, 'two upvotes');

    // The console sends {} with its actions.
    const answering = await api('POST', `/api/console/sessions/${sessionId}/interact/questions/${id}/answering`, {});
    expect(answering).toMatchObject({ status: 200, body: { id, status: 'answering', upvotes: 2, held: false } });
    for (const c of everyone) await c.waitForEvent(isQna(id, (q) => q.status === 'answering'), 4000, 'answering now');

    const answered = await api('POST', `/api/console/sessions/${sessionId}/interact/questions/${id}/answered`, { answerText: 'Yes: navy and sky blue.' });
    expect(answered).toMatchObject({ status: 200, body: { status: 'answered', answerText: 'Yes: navy and sky blue.' } });
    for (const c of everyone) {
      const e = await c.waitForEvent(isQna(id, (q) => q.status === 'answered'), 4000, 'answered');
      expect(e.question).toMatchObject({ answerText: 'Yes: navy and sky blue.', upvotes: 2, answeredAt: expect.any(Number) });
    }
    // The sequence each client saw: asked, upvoted, answering, answered (upvote events may be one or two).
    for (const c of everyone) {
      const seen = c.eventsOf('qna').filter((e) => e.question.id === id).map((e) => e.question.status);
      expect(seen[0]).toBe('submitted');
      expect(seen.slice(-2)).toEqual(['answering', 'answered']);
    }

    // A late joiner finds the answered question in the snapshot; the viewer's own upvotes come back.
    const late = await join(sessionId, { cookie: v2.cookie });
    expect(late.welcome.room.tools.questions).toEqual([expect.objectContaining({ id, status: 'answered', upvotes: 2 })]);
    const mine = await t.app.inject({ url: `/api/live/${sessionId}/interact/me`, headers: { cookie: v2.cookie } });
    expect(mine.json<{ upvoted: string[] }>().upvoted).toEqual([id]);
    expect(Number((await t.database.db.selectFrom('questions').select('upvotes').where('id', '=', id).executeTakeFirstOrThrow()).upvotes)).toBe(2);
  });

  it('topics: the operator pins a hashtag, tagged comments are counted and every client sees the totals', async () => {
    const sessionId = await liveRoom();
    const [a, b] = await Promise.all([newViewer(), newViewer()]);
    const ca = await join(sessionId, { cookie: a.cookie });
    const cb = await join(sessionId, { cookie: b.cookie });
    const watcher = await join(sessionId, { guest: (await guestToken(t)).guestToken });

    const pinned = await api('POST', `/api/console/sessions/${sessionId}/interact/topics`, { tag: '#夏日穿搭', title: 'Summer outfits' });
    expect(pinned).toMatchObject({ status: 201, body: { tag: '夏日穿搭', status: 'pinned', comments: 0, participants: 0 } });
    const topicId = pinned.body.id as string;
    for (const c of [ca, cb, watcher]) await c.waitForEvent((e) => e.t === 'topic' && e.topic?.id === topicId, 4000, 'the pinned topic');

    await ca.say('我的 #夏日穿搭 分享');
    await ca.say('再来一个 ＃夏日穿搭');
    await cb.say('#夏日穿搭好看 is another tag');
    await cb.say('nothing tagged here');
    await cb.say('#夏日穿搭!');
    await watcher.waitForEvent((e) => e.t === 'topic.stats' && e.id === topicId && e.comments === 3 && e.participants === 2, 5000, 'topic totals 3/2');
    const row = await t.database.db.selectFrom('topics').select(['comments', 'participants']).where('id', '=', topicId).executeTakeFirstOrThrow();
    expect([Number(row.comments), Number(row.participants)]).toEqual([3, 2]);

    const unpinned = await api('POST', `/api/console/sessions/${sessionId}/interact/topics/${topicId}/unpin`);
    expect(unpinned).toMatchObject({ status: 200, body: { status: 'unpinned', comments: 3, participants: 2 } });
    await watcher.waitForEvent((e) => e.t === 'topic' && e.topic === null, 4000, 'topic unpinned');
  });

  it('a poll: 50 viewers vote; the tally a client sees equals the count in the database', async () => {
    const sessionId = await liveRoom();
    const created = await api('POST', `/api/console/sessions/${sessionId}/interact/polls`, { question: 'Which colour?', kind: 'single', options: ['Red', 'Blue'], durationSeconds: 120 });
    expect(created.status).toBe(201);
    const pollId = created.body.id as string;
    const watcher = await join(sessionId, { asTeam: true, cookie: operator.cookie });
    expect((await api('POST', `/api/console/sessions/${sessionId}/interact/polls/${pollId}/open`)).status).toBe(200);
    await watcher.waitForEvent((e) => e.t === 'poll' && e.poll.id === pollId && e.poll.status === 'open', 4000, 'poll open');

    const voters = await Promise.all(Array.from({ length: 50 }, () => newViewer()));
    const sockets = await Promise.all(voters.map((v) => join(sessionId, { cookie: v.cookie })));
    const replies = await Promise.all(sockets.map((c, i) => send(c, { t: 'vote', pollId, choices: [i % 5 === 0 ? 1 : 0] })));
    expect(replies.every((r) => r.t === 'ack')).toBe(true);
    // A second vote by one of them changes nothing.
    await send(sockets[0]!, { t: 'vote', pollId, choices: [0] });

    const last = await watcher.waitForEvent((e) => e.t === 'poll.tally' && e.id === pollId && e.voters === 50, 6000, '50 voters');
    const rows = await t.database.db.selectFrom('poll_votes').select('choices').where('poll_id', '=', pollId).execute();
    expect(rows.length).toBe(50);
    const counted = [0, 0];
    for (const r of rows) for (const c of r.choices.split(',').map(Number)) counted[c]!++;
    expect(last.t === 'poll.tally' && last.tally).toEqual(counted);
    expect(counted).toEqual([40, 10]);
  });
});
