import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawRecordSchema, type DrawRecord } from '../../../../contracts/draw.contract.js';
import { canonicalEntrants, commit, drawWinners, hashEntrants, newSeed, verifyDraw } from './fair-draw.js';

/** A deterministic "random" source for tests: bytes of SHA-256(label, counter). */
function fakeRandom(label: string): (n: number) => Buffer {
  let c = 0;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let o = 0; o < n; o += 32) createHash('sha256').update(`${label}:${c++}`).digest().copy(out, o);
    return out;
  };
}

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const idArb = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
const idsArb = fc.uniqueArray(idArb, { minLength: 1, maxLength: 60 });

function record(seed: string, ids: string[], winnerCount: number): DrawRecord {
  const entrants = canonicalEntrants(ids);
  return {
    version: 1,
    drawId: 'd1',
    sessionId: 's1',
    algorithm: 'onair-draw-v1',
    commitment: commit(seed),
    seed,
    entrantsHash: hashEntrants(entrants),
    entrants,
    winnerCount,
    winners: drawWinners(seed, entrants, winnerCount),
  };
}

const SEED = newSeed(fakeRandom('fixed'));

describe('encodings', () => {
  it('newSeed takes 32 bytes from the injected source, lowercase hex', () => {
    expect(newSeed(() => Buffer.alloc(32, 0xab))).toBe('ab'.repeat(32));
    expect(() => newSeed(() => Buffer.alloc(16))).toThrow(/16 bytes/);
  });

  it('commitment is SHA-256 of the seed bytes', () => {
    const seed = '00'.repeat(32);
    expect(commit(seed)).toBe(createHash('sha256').update(Buffer.alloc(32)).digest('hex'));
    expect(commit(seed)).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
    expect(() => commit('AB'.repeat(32))).toThrow(/lowercase hex/);
  });

  it('entrants hash: distinct ids sorted by code unit, joined with \\n', () => {
    expect(hashEntrants(['b', 'a', 'B', 'a'])).toBe(createHash('sha256').update('B\na\nb').digest('hex'));
    expect(hashEntrants([])).toBe(createHash('sha256').update('').digest('hex'));
    expect(() => hashEntrants(['has space'])).toThrow(/entrant id/);
  });

  it('winners follow the documented steps (an independent re-implementation agrees)', () => {
    const ids = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
    const list = [...ids].sort();
    const key = Buffer.from(SEED, 'hex');
    for (let i = 0; i < 3; i++) {
      const m = BigInt(list.length - i);
      let j = -1;
      for (let attempt = 0; j < 0; attempt++) {
        const v = createHmac('sha256', key).update(`onair-draw-v1:${i}:${attempt}`).digest().readBigUInt64BE(0);
        if (v < ((1n << 64n) / m) * m) j = i + Number(v % m);
      }
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    expect(drawWinners(SEED, ids, 3)).toEqual(list.slice(0, 3));
  });
});

describe('drawWinners', () => {
  it('is deterministic; winners are distinct entrants, min(k, n) of them; input order and duplicates do not matter', () => {
    fc.assert(
      fc.property(seedArb, idsArb, fc.integer({ min: 0, max: 80 }), fc.integer(), (seed, ids, k, shuffleKey) => {
        const w = drawWinners(seed, ids, k);
        expect(drawWinners(seed, ids, k)).toEqual(w);
        expect(w.length).toBe(Math.min(k, ids.length));
        expect(new Set(w).size).toBe(w.length);
        for (const x of w) expect(ids).toContain(x);
        const shuffled = [...ids, ...ids.slice(0, 3)].sort((a, b) => (hashOf(a + shuffleKey) < hashOf(b + shuffleKey) ? -1 : 1));
        expect(drawWinners(seed, shuffled, k)).toEqual(w);
        // A larger k extends the list: the first k winners do not depend on how many more are drawn.
        expect(drawWinners(seed, ids, k + 5).slice(0, w.length)).toEqual(w);
      }),
      { numRuns: 200 },
    );
  });

  it('no entrants, no winners', () => {
    expect(drawWinners(SEED, [], 5)).toEqual([]);
  });

  it('is roughly uniform over many seeds (n = 5, 1 winner; and ordered pairs for 2 winners)', () => {
    const random = fakeRandom('uniformity');
    const n = 5;
    const runs = 20_000;
    const ids = Array.from({ length: n }, (_, i) => `u${i}`);
    const first = new Map<string, number>();
    const pairs = new Map<string, number>();
    for (let r = 0; r < runs; r++) {
      const [a, b] = drawWinners(newSeed(random), ids, 2);
      first.set(a!, (first.get(a!) ?? 0) + 1);
      pairs.set(`${a}>${b}`, (pairs.get(`${a}>${b}`) ?? 0) + 1);
    }
    // Chi-square against uniform: 4 d.o.f. critical value at p = 0.001 is 18.47; 19 d.o.f. is 43.82.
    const chi = (counts: Map<string, number>, cells: number) => {
      const e = runs / cells;
      let s = 0;
      for (const c of counts.values()) s += (c - e) ** 2 / e;
      return s + (cells - counts.size) * e;
    };
    expect(first.size).toBe(n);
    expect(pairs.size).toBe(n * (n - 1));
    expect(chi(first, n)).toBeLessThan(18.47);
    expect(chi(pairs, n * (n - 1))).toBeLessThan(43.82);
  });

  it('10,000 entrants and 1,000 winners (measured, not asserted)', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `viewer-${i}`);
    drawWinners(SEED, ids, 1000); // warm-up
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      const w = drawWinners(newSeed(fakeRandom(`perf${r}`)), ids, 1000);
      times.push(performance.now() - t0);
      expect(w).toHaveLength(1000);
    }
    const t0 = performance.now();
    const v = verifyDraw(record(SEED, ids, 1000));
    const verifyMs = performance.now() - t0;
    expect(v.ok).toBe(true);
    console.log(`fair-draw: 10,000 entrants / 1,000 winners: drawWinners ${times.map((t) => t.toFixed(1)).join(', ')} ms (5 runs); record + verifyDraw ${verifyMs.toFixed(1)} ms`);
  });
});

