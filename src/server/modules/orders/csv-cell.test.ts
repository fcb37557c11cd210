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
