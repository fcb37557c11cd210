import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roomToolsSchema, toolEventSchema, type PollView, type QuestionView, type ToolEvent } from './room-tools.contract.js';
import { applyToolEvent, emptyRoomTools, ROOM_QUESTIONS_KEPT, ROOM_TOOLS_KEPT } from './room-tools.reducer.js';

const poll = (id: string, status: PollView['status'] = 'open', tally = [0, 0]): PollView => ({ id, question: 'q', kind: 'single', options: ['a', 'b'], status, closesAt: 10, tally, voters: tally.reduce((a, b) => a + b, 0) });
const question = (id: string, over: Partial<QuestionView> = {}): QuestionView => ({ id, uid: 'v', name: 'n', text: 'why?', status: 'submitted', upvotes: 0, answerText: null, askedAt: 1, answeredAt: null, ...over });

describe('applyToolEvent', () => {
  it('sums per-tick tally deltas into totals and sends the totals', () => {
    let tools = applyToolEvent(emptyRoomTools(), { t: 'poll', poll: poll('p1'), now: 1 }).tools;
    const a = applyToolEvent(tools, { t: 'poll.tally', id: 'p1', delta: [3, 1], dv: 4 });
    expect(a.out).toEqual({ t: 'poll.tally', id: 'p1', delta: [3, 1], dv: 4, tally: [3, 1], voters: 4 });
    tools = applyToolEvent(a.tools, { t: 'poll.tally', id: 'p1', delta: [0, 2], dv: 2 }).tools;
    expect(tools.polls[0]).toMatchObject({ tally: [3, 3], voters: 6 });
  });

  it('takes stored totals as they come but never lowers a count (a late message from another node)', () => {
    let tools = applyToolEvent(emptyRoomTools(), { t: 'poll', poll: poll('p1'), now: 1 }).tools;
    tools = applyToolEvent(tools, { t: 'poll.tally', id: 'p1', delta: [0, 0], dv: 0, tally: [7, 3], voters: 10 }).tools;
    const late = applyToolEvent(tools, { t: 'poll.tally', id: 'p1', delta: [0, 0], dv: 0, tally: [6, 3], voters: 9 });
    expect(late.tools.polls[0]).toMatchObject({ tally: [7, 3], voters: 10 });
    expect(late.out).toMatchObject({ tally: [7, 3], voters: 10 });
  });

  it('keeps a closed draw at its frozen count (a late entries message from another node cannot raise it)', () => {
    const draw = { id: 'd1', title: 't', prize: { kind: 'text' as const, label: 'x' }, winnerCount: 1, status: 'closed' as const, phrase: null, rules: [], closesAt: 5, commitment: 'c', entrantsHash: 'h', seed: null, entrants: 8, winners: [], winnersTotal: 0 };
    const tools = applyToolEvent(emptyRoomTools(), { t: 'draw', draw, now: 1 }).tools;
    const r = applyToolEvent(tools, { t: 'draw.entries', id: 'd1', dn: 1, entrants: 10 });
    expect(r.tools).toBe(tools);
    expect(r.out).toMatchObject({ entrants: 8 });
  });

  it('leaves the tools alone for a counter of an unknown tool', () => {
    const tools = emptyRoomTools();
    const r = applyToolEvent(tools, { t: 'draw.entries', id: 'nope', dn: 5 });
    expect(r.tools).toBe(tools);
    expect(r.out).toEqual({ t: 'draw.entries', id: 'nope', dn: 5 });
  });

  it('keeps open polls and only the latest finished ones', () => {
    let tools = emptyRoomTools();
    for (let i = 0; i < ROOM_TOOLS_KEPT + 3; i++) tools = applyToolEvent(tools, { t: 'poll', poll: poll(`c${i}`, 'closed'), now: 1 }).tools;
    tools = applyToolEvent(tools, { t: 'poll', poll: poll('open1'), now: 1 }).tools;
    expect(tools.polls.filter((p) => p.status === 'closed')).toHaveLength(ROOM_TOOLS_KEPT);
    expect(tools.polls.map((p) => p.id)).toContain('open1');
    expect(tools.polls.map((p) => p.id)).not.toContain('c0');
  });

  it('orders questions: answering, then waiting by votes and age, then answered newest first; dismissed leave', () => {
    let tools = emptyRoomTools();
    const evs: ToolEvent[] = [
      { t: 'qna', question: question('a', { upvotes: 1, askedAt: 1 }) },
      { t: 'qna', question: question('b', { upvotes: 5, askedAt: 2 }) },
      { t: 'qna', question: question('c', { upvotes: 1, askedAt: 0 }) },
      { t: 'qna', question: question('d', { status: 'answered', answeredAt: 5 }) },
      { t: 'qna', question: question('e', { status: 'answered', answeredAt: 9 }) },
      { t: 'qna', question: question('f', { status: 'answering' }) },
      { t: 'qna', question: question('g') },
      { t: 'qna', question: question('g', { status: 'dismissed' }) },
    ];
    for (const e of evs) tools = applyToolEvent(tools, e).tools;
    expect(tools.questions.map((q) => q.id)).toEqual(['f', 'b', 'c', 'a', 'e', 'd']);
  });

  it('keeps at most ROOM_QUESTIONS_KEPT questions', () => {
    let tools = emptyRoomTools();
    for (let i = 0; i < ROOM_QUESTIONS_KEPT + 10; i++) tools = applyToolEvent(tools, { t: 'qna', question: question(`q${i}`, { upvotes: i }) }).tools;
    expect(tools.questions).toHaveLength(ROOM_QUESTIONS_KEPT);
    expect(tools.questions[0]!.id).toBe(`q${ROOM_QUESTIONS_KEPT + 9}`);
  });

  it('counts quiz answers only for the question being asked, and topic stats for the pinned topic', () => {
    let tools = applyToolEvent(emptyRoomTools(), {
      t: 'quiz',
      quiz: { id: 'z', title: 't', status: 'asking', questionCount: 2, current: { index: 1, prompt: 'p', options: ['x', 'y'], closesAt: 9, answerCount: 2 }, leaderboard: [] },
      now: 1,
    }).tools;
    expect(applyToolEvent(tools, { t: 'quiz.answers', id: 'z', index: 0, dn: 4 }).tools).toBe(tools);
    tools = applyToolEvent(tools, { t: 'quiz.answers', id: 'z', index: 1, dn: 4 }).tools;
    expect(tools.quiz?.current?.answerCount).toBe(6);
    tools = applyToolEvent(tools, { t: 'topic', topic: { id: 'tp', tag: '夏日穿搭', title: 't', comments: 1, participants: 1 } }).tools;
    const r = applyToolEvent(tools, { t: 'topic.stats', id: 'tp', dc: 3, dp: 2 });
    expect(r.out).toMatchObject({ comments: 4, participants: 3 });
    expect(applyToolEvent(r.tools, { t: 'topic', topic: null }).tools.topic).toBeNull();
  });

  it('always yields a valid snapshot and valid outgoing events (property)', () => {
    const id = fc.constantFrom('p1', 'p2', 'd1', 'q1');
    const ev: fc.Arbitrary<ToolEvent> = fc.oneof(
      id.map((i) => ({ t: 'poll' as const, poll: poll(i), now: 1 })),
      fc.tuple(id, fc.nat(5), fc.nat(5)).map(([i, a, b]) => ({ t: 'poll.tally' as const, id: i, delta: [a, b], dv: a })),
      fc.tuple(id, fc.nat(9)).map(([i, n]) => ({ t: 'qna' as const, question: question(i, { upvotes: n }) })),
      fc.tuple(id, fc.constantFrom('running', 'done', 'cancelled') as fc.Arbitrary<'running' | 'done' | 'cancelled'>).map(([i, status]) => ({ t: 'countdown' as const, countdown: { id: i, label: 'l', endsAt: 5, status }, now: 1 })),
    );
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 60 }), (events) => {
        let tools = emptyRoomTools();
        let voters = 0;
        for (const e of events) {
          const r = applyToolEvent(tools, e);
          expect(toolEventSchema.safeParse(r.out).success).toBe(true);
          tools = r.tools;
        }
        expect(roomToolsSchema.safeParse(tools).success).toBe(true);
        for (const p of tools.polls) voters += p.voters;
        expect(voters).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
