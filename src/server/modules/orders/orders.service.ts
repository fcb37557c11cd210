import { csvCell } from '../../platform/csv.js';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type {
  addressSchema,
  consoleOrderDetail,
  consoleOrderSchema,
  orderSchema,
  returnRequestBody,
  sandboxCheckoutReply,
} from '../../../contracts/orders.contract.js';
import type { Clock } from '../../platform/clock.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import type { OrderLinesTable, OrderReturnsTable, OrdersTable, PaymentsTable, RefundsTable } from '../../platform/db/tables/orders.tables.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { FlashClaims } from '../promotions/flash-claims.port.js';
import type { AddressCipher } from './address-cipher.js';
import type { CouponHolds, PointsSpending } from './checkout.ports.js';
import { decideOrderMove, canMoveReturn, type OrderActor, type OrderStatus, type ReturnStatus } from './core/order-lifecycle.js';
import { cumulativeShare, refundForUnits } from './core/refund-split.js';
import type { PaymentEvent, PaymentProvider } from './payments/payment-provider.port.js';
import { OrdersStore } from './orders.store.js';
import { recordOrderPaid, recordOrderRefunded, type OrderAnalytics } from './order-analytics.js';
import { EXPORT_MAX_ROWS } from '../../../contracts/orders.contract.js';

export type OrderDto = z.infer<typeof orderSchema>;
export type ConsoleOrderDto = z.infer<typeof consoleOrderSchema>;
export type ConsoleOrderDetail = z.infer<typeof consoleOrderDetail>;
type Address = z.infer<typeof addressSchema>;

export interface StoredPricing {
  adjustments: { source: string; kind: string; fen: number; reason: string; code?: string; params?: Record<string, string | number> }[];
  rejected: { source: string; reason: string; code?: string; params?: Record<string, string | number> }[];
  giftsOmitted: { skuId: string; title: string; quantity: number; reason: string }[];
}

interface ReturnLine {
  lineId: string;
  quantity: number;
  refundFen: number;
  /** The returned units' share of the line's points allocation, in fen. */
  pointsFen?: number;
}

export interface OrdersDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  catalog: CatalogService;
  flash: FlashClaims;
  coupons: CouponHolds;
  points: PointsSpending;
  /** null when no payment provider is offered (sandbox turned off and none configured). */
  provider: PaymentProvider | null;
  cipher: AddressCipher;
  returnDays: number;
  buyerNames?: (ids: readonly string[]) => Promise<Map<string, string>>;
  /** Viewers with this exact nickname (console search); none when not wired. */
  buyersNamed?: (nickname: string) => Promise<string[]>;
  onError?: (err: unknown, where: string) => void;
  /** Analytics: `payment` and `refund` events after commit (see order-analytics.ts). */
  analytics?: OrderAnalytics;
}

/** Flash units a cancelled order gives back on the fast gate, after its transaction commits. */
type Unclaim = { flashSaleId: string; buyerId: string; units: number };

/**
 * Orders after checkout: reads, the lifecycle (CAS on version, append-only history),
 * payments (webhooks verified through the provider port, replays ignored), cancellation with
 * refund, returns (七天无理由) and fulfilment. Creation itself is the checkout flow's
 * (src/server/flows/checkout.flow.ts), which calls `insertNew` inside its transaction.
 */
/** Orders that count as a purchase (paid, possibly shipped or delivered). */
const PAID_STATUSES = ['paid', 'shipped', 'delivered'] as const;

export class OrdersService {
  readonly store: OrdersStore;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  /**
   * Which of these viewers bought in the session: an order placed there that was paid (not merely
   * placed, not cancelled unpaid). Draw eligibility ("bought in this session") asks this.
   */
  async buyersInSession(sessionId: string, viewerIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const unique = [...new Set(viewerIds)];
    for (let i = 0; i < unique.length; i += 1000) {
      const rows = await this.d.db
        .selectFrom('orders')
        .select('buyer_id')
        .distinct()
        .where('session_id', '=', sessionId)
        .where('buyer_id', 'in', unique.slice(i, i + 1000))
        .where('status', 'in', PAID_STATUSES)
        .execute();
      for (const r of rows) out.add(r.buyer_id);
    }
    return out;
  }

  constructor(private readonly d: OrdersDeps) {
    this.store = new OrdersStore(d.db);
  }

