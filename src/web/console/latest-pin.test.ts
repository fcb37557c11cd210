import { describe, expect, it } from 'vitest';
import { LatestPin } from './latest-pin';

describe('console pin ordering', () => {
  it('a reply keeps its pin when no event came while it was in flight', () => {
    const p = new LatestPin<string>();
    const m = p.mark();
    expect(p.settle(m, 'tea')).toBe('tea');
  });

  it('a reload that started before a pin event does not undo it', () => {
    const p = new LatestPin<string>();
    p.heard('tea');
    const m = p.mark();
    p.heard('cups'); // another operator pins while the shelf reloads
    expect(p.settle(m, 'tea')).toBe('cups');
  });

  it("an operator's own pin answered after someone else's later pin (or unpin) shows the later one", () => {
    const p = new LatestPin<string>();
    const m = p.mark();
    p.heard('tea'); // our own pin's event
    p.heard(null); // then another operator unpins
    expect(p.settle(m, 'tea')).toBeNull();
  });
});
