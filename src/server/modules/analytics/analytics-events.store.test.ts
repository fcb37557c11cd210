import { afterEach, describe, expect, it } from 'vitest';
import type { AnalyticsEvent } from '../../../contracts/analytics-events.contract.js';
import { dialects, openTestDatabase, type TestDatabase } from '../../../../test/support/test-databases.js';
import { analyticsEventsStore, PG_ROWS_PER_STATEMENT, type AnalyticsEventsStore } from './analytics-events.store.js';

const T0 = 1_790_000_000_000;

function ev(id: string, over: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return { id, type: 'like', sessionId: 's1', viewerKey: 'viewer:v1', at: T0, streamMs: 1_000, source: 'direct', traffic: 'real', ...over };
}

async function all(store: AnalyticsEventsStore, sessionId: string, pageSize?: number): Promise<AnalyticsEvent[]> {
  const out: AnalyticsEvent[] = [];
  for await (const e of store.streamSession(sessionId, pageSize)) out.push(e);
  return out;
}

describe.each(dialects())('analytics events store on %s', (dialect) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });
  const open = async () => {
    t = await openTestDatabase(dialect);
    return analyticsEventsStore(t.database);
  };

  it('stores each id once and returns only the newly stored events, in batch order', async () => {
    const store = await open();
    const a = ev('a1', { type: 'view_start' });
    const b = ev('b1', { type: 'comment' });
    const b2 = ev('b1', { type: 'like', n: 7 }); // same id later in the same batch: ignored
    const c = ev('c1', { type: 'view_heartbeat', at: T0 + 30_000 });
    expect(await store.insertBatch([a, b, b2, c])).toEqual([a, b, c]);
    expect(await store.insertBatch([c, ev('d1'), a])).toEqual([ev('d1')]);
    expect(await store.insertBatch([a, b, c])).toEqual([]);
    expect(await store.insertBatch([])).toEqual([]);
    expect(await store.countSession('s1')).toBe(4);
    const stored = await all(store, 's1');
    expect(stored.find((e) => e.id === 'b1')).toEqual(b);
  });

  it('gives back every prop it was given, and leaves absent ones absent', async () => {
    const store = await open();
    const events: AnalyticsEvent[] = [
      ev('pay:o1', { type: 'payment', at: T0 + 1, ref: 'o1', amountFen: 12_345_678_901, lines: [{ productId: 'p1', qty: 2, amountFen: 12_345_678_000 }, { productId: 'p2', qty: 1, amountFen: 901 }] }),
      ev('sv:1', { type: 'survey_answer', at: T0 + 2, csat: 5, nps: 9, streamMs: null, source: null }),
      ev('sh:1', { type: 'share', at: T0 + 3, shareChannel: 'wechat', traffic: 'simulated', source: 'utm:wx/-/spring' }),
      ev('ck:1', { type: 'add_to_cart', at: T0 + 4, productId: 'p1', n: 3, traffic: 'bot' }),
      ev('lk:1', { type: 'like', at: T0 + 5, n: 1 }),
      ev('cm:1', { type: 'comment', at: T0 + 6, streamMs: 7_200_000_000 }),
    ];
    expect(await store.insertBatch(events)).toEqual(events);
    const back = await all(store, 's1');
    // n = 1 is the default: it comes back absent.
    const { n: _n, ...like } = events[4]!;
    expect(back).toEqual([events[0], events[1], events[2], events[3], like, events[5]]);
    expect(back[1]).not.toHaveProperty('productId');
    expect(back[1]).not.toHaveProperty('lines');
  });

  it('streams a session in (at, id) order, page by page, without skipping or repeating ties', async () => {
    const store = await open();
    // Ties on `at` across page boundaries; ids whose bytewise order differs from a case-folding one.
    const ids = ['b', 'B', 'a', 'A', '_x', 'z9', 'Z0', 'm', 'M', '0', 'é', 'e'];
    const events = ids.map((id, i) => ev(`${id}-evt`, { at: T0 + (i % 3) * 1000 }));
    const other = [ev('other-1', { sessionId: 's2' }), ev('other-2', { sessionId: 's2', at: T0 - 5 })];
    await store.insertBatch([...events.slice(6), ...other]);
    await store.insertBatch(events.slice(0, 6));
    const byteOrder = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
    const expected = [...events].sort((x, y) => x.at - y.at || byteOrder(x.id, y.id));
    for (const pageSize of [1, 2, 3, 5, 12, 10_000]) expect((await all(store, 's1', pageSize)).map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect((await all(store, 's2', 1)).map((e) => e.id)).toEqual(['other-2', 'other-1']);
    const pages: string[][] = [];
    for await (const p of store.streamSessionPages('s1', 5)) pages.push(p.map((e) => e.id));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat()).toEqual(expected.map((e) => e.id));
    const exact: number[] = [];
    for await (const p of store.streamSessionPages('s1', 6)) exact.push(p.length);
    expect(exact).toEqual([6, 6]);
    for await (const p of store.streamSessionPages('none')) throw new Error(`unexpected page of ${p.length}`);
    expect(await all(store, 'none')).toEqual([]);
    expect(await store.countSession('s1')).toBe(ids.length);
    expect(await store.countSession('none')).toBe(0);
  });

  it('stores a batch all or nothing', async () => {
    const store = await open();
    const bad = ev('bad', { viewerKey: null as unknown as string }); // NOT NULL refuses it
    await expect(store.insertBatch([ev('ok1'), ev('ok2'), bad])).rejects.toThrow();
    expect(await store.countSession('s1')).toBe(0);
    // A retry of the batch without the bad event reports every event as new.
    expect((await store.insertBatch([ev('ok1'), ev('ok2')])).map((e) => e.id)).toEqual(['ok1', 'ok2']);
  });

  it('stores a batch larger than one statement may carry', async () => {
    const store = await open();
    const n = PG_ROWS_PER_STATEMENT * 2 + 321;
    const events = Array.from({ length: n }, (_, i) => ev(`e${i}`, { at: T0 + i, type: 'view_heartbeat', viewerKey: `guest:g${i % 97}` }));
    const stored = await store.insertBatch([...events, events[5]!, events[n - 1]!]);
    expect(stored.length).toBe(n);
    expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(await store.insertBatch(events.slice(n - 10))).toEqual([]);
    expect(await store.countSession('s1')).toBe(n);
  });

  if (dialect === 'sqlite') {
    it('never writes into a transaction Kysely holds open on the connection: it waits for it to end', async () => {
      const store = await open();
      const db = t!.database.db;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const trx = db.transaction().execute(async (tx) => {
        await tx.insertInto('settings').values({ key: 'k', value: 'v', updated_at: 'now' }).execute();
        await held;
        throw new Error('roll back');
      });
      await new Promise((r) => setTimeout(r, 5));
      expect(t!.database.sqlite!.inTransaction).toBe(true);
      let done = false;
      const insert = store.insertBatch([ev('during-trx')]).then((r) => {
        done = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(done).toBe(false);
      release();
      await expect(trx).rejects.toThrow('roll back');
      expect((await insert).map((e) => e.id)).toEqual(['during-trx']);
      // Stored for good, not rolled back with the other transaction.
      expect(await store.countSession('s1')).toBe(1);
      expect(await db.selectFrom('settings').selectAll().where('key', '=', 'k').execute()).toEqual([]);
    });
  }
});
