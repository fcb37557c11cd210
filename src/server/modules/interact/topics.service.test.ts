import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import { applyToolEvent, emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import type { ToolEvent } from '../../../contracts/room-tools.contract.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { CommentSeen } from '../room/room.service.js';
import { toolDeps } from '../../../../test/support/interact-test-deps.js';
import { PINNED_REFRESH_MS, TopicsService } from './topics.service.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const operator = ctxOf(['operator']);
const cs = ctxOf(['cs']);

describe.each(dialects())('TopicsService on %s', (dialect) => {
  let t: TestApp;
  let n = 0;
  let msg = 0;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  const make = () => {
    const { deps, events } = toolDeps(t);
    return { topics: new TopicsService(deps), events };
  };
  async function session(status: 'live' | 'ended' = 'live'): Promise<string> {
    const s = await t.services.sessions.create(systemCtx('test'), { title: `Topic session ${++n}`, theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    for (const step of ['scheduled', 'live', 'ended'] as const) {
      await t.services.sessions.transition(systemCtx('test'), s.id, step);
      if (step === status) break;
    }
    return s.id;
  }
  const comment = (sessionId: string, text: string, sender: { kind?: CommentSeen['senderKind']; id?: string; name?: string } = {}, messageId = `m${++msg}`): CommentSeen => ({
    sessionId,
    messageId,
    senderKind: sender.kind ?? 'viewer',
    senderId: sender.kind === 'guest' ? '' : (sender.id ?? 'v1'),
    senderName: sender.name ?? sender.id ?? 'guest',
    text,
    at: t.clock.now().getTime(),
  });
  const now = () => t.clock.now().getTime();
  const topicRow = (id: string) => t.database.db.selectFrom('topics').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const stats = (events: { e: RoomEventPayload }[]) => events.map((x) => x.e).filter((e) => e.t === 'topic.stats');
  const topicEvents = (events: { e: RoomEventPayload }[]) => events.map((x) => x.e).filter((e) => e.t === 'topic');

  it('pins a topic (the room is told); pinning another unpins it; unpin tells the room null; audited', async () => {
    const { topics, events } = make();
    const sessionId = await session();
    const first = await topics.pin(operator, sessionId, { tag: '夏日穿搭', title: 'Summer outfits' });
    expect(first).toMatchObject({ tag: '夏日穿搭', title: 'Summer outfits', status: 'pinned', comments: 0, participants: 0, unpinnedAt: null, recent: [] });
    expect(first.pinnedAt).toBe(t.clock.now().toISOString());
    t.clock.advance(1000);
    const second = await topics.pin(operator, sessionId, { tag: 'tea', title: 'Tea time' });
    expect((await topicRow(first.id)).status).toBe('unpinned');
    expect(topicEvents(events)).toEqual([
      { t: 'topic', topic: { id: first.id, tag: '夏日穿搭', title: 'Summer outfits', comments: 0, participants: 0 } },
      { t: 'topic', topic: { id: second.id, tag: 'tea', title: 'Tea time', comments: 0, participants: 0 } },
    ]);
    const tools = emptyRoomTools();
    await topics.snapshotInto(sessionId, tools);
    expect(tools.topic?.id).toBe(second.id);

    const unpinned = await topics.unpin(operator, sessionId, second.id);
    expect(unpinned).toMatchObject({ status: 'unpinned', unpinnedAt: t.clock.now().toISOString() });
    expect(topicEvents(events).at(-1)).toEqual({ t: 'topic', topic: null });
    // Retried: same answer, the room is not told again.
    expect(await topics.unpin(operator, sessionId, second.id)).toMatchObject({ status: 'unpinned' });
    expect(topicEvents(events)).toHaveLength(3);
    const tools2 = emptyRoomTools();
    await topics.snapshotInto(sessionId, tools2);
    expect(tools2.topic).toBeNull();

    expect((await topics.listDetails(sessionId)).map((x) => [x.id, x.status])).toEqual([
      [second.id, 'unpinned'],
      [first.id, 'unpinned'],
    ]);
    await expect(topics.pin(cs, sessionId, { tag: 'x', title: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(topics.unpin(operator, sessionId, 'no-such-topic')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(topics.unpin(operator, await session(), first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(topics.pin(operator, await session('ended'), { tag: 'late', title: 'Late' })).rejects.toMatchObject({ code: 'SESSION_ENDED' });
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', 'in', [first.id, second.id]).orderBy('at').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['topic.pinned', 'topic.pinned', 'topic.unpinned']);
  });

  it('groups the comments carrying the tag: counts comments and participants once, stats per tick; #tagged is not #tag', async () => {
    const { topics, events } = make();
    const sessionId = await session();
    const other = await session();
    const tp = await topics.pin(operator, sessionId, { tag: '#Tag', title: 'Tagged' });
    const seen = [
      comment(sessionId, 'I love this #tag', { id: 'v1' }), // yes
      comment(sessionId, '＃ＴＡＧ full width', { id: 'v1' }), // yes, same participant
      comment(sessionId, '#tagged is another tag', { id: 'v2' }), // no
      comment(sessionId, 'no hashtag here: tag', { id: 'v2' }), // no
      comment(sessionId, 'welcome #tag!', { kind: 'team', id: 'm1', name: 'Host' }), // yes, team participant
      comment(sessionId, 'guest says #tag', { kind: 'guest' }), // yes, comment but no participant
      comment(other, 'other room #tag', { id: 'v3' }), // no: not this session's topic
    ];
    for (const c of seen) topics.onComment(c);
    // Nothing is written or published before the tick.
    expect(stats(events)).toEqual([]);
    await topics.tick(now());
    expect(stats(events)).toEqual([{ t: 'topic.stats', id: tp.id, dc: 4, dp: 2, comments: 4, participants: 2 }]);
    expect(await topicRow(tp.id)).toMatchObject({ comments: 4, participants: 2 });

    // The same comment again (a replay) and a known participant: comments +1 only for the new one.
    topics.onComment(seen[0]!);
    topics.onComment(comment(sessionId, 'again #TAG', { id: 'v1' }));
    topics.onComment(comment(sessionId, 'first time #tag', { id: 'v4' }));
    await topics.tick(now());
    expect(stats(events).at(-1)).toEqual({ t: 'topic.stats', id: tp.id, dc: 2, dp: 1, comments: 6, participants: 3 });
    // A tick with nothing new publishes nothing.
    await topics.tick(now());
    expect(stats(events)).toHaveLength(2);

    // The room's reducer sums the deltas into the pinned topic.
    let tools = emptyRoomTools();
    tools = applyToolEvent(tools, topicEvents(events)[0] as ToolEvent).tools;
    for (const e of stats(events)) tools = applyToolEvent(tools, e as ToolEvent).tools;
    expect(tools.topic).toMatchObject({ id: tp.id, comments: 6, participants: 3 });
    const snap = emptyRoomTools();
    await topics.snapshotInto(sessionId, snap);
    expect(snap.topic).toEqual(tools.topic);

    const [detail] = await topics.listDetails(sessionId);
    expect(detail).toMatchObject({ id: tp.id, comments: 6, participants: 3 });
    expect(detail!.recent.map((r) => r.text)).toEqual(expect.arrayContaining(['I love this #tag', 'guest says #tag', 'first time #tag']));
    expect(detail!.recent).toHaveLength(6);
    const participants = await t.database.db.selectFrom('topic_participants').select('sender_key').where('topic_id', '=', tp.id).orderBy('sender_key').execute();
    expect(participants.map((p) => p.sender_key)).toEqual(['team:m1', 'viewer:v1', 'viewer:v4']);
  });

  it('Chinese and full-width tags; after unpin comments are not grouped; the console shows the 20 latest, newest first', async () => {
    const { topics, events } = make();
    const sessionId = await session();
    const tp = await topics.pin(operator, sessionId, { tag: '夏日穿搭', title: '夏日穿搭' });
    topics.onComment(comment(sessionId, '#夏日穿搭', { id: 'c1' }));
    topics.onComment(comment(sessionId, '＃夏日穿搭 好看', { id: 'c2' }));
    topics.onComment(comment(sessionId, '#夏日穿搭#分享', { id: 'c3' }));
    topics.onComment(comment(sessionId, '#夏日穿搭好看', { id: 'c4' })); // a longer tag: no
    await topics.tick(now());
    expect(await topicRow(tp.id)).toMatchObject({ comments: 3, participants: 3 });

    for (let i = 0; i < 25; i++) {
      t.clock.advance(1000);
      topics.onComment(comment(sessionId, `#夏日穿搭 number ${i}`, { id: `c${i % 5}` }));
    }
    await topics.tick(now());
    const [detail] = await topics.listDetails(sessionId);
    expect(detail!.comments).toBe(28);
    expect(detail!.recent).toHaveLength(20);
    expect(detail!.recent[0]).toMatchObject({ text: '#夏日穿搭 number 24', at: t.clock.now().toISOString() });
    expect(detail!.recent[19]!.text).toBe('#夏日穿搭 number 5');

    await topics.unpin(operator, sessionId, tp.id);
    const statsBefore = stats(events).length;
    topics.onComment(comment(sessionId, '#夏日穿搭 too late', { id: 'c9' }));
    await topics.tick(now());
    expect(stats(events)).toHaveLength(statsBefore);
    expect((await topicRow(tp.id)).comments).toBe(28);
  });

  it('survives a restart: the pinned topic reloads and counts continue from the database; a pin on another node is picked up', async () => {
    const first = make();
    const sessionId = await session();
    await first.topics.start();
    const tp = await first.topics.pin(operator, sessionId, { tag: 'restart', title: 'Restart' });
    first.topics.onComment(comment(sessionId, 'before #restart', { id: 'r1' }));
    // stop() writes what is queued.
    await first.topics.stop();
    expect(await topicRow(tp.id)).toMatchObject({ comments: 1, participants: 1 });

    const second = make();
    await second.topics.start();
    second.topics.onComment(comment(sessionId, 'after #restart', { id: 'r1' }));
    second.topics.onComment(comment(sessionId, 'after #restart', { id: 'r2' }));
    await second.topics.tick(now());
    expect(await topicRow(tp.id)).toMatchObject({ comments: 3, participants: 2 });
    expect(stats(second.events)).toEqual([{ t: 'topic.stats', id: tp.id, dc: 2, dp: 1, comments: 3, participants: 2 }]);

    // Another node (first) pins a new topic; second sees it after its refresh interval.
    const next = await first.topics.pin(operator, sessionId, { tag: 'nodes', title: 'Nodes' });
    await second.topics.tick(now());
    t.clock.advance(PINNED_REFRESH_MS);
    await second.topics.tick(now());
    second.topics.onComment(comment(sessionId, 'seen by #nodes', { id: 'r3' }));
    second.topics.onComment(comment(sessionId, 'old tag #restart', { id: 'r3' }));
    await second.topics.tick(now());
    expect(await topicRow(next.id)).toMatchObject({ comments: 1, participants: 1 });
    expect((await topicRow(tp.id)).comments).toBe(3);
  });
});
