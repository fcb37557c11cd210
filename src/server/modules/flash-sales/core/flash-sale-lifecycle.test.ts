import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideFlashTransition, dueEvent, flashTransitions, isFinal, nextDeadline, nextFullHour, type FlashSaleEvent, type FlashSaleFacts, type FlashSaleStatus } from './flash-sale-lifecycle.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');
const sale = (status: FlashSaleStatus, over: Partial<FlashSaleFacts> = {}): FlashSaleFacts => ({ status, startsAtMs: T0, endsAtMs: T0 + 600_000, stockLeft: 10, ...over });

describe('flash-sale lifecycle', () => {
  it('has exactly the documented transitions', () => {
    expect(flashTransitions).toEqual({ scheduled: { open: 'open', cancel: 'cancelled' }, open: { close: 'closed' }, closed: {}, cancelled: {} });
    expect(isFinal('closed')).toBe(true);
    expect(isFinal('cancelled')).toBe(true);
    expect(isFinal('open')).toBe(false);
  });

  it('the clock opens at the start, the operator may open early, nobody opens after the end', () => {
    expect(decideFlashTransition(sale('scheduled'), 'open', 'clock', T0 - 1)).toMatchObject({ ok: false, code: 'TOO_EARLY' });
    expect(decideFlashTransition(sale('scheduled'), 'open', 'clock', T0)).toEqual({ ok: true, to: 'open' });
    expect(decideFlashTransition(sale('scheduled'), 'open', 'operator', T0 - 3_600_000)).toEqual({ ok: true, to: 'open' });
    expect(decideFlashTransition(sale('scheduled'), 'open', 'operator', T0 + 600_000)).toMatchObject({ ok: false, code: 'ENDED' });
  });

  it('refuses every event not in the table', () => {
    const statuses: FlashSaleStatus[] = ['scheduled', 'open', 'closed', 'cancelled'];
    const events: FlashSaleEvent[] = ['open', 'close', 'cancel'];
    for (const s of statuses) {
      for (const e of events) {
        const d = decideFlashTransition(sale(s), e, 'operator', T0);
        if (flashTransitions[s][e]) expect(d.ok).toBe(true);
        else expect(d).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' });
      }
    }
  });

  it('says what is due: open at start, close at end or when sold out and settled, cancel a sale never opened', () => {
    expect(dueEvent(sale('scheduled'), T0 - 1, true)).toBeNull();
    expect(dueEvent(sale('scheduled'), T0, true)).toBe('open');
    expect(dueEvent(sale('scheduled'), T0 + 600_000, true)).toBe('cancel');
    expect(dueEvent(sale('open'), T0 + 1, true)).toBeNull();
    expect(dueEvent(sale('open'), T0 + 600_000, false)).toBe('close');
    expect(dueEvent(sale('open', { stockLeft: 0 }), T0 + 1, false)).toBeNull();
    expect(dueEvent(sale('open', { stockLeft: 0 }), T0 + 1, true)).toBe('close');
    expect(dueEvent(sale('closed'), T0 + 10_000_000, true)).toBeNull();
  });

  it('every due event is a legal clock transition (property)', () => {
    const status = fc.constantFrom<FlashSaleStatus>('scheduled', 'open', 'closed', 'cancelled');
    fc.assert(
      fc.property(status, fc.integer({ min: -7_200_000, max: 7_200_000 }), fc.integer({ min: 1, max: 7_200_000 }), fc.nat(5), fc.boolean(), (st, offset, len, left, settled) => {
        const s = sale(st, { startsAtMs: T0, endsAtMs: T0 + len, stockLeft: left });
        const now = T0 + offset;
        const e = dueEvent(s, now, settled);
        if (e === null) return;
        const d = decideFlashTransition(s, e, 'clock', now);
        // An overdue scheduled sale is cancelled rather than opened after its end.
        expect(d.ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('next full hour (整点) is strictly later and on the hour in the given offset', () => {
    expect(new Date(nextFullHour(Date.parse('2026-11-26T12:00:00Z'))).toISOString()).toBe('2026-11-26T13:00:00.000Z');
    expect(new Date(nextFullHour(Date.parse('2026-11-26T12:59:59.999Z'))).toISOString()).toBe('2026-11-26T13:00:00.000Z');
    // Asia/Kolkata is +05:30: the next full local hour is at :30 UTC.
    expect(new Date(nextFullHour(Date.parse('2026-11-26T12:10:00Z'), 330)).toISOString()).toBe('2026-11-26T12:30:00.000Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(0, 480, -300, 330), (now, off) => {
        const h = nextFullHour(now, off);
        expect(h).toBeGreaterThan(now);
        expect(h - now).toBeLessThanOrEqual(3_600_000);
        expect(Math.abs((h + off * 60_000) % 3_600_000)).toBe(0);
      }),
    );
  });

  it('next deadline is the nearest start of a scheduled sale or end of an open one', () => {
    expect(nextDeadline([sale('scheduled', { startsAtMs: T0 + 5 }), sale('open', { endsAtMs: T0 + 3 }), sale('closed', { endsAtMs: T0 + 1 })], T0)).toBe(T0 + 3);
    expect(nextDeadline([sale('closed')], T0)).toBeNull();
    expect(nextDeadline([sale('scheduled', { startsAtMs: T0 - 5 })], T0)).toBe(T0);
  });
});
