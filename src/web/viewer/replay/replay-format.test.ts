import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock } from './replay-format';

describe('replay formats', () => {
  it('formats a player clock', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(65_400)).toBe('1:05');
    expect(formatClock(3_725_000)).toBe('1:02:05');
  });
  it('formats sizes', () => {
    expect(formatBytes(500, 'en')).toBe('500 B');
    expect(formatBytes(1_572_864, 'en')).toBe('1.5 MB');
    expect(formatBytes(20 * 1024 * 1024, 'en')).toBe('20 MB');
  });
});
