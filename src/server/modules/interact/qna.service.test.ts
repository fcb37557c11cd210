import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import type { QuestionView } from '../../../contracts/room-tools.contract.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { FilterVerdict } from '../room/core/keyword-filter.js';
import { toolDeps } from '../../../../test/support/interact-test-deps.js';
import type { Participant } from './interact.deps.js';
import { QnaService } from './qna.service.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const host = ctxOf(['host']);
const cs = ctxOf(['cs']);
const planner = ctxOf(['planner']);
const analyst = ctxOf(['analyst']);
const viewer = (id: string): Participant => ({ kind: 'viewer', id, name: `nick ${id}` });
const guest: Participant = { kind: 'guest' };
const team: Participant = { kind: 'team', id: 'm1', name: 'Host' };

type Qna = Extract<RoomEventPayload, { t: 'qna' }>;
const qnaEvents = (events: { e: RoomEventPayload }[], id?: string): QuestionView[] =>
  events
    .map((x) => x.e)
    .filter((e): e is Qna => e.t === 'qna' && (id === undefined || e.question.id === id))
    .map((e) => e.question);

/** Test filter: "spam" blocks, "maybe" holds for review. */
const filterText = (text: string): FilterVerdict =>
  text.includes('spam') ? { action: 'block', reason: 'contains a blocked word' } : text.includes('maybe') ? { action: 'hold', reason: 'held for review' } : { action: 'allow' };

