import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Constant-time string comparison (hashes first, so unequal lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');

/** A guest token: `g1.<guestId>.<expiresAtMs>.<hmac>`. Stateless, so guests cost no storage. */
export function signGuestToken(secret: string, guestId: string, expiresAtMs: number): string {
  const body = `g1.${guestId}.${expiresAtMs}`;
  return `${body}.${hmac(secret, body)}`;
}

export function verifyGuestToken(secret: string, token: string, nowMs: number): { guestId: string; expiresAtMs: number } | null {
  if (token.length > 200) return null;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'g1') return null;
  const [, guestId, exp, sig] = parts as [string, string, string, string];
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(guestId) || !/^\d{1,15}$/.test(exp)) return null;
  if (!safeEqual(sig, hmac(secret, `g1.${guestId}.${exp}`))) return null;
  const expiresAtMs = Number(exp);
  if (expiresAtMs <= nowMs) return null;
  return { guestId, expiresAtMs };
}
