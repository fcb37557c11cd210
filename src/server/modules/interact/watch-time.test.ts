import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { fixedClock } from '../../platform/clock.js';
import type { InteractDeps } from './interact.deps.js';
import { WATCH_FLUSH_MS, WatchTimeTracker } from './watch-time.js';

const MIN = 60_000;

describe.each(dialects())('WatchTimeTracker on %s', (dialect) => {
  let t: TestApp;
  let n = 0;
  const clock = fixedClock(new Date('2026-11-26T08:00:00.000Z'));
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  const tracker = (errors: unknown[] = []) => new WatchTimeTracker({ db: t.database.db, clock, onError: (err: unknown) => errors.push(err) } as unknown as InteractDeps);
  const stored = async (sessionId: string, viewerId: string) =>
    Number((await t.database.db.selectFrom('watch_time').select('watched_ms').where('session_id', '=', sessionId).where('principal_key', '=', `viewer:${viewerId}`).executeTakeFirst())?.watched_ms ?? 0);

  it('adds up stretches per viewer and session: running stretch counted live, written every interval and on stop', async () => {
    const s = `watch-s${++n}`;
    const w = tracker();
    await w.start();
    const t0 = clock.now().getTime();
    w.presence(s, 'viewer:a', true, t0);
    w.presence(s, 'viewer:b', true, t0);
    w.presence(s, 'guest:g1', true, t0);
    // A second "first connection" report for a viewer already present changes nothing.
    w.presence(s, 'viewer:a', true, t0 + MIN);
    clock.advance(3 * MIN);
    w.presence(s, 'viewer:b', false, clock.now().getTime());
    expect(Object.fromEntries(await w.watchedMs(s, ['a', 'b', 'nobody']))).toEqual({ a: 3 * MIN, b: 3 * MIN });
    expect(await stored(s, 'b')).toBe(0);
    clock.advance(WATCH_FLUSH_MS);
    await w.tick(clock.now().getTime());
    // Written: b's finished stretch and a's running one so far; nothing is counted twice.
    expect(await stored(s, 'b')).toBe(3 * MIN);
    expect(await stored(s, 'a')).toBe(3 * MIN + WATCH_FLUSH_MS);
    expect(Object.fromEntries(await w.watchedMs(s, ['a', 'b']))).toEqual({ a: 3 * MIN + WATCH_FLUSH_MS, b: 3 * MIN });
    // b comes back for 2 minutes; a leaves later; stop writes everything.
    w.presence(s, 'viewer:b', true, clock.now().getTime());
    clock.advance(2 * MIN);
    w.presence(s, 'viewer:b', false, clock.now().getTime());
    clock.advance(MIN);
    await w.stop();
    expect(await stored(s, 'b')).toBe(5 * MIN);
    expect(await stored(s, 'a')).toBe(6 * MIN + WATCH_FLUSH_MS);
    const guests = await t.database.db.selectFrom('watch_time').select('principal_key').where('session_id', '=', s).where('principal_key', 'like', 'guest:%').execute();
    expect(guests).toEqual([]);

    // A later process (or another node) adds to the same rows.
    const again = tracker();
    await again.start();
    again.presence(s, 'viewer:a', true, clock.now().getTime());
    clock.advance(MIN);
    expect((await again.watchedMs(s, ['a'])).get('a')).toBe(7 * MIN + WATCH_FLUSH_MS);
    await again.stop();
    expect(await stored(s, 'a')).toBe(7 * MIN + WATCH_FLUSH_MS);
  });

  it('sessions are kept apart and ticks between intervals write nothing', async () => {
    const s1 = `watch-s${++n}`;
    const s2 = `watch-s${++n}`;
    const w = tracker();
    await w.start();
    w.presence(s1, 'viewer:x', true, clock.now().getTime());
    w.presence(s2, 'viewer:x', true, clock.now().getTime());
    clock.advance(MIN);
    w.presence(s2, 'viewer:x', false, clock.now().getTime());
    clock.advance(MIN);
    await w.tick(clock.now().getTime() - WATCH_FLUSH_MS * 100);
    expect(await stored(s1, 'x')).toBe(0);
    expect((await w.watchedMs(s1, ['x'])).get('x')).toBe(2 * MIN);
    expect((await w.watchedMs(s2, ['x'])).get('x')).toBe(MIN);
    await w.stop();
    expect(await stored(s1, 'x')).toBe(2 * MIN);
    expect(await stored(s2, 'x')).toBe(MIN);
  });
});
