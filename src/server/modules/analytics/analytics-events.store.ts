import type SQLite from 'better-sqlite3';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { AnalyticsEvent, AnalyticsEventType, MoneyLine, TrafficKind } from '../../../contracts/analytics-events.contract.js';
import type { Database } from '../../platform/db/database.js';
import type { DB } from '../../platform/db/db.types.js';
import type { AnalyticsEventsTable } from '../../platform/db/tables/analytics.tables.js';

/**
 * The event log (analytics_events): one row per event id. A port with two adapters, chosen by
 * dialect (`analyticsEventsStore(database)`):
 * - SQLite: one prepared `INSERT ... ON CONFLICT (id) DO NOTHING` per row inside one synchronous
 *   transaction on the raw writing connection (`Database.sqlite`); `changes` tells a new row from
 *   a duplicate. It runs
 *   only while Kysely has no transaction open on that connection (otherwise our rows would join,
 *   and perhaps roll back with, someone else's transaction).
 * - PostgreSQL: multi-row `INSERT ... ON CONFLICT (id) DO NOTHING RETURNING id` through Kysely,
 *   in chunks under the 65,535-parameter limit, all chunks of a batch in one transaction.
 * A batch is atomic on both: it is stored whole or not at all, so a retried batch reports as new
 * exactly the events the failed attempt did not store.
 */
export interface AnalyticsEventsStore {
  /**
   * Stores the events whose id is not stored yet (the first of a batch wins when a batch repeats
   * an id) and returns those, in batch order. All or nothing.
   */
  insertBatch(events: readonly AnalyticsEvent[]): Promise<AnalyticsEvent[]>;
  /** The session's events in (at, id) order, read page by page (keyset), so memory stays bounded. */
  streamSession(sessionId: string, pageSize?: number): AsyncIterable<AnalyticsEvent>;
  /** The same, a page (at most `pageSize` events) at a time: no promise per event, for big rebuilds. */
  streamSessionPages(sessionId: string, pageSize?: number): AsyncIterable<AnalyticsEvent[]>;
  countSession(sessionId: string): Promise<number>;
}

export interface AnalyticsEventsStoreOptions {
  /**
   * SQLite: runs `fn` at the first moment no transaction is open on the writing connection
   * (GroupCommit.atFreeMoment, shared with the order writes). Default: now if free, else polls
   * once per event-loop turn.
   */
  atFreeMoment?: (fn: () => void) => void;
}

export function analyticsEventsStore(database: Pick<Database, 'db' | 'sqlite' | 'dialect'>, o: AnalyticsEventsStoreOptions = {}): AnalyticsEventsStore {
  if (database.dialect === 'sqlite') {
    if (!database.sqlite) throw new Error('analytics store: a SQLite database without its writing connection');
    return new SqliteAnalyticsEventsStore(database.db, database.sqlite, o.atFreeMoment);
  }
  return new PgAnalyticsEventsStore(database.db);
}

// --- the one mapping between AnalyticsEvent and its row ------------------------------------

/** Column order of the positional forms (the SQLite statement, `eventValues`). */
export const EVENT_COLUMNS = ['id', 'session_id', 'type', 'viewer_key', 'at', 'stream_ms', 'source', 'traffic', 'product_id', 'ref', 'amount_fen', 'n', 'data'] as const satisfies readonly (keyof AnalyticsEventsTable)[];

/** The props kept in the `data` JSON column (rare, or structured). */
interface EventData {
  lines?: MoneyLine[];
  csat?: number;
  nps?: number;
  shareChannel?: string;
}

function dataOf(e: AnalyticsEvent): string | null {
  if (e.lines === undefined && e.csat === undefined && e.nps === undefined && e.shareChannel === undefined) return null;
  const d: EventData = {};
  if (e.lines !== undefined) d.lines = e.lines;
  if (e.csat !== undefined) d.csat = e.csat;
  if (e.nps !== undefined) d.nps = e.nps;
  if (e.shareChannel !== undefined) d.shareChannel = e.shareChannel;
  return JSON.stringify(d);
}

export type EventColumnValues = [string, string, string, string, number, number | null, string | null, string, string | null, string | null, number | null, number, string | null];

/**
 * The one mapping from an event to its columns: calls `to` with the column values in
 * EVENT_COLUMNS order (`n` defaults to 1). Positional arguments, not an array: SQLite's insert
 * binds them straight from here (better-sqlite3 binds an array argument measurably slower).
 */
function withColumnValues<R>(e: AnalyticsEvent, to: (...v: EventColumnValues) => R): R {
  return to(e.id, e.sessionId, e.type, e.viewerKey, e.at, e.streamMs, e.source, e.traffic, e.productId ?? null, e.ref ?? null, e.amountFen ?? null, e.n ?? 1, dataOf(e));
}

