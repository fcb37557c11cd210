import { describe, expect, it } from 'vitest';
import { segmentKinds } from '../../../contracts/analytics.contract';
import { currentSegment, SEGMENT_KINDS } from './segments';

describe('segment control', () => {
  it('offers the contract\'s kinds', () => {
    expect(SEGMENT_KINDS).toEqual(segmentKinds);
  });
  it('finds the open segment', () => {
    expect(currentSegment([])).toBeNull();
    const a = { id: 'a', kind: 'news' as const, title: 'A', startedAt: 1, endedAt: 5 };
    const b = { id: 'b', kind: 'showcase' as const, title: 'B', startedAt: 5, endedAt: null };
    expect(currentSegment([a, b])).toBe(b);
    expect(currentSegment([a])).toBeNull();
  });
});
