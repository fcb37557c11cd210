import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refundForUnits } from '../../server/modules/orders/core/refund-split.js';
import { refundPreview } from '../orders/refund-preview';
import { validateAddress } from './checkout/address-rules';
import { flashPhase, formatCountdown } from './flash/flash-time';
import { applyFlashEvent } from './flash/use-flash-sales';

const sale = {
  id: 'f1',
  skuId: 's1',
  productId: 'p1',
  title: 'Tea',
  skuName: '100 g',
  image: null,
  priceFen: 12_800,
  regularPriceFen: 16_800,
  perBuyerLimit: 1,
  startsAt: '2026-01-01T12:00:00.000Z',
  endsAt: '2026-01-01T12:30:00.000Z',
  status: 'open' as const,
  left: 5,
  total: 50,
};
const at = (iso: string) => Date.parse(iso);

describe('flash card', () => {
  it('counts down in mm:ss, with hours when needed, never below zero', () => {
    expect(formatCountdown(75_000)).toBe('01:15');
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
    expect(formatCountdown(400)).toBe('00:01');
    expect(formatCountdown(-5_000)).toBe('00:00');
  });

  it('says where a sale stands by the server clock: upcoming, open, sold out, ended', () => {
    expect(flashPhase({ ...sale, status: 'scheduled' }, at('2026-01-01T11:59:00Z'))).toBe('upcoming');
    expect(flashPhase(sale, at('2026-01-01T12:10:00Z'))).toBe('open');
    expect(flashPhase({ ...sale, left: 0 }, at('2026-01-01T12:10:00Z'))).toBe('sold_out');
    expect(flashPhase(sale, at('2026-01-01T12:30:00Z'))).toBe('ended');
    expect(flashPhase({ ...sale, status: 'cancelled' }, at('2026-01-01T12:10:00Z'))).toBe('ended');
  });

  it('applies a room event to the sale it names, and asks for a re-fetch for an unknown one', () => {
    const next = applyFlashEvent([sale], { t: 'flash', id: 'f1', status: 'open', startsAt: sale.startsAt, endsAt: sale.endsAt, left: 4, total: 50, now: 0 });
    expect(next?.[0]?.left).toBe(4);
    expect(applyFlashEvent([sale], { t: 'flash', id: 'other', status: 'open', startsAt: sale.startsAt, endsAt: sale.endsAt, left: 4, total: 50, now: 0 })).toBeNull();
  });
});

describe('checkout address', () => {
  const ok = { name: '张三', phone: '13800138000', region: '浙江省 杭州市 西湖区', street: '龙井路 1 号' };
  it('accepts a complete mainland address', () => {
    expect(validateAddress(ok)).toEqual({});
    expect(validateAddress({ ...ok, phone: '138 0013 8000' })).toEqual({});
  });
  it('names every field that is wrong', () => {
    expect(validateAddress({ name: ' ', phone: '12800138000', region: '', street: 'a' })).toEqual({
      name: 'orders.viewer.checkout.errors.nameRequired',
      phone: 'orders.viewer.checkout.errors.phoneInvalid',
      region: 'orders.viewer.checkout.errors.regionRequired',
      street: 'orders.viewer.checkout.errors.streetTooShort',
    });
    expect(validateAddress({ ...ok, phone: '1380013800' }).phone).toBe('orders.viewer.checkout.errors.phoneInvalid');
    expect(validateAddress({ ...ok, phone: '' }).phone).toBe('orders.viewer.checkout.errors.phoneRequired');
  });
});

describe('return dialog refund preview', () => {
  it('is the orders module’s refund split, for any line and any sequence of requests', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 6 }), (paidFen, quantity, requests) => {
        const prior: { units: number; refundFen: number }[] = [];
        let claimedUnits = 0;
        for (const units of requests) {
          if (claimedUnits + units > quantity) break;
          const server = refundForUnits({ paidFen, quantity }, prior, units);
          const claimedFen = prior.reduce((s, p) => s + p.refundFen, 0);
          expect(server.ok).toBe(true);
          if (server.ok) expect(refundPreview({ paidFen, quantity }, claimedUnits, claimedFen, units)).toBe(server.refundFen);
          if (server.ok) prior.push({ units, refundFen: server.refundFen });
          claimedUnits += units;
        }
      }),
    );
  });
});