function hashOf(s: string) {
  return createHash('sha256').update(s).digest('hex');
}

describe('verifyDraw', () => {
  it('a genuine record verifies and passes the contract schema', () => {
    fc.assert(
      fc.property(seedArb, idsArb, fc.integer({ min: 1, max: 80 }), (seed, ids, k) => {
        const rec = record(seed, ids, k);
        expect(drawRecordSchema.parse(rec)).toEqual(rec);
        expect(verifyDraw(rec)).toEqual({ ok: true, problems: [], winners: rec.winners });
      }),
      { numRuns: 100 },
    );
  });

  it('another seed (with its own commitment) gives other winners: the old winners no longer verify', () => {
    fc.assert(
      fc.property(seedArb, seedArb, fc.uniqueArray(idArb, { minLength: 20, maxLength: 60 }), (s1, s2, ids) => {
        fc.pre(s1 !== s2);
        const rec = record(s1, ids, 5);
        const v = verifyDraw({ ...rec, seed: s2, commitment: commit(s2) });
        // 5 of >= 20 in order: a collision has probability < 1/1.8e6.
        expect(v.ok).toBe(false);
        expect(v.problems.join('\n')).toMatch(/^winners: position \d+ is /m);
      }),
      { numRuns: 100 },
    );
  });

  it('changing an entrant (hash updated too) changes the result or at least the hash; left alone, the hash names it', () => {
    fc.assert(
      fc.property(seedArb, idsArb, idArb, (seed, ids, extra) => {
        fc.pre(!ids.includes(extra));
        const rec = record(seed, ids, 3);
        const entrants = canonicalEntrants([...rec.entrants.slice(1), extra]);
        const v = verifyDraw({ ...rec, entrants });
        expect(v.ok).toBe(false);
        expect(v.problems.some((p) => p.startsWith('entrantsHash: '))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('names each tampering', () => {
    const rec = record(SEED, Array.from({ length: 30 }, (_, i) => `u${i}`), 3);
    const other = newSeed(fakeRandom('other'));
    const problems = (r: DrawRecord) => verifyDraw(r).problems;

    expect(problems({ ...rec, seed: other })).toEqual([expect.stringMatching(/^commitment: sha256\(seed\) is [0-9a-f]{64}, the record says /), expect.stringMatching(/^winners: position 1 /)]);
    expect(problems({ ...rec, commitment: commit(other) })).toEqual([expect.stringMatching(/^commitment: /)]);
    expect(problems({ ...rec, winners: [rec.winners[1]!, rec.winners[0]!, rec.winners[2]!] })).toEqual([`winners: position 1 is ${rec.winners[1]} in the record, recomputed ${rec.winners[0]}`]);
    expect(problems({ ...rec, winners: rec.winners.slice(0, 2) })).toEqual(['winners: the record lists 2, expected min(winnerCount 3, entrants 30) = 3']);
    expect(problems({ ...rec, entrants: [...rec.entrants].reverse() })).toEqual(['entrants: not in canonical order (distinct ids sorted by code unit)']);
    expect(problems({ ...rec, entrants: rec.entrants.filter((e) => e !== rec.winners[0]) })[0]).toMatch(/^entrantsHash: the entrants hash to /);
    expect(problems({ ...rec, winnerCount: 4 })).toEqual(['winners: the record lists 3, expected min(winnerCount 4, entrants 30) = 4']);
    expect(problems({ ...rec, seed: null })).toEqual(['seed: not revealed yet, so the winners cannot be checked']);
    expect(verifyDraw({ ...rec, seed: null }).winners).toBeNull();
  });
});
