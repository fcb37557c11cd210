import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globalOnline, nextPeak, type NodeReport } from './presence.js';

describe('globalOnline', () => {
  it('sums the latest fresh report of each node', () => {
    const reports: NodeReport[] = [
      { nodeId: 'a', online: 10, at: 1000 },
      { nodeId: 'b', online: 5, at: 1500 },
      { nodeId: 'a', online: 12, at: 2000 },
      { nodeId: 'a', online: 99, at: 1200 }, // older, arrives late: ignored
    ];
    expect(globalOnline(reports, 2000, 5000)).toBe(17);
  });

  it('drops nodes whose latest report is stale, even if an older one was big', () => {
    const reports: NodeReport[] = [
      { nodeId: 'a', online: 10, at: 1000 },
      { nodeId: 'b', online: 5, at: 9000 },
    ];
    expect(globalOnline(reports, 10_000, 5000)).toBe(5);
    expect(globalOnline(reports, 6000, 5000)).toBe(15); // exactly staleAfterMs old still counts
    expect(globalOnline(reports, 6001, 5000)).toBe(5);
  });

  it('counts reports from a node whose clock runs ahead, ignores bad counts, and takes iterables', () => {
    function* gen(): Generator<NodeReport> {
      yield { nodeId: 'a', online: 3, at: 20_000 };
      yield { nodeId: 'b', online: -4, at: 10_000 };
      yield { nodeId: 'c', online: Number.NaN, at: 10_000 };
    }
    expect(globalOnline(gen(), 10_000, 1000)).toBe(3);
    expect(globalOnline([], 0, 1000)).toBe(0);
  });

  it('lets the later report win a tie on at', () => {
    expect(globalOnline([{ nodeId: 'a', online: 1, at: 5 }, { nodeId: 'a', online: 2, at: 5 }], 5, 10)).toBe(2);
  });

  it('never exceeds the sum of each node’s largest count and ignores report order for distinct times', () => {
    const reportArb = fc.record({ nodeId: fc.constantFrom('a', 'b', 'c'), online: fc.integer({ min: 0, max: 1000 }), at: fc.integer({ min: 0, max: 100 }) });
    fc.assert(
      fc.property(fc.uniqueArray(reportArb, { selector: (r) => `${r.nodeId}@${r.at}`, maxLength: 30 }), fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 100 }), (reports, now, stale) => {
        const total = globalOnline(reports, now, stale);
        const max = new Map<string, number>();
        for (const r of reports) max.set(r.nodeId, Math.max(max.get(r.nodeId) ?? 0, r.online));
        const bound = [...max.values()].reduce((a, b) => a + b, 0);
        return total >= 0 && total <= bound && total === globalOnline([...reports].reverse(), now, stale);
      }),
    );
  });
});

describe('nextPeak', () => {
  it('keeps the maximum', () => {
    expect(nextPeak(10, 12)).toBe(12);
    expect(nextPeak(10, 3)).toBe(10);
    expect(nextPeak(0, 0)).toBe(0);
    expect(nextPeak(10, Number.NaN)).toBe(10);
    expect(nextPeak(Number.NaN, 4)).toBe(4);
  });

  it('is monotone', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1e6 })), (xs) => xs.reduce(nextPeak, 0) === Math.max(0, ...xs)));
  });
});
