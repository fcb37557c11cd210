import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReplayTimeline, locate, messagesShownAt, pinnedAt, replayTimeOf, segmentsOf } from './replay-timeline.js';

const T0 = Date.parse('2025-01-01T10:00:00Z');
const rec = (id: string, startS: number, durS: number) => ({ id, startedAt: T0 + startS * 1000, durationMs: durS * 1000 });
const msg = (id: string, atS: number, text = id) => ({ id, at: T0 + atS * 1000, senderName: 'Ann', role: 'viewer', text });
const pin = (productId: string, fromS: number, toS: number | null) => ({ productId, title: `P ${productId}`, startedAt: T0 + fromS * 1000, endedAt: toS === null ? null : T0 + toS * 1000 });

describe('replay timeline', () => {
  it('plays recordings one after the other, in order of their start', () => {
    const segs = segmentsOf([rec('b', 100, 20), rec('a', 0, 60)]);
    expect(segs).toEqual([
      { recordingId: 'a', offsetMs: 0, durationMs: 60_000 },
      { recordingId: 'b', offsetMs: 60_000, durationMs: 20_000 },
    ]);
  });

  it('maps instants inside a recording to its offset, gaps to the next start, before to 0 and after to the end', () => {
    const recs = [rec('a', 10, 60), rec('b', 100, 20)];
    const segs = segmentsOf(recs);
    expect(replayTimeOf(recs, segs, T0)).toBe(0);
    expect(replayTimeOf(recs, segs, T0 + 15_000)).toBe(5_000);
    expect(replayTimeOf(recs, segs, T0 + 80_000)).toBe(60_000); // the encoder was away: shows when it is back
    expect(replayTimeOf(recs, segs, T0 + 105_000)).toBe(65_000);
    expect(replayTimeOf(recs, segs, T0 + 500_000)).toBe(80_000);
    expect(replayTimeOf([], [], T0)).toBe(0);
  });

  it('places chat at its replay time, in order', () => {
    const t = buildReplayTimeline({ recordings: [rec('a', 0, 30)], messages: [msg('m2', 12), msg('m1', 2.5)], pins: [] });
    expect(t.messages.map((m) => [m.id, m.t])).toEqual([
      ['m1', 2_500],
      ['m2', 12_000],
    ]);
    expect(t.durationMs).toBe(30_000);
    expect(t.pins).toEqual([{ from: 0, to: 30_000, productId: null, title: null }]);
    expect(t.chapters).toEqual([]);
  });

  it('turns pins into spans covering the whole replay and one chapter per pinning', () => {
    const t = buildReplayTimeline({
      recordings: [rec('a', 0, 60)],
      messages: [],
      // x pinned 5-20, y from 20 (x's end is implied by y's start), unpinned at 30, x again from 40 to the end.
      pins: [pin('x', 5, null), pin('y', 20, 30), pin('x', 40, null)],
    });
    expect(t.pins).toEqual([
      { from: 0, to: 5_000, productId: null, title: null },
      { from: 5_000, to: 20_000, productId: 'x', title: 'P x' },
      { from: 20_000, to: 30_000, productId: 'y', title: 'P y' },
      { from: 30_000, to: 40_000, productId: null, title: null },
      { from: 40_000, to: 60_000, productId: 'x', title: 'P x' },
    ]);
    expect(t.chapters).toEqual([
      { productId: 'x', title: 'P x', t: 5_000 },
      { productId: 'y', title: 'P y', t: 20_000 },
      { productId: 'x', title: 'P x', t: 40_000 },
    ]);
    expect(pinnedAt(t.pins, 25_000)?.productId).toBe('y');
    expect(pinnedAt(t.pins, 35_000)?.productId).toBeNull();
    expect(pinnedAt(t.pins, 60_000)).toBeNull();
  });

  it('drops pins that happened entirely while nothing was recorded', () => {
    const t = buildReplayTimeline({ recordings: [rec('a', 0, 10), rec('b', 100, 10)], messages: [], pins: [pin('gone', 20, 30), pin('kept', 50, 105)] });
    expect(t.chapters).toEqual([{ productId: 'kept', title: 'P kept', t: 10_000 }]);
    expect(t.pins).toEqual([
      { from: 0, to: 10_000, productId: null, title: null },
      { from: 10_000, to: 15_000, productId: 'kept', title: 'P kept' },
      { from: 15_000, to: 20_000, productId: null, title: null },
    ]);
  });

  it('locates a replay time in its segment and counts the messages shown by then', () => {
    const segs = segmentsOf([rec('a', 0, 10), rec('b', 100, 5)]);
    expect(locate(segs, 3_000)).toEqual({ index: 0, positionMs: 3_000 });
    expect(locate(segs, 10_000)).toEqual({ index: 1, positionMs: 0 });
    expect(locate(segs, 99_000)).toEqual({ index: 1, positionMs: 5_000 });
    expect(locate([], 0)).toBeNull();
    const ms = [{ t: 0 }, { t: 1000 }, { t: 1000 }, { t: 5000 }];
    expect(messagesShownAt(ms, -1)).toBe(0);
    expect(messagesShownAt(ms, 0)).toBe(1);
    expect(messagesShownAt(ms, 1000)).toBe(3);
    expect(messagesShownAt(ms, 4999)).toBe(3);
    expect(messagesShownAt(ms, 10_000)).toBe(4);
  });

  it('property: replay times are monotonic in wall time and within [0, duration]; pin spans tile the replay', () => {
    const recArb = fc.array(fc.record({ start: fc.integer({ min: 0, max: 1000 }), dur: fc.integer({ min: 0, max: 200 }) }), { maxLength: 5 });
    fc.assert(
      fc.property(recArb, fc.array(fc.integer({ min: -100, max: 1500 }), { maxLength: 20 }), fc.array(fc.record({ from: fc.integer({ min: -50, max: 1400 }), len: fc.option(fc.integer({ min: 0, max: 300 })) }), { maxLength: 6 }), (rs, ats, ps) => {
        // Recordings of one session do not overlap: lay them out from their starts.
        let cursor = 0;
        const recordings = rs.map((r, i) => {
          const startedAt = cursor + r.start;
          cursor = startedAt + r.dur;
          return { id: `r${i}`, startedAt, durationMs: r.dur };
        });
        const t = buildReplayTimeline({
          recordings,
          messages: ats.map((a, i) => ({ id: `m${String(i).padStart(3, '0')}`, at: a, senderName: 'x', role: 'viewer', text: '' })),
          pins: ps.map((p, i) => ({ productId: `p${i % 3}`, title: '', startedAt: p.from, endedAt: p.len === null ? null : p.from + p.len })),
        });
        const sorted = [...ats].sort((a, b) => a - b);
        const times = sorted.map((a) => replayTimeOf(recordings, t.segments, a));
        for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
        for (const m of t.messages) expect(m.t >= 0 && m.t <= t.durationMs).toBe(true);
        let at = 0;
        for (const s of t.pins) {
          expect(s.from).toBe(at);
          expect(s.to).toBeGreaterThan(s.from);
          at = s.to;
        }
        expect(at).toBe(t.durationMs);
      }),
    );
  });
});
