import { describe, expect, it } from 'vitest';
import { PICTURE_EVENTS, type RoomEventPayload } from '../../../contracts/realtime.contract.js';
import { stampPictureEvent } from './picture-stamp.js';

const at = { publishId: 'p1', ts: 12_345 };
const position = (id: string) => (id === 's1' ? at : null);

describe('stampPictureEvent', () => {
  it('stamps every picture event with where the stream is', () => {
    const events: RoomEventPayload[] = [
      { t: 'pin', text: 'Free shipping today' },
      { t: 'product.pin', productId: 'x', since: 1 },
      { t: 'flash', id: 'f', status: 'open', startsAt: 'a', endsAt: 'b', left: 1, total: 2, now: 3 },
      { t: 'poll', poll: { id: 'p', question: 'q', kind: 'single', options: ['a', 'b'], status: 'open', closesAt: 9, tally: [0, 0], voters: 0 }, now: 3 },
      {
        t: 'draw',
        draw: { id: 'd', title: 't', prize: { kind: 'text', label: 'x' }, winnerCount: 1, status: 'open', phrase: null, rules: [], closesAt: 9, commitment: 'c', entrantsHash: null, seed: null, entrants: 0, winners: [], winnersTotal: 0 },
        now: 3,
      },
      { t: 'quiz', quiz: { id: 'q', title: 't', status: 'asking', questionCount: 1, current: null, leaderboard: [] }, now: 3 },
      { t: 'topic', topic: null },
      { t: 'countdown', countdown: { id: 'c', label: 'l', endsAt: 9, status: 'running' }, now: 3 },
    ];
    expect(events.map((e) => e.t).sort()).toEqual([...PICTURE_EVENTS].sort());
    for (const e of events) expect(stampPictureEvent(position, 's1', e)).toEqual({ ...e, at });
  });

  it('stamps null when nobody publishes, and keeps an existing stamp', () => {
    expect(stampPictureEvent(position, 's2', { t: 'pin', text: null })).toEqual({ t: 'pin', text: null, at: null });
    const stamped: RoomEventPayload = { t: 'pin', text: 'x', at: { publishId: 'p0', ts: 1 } };
    expect(stampPictureEvent(position, 's1', stamped)).toBe(stamped);
  });

  it('leaves other events alone', () => {
    const likes: RoomEventPayload = { t: 'likes', total: 3 };
    expect(stampPictureEvent(position, 's1', likes)).toBe(likes);
    const tally: RoomEventPayload = { t: 'poll.tally', id: 'p', delta: [1, 0], dv: 1 };
    expect(stampPictureEvent(position, 's1', tally)).toBe(tally);
    const chat: RoomEventPayload = { t: 'chat', id: 'c', uid: 'u', name: 'n', role: 'viewer', lvl: 0, text: 'hi', n: 1, at: 5 };
    expect(stampPictureEvent(position, 's1', chat)).toBe(chat);
  });
});
