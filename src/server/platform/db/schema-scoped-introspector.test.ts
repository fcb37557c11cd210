import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPgUrl } from '../../../../test/support/capabilities.js';
import { need } from '../../../../test/support/need.js';
import { SchemaScopedIntrospector } from './schema-scoped-introspector.js';

describe.skipIf(!need('postgres'))('schema-scoped introspection on postgres', () => {
  const own = `onair_si_${randomBytes(4).toString('hex')}`;
  const other = `onair_si_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let pool: pg.Pool;
  let db: Kysely<unknown>;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: testPgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${own}"; CREATE SCHEMA "${other}"`);
    await admin.query(`CREATE TABLE "${own}".items (id serial primary key, name text not null, note text default 'x')`);
    await admin.query(`CREATE TABLE "${own}".kysely_migration (name text)`);
    await admin.query(`CREATE TABLE "${other}".items (id int)`);
    pool = new pg.Pool({ connectionString: testPgUrl, max: 2 });
    db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  });
  afterAll(async () => {
    await db.destroy();
    await admin.query(`DROP SCHEMA IF EXISTS "${own}" CASCADE; DROP SCHEMA IF EXISTS "${other}" CASCADE`);
    await admin.end();
  });

  it('lists only its own schema, with the columns Kysely would report', async () => {
    const introspector = new SchemaScopedIntrospector(db, own);
    expect(await introspector.getSchemas()).toEqual([{ name: own }]);
    const tables = await introspector.getTables();
    expect(tables.map((t) => `${t.schema}.${t.name}`)).toEqual([`${own}.items`]);
    const cols = Object.fromEntries(tables[0]!.columns.map((c) => [c.name, c]));
    expect(cols.id).toMatchObject({ dataType: 'int4', isAutoIncrementing: true, isNullable: false, hasDefaultValue: true });
    expect(cols.name).toMatchObject({ dataType: 'text', isAutoIncrementing: false, isNullable: false, hasDefaultValue: false });
    expect(cols.note).toMatchObject({ isAutoIncrementing: false, isNullable: true, hasDefaultValue: true });
    const withInternal = await introspector.getTables({ withInternalKyselyTables: true });
    expect(withInternal.map((t) => t.name)).toEqual(['items', 'kysely_migration']);
  });

  it('keeps working while other schemas are created and dropped', async () => {
    // Kysely's own introspector calls has_schema_privilege(name) on every schema and fails
    // with "schema ... does not exist" when one disappears mid-query (this churn makes it fail
    // within a few hundred milliseconds on an idle machine); this one must not.
    const introspector = new SchemaScopedIntrospector(db, own);
    let stop = false;
    // Four clients each create a schema of twenty tables and drop it again, over and over.
    const churn = Promise.all(
      [0, 1, 2, 3].map(async () => {
        const c = new pg.Client({ connectionString: testPgUrl });
        await c.connect();
        while (!stop) {
          const s = `onair_si_churn_${randomBytes(4).toString('hex')}`;
          const tables = Array.from({ length: 20 }, (_, i) => `CREATE TABLE "${s}".t${i} (id serial, a text, b int)`).join('; ');
          await c.query(`CREATE SCHEMA "${s}"; ${tables}`);
          await c.query(`DROP SCHEMA "${s}" CASCADE`);
        }
        await c.end();
      }),
    );
    try {
      // For two seconds (and at least 20 times): bounded, as the database is shared with the other tests.
      const until = Date.now() + 2000;
      for (let i = 0; i < 20 || Date.now() < until; i++) expect((await introspector.getTables()).map((t) => t.name)).toEqual(['items']);
    } finally {
      stop = true;
      await churn;
    }
  }, 60_000);
});
