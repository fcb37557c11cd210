import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

function filled(capacity: number, seqs: number[]): RingBuffer<string> {
  const b = new RingBuffer<string>(capacity);
  for (const s of seqs) b.push(s, `b${s}`);
  return b;
}

describe('RingBuffer', () => {
  it('starts empty', () => {
    const b = new RingBuffer<string>(3);
    expect(b.size).toBe(0);
    expect(b.lastSeq).toBeNull();
    expect(b.oldestSeq).toBeNull();
    expect(b.since(0)).toEqual([]);
  });

  it('returns what came after since, oldest first', () => {
    const b = filled(5, [1, 2, 3]);
    expect(b.since(0)).toEqual(['b1', 'b2', 'b3']);
    expect(b.since(1)).toEqual(['b2', 'b3']);
    expect(b.since(3)).toEqual([]);
    expect(b.lastSeq).toBe(3);
  });

  it('since(lastSeq) is empty and a since ahead of lastSeq is empty too', () => {
    const b = filled(2, [7, 8, 9]);
    expect(b.since(9)).toEqual([]);
    expect(b.since(12)).toEqual([]);
  });

  it('keeps only the newest capacity items and answers null for a since older than them', () => {
    const b = filled(3, [1, 2, 3, 4, 5]);
    expect(b.size).toBe(3);
    expect(b.oldestSeq).toBe(3);
    expect(b.since(2)).toEqual(['b3', 'b4', 'b5']); // saw 2, everything after is kept
    expect(b.since(1)).toBeNull(); // missed 2, which is gone
    expect(b.since(0)).toBeNull();
    expect(b.since(4)).toEqual(['b5']);
  });

  it('answers null to a client from before this buffer began, even when nothing was evicted', () => {
    const b = filled(10, [100, 101]);
    expect(b.since(99)).toEqual(['b100', 'b101']);
    expect(b.since(98)).toBeNull();
    expect(b.since(Number.NaN)).toBeNull();
  });

  it('handles gaps in seqs', () => {
    const b = filled(4, [10, 20, 30]);
    expect(b.since(15)).toEqual(['b20', 'b30']);
    expect(b.since(20)).toEqual(['b30']);
  });

  it('throws on non-increasing or non-finite seqs and on a bad capacity', () => {
    const b = filled(3, [5]);
    expect(() => b.push(5, 'x')).toThrow(RangeError);
    expect(() => b.push(4, 'x')).toThrow(RangeError);
    expect(() => b.push(Number.NaN, 'x')).toThrow(RangeError);
    expect(() => b.push(Number.POSITIVE_INFINITY, 'x')).toThrow(RangeError);
    expect(b.size).toBe(1);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
    expect(() => new RingBuffer(Number.NaN)).toThrow(RangeError);
  });

  it('works at capacity 1', () => {
    const b = filled(1, [1, 2]);
    expect(b.since(1)).toEqual(['b2']);
    expect(b.since(0)).toBeNull();
  });

  // --- properties -----------------------------------------------------------------------
  const scenario = fc.record({
    capacity: fc.integer({ min: 1, max: 20 }),
    start: fc.integer({ min: -50, max: 50 }),
    steps: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 60 }),
  });
  function seqsOf(start: number, steps: number[]): number[] {
    let s = start;
    return steps.map((d) => (s += d));
  }

  it('never holds more than capacity items and lastSeq is the last pushed', () => {
    fc.assert(
      fc.property(scenario, ({ capacity, start, steps }) => {
        const b = new RingBuffer<number>(capacity);
        let last: number | null = null;
        for (const s of seqsOf(start, steps)) {
          b.push(s, s);
          last = s;
          if (b.size > capacity) return false;
        }
        return b.size === Math.min(capacity, steps.length) && b.lastSeq === last;
      }),
    );
  });

  it('since() returns exactly the pushed items with seq > since when within range, else null', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: -60, max: 250 }), ({ capacity, start, steps }, since) => {
        const seqs = seqsOf(start, steps);
        const b = new RingBuffer<number>(capacity);
        for (const s of seqs) b.push(s, s);
        const got = b.since(since);
        const kept = seqs.slice(-capacity);
        const oldest = kept[0];
        if (oldest === undefined) return got !== null && got.length === 0;
        if (since < oldest - 1) return got === null;
        const expected = seqs.filter((s) => s > since);
        return got !== null && got.length === expected.length && got.every((x, i) => x === expected[i]);
      }),
    );
  });
});
