import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase, type Database, type DialectName } from '../../src/server/platform/db/database.js';
import { testPgUrl } from './capabilities.js';
import { need } from './need.js';

/** The personal-data key of test apps on PostgreSQL (32 bytes, base64; tests only). */
export const TEST_DATA_KEY = Buffer.alloc(32, 0x42).toString('base64');

export interface TestDatabase {
  database: Database;
  /** Config overrides that point an app at this same database. */
  overrides: { databaseUrl?: string; pgSchema?: string; dataDir: string; dataKey?: string };
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of the given dialect. SQLite: a file in a temp folder.
 * PostgreSQL: a schema of its own in the `test` database, so runs and files never collide.
 */
export async function openTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'onair-test-'));
  if (dialect === 'sqlite') {
    const database = await openDatabase({ sqliteFile: join(dataDir, 'onair.sqlite') });
    await migrateToLatest(database);
    return {
      database,
      overrides: { dataDir },
      drop: async () => {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `onair_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase({ databaseUrl: testPgUrl, pgSchema: schema, pgPoolMax: 5 });
  await migrateToLatest(database);
  return {
    database,
    // With DATABASE_URL the app refuses to start without a data key (addresses are encrypted with it).
    overrides: { databaseUrl: testPgUrl, pgSchema: schema, dataDir, dataKey: TEST_DATA_KEY },
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: testPgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The dialects to run a suite on: SQLite always, PostgreSQL when present (or required). */
export function dialects(): DialectName[] {
  return need('postgres') ? ['sqlite', 'postgres'] : ['sqlite'];
}