  get provider(): PaymentProvider | null {
    return this.d.provider;
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  // ---------- creation (called by the checkout flow inside its transaction) ----------

  encryptAddress(orderId: string, a: Address): string {
    return this.d.cipher.encrypt(orderId, a);
  }

  async insertNew(trx: Kysely<DB>, order: OrdersTable, lines: OrderLinesTable[], payment: PaymentsTable | null): Promise<void> {
    await this.store.insertOrder(
      trx,
      order,
      lines,
      { id: this.d.ids(), order_id: order.id, from_status: null, to_status: 'pending_payment', actor_kind: 'buyer', actor_id: order.buyer_id, reason: 'order placed', at: order.created_at },
      payment,
    );
  }

  // ---------- DTOs ----------

  async toDtos(rows: OrdersTable[], exec: Kysely<DB> = this.d.db): Promise<OrderDto[]> {
    const ids = rows.map((r) => r.id);
    const [lines, returns, refunds, payments] = await Promise.all([
      this.store.linesOf(ids, exec),
      this.store.returnsOf(ids, exec),
      this.store.refundsOf(ids, exec),
      this.store.paymentsOf(ids, exec),
    ]);
    return this.dtosFrom(rows, lines, returns, refunds, payments);
  }

  /** A new order's DTO from the rows just written (no returns or refunds yet): no re-read. */
  newOrderDto(order: OrdersTable, lines: OrderLinesTable[], payment: PaymentsTable): OrderDto {
    return this.dtosFrom([order], [...lines].sort((a, b) => a.line_no - b.line_no), [], [], [payment])[0]!;
  }

  private dtosFrom(
    rows: readonly OrdersTable[],
    lines: readonly OrderLinesTable[],
    returns: readonly OrderReturnsTable[],
    refunds: readonly Pick<RefundsTable, 'order_id' | 'amount_fen'>[],
    payments: readonly PaymentsTable[],
  ): OrderDto[] {
    return rows.map((r) => {
      const pricing = JSON.parse(r.pricing_json) as StoredPricing;
      const pending = r.status === 'pending_payment' ? payments.find((p) => p.order_id === r.id && p.status !== 'succeeded') : undefined;
      return {
        id: r.id,
        sessionId: r.session_id,
        status: r.status,
        currency: r.currency,
        regularFen: r.regular_fen,
        totalFen: r.total_fen,
        pointsUsed: r.points_used,
        couponIds: JSON.parse(r.coupons_json) as string[],
        payBy: r.pay_by,
        createdAt: r.created_at,
        paidAt: r.paid_at,
        shippedAt: r.shipped_at,
        deliveredAt: r.delivered_at,
        cancelledAt: r.cancelled_at,
        carrier: r.carrier,
        trackingNo: r.tracking_no,
        addressMasked: r.address_masked,
        lines: lines
          .filter((l) => l.order_id === r.id)
          .map((l) => ({
            id: l.id,
            lineNo: l.line_no,
            skuId: l.sku_id,
            productId: l.product_id,
            title: l.title,
            skuName: l.sku_name,
            quantity: l.quantity,
            unitPriceFen: l.unit_price_fen,
            activityFen: l.activity_fen,
            paidFen: l.paid_fen,
            allocations: JSON.parse(l.allocations_json) as { source: string; fen: number }[],
            flashSaleId: l.flash_sale_id,
            flashUnits: l.flash_units,
            isGift: l.is_gift === 1,
            returnedQty: l.returned_qty,
          })),
        adjustments: pricing.adjustments ?? [],
        giftsOmitted: pricing.giftsOmitted ?? [],
        returns: returns
          .filter((x) => x.order_id === r.id)
          .map((x) => ({ id: x.id, status: x.status, lines: JSON.parse(x.lines_json) as ReturnLine[], refundFen: x.refund_fen, pointsRefund: x.points_refund, reason: x.reason, createdAt: x.created_at, updatedAt: x.updated_at })),
        refundedFen: refunds.filter((x) => x.order_id === r.id).reduce((s, x) => s + x.amount_fen, 0),
        returnBy: r.delivered_at ? this.returnBy(r.delivered_at) : null,
        checkoutUrl: pending && this.d.provider && pending.provider === this.d.provider.name ? this.d.provider.checkoutUrlFor(pending.provider_ref) : null,
      };
    });
  }

  private returnBy(deliveredAt: string): string {
    return new Date(new Date(deliveredAt).getTime() + this.d.returnDays * 86_400_000).toISOString();
  }

  private async toConsoleDtos(rows: OrdersTable[]): Promise<ConsoleOrderDto[]> {
    const dtos = await this.toDtos(rows);
    const names = this.d.buyerNames ? await this.d.buyerNames([...new Set(rows.map((r) => r.buyer_id))]) : new Map<string, string>();
    return dtos.map((o, i) => ({ ...o, buyerId: rows[i]!.buyer_id, buyerNickname: names.get(rows[i]!.buyer_id) ?? null, version: rows[i]!.version }));
  }

  async orderDto(id: string, exec: Kysely<DB> = this.d.db): Promise<OrderDto> {
    const row = await this.store.findById(id, exec);
    if (!row) throw notFound('Order');
    return (await this.toDtos([row], exec))[0]!;
  }

  // ---------- buyer ----------

  private buyerId(ctx: Ctx): string {
    if (ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in as a viewer to see your orders', { code: 'UNAUTHENTICATED' });
    return ctx.actor.id;
  }

  /** The buyer's own order; anyone else's is "not found" (never "forbidden": ids are not confirmed). */
  private async ownOrder(ctx: Ctx, id: string): Promise<OrdersTable> {
    const buyer = this.buyerId(ctx);
    const row = await this.store.findById(id);
    if (!row || row.buyer_id !== buyer) throw notFound('Order');
    return row;
  }

  async listForBuyer(ctx: Ctx, q: { status?: OrderStatus | undefined; limit: number; cursor?: string | undefined }) {
    const rows = await this.store.listForBuyer(this.buyerId(ctx), { ...q, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: await this.toDtos(page), nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  async getForBuyer(ctx: Ctx, id: string): Promise<OrderDto> {
    const row = await this.ownOrder(ctx, id);
    const [dto] = await this.toDtos([row]);
    const history = await this.store.historyOf(row.id);
    return { ...dto!, history: history.map((h) => ({ id: h.id, from: h.from_status, to: h.to_status, actorKind: h.actor_kind, actorId: null, reason: h.reason, at: h.at })) };
  }

  async buyerCancel(ctx: Ctx, id: string, reason: string | undefined): Promise<OrderDto> {
    const row = await this.ownOrder(ctx, id);
    return this.cancel(ctx, row, 'buyer', reason?.trim() || 'cancelled by the buyer');
  }

  async confirmReceipt(ctx: Ctx, id: string): Promise<OrderDto> {
    const row = await this.ownOrder(ctx, id);
    return this.simpleMove(ctx, row, 'delivered', 'buyer', 'receipt confirmed by the buyer', { delivered_at: this.now() });
  }

  async requestReturn(ctx: Ctx, id: string, body: z.output<typeof returnRequestBody>): Promise<OrderDto> {
    const row = await this.ownOrder(ctx, id);
    if (row.status !== 'delivered' || !row.delivered_at) {
      throw new AppError('conflict', 'Returns can be requested once the order is delivered', { code: 'NOT_DELIVERED' });
    }
    const now = this.d.clock.now();
    if (now.getTime() > new Date(this.returnBy(row.delivered_at)).getTime()) {
      throw new AppError('conflict', `The ${this.d.returnDays}-day return period ended on ${this.returnBy(row.delivered_at)}`, { code: 'RETURN_PERIOD_OVER' });
    }
    const returnId = this.d.ids();
    await this.d.db.transaction().execute(async (trx) => {
      const lines = await this.store.linesOf([row.id], trx);
      const previous = (await this.store.returnsOf([row.id], trx)).filter((r) => r.status !== 'rejected');
      const seen = new Set<string>();
      const out: ReturnLine[] = [];
      body.lines.forEach((want, i) => {
        const line = lines.find((l) => l.id === want.lineId);
        if (!line) throw invalid(`body.lines.${i}.lineId`, 'not a line of this order');
        if (seen.has(line.id)) throw invalid(`body.lines.${i}.lineId`, 'appears twice');
        seen.add(line.id);
        if (line.is_gift === 1) throw invalid(`body.lines.${i}.lineId`, 'a gift is free: it is not refunded and need not be sent back');
        const priorLines = previous.flatMap((p) => (JSON.parse(p.lines_json) as ReturnLine[]).filter((x) => x.lineId === line.id));
        const decision = refundForUnits({ paidFen: line.paid_fen, quantity: line.quantity }, priorLines.map((x) => ({ units: x.quantity, refundFen: x.refundFen })), want.quantity);
        if (!decision.ok) throw invalid(`body.lines.${i}.quantity`, decision.reason);
        // The same split for the points this line was paid with (its 'points' allocation).
        const linePointsFen = (JSON.parse(line.allocations_json) as { source: string; fen: number }[]).filter((a) => a.source === 'points').reduce((s, a) => s + a.fen, 0);
        const points = refundForUnits({ paidFen: linePointsFen, quantity: line.quantity }, priorLines.map((x) => ({ units: x.quantity, refundFen: x.pointsFen ?? 0 })), want.quantity);
        out.push({ lineId: line.id, quantity: want.quantity, refundFen: decision.refundFen, pointsFen: points.ok ? points.refundFen : 0 });
      });
      const pointsRefund = returnPoints(
        row.points_used,
        lines.reduce((s, l) => s + (JSON.parse(l.allocations_json) as { source: string; fen: number }[]).filter((a) => a.source === 'points').reduce((x, a) => x + a.fen, 0), 0),
        previous.map((p) => ({ pointsFen: (JSON.parse(p.lines_json) as ReturnLine[]).reduce((s, x) => s + (x.pointsFen ?? 0), 0), points: p.points_refund })),
        out.reduce((s, x) => s + (x.pointsFen ?? 0), 0),
      );
      const at = now.toISOString();
      await this.store.insertReturn(trx, {
        id: returnId,
        order_id: row.id,
        status: 'requested',
        lines_json: JSON.stringify(out),
        refund_fen: out.reduce((s, x) => s + x.refundFen, 0),
        points_refund: pointsRefund,
        reason: body.reason?.trim() || null,
        created_at: at,
        updated_at: at,
      });
      await this.store.insertHistory(trx, { id: this.d.ids(), order_id: row.id, from_status: row.status, to_status: row.status, actor_kind: 'buyer', actor_id: row.buyer_id, reason: `return ${returnId} requested`, at });
      await this.store.touch(trx, row.id, at);
    });
    return this.orderDto(row.id);
  }

  // ---------- console ----------

  async consoleList(ctx: Ctx, q: { status?: OrderStatus | undefined; sessionId?: string | undefined; q?: string | undefined; limit: number; cursor?: string | undefined }) {
    requirePermission(ctx.actor, 'orders:read');
    const buyerIds = q.q && this.d.buyersNamed ? await this.d.buyersNamed(q.q) : [];
    const rows = await this.store.listConsole({ ...q, buyerIds, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return { items: await this.toConsoleDtos(page), nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null };
  }

  /**
   * Orders as CSV (UTF-8 with BOM, for spreadsheets), addresses masked like every list; the
   * export itself is audited. Cells that a spreadsheet would run as a formula are quoted with '.
   */
  async exportCsv(ctx: Ctx, q: { status?: OrderStatus | undefined; sessionId?: string | undefined; q?: string | undefined }): Promise<{ csv: string; rows: number }> {
    requirePermission(ctx.actor, 'orders:read');
    const buyerIds = q.q && this.d.buyersNamed ? await this.d.buyersNamed(q.q) : [];
    const rows = await this.store.listConsole({ ...q, buyerIds, limit: EXPORT_MAX_ROWS });
    const dtos = await this.toConsoleDtos(rows);
    const yuanText = (fen: number) => (fen / 100).toFixed(2);
    const header = ['order_id', 'created_at', 'status', 'buyer', 'items', 'regular_yuan', 'total_yuan', 'points_used', 'refunded_yuan', 'paid_at', 'shipped_at', 'carrier', 'tracking_no', 'delivered_at', 'ship_to_masked'];
    const lines = dtos.map((o) =>
      [
        o.id,
        o.createdAt,
        o.status,
        o.buyerNickname ?? o.buyerId,
        o.lines.map((l) => `${l.title} / ${l.skuName} x${l.quantity}${l.isGift ? ' (gift)' : ''}`).join('; '),
        yuanText(o.regularFen),
        yuanText(o.totalFen),
        String(o.pointsUsed),
        yuanText(o.refundedFen),
        o.paidAt ?? '',
        o.shippedAt ?? '',
        o.carrier ?? '',
        o.trackingNo ?? '',
        o.deliveredAt ?? '',
        o.addressMasked ?? '',
      ].map(csvCell).join(','),
    );
    await this.d.audit.record(ctx, { action: 'order.exported', targetType: 'order', targetId: null, after: { filters: q, rows: dtos.length } });
    return { csv: `\uFEFF${[header.join(','), ...lines].join('\r\n')}\r\n`, rows: dtos.length };
  }

  async consoleGet(ctx: Ctx, id: string): Promise<ConsoleOrderDetail> {
    requirePermission(ctx.actor, 'orders:read');
    const row = await this.store.findById(id);
    if (!row) throw notFound('Order');
    const [dto] = await this.toConsoleDtos([row]);
    const [history, payments, refunds] = await Promise.all([this.store.historyOf(id), this.store.paymentsOf([id]), this.store.refundsOf([id])]);
    return {
      ...dto!,
      history: history.map((h) => ({ id: h.id, from: h.from_status, to: h.to_status, actorKind: h.actor_kind, actorId: h.actor_id, reason: h.reason, at: h.at })),
      payments: payments.map((p) => ({ id: p.id, provider: p.provider, providerRef: p.provider_ref, amountFen: p.amount_fen, status: p.status, createdAt: p.created_at, updatedAt: p.updated_at })),
      refunds: refunds.map((r: RefundsTable) => ({ id: r.id, returnId: r.return_id, amountFen: r.amount_fen, provider: r.provider, providerRef: r.provider_ref, createdAt: r.created_at })),
    };
  }

  /** The full shipping address, for customer service (orders:write) or logistics (fulfilment:write); every reading is audited. */
  async revealAddress(ctx: Ctx, id: string, permission: 'orders:write' | 'fulfilment:write'): Promise<Address & { orderId: string }> {
    requirePermission(ctx.actor, permission);
    const row = await this.store.findById(id);
    if (!row) throw notFound('Order');
    if (!row.address_cipher) throw new AppError('not_found', 'This order has no shipping address', { code: 'NO_ADDRESS' });
    const address = this.d.cipher.decrypt(row.id, row.address_cipher);
    await this.d.audit.record(ctx, { action: 'order.address_revealed', targetType: 'order', targetId: row.id, after: { via: permission } });
    return { orderId: row.id, ...address };
  }

  async teamCancel(ctx: Ctx, id: string, reason: string): Promise<OrderDto> {
    requirePermission(ctx.actor, 'orders:write');
    const row = await this.store.findById(id);
    if (!row) throw notFound('Order');
    return this.cancel(ctx, row, 'team', reason);
  }

  async fulfilmentQueue(ctx: Ctx, limit: number) {
    requirePermission(ctx.actor, 'orders:read');
    return { items: await this.toConsoleDtos(await this.store.fulfilmentQueue(limit)) };
  }

  async ship(ctx: Ctx, id: string, carrier: string, trackingNo: string): Promise<OrderDto> {
    requirePermission(ctx.actor, 'fulfilment:write');
    const row = await this.store.findById(id);
    if (!row) throw notFound('Order');
    return this.simpleMove(ctx, row, 'shipped', 'team', `shipped with ${carrier}, tracking ${trackingNo}`, { shipped_at: this.now(), carrier, tracking_no: trackingNo });
  }

  async deliver(ctx: Ctx, id: string): Promise<OrderDto> {
    requirePermission(ctx.actor, 'fulfilment:write');
    const row = await this.store.findById(id);
    if (!row) throw notFound('Order');
    return this.simpleMove(ctx, row, 'delivered', 'team', 'delivery recorded', { delivered_at: this.now() });
  }

  async returnAction(ctx: Ctx, orderId: string, returnId: string, action: 'approve' | 'reject' | 'receive' | 'refund', note: string | undefined): Promise<OrderDto> {
    requirePermission(ctx.actor, 'orders:write');
    const order = await this.store.findById(orderId);
    if (!order) throw notFound('Order');
    const ret = await this.store.findReturn(orderId, returnId);
    if (!ret) throw notFound('Return');
    const to: ReturnStatus = ({ approve: 'approved', reject: 'rejected', receive: 'received', refund: 'refunded' } as const)[action];
    if (!canMoveReturn(ret.status, to)) {
      throw new AppError('conflict', `A return that is ${ret.status} cannot be ${to}`, { code: 'INVALID_TRANSITION' });
    }
    const at = this.now();
    let refundLines: { productId: string; qty: number; amountFen: number }[] | null = null;
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.moveReturnIf(trx, ret.id, ret.status, to, at))) {
        throw new AppError('conflict', 'Someone else just changed this return; reload', { code: 'CONFLICT' });
      }
      const lines = JSON.parse(ret.lines_json) as ReturnLine[];
      if (to === 'received') {
        const orderLines = await this.store.linesOf([orderId], trx);
        for (const l of lines) {
          const line = orderLines.find((x) => x.id === l.lineId);
          if (!line) continue;
          await this.d.catalog.returnStock(trx, line.sku_id, l.quantity);
          await this.store.addReturnedQty(trx, line.id, l.quantity);
        }
      }
      if (to === 'refunded') {
        await this.refundThroughProvider(trx, order, ret.refund_fen, ret.id);
        const orderLines = await this.store.linesOf([orderId], trx);
        refundLines = lines.flatMap((l) => {
          const line = orderLines.find((x) => x.id === l.lineId);
          return line && l.quantity > 0 ? [{ productId: line.product_id, qty: l.quantity, amountFen: l.refundFen }] : [];
        });
        if (ret.points_refund > 0) await this.d.points.refund(trx, order.buyer_id, ret.points_refund, `${order.id}:return:${ret.id}`);
      }
      await this.store.insertHistory(trx, {
        id: this.d.ids(),
        order_id: orderId,
        from_status: order.status,
        to_status: order.status,
        actor_kind: 'team',
        actor_id: ctx.actor.kind === 'team' ? ctx.actor.id : null,
        reason: `return ${ret.id} ${to}${note ? `: ${note}` : ''}`,
        at,
      });
      await this.store.touch(trx, orderId, at);
      await this.d.audit.record(ctx, { action: `order.return_${to}`, targetType: 'order', targetId: orderId, before: { returnId: ret.id, status: ret.status }, after: { returnId: ret.id, status: to, refundFen: ret.refund_fen, note: note ?? null } }, trx);
    });
    if (to === 'refunded') recordOrderRefunded(this.d.analytics, order, ret.id, ret.refund_fen, refundLines, Date.parse(at));
    return this.orderDto(orderId);
  }

  // ---------- lifecycle ----------

  private actorId(ctx: Ctx): string | null {
    return ctx.actor.kind === 'team' || ctx.actor.kind === 'viewer' ? ctx.actor.id : null;
  }

  private decide(row: OrdersTable, to: OrderStatus, actor: OrderActor, ctx: Ctx): void {
    const d = decideOrderMove(row.status, to, actor);
    if (!d.ok) throw new AppError('conflict', `This order is ${row.status.replace('_', ' ')}: ${d.reason}`, { code: 'INVALID_TRANSITION' });
    if (actor === 'team' && d.move.permission) requirePermission(ctx.actor, d.move.permission);
  }

  private async simpleMove(ctx: Ctx, row: OrdersTable, to: OrderStatus, actor: OrderActor, reason: string, patch: Partial<OrdersTable>): Promise<OrderDto> {
    this.decide(row, to, actor, ctx);
    const at = this.now();
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.moveIf(trx, row.id, row.version, row.status, { ...patch, status: to, updated_at: at }))) {
        throw new AppError('conflict', 'Someone else just changed this order; reload it', { code: 'CONFLICT' });
      }
      await this.store.insertHistory(trx, { id: this.d.ids(), order_id: row.id, from_status: row.status, to_status: to, actor_kind: actor, actor_id: this.actorId(ctx), reason, at });
      if (actor === 'team') {
        await this.d.audit.record(ctx, { action: `order.${to}`, targetType: 'order', targetId: row.id, before: { status: row.status }, after: { status: to, ...patch } }, trx);
      }
    });
    return this.orderDto(row.id);
  }

  /**
   * Cancels an unpaid or paid-not-shipped order: stock (and flash units) back, coupons and
   * points back, a full refund through the provider when it was paid. CAS on version, so two
   * nodes (or a buyer and the timer) cannot both cancel it.
   */
  private async cancel(ctx: Ctx, row: OrdersTable, actor: OrderActor, reason: string): Promise<OrderDto> {
    this.decide(row, 'cancelled', actor, ctx);
    const unclaims = await this.d.db.transaction().execute((trx) => this.cancelInTrx(trx, ctx, row, actor, reason));
    if (!unclaims) throw new AppError('conflict', 'Someone else just changed this order; reload it', { code: 'CONFLICT' });
    // A paid order cancelled is refunded in full (cancelInTrx).
    if (row.status === 'paid') recordOrderRefunded(this.d.analytics, row, null, row.total_fen, null, this.d.clock.now().getTime());
    await this.unclaimAll(unclaims);
    return this.orderDto(row.id);
  }

  private async cancelInTrx(trx: Kysely<DB>, ctx: Ctx, row: OrdersTable, actor: OrderActor, reason: string): Promise<Unclaim[] | null> {
    const at = this.now();
    if (!(await this.store.moveIf(trx, row.id, row.version, row.status, { status: 'cancelled', cancelled_at: at, updated_at: at }))) return null;
    const lines = await this.store.linesOf([row.id], trx);
    const unclaims: Unclaim[] = [];
    for (const l of lines) {
      const fromStock = l.quantity - l.flash_units;
      if (fromStock > 0) await this.d.catalog.returnStock(trx, l.sku_id, fromStock);
      if (l.flash_units > 0 && l.flash_sale_id) {
        await this.d.flash.releaseClaim(trx, l.flash_sale_id, row.buyer_id, l.flash_units);
        unclaims.push({ flashSaleId: l.flash_sale_id, buyerId: row.buyer_id, units: l.flash_units });
      }
    }
    const coupons = JSON.parse(row.coupons_json) as string[];
    if (coupons.length > 0) await this.d.coupons.release(trx, row.buyer_id, coupons, row.id);
    if (row.points_used > 0) await this.d.points.refund(trx, row.buyer_id, row.points_used, row.id);
    const payments = await this.store.paymentsOf([row.id], trx);
    for (const p of payments) if (p.status === 'pending') await this.store.setPaymentStatus(trx, p.id, 'failed', at);
    if (row.status === 'paid') await this.refundThroughProvider(trx, row, row.total_fen, null);
    await this.store.insertHistory(trx, { id: this.d.ids(), order_id: row.id, from_status: row.status, to_status: 'cancelled', actor_kind: actor, actor_id: this.actorId(ctx), reason, at });
    if (actor === 'team') {
      await this.d.audit.record(ctx, { action: 'order.cancelled', targetType: 'order', targetId: row.id, before: { status: row.status }, after: { status: 'cancelled', reason, refundFen: row.status === 'paid' ? row.total_fen : 0 } }, trx);
    }
    return unclaims;
  }

  private async unclaimAll(unclaims: readonly Unclaim[]): Promise<void> {
    for (const u of unclaims) {
      try {
        await this.d.flash.unclaim(u.flashSaleId, u.buyerId, u.units);
      } catch (err) {
        // The record (released in the committed transaction) is the truth; the fast gate is
        // reconciled from it at start-up.
        this.d.onError?.(err, 'orders.unclaim');
      }
    }
  }

  private async refundThroughProvider(trx: Kysely<DB>, order: OrdersTable, amountFen: number, returnId: string | null): Promise<void> {
    const paid = (await this.store.paymentsOf([order.id], trx)).find((p) => p.status === 'succeeded');
    let providerName = paid?.provider ?? 'none';
    let refundRef: string | null = null;
    if (amountFen > 0) {
      if (!paid) throw new AppError('conflict', 'This order has no successful payment to refund', { code: 'NOT_PAID' });
      const provider = this.d.provider;
      if (!provider || provider.name !== paid.provider) throw new AppError('conflict', `The payment provider ${paid.provider} is not available for refunds`, { code: 'PROVIDER_UNAVAILABLE' });
      const r = await provider.refund(paid.provider_ref, amountFen);
      if (!r.ok) throw new AppError('conflict', `The payment provider refused the refund: ${r.reason}`, { code: 'REFUND_FAILED' });
      refundRef = r.refundRef;
      providerName = provider.name;
    }
    await this.store.insertRefund(trx, { id: this.d.ids(), order_id: order.id, return_id: returnId, amount_fen: amountFen, provider: providerName, provider_ref: refundRef, created_at: this.now() });
  }

  // ---------- expiry ----------

  /** Cancels unpaid orders past pay_by, each in its own transaction; safe on several nodes (CAS). Returns how many it cancelled. */
  /** Flash units of the sale in unpaid orders: the flash scheduler keeps a sold-out sale open while some may come back. */
  unpaidFlashUnits(flashSaleId: string): Promise<number> {
    return this.store.unpaidFlashUnits(flashSaleId);
  }

  async expireDue(limit = 200): Promise<number> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      let n = 0;
      // Batches until none is due (bounded, so one sweep never runs forever).
      for (let round = 0; round < 50; round++) {
        const due = await this.store.dueUnpaid(this.now(), limit);
        const moved = await this.expireBatch(due.map((d) => d.id));
        n += moved;
        if (due.length < limit || moved === 0) break;
      }
      return n;
    })();
    try {
      return await this.sweeping;
    } finally {
      this.sweeping = null;
    }
  }

  private async expireBatch(ids: readonly string[]): Promise<number> {
    const ctx = systemCtx('order-expiry');
    let n = 0;
    for (const id of ids) {
      try {
        const row = await this.store.findById(id);
        if (!row || row.status !== 'pending_payment') continue;
        const unclaims = await this.d.db.transaction().execute((trx) => this.cancelInTrx(trx, ctx, row, 'system', `expired: not paid by ${row.pay_by}`));
        if (unclaims) {
          n++;
          await this.unclaimAll(unclaims);
        }
      } catch (err) {
        this.d.onError?.(err, 'orders.expire');
      }
    }
    return n;
  }

  /** Runs expireDue now and then every `intervalMs` (unref'd: never keeps the process alive). */
  startSweeper(intervalMs: number): void {
    if (this.sweeper) return;
    const run = () => {
      this.expireDue().catch((err) => this.d.onError?.(err, 'orders.sweeper'));
    };
    run();
    this.sweeper = setInterval(run, intervalMs);
    this.sweeper.unref();
  }

  async stopSweeper(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    if (this.sweeping) await this.sweeping.catch(() => 0);
  }

  // ---------- payments ----------

  async sandboxCheckout(ref: string): Promise<z.infer<typeof sandboxCheckoutReply>> {
    const payment = await this.store.paymentByRef('sandbox', ref);
    if (!payment) throw notFound('Payment');
    const order = await this.store.findById(payment.order_id);
    if (!order) throw notFound('Payment');
    const lines = await this.store.linesOf([order.id]);
    return {
      ref,
      orderId: order.id,
      amountFen: payment.amount_fen,
      currency: payment.currency,
      paymentStatus: payment.status,
      orderStatus: order.status,
      payBy: order.pay_by,
      lines: lines.map((l) => ({ title: l.title, skuName: l.sku_name, quantity: l.quantity, paidFen: l.paid_fen, isGift: l.is_gift === 1 })),
    };
  }

  /** The event the sandbox's "pay" button sends (then signed and delivered as a webhook). */
  async sandboxEvent(ref: string, outcome: 'succeed' | 'fail'): Promise<PaymentEvent> {
    const payment = await this.store.paymentByRef('sandbox', ref);
    if (!payment) throw notFound('Payment');
    const order = await this.store.findById(payment.order_id);
    if (!order || order.status !== 'pending_payment') {
      throw new AppError('conflict', order?.status === 'cancelled' ? 'This order was cancelled (not paid in time); nothing was charged' : 'This order is already paid', { code: 'NOT_PAYABLE' });
    }
    if (payment.status === 'succeeded') throw new AppError('conflict', 'This order is already paid', { code: 'NOT_PAYABLE' });
    if (this.d.clock.now().toISOString() > order.pay_by) {
      throw new AppError('conflict', 'The time to pay this order has run out; it is being cancelled and nothing was charged', { code: 'NOT_PAYABLE' });
    }
    return { id: `evt_${this.d.ids()}`, type: outcome === 'succeed' ? 'payment.succeeded' : 'payment.failed', providerRef: ref, amountFen: payment.amount_fen, currency: payment.currency };
  }

  async sandboxStatus(ref: string): Promise<{ orderId: string; orderStatus: OrderStatus; paymentStatus: string }> {
    const payment = await this.store.paymentByRef('sandbox', ref);
    if (!payment) throw notFound('Payment');
    const order = await this.store.findById(payment.order_id);
    if (!order) throw notFound('Payment');
    return { orderId: order.id, orderStatus: order.status, paymentStatus: payment.status };
  }

  /**
   * A provider's webhook: verified (signature in constant time, timestamp tolerance) before
   * anything is read from it; a replayed event id changes nothing; the amount must match.
   */
  async handleWebhook(providerName: string, rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<{ duplicate: boolean }> {
    const provider = this.d.provider;
    if (!provider || provider.name !== providerName) throw notFound('Payment provider');
    const verified = provider.verifyWebhook(rawBody, headers);
    if (!verified.ok) throw new AppError('unauthenticated', `Webhook refused: ${verified.reason}`, { code: 'BAD_SIGNATURE' });
    const e = verified.event;
    const payment = await this.store.paymentByRef(provider.name, e.providerRef);
    if (!payment) throw new AppError('not_found', 'No payment with this reference', { code: 'NOT_FOUND' });
    if (e.amountFen !== payment.amount_fen || e.currency !== payment.currency) {
      throw new AppError('validation', `body.amountFen: ${e.amountFen} ${e.currency} does not match the payment (${payment.amount_fen} ${payment.currency})`, {
        code: 'AMOUNT_MISMATCH',
        issues: [{ path: 'body.amountFen', message: 'does not match the payment' }],
      });
    }
    const at = this.now();
    let duplicate = false;
    let paid: { order: OrdersTable; amountFen: number; lines: OrderLinesTable[] } | null = null;
    const unclaims = await this.d.db.transaction().execute(async (trx): Promise<Unclaim[]> => {
      if (!(await this.store.recordEvent(trx, { provider: provider.name, event_id: e.id, order_id: payment.order_id, type: e.type, received_at: at }))) {
        duplicate = true;
        return [];
      }
      const current = await this.store.paymentByRef(provider.name, e.providerRef, trx);
      const order = await this.store.findById(payment.order_id, trx);
      if (!current || !order) return [];
      if (e.type === 'payment.failed') {
        if (current.status === 'pending') await this.store.setPaymentStatus(trx, current.id, 'failed', at);
        if (order.status === 'pending_payment') {
          await this.store.insertHistory(trx, { id: this.d.ids(), order_id: order.id, from_status: order.status, to_status: order.status, actor_kind: 'provider', actor_id: provider.name, reason: 'payment failed; the buyer may try again until the order expires', at });
        }
        return [];
      }
      if (current.status === 'succeeded') return [];
      await this.store.setPaymentStatus(trx, current.id, 'succeeded', at);
      if (order.status !== 'pending_payment') {
        // Paid after it expired or was cancelled: the units are gone, so the money goes back.
        await this.refundThroughProvider(trx, order, current.amount_fen, null);
        await this.store.insertHistory(trx, { id: this.d.ids(), order_id: order.id, from_status: order.status, to_status: order.status, actor_kind: 'provider', actor_id: provider.name, reason: 'paid after cancellation: refunded in full', at });
        return [];
      }
      this.decide(order, 'paid', 'provider', systemCtx('payments'));
      if (!(await this.store.moveIf(trx, order.id, order.version, 'pending_payment', { status: 'paid', paid_at: at, updated_at: at }))) {
        throw new AppError('conflict', 'The order changed while the payment was recorded; the provider will retry', { code: 'CONFLICT' });
      }
      const coupons = JSON.parse(order.coupons_json) as string[];
      if (coupons.length > 0) await this.d.coupons.consume(trx, order.buyer_id, coupons, order.id);
      const lines = await this.store.linesOf([order.id], trx);
      await this.d.catalog.recordChargedPrices(trx, order.id, lines.filter((l) => l.is_gift === 0).flatMap((l) => chargedUnitPrices(l)));
      await this.store.insertHistory(trx, { id: this.d.ids(), order_id: order.id, from_status: 'pending_payment', to_status: 'paid', actor_kind: 'provider', actor_id: provider.name, reason: `paid ${(current.amount_fen / 100).toFixed(2)} ${current.currency}`, at });
      paid = { order, amountFen: current.amount_fen, lines };
      return [];
    });
    // Paid: recorded after the commit. A payment after cancellation (refunded at once) records
    // neither a payment nor a refund: no sale happened.
    const p = paid as { order: OrdersTable; amountFen: number; lines: OrderLinesTable[] } | null;
    if (p) recordOrderPaid(this.d.analytics, p.order, p.amountFen, p.lines, Date.parse(at));
    await this.unclaimAll(unclaims);
    return { duplicate };
  }
}

