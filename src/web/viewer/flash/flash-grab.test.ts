import { describe, expect, it } from 'vitest';
import { ApiError, CLIENT_ERROR_CODES } from '../../api/api-client';
import type { FlashClaim } from '../../api/commerce-api';
import { lineRequest, cartItems, clearCart, dropReservation, putReservation, addToCart, setQuantity } from '../cart/cart-store';
import { cardMode, cardVisible, heldReservation, initialGrab, isPassRefused, passRenewDelay, refusalOf, reservationOfClaim, unitsHeld, type GrabState } from './flash-grab';
import { formatHold } from './flash-time';

const sale = { perBuyerLimit: 1, yours: 0, reservation: null };
const NOW = Date.parse('2026-01-01T12:10:00Z');
const listed = { id: 'r1', units: 1, holdUntil: '2026-01-01T12:14:00Z' };
const mode = (over: Partial<Parameters<typeof cardMode>[0]>) => cardMode({ sale, phase: 'open', signedIn: true, state: initialGrab, nowMs: NOW, ...over });
const refused = (status: number, code: string) => new ApiError({ status, code, message: code });

describe('flash card face', () => {
  it('offers the grab when open, a disabled countdown before, a sign-in prompt to guests', () => {
    expect(mode({})).toBe('open');
    expect(mode({ phase: 'upcoming' })).toBe('upcoming');
    expect(mode({ signedIn: false })).toBe('guest');
    expect(mode({ signedIn: false, phase: 'upcoming' })).toBe('guest');
    expect(mode({ signedIn: false, phase: 'sold_out' })).toBe('sold_out');
    expect(mode({ state: { ...initialGrab, busy: 'grab' } })).toBe('grabbing');
  });

  it('shows the reservation (from the list after a reload, or from the grab) until its hold runs out', () => {
    expect(mode({ sale: { ...sale, yours: 1, reservation: listed } })).toBe('reserved');
    expect(mode({ state: { ...initialGrab, reservation: listed } })).toBe('reserved');
    // Held even when the sale has sold out or ended meanwhile.
    expect(mode({ phase: 'sold_out', state: { ...initialGrab, reservation: listed } })).toBe('reserved');
    expect(mode({ phase: 'ended', sale: { ...sale, yours: 1, reservation: listed } })).toBe('reserved');
    expect(mode({ sale: { ...sale, yours: 1, reservation: listed }, nowMs: Date.parse(listed.holdUntil) })).toBe('expired');
    // Guests never see someone's reservation.
    expect(mode({ signedIn: false, sale: { ...sale, reservation: listed } })).toBe('guest');
  });

  it('forgets a listed reservation this page gave back, and counts its units out of `yours`', () => {
    const state: GrabState = { ...initialGrab, dropped: ['r1'] };
    const s = { ...sale, yours: 1, reservation: listed };
    expect(heldReservation(s, state)).toBeNull();
    expect(unitsHeld(s, state)).toBe(0);
    expect(mode({ sale: s, state })).toBe('open');
  });

  it('says the limit is reached: bought (yours) or refused by the server', () => {
    expect(mode({ sale: { ...sale, yours: 1 } })).toBe('bought');
    expect(mode({ state: { ...initialGrab, refusal: { kind: 'limit' } } })).toBe('limit');
    expect(mode({ sale: { ...sale, perBuyerLimit: 2, yours: 1 }, state: { ...initialGrab, refusal: { kind: 'limit' } } })).toBe('bought');
  });

  it('is sold out by the list or by the server refusing the grab', () => {
    expect(mode({ phase: 'sold_out' })).toBe('sold_out');
    expect(mode({ state: { ...initialGrab, refusal: { kind: 'sold_out', at: NOW } } })).toBe('sold_out');
  });

  it('stays on screen after the sale ends only while the buyer still holds units of it', () => {
    expect(cardVisible(sale, 'open', true, initialGrab, NOW)).toBe(true);
    expect(cardVisible(sale, 'ended', true, initialGrab, NOW)).toBe(false);
    expect(cardVisible({ ...sale, reservation: listed }, 'ended', true, initialGrab, NOW)).toBe(true);
    expect(cardVisible({ ...sale, reservation: listed }, 'ended', true, initialGrab, Date.parse(listed.holdUntil) + 1)).toBe(false);
    expect(cardVisible({ ...sale, reservation: listed }, 'ended', false, initialGrab, NOW)).toBe(false);
  });
});

