import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeEqual, signGuestToken, verifyGuestToken } from './tokens.js';

const secret = 'x'.repeat(48);

describe('guest tokens', () => {
  it('verify while valid and expire', () => {
    const t = signGuestToken(secret, 'gabcdefgh12', 2_000);
    expect(verifyGuestToken(secret, t, 1_000)).toEqual({ guestId: 'gabcdefgh12', expiresAtMs: 2_000 });
    expect(verifyGuestToken(secret, t, 2_000)).toBeNull();
    expect(verifyGuestToken('y'.repeat(48), t, 1_000)).toBeNull();
  });

  it('reject any tampering', () => {
    const t = signGuestToken(secret, 'gabcdefgh12', 10_000);
    fc.assert(
      fc.property(fc.nat({ max: t.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, c) => {
        const tampered = t.slice(0, i) + c + t.slice(i + 1);
        if (tampered !== t) expect(verifyGuestToken(secret, tampered, 1)).toBeNull();
      }),
    );
  });
});

describe('safeEqual', () => {
  it('agrees with === on any strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => safeEqual(a, b) === (a === b)));
  });
});
