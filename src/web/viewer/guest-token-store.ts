import type { GuestGrant } from '../api/api-types';

export const GUEST_STORAGE_KEY = 'onair.guest';
// Don't hand out a token that will expire mid-page-load.
const EXPIRY_MARGIN_MS = 60_000;

function isGuestGrant(value: unknown): value is GuestGrant {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.guestToken === 'string' && typeof v.guestId === 'string' && typeof v.expiresAt === 'string';
}

export function readStoredGuest(now = Date.now()): GuestGrant | null {
  try {
    const raw = localStorage.getItem(GUEST_STORAGE_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    if (!isGuestGrant(parsed)) return null;
    const expires = Date.parse(parsed.expiresAt);
    return Number.isFinite(expires) && expires - now > EXPIRY_MARGIN_MS ? parsed : null;
  } catch {
    return null;
  }
}

export function storeGuest(grant: GuestGrant): void {
  try {
    localStorage.setItem(GUEST_STORAGE_KEY, JSON.stringify(grant));
  } catch {
    // Without storage the guest simply gets a fresh token on the next visit.
  }
}
