import { randomBytes } from 'node:crypto';

/** Ids are injected so tests and replays can be deterministic. */
export type IdGenerator = () => string;

/**
 * Time-ordered ids (12 base36 chars of milliseconds + 16 hex chars of randomness), so that
 * ordering by id is ordering by creation and cursors stay simple. Written by hand because a
 * ULID library would add a dependency for ten lines.
 */
export const timeOrderedIds = (now: () => number = Date.now): IdGenerator => {
  return () => now().toString(36).padStart(10, '0') + randomBytes(8).toString('hex');
};

export const sequentialIds = (prefix = 'id'): IdGenerator => {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(8, '0')}`;
};
