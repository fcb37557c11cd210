import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoomEventPayload } from '../../contracts/realtime.contract';
import type { StreamPosition } from '../viewer/video/playback-clock';
import { PictureSync, subjectOf } from './picture-sync';

function harness(start: StreamPosition | null = { publishId: 'p', ts: 1000 }) {
  let now = 0;
  let pos = start;
  const sync = new PictureSync({ position: () => pos, now: () => now, maxHoldMs: 15_000 });
  return {
    sync,
    set(p: StreamPosition | null) {
      pos = p;
    },
    tick(ms: number) {
      now += ms;
    },
  };
}

const pin = (text: string, ts?: number, publishId = 'p'): RoomEventPayload => ({ t: 'pin', text, ...(ts === undefined ? {} : { at: { publishId, ts } }) });
const flash = (id: string, left: number, ts?: number): RoomEventPayload => ({ t: 'flash', id, status: 'open', startsAt: 'a', endsAt: 'b', left, total: 10, now: 0, ...(ts === undefined ? {} : { at: { publishId: 'p', ts } }) });
const chat: RoomEventPayload = { t: 'chat', id: 'c', uid: 'u', name: 'n', role: 'viewer', lvl: 0, text: 'hi', n: 1, at: 0 };

describe('PictureSync', () => {
  it('holds a stamped event until playback reaches its timestamp', () => {
    const h = harness({ publishId: 'p', ts: 1000 });
    expect(h.sync.push([pin('sale!', 3000)])).toEqual([]);
    expect(h.sync.pending).toBe(1);
    h.set({ publishId: 'p', ts: 2999 });
    expect(h.sync.release()).toEqual([]);
    h.set({ publishId: 'p', ts: 3000 });
    expect(h.sync.release()).toEqual([pin('sale!', 3000)]);
    expect(h.sync.pending).toBe(0);
  });

  it('lets unstamped and unrelated events through at once, in order', () => {
    const h = harness();
    expect(h.sync.push([chat, pin('later', 5000), { t: 'likes', total: 2 }])).toEqual([chat, { t: 'likes', total: 2 }]);
  });

  it('releases at once when there is no picture to follow or the player shows another publish', () => {
    const h = harness(null);
    expect(h.sync.push([pin('a', 9000)])).toHaveLength(1);
    h.set({ publishId: 'old', ts: 0 });
    expect(h.sync.push([pin('b', 9000)])).toHaveLength(1);
  });

  it('never holds longer than maxHoldMs (a stalled player)', () => {
    const h = harness({ publishId: 'p', ts: 0 });
    h.sync.push([pin('x', 60_000)]);
    h.tick(14_999);
    expect(h.sync.release()).toEqual([]);
    h.tick(1);
    expect(h.sync.release()).toHaveLength(1);
  });

  it('keeps order per subject: a stock update waits behind the held "open" of the same sale, not other sales', () => {
    const h = harness({ publishId: 'p', ts: 1000 });
    expect(h.sync.push([flash('f1', 10, 2000), flash('f1', 9), flash('f2', 5)])).toEqual([flash('f2', 5)]);
    h.set({ publishId: 'p', ts: 2000 });
    expect(h.sync.release()).toEqual([flash('f1', 10, 2000), flash('f1', 9)]);
  });

  it('clear() drops what is held (a fresh room snapshot supersedes it)', () => {
    const h = harness();
    h.sync.push([pin('x', 5000)]);
    expect(h.sync.clear()).toHaveLength(1);
    expect(h.sync.pending).toBe(0);
  });

  it('subjects', () => {
    expect(subjectOf(pin('x'))).toBe('pin');
    expect(subjectOf(flash('a', 1))).toBe('flash:a');
    expect(subjectOf(chat)).toBeNull();
  });

  it('property: every event is released exactly once, per-subject order kept, none before its time', () => {
    const ev = fc.record({ subject: fc.constantFrom('pin', 'f1', 'f2'), ts: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(fc.array(ev, { maxLength: 4 }), { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 12 }), (batches, steps) => {
        let pos = 0;
        let now = 0;
        const sync = new PictureSync({ position: () => ({ publishId: 'p', ts: pos }), now: () => now, maxHoldMs: 1e9 });
        let n = 0;
        const sent: RoomEventPayload[] = [];
        const got: RoomEventPayload[] = [];
        const check = (released: RoomEventPayload[]) => {
          for (const e of released) {
            const at = e.t === 'pin' || e.t === 'flash' ? e.at : null;
            if (at) expect(at.ts).toBeLessThanOrEqual(pos);
            got.push(e);
          }
        };
        for (let i = 0; i < batches.length; i++) {
          const batch = batches[i]!.map((b) => {
            const text = String(n++);
            return b.subject === 'pin' ? pin(text, b.ts) : { ...flash(b.subject, n, b.ts), startsAt: text };
          });
          sent.push(...batch);
          check(sync.push(batch));
          pos += steps[i % steps.length]!;
          now += 10;
          check(sync.release());
        }
        pos = Number.MAX_SAFE_INTEGER;
        check(sync.release());
        expect(got).toHaveLength(sent.length);
        expect(new Set(got).size).toBe(sent.length);
        const order = (list: RoomEventPayload[], key: string) => list.filter((e) => subjectOf(e) === key);
        for (const key of ['pin', 'flash:f1', 'flash:f2']) expect(order(got, key)).toEqual(order(sent, key));
      }),
    );
  });
});
