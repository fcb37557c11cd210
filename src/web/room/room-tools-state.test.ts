import { describe, expect, it } from 'vitest';
import type { PollView, RoomTools, ToolEvent } from './room-protocol';
import type { RoomEventPayload, WelcomeMessage } from './room-protocol';
import { initialRoomState, roomReducer, type RoomState } from './room-state';
import { latestServerNow } from './use-room-socket';
import { PictureSync } from './picture-sync';

const poll = (over: Partial<PollView> = {}): PollView => ({
  id: 'p1',
  question: 'Which colour?',
  kind: 'single',
  options: ['Red', 'Blue'],
  status: 'open',
  closesAt: 60_000,
  tally: [0, 0],
  voters: 0,
  ...over,
});
const tools = (over: Partial<RoomTools> = {}): RoomTools => ({ polls: [], draws: [], quiz: null, questions: [], topic: null, countdowns: [], ...over });
const welcome = (t: RoomTools, resumed = false): WelcomeMessage => ({
  v: 1,
  t: 'welcome',
  epoch: 'e',
  seq: 1,
  you: { kind: 'viewer', id: 'v1', name: 'Ann', canChat: true, canModerate: false },
  room: {
    sessionId: 's1',
    status: 'live',
    presence: { online: 1, pcu: 1, uv: 1 },
    likes: 0,
    pin: null,
    settings: { chatMode: 'everyone', slowModeSeconds: 0, holdForReview: false },
    recent: [],
    tools: t,
  },
  resumed,
});
const events = (state: RoomState, ev: (ToolEvent | RoomEventPayload)[]) => roomReducer(state, { type: 'events', events: ev as RoomEventPayload[] });

describe('room state: the tools (issue 6)', () => {
  it('takes the tools from the welcome snapshot', () => {
    const s = roomReducer(initialRoomState, { type: 'welcome', welcome: welcome(tools({ polls: [poll()] })) });
    expect(s.tools.polls).toHaveLength(1);
  });

  it('applies every tool event of a batch with the shared reducer, chat alongside', () => {
    let s = roomReducer(initialRoomState, { type: 'welcome', welcome: welcome(tools()) });
    s = events(s, [
      { t: 'poll', poll: poll(), now: 1000, at: null },
      { t: 'chat', id: 'c1', uid: 'v2', name: 'Bo', text: 'hi', n: 1, at: 1 } as RoomEventPayload,
      { t: 'poll.tally', id: 'p1', delta: [2, 1], dv: 3, tally: [2, 1], voters: 3 },
      { t: 'countdown', countdown: { id: 'c', label: 'Flash sale', endsAt: 9000, status: 'running' }, now: 1000, at: null },
      { t: 'qna', question: { id: 'q1', uid: 'v2', name: 'Bo', text: 'Size?', status: 'submitted', upvotes: 2, answerText: null, askedAt: 5, answeredAt: null }, at: null },
    ]);
    expect(s.tools.polls[0]).toMatchObject({ tally: [2, 1], voters: 3 });
    expect(s.tools.countdowns).toHaveLength(1);
    expect(s.tools.questions[0]?.id).toBe('q1');
    expect(s.chats).toHaveLength(1);
  });

  it('a counter that arrived before its poll was shown is dropped, and the next one heals the totals', () => {
    let s = roomReducer(initialRoomState, { type: 'welcome', welcome: welcome(tools()) });
    // Released ahead of the held poll: unknown id, ignored.
    s = events(s, [{ t: 'poll.tally', id: 'p1', delta: [5, 0], dv: 5, tally: [5, 0], voters: 5 }]);
    expect(s.tools.polls).toHaveLength(0);
    s = events(s, [{ t: 'poll', poll: poll(), now: 1000, at: null }]);
    s = events(s, [{ t: 'poll.tally', id: 'p1', delta: [1, 2], dv: 3, tally: [6, 2], voters: 8 }]);
    expect(s.tools.polls[0]).toMatchObject({ tally: [6, 2], voters: 8 });
    // A late total from another node never lowers what is shown.
    s = events(s, [{ t: 'poll.tally', id: 'p1', delta: [1, 0], dv: 1, tally: [5, 2], voters: 7 }]);
    expect(s.tools.polls[0]).toMatchObject({ tally: [6, 2], voters: 8 });
  });

  it('counters without totals fall back to adding the delta; draw entrants and topic stats too', () => {
    let s = roomReducer(initialRoomState, { type: 'welcome', welcome: welcome(tools({ polls: [poll({ tally: [1, 1], voters: 2 })] })) });
    s = events(s, [{ t: 'poll.tally', id: 'p1', delta: [1, 0], dv: 1 }]);
    expect(s.tools.polls[0]).toMatchObject({ tally: [2, 1], voters: 3 });
    s = events(s, [
      {
        t: 'draw',
        draw: { id: 'd1', title: 'Bag', prize: { kind: 'text', label: 'Tote' }, winnerCount: 3, status: 'open', phrase: null, rules: [], closesAt: 5000, commitment: 'ab', entrantsHash: null, seed: null, entrants: 0, winners: [], winnersTotal: 0 },
        now: 1,
        at: null,
      },
      { t: 'draw.entries', id: 'd1', dn: 4, entrants: 10 },
      { t: 'topic', topic: { id: 't1', tag: 'summer', title: 'Summer', comments: 0, participants: 0 }, at: null },
      { t: 'topic.stats', id: 't1', dc: 3, dp: 2, comments: 7, participants: 4 },
    ]);
    expect(s.tools.draws[0]?.entrants).toBe(10);
    expect(s.tools.topic).toMatchObject({ comments: 7, participants: 4 });
  });

  it('a fresh welcome replaces the tools', () => {
    let s = roomReducer(initialRoomState, { type: 'welcome', welcome: welcome(tools({ polls: [poll()] })) });
    s = roomReducer(s, { type: 'welcome', welcome: welcome(tools()) });
    expect(s.tools.polls).toHaveLength(0);
  });

  it('keeps the server clock offset from the latest `now` of a batch', () => {
    expect(latestServerNow([{ t: 'likes', total: 1 }, { t: 'poll', poll: poll(), now: 500, at: null }, { t: 'countdown', countdown: { id: 'c', label: 'x', endsAt: 1, status: 'running' }, now: 700, at: null }])).toBe(700);
    expect(latestServerNow([{ t: 'likes', total: 1 }])).toBeNull();
    const s = roomReducer(initialRoomState, { type: 'clock', offsetMs: 1234 });
    expect(s.clockOffsetMs).toBe(1234);
    expect(roomReducer(s, { type: 'clock', offsetMs: 1250 })).toBe(s);
  });
});

describe('picture sync: tool events', () => {
  it('holds a poll until the picture reaches it, and its counters wait behind it', () => {
    let pos = 1000;
    const sync = new PictureSync({ position: () => ({ publishId: 'pub', ts: pos }), now: () => 0 });
    const out = sync.push([
      { t: 'poll', poll: poll(), now: 1, at: { publishId: 'pub', ts: 2000 } },
      { t: 'poll.tally', id: 'p1', delta: [1, 0], dv: 1, tally: [1, 0], voters: 1 },
      { t: 'draw.entries', id: 'other', dn: 1, entrants: 1 },
    ]);
    expect(out.map((e) => e.t)).toEqual(['draw.entries']);
    pos = 2000;
    expect(sync.release().map((e) => e.t)).toEqual(['poll', 'poll.tally']);
  });
});
