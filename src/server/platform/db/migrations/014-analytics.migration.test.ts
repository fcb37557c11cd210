import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, openTestDatabase, type TestDatabase } from '../../../../../test/support/test-databases.js';
import { down, up } from './014-analytics.migration.js';

const analyticsTables = ['analytics_events', 'analytics_reports', 'analytics_viewer_sessions', 'survey_responses', 'session_segments', 'audience_segments'];

describe.each(dialects())('migration 014-analytics on %s', (dialect) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('creates the analytics tables and the simulated flags, and goes down and up again', async () => {
    t = await openTestDatabase(dialect);
    const db = t.database.db;
    // PostgreSQL lists every schema's tables, and tests running meanwhile have their own: only ours.
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s : undefined;
    const ours = async () => (await db.introspection.getTables()).filter((x) => schema === undefined || x.schema === schema);
    const names = async () => (await ours()).map((x) => x.name);
    for (const name of analyticsTables) expect(await names()).toContain(name);

    const now = new Date().toISOString();
    // Existing inserts that do not name `simulated` get 0.
    await db.insertInto('viewers').values({ id: 'v1', nickname: 'A', nickname_key: 'a', password_hash: 'x', status: 'active', is_demo: 0, created_at: now }).execute();
    expect((await db.selectFrom('viewers').select('simulated').where('id', '=', 'v1').executeTakeFirstOrThrow()).simulated).toBe(0);
    await db.updateTable('viewers').set({ simulated: 1 }).where('id', '=', 'v1').execute();
    expect((await db.selectFrom('viewers').select('simulated').where('id', '=', 'v1').executeTakeFirstOrThrow()).simulated).toBe(1);

    // int8 times beyond 2^31 come back as numbers.
    const at = 1_790_000_000_123;
    await db.insertInto('analytics_events').values({ id: 'e1', session_id: 's', type: 'like', viewer_key: 'viewer:v1', at, stream_ms: 5_000_000_000, source: null, traffic: 'real', product_id: null, ref: null, amount_fen: 12_345_678_901, n: 1, data: null }).execute();
    const row = await db.selectFrom('analytics_events').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ at, stream_ms: 5_000_000_000, amount_fen: 12_345_678_901, n: 1 });

    await db.insertInto('analytics_reports').values({ session_id: 's', traffic: 'real', status: 'building', progress: 0.25, doc: null, events: 10_000_000, built_at: null, error: null, updated_at: now }).execute();
    expect(await db.selectFrom('analytics_reports').select(['progress', 'events']).executeTakeFirstOrThrow()).toEqual({ progress: 0.25, events: 10_000_000 });

    await down(db);
    for (const name of analyticsTables) expect(await names()).not.toContain(name);
    const viewerCols = (await ours()).find((x) => x.name === 'viewers')!.columns.map((c) => c.name);
    expect(viewerCols).not.toContain('simulated');
    await up(db);
    for (const name of analyticsTables) expect(await names()).toContain(name);
    expect((await db.selectFrom('viewers').select('simulated').where('id', '=', 'v1').executeTakeFirstOrThrow()).simulated).toBe(0);
    expect((await db.selectFrom('orders').select('simulated').execute())).toEqual([]);
  });
});
