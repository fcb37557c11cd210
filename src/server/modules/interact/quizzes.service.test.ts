import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { auditedBy, tickInsideNextFlush, toolDeps } from '../../../../test/support/interact-test-deps.js';
import type { Participant } from './interact.deps.js';
import { QuizzesService } from './quizzes.service.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const host = ctxOf(['host']);
const marketer = ctxOf(['marketer']);
const analyst = ctxOf(['analyst']);
const viewer = (id: string): Participant => ({ kind: 'viewer', id, name: id });

const quizBody = (reward: { kind: 'none' } | { kind: 'points'; points: number } | { kind: 'coupon'; templateId: string } = { kind: 'points', points: 100 }, rewardTopN = 2) => ({
  title: 'Know your serum',
  questions: [
    { prompt: 'Main ingredient?', options: ['water', 'niacinamide', 'oil'], correctIndex: 1, windowSeconds: 10 },
    { prompt: 'Size?', options: ['30 ml', '50 ml'], correctIndex: 0, windowSeconds: 20 },
  ],
  rewardTopN,
  reward,
});

describe.each(dialects())('QuizzesService on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  async function liveSession(): Promise<string> {
    const s = await t.services.sessions.create(systemCtx('test'), { title: 'Quiz session', theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    await t.services.sessions.transition(systemCtx('test'), s.id, 'scheduled');
    await t.services.sessions.transition(systemCtx('test'), s.id, 'live');
    return s.id;
  }
  let vn = 0;
  const signUp = async (nick: string) => (await t.services.viewers.signUp(systemCtx('test'), `${nick}${++vn}`, 'viewer-password-1', null)).viewer;
  const balance = async (viewerId: string) => Number((await t.database.db.selectFrom('points_balances').select('balance').where('viewer_id', '=', viewerId).executeTakeFirst())?.balance ?? 0);
  const audits = async (id: string) => (await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute()).map((r) => r.action).sort();
  const quizEvents = (events: { e: RoomEventPayload }[]) => events.map((x) => x.e).filter((e) => e.t === 'quiz' || e.t === 'quiz.answers');

  it('asks, takes one answer per account, hides the answer while open, reveals by hand and by the clock, rewards the top once', async () => {
    const { deps, events } = toolDeps(t);
    const quizzes = new QuizzesService(deps);
    const sessionId = await liveSession();
    const [ann, bob, cat] = [await signUp('ann'), await signUp('bob'), await signUp('cat')];
    await expect(quizzes.create(analyst, sessionId, quizBody())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const q = await quizzes.create(host, sessionId, quizBody());
    expect(q).toMatchObject({ status: 'draft', current: null, leaderboard: [], rewardTopN: 2, reward: { kind: 'points', points: 100, templateId: null }, rewardedAt: null });
    expect(await quizzes.answer(viewer(ann.id), sessionId, q.id, 0, 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    await expect(quizzes.finish(host, sessionId, q.id)).rejects.toMatchObject({ code: 'QUIZ_NOT_STARTED' });

    const asked = await quizzes.ask(host, sessionId, q.id);
    expect(asked).toMatchObject({ status: 'asking', current: { index: 0, prompt: 'Main ingredient?', answerCount: 0 } });
    t.clock.advance(1_000);
    expect(await quizzes.answer(viewer(ann.id), sessionId, q.id, 0, 1)).toEqual({ ok: true });
    t.clock.advance(1_000);
    expect(await quizzes.answer(viewer(bob.id), sessionId, q.id, 0, 0)).toEqual({ ok: true });
    t.clock.advance(3_000);
    expect(await quizzes.answer(viewer(cat.id), sessionId, q.id, 0, 1)).toEqual({ ok: true });
    expect(await quizzes.answer(viewer(ann.id), sessionId, q.id, 0, 2)).toMatchObject({ ok: false, code: 'ALREADY_ANSWERED' });
    expect(await quizzes.answer(viewer('x'), sessionId, q.id, 1, 0)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    expect(await quizzes.answer(viewer('x'), sessionId, q.id, 0, 5)).toMatchObject({ ok: false, code: 'INVALID_CHOICE' });
    expect(await quizzes.answer({ kind: 'guest' }, sessionId, q.id, 0, 1)).toMatchObject({ ok: false, code: 'GUEST' });
    expect(await quizzes.answer({ kind: 'team', id: 'm', name: 'Host' }, sessionId, q.id, 0, 1)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await quizzes.answer(viewer('x'), 'other-session', q.id, 0, 1)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const rows = await t.database.db.selectFrom('quiz_answers').selectAll().where('quiz_id', '=', q.id).execute();
    expect(rows.map((r) => [r.viewer_id, Number(r.choice), Number(r.elapsed_ms)]).sort()).toEqual(
      [
        [ann.id, 1, 1000],
        [bob.id, 0, 2000],
        [cat.id, 1, 5000],
      ].sort(),
    );
    await quizzes.tick(t.clock.now().getTime());
    expect(quizEvents(events).at(-1)).toEqual({ t: 'quiz.answers', id: q.id, index: 0, dn: 3, answerCount: 3 });

    // While the window is open, nothing the room can see carries the answer.
    const tools = emptyRoomTools();
    await quizzes.snapshotInto(sessionId, tools);
    expect(tools.quiz).toMatchObject({ status: 'asking', current: { index: 0, answerCount: 3 }, leaderboard: [] });
    expect(tools.quiz?.current).not.toHaveProperty('correctIndex');
    const sent = JSON.stringify([...events.map((x) => x.e), tools]);
    expect(sent).not.toContain('correctIndex');
    expect(sent).not.toContain(ann.nickname);

    const revealed = await quizzes.reveal(host, sessionId, q.id);
    expect(revealed).toMatchObject({ status: 'revealed', current: { index: 0, correctIndex: 1 } });
    const shown = quizEvents(events).at(-1);
    expect(shown).toMatchObject({ t: 'quiz', quiz: { status: 'revealed', current: { correctIndex: 1, answerCount: 3 } } });
    expect(shown && shown.t === 'quiz' ? shown.quiz.leaderboard : null).toEqual([
      { rank: 1, name: ann.nickname, points: 950, correct: 1 },
      { rank: 2, name: cat.nickname, points: 750, correct: 1 },
      { rank: 3, name: bob.nickname, points: 0, correct: 0 },
    ]);
    await expect(quizzes.reveal(host, sessionId, q.id)).rejects.toMatchObject({ code: 'QUIZ_NOT_ASKING' });

    // Question 2: bob answers right at once; the clock closes the window.
    await quizzes.ask(host, sessionId, q.id);
    expect(await quizzes.answer(viewer(bob.id), sessionId, q.id, 1, 0)).toEqual({ ok: true });
    expect(await quizzes.answer(viewer(ann.id), sessionId, q.id, 0, 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    t.clock.advance(20_000);
    await quizzes.tick(t.clock.now().getTime());
    expect(quizEvents(events).at(-1)).toMatchObject({ t: 'quiz', quiz: { status: 'revealed', current: { index: 1, correctIndex: 0, answerCount: 1 } } });
    expect((await t.database.db.selectFrom('quizzes').select('status').where('id', '=', q.id).executeTakeFirstOrThrow()).status).toBe('revealed');
    await expect(quizzes.ask(host, sessionId, q.id)).rejects.toMatchObject({ code: 'QUIZ_NO_MORE_QUESTIONS' });

    const finished = await quizzes.finish(host, sessionId, q.id);
    expect(finished).toMatchObject({ status: 'finished' });
    expect(finished.rewardedAt).not.toBeNull();
    // bob 1000, ann 950, cat 750: the top two get 100 points each.
    expect([await balance(bob.id), await balance(ann.id), await balance(cat.id)]).toEqual([100, 100, 0]);
    // A retried finish gives nothing more.
    await quizzes.finish(host, sessionId, q.id);
    expect([await balance(bob.id), await balance(ann.id), await balance(cat.id)]).toEqual([100, 100, 0]);
    expect(await audits(q.id)).toEqual(['quiz.asked', 'quiz.asked', 'quiz.created', 'quiz.finished', 'quiz.revealed', 'quiz.revealed', 'quiz.rewarded']);
    expect(await quizzes.myAnswers(sessionId, ann.id)).toEqual({ [q.id]: { '0': 1 } });
    const after = emptyRoomTools();
    await quizzes.snapshotInto(sessionId, after);
    expect(after.quiz).toMatchObject({ id: q.id, status: 'finished' });
  });

  it('one quiz asks at a time per session; a finished quiz asks no more', async () => {
    const { deps } = toolDeps(t);
    const quizzes = new QuizzesService(deps);
    const sessionId = await liveSession();
    const a = await quizzes.create(host, sessionId, quizBody({ kind: 'none' }, 0));
    const b = await quizzes.create(host, sessionId, quizBody({ kind: 'none' }, 0));
    await quizzes.ask(host, sessionId, a.id);
    await expect(quizzes.ask(host, sessionId, b.id)).rejects.toMatchObject({ code: 'ANOTHER_QUIZ_RUNNING' });
    await expect(quizzes.ask(host, sessionId, a.id)).rejects.toMatchObject({ code: 'QUIZ_ASKING' });
    await expect(quizzes.finish(host, sessionId, a.id)).rejects.toMatchObject({ code: 'QUIZ_ASKING' });
    await quizzes.reveal(host, sessionId, a.id);
    await quizzes.ask(host, sessionId, b.id);
    await quizzes.reveal(host, sessionId, b.id);
    const done = await quizzes.finish(host, sessionId, b.id);
    expect(done.status).toBe('finished');
    await expect(quizzes.ask(host, sessionId, b.id)).rejects.toMatchObject({ code: 'QUIZ_FINISHED' });
    await expect(quizzes.ask(host, sessionId, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await quizzes.listDetails(sessionId)).map((x) => x.status)).toEqual(['revealed', 'finished']);
  });

  it("an operator's reveal is not taken over by the clock's tick running meanwhile", async () => {
    const { deps } = toolDeps(t);
    const quizzes = new QuizzesService(deps);
    const sessionId = await liveSession();
    const q = await quizzes.create(host, sessionId, quizBody({ kind: 'none' }, 0));
    await quizzes.ask(host, sessionId, q.id);
    // The tick runs while the reveal waits for the answers being written (revealed in memory
    // by then, not yet in the database): it must leave the reveal to the request.
    const flushes = tickInsideNextFlush(quizzes, () => t.clock.now().getTime());
    await expect(quizzes.reveal(host, sessionId, q.id)).resolves.toMatchObject({ status: 'revealed' });
    expect(flushes()).toBeGreaterThan(0);
    expect(await auditedBy(t, q.id, 'quiz.revealed')).toEqual(['operator']);
  });

  it('coupon rewards are issued once per winner, even when finish is retried', async () => {
    const { deps } = toolDeps(t);
    const quizzes = new QuizzesService(deps);
    const sessionId = await liveSession();
    const tpl = await t.services.promotions.createTemplate(marketer, {
      name: `Quiz coupon ${++vn}`,
      discountType: 'fixed',
      offFen: 1000,
      thresholdFen: 5000,
      validFrom: new Date(t.clock.now().getTime() - 3_600_000).toISOString(),
      validTo: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
      totalQuantity: 10,
      perViewerLimit: 1,
    });
    await expect(quizzes.create(host, sessionId, quizBody({ kind: 'coupon', templateId: 'no-such-template' }))).rejects.toMatchObject({ issues: [{ path: 'body.reward.templateId' }] });
    const q = await quizzes.create(host, sessionId, quizBody({ kind: 'coupon', templateId: tpl.id }, 1));
    const [ann, bob] = [await signUp('ann'), await signUp('bob')];
    await quizzes.ask(host, sessionId, q.id);
    await quizzes.answer(viewer(ann.id), sessionId, q.id, 0, 1);
    await quizzes.answer(viewer(bob.id), sessionId, q.id, 0, 1);
    await quizzes.reveal(host, sessionId, q.id);
    await quizzes.finish(host, sessionId, q.id);
    // Simulate a retry after a crash between the rewards and rewarded_at.
    await t.database.db.updateTable('quizzes').set({ rewarded_at: null }).where('id', '=', q.id).execute();
    await quizzes.finish(host, sessionId, q.id);
    const coupons = await t.database.db.selectFrom('coupons').select(['viewer_id']).where('template_id', '=', tpl.id).execute();
    expect(coupons.map((c) => c.viewer_id)).toEqual([ann.id]);
  });

  it('two nodes: one answer per account across them; a reveal or next question on one reaches the other at its tick', async () => {
    const a = new QuizzesService(toolDeps(t).deps);
    const b = new QuizzesService(toolDeps(t).deps);
    const sessionId = await liveSession();
    const q = await a.create(host, sessionId, quizBody({ kind: 'none' }, 0));
    await a.ask(host, sessionId, q.id);
    expect(await b.answer(viewer('x'), sessionId, q.id, 0, 1)).toEqual({ ok: true });
    expect(await a.answer(viewer('x'), sessionId, q.id, 0, 0)).toMatchObject({ ok: false, code: 'ALREADY_ANSWERED' });
    expect(await a.answer(viewer('y'), sessionId, q.id, 0, 0)).toEqual({ ok: true });
    await a.reveal(host, sessionId, q.id);
    await b.tick(t.clock.now().getTime());
    expect(await b.answer(viewer('z'), sessionId, q.id, 0, 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    await a.ask(host, sessionId, q.id);
    expect(await b.answer(viewer('z'), sessionId, q.id, 1, 0)).toEqual({ ok: true });
    const rows = await t.database.db.selectFrom('quiz_answers').select(['viewer_id', 'question_index']).where('quiz_id', '=', q.id).execute();
    expect(rows.map((r) => `${r.viewer_id}@${Number(r.question_index)}`).sort()).toEqual(['x@0', 'y@0', 'z@1']);
  });

  it('answers are durable before the ack: after a restart mid-question every answer counts and the clock still reveals', async () => {
    const a = toolDeps(t);
    const first = new QuizzesService(a.deps);
    const sessionId = await liveSession();
    const q = await first.create(host, sessionId, quizBody({ kind: 'none' }, 0));
    await first.ask(host, sessionId, q.id);
    t.clock.advance(500);
    const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => first.answer(viewer(`r${i}`), sessionId, q.id, 0, i % 3)));
    expect(acks.every((r) => r.ok)).toBe(true);
    const same = await Promise.all(Array.from({ length: 20 }, () => first.answer(viewer('twin'), sessionId, q.id, 0, 1)));
    expect(same.filter((r) => r.ok)).toHaveLength(1);
    // The process "dies" here: no tick, no stop.
    const b = toolDeps(t);
    const second = new QuizzesService(b.deps);
    await second.start();
    const tools = emptyRoomTools();
    await second.snapshotInto(sessionId, tools);
    expect(tools.quiz).toMatchObject({ id: q.id, status: 'asking', current: { index: 0, answerCount: 101 } });
    expect(tools.quiz?.current).not.toHaveProperty('correctIndex');
    expect(await second.answer(viewer('r1'), sessionId, q.id, 0, 0)).toMatchObject({ ok: false, code: 'ALREADY_ANSWERED' });
    expect(await second.answer(viewer('late'), sessionId, q.id, 0, 1)).toEqual({ ok: true });
    await second.tick(t.clock.now().getTime());
    expect(quizEvents(b.events)).toEqual([{ t: 'quiz.answers', id: q.id, index: 0, dn: 1, answerCount: 102 }]);
    t.clock.advance(10_000);
    await second.tick(t.clock.now().getTime());
    const last = quizEvents(b.events).at(-1);
    expect(last).toMatchObject({ t: 'quiz', quiz: { status: 'revealed', current: { index: 0, correctIndex: 1, answerCount: 102 } } });
    // 34 right answers (r1, r4, ... r97) + twin + late.
    expect(last && last.t === 'quiz' ? last.quiz.leaderboard.length : 0).toBe(10);
  });
});

describe.each(dialects())('quiz routes on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  it('create, ask, reveal and finish over HTTP', async () => {
    const s = await t.services.sessions.create(systemCtx('test'), { title: 'HTTP quiz', theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    const op = await t.signInAs(['host']);
    const headers = { cookie: op.cookie, 'x-csrf-token': op.csrf };
    const base = `/api/console/sessions/${s.id}/interact/quizzes`;
    const created = await t.app.inject({ method: 'POST', url: base, headers, payload: quizBody() });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    const bad = await t.app.inject({ method: 'POST', url: base, headers, payload: { ...quizBody(), questions: [{ prompt: 'p', options: ['a', 'b'], correctIndex: 4, windowSeconds: 10 }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('correctIndex');
    for (const step of ['ask', 'reveal', 'finish']) {
      const r = await t.app.inject({ method: 'POST', url: `${base}/${id}/${step}`, headers });
      expect(r.statusCode, `${step}: ${r.body}`).toBe(200);
    }
    const again = await t.app.inject({ method: 'POST', url: `${base}/${id}/ask`, headers });
    expect(again.statusCode).toBe(409);
  });
});
