/**
 * Order and return lifecycles as transition tables (ARCHITECTURE.md §10). Pure: the service
 * applies a decision with compare-and-set on `orders.version` and appends to order_history.
 */

import { orderStatuses, returnStatuses } from '../../../../contracts/orders.contract.js';

export { orderStatuses, returnStatuses };
export type OrderStatus = (typeof orderStatuses)[number];

/** Who moves an order: the buyer, a team member (with the permission named), the payment provider, or the system (timers). */
export type OrderActor = 'buyer' | 'team' | 'provider' | 'system';

export interface OrderMove {
  /** Who may make it; a team move also needs the permission. */
  by: readonly OrderActor[];
  permission?: 'orders:write' | 'fulfilment:write';
}

export const orderTransitions: Record<OrderStatus, Partial<Record<OrderStatus, OrderMove>>> = {
  // Unpaid: paid by the provider's webhook; cancelled by the buyer, customer service, or the pay-by timer.
  pending_payment: {
    paid: { by: ['provider'] },
    cancelled: { by: ['buyer', 'team', 'system'], permission: 'orders:write' },
  },
  // Paid, not shipped: logistics ships; the buyer or customer service may cancel (full refund).
  paid: {
    shipped: { by: ['team'], permission: 'fulfilment:write' },
    cancelled: { by: ['buyer', 'team'], permission: 'orders:write' },
  },
  // Shipped: the buyer confirms receipt, or logistics records delivery.
  shipped: { delivered: { by: ['buyer', 'team', 'system'], permission: 'fulfilment:write' } },
  // Delivered: returns (七天无理由) are separate requests on the order, not order states.
  delivered: {},
  cancelled: {},
};

export type OrderDecision = { ok: true; move: OrderMove } | { ok: false; reason: string };

export function decideOrderMove(from: OrderStatus, to: OrderStatus, actor: OrderActor): OrderDecision {
  const move = orderTransitions[from][to];
  if (!move) return { ok: false, reason: `an order cannot go from ${from} to ${to}` };
  if (!move.by.includes(actor)) return { ok: false, reason: `${actor} cannot move an order from ${from} to ${to}` };
  return { ok: true, move };
}

export type ReturnStatus = (typeof returnStatuses)[number];

/** requested -> approved | rejected (customer service); approved -> received (stock back) -> refunded. */
export const returnTransitions: Record<ReturnStatus, readonly ReturnStatus[]> = {
  requested: ['approved', 'rejected'],
  approved: ['received'],
  received: ['refunded'],
  rejected: [],
  refunded: [],
};

export function canMoveReturn(from: ReturnStatus, to: ReturnStatus): boolean {
  return returnTransitions[from].includes(to);
}
