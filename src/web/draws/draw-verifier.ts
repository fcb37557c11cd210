// Verifies a provably fair draw in the browser, with WebCrypto only: an independent
// re-implementation of 'onair-draw-v1' (src/server/modules/interact/README.md, "Provably fair
// draws"), so the page proves the draw without trusting the server's code. Only types come from
// the contract; no server module is imported (the unit test checks agreement with the server's).
import type { DrawRecord } from '../../contracts/draw.contract.js';

export const DRAW_ALGORITHM = 'onair-draw-v1';
const ENTRANT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const SEED_HEX = /^[0-9a-f]{64}$/;
const TWO_64 = 1n << 64n;
/** HMACs computed per round before the page gets a chance to paint the progress. */
const CHUNK = 250;

export type CheckItem = 'algorithm' | 'commitment' | 'published-commitment' | 'published-entrants-hash' | 'entrants-order' | 'entrants-hash' | 'winners';
export type CheckStatus = 'match' | 'mismatch' | 'unavailable';
export interface DrawCheck {
  item: CheckItem;
  status: CheckStatus;
  /** What the record (or the page) says. */
  claimed: string | null;
  /** What this browser computed. */
  computed: string | null;
  /** For winners: the first position (1-based) that differs, or the count mismatch. */
  position?: number;
}
export interface BrowserVerification {
  ok: boolean;
  checks: DrawCheck[];
  /** Recomputed winners in draw order (null when the seed is not revealed or the input is invalid). */
  winners: string[] | null;
  elapsedMs: number;
}
export interface VerifyOptions {
  /** The commitment / entrants hash as published in the room while the draw ran (the page's timeline). */
  published?: { commitment: string | null; entrantsHash: string | null };
  /** Called as winners are recomputed (done of total). */
  onProgress?: (done: number, total: number) => void;
  subtle?: SubtleCrypto;
  now?: () => number;
}

const defaultSubtle = (): SubtleCrypto => globalThis.crypto.subtle;
const toHex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  if (!SEED_HEX.test(hex)) throw new Error('seed: expected 64 lowercase hex characters');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** SHA-256 of the 32 seed bytes (not of the hex text). */
export async function browserCommit(seedHex: string, subtle: SubtleCrypto = defaultSubtle()): Promise<string> {
  return toHex(await subtle.digest('SHA-256', hexToBytes(seedHex)));
}

