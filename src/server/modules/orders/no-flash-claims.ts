import type { FlashClaims } from '../promotions/flash-claims.port.js';

/** Until the flash-sales module is wired in: every flash line is refused as not open. */
export const noFlashClaims: FlashClaims = {
  claim: async () => ({ ok: false, code: 'NOT_OPEN', message: 'This flash sale is not open', left: 0, claimedBefore: true }),
  unclaim: async () => undefined,
  recordClaim: async () => false,
  releaseClaim: async () => undefined,
  takeReservation: async () => null,
  reservationOf: async () => null,
};