/** An event's column values in EVENT_COLUMNS order. */
export function eventValues(e: AnalyticsEvent): EventColumnValues {
  return withColumnValues(e, (...v) => v);
}

export function eventRow(e: AnalyticsEvent): Insertable<AnalyticsEventsTable> {
  const v = eventValues(e);
  return { id: v[0], session_id: v[1], type: v[2], viewer_key: v[3], at: v[4], stream_ms: v[5], source: v[6], traffic: v[7], product_id: v[8], ref: v[9], amount_fen: v[10], n: v[11], data: v[12] };
}

/**
 * The event a row stores. Absent props stay absent (null columns are not set), and `n` is set
 * only when it is not the default 1.
 */
export function rowEvent(r: Selectable<AnalyticsEventsTable>): AnalyticsEvent {
  return eventFromValues(r.id, r.session_id, r.type, r.viewer_key, r.at, r.stream_ms, r.source, r.traffic, r.product_id, r.ref, r.amount_fen, r.n, r.data);
}

function eventFromValues(id: string, sessionId: string, type: string, viewerKey: string, at: number, streamMs: number | null, source: string | null, traffic: string, productId: string | null, ref: string | null, amountFen: number | null, n: number, data: string | null): AnalyticsEvent {
  const e: AnalyticsEvent = { id, type: type as AnalyticsEventType, sessionId, viewerKey, at: Number(at), streamMs: streamMs === null ? null : Number(streamMs), source, traffic: traffic as TrafficKind };
  if (productId !== null) e.productId = productId;
  if (ref !== null) e.ref = ref;
  if (amountFen !== null) e.amountFen = Number(amountFen);
  if (n !== 1 && n !== null) e.n = Number(n);
  if (data !== null) Object.assign(e, JSON.parse(data) as EventData);
  return e;
}

/** What the SQLite reads select: every column but session_id, in EVENT_COLUMNS order. */
const READ_COLUMNS = EVENT_COLUMNS.filter((c) => c !== 'session_id');
type ReadRow = [string, string, string, number, number | null, string | null, string, string | null, string | null, number | null, number, string | null];

/** The first event of each id, in batch order (a batch that repeats an id stores the first). */
function firstOfEachId(events: readonly AnalyticsEvent[]): readonly AnalyticsEvent[] {
  const seen = new Set<string>();
  let dup = false;
  for (const e of events) {
    if (seen.has(e.id)) {
      dup = true;
      break;
    }
    seen.add(e.id);
  }
  if (!dup) return events;
  seen.clear();
  return events.filter((e) => !seen.has(e.id) && (seen.add(e.id), true));
}

async function countSession(db: Kysely<DB>, sessionId: string): Promise<number> {
  const r = await db.selectFrom('analytics_events').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

// --- SQLite ------------------------------------------------------------------------------

interface SqliteStatements {
  insert: SQLite.Statement;
  firstPage: SQLite.Statement;
  nextPage: SQLite.Statement;
  tx: (events: readonly AnalyticsEvent[]) => AnalyticsEvent[];
}
const statements = new WeakMap<SQLite.Database, SqliteStatements>();

function sqliteStatements(sqlite: SQLite.Database): SqliteStatements {
  let st = statements.get(sqlite);
  if (st) return st;
  const cols = EVENT_COLUMNS.join(', ');
  // ON CONFLICT (id) DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also skip a row
  // that breaks NOT NULL, silently; this ignores only a repeated id, as on PostgreSQL.
  const insert = sqlite.prepare(`INSERT INTO analytics_events (${cols}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`);
  // Reads leave session_id out (the caller knows it): one string less to make per row.
  const readCols = READ_COLUMNS.join(', ');
  const firstPage = sqlite.prepare(`SELECT ${readCols} FROM analytics_events WHERE session_id = ? ORDER BY at, id LIMIT ?`).raw(true);
  const nextPage = sqlite.prepare(`SELECT ${readCols} FROM analytics_events WHERE session_id = ? AND (at, id) > (?, ?) ORDER BY at, id LIMIT ?`).raw(true);
  const run = insert.run.bind(insert) as (...v: EventColumnValues) => SQLite.RunResult;
  const tx = sqlite.transaction((events: readonly AnalyticsEvent[]) => {
    const stored: AnalyticsEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (withColumnValues(e, run).changes === 1) stored.push(e);
    }
    return stored;
  });
  st = { insert, firstPage, nextPage, tx };
  statements.set(sqlite, st);
  return st;
}

