import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import type { DB } from './db.types.js';
import { migrationProvider } from './migrations/index.js';
import { SchemaScopedPostgresDialect } from './schema-scoped-introspector.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

export type DialectName = 'sqlite' | 'postgres';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database {
  db: Kysely<DB>;
  /**
   * For hot single-row reads that must not wait behind a write transaction (who is signed in).
   * On a SQLite file: a second, read-only connection (WAL lets it read while the other writes;
   * it sees every committed write). Elsewhere the same as `db`.
   */
  readDb: Kysely<DB>;
  /**
   * SQLite only: the writing connection itself, for a synchronous transaction on a hot path
   * (a flash sale's reservations). Safe only while Kysely has no transaction open on it
   * (`sqlite.inTransaction` false): a synchronous transaction then runs whole, nothing can
   * interleave. Null on PostgreSQL.
   */
  sqlite: SQLite.Database | null;
  /** PostgreSQL only: the pool itself, for a multi-statement simple query on a hot path (one round trip). Null on SQLite. */
  pgPool: pg.Pool | null;
  dialect: DialectName;
  /** PostgreSQL schema holding our tables (null on SQLite). */
  schema: string | null;
  /** Cheap round-trip used by /readyz. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
  /** Human-readable location without credentials, for logs. */
  describe(): string;
  /** SQLite file: the worker thread that checkpoints the WAL (null elsewhere, or when it could not start). */
  checkpointer?: WalCheckpointer | null;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  pgSchema?: string;
  pgPoolMax?: number;
  /** SQLite file path, or ':memory:'. */
  sqliteFile?: string;
  /** SQLite file: how often the worker thread checkpoints the WAL (default 1000 ms). */
  walCheckpointMs?: number;
}

// PostgreSQL returns int8 (COUNT, SUM) as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const schema = opts.pgSchema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    // Create the schema with a short-lived client first, so every pooled connection can
    // simply set search_path and all queries stay unqualified and portable.
    const bootstrap = new pg.Client({ connectionString: opts.databaseUrl });
    await bootstrap.connect();
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await bootstrap.end();
    }
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.pgPoolMax ?? 10,
      options: `-c search_path="${schema}"`,
    });
    const db = new Kysely<DB>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
    return {
      db,
      readDb: db,
      sqlite: null,
      pgPool: pool,
      dialect: 'postgres',
      schema,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      close: () => db.destroy(),
      describe: () => `${redactUrl(opts.databaseUrl!)} (schema ${schema})`,
    };
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  // Kysely's SQLite driver holds its one connection for a whole transaction, so a sign-in lookup
  // would wait behind every order being written; a read-only second connection does not.
  let readDb = db;
  if (file !== ':memory:') {
    const reader = new SQLite(file, { readonly: true });
    reader.pragma('busy_timeout = 5000');
    readDb = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(reader) }) });
  }
  // Checkpoints in a worker thread, not in whichever commit crosses the threshold (wal-checkpointer.ts).
  const checkpointer = file !== ':memory:' ? startWalCheckpointer(resolve(file), sqlite, opts.walCheckpointMs ? { everyMs: opts.walCheckpointMs } : {}) : null;
  return {
    db,
    readDb,
    sqlite,
    pgPool: null,
    dialect: 'sqlite',
    schema: null,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    // One writing connection, used serially by better-sqlite3 (plus the read-only one).
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: async () => {
      await checkpointer?.stop();
      if (readDb !== db) await readDb.destroy();
      // Leave the database file whole and the WAL empty.
      if (file !== ':memory:' && sqlite.open) {
        try {
          sqlite.pragma('wal_checkpoint(TRUNCATE)');
        } catch {
          // Busy (another process reads it): SQLite checkpoints on its next open.
        }
      }
      await db.destroy();
    },
    checkpointer,
    describe: () => `sqlite ${file === ':memory:' ? ':memory:' : resolve(file)}`,
  };
}

/**
 * better-sqlite3 compiles a statement on every `prepare(sql)`, and Kysely prepares each query it
 * runs. Queries repeat (the same SQL text, other parameters), so keep the prepared statements by
 * text, bounded (least recently used out). Safe because Kysely's SQLite driver runs one query at
 * a time on its single connection (a statement is never re-entered while it runs), and SQLite
 * re-prepares a cached statement itself after a schema change.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  const cached = (source: string): SQLite.Statement => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source);
    } else {
      stmt = prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, stmt);
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return cached;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export async function migrateToLatest(database: Pick<Database, 'db' | 'schema'>): Promise<MigrationResultSet> {
  // Name the schema explicitly: Kysely looks for its bookkeeping tables across all schemas
  // and would otherwise find another installation's in the same PostgreSQL database.
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
