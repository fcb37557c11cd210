import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects, openTestDatabase } from '../../../../test/support/test-databases.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { auditedBy, tickInsideNextFlush, toolDeps } from '../../../../test/support/interact-test-deps.js';
import type { Participant } from './interact.deps.js';
import { PollsService } from './polls.service.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const host = ctxOf(['host']);
const analyst = ctxOf(['analyst']);
const viewer = (id: string): Participant => ({ kind: 'viewer', id, name: id });
const body = { question: 'Which colour next?', kind: 'single' as const, options: ['Red', 'Green', 'Blue'], durationSeconds: 60 };

type Tally = Extract<RoomEventPayload, { t: 'poll.tally' }>;
const tallies = (events: { e: RoomEventPayload }[], pollId: string) => events.map((x) => x.e).filter((e): e is Tally => e.t === 'poll.tally' && e.id === pollId);
const sumTold = (events: { e: RoomEventPayload }[], pollId: string, options = 3) => {
  const tally = Array.from({ length: options }, () => 0);
  let voters = 0;
  for (const e of tallies(events, pollId)) {
    e.delta.forEach((d, i) => (tally[i] = (tally[i] ?? 0) + d));
    voters += e.dv;
  }
  return { tally, voters };
};

describe.each(dialects())('PollsService on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  async function liveSession(): Promise<string> {
    const s = await t.services.sessions.create(systemCtx('test'), { title: 'Poll session', theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    await t.services.sessions.transition(systemCtx('test'), s.id, 'scheduled');
    await t.services.sessions.transition(systemCtx('test'), s.id, 'live');
    return s.id;
  }
  const voteRows = async (pollId: string) => t.database.db.selectFrom('poll_votes').selectAll().where('poll_id', '=', pollId).execute();
  const audits = async (id: string) => (await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute()).map((r) => r.action).sort();

  it('prepare, open, vote, close: transitions persisted and audited, events out, results kept', async () => {
    const { deps, events } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const draft = await polls.create(host, sessionId, body);
    expect(draft).toMatchObject({ status: 'draft', closesAt: null, tally: [0, 0, 0], voters: 0, durationSeconds: 60, openedAt: null });
    await expect(polls.create(analyst, sessionId, body)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await polls.vote(viewer('v1'), sessionId, draft.id, [0])).toMatchObject({ ok: false, code: 'NOT_OPEN' });

    const opened = await polls.open(host, sessionId, draft.id);
    expect(opened).toMatchObject({ status: 'open', closesAt: t.clock.now().getTime() + 60_000 });
    expect(events.at(-1)).toMatchObject({ sessionId, e: { t: 'poll', poll: { id: draft.id, status: 'open', tally: [0, 0, 0] } } });
    await expect(polls.open(host, sessionId, draft.id)).rejects.toMatchObject({ code: 'POLL_NOT_DRAFT' });
    await expect(polls.remove(host, sessionId, draft.id)).rejects.toMatchObject({ code: 'POLL_NOT_DRAFT' });

    expect(await polls.vote(viewer('v1'), sessionId, draft.id, [1])).toEqual({ ok: true });
    expect(await polls.vote(viewer('v2'), sessionId, draft.id, [1])).toEqual({ ok: true });
    expect(await polls.vote(viewer('v1'), sessionId, draft.id, [2])).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    expect(await polls.vote({ kind: 'guest' }, sessionId, draft.id, [0])).toMatchObject({ ok: false, code: 'GUEST' });
    expect(await polls.vote({ kind: 'team', id: 'm1', name: 'Host' }, sessionId, draft.id, [0])).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await polls.vote(viewer('v3'), sessionId, draft.id, [0, 1])).toMatchObject({ ok: false, code: 'INVALID_CHOICE' });
    expect(await polls.vote(viewer('v3'), sessionId, draft.id, [7])).toMatchObject({ ok: false, code: 'INVALID_CHOICE' });
    expect(await polls.vote(viewer('v3'), 'another-session', draft.id, [0])).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await polls.vote(viewer('v3'), sessionId, 'nope', [0])).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await voteRows(draft.id)).map((r) => [r.viewer_id, r.choices]).sort()).toEqual([
      ['v1', '1'],
      ['v2', '1'],
    ]);
    expect(await polls.myVotes(sessionId, 'v1')).toEqual({ [draft.id]: [1] });
    expect(await polls.myVotes(sessionId, 'v9')).toEqual({});

    await polls.tick(t.clock.now().getTime());
    expect(tallies(events, draft.id)).toEqual([{ t: 'poll.tally', id: draft.id, delta: [0, 2, 0], dv: 2, tally: [0, 2, 0], voters: 2 }]);
    await polls.tick(t.clock.now().getTime());
    expect(tallies(events, draft.id)).toHaveLength(1); // nothing new: no broadcast

    const closed = await polls.close(host, sessionId, draft.id);
    expect(closed).toMatchObject({ status: 'closed', tally: [0, 2, 0], voters: 2 });
    expect(events.at(-1)).toMatchObject({ e: { t: 'poll', poll: { id: draft.id, status: 'closed', tally: [0, 2, 0], voters: 2 } } });
    await expect(polls.close(host, sessionId, draft.id)).rejects.toMatchObject({ code: 'POLL_CLOSED' });
    expect(await polls.vote(viewer('v4'), sessionId, draft.id, [0])).toMatchObject({ ok: false, code: 'CLOSED' });
    expect(await audits(draft.id)).toEqual(['poll.closed', 'poll.created', 'poll.opened']);

    const tools = emptyRoomTools();
    await polls.snapshotInto(sessionId, tools);
    expect(tools.polls).toEqual([expect.objectContaining({ id: draft.id, status: 'closed', tally: [0, 2, 0], voters: 2 })]);
    expect(await polls.listDetails(sessionId)).toEqual([expect.objectContaining({ id: draft.id, status: 'closed', tally: [0, 2, 0], voters: 2 })]);
  });

  it('drafts can be deleted; an ended session takes no new poll; unknown polls are 404', async () => {
    const { deps } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const p = await polls.create(host, sessionId, body);
    await polls.remove(host, sessionId, p.id);
    expect(await polls.listDetails(sessionId)).toEqual([]);
    await expect(polls.remove(host, sessionId, p.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(polls.open(host, sessionId, 'unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const other = await liveSession();
    const q = await polls.create(host, other, body);
    await expect(polls.open(host, sessionId, q.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await t.services.sessions.transition(systemCtx('test'), other, 'ended');
    await expect(polls.open(host, other, q.id)).rejects.toMatchObject({ code: 'SESSION_ENDED' });
    await expect(polls.create(host, other, body)).rejects.toMatchObject({ code: 'SESSION_ENDED' });
  });

  it("an operator's close is not taken over by the clock's tick running meanwhile", async () => {
    const { deps } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const p = await polls.create(host, sessionId, body);
    await polls.open(host, sessionId, p.id);
    await Promise.all(Array.from({ length: 20 }, (_, i) => polls.vote(viewer(`r${i}`), sessionId, p.id, [i % 3])));
    // The tick runs while the close waits for the votes being written (the poll is closed in
    // memory by then, not yet in the database): it must leave the close to the request.
    const flushes = tickInsideNextFlush(polls, () => t.clock.now().getTime());
    await expect(polls.close(host, sessionId, p.id)).resolves.toMatchObject({ status: 'closed', voters: 20 });
    expect(flushes()).toBeGreaterThan(0);
    expect(await auditedBy(t, p.id, 'poll.closed')).toEqual(['operator']);
  });

  it('200 concurrent votes are all counted once; one account 20 times at once is one row; the told tally is the database count', async () => {
    const { deps, events } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const p = await polls.create(host, sessionId, { ...body, kind: 'multiple' });
    await polls.open(host, sessionId, p.id);
    // Ticks run while the votes are being written: deltas count only committed votes.
    const ticking = (async () => {
      for (let i = 0; i < 20; i++) {
        await polls.tick(t.clock.now().getTime());
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => polls.vote(viewer(`c${i}`), sessionId, p.id, i % 3 === 0 ? [0, 2] : [i % 3])));
    const same = await Promise.all(Array.from({ length: 20 }, () => polls.vote(viewer('twin'), sessionId, p.id, [1])));
    await ticking;
    expect(results.every((r) => r.ok)).toBe(true);
    expect(same.filter((r) => r.ok)).toHaveLength(1);
    expect(same.filter((r) => !r.ok && r.code === 'ALREADY_VOTED')).toHaveLength(19);
    const rows = await voteRows(p.id);
    expect(rows).toHaveLength(201);
    expect(rows.filter((r) => r.viewer_id === 'twin')).toHaveLength(1);
    await polls.tick(t.clock.now().getTime());
    const told = sumTold(events, p.id);
    const db = [0, 0, 0];
    for (const r of rows) for (const c of r.choices.split(',')) db[Number(c)]! += 1;
    expect(told).toEqual({ tally: db, voters: 201 });
    expect(tallies(events, p.id).at(-1)).toMatchObject({ tally: db, voters: 201 });
    const [detail] = await polls.listDetails(sessionId);
    expect(detail).toMatchObject({ tally: db, voters: 201 });
  });

  it('a vote another node recorded first is undone here and never told', async () => {
    const { deps, events } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const p = await polls.create(host, sessionId, body);
    await polls.open(host, sessionId, p.id);
    expect(await polls.vote(viewer('a'), sessionId, p.id, [0])).toEqual({ ok: true });
    // Node B took this account's vote (its row is there; this node never saw it).
    await t.database.db.insertInto('poll_votes').values({ poll_id: p.id, viewer_id: 'b', choices: '2', voted_at: t.clock.now().toISOString() }).execute();
    expect(await polls.vote(viewer('b'), sessionId, p.id, [1])).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    await polls.tick(t.clock.now().getTime());
    expect(sumTold(events, p.id)).toEqual({ tally: [1, 0, 0], voters: 1 });
    expect(await polls.myVotes(sessionId, 'b')).toEqual({ [p.id]: [2] });
    // A room joining now sees both (node B tells its own delta).
    const tools = emptyRoomTools();
    await polls.snapshotInto(sessionId, tools);
    expect(tools.polls[0]).toMatchObject({ tally: [1, 0, 1], voters: 2 });
  });

  it('two nodes: one vote per account across them; a close on one stops votes on the other at its tick', async () => {
    const na = toolDeps(t);
    const nb = toolDeps(t);
    const a = new PollsService(na.deps);
    const b = new PollsService(nb.deps);
    const sessionId = await liveSession();
    const p = await a.create(host, sessionId, body);
    await a.open(host, sessionId, p.id);
    expect(await b.vote(viewer('x'), sessionId, p.id, [0])).toEqual({ ok: true });
    expect(await a.vote(viewer('x'), sessionId, p.id, [1])).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    expect(await a.vote(viewer('y'), sessionId, p.id, [1])).toEqual({ ok: true });
    await Promise.all([a.tick(t.clock.now().getTime()), b.tick(t.clock.now().getTime())]);
    // Each node tells its own votes; together they make the database count.
    const told = [sumTold(na.events, p.id), sumTold(nb.events, p.id)];
    expect(told).toEqual([
      { tally: [0, 1, 0], voters: 1 },
      { tally: [1, 0, 0], voters: 1 },
    ]);
    // ...and both carry the totals as stored: every node's votes.
    expect([tallies(na.events, p.id).at(-1), tallies(nb.events, p.id).at(-1)]).toEqual([expect.objectContaining({ tally: [1, 1, 0], voters: 2 }), expect.objectContaining({ tally: [1, 1, 0], voters: 2 })]);
    await a.close(host, sessionId, p.id);
    await b.tick(t.clock.now().getTime());
    expect(await b.vote(viewer('z'), sessionId, p.id, [2])).toMatchObject({ ok: false, code: 'CLOSED' });
    expect(await voteRows(p.id)).toHaveLength(2);
    // Only node A announced the close.
    expect(nb.events.filter((x) => x.e.t === 'poll')).toHaveLength(0);
  });

  it('the clock closes a poll at its end: persisted once, announced, later votes refused', async () => {
    const { deps, events } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const p = await polls.create(host, sessionId, body);
    const opened = await polls.open(host, sessionId, p.id);
    await polls.vote(viewer('x'), sessionId, p.id, [2]);
    t.clock.advance(60_000);
    expect(await polls.vote(viewer('y'), sessionId, p.id, [2])).toMatchObject({ ok: false, code: 'CLOSED' });
    await polls.tick(t.clock.now().getTime());
    const row = await t.database.db.selectFrom('polls').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'closed', closed_at: new Date(opened.closesAt!).toISOString() });
    const pollEvents = events.filter((x) => x.e.t === 'poll').map((x) => x.e);
    expect(pollEvents.at(-1)).toMatchObject({ poll: { status: 'closed', tally: [0, 0, 1], voters: 1 } });
    expect(sumTold(events, p.id)).toEqual({ tally: [0, 0, 1], voters: 1 });
    await polls.tick(t.clock.now().getTime());
    expect(events.filter((x) => x.e.t === 'poll')).toHaveLength(pollEvents.length);
    expect(await audits(p.id)).toEqual(['poll.closed', 'poll.created', 'poll.opened']);
  });

  it('votes are durable before the ack: a fresh service on the same database (a restart) has every vote and closes by the clock', async () => {
    const a = toolDeps(t);
    const first = new PollsService(a.deps);
    const sessionId = await liveSession();
    const p = await first.create(host, sessionId, body);
    await first.open(host, sessionId, p.id);
    const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => first.vote(viewer(`r${i}`), sessionId, p.id, [i % 3])));
    expect(acks.every((r) => r.ok)).toBe(true);
    // No stop(), no tick: the process "dies" right after the acks.
    const b = toolDeps(t);
    const second = new PollsService(b.deps);
    await second.start();
    const tools = emptyRoomTools();
    await second.snapshotInto(sessionId, tools);
    expect(tools.polls[0]).toMatchObject({ id: p.id, status: 'open', tally: [17, 17, 16], voters: 50 });
    expect(await second.vote(viewer('r0'), sessionId, p.id, [1])).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
    expect(await second.vote(viewer('late'), sessionId, p.id, [1])).toEqual({ ok: true });
    await second.tick(t.clock.now().getTime());
    // Only the new vote is told: the old ones are in the snapshot.
    expect(sumTold(b.events, p.id)).toEqual({ tally: [0, 1, 0], voters: 1 });
    t.clock.advance(61_000);
    await second.tick(t.clock.now().getTime());
    expect(b.events.at(-1)).toMatchObject({ e: { t: 'poll', poll: { id: p.id, status: 'closed', tally: [17, 18, 16], voters: 51 } } });
  });

  it('10,000 votes in well under 10 s, each durable before its ack', async () => {
    const { deps } = toolDeps(t);
    const polls = new PollsService(deps);
    const sessionId = await liveSession();
    const p = await polls.create(host, sessionId, { ...body, durationSeconds: 600 });
    await polls.open(host, sessionId, p.id);
    const started = performance.now();
    // 100 waves of 100 votes arriving together (a busy room), each wave awaited.
    for (let w = 0; w < 100; w++) {
      const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => polls.vote(viewer(`s${w}-${i}`), sessionId, p.id, [(w + i) % 3])));
      if (!acks.every((r) => r.ok)) throw new Error(`wave ${w} refused`);
    }
    const ms = performance.now() - started;
    console.log(`[polls ${dialect}] 10,000 votes acked in ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(10_000);
    expect(await voteRows(p.id)).toHaveLength(10_000);
  }, 30_000);
});

describe.each(dialects())('poll routes on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  it('create, open, close and delete over HTTP with the interact:run permission', async () => {
    const s = await t.services.sessions.create(systemCtx('test'), { title: 'HTTP polls', theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    const op = await t.signInAs(['host']);
    const headers = { cookie: op.cookie, 'x-csrf-token': op.csrf };
    const base = `/api/console/sessions/${s.id}/interact/polls`;
    const created = await t.app.inject({ method: 'POST', url: base, headers, payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    const bad = await t.app.inject({ method: 'POST', url: base, headers, payload: { ...body, options: ['only'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('options');
    const open = await t.app.inject({ method: 'POST', url: `${base}/${id}/open`, headers });
    expect(open.statusCode, open.body).toBe(200);
    expect(open.json()).toMatchObject({ status: 'open' });
    const del = await t.app.inject({ method: 'DELETE', url: `${base}/${id}`, headers });
    expect(del.statusCode).toBe(409);
    expect(del.json()).toMatchObject({ error: { code: 'POLL_NOT_DRAFT' } });
    const close = await t.app.inject({ method: 'POST', url: `${base}/${id}/close`, headers });
    expect(close.statusCode, close.body).toBe(200);
    const draft = (await t.app.inject({ method: 'POST', url: base, headers, payload: body })).json() as { id: string };
    const gone = await t.app.inject({ method: 'DELETE', url: `${base}/${draft.id}`, headers });
    expect(gone.statusCode).toBe(204);
    const missing = await t.app.inject({ method: 'POST', url: `${base}/nope/open`, headers });
    expect(missing.statusCode).toBe(404);
  });
});

describe.each(dialects())('a restart of the whole app mid-poll and mid-question (issue 6 item 10) on %s', (dialect) => {
  it('the new app has every vote and answer, the poll still open and the question still asking, and the clock ends both', async () => {
    const db = await openTestDatabase(dialect);
    try {
      const first = await createTestApp(dialect, {}, { database: db });
      const s = await first.services.sessions.create(systemCtx('test'), { title: 'Restart', theme: 'other', visibility: 'public', scheduledStart: new Date(first.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
      await first.services.sessions.transition(systemCtx('test'), s.id, 'scheduled');
      await first.services.sessions.transition(systemCtx('test'), s.id, 'live');
      const { polls, quizzes } = first.services.interact;
      const p = await polls.create(host, s.id, body);
      await polls.open(host, s.id, p.id);
      const q = await quizzes.create(host, s.id, { title: 'Q', questions: [{ prompt: 'Which?', options: ['a', 'b'], correctIndex: 1, windowSeconds: 30 }], rewardTopN: 0 });
      await quizzes.ask(host, s.id, q.id);
      first.clock.advance(5_000);
      const acks = await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => polls.vote(viewer(`v${i}`), s.id, p.id, [i % 3])),
        ...Array.from({ length: 30 }, (_, i) => quizzes.answer(viewer(`v${i}`), s.id, q.id, 0, i % 2)),
      ]);
      expect(acks.every((r) => r.ok)).toBe(true);
      const stoppedAt = first.clock.now();
      await first.close();

      const second = await createTestApp(dialect, {}, { database: db });
      try {
        second.clock.set(stoppedAt);
        const tools = await second.services.interact.roomTools(s.id);
        expect(tools.polls).toEqual([expect.objectContaining({ id: p.id, status: 'open', tally: [10, 10, 10], voters: 30 })]);
        expect(tools.quiz).toMatchObject({ id: q.id, status: 'asking', current: { index: 0, answerCount: 30 } });
        expect(tools.quiz?.current).not.toHaveProperty('correctIndex');
        expect(await second.services.interact.polls.vote(viewer('v1'), s.id, p.id, [0])).toMatchObject({ ok: false, code: 'ALREADY_VOTED' });
        expect(await second.services.interact.quizzes.answer(viewer('v1'), s.id, q.id, 0, 0)).toMatchObject({ ok: false, code: 'ALREADY_ANSWERED' });
        second.clock.advance(60_000);
        // The app's own tick timer runs too (a pass in progress makes tick() return at once): wait for the pass.
        await vi.waitFor(
          async () => {
            await second.services.interact.tick();
            expect((await db.database.db.selectFrom('polls').select('status').where('id', '=', p.id).executeTakeFirstOrThrow()).status).toBe('closed');
            expect((await db.database.db.selectFrom('quizzes').select('status').where('id', '=', q.id).executeTakeFirstOrThrow()).status).toBe('revealed');
          },
          { timeout: 5_000, interval: 50 },
        );
        const after = await second.services.interact.roomTools(s.id);
        expect(after.polls[0]).toMatchObject({ status: 'closed', tally: [10, 10, 10], voters: 30 });
        expect(after.quiz).toMatchObject({ status: 'revealed', current: { correctIndex: 1, answerCount: 30 } });
        expect(after.quiz?.leaderboard).toHaveLength(10);
      } finally {
        await second.close();
      }
    } finally {
      await db.drop();
    }
  }, 30_000);
});
