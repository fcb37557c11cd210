import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalyticsEvent } from '../../../contracts/analytics-events.contract.js';
import { dialects, openTestDatabase, type TestDatabase } from '../../../../test/support/test-databases.js';
import { analyticsEventsStore, type AnalyticsEventsStore } from './analytics-events.store.js';
import { EventIngest, type IngestLog } from './event-ingest.js';

const T0 = 1_790_000_000_000;
const ev = (id: string, over: Partial<AnalyticsEvent> = {}): AnalyticsEvent => ({ id, type: 'like', sessionId: 's1', viewerKey: 'viewer:v1', at: T0, streamMs: 0, source: null, traffic: 'real', ...over });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store double: records the batches it is given, stores ids in memory, and can be held or made to fail. */
function fakeStore() {
  const ids = new Set<string>();
  const batches: string[][] = [];
  let running = 0;
  let maxRunning = 0;
  let failNext = 0;
  let gate: Promise<void> | null = null;
  const store: Pick<AnalyticsEventsStore, 'insertBatch'> = {
    async insertBatch(events) {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        if (gate) await gate;
        if (failNext > 0) {
          failNext--;
          throw new Error('database down');
        }
        batches.push(events.map((e) => e.id));
        const out: AnalyticsEvent[] = [];
        for (const e of events) {
          if (ids.has(e.id)) continue;
          ids.add(e.id);
          out.push(e);
        }
        return out;
      } finally {
        running--;
      }
    },
  };
  return {
    store,
    batches,
    ids,
    maxRunning: () => maxRunning,
    fail: (n: number) => (failNext = n),
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
  };
}

function fakeLog() {
  const lines: { level: 'warn' | 'error'; obj: object; msg: string }[] = [];
  const log: IngestLog = { warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }), error: (obj, msg) => lines.push({ level: 'error', obj, msg }) };
  return { log, lines };
}

