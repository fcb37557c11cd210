import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/** Constant-time string comparison (hashes first, so unequal lengths leak nothing either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** HMAC keys as KeyObjects, made once per secret (a string key is imported again on every call). */
const keys = new Map<string, KeyObject>();
const keyOf = (secret: string): KeyObject => {
  let k = keys.get(secret);
  if (!k) {
    if (keys.size > 100) keys.clear();
    keys.set(secret, (k = createSecretKey(Buffer.from(secret, 'utf8'))));
  }
  return k;
};
const hmac = (secret: string, data: string) => createHmac('sha256', keyOf(secret)).update(data).digest('base64url');

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

/**
 * A play token: `v1.<sessionId>.<expiresAtMs>.<hmac>`, for a private session's video URLs (HTTP-FLV,
 * HLS): handed to a viewer who may see the session, it expires, and it names the one session.
 */
export function signPlayToken(secret: string, sessionId: string, expiresAtMs: number): string {
  const body = `v1.${sessionId}.${expiresAtMs}`;
  return `${body}.${hmac(secret, body)}`;
}

export function verifyPlayToken(secret: string, token: string, sessionId: string, nowMs: number): boolean {
  if (token.length > 200) return false;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1' || parts[1] !== sessionId) return false;
  const exp = parts[2]!;
  if (!/^\d{1,15}$/.test(exp) || Number(exp) <= nowMs) return false;
  return safeEqual(parts[3]!, hmac(secret, `v1.${sessionId}.${exp}`));
}

/**
 * A pass: `p1.<scope>.<viewerId>.<sid>.<issuedMs>.<expiresMs>.<nickname b64url>.<hmac>`, a short-lived
 * proof that a signed-in viewer (sign-in session `sid`, its first 16 hex) may act on one thing
 * (`scope`, e.g. a flash sale's id) without a session lookup. Revocation is checked by the caller.
 */
export interface PassClaims {
  scope: string;
  viewerId: string;
  sid: string;
  issuedMs: number;
  expiresMs: number;
  nickname: string;
}

const passKey = (secret: string) => createHmac('sha256', secret).update('onair/pass/v1').digest('base64url');

export function signPass(secret: string, c: PassClaims): string {
  const body = `p1.${c.scope}.${c.viewerId}.${c.sid}.${c.issuedMs}.${c.expiresMs}.${Buffer.from(c.nickname, 'utf8').toString('base64url')}`;
  return `${body}.${hmac(passKey(secret), body)}`;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SID = /^[0-9a-f]{16}$/;
const MS = /^\d{1,15}$/;

export function verifyPass(secret: string, pass: string, nowMs: number, key = passKey(secret)): PassClaims | null {
  if (pass.length > 400) return null;
  const parts = pass.split('.');
  if (parts.length !== 8 || parts[0] !== 'p1') return null;
  const [, scope, viewerId, sid, issued, exp, nick, sig] = parts as [string, string, string, string, string, string, string, string];
  if (!ID.test(scope) || !ID.test(viewerId) || !SID.test(sid) || !MS.test(issued) || !MS.test(exp) || !/^[A-Za-z0-9_-]{0,120}$/.test(nick)) return null;
  const expected = hmac(key, pass.slice(0, pass.length - sig.length - 1));
  // Both are base64url SHA-256 MACs of the same length when well formed: compare in constant time.
  if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return null;
  const expiresMs = Number(exp);
  if (expiresMs <= nowMs) return null;
  return { scope, viewerId, sid, issuedMs: Number(issued), expiresMs, nickname: Buffer.from(nick, 'base64url').toString('utf8') };
}

export { passKey };