/** Distinct ids sorted by code unit. */
export function canonicalOrder(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** SHA-256 of the canonical list joined with '\n', UTF-8. */
export async function browserHashEntrants(ids: readonly string[], subtle: SubtleCrypto = defaultSubtle()): Promise<string> {
  return toHex(await subtle.digest('SHA-256', new TextEncoder().encode(canonicalOrder(ids).join('\n'))));
}

/**
 * The winners, in draw order: partial Fisher–Yates over the canonical list, swap index i drawn from
 * HMAC-SHA256(seed, `onair-draw-v1:${i}:${attempt}`) with rejection sampling. The HMAC message
 * does not depend on earlier swaps, so each chunk of positions is signed in parallel and the swaps
 * follow in order.
 */
export async function browserDrawWinners(
  seedHex: string,
  entrants: readonly string[],
  count: number,
  opts: { subtle?: SubtleCrypto; onProgress?: (done: number, total: number) => void } = {},
): Promise<string[]> {
  const subtle = opts.subtle ?? defaultSubtle();
  const key = await subtle.importKey('raw', hexToBytes(seedHex), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const enc = new TextEncoder();
  const mac = async (i: number, attempt: number): Promise<bigint> => {
    const sig = await subtle.sign('HMAC', key, enc.encode(`${DRAW_ALGORITHM}:${String(i)}:${String(attempt)}`));
    return new DataView(sig).getBigUint64(0, false);
  };
  const list = canonicalOrder(entrants);
  const k = Math.min(Math.max(0, Math.floor(count)), list.length);
  opts.onProgress?.(0, k);
  for (let start = 0; start < k; start += CHUNK) {
    const end = Math.min(k, start + CHUNK);
    const first = await Promise.all(Array.from({ length: end - start }, (_, x) => mac(start + x, 0)));
    for (let i = start; i < end; i++) {
      const m = BigInt(list.length - i);
      const limit = (TWO_64 / m) * m;
      let v = first[i - start]!;
      // Rejection: practically never taken (odds below m / 2^64), but part of the algorithm.
      for (let attempt = 1; v >= limit; attempt++) v = await mac(i, attempt);
      const j = i + Number(v % m);
      const t = list[i]!;
      list[i] = list[j]!;
      list[j] = t;
    }
    opts.onProgress?.(end, k);
    if (end < k) await yieldToPage();
  }
  return list.slice(0, k);
}

const short = (list: readonly string[]) => `${String(list.length)}`;

/**
 * Recomputes everything a published record claims and says, item by item, whether it matches.
 * Never throws on a malformed record: what cannot be checked is 'unavailable' or 'mismatch'.
 */
export async function verifyDrawInBrowser(record: DrawRecord, o: VerifyOptions = {}): Promise<BrowserVerification> {
  const subtle = o.subtle ?? defaultSubtle();
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const checks: DrawCheck[] = [];
  const seedOk = record.seed !== null && SEED_HEX.test(record.seed);
  const algorithm = String(record.algorithm);
  if (algorithm !== DRAW_ALGORITHM) checks.push({ item: 'algorithm', status: 'mismatch', claimed: algorithm, computed: DRAW_ALGORITHM });

  // 1. The seed revealed now is the one committed to when the draw opened.
  if (seedOk && record.seed) {
    const c = await browserCommit(record.seed, subtle);
    checks.push({ item: 'commitment', status: c === record.commitment ? 'match' : 'mismatch', claimed: record.commitment, computed: c });
  } else {
    checks.push({ item: 'commitment', status: record.seed === null ? 'unavailable' : 'mismatch', claimed: record.commitment, computed: null });
  }
  if (o.published?.commitment) {
    checks.push({
      item: 'published-commitment',
      status: o.published.commitment === record.commitment ? 'match' : 'mismatch',
      claimed: o.published.commitment,
      computed: record.commitment,
    });
  }

  // 2. The entrant list is canonical and hashes to what was published when entries closed.
  const validIds = record.entrants.every((id) => ENTRANT_ID.test(id));
  const canonical = validIds ? canonicalOrder(record.entrants) : null;
  const inOrder = canonical !== null && canonical.length === record.entrants.length && canonical.every((id, i) => id === record.entrants[i]);
  checks.push({ item: 'entrants-order', status: inOrder ? 'match' : 'mismatch', claimed: short(record.entrants), computed: canonical ? short(canonical) : null });
  if (canonical) {
    const h = await browserHashEntrants(canonical, subtle);
    checks.push({ item: 'entrants-hash', status: h === record.entrantsHash ? 'match' : 'mismatch', claimed: record.entrantsHash, computed: h });
  } else {
    checks.push({ item: 'entrants-hash', status: 'mismatch', claimed: record.entrantsHash, computed: null });
  }
  if (o.published?.entrantsHash) {
    checks.push({
      item: 'published-entrants-hash',
      status: o.published.entrantsHash === record.entrantsHash ? 'match' : 'mismatch',
      claimed: o.published.entrantsHash,
      computed: record.entrantsHash,
    });
  }

  // 3. The winners follow from the seed and the entrants.
  let winners: string[] | null = null;
  if (seedOk && record.seed && canonical) {
    winners = await browserDrawWinners(record.seed, canonical, record.winnerCount, { subtle, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
    const at = winners.findIndex((w, i) => record.winners[i] !== w);
    const sameLength = winners.length === record.winners.length;
    const firstDiff = at >= 0 ? at : sameLength ? -1 : Math.min(winners.length, record.winners.length);
    checks.push({
      item: 'winners',
      status: firstDiff < 0 ? 'match' : 'mismatch',
      claimed: short(record.winners),
      computed: short(winners),
      ...(firstDiff >= 0 ? { position: firstDiff + 1 } : {}),
    });
  } else {
    checks.push({ item: 'winners', status: record.seed === null ? 'unavailable' : 'mismatch', claimed: short(record.winners), computed: null });
  }

  return { ok: checks.every((c) => c.status === 'match'), checks, winners, elapsedMs: Math.round(now() - t0) };
}
