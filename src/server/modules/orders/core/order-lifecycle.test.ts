import { describe, expect, it } from 'vitest';
import { canMoveReturn, decideOrderMove, orderStatuses, orderTransitions, returnStatuses } from './order-lifecycle.js';

describe('order lifecycle table', () => {
  it('allows exactly the documented moves', () => {
    const moves = orderStatuses.flatMap((from) => Object.keys(orderTransitions[from]).map((to) => `${from}->${to}`));
    expect(moves.sort()).toEqual(['paid->cancelled', 'paid->shipped', 'pending_payment->cancelled', 'pending_payment->paid', 'shipped->delivered'].sort());
  });

  it('only the provider pays; only the team ships (fulfilment:write); delivered and cancelled are final', () => {
    expect(decideOrderMove('pending_payment', 'paid', 'provider').ok).toBe(true);
    for (const a of ['buyer', 'team', 'system'] as const) expect(decideOrderMove('pending_payment', 'paid', a).ok).toBe(false);
    const ship = decideOrderMove('paid', 'shipped', 'team');
    expect(ship.ok && ship.move.permission).toBe('fulfilment:write');
    expect(decideOrderMove('paid', 'shipped', 'buyer').ok).toBe(false);
    expect(decideOrderMove('shipped', 'cancelled', 'buyer').ok).toBe(false);
    expect(decideOrderMove('paid', 'cancelled', 'system').ok).toBe(false);
    for (const to of orderStatuses) {
      for (const a of ['buyer', 'team', 'provider', 'system'] as const) {
        expect(decideOrderMove('delivered', to, a).ok).toBe(false);
        expect(decideOrderMove('cancelled', to, a).ok).toBe(false);
      }
    }
  });

  it('returns: requested -> approved|rejected -> received -> refunded, nothing else', () => {
    const ok = returnStatuses.flatMap((f) => returnStatuses.filter((t) => canMoveReturn(f, t)).map((t) => `${f}->${t}`));
    expect(ok.sort()).toEqual(['approved->received', 'received->refunded', 'requested->approved', 'requested->rejected'].sort());
  });
});
