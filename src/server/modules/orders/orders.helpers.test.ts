import { describe, expect, it } from 'vitest';
import { csvCell } from './orders.service.js';

describe('CSV cells of the orders export', () => {
  it('quotes separators and quotes, and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+86 138')).toBe("'+86 138");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  });
});

describe('points given back by returns', () => {
  it('spreads the redeemed points by cumulative floors; everything returned gives back exactly what was used', async () => {
    const { returnPoints } = await import('./orders.service.js');
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 20 }), (pointsUsed, total, steps) => {
        const prior: { pointsFen: number; points: number }[] = [];
        let fen = 0;
        for (const s of steps) {
          const take = Math.min(s, total - fen);
          if (take <= 0) break;
          const p = returnPoints(pointsUsed, total, prior, take);
          expect(p).toBeGreaterThanOrEqual(0);
          prior.push({ pointsFen: take, points: p });
          fen += take;
          expect(prior.reduce((x, q) => x + q.points, 0)).toBeLessThanOrEqual(pointsUsed);
        }
        if (fen < total) prior.push({ pointsFen: total - fen, points: returnPoints(pointsUsed, total, prior, total - fen) });
        expect(prior.reduce((x, q) => x + q.points, 0)).toBe(pointsUsed);
      }),
      { numRuns: 300 },
    );
    expect(returnPoints(0, 100, [], 50)).toBe(0);
  });
});
