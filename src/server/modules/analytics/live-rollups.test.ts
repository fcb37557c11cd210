import { describe, expect, it } from 'vitest';
import type { AnalyticsEvent } from '../../../contracts/analytics-events.contract.js';
import { FIXTURE_SESSION, FIXTURE_START, fixtureEvents } from '../../../../test/support/analytics-fixture.js';
import { until } from '../../../../test/support/until.js';
import { applyEvent, createRollup } from './core/session-rollup.js';
import { LiveRollups, type LiveRollupsDeps } from './live-rollups.js';

/** A promise and its resolve, to hold a dependency's answer until the test lets it go. */
function gate<T>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

const viewStart = (id: string, viewerKey: string, sec: number): AnalyticsEvent => ({
  id,
  type: 'view_start',
  sessionId: FIXTURE_SESSION,
  viewerKey,
  at: FIXTURE_START + sec * 1000,
  streamMs: sec * 1000,
  source: null,
  traffic: 'real',
});

describe('LiveRollups', () => {
  it('loading a session from its stored events loses no event stored meanwhile, not even during the new-vs-returning lookup', async () => {
    const stored = fixtureEvents();
    const lookups: { keys: string[]; answer: ReturnType<typeof gate<string[]>> }[] = [];
    const deps: LiveRollupsDeps = {
      span: async () => ({ startedAt: FIXTURE_START, endedAt: null, brandId: 'brand-1' }),
      stream: async function* () {
        yield stored.slice(0, 20);
        yield stored.slice(20);
      },
      count: async () => stored.length,
      returning: (_brand, _session, keys) => {
        const answer = gate<string[]>();
        lookups.push({ keys, answer });
        return answer.promise;
      },
      now: () => FIXTURE_START + 620_000,
      onError: (err) => {
        throw err;
      },
    };
    const rollups = new LiveRollups(deps);
    const storedOnly = createRollup({ sessionId: FIXTURE_SESSION, startedAt: FIXTURE_START, endedAt: null, includeTraffic: 'real' });
    for (const e of stored) applyEvent(storedOnly, e);

    // The first live event of a session this node has no rollup for starts the load.
    rollups.apply([viewStart('live-1', 'viewer:late-1', 615)]);
    await until('the returning lookup', () => lookups.length === 1);
    // Stored while the returning lookup is out: must be counted too, once.
    rollups.apply([viewStart('live-2', 'viewer:late-2', 616)]);
    lookups[0]!.answer.open(['viewer:a']);
    const r = await rollups.get(FIXTURE_SESSION);
    expect(r.real.viewers.has('viewer:late-1')).toBe(true);
    expect(r.real.viewers.has('viewer:late-2')).toBe(true);
    expect(r.real.uv).toBe(storedOnly.uv + 2);
    // The late viewer is looked up for new vs returning as any later one is.
    await until('the late viewer looked up', () => lookups.length === 2);
    expect(lookups[1]!.keys).toEqual(['viewer:late-2']);
    lookups[1]!.answer.open([]);
  });
});

