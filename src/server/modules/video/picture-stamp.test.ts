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
    const chat: RoomEventPayload = { t: 'chat', id: 'c', uid: 'u', name: 'n', role: 'viewer', lvl: 0, text: 'hi', n: 1, at: 5 };
    expect(stampPictureEvent(position, 's1', chat)).toBe(chat);
  });
});
