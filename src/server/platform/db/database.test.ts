import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, openTestDatabase, type TestDatabase } from '../../../../test/support/test-databases.js';
import { migrateToLatest } from './database.js';
import { migrations } from './migrations/index.js';

describe.each(dialects())('database on %s', (dialect) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it('migrates to the latest schema, and a second run changes nothing', async () => {
    t = await openTestDatabase(dialect);
    const again = await migrateToLatest(t.database);
    expect(again.results).toEqual([]);
    const tables = (await t.database.db.introspection.getTables()).map((x) => x.name);
    for (const name of ['team_members', 'team_member_roles', 'viewers', 'auth_sessions', 'audit_log', 'live_sessions', 'products', 'skus', 'sku_price_history', 'settings']) {
      expect(tables).toContain(name);
    }
    const done = await t.database.db.selectFrom('kysely_migration' as never).select(sql<string>`name`.as('name')).execute();
    expect(done.map((r) => (r as { name: string }).name)).toEqual(Object.keys(migrations));
  });

  it('enforces uniqueness and non-negative stock on both dialects', async () => {
    t = await openTestDatabase(dialect);
    const db = t.database.db;
    const now = new Date().toISOString();
    await db.insertInto('products').values({ id: 'p1', brand_id: null, title: 'T', description: '', category: 'tea', tags_json: '[]', images_json: '[]', is_demo: 0, created_at: now, updated_at: now, archived_at: null }).execute();
    const sku = { id: 's1', product_id: 'p1', code: 'C1', name: 'n', attrs_json: '{}', price_fen: 100, currency: 'CNY', stock: 1, created_at: now, updated_at: now };
    await db.insertInto('skus').values(sku).execute();
    await expect(db.insertInto('skus').values({ ...sku, id: 's2' }).execute()).rejects.toThrow();
    await expect(db.updateTable('skus').set({ stock: -1 }).where('id', '=', 's1').execute()).rejects.toThrow();
    await expect(db.insertInto('skus').values({ ...sku, id: 's3', code: 'C3', price_fen: -5 }).execute()).rejects.toThrow();
    const row = await db.selectFrom('skus').select(['stock', 'price_fen']).where('id', '=', 's1').executeTakeFirstOrThrow();
    expect(row).toEqual({ stock: 1, price_fen: 100 });
  });

  it('rolls back a failed transaction entirely', async () => {
    t = await openTestDatabase(dialect);
    const db = t.database.db;
    const now = new Date().toISOString();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('brands').values({ id: 'b1', name: 'B', is_demo: 0, created_at: now }).execute();
        await trx.insertInto('brands').values({ id: 'b1', name: 'dup', is_demo: 0, created_at: now }).execute();
      }),
    ).rejects.toThrow();
    expect(await db.selectFrom('brands').selectAll().execute()).toEqual([]);
  });

  it('queries waiting behind a transaction never run inside it', async () => {
    t = await openTestDatabase(dialect);
    const db = t.database.db;
    const now = new Date().toISOString();
    const seen: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const trx = db.transaction().execute(async (tx) => {
      await tx.insertInto('settings').values({ key: 'in-trx', value: 'x', updated_at: now }).execute();
      await held; // other requests arrive while the transaction is open
      seen.push('commit');
      throw new Error('roll back');
    });
    await new Promise((r) => setTimeout(r, 5));
    const reads = Array.from({ length: 50 }, (_, i) =>
      db
        .selectFrom('settings')
        .select('key')
        .where('key', '=', 'in-trx')
        .execute()
        .then((rows) => {
          seen.push(`read ${i}`);
          return rows.length;
        }),
    );
    await new Promise((r) => setTimeout(r, 5));
    release();
    await expect(trx).rejects.toThrow('roll back');
    // The rolled-back row was never visible to them: they ran after the transaction ended.
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 50 }, () => 0));
    if (dialect === 'sqlite') expect(seen[0], 'one connection: the reads wait for the transaction').toBe('commit');
  });

  it('answers the readiness ping and reports pool stats', async () => {
    t = await openTestDatabase(dialect);
    await expect(t.database.ping()).resolves.toBeUndefined();
    expect(t.database.poolStats().total).toBeGreaterThanOrEqual(dialect === 'sqlite' ? 1 : 0);
  });
});

describe('SQLite read connection', () => {
  it('on a file, reads on readDb see committed writes and do not wait behind an open transaction', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openDatabase } = await import('./database.js');
    const dir = mkdtempSync(join(tmpdir(), 'onair-readdb-'));
    const database = await openDatabase({ sqliteFile: join(dir, 'onair.sqlite') });
    try {
      await migrateToLatest(database);
      expect(database.readDb).not.toBe(database.db);
      const now = new Date().toISOString();
      await database.db.insertInto('settings').values({ key: 'committed', value: '1', updated_at: now }).execute();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const trx = database.db.transaction().execute(async (tx) => {
        await tx.insertInto('settings').values({ key: 'uncommitted', value: '1', updated_at: now }).execute();
        await held;
      });
      await new Promise((r) => setTimeout(r, 5));
      // The writer's transaction is open: the read-only connection answers at once, with committed data only.
      const keys = (await database.readDb.selectFrom('settings').select('key').where('key', 'in', ['committed', 'uncommitted']).execute()).map((r) => r.key);
      expect(keys).toEqual(['committed']);
      release();
      await trx;
      const after = await database.readDb.selectFrom('settings').select('key').where('key', '=', 'uncommitted').execute();
      expect(after).toHaveLength(1);
      await expect(database.readDb.insertInto('settings').values({ key: 'nope', value: '1', updated_at: now }).execute()).rejects.toThrow(/readonly/i);
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
