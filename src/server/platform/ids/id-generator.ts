import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KiB at a time (as randomUUID does): one call into the RNG per 680 ids. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function random6Hex(): string {
  if (poolAt + 6 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += 6;
  return pool.toString('hex', poolAt - 6, poolAt);
}

/** Ids are injected so tests and replays can be deterministic. */
export type IdGenerator = () => string;

/**
 * Time-ordered ids: 10 base36 chars of milliseconds, 4 of a per-process counter (so ids made
 * in the same millisecond, or under a frozen test clock, still sort in creation order), then
 * 12 hex chars of randomness so nodes do not collide. Ordering by id is ordering by creation,
 * which keeps cursors simple. Written by hand: a ULID library would add a dependency for a
 * dozen lines and does not give the in-process ordering guarantee by default.
 */
export const timeOrderedIds = (now: () => number = Date.now): IdGenerator => {
  let lastMs = 0;
  let counter = 0;
  return () => {
    const ms = Math.max(now(), lastMs);
    counter = ms === lastMs ? counter + 1 : 0;
    lastMs = ms;
    if (counter >= 36 ** 4) {
      lastMs += 1;
      counter = 0;
    }
    return lastMs.toString(36).padStart(10, '0') + counter.toString(36).padStart(4, '0') + random6Hex();
  };
};

export const sequentialIds = (prefix = 'id'): IdGenerator => {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(8, '0')}`;
};
