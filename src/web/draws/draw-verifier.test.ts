import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// The test may use the server's implementation as the reference; the page never does.
import { commit, drawWinners, hashEntrants } from '../../server/modules/interact/core/fair-draw';
import type { DrawRecord } from '../../contracts/draw.contract';
import { browserCommit, browserDrawWinners, browserHashEntrants, canonicalOrder, verifyDrawInBrowser } from './draw-verifier';

const seedOf = (label: string) => createHash('sha256').update(label).digest('hex');
const entrantsOf = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `${prefix}${String((i * 7919) % 100_003)}`);

function recordFor(seed: string, entrants: string[], winnerCount: number): DrawRecord {
  const canonical = canonicalOrder(entrants);
  return {
    version: 1,
    drawId: 'd1',
    sessionId: 's1',
    algorithm: 'onair-draw-v1',
    commitment: commit(seed),
    seed,
    entrantsHash: hashEntrants(canonical),
    entrants: canonical,
    winnerCount,
    winners: drawWinners(seed, canonical, winnerCount),
  };
}

describe('browser draw verifier agrees with the server (onair-draw-v1)', () => {
  it.each(['alpha', 'beta', 'gamma', 'delta', 'epsilon'])('seed %s: commitment, entrants hash and winners', async (label) => {
    const seed = seedOf(label);
    const entrants = entrantsOf(37 + label.length * 13);
    expect(await browserCommit(seed)).toBe(commit(seed));
    expect(await browserHashEntrants(entrants)).toBe(hashEntrants(entrants));
    for (const count of [1, 5, entrants.length, entrants.length + 3]) {
      expect(await browserDrawWinners(seed, entrants, count)).toEqual(drawWinners(seed, entrants, count));
    }
  });

  it('the empty entrant list hashes like the server and has no winners', async () => {
    expect(await browserHashEntrants([])).toBe(hashEntrants([]));
    expect(await browserDrawWinners(seedOf('x'), [], 3)).toEqual([]);
  });

  it('a genuine record verifies, every item a match', async () => {
    const rec = recordFor(seedOf('genuine'), entrantsOf(500), 20);
    const progress: number[] = [];
    const v = await verifyDrawInBrowser(rec, { published: { commitment: rec.commitment, entrantsHash: rec.entrantsHash }, onProgress: (d) => progress.push(d) });
    expect(v.ok).toBe(true);
    expect(v.checks.map((c) => [c.item, c.status])).toEqual([
      ['commitment', 'match'],
      ['published-commitment', 'match'],
      ['entrants-order', 'match'],
      ['entrants-hash', 'match'],
      ['published-entrants-hash', 'match'],
      ['winners', 'match'],
    ]);
    expect(v.winners).toEqual(rec.winners);
    expect(progress.at(-1)).toBe(20);
  });

  it('names what a tampered record gets wrong', async () => {
    const rec = recordFor(seedOf('tamper'), entrantsOf(200), 10);
    const bySwap = { ...rec, winners: [rec.winners[1]!, rec.winners[0]!, ...rec.winners.slice(2)] };
    const v1 = await verifyDrawInBrowser(bySwap);
    expect(v1.ok).toBe(false);
    expect(v1.checks.find((c) => c.item === 'winners')).toMatchObject({ status: 'mismatch', position: 1 });
    expect(v1.checks.find((c) => c.item === 'commitment')?.status).toBe('match');

    // Another seed than the one committed to.
    const other = seedOf('other');
    const v2 = await verifyDrawInBrowser({ ...rec, seed: other, winners: drawWinners(other, rec.entrants, 10) });
    expect(v2.checks.find((c) => c.item === 'commitment')?.status).toBe('mismatch');
    expect(v2.checks.find((c) => c.item === 'winners')?.status).toBe('match');

    // An entrant slipped in after the hash was published.
    const added = canonicalOrder([...rec.entrants, 'v_late']);
    const v3 = await verifyDrawInBrowser({ ...rec, entrants: added, winners: drawWinners(rec.seed!, added, 10) });
    expect(v3.checks.find((c) => c.item === 'entrants-hash')?.status).toBe('mismatch');

    // A winner dropped from the list, and a record the room published differently.
    const v4 = await verifyDrawInBrowser({ ...rec, winners: rec.winners.slice(0, 9) }, { published: { commitment: commit(other), entrantsHash: rec.entrantsHash } });
    expect(v4.checks.find((c) => c.item === 'winners')).toMatchObject({ status: 'mismatch', position: 10 });
    expect(v4.checks.find((c) => c.item === 'published-commitment')?.status).toBe('mismatch');

    // Out of canonical order, and an unrevealed seed.
    const v5 = await verifyDrawInBrowser({ ...rec, entrants: [...rec.entrants].reverse(), seed: null });
    expect(v5.checks.find((c) => c.item === 'entrants-order')?.status).toBe('mismatch');
    expect(v5.checks.find((c) => c.item === 'winners')?.status).toBe('unavailable');
    expect(v5.ok).toBe(false);
  });

  it('10,000 entrants and 1,000 winners verify in well under a few seconds', async () => {
    const rec = recordFor(seedOf('big'), entrantsOf(10_000), 1_000);
    const t0 = performance.now();
    const v = await verifyDrawInBrowser(rec);
    expect(v.ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});