describe('event ingest', () => {
  it('writes batches of at most maxBatch, one at a time, never inside record(), and tells listeners the new events in order', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, maxBatch: 3, flushMs: 1000 });
    const seen: string[] = [];
    ingest.onStored((es) => seen.push(...es.map((e) => e.id)));
    for (let i = 0; i < 7; i++) ingest.record(ev(`e${i}`));
    expect(f.batches).toEqual([]); // record() only queues
    expect(ingest.stats()).toMatchObject({ queued: 7, stored: 0 });
    await ingest.flush();
    expect(f.batches).toEqual([['e0', 'e1', 'e2'], ['e3', 'e4', 'e5'], ['e6']]);
    expect(f.maxRunning()).toBe(1);
    expect(seen).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(ingest.stats()).toEqual({ queued: 0, inFlight: 0, stored: 7, duplicates: 0, dropped: 0, failed: 0, batches: 3, retries: 0 });
    await ingest.close();
  });

  it('writes a partial batch flushMs after its first event without being asked', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, flushMs: 250 });
    const t0 = Date.now();
    ingest.record(ev('a'));
    ingest.record(ev('b'));
    await sleep(50);
    expect(f.batches).toEqual([]);
    await vi.waitFor(() => expect(f.batches).toEqual([['a', 'b']]), { timeout: 5_000, interval: 5 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(245);
    await ingest.close();
  });

  it('a batch sealed by size takes its timer along: the next batch waits its own flushMs', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, maxBatch: 3, flushMs: 300 });
    ingest.record(ev('a'));
    await sleep(200);
    ingest.record(ev('b'));
    ingest.record(ev('c')); // full: written now
    ingest.record(ev('d')); // a new batch: due 300 ms from now, not when a's timer would have fired
    await sleep(150);
    expect(f.batches).toEqual([['a', 'b', 'c']]);
    await sleep(300);
    expect(f.batches).toEqual([['a', 'b', 'c'], ['d']]);
    await ingest.close();
  });

  it('keeps one batch in flight: events recorded meanwhile wait and go in the next batches', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, maxBatch: 2, flushMs: 1 });
    const release = f.hold();
    for (let i = 0; i < 4; i++) ingest.record(ev(`a${i}`));
    await sleep(10);
    expect(ingest.stats()).toMatchObject({ inFlight: 2, queued: 2 });
    for (let i = 0; i < 3; i++) ingest.record(ev(`b${i}`));
    await sleep(10);
    release();
    await ingest.flush();
    expect(f.maxRunning()).toBe(1);
    expect(f.batches.flat()).toEqual(['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2']);
    await ingest.close();
  });

  it('counts duplicates and leaves them out of what listeners get', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, maxBatch: 4 });
    const seen: string[] = [];
    ingest.onStored((es) => seen.push(...es.map((e) => e.id)));
    for (const id of ['x', 'y', 'x', 'z', 'y', 'w', 'x']) ingest.record(ev(id));
    await ingest.flush();
    expect(seen).toEqual(['x', 'y', 'z', 'w']);
    expect(ingest.stats()).toMatchObject({ stored: 4, duplicates: 3 });
    await ingest.close();
  });

  it('bounds its queue: beyond maxQueue events are dropped and counted, with one rate-limited warning', async () => {
    const f = fakeStore();
    const { log, lines } = fakeLog();
    let now = 0;
    const ingest = new EventIngest({ store: f.store, maxBatch: 2, maxQueue: 5, log, warnEveryMs: 1000, now: () => now });
    const release = f.hold();
    for (let i = 0; i < 2; i++) ingest.record(ev(`a${i}`));
    await sleep(5); // that batch is in flight: 5 more may wait
    for (let i = 0; i < 20; i++) expect(() => ingest.record(ev(`b${i}`))).not.toThrow();
    expect(ingest.stats()).toMatchObject({ queued: 5, inFlight: 2, dropped: 15 });
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(lines[0]!.obj).toMatchObject({ dropped: 1, maxQueue: 5 });
    now = 1500;
    ingest.record(ev('c'));
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(2);
    expect(lines[1]!.obj).toMatchObject({ dropped: 15, droppedTotal: 16 });
    release();
    await ingest.flush();
    expect(ingest.stats()).toMatchObject({ stored: 7, dropped: 16, queued: 0 });
    await ingest.close();
  });

  it('retries a failed batch with backoff, then stores it, reporting it once', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, retries: 5, retryBaseMs: 2 });
    const seen: string[] = [];
    ingest.onStored((es) => seen.push(...es.map((e) => e.id)));
    f.fail(3);
    ingest.record(ev('a'));
    ingest.record(ev('b'));
    await ingest.flush();
    expect(seen).toEqual(['a', 'b']);
    expect(ingest.stats()).toMatchObject({ stored: 2, retries: 3, failed: 0, batches: 1 });
    await ingest.close();
  });

  it('drops and counts a batch that fails every retry (database down), logs it, and goes on with the next ones', async () => {
    const f = fakeStore();
    const { log, lines } = fakeLog();
    const ingest = new EventIngest({ store: f.store, maxBatch: 2, retries: 2, retryBaseMs: 1, log });
    f.fail(3); // the first attempt and both retries of the first batch
    for (const id of ['a', 'b', 'c']) ingest.record(ev(id));
    await ingest.flush();
    expect(ingest.stats()).toMatchObject({ failed: 2, retries: 2, stored: 1, batches: 1 });
    expect([...f.ids]).toEqual(['c']);
    expect(lines.find((l) => l.level === 'error')?.obj).toMatchObject({ events: 2, attempts: 3 });
    // Still alive.
    ingest.record(ev('d'));
    await ingest.flush();
    expect([...f.ids]).toEqual(['c', 'd']);
    await ingest.close();
  });

  it('a listener that throws neither stops the others nor the ingest', async () => {
    const f = fakeStore();
    const { log, lines } = fakeLog();
    const ingest = new EventIngest({ store: f.store, log });
    const seen: string[] = [];
    ingest.onStored(() => {
      throw new Error('boom');
    });
    const off = ingest.onStored((es) => seen.push(...es.map((e) => e.id)));
    ingest.record(ev('a'));
    await ingest.flush();
    off();
    ingest.record(ev('b'));
    await ingest.flush();
    expect(seen).toEqual(['a']);
    expect(f.ids.has('b')).toBe(true);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(2);
    await ingest.close();
  });

  it('close() does not wait on a database that is down: failed batches are dropped without retries', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, maxBatch: 2, retries: 5, retryBaseMs: 10_000 });
    f.fail(100);
    for (let i = 0; i < 5; i++) ingest.record(ev(`e${i}`));
    await sleep(30); // the first batch has failed and waits 10 s for its retry
    expect(ingest.stats()).toMatchObject({ retries: 1, inFlight: 2 });
    const t0 = Date.now();
    await ingest.close();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(ingest.stats()).toMatchObject({ failed: 5, stored: 0, queued: 0 });
  });

  it('flush() resolves at once when nothing is queued; close() writes what is queued and refuses the rest', async () => {
    const f = fakeStore();
    const ingest = new EventIngest({ store: f.store, flushMs: 10_000 });
    await ingest.flush();
    ingest.record(ev('a'));
    await ingest.close();
    expect([...f.ids]).toEqual(['a']);
    ingest.record(ev('late'));
    await ingest.flush();
    expect(f.ids.has('late')).toBe(false);
    expect(ingest.stats().dropped).toBe(1);
  });
});

describe.each(dialects())('event ingest into the store on %s', (dialect) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('stores every event once, however often it is recorded, and hands each to listeners once, in order', async () => {
    t = await openTestDatabase(dialect);
    const store = analyticsEventsStore(t.database);
    const ingest = new EventIngest({ store, maxBatch: 500, flushMs: 5 });
    const seen: AnalyticsEvent[] = [];
    ingest.onStored((es) => seen.push(...es));
    const unique = Array.from({ length: 3_000 }, (_, i) => ev(`e${i}`, { at: T0 + i, viewerKey: `guest:g${i % 50}`, type: i % 7 === 0 ? 'payment' : 'view_heartbeat', ...(i % 7 === 0 ? { ref: `o${i}`, amountFen: i * 100, lines: [{ productId: 'p1', qty: 1, amountFen: i * 100 }] } : {}) }));
    // Each event recorded once, then a tenth of them again (retried beacons, re-sent facts), some far apart.
    for (let i = 0; i < unique.length; i++) {
      ingest.record(unique[i]!);
      if (i % 10 === 3) ingest.record(unique[i]!);
      if (i % 10 === 5) ingest.record(unique[i - 5]!);
      if (i % 250 === 0) await sleep(1);
    }
    await ingest.flush();
    const s = ingest.stats();
    expect(s.stored).toBe(unique.length);
    expect(s.duplicates).toBe(600);
    expect(seen.map((e) => e.id)).toEqual(unique.map((e) => e.id));
    expect(await store.countSession('s1')).toBe(unique.length);
    const back: AnalyticsEvent[] = [];
    for await (const e of store.streamSession('s1', 777)) back.push(e);
    expect(back).toEqual(unique);
    await ingest.close();
  });
});
