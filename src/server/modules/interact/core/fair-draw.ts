import { createHash, createHmac } from 'node:crypto';
import { entrantIdPattern, type DrawRecord } from '../../../../contracts/draw.contract.js';

/**
 * Provably fair draws, algorithm 'onair-draw-v1' (encodings in contracts/draw.contract.ts; the
 * steps for re-implementers in ../README.md). Pure: randomness comes in through newSeed's argument.
 *
 * Winners: a partial Fisher–Yates shuffle of the sorted, distinct entrant ids. For position
 * i = 0 .. k-1 (k = min(count, n)), j = i + uniform(n - i), swap(list[i], list[j]); the winners are
 * list[0..k) in that order. uniform(m) reads the first 8 bytes of
 * HMAC-SHA256(key = seed bytes, message = `onair-draw-v1:${i}:${attempt}`) as a big-endian unsigned
 * 64-bit v, attempt = 0, 1, ...; it accepts the first v < floor(2^64 / m) * m and returns v mod m
 * (rejection sampling: every index exactly equally likely, no modulo bias).
 *
 * Why Fisher–Yates rather than sorting by HMAC(seed, id): it costs k HMACs instead of n (1,000
 * rather than 10,000 for the largest draw), every ordered k-subset is exactly equally likely
 * (given a uniform uniform(m), which rejection sampling makes exact), and there are no ties to
 * break. The HMAC is keyed by the seed, so nobody who lacks the seed can predict an index, and the
 * commitment keeps the server from changing the seed after seeing the entrants.
 */

export const DRAW_ALGORITHM = 'onair-draw-v1';
const TWO_64 = 1n << 64n;

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function seedBytes(seedHex: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(seedHex)) throw new Error('seed: expected 64 lowercase hex characters (32 bytes)');
  return Buffer.from(seedHex, 'hex');
}

/** A fresh seed: 32 bytes from the injected source, as lowercase hex. */
export function newSeed(random: (n: number) => Buffer): string {
  const b = random(32);
  if (b.length !== 32) throw new Error(`random source returned ${b.length} bytes, expected 32`);
  return b.toString('hex');
}

/** The commitment published when the draw opens: SHA-256 of the 32 seed bytes, lowercase hex. */
export function commit(seedHex: string): string {
  return sha256Hex(seedBytes(seedHex));
}

/** The canonical entrant list: distinct ids sorted by code unit. */
export function canonicalEntrants(ids: Iterable<string>): string[] {
  const list = [...new Set(ids)];
  for (const id of list) if (!entrantIdPattern.test(id)) throw new Error(`entrant id ${JSON.stringify(id)} is not 1-128 characters from A-Z a-z 0-9 _ . : -`);
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** SHA-256 of the canonical entrant list joined with '\n' (UTF-8), lowercase hex. */
export function hashEntrants(ids: Iterable<string>): string {
  return sha256Hex(canonicalEntrants(ids).join('\n'));
}

/** uniform(m) for swap position i: see the module comment. */
function uniformIndex(key: Buffer, i: number, m: number): number {
  const big = BigInt(m);
  const limit = (TWO_64 / big) * big;
  for (let attempt = 0; ; attempt++) {
    const v = createHmac('sha256', key).update(`${DRAW_ALGORITHM}:${i}:${attempt}`).digest().readBigUInt64BE(0);
    if (v < limit) return Number(v % big);
  }
}

/**
 * The winners, in draw order: a deterministic function of the seed and the canonical entrant list
 * (input order and duplicates do not matter); min(count, entrants) of them, all distinct.
 */
export function drawWinners(seedHex: string, entrants: Iterable<string>, count: number): string[] {
  if (!Number.isInteger(count) || count < 0) throw new Error('count: expected a whole number, 0 or more');
  const key = seedBytes(seedHex);
  const list = canonicalEntrants(entrants);
  const k = Math.min(count, list.length);
  for (let i = 0; i < k; i++) {
    const j = i + uniformIndex(key, i, list.length - i);
    const t = list[i]!;
    list[i] = list[j]!;
    list[j] = t;
  }
  return list.slice(0, k);
}

export interface DrawVerification {
  ok: boolean;
  /** What does not match, each naming the field; empty when ok. */
  problems: string[];
  /** The winners recomputed from the record's seed and entrants (null when the seed is not revealed). */
  winners: string[] | null;
}

/** Recompute commitment, entrants hash and winners from a published record and say what does not match. */
export function verifyDraw(record: DrawRecord): DrawVerification {
  const problems: string[] = [];
  if (record.algorithm !== DRAW_ALGORITHM) problems.push(`algorithm: '${String(record.algorithm)}' is not '${DRAW_ALGORITHM}'`);

  const bad = record.entrants.find((id) => !entrantIdPattern.test(id));
  let canonical: string[] | null = null;
  if (bad !== undefined) problems.push(`entrants: ${JSON.stringify(bad)} is not a valid entrant id`);
  else {
    canonical = canonicalEntrants(record.entrants);
    if (canonical.length !== record.entrants.length || canonical.some((id, i) => id !== record.entrants[i])) {
      problems.push('entrants: not in canonical order (distinct ids sorted by code unit)');
    }
    const h = sha256Hex(canonical.join('\n'));
    if (h !== record.entrantsHash) problems.push(`entrantsHash: the entrants hash to ${h}, the record says ${record.entrantsHash}`);
  }

  let winners: string[] | null = null;
  if (record.seed === null) problems.push('seed: not revealed yet, so the winners cannot be checked');
  else {
    const c = commit(record.seed);
    if (c !== record.commitment) problems.push(`commitment: sha256(seed) is ${c}, the record says ${record.commitment}`);
    if (canonical) {
      winners = drawWinners(record.seed, canonical, record.winnerCount);
      const expected = Math.min(record.winnerCount, canonical.length);
      if (record.winners.length !== winners.length) {
        problems.push(`winners: the record lists ${record.winners.length}, expected min(winnerCount ${record.winnerCount}, entrants ${canonical.length}) = ${expected}`);
      }
      const at = winners.findIndex((w, i) => i < record.winners.length && record.winners[i] !== w);
      if (at >= 0) problems.push(`winners: position ${at + 1} is ${record.winners[at]} in the record, recomputed ${winners[at]}`);
    }
  }
  return { ok: problems.length === 0, problems, winners };
}
