import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeOrderedIds } from './id-generator.js';

describe('timeOrderedIds', () => {
  it('sort in creation order even when the clock stands still or goes back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 200 }), (steps) => {
        let t = 1_700_000_000_000;
        const next = timeOrderedIds(() => t);
        const ids: string[] = [];
        for (const s of steps) {
          t += s - 2; // sometimes backwards
          ids.push(next());
        }
        expect([...ids].sort()).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
      }),
    );
  });
  it('match the id format routes accept', () => {
    expect(timeOrderedIds()()).toMatch(/^[a-z0-9]{26}$/);
  });
});