export class SqliteAnalyticsEventsStore implements AnalyticsEventsStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly sqlite: SQLite.Database,
    private readonly atFreeMoment: (fn: () => void) => void = (fn) => whenFree(sqlite, fn),
  ) {}

  /** Synchronous: call only while no transaction is open on the connection. */
  insertBatchNow(events: readonly AnalyticsEvent[]): AnalyticsEvent[] {
    if (events.length === 0) return [];
    if (this.sqlite.inTransaction) throw new Error('analytics store: a transaction is open on the writing connection');
    return sqliteStatements(this.sqlite).tx(events);
  }

  insertBatch(events: readonly AnalyticsEvent[]): Promise<AnalyticsEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    if (!this.sqlite.inTransaction) {
      try {
        return Promise.resolve(sqliteStatements(this.sqlite).tx(events));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    }
    return new Promise<AnalyticsEvent[]>((resolve, reject) =>
      this.atFreeMoment(() => {
        try {
          resolve(this.insertBatchNow(events));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }),
    );
  }

  async *streamSessionPages(sessionId: string, pageSize = 10_000): AsyncIterable<AnalyticsEvent[]> {
    const st = sqliteStatements(this.sqlite);
    let rows = st.firstPage.all(sessionId, pageSize) as ReadRow[];
    while (rows.length > 0) {
      const page = new Array<AnalyticsEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        page[i] = eventFromValues(r[0], sessionId, r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]);
      }
      const last = rows[rows.length - 1]!;
      const full = rows.length === pageSize;
      rows = [];
      yield page;
      if (!full) return;
      rows = st.nextPage.all(sessionId, last[3], last[0], pageSize) as ReadRow[];
    }
  }

  async *streamSession(sessionId: string, pageSize = 10_000): AsyncIterable<AnalyticsEvent> {
    for await (const page of this.streamSessionPages(sessionId, pageSize)) for (const e of page) yield e;
  }

  countSession(sessionId: string): Promise<number> {
    return countSession(this.db, sessionId);
  }
}

/** Runs `fn` now if no transaction is open on the connection, else at the first turn of the event loop it is free. */
function whenFree(sqlite: SQLite.Database, fn: () => void): void {
  if (!sqlite.inTransaction) {
    fn();
    return;
  }
  setImmediate(() => whenFree(sqlite, fn));
}

// --- PostgreSQL --------------------------------------------------------------------------

/** 13 parameters a row: 2,000 rows are 26,000, well under PostgreSQL's 65,535. */
export const PG_ROWS_PER_STATEMENT = 2_000;

export class PgAnalyticsEventsStore implements AnalyticsEventsStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insertBatch(events: readonly AnalyticsEvent[]): Promise<AnalyticsEvent[]> {
    if (events.length === 0) return [];
    const unique = firstOfEachId(events);
    const insertChunk = async (exec: Kysely<DB>, chunk: readonly AnalyticsEvent[], into: Set<string>) => {
      const rows = await exec
        .insertInto('analytics_events')
        .values(chunk.map(eventRow))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      for (const r of rows) into.add(r.id);
    };
    const stored = new Set<string>();
    if (unique.length <= PG_ROWS_PER_STATEMENT) await insertChunk(this.db, unique, stored);
    else
      await this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < unique.length; i += PG_ROWS_PER_STATEMENT) await insertChunk(trx, unique.slice(i, i + PG_ROWS_PER_STATEMENT), stored);
      });
    return unique.filter((e) => stored.has(e.id));
  }

  async *streamSession(sessionId: string, pageSize = 10_000): AsyncIterable<AnalyticsEvent> {
    for await (const page of this.streamSessionPages(sessionId, pageSize)) for (const e of page) yield e;
  }

  async *streamSessionPages(sessionId: string, pageSize = 10_000): AsyncIterable<AnalyticsEvent[]> {
    let after: { at: number; id: string } | null = null;
    for (;;) {
      let q = this.db.selectFrom('analytics_events').selectAll().where('session_id', '=', sessionId);
      if (after) {
        const { at, id } = after;
        q = q.where(sql<boolean>`(at, id collate "C") > (${at}, ${id} collate "C")`);
      }
      // COLLATE "C" in the order and the keyset alike: ids compare bytewise, as SQLite's BINARY
      // does, whatever the database's collation, so both dialects agree on the order.
      const page = await q.orderBy('at').orderBy(sql`id collate "C"`).limit(pageSize).execute();
      if (page.length === 0) return;
      yield page.map(rowEvent);
      if (page.length < pageSize) return;
      const last = page[page.length - 1]!;
      after = { at: Number(last.at), id: last.id };
    }
  }

  countSession(sessionId: string): Promise<number> {
    return countSession(this.db, sessionId);
  }
}