/**
 * Points a return gives back: the order's redeemed points spread over its points-fen by
 * cumulative floors (like refundForUnits), so returning everything gives back exactly
 * `pointsUsed`, and never more whatever earlier requests were rejected.
 */
export function returnPoints(pointsUsed: number, pointsFenTotal: number, prior: readonly { pointsFen: number; points: number }[], pointsFen: number): number {
  if (pointsUsed <= 0 || pointsFenTotal <= 0 || pointsFen <= 0) return 0;
  const priorFen = prior.reduce((s, p) => s + p.pointsFen, 0);
  const priorPoints = prior.reduce((s, p) => s + p.points, 0);
  const left = Math.max(0, pointsUsed - priorPoints);
  if (priorFen + pointsFen >= pointsFenTotal) return left;
  const share = cumulativeShare(pointsUsed, pointsFenTotal, priorFen + pointsFen) - cumulativeShare(pointsUsed, pointsFenTotal, priorFen);
  return Math.min(share, left);
}

export { csvCell };

/**
 * The unit prices a line actually charged (its activity price per unit, before order-level
 * discounts, which belong to the order, not the product): one price, or two when part of the
 * line was bought at a flash price and the rest at list price.
 */
export function chargedUnitPrices(l: Pick<OrderLinesTable, 'sku_id' | 'quantity' | 'activity_fen' | 'unit_price_fen' | 'flash_units'>): { skuId: string; unitPriceFen: number; currency: 'CNY' }[] {
  if (l.flash_units > 0 && l.flash_units < l.quantity) {
    const regular = (l.quantity - l.flash_units) * l.unit_price_fen;
    const flashPart = l.activity_fen - regular;
    if (flashPart >= 0 && flashPart % l.flash_units === 0) {
      return [
        { skuId: l.sku_id, unitPriceFen: flashPart / l.flash_units, currency: 'CNY' },
        { skuId: l.sku_id, unitPriceFen: l.unit_price_fen, currency: 'CNY' },
      ];
    }
  }
  return [{ skuId: l.sku_id, unitPriceFen: Math.floor(l.activity_fen / l.quantity), currency: 'CNY' }];
}