describe.each(dialects())('QnaService on %s', (dialect) => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  const make = () => {
    const { deps, events } = toolDeps(t, { filterText });
    return { qna: new QnaService(deps), events };
  };
  async function session(status: 'scheduled' | 'live' | 'ended' = 'live'): Promise<string> {
    const s = await t.services.sessions.create(systemCtx('test'), { title: `Q&A session ${++n}`, theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    for (const step of ['scheduled', 'live', 'ended'] as const) {
      await t.services.sessions.transition(systemCtx('test'), s.id, step);
      if (step === status) break;
    }
    return s.id;
  }
  /** Asks and returns the stored question's id (the ack carries none: the room event does). */
  async function ask(qna: QnaService, sessionId: string, who: Participant, text: string): Promise<string> {
    expect(await qna.ask(who, sessionId, text)).toEqual({ ok: true });
    const row = await t.database.db.selectFrom('questions').select('id').where('session_id', '=', sessionId).where('text', '=', text.trim()).executeTakeFirstOrThrow();
    return row.id;
  }
  const row = (id: string) => t.database.db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const upvoteRows = async (id: string) => Number((await t.database.db.selectFrom('question_upvotes').select((eb) => eb.fn.countAll().as('n')).where('question_id', '=', id).executeTakeFirstOrThrow()).n);
  const audits = async (id: string) => (await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', id).orderBy('at').orderBy('id').execute()).map((r) => r.action);

  it('viewers ask, others upvote; the queue sorts by votes, then age; the room gets each question and one upvote event per tick', async () => {
    const { qna, events } = make();
    const sessionId = await session();
    const a = await ask(qna, sessionId, viewer('qa1'), '  Is it machine washable?  ');
    t.clock.advance(1000);
    const b = await ask(qna, sessionId, viewer('qa2'), 'What sizes are there?');
    t.clock.advance(1000);
    const c = await ask(qna, sessionId, viewer('qa3'), 'When does it ship?');
    expect(qnaEvents(events).map((q) => [q.id, q.status, q.upvotes])).toEqual([
      [a, 'submitted', 0],
      [b, 'submitted', 0],
      [c, 'submitted', 0],
    ]);
    expect(qnaEvents(events, a)[0]).toMatchObject({ uid: 'qa1', name: 'nick qa1', text: 'Is it machine washable?', answerText: null, answeredAt: null, askedAt: t.clock.now().getTime() - 2000 });
    expect(qnaEvents(events, a)[0]).not.toHaveProperty('held');

    // c gets 2 votes, b 1, a none: c, b, a.
    const before = events.length;
    for (const v of ['u1', 'u2']) expect(await qna.upvote(viewer(v), sessionId, c)).toEqual({ ok: true });
    expect(await qna.upvote(viewer('u1'), sessionId, b)).toEqual({ ok: true });
    // Upvotes are published on the tick, once per question however many came in.
    expect(events.length).toBe(before);
    await qna.tick(t.clock.now().getTime());
    expect(qnaEvents(events.slice(before)).map((q) => [q.id, q.upvotes]).sort()).toEqual([
      [b, 1],
      [c, 2],
    ].sort());
    await qna.tick(t.clock.now().getTime());
    expect(events.length).toBe(before + 2);

    expect((await qna.listForConsole(sessionId)).map((q) => q.id)).toEqual([c, b, a]);
    expect(await qna.upvote(viewer('u3'), sessionId, a)).toEqual({ ok: true });
    // a (1 vote, asked first) now comes before b (1 vote, asked later).
    expect((await qna.listForConsole(sessionId)).map((q) => [q.id, q.upvotes, q.held])).toEqual([
      [c, 2, false],
      [a, 1, false],
      [b, 1, false],
    ]);
    const tools = emptyRoomTools();
    await qna.snapshotInto(sessionId, tools);
    expect(tools.questions.map((q) => q.id)).toEqual([c, a, b]);
    expect(await qna.myUpvotes(sessionId, 'u1')).toEqual([b, c].sort());
    expect(await qna.myUpvotes(sessionId, 'nobody')).toEqual([]);
  });

  it('upvotes: one per account under concurrency (20x the same account -> 1; 100 accounts -> 100), not on one’s own, not by guests or the team', async () => {
    const { qna, events } = make();
    const sessionId = await session();
    const q = await ask(qna, sessionId, viewer('owner1'), 'Concurrent upvotes?');
    const same = await Promise.all(Array.from({ length: 20 }, () => qna.upvote(viewer('same'), sessionId, q)));
    expect(same.every((r) => r.ok)).toBe(true);
    expect(await upvoteRows(q)).toBe(1);
    expect((await row(q)).upvotes).toBe(1);

    const many = await Promise.all(Array.from({ length: 100 }, (_, i) => qna.upvote(viewer(`acct${i}`), sessionId, q)));
    expect(many.every((r) => r.ok)).toBe(true);
    expect(await upvoteRows(q)).toBe(101);
    expect(Number((await row(q)).upvotes)).toBe(101);
    events.length = 0;
    await qna.tick(t.clock.now().getTime());
    expect(qnaEvents(events)).toEqual([expect.objectContaining({ id: q, upvotes: 101 })]);

    expect(await qna.upvote(viewer('owner1'), sessionId, q)).toMatchObject({ ok: false, code: 'OWN_QUESTION' });
    expect(await qna.upvote(guest, sessionId, q)).toMatchObject({ ok: false, code: 'GUEST' });
    expect(await qna.upvote(team, sessionId, q)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await qna.upvote(viewer('x'), sessionId, 'no-such-question')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // A question of another session is unknown in this one.
    expect(await qna.upvote(viewer('x'), await session(), q)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // While answering it still takes upvotes; once answered no more.
    await qna.startAnswering(host, sessionId, q);
    expect(await qna.upvote(viewer('late1'), sessionId, q)).toEqual({ ok: true });
    await qna.markAnswered(host, sessionId, q, undefined);
    expect(await qna.upvote(viewer('late2'), sessionId, q)).toMatchObject({ ok: false, code: 'NOT_WAITING' });
    expect(Number((await row(q)).upvotes)).toBe(102);
    expect(await upvoteRows(q)).toBe(102);
  });

  it('asking: guests and the team are refused, the session must not have ended, text is checked', async () => {
    const { qna } = make();
    const live = await session('live');
    const scheduled = await session('scheduled');
    const ended = await session('ended');
    expect(await qna.ask(guest, live, 'Guest question?')).toMatchObject({ ok: false, code: 'GUEST' });
    expect(await qna.ask(team, live, 'Team question?')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await qna.ask(viewer('e1'), ended, 'Too late?')).toMatchObject({ ok: false, code: 'SESSION_ENDED' });
    expect(await qna.ask(viewer('e1'), 'no-such-session', 'Anyone?')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await qna.ask(viewer('e1'), scheduled, 'Before the live?')).toEqual({ ok: true });
    expect(await qna.ask(viewer('e1'), live, '  x ')).toMatchObject({ ok: false, code: 'BAD_MESSAGE', message: 'text: expected at least 3 characters' });
    expect(await t.database.db.selectFrom('questions').select('id').where('session_id', 'in', [live, ended]).execute()).toEqual([]);
  });

  it('rate limit per account: 3 per minute, the 4th says when to retry; concurrent asks cannot slip past it', async () => {
    const { qna } = make();
    const sessionId = await session();
    for (let i = 0; i < 3; i++) {
      expect(await qna.ask(viewer('rl1'), sessionId, `Question number ${i}?`)).toEqual({ ok: true });
      t.clock.advance(10_000);
    }
    const limited = await qna.ask(viewer('rl1'), sessionId, 'One more question?');
    expect(limited).toMatchObject({ ok: false, code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    // Another account is not limited by rl1.
    expect(await qna.ask(viewer('rl2'), sessionId, 'My first question?')).toEqual({ ok: true });
    t.clock.advance(30_000);
    expect(await qna.ask(viewer('rl1'), sessionId, 'One more question?')).toEqual({ ok: true });

    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => qna.ask(viewer('rl3'), sessionId, `Burst question ${i}?`)));
    expect(burst.filter((r) => r.ok).length).toBe(3);
    expect(burst.filter((r) => !r.ok && r.code === 'RATE_LIMITED').length).toBe(3);
    expect((await t.database.db.selectFrom('questions').select('id').where('viewer_id', '=', 'rl3').execute()).length).toBe(3);
  });

  it('filtered like chat: blocked is refused with the reason; held is kept out of the room until approved or taken up', async () => {
    const { qna, events } = make();
    const sessionId = await session();
    expect(await qna.ask(viewer('f1'), sessionId, 'Buy spam here?')).toEqual({ ok: false, code: 'FILTERED', message: 'contains a blocked word' });
    const held = await ask(qna, sessionId, viewer('f2'), 'maybe a rude question?');
    const held2 = await ask(qna, sessionId, viewer('f3'), 'maybe another one?');
    expect(qnaEvents(events)).toEqual([]);
    const tools = emptyRoomTools();
    await qna.snapshotInto(sessionId, tools);
    expect(tools.questions).toEqual([]);
    expect((await qna.listForConsole(sessionId)).map((q) => [q.id, q.held])).toEqual([
      [held, true],
      [held2, true],
    ]);
    // The room cannot upvote what it cannot see.
    expect(await qna.upvote(viewer('f9'), sessionId, held)).toMatchObject({ ok: false, code: 'NOT_FOUND' });

    const approved = await qna.approve(host, sessionId, held);
    expect(approved).toMatchObject({ id: held, held: false, status: 'submitted' });
    expect(qnaEvents(events, held)).toEqual([expect.objectContaining({ id: held, status: 'submitted' })]);
    // Taking a held question up shows it too.
    await qna.startAnswering(host, sessionId, held2);
    expect(qnaEvents(events, held2)).toEqual([expect.objectContaining({ status: 'answering' })]);
    expect((await row(held2)).held).toBe(0);
    // A held question dismissed never reaches the room.
    const held3 = await ask(qna, sessionId, viewer('f4'), 'maybe dismiss me?');
    await qna.dismiss(host, sessionId, held3);
    expect(qnaEvents(events, held3)).toEqual([]);
    expect(await audits(held)).toEqual(['question.approved']);
  });

  it('answering now: one per session (starting another releases the first), also when started at once; answered stays visible', async () => {
    const { qna, events } = make();
    const sessionId = await session();
    const a = await ask(qna, sessionId, viewer('an1'), 'First question?');
    const b = await ask(qna, sessionId, viewer('an2'), 'Second question?');
    t.clock.advance(5_000);
    const started = await qna.startAnswering(host, sessionId, a);
    expect(started).toMatchObject({ id: a, status: 'answering' });
    expect((await row(a)).answering_at).toBe(t.clock.now().toISOString());
    // Again: nothing changes.
    expect(await qna.startAnswering(host, sessionId, a)).toMatchObject({ status: 'answering' });
    events.length = 0;
    await qna.startAnswering(host, sessionId, b);
    expect(qnaEvents(events).map((q) => [q.id, q.status])).toEqual([
      [a, 'submitted'],
      [b, 'answering'],
    ]);
    expect((await row(a)).answering_at).toBeNull();
    expect((await qna.listForConsole(sessionId)).map((q) => [q.id, q.status])).toEqual([
      [b, 'answering'],
      [a, 'submitted'],
    ]);

    // Five started at the same moment: one is answering in the end.
    const many = await Promise.all(Array.from({ length: 5 }, (_, i) => ask(qna, sessionId, viewer(`race${i}`), `Race question ${i}?`)));
    const results = await Promise.allSettled(many.map((id) => qna.startAnswering(host, sessionId, id)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const answering = await t.database.db.selectFrom('questions').select('id').where('session_id', '=', sessionId).where('status', '=', 'answering').execute();
    expect(answering.length).toBe(1);

    // Answered live (no text), then answered questions stay in the room's list.
    const now = answering[0]!.id;
    t.clock.advance(42_000);
    const done = await qna.markAnswered(host, sessionId, now, undefined);
    expect(done).toMatchObject({ status: 'answered', answerText: null, answeredAt: t.clock.now().getTime() });
    const r = await row(now);
    // Time to answer is kept (asked -> answered, and when answering started).
    expect(Date.parse(r.answered_at!) - Date.parse(r.asked_at)).toBeGreaterThanOrEqual(42_000);
    expect(r.answering_at).not.toBeNull();
    expect(r.answering_flag).toBeNull();
    const tools = emptyRoomTools();
    await qna.snapshotInto(sessionId, tools);
    expect(tools.questions.find((q) => q.id === now)).toMatchObject({ status: 'answered' });
    expect(tools.questions.at(-1)!.id).toBe(now);
    // Now another can be taken up.
    await qna.startAnswering(host, sessionId, a);
    expect(await audits(now)).toContain('question.answered');
  });

  it('answered in text by cs (from the queue), release, dismiss; wrong states are 409 with a code, unknown 404, permissions checked', async () => {
    const { qna, events } = make();
    const sessionId = await session();
    const q = await ask(qna, sessionId, viewer('cs1'), 'Do you ship abroad?');
    const d = await ask(qna, sessionId, viewer('cs2'), 'Dismiss me?');
    await expect(qna.markAnswered(cs, sessionId, q, undefined)).rejects.toMatchObject({ code: 'ANSWER_TEXT_REQUIRED' });
    await expect(qna.markAnswered(planner, sessionId, q, 'Yes')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(qna.startAnswering(cs, sessionId, q)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(qna.startAnswering(analyst, sessionId, q)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(qna.release(host, sessionId, q)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(qna.startAnswering(host, sessionId, 'no-such-question')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(qna.startAnswering(host, await session(), q)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const answered = await qna.markAnswered(cs, sessionId, q, 'Yes, to 30 countries.');
    expect(answered).toMatchObject({ status: 'answered', answerText: 'Yes, to 30 countries.' });
    expect((await row(q)).answered_by).toBe(cs.actor.kind === 'team' ? cs.actor.id : null);
    // A second text replaces the written answer; no text again changes nothing.
    expect(await qna.markAnswered(cs, sessionId, q, 'Yes, to 31 countries.')).toMatchObject({ answerText: 'Yes, to 31 countries.' });
    expect(await qna.markAnswered(cs, sessionId, q, undefined)).toMatchObject({ answerText: 'Yes, to 31 countries.' });
    await expect(qna.startAnswering(host, sessionId, q)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(qna.dismiss(host, sessionId, q)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(qnaEvents(events, q).map((x) => [x.status, x.answerText])).toEqual([
      ['submitted', null],
      ['answered', 'Yes, to 30 countries.'],
      ['answered', 'Yes, to 31 countries.'],
    ]);

    await qna.startAnswering(host, sessionId, d);
    expect(await qna.release(host, sessionId, d)).toMatchObject({ status: 'submitted' });
    expect(await qna.dismiss(host, sessionId, d)).toMatchObject({ status: 'dismissed' });
    expect(await qna.dismiss(host, sessionId, d)).toMatchObject({ status: 'dismissed' });
    expect(qnaEvents(events, d).map((x) => x.status)).toEqual(['submitted', 'answering', 'submitted', 'dismissed']);
    expect((await qna.listForConsole(sessionId)).map((x) => x.id)).toEqual([q]);
    expect(await audits(d)).toEqual(['question.answering', 'question.released', 'question.dismissed']);
    expect(await audits(q)).toEqual(['question.answered', 'question.answer_edited']);
  });

  it('survives a restart: questions, upvotes and the answering one come back from the database', async () => {
    const first = make();
    const sessionId = await session();
    const a = await ask(first.qna, sessionId, viewer('rs1'), 'Before the restart?');
    const b = await ask(first.qna, sessionId, viewer('rs2'), 'Also before?');
    for (const v of ['x1', 'x2', 'x3']) await first.qna.upvote(viewer(v), sessionId, b);
    await first.qna.startAnswering(host, sessionId, a);
    await first.qna.stop();

    const second = make();
    await second.qna.start();
    const tools = emptyRoomTools();
    await second.qna.snapshotInto(sessionId, tools);
    expect(tools.questions.map((q) => [q.id, q.status, q.upvotes])).toEqual([
      [a, 'answering', 0],
      [b, 'submitted', 3],
    ]);
    // The same account still cannot upvote twice, another can.
    expect(await second.qna.upvote(viewer('x1'), sessionId, b)).toEqual({ ok: true });
    expect(await second.qna.upvote(viewer('x4'), sessionId, b)).toEqual({ ok: true });
    expect(Number((await row(b)).upvotes)).toBe(4);
    expect(await second.qna.myUpvotes(sessionId, 'x1')).toEqual([b]);
  });
});
