import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/contracts/realtime.contract.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, guestToken, listen, roomUrl, type WsClient } from '../support/ws-client.js';
import { makeLiveSession, viewerSignUp } from './route-fixtures.js';

/**
 * Polls and quizzes over the real room socket (issue 6 items 2 and 6): the operator drives them
 * over HTTP, viewers vote and answer over the socket (acked once durable), the room gets the
 * tallies with totals filled in by the hub, a late joiner's snapshot agrees, and the correct
 * answer reaches nobody while the window is open.
 */
describe.each(dialects())('polls and quizzes in the live room on %s', (dialect) => {
  let t: TestApp;
  let ws: string;
  let host: Session;
  const clients: WsClient[] = [];
  let nick = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    ws = (await listen(t)).ws;
    host = await t.signInAs(['host']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => t?.dispose());

  const join = async (sessionId: string, cookie?: string, guest?: string): Promise<WsClient> => {
    const g = cookie || guest ? guest : (await guestToken(t)).guestToken;
    const c = await connect(roomUrl(ws, sessionId), { ...(cookie ? { cookie } : {}), ...(g ? { guest: g } : {}) });
    clients.push(c);
    return c;
  };
  const operator = (method: 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: { cookie: host.cookie, 'x-csrf-token': host.csrf }, ...(payload ? { payload } : {}) });
  const isEv = (t: string, pred: (e: Record<string, unknown>) => boolean = () => true) => (m: ServerMessage) => m.t === 'batch' && m.ev.some((e) => e.t === t && pred(e as Record<string, unknown>));

  it('votes over the socket: acked, one per account, guests refused, tallies with totals, a late joiner sees the same', async () => {
    const sessionId = (await makeLiveSession(t, { status: 'live', title: 'Poll room' })).id;
    const [a, b] = [await viewerSignUp(t, `poll a ${++nick}`), await viewerSignUp(t, `poll b ${++nick}`)];
    const ca = await join(sessionId, a.cookie);
    const cb = await join(sessionId, b.cookie);
    const cg = await join(sessionId, undefined, (await guestToken(t)).guestToken);
    const created = await operator('POST', `/api/console/sessions/${sessionId}/interact/polls`, { question: 'Next product?', kind: 'single', options: ['Tea', 'Cups', 'Cakes'], durationSeconds: 60 });
    expect(created.statusCode, created.body).toBe(201);
    const pollId = (created.json() as { id: string }).id;
    expect((await operator('POST', `/api/console/sessions/${sessionId}/interact/polls/${pollId}/open`)).statusCode).toBe(200);
    await cg.waitFor(isEv('poll', (e) => (e.poll as { status: string }).status === 'open'), 5_000, 'the poll opening');

    ca.send({ t: 'vote', ref: 'a1', pollId, choices: [2] });
    expect(await ca.reply('a1')).toMatchObject({ t: 'ack' });
    cb.send({ t: 'vote', ref: 'b1', pollId, choices: [2] });
    expect(await cb.reply('b1')).toMatchObject({ t: 'ack' });
    ca.send({ t: 'vote', ref: 'a2', pollId, choices: [0] });
    expect(await ca.reply('a2')).toMatchObject({ t: 'error', code: 'ALREADY_VOTED' });
    cg.send({ t: 'vote', ref: 'g1', pollId, choices: [0] });
    expect(await cg.reply('g1')).toMatchObject({ t: 'error', code: 'GUEST' });

    await cg.waitFor(isEv('poll.tally', (e) => (e.voters as number) === 2), 5_000, 'the tally with 2 voters');
    const last = cg.eventsOf('poll.tally').at(-1);
    expect(last).toMatchObject({ id: pollId, tally: [0, 0, 2], voters: 2 });
    const late = await join(sessionId);
    expect(late.welcome.room.tools.polls).toEqual([expect.objectContaining({ id: pollId, status: 'open', tally: [0, 0, 2], voters: 2 })]);
    const me = await t.app.inject({ method: 'GET', url: `/api/live/${sessionId}/interact/me`, headers: { cookie: a.cookie } });
    expect(me.json()).toMatchObject({ votes: { [pollId]: [2] } });

    expect((await operator('POST', `/api/console/sessions/${sessionId}/interact/polls/${pollId}/close`)).statusCode).toBe(200);
    await cg.waitFor(isEv('poll', (e) => (e.poll as { status: string }).status === 'closed'), 5_000, 'the poll closing');
    cb.send({ t: 'vote', ref: 'b2', pollId, choices: [1] });
    expect(await cb.reply('b2')).toMatchObject({ t: 'error', code: 'CLOSED' });
  });

  it('quiz over the socket: the answer is never sent while the window is open, then revealed with the leaderboard', async () => {
    const sessionId = (await makeLiveSession(t, { status: 'live', title: 'Quiz room' })).id;
    const a = await viewerSignUp(t, `quiz a ${++nick}`);
    const ca = await join(sessionId, a.cookie);
    const watcher = await join(sessionId);
    const created = await operator('POST', `/api/console/sessions/${sessionId}/interact/quizzes`, {
      title: 'Tea quiz',
      questions: [{ prompt: 'Longjing is a…', options: ['black tea', 'green tea'], correctIndex: 1, windowSeconds: 30 }],
      rewardTopN: 1,
    });
    expect(created.statusCode, created.body).toBe(201);
    const quizId = (created.json() as { id: string }).id;
    expect((await operator('POST', `/api/console/sessions/${sessionId}/interact/quizzes/${quizId}/ask`)).statusCode).toBe(200);
    await watcher.waitFor(isEv('quiz', (e) => (e.quiz as { status: string }).status === 'asking'), 5_000, 'the question');
    ca.send({ t: 'answer', ref: 'q1', quizId, questionIndex: 0, choice: 1 });
    expect(await ca.reply('q1')).toMatchObject({ t: 'ack' });
    await watcher.waitFor(isEv('quiz.answers', (e) => e.answerCount === 1), 5_000, 'the answer count');
    const late = await join(sessionId);
    expect(late.welcome.room.tools.quiz).toMatchObject({ id: quizId, status: 'asking', current: { answerCount: 1 } });
    for (const c of [ca, watcher, late]) expect(JSON.stringify(c.messages)).not.toContain('correctIndex');

    expect((await operator('POST', `/api/console/sessions/${sessionId}/interact/quizzes/${quizId}/reveal`)).statusCode).toBe(200);
    const m = await watcher.waitFor(isEv('quiz', (e) => (e.quiz as { status: string }).status === 'revealed'), 5_000, 'the reveal');
    const shown = m.t === 'batch' ? m.ev.find((e) => e.t === 'quiz') : null;
    expect(shown).toMatchObject({ quiz: { current: { correctIndex: 1 }, leaderboard: [{ rank: 1, name: a.nickname, correct: 1 }] } });
  });
});
