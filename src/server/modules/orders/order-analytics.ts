import type { AnalyticsEvent, MoneyLine } from '../../../contracts/analytics-events.contract.js';
import type { OrderLinesTable, OrdersTable } from '../../platform/db/tables/orders.tables.js';
import type { AnalyticsSink } from '../analytics/analytics.sink.js';
import { unknownViewContext, type ViewContextLookup } from '../analytics/view-context.js';

/**
 * The orders' analytics events (issue 7), recorded after their transaction commits, for orders
 * placed in a session only: `order` when placed (`order:<id>`), `payment` when paid (`pay:<id>`),
 * `refund` when money goes back (`refund:<id>:<return id>`, or `:full` when a paid order is
 * cancelled). Traffic comes from the order's own flag (orders.simulated, copied from the buyer's
 * account at checkout), so every event of a simulated order is labelled alike wherever it is
 * recorded (a webhook, the console); the source and stream time from the buyer's view, when
 * this node has one.
 */
export interface OrderAnalytics {
  sink: AnalyticsSink;
  viewContext?: ViewContextLookup;
}

/** Paid lines per product (gifts are not purchases). */
export function moneyLines(lines: readonly Pick<OrderLinesTable, 'product_id' | 'quantity' | 'paid_fen' | 'is_gift'>[]): MoneyLine[] {
  return lines.filter((l) => l.is_gift === 0 && l.quantity > 0).map((l) => ({ productId: l.product_id, qty: l.quantity, amountFen: l.paid_fen }));
}

type OrderFacts = Pick<OrdersTable, 'id' | 'buyer_id' | 'session_id' | 'simulated'>;

function orderEventBase(a: OrderAnalytics, order: OrderFacts & { session_id: string }, at: number): Omit<AnalyticsEvent, 'id' | 'type'> {
  const viewerKey = `viewer:${order.buyer_id}`;
  const ctx = (a.viewContext ?? unknownViewContext)(order.session_id, viewerKey, at);
  return { sessionId: order.session_id, viewerKey, at, streamMs: ctx.streamMs, source: ctx.source, traffic: order.simulated === 1 ? 'simulated' : 'real', ref: order.id };
}

export function recordOrderPlaced(a: OrderAnalytics | undefined, order: OrderFacts & Pick<OrdersTable, 'total_fen'>, lines: readonly OrderLinesTable[], at: number): void {
  if (!a || !order.session_id) return;
  a.sink.record({ ...orderEventBase(a, { ...order, session_id: order.session_id }, at), id: `order:${order.id}`, type: 'order', amountFen: order.total_fen, lines: moneyLines(lines) });
}

export function recordOrderPaid(a: OrderAnalytics | undefined, order: OrderFacts, amountFen: number, lines: readonly OrderLinesTable[], at: number): void {
  if (!a || !order.session_id) return;
  a.sink.record({ ...orderEventBase(a, { ...order, session_id: order.session_id }, at), id: `pay:${order.id}`, type: 'payment', amountFen, lines: moneyLines(lines) });
}

/** `returnId` null: a paid order cancelled, refunded in full. `lines`: what the refund covers per product, when known. */
export function recordOrderRefunded(a: OrderAnalytics | undefined, order: OrderFacts, returnId: string | null, amountFen: number, lines: MoneyLine[] | null, at: number): void {
  if (!a || !order.session_id) return;
  a.sink.record({
    ...orderEventBase(a, { ...order, session_id: order.session_id }, at),
    id: `refund:${order.id}:${returnId ?? 'full'}`,
    type: 'refund',
    amountFen,
    ...(lines && lines.length > 0 ? { lines } : {}),
  });
}
