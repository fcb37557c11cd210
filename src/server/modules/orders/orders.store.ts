import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type {
  OrderHistoryTable,
  OrderLinesTable,
  OrderReturnsTable,
  OrdersTable,
  PaymentsTable,
  RefundsTable,
} from '../../platform/db/tables/orders.tables.js';
import type { OrderStatus, ReturnStatus } from './core/order-lifecycle.js';

/** A unique-constraint violation on either dialect (SQLite or PostgreSQL 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

export class OrdersStore {
  constructor(private readonly db: Kysely<DB>) {}

  findByIdem(buyerId: string, key: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('orders').selectAll().where('buyer_id', '=', buyerId).where('idempotency_key', '=', key).executeTakeFirst();
  }

  findById(id: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insertOrder(exec: Kysely<DB>, order: OrdersTable, lines: OrderLinesTable[], history: OrderHistoryTable, payment: PaymentsTable | null): Promise<void> {
    await exec.insertInto('orders').values(order).execute();
    if (lines.length > 0) await exec.insertInto('order_lines').values(lines).execute();
    await exec.insertInto('order_history').values(history).execute();
    if (payment) await exec.insertInto('payments').values(payment).execute();
  }

  linesOf(orderIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (orderIds.length === 0) return Promise.resolve([] as OrderLinesTable[]);
    return exec.selectFrom('order_lines').selectAll().where('order_id', 'in', [...orderIds]).orderBy('order_id').orderBy('line_no').execute();
  }

  returnsOf(orderIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (orderIds.length === 0) return Promise.resolve([] as OrderReturnsTable[]);
    return exec.selectFrom('order_returns').selectAll().where('order_id', 'in', [...orderIds]).orderBy('created_at').orderBy('id').execute();
  }

  refundsOf(orderIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (orderIds.length === 0) return Promise.resolve([] as RefundsTable[]);
    return exec.selectFrom('refunds').selectAll().where('order_id', 'in', [...orderIds]).orderBy('created_at').orderBy('id').execute();
  }

  paymentsOf(orderIds: readonly string[], exec: Kysely<DB> = this.db) {
    if (orderIds.length === 0) return Promise.resolve([] as PaymentsTable[]);
    return exec.selectFrom('payments').selectAll().where('order_id', 'in', [...orderIds]).orderBy('created_at').orderBy('id').execute();
  }

  historyOf(orderId: string) {
    return this.db.selectFrom('order_history').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
  }

  listForBuyer(buyerId: string, q: { status?: OrderStatus | undefined; limit: number; cursor?: string | undefined }) {
    let x = this.db.selectFrom('orders').selectAll().where('buyer_id', '=', buyerId).orderBy('id', 'desc').limit(q.limit);
    if (q.status) x = x.where('status', '=', q.status);
    if (q.cursor) x = x.where('id', '<', q.cursor);
    return x.execute();
  }

  listConsole(q: { status?: OrderStatus | undefined; sessionId?: string | undefined; q?: string | undefined; buyerIds?: readonly string[]; limit: number; cursor?: string | undefined }) {
    let x = this.db.selectFrom('orders').selectAll().orderBy('id', 'desc').limit(q.limit);
    if (q.status) x = x.where('status', '=', q.status);
    if (q.sessionId) x = x.where('session_id', '=', q.sessionId);
    if (q.cursor) x = x.where('id', '<', q.cursor);
    if (q.q) {
      const term = q.q.toLowerCase();
      const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      x = x.where((eb) =>
        eb.or([
          eb('id', '=', q.q!),
          eb('tracking_no', '=', q.q!),
          eb('buyer_id', '=', q.q!),
          ...(q.buyerIds && q.buyerIds.length > 0 ? [eb('buyer_id', 'in', [...q.buyerIds])] : []),
          eb('id', 'in', eb.selectFrom('order_lines').select('order_id').where(sql<boolean>`lower(title) like ${like} escape '\\'`)),
        ]),
      );
    }
    return x.execute();
  }

  fulfilmentQueue(limit: number) {
    return this.db.selectFrom('orders').selectAll().where('status', '=', 'paid').orderBy('paid_at').orderBy('id').limit(limit).execute();
  }

  /** Flash units of a sale in orders still waiting for payment (their expiry gives the units back). */
  async unpaidFlashUnits(flashSaleId: string): Promise<number> {
    const r = await this.db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('order_lines.flash_units'), sql<number>`0`).as('n'))
      .where('order_lines.flash_sale_id', '=', flashSaleId)
      .where('orders.status', '=', 'pending_payment')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  dueUnpaid(nowIso: string, limit: number) {
    return this.db.selectFrom('orders').select(['id']).where('status', '=', 'pending_payment').where('pay_by', '<=', nowIso).orderBy('pay_by').limit(limit).execute();
  }

  /** Compare-and-set: the move happens only if nobody moved the order since it was read. */
  async moveIf(exec: Kysely<DB>, id: string, version: number, from: OrderStatus, patch: Partial<OrdersTable> & { status: OrderStatus }): Promise<boolean> {
    const r = await exec
      .updateTable('orders')
      .set({ ...patch, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertHistory(exec: Kysely<DB>, row: OrderHistoryTable): Promise<void> {
    await exec.insertInto('order_history').values(row).execute();
  }

  paymentByRef(provider: string, ref: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('payments').selectAll().where('provider', '=', provider).where('provider_ref', '=', ref).executeTakeFirst();
  }

  async setPaymentStatus(exec: Kysely<DB>, id: string, status: PaymentsTable['status'], nowIso: string): Promise<void> {
    await exec.updateTable('payments').set({ status, updated_at: nowIso }).where('id', '=', id).execute();
  }

  /** Records a webhook event; false if this provider already sent this event id (a replay). */
  async recordEvent(exec: Kysely<DB>, row: { provider: string; event_id: string; order_id: string | null; type: string; received_at: string }): Promise<boolean> {
    const r = await exec.insertInto('payment_events').values(row).onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async insertReturn(exec: Kysely<DB>, row: OrderReturnsTable): Promise<void> {
    await exec.insertInto('order_returns').values(row).execute();
  }

  findReturn(orderId: string, returnId: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('order_returns').selectAll().where('order_id', '=', orderId).where('id', '=', returnId).executeTakeFirst();
  }

  async moveReturnIf(exec: Kysely<DB>, id: string, from: ReturnStatus, to: ReturnStatus, nowIso: string): Promise<boolean> {
    const r = await exec.updateTable('order_returns').set({ status: to, updated_at: nowIso }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async addReturnedQty(exec: Kysely<DB>, lineId: string, qty: number): Promise<void> {
    await exec
      .updateTable('order_lines')
      .set((eb) => ({ returned_qty: eb('returned_qty', '+', qty) }))
      .where('id', '=', lineId)
      .execute();
  }

  async insertRefund(exec: Kysely<DB>, row: RefundsTable): Promise<void> {
    await exec.insertInto('refunds').values(row).execute();
  }

  async touch(exec: Kysely<DB>, id: string, nowIso: string): Promise<void> {
    await exec.updateTable('orders').set({ updated_at: nowIso }).where('id', '=', id).execute();
  }
}
