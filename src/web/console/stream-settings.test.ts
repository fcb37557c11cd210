import { describe, expect, it } from 'vitest';
import { MASKED_KEY, streamBadgeClass, streamSinceKey } from './stream-settings';

describe('stream card', () => {
  it('gives each state its badge', () => {
    expect(streamBadgeClass('live')).toBe('badge badge-live');
    expect(streamBadgeClass('reconnecting')).toBe('badge badge-warn');
    expect(streamBadgeClass('offline')).toBe('badge badge-muted');
  });

  it('tells since when only when the server knows', () => {
    expect(streamSinceKey('live', 1)).toBe('stream.since.live');
    expect(streamSinceKey('reconnecting', 1)).toBe('stream.since.reconnecting');
    expect(streamSinceKey('offline', 1)).toBe('stream.since.offline');
    expect(streamSinceKey('offline', null)).toBeNull();
  });

  it('hides the key behind a row of dots of fixed length', () => {
    expect(MASKED_KEY).toMatch(/^•{16}$/);
  });
});
