import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { DB } from '../../platform/db/db.types.js';
import type { FlashReservationStatus, FlashReservationsTable, FlashSaleStatus, FlashSalesTable } from '../../platform/db/tables/flash-sales.tables.js';

/** The flash-sales module's tables (portable SQL: the same statements on SQLite and PostgreSQL). */
export class FlashSalesStore {
  constructor(private readonly db: Kysely<DB>) {}

  findById(id: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_sales').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listBySession(sessionId: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_sales').selectAll().where('session_id', '=', sessionId).orderBy('starts_at').orderBy('id').execute();
  }

  /** Sales the clock still has to move (scheduled or open). */
  listActive(exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_sales').selectAll().where('status', 'in', ['scheduled', 'open']).execute();
  }

  openBySessionAndSkus(sessionId: string, skuIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (skuIds.length === 0) return Promise.resolve([] as FlashSalesTable[]);
    return exec.selectFrom('flash_sales').selectAll().where('session_id', '=', sessionId).where('status', '=', 'open').where('sku_id', 'in', [...skuIds]).execute();
  }

  /** Scheduled or open sales of a SKU in a session whose window overlaps [from, to). */
  overlapping(exec: Kysely<DB>, sessionId: string, skuId: string, fromIso: string, toIso: string) {
    return exec
      .selectFrom('flash_sales')
      .select(['id', 'starts_at', 'ends_at'])
      .where('session_id', '=', sessionId)
      .where('sku_id', '=', skuId)
      .where('status', 'in', ['scheduled', 'open'])
      .where('starts_at', '<', toIso)
      .where('ends_at', '>', fromIso)
      .execute();
  }

  async insert(exec: Kysely<DB>, row: FlashSalesTable): Promise<void> {
    await exec.insertInto('flash_sales').values(row).execute();
  }

  /** Compare-and-set on status; the row stays locked (PostgreSQL) until the transaction ends. */
  async setStatusIf(exec: Kysely<DB>, id: string, from: FlashSaleStatus, patch: Partial<FlashSalesTable>): Promise<boolean> {
    const r = await exec.updateTable('flash_sales').set(patch).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Moves the whole unsold pool to stock_returned; returns how many units that was. Call with the row locked. */
  async returnPool(exec: Kysely<DB>, id: string): Promise<number> {
    const row = await exec.selectFrom('flash_sales').select(['stock_left']).where('id', '=', id).executeTakeFirstOrThrow();
    const left = Number(row.stock_left);
    if (left > 0) {
      await exec
        .updateTable('flash_sales')
        .set((eb) => ({ stock_returned: eb('stock_returned', '+', left), stock_left: eb('stock_left', '-', left) }))
        .where('id', '=', id)
        .execute();
    }
    return left;
  }

  /** The record's decrement: only while open and only if that many units are left. Returns the limit, or null if refused. */
  async takeFromPool(exec: Kysely<DB>, id: string, units: number, nowIso: string): Promise<{ limit: number } | null> {
    const r = await exec
      .updateTable('flash_sales')
      .set((eb) => ({ stock_left: eb('stock_left', '-', units), updated_at: nowIso }))
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where('stock_left', '>=', units)
      .returning(['per_buyer_limit'])
      .executeTakeFirst();
    return r ? { limit: Number(r.per_buyer_limit) } : null;
  }

  async giveToPool(exec: Kysely<DB>, id: string, units: number, nowIso: string, onlyIfNotReturned: boolean): Promise<boolean> {
    let q = exec
      .updateTable('flash_sales')
      .set((eb) => ({ stock_left: eb('stock_left', '+', units), updated_at: nowIso }))
      .where('id', '=', id);
    if (onlyIfNotReturned) q = q.where('returned_at', 'is', null);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async addReturned(exec: Kysely<DB>, id: string, units: number, nowIso: string): Promise<void> {
    await exec
      .updateTable('flash_sales')
      .set((eb) => ({ stock_returned: eb('stock_returned', '+', units), updated_at: nowIso }))
      .where('id', '=', id)
      .execute();
  }

  /** Adds units to a buyer's count unless that would pass the limit (one statement: the upsert refuses). */
  async addBuyerUnits(exec: Kysely<DB>, saleId: string, buyerId: string, units: number, limit: number): Promise<boolean> {
    if (units > limit) return false;
    const r = await exec
      .insertInto('flash_sale_buyers')
      .values({ flash_sale_id: saleId, buyer_id: buyerId, quantity: units, max_quantity: limit })
      .onConflict((oc) =>
        oc
          .columns(['flash_sale_id', 'buyer_id'])
          .doUpdateSet({ quantity: sql`flash_sale_buyers.quantity + excluded.quantity` })
          .where(sql<boolean>`flash_sale_buyers.quantity + excluded.quantity <= flash_sale_buyers.max_quantity`),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async removeBuyerUnits(exec: Kysely<DB>, saleId: string, buyerId: string, units: number): Promise<boolean> {
    const r = await exec
      .updateTable('flash_sale_buyers')
      .set((eb) => ({ quantity: eb('quantity', '-', units) }))
      .where('flash_sale_id', '=', saleId)
      .where('buyer_id', '=', buyerId)
      .where('quantity', '>=', units)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  buyersOf(saleId: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_sale_buyers').select(['buyer_id', 'quantity']).where('flash_sale_id', '=', saleId).where('quantity', '>=', 0).execute();
  }

  buyerUnits(buyerId: string, saleIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (saleIds.length === 0) return Promise.resolve([]);
    return exec.selectFrom('flash_sale_buyers').select(['flash_sale_id', 'quantity']).where('buyer_id', '=', buyerId).where('flash_sale_id', 'in', [...saleIds]).execute();
  }

  async insertClaim(exec: Kysely<DB>, row: { token: string; flash_sale_id: string; buyer_id: string; units: number; created_at: string }): Promise<void> {
    await exec.insertInto('flash_sale_claims').values(row).execute();
  }

  async existingTokens(tokens: readonly string[], exec: Kysely<DB> = this.db): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const rows = await exec.selectFrom('flash_sale_claims').select('token').where('token', 'in', [...tokens]).execute();
    return new Set(rows.map((r) => r.token));
  }

  recentTokens(saleId: string, sinceIso: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_sale_claims').select('token').where('flash_sale_id', '=', saleId).where('created_at', '>=', sinceIso).execute();
  }

  // ---------- reservations ----------

  /**
   * Records a batch of claims as reservations, in the caller's transaction, with a few statements
   * whatever the batch size: the reservations and their claim tokens (many rows per statement),
   * per buyer one upsert under the limit (buyers in id order, so concurrent batches lock them in
   * the same order), and last, per sale, the conditional pool decrement: the sale's row is locked
   * only from there to the commit, so batches on several connections overlap (PostgreSQL).
   * Returns false (the caller rolls back and records one by one) if the record refuses any part.
   * `limits`: each sale's per-buyer limit (fixed when the sale is created).
   */
  async recordReservations(exec: Kysely<DB>, rows: readonly FlashReservationsTable[], nowIso: string, limits: ReadonlyMap<string, number>): Promise<boolean> {
    const { perSale, perBuyer } = tally(rows);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      await exec.insertInto('flash_reservations').values(part).execute();
      await exec
        .insertInto('flash_sale_claims')
        .values(part.map((r) => ({ token: r.token, flash_sale_id: r.flash_sale_id, buyer_id: r.buyer_id, units: r.units, created_at: r.created_at })))
        .execute();
    }
    const buyers = [...perBuyer.values()].sort((a, b) => (a.sale === b.sale ? (a.buyer < b.buyer ? -1 : 1) : a.sale < b.sale ? -1 : 1));
    for (let i = 0; i < buyers.length; i += CHUNK) {
      const part = buyers.slice(i, i + CHUNK);
      if (part.some((b) => limits.get(b.sale) === undefined || b.units > limits.get(b.sale)!)) return false;
      const r = await exec
        .insertInto('flash_sale_buyers')
        .values(part.map((b) => ({ flash_sale_id: b.sale, buyer_id: b.buyer, quantity: b.units, max_quantity: limits.get(b.sale)! })))
        .onConflict((oc) =>
          oc
            .columns(['flash_sale_id', 'buyer_id'])
            .doUpdateSet({ quantity: sql`flash_sale_buyers.quantity + excluded.quantity` })
            .where(sql<boolean>`flash_sale_buyers.quantity + excluded.quantity <= flash_sale_buyers.max_quantity`),
        )
        .returning('buyer_id')
        .execute();
      if (r.length !== part.length) return false;
    }
    for (const [sale, units] of [...perSale].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const taken = await this.takeFromPool(exec, sale, units, nowIso);
      // The limit the buyers were checked against must be the sale's (it never changes; a guard).
      if (!taken || taken.limit !== limits.get(sale)) return false;
    }
    return true;
  }

  /**
   * PostgreSQL: the same record as recordReservations, for one sale, in ONE round trip: a simple
   * query of two statements, which PostgreSQL runs as one implicit transaction. The first writes
   * the reservations, their claim tokens and the buyers' units (data-modifying CTEs over the rows
   * sent as one JSON literal); the second takes the units from the pool, so the sale's row is
   * locked only from there to the commit and batches on other connections overlap. If the pool
   * or a buyer's limit refuses, a statement divides by zero, so the transaction fails and writes
   * nothing (isRefusal). Values are quoted with node-postgres's escapeLiteral; numbers are checked
   * integers.
   */
  static async recordReservationsPg(pool: pg.Pool, saleId: string, rows: readonly FlashReservationsTable[], nowIso: string, limit: number): Promise<void> {
    if (rows.some((r) => r.flash_sale_id !== saleId)) throw new Error('recordReservationsPg: one sale per call');
    const { perSale, perBuyer } = tally(rows);
    const total = perSale.get(saleId) ?? 0;
    const int = (n: number) => {
      if (!Number.isSafeInteger(n)) throw new Error(`recordReservationsPg: not an integer: ${n}`);
      return String(n);
    };
    const lit = (v: string) => pg.escapeLiteral(v);
    const data = JSON.stringify(rows.map((r) => ({ id: r.id, session_id: r.session_id, sku_id: r.sku_id, buyer_id: r.buyer_id, units: r.units, price_fen: r.price_fen, token: r.token, idem: r.idempotency_key, hold_until: r.hold_until, at: r.created_at })));
    const buyers = JSON.stringify([...perBuyer.values()].sort((a, b) => (a.buyer < b.buyer ? -1 : 1)).map((b) => ({ buyer: b.buyer, qty: b.units })));
    const sale = lit(saleId);
    await pool.query(`
      with r as (
        select * from json_to_recordset(${lit(data)}::json)
          as x(id text, session_id text, sku_id text, buyer_id text, units int, price_fen int, token text, idem text, hold_until text, at text)
      ), res as (
        insert into flash_reservations (id, flash_sale_id, session_id, sku_id, buyer_id, units, price_fen, status, token, idempotency_key, hold_until, order_id, created_at, updated_at)
        select id, ${sale}, session_id, sku_id, buyer_id, units, price_fen, 'held', token, idem, hold_until, null, at, at from r
        returning 1
      ), claims as (
        insert into flash_sale_claims (token, flash_sale_id, buyer_id, units, created_at)
        select token, ${sale}, buyer_id, units, at from r
        returning 1
      ), buyers as (
        insert into flash_sale_buyers (flash_sale_id, buyer_id, quantity, max_quantity)
        select ${sale}, b.buyer, b.qty, ${int(limit)} from json_to_recordset(${lit(buyers)}::json) as b(buyer text, qty int)
        where b.qty <= ${int(limit)}
        on conflict (flash_sale_id, buyer_id) do update set quantity = flash_sale_buyers.quantity + excluded.quantity
        where flash_sale_buyers.quantity + excluded.quantity <= flash_sale_buyers.max_quantity
        returning 1
      )
      select 1 / (case when (select count(*) from res) = ${int(rows.length)} and (select count(*) from claims) = ${int(rows.length)}
        and (select count(*) from buyers) = ${int(perBuyer.size)} then 1 else 0 end) as ok;
      with taken as (
        update flash_sales set stock_left = stock_left - ${int(total)}, updated_at = ${lit(nowIso)}
        where id = ${sale} and status = 'open' and stock_left >= ${int(total)} and per_buyer_limit = ${int(limit)}
        returning 1
      )
      select 1 / (select count(*)::int from taken) as ok;
    `);
  }

  /** The failure recordReservationsPg raises when the record refuses (division by zero; a CHECK constraint as the last line). */
  static isRefusal(err: unknown): boolean {
    const code = (err as { code?: unknown })?.code;
    return code === '22012' || code === '23514';
  }

  /**
   * SQLite: the same record as recordReservations, as one synchronous transaction on the writing
   * connection (prepared statements, no awaits): it runs whole the moment it is called, so a
   * winner never queues behind the other users of the connection. Call only while Kysely has no
   * transaction open on it (`sqlite.inTransaction` false). False (nothing written) when refused.
   */
  static recordReservationsSync(sqlite: SQLite.Database, rows: readonly FlashReservationsTable[], nowIso: string, limits: ReadonlyMap<string, number>): boolean {
    const st = sqliteStatements(sqlite);
    const { perSale, perBuyer } = tally(rows);
    try {
      st.tx(() => {
        for (const r of rows) {
          st.reservation.run(r.id, r.flash_sale_id, r.session_id, r.sku_id, r.buyer_id, r.units, r.price_fen, r.status, r.token, r.idempotency_key, r.hold_until, r.order_id, r.created_at, r.updated_at);
          st.claim.run(r.token, r.flash_sale_id, r.buyer_id, r.units, r.created_at);
        }
        for (const b of perBuyer.values()) {
          const limit = limits.get(b.sale);
          if (limit === undefined || b.units > limit || !st.buyer.get(b.sale, b.buyer, b.units, limit)) throw REFUSED;
        }
        for (const [sale, units] of perSale) {
          const taken = st.pool.get(units, nowIso, sale, units) as { per_buyer_limit: number } | undefined;
          if (!taken || Number(taken.per_buyer_limit) !== limits.get(sale)) throw REFUSED;
        }
      })();
      return true;
    } catch (e) {
      if (e === REFUSED) return false;
      throw e;
    }
  }

  findReservation(id: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_reservations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findReservations(ids: readonly string[], exec: Kysely<DB> = this.db) {
    if (ids.length === 0) return Promise.resolve([] as FlashReservationsTable[]);
    return exec.selectFrom('flash_reservations').selectAll().where('id', 'in', [...ids]).execute();
  }

  findReservationByKey(buyerId: string, saleId: string, key: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_reservations').selectAll().where('buyer_id', '=', buyerId).where('flash_sale_id', '=', saleId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  /** A buyer's reservations still held, of these sales. */
  heldReservations(buyerId: string, saleIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (saleIds.length === 0) return Promise.resolve([] as FlashReservationsTable[]);
    return exec.selectFrom('flash_reservations').selectAll().where('buyer_id', '=', buyerId).where('flash_sale_id', 'in', [...saleIds]).where('status', '=', 'held').orderBy('created_at').execute();
  }

  /** Held reservations whose hold has run out, oldest first. */
  dueReservations(nowIso: string, limit: number, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('flash_reservations').selectAll().where('status', '=', 'held').where('hold_until', '<=', nowIso).orderBy('hold_until').limit(limit).execute();
  }

  /** Units held in reservations of a sale (not yet ordered). */
  async heldUnits(saleId: string, exec: Kysely<DB> = this.db): Promise<number> {
    const r = await exec.selectFrom('flash_reservations').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('units'), sql<number>`0`).as('n')).where('flash_sale_id', '=', saleId).where('status', '=', 'held').executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** held -> to (compare-and-set); the row as it was, or undefined when it was not held (or not this buyer's). */
  async endReservation(exec: Kysely<DB>, id: string, to: Exclude<FlashReservationStatus, 'held'>, nowIso: string, opts: { buyerId?: string; orderId?: string; unexpiredAt?: string } = {}) {
    let q = exec
      .updateTable('flash_reservations')
      .set({ status: to, updated_at: nowIso, ...(to === 'ordered' ? { order_id: opts.orderId ?? null } : {}) })
      .where('id', '=', id)
      .where('status', '=', 'held');
    if (opts.buyerId) q = q.where('buyer_id', '=', opts.buyerId);
    if (opts.unexpiredAt) q = q.where('hold_until', '>', opts.unexpiredAt);
    return q.returningAll().executeTakeFirst();
  }
}

/** Rows per multi-row statement (well under both databases' bound-parameter limits). */
const CHUNK = 400;

const REFUSED = new Error('the record refused the reservations');

/** A batch's units per sale and per (sale, buyer): what the pool and the buyers' limits are checked against. */
function tally(rows: readonly FlashReservationsTable[]) {
  const perSale = new Map<string, number>();
  const perBuyer = new Map<string, { sale: string; buyer: string; units: number }>();
  for (const r of rows) {
    perSale.set(r.flash_sale_id, (perSale.get(r.flash_sale_id) ?? 0) + r.units);
    const k = `${r.flash_sale_id}\u0000${r.buyer_id}`;
    const b = perBuyer.get(k);
    if (b) b.units += r.units;
    else perBuyer.set(k, { sale: r.flash_sale_id, buyer: r.buyer_id, units: r.units });
  }
  return { perSale, perBuyer };
}

/** The prepared statements of recordReservationsSync, per connection. */
const prepared = new WeakMap<SQLite.Database, ReturnType<typeof prepare>>();
const prepare = (db: SQLite.Database) => ({
  tx: (fn: () => void) => db.transaction(fn),
  reservation: db.prepare(
    'insert into flash_reservations (id, flash_sale_id, session_id, sku_id, buyer_id, units, price_fen, status, token, idempotency_key, hold_until, order_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  claim: db.prepare('insert into flash_sale_claims (token, flash_sale_id, buyer_id, units, created_at) values (?, ?, ?, ?, ?)'),
  buyer: db.prepare(
    'insert into flash_sale_buyers (flash_sale_id, buyer_id, quantity, max_quantity) values (?, ?, ?, ?) on conflict (flash_sale_id, buyer_id) do update set quantity = flash_sale_buyers.quantity + excluded.quantity where flash_sale_buyers.quantity + excluded.quantity <= flash_sale_buyers.max_quantity returning buyer_id',
  ),
  pool: db.prepare("update flash_sales set stock_left = stock_left - ?, updated_at = ? where id = ? and status = 'open' and stock_left >= ? returning per_buyer_limit"),
});
function sqliteStatements(db: SQLite.Database): ReturnType<typeof prepare> {
  let st = prepared.get(db);
  if (!st) prepared.set(db, (st = prepare(db)));
  return st;
}
