import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseK, kmeans, sampleIndices, silhouette, zScores, type ChooseKResult, type KInsufficient } from './kmeans.js';
import { mulberry32 as seeded } from '../../../platform/seeded-random.js';


/** Gaussian blobs around the given centres (Box–Muller). */
function blobs(centres: number[][], perBlob: number, spread: number, random: () => number): { points: number[][]; truth: number[] } {
  const points: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, label) => {
    for (let i = 0; i < perBlob; i++) {
      points.push(c.map((v) => v + spread * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())));
      truth.push(label);
    }
  });
  return { points, truth };
}

function ok(r: ChooseKResult | KInsufficient): ChooseKResult {
  if ('insufficient' in r) throw new Error(r.insufficient);
  return r;
}

describe('zScores', () => {
  it('centres and scales each feature; a constant feature becomes 0', () => {
    const z = zScores([[1, 5, 10], [3, 5, 20], [5, 5, 30]]);
    expect(z.means).toEqual([3, 5, 20]);
    expect(z.sds[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(z.sds[1]).toBe(0);
    expect(Array.from(z.data)).toEqual([expect.closeTo(-1.224744871391589, 12), 0, expect.closeTo(-1.224744871391589, 12), 0, 0, 0, expect.closeTo(1.224744871391589, 12), 0, expect.closeTo(1.224744871391589, 12)]);
  });
});

describe('silhouette', () => {
  it('matches a direct NumPy computation', () => {
    // NumPy: s(i) = (b − a)/max(a, b) with a = mean distance to the own cluster (others), b = the
    // smallest mean distance to another cluster; singleton clusters score 0; mean over points.
    const P = [[0, 0], [0, 1], [1, 0], [1, 1.5], [5, 5], [5, 6], [6, 5], [6, 6.5], [10, 0], [10.5, 0.5], [2, 3]];
    const L = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 0];
    expect(silhouette(P, L)).toBeCloseTo(0.7636755845141867, 12);
  });

  it('is NaN for a single cluster, and a singleton counts 0', () => {
    expect(silhouette([[0], [1], [2]], [0, 0, 0])).toBeNaN();
    // Two points together and one alone: s = ((2 − 1)/2 ... ) — points 0,1 at distance 1, point 2 at 10 and 9.
    // s0 = (10 − 1)/10 = 0.9, s1 = (9 − 1)/9, s2 = 0 → mean.
    expect(silhouette([[0], [1], [10]], [0, 0, 1])).toBeCloseTo((0.9 + 8 / 9) / 3, 12);
  });

  it('samples deterministically for big n', () => {
    const { points, truth } = blobs([[0, 0], [10, 10]], 3000, 1, seeded(1));
    const a = silhouette(points, truth, { random: seeded(5) });
    const b = silhouette(points, truth, { random: seeded(5) });
    expect(a).toBe(b);
    expect(a).toBeGreaterThan(0.8);
  });
});

describe('sampleIndices', () => {
  it('draws distinct sorted indices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 600 }), fc.integer(), (n, size, seed) => {
        const s = Array.from(sampleIndices(n, size, seeded(seed)));
        expect(s.length).toBe(Math.min(n, size));
        expect(new Set(s).size).toBe(s.length);
        for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
        expect(s.every((v) => v >= 0 && v < n)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('kmeans', () => {
  it('recovers well-separated blobs', () => {
    const { points, truth } = blobs([[0, 0], [8, 0], [0, 8]], 100, 1, seeded(2));
    const r = kmeans(points, 3, seeded(3));
    expect(r.converged).toBe(true);
    // Each true blob maps to exactly one cluster.
    const mapping = new Map<number, Set<number>>();
    truth.forEach((t, i) => (mapping.get(t) ?? mapping.set(t, new Set()).get(t)!).add(r.labels[i]!));
    for (const s of mapping.values()) expect(s.size).toBe(1);
    expect(new Set(r.labels).size).toBe(3);
  });

  it('is deterministic for the same random and never leaves a cluster empty', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { minLength: 10, maxLength: 80 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (pts, k, seed) => {
        const points = pts.map(([a, b]) => [a, b]);
        const distinct = new Set(pts.map((p) => p.join(','))).size;
        if (distinct < k) {
          expect(() => kmeans(points, k, seeded(seed))).toThrow(RangeError);
          return;
        }
        const a = kmeans(points, k, seeded(seed), { tolerance: 0 });
        const b = kmeans(points, k, seeded(seed), { tolerance: 0 });
        expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
        expect(new Set(a.labels).size).toBe(k);
        // Each point sits at its nearest centroid when converged.
        if (a.converged) {
          points.forEach((p, i) => {
            const dists = a.centroids.map((c) => (c[0]! - p[0]!) ** 2 + (c[1]! - p[1]!) ** 2);
            expect(dists[a.labels[i]!]!).toBeLessThanOrEqual(Math.min(...dists) + 1e-9);
          });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('chooseK', () => {
  it('finds k = 4 on four blobs whose features have very different units, and reports every k', () => {
    const { points } = blobs([[0, 0], [10, 0], [0, 10], [10, 10]], 150, 1, seeded(11));
    // Column 0 in units 10,000× larger: without standardisation only it would count (two clusters).
    const scaled = points.map(([a, b]) => [a! * 10_000, b!]);
    const r = ok(chooseK(scaled, { random: seeded(12) }));
    expect(r.k).toBe(4);
    expect(r.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(r.silhouette).toBe(Math.max(...r.scores.map((s) => s.silhouette)));
    expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(600);
    expect(r.centroidsRaw).toHaveLength(4);
    expect(r.sizes.every((s) => s === 150)).toBe(true);
  });

  it('is reproducible with the same seed', () => {
    const { points } = blobs([[0, 0], [3, 3], [6, 0]], 50, 1.2, seeded(21));
    const a = ok(chooseK(points, { random: seeded(9) }));
    const b = ok(chooseK(points, { random: seeded(9) }));
    expect(a.k).toBe(b.k);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.scores).toEqual(b.scores);
  });

  it('says insufficient for too few or identical points, and caps k at the distinct points', () => {
    expect(chooseK([[1, 2], [3, 4]], { random: seeded(1) })).toEqual({ insufficient: 'too few points: 2, need at least 3', n: 2 });
    expect(chooseK([[1, 2], [1, 2], [1, 2], [1, 2]], { random: seeded(1) })).toEqual({ insufficient: 'all points are identical', n: 4 });
    expect(chooseK([[1, Number.NaN], [1, 2], [3, 2]], { random: seeded(1) })).toMatchObject({ insufficient: 'non-finite feature value' });
    const r = ok(chooseK([[0, 0], [0, 0], [5, 5], [5, 5], [9, 0], [9, 0]], { random: seeded(1) }));
    expect(r.scores.map((s) => s.k)).toEqual([2, 3]);
    expect(r.k).toBe(3);
  });

  it('handles 100,000 points × 5 features in a few seconds', () => {
    const random = seeded(77);
    const centres = [[1, 30, 0, 5, 0], [20, 2, 50_000, 60, 10], [5, 10, 2_000, 120, 80], [60, 1, 0, 2, 0], [3, 25, 200_000, 300, 40]];
    const { points } = blobs(centres, 20_000, 1, random);
    // Give each feature its own spread so the blobs are not trivially tight.
    const pts = points.map((p) => p.map((v, j) => v + (j === 2 ? 3000 : 4) * (random() - 0.5)));
    const t0 = performance.now();
    const r = ok(chooseK(pts, { random }));
    const ms = performance.now() - t0;
    expect(r.n).toBe(100_000);
    expect(r.k).toBe(5);
    expect(ms).toBeLessThan(10_000); // about 1 s on an idle 2-core machine; the margin is for a loaded CI
  }, 30_000);
});