describe('grab answers', () => {
  it('sorts refusals; only an answer that never came keeps the same idempotency key', () => {
    expect(refusalOf(refused(409, 'SOLD_OUT'), 5)).toEqual({ kind: 'sold_out', at: 5 });
    expect(refusalOf(refused(409, 'LIMIT_REACHED'), 5)).toEqual({ kind: 'limit' });
    expect(refusalOf(refused(409, 'NOT_OPEN'), 5)).toEqual({ kind: 'not_open' });
    expect(refusalOf(refused(0, CLIENT_ERROR_CODES.network), 5)).toMatchObject({ kind: 'error', retry: true });
    expect(refusalOf(refused(503, 'UNAVAILABLE'), 5)).toMatchObject({ kind: 'error', retry: true });
    expect(refusalOf(refused(429, 'RATE_LIMITED'), 5)).toMatchObject({ kind: 'error', retry: true });
    expect(refusalOf(refused(400, 'VALIDATION'), 5)).toMatchObject({ kind: 'error', retry: false, signIn: false });
    expect(refusalOf(refused(401, 'UNAUTHENTICATED'), 5)).toMatchObject({ kind: 'error', retry: false, signIn: true });
  });

  it('renews a refused pass; asks for a new one a minute before it runs out, never in a loop', () => {
    expect(isPassRefused(refused(401, 'PASS_INVALID'))).toBe(true);
    expect(isPassRefused(refused(401, 'UNAUTHENTICATED'))).toBe(false);
    expect(passRenewDelay(600_000)).toBe(540_000);
    expect(passRenewDelay(30_000)).toBe(5_000);
  });

  it('keeps a held reservation from the claim; anything else is not waiting for checkout', () => {
    const reply = (status: 'held' | 'ordered'): FlashClaim => ({
      replayed: false,
      reservation: { id: 'r9', flashSaleId: 'f1', sessionId: 's1', skuId: 'k1', units: 1, priceFen: 100, status, holdUntil: listed.holdUntil, orderId: null, createdAt: listed.holdUntil },
    });
    expect(reservationOfClaim(reply('held'))).toEqual({ id: 'r9', units: 1, holdUntil: listed.holdUntil });
    expect(reservationOfClaim(reply('ordered'))).toBeNull();
  });

  it('shows the hold as m:ss', () => {
    expect(formatHold(300_000)).toBe('5:00');
    expect(formatHold(299_999)).toBe('4:59');
    expect(formatHold(9_500)).toBe('0:09');
    expect(formatHold(-1)).toBe('0:00');
    expect(formatHold(3_725_000)).toBe('1:02:05');
  });
});

describe('a reservation in the cart', () => {
  const session = 'cart-test';
  it('is one line per sale with the reserved units, sent with its reservation, and leaves when given back', () => {
    clearCart(session);
    addToCart(session, { skuId: 'k1', quantity: 1, flashSaleId: 'f1' });
    addToCart(session, { skuId: 'k2', quantity: 2 });
    putReservation(session, { skuId: 'k1', flashSaleId: 'f1', reservationId: 'r1', units: 2, heldUntil: 1000 });
    expect(cartItems(session)).toEqual([
      { skuId: 'k1', quantity: 2, flashSaleId: 'f1', reservationId: 'r1', heldUntil: 1000 },
      { skuId: 'k2', quantity: 2 },
    ]);
    expect(cartItems(session).map(lineRequest)).toEqual([
      { skuId: 'k1', quantity: 2, flashSaleId: 'f1', reservationId: 'r1' },
      { skuId: 'k2', quantity: 2 },
    ]);
    // Its units are the reservation's: not resized, not added to; removable.
    setQuantity(session, { skuId: 'k1', flashSaleId: 'f1' }, 5);
    addToCart(session, { skuId: 'k1', flashSaleId: 'f1' });
    expect(cartItems(session)[0]?.quantity).toBe(2);
    putReservation(session, { skuId: 'k1', flashSaleId: 'f1', reservationId: 'r1', units: 2, heldUntil: 1000 });
    expect(cartItems(session)).toHaveLength(2);
    dropReservation(session, 'r1');
    expect(cartItems(session)).toEqual([{ skuId: 'k2', quantity: 2 }]);
  });
});
