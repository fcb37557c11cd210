import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuanInput, yuanToFen } from './catalog-api';

describe('yuan input <-> integer fen', () => {
  it('reads what people type, exactly, without floating point', () => {
    expect(yuanToFen('168')).toBe(16800);
    expect(yuanToFen('49.9')).toBe(4990);
    expect(yuanToFen(' 0.07 ')).toBe(7);
    expect(yuanToFen('19.99')).toBe(1999);
    for (const bad of ['', '-1', '1.234', '1,5', 'abc', '1e3', '.5', '5.']) expect(yuanToFen(bad), bad).toBeNull();
  });
  it('round-trips every amount', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (fen) => yuanToFen(fenToYuanInput(fen)) === fen));
  });
});
