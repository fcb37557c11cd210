/**
 * k-means clustering for audience personas: z-score standardisation, k-means++ seeding, Lloyd
 * iterations, the mean silhouette, and the choice of k by silhouette.
 *
 * Pure: randomness comes in as `random: () => number` (uniform in [0, 1)), so a seeded generator makes
 * every result reproducible. Points are stored flat (Float64Array, row-major) so 100,000 × 5 runs in
 * well under a second per k. The silhouette over more than `sampleSize` (2,000) points is computed on a
 * random sample drawn with the same `random` (as scikit-learn's `silhouette_score(sample_size=…)`),
 * because the exact one is O(n²).
 */

export interface Matrix {
  n: number;
  d: number;
  /** Row-major, n·d values. */
  data: Float64Array;
}

export type Points = readonly (readonly number[])[] | Matrix;

function isMatrix(p: Points): p is Matrix {
  return (p as Matrix).data instanceof Float64Array;
}

/** Copies rows into a flat matrix; throws RangeError on ragged rows. */
export function toMatrix(points: Points): Matrix {
  if (isMatrix(points)) return points;
  const n = points.length;
  const d = n === 0 ? 0 : points[0]!.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = points[i]!;
    if (row.length !== d) throw new RangeError(`row ${i} has ${row.length} values, expected ${d}`);
    for (let j = 0; j < d; j++) data[i * d + j] = row[j]!;
  }
  return { n, d, data };
}

export interface Standardization {
  means: number[];
  /** Population standard deviations; a feature that does not vary has sd 0 and z-scores 0. */
  sds: number[];
}

/** z = (x − mean) / sd per feature. */
export function zScores(points: Points): Matrix & Standardization {
  const m = toMatrix(points);
  const { n, d, data } = m;
  const means = new Array<number>(d).fill(0);
  const sds = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) means[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) means[j] = n > 0 ? means[j]! / n : 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const e = data[i * d + j]! - means[j]!;
      sds[j]! += e * e;
    }
  }
  for (let j = 0; j < d; j++) sds[j] = n > 0 ? Math.sqrt(sds[j]! / n) : 0;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const sd = sds[j]!;
      out[i * d + j] = sd > 1e-12 * Math.max(1, Math.abs(means[j]!)) ? (data[i * d + j]! - means[j]!) / sd : 0;
    }
  }
  return { n, d, data: out, means, sds };
}

function sqDist(a: Float64Array, ia: number, b: Float64Array, ib: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const e = a[ia + j]! - b[ib + j]!;
    s += e * e;
  }
  return s;
}

function pickIndex(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** Index drawn with probability ∝ weights (which sum to `total` > 0); skips zero-weight points. */
function drawWeighted(weights: Float64Array, total: number, random: () => number): number {
  let target = random() * total;
  const n = weights.length;
  for (let i = 0; i < n; i++) {
    target -= weights[i]!;
    if (target < 0 && weights[i]! > 0) return i;
  }
  // Rounding ran past the end: the last point with weight.
  let i = n - 1;
  while (i > 0 && weights[i]! === 0) i--;
  return i;
}

/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋ local trials):
 * each next centre is the best of a few candidates drawn with probability ∝ D², which avoids most of the
 * bad local optima a single draw falls into.
 */
function seedPlusPlus(m: Matrix, k: number, random: () => number): Float64Array {
  const { n, d, data } = m;
  const centroids = new Float64Array(k * d);
  const first = pickIndex(random, n);
  centroids.set(data.subarray(first * d, first * d + d), 0);
  let d2 = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    d2[i] = sqDist(data, i * d, centroids, 0, d);
    total += d2[i]!;
  }
  const trials = 2 + Math.floor(Math.log(k));
  let candidate = new Float64Array(n);
  let bestD2 = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    if (!(total > 0)) throw new RangeError(`kmeans: fewer than ${k} distinct points`);
    let bestIndex = -1;
    let bestTotal = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const idx = drawWeighted(d2, total, random);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.min(d2[i]!, sqDist(data, i * d, data, idx * d, d));
        candidate[i] = v;
        sum += v;
      }
      if (sum < bestTotal) {
        bestTotal = sum;
        bestIndex = idx;
        const swap = bestD2;
        bestD2 = candidate;
        candidate = swap;
      }
    }
    centroids.set(data.subarray(bestIndex * d, bestIndex * d + d), c * d);
    const swap = d2;
    d2 = bestD2;
    bestD2 = swap;
    total = bestTotal;
  }
  return centroids;
}

export interface KMeansOptions {
  /** Lloyd iterations at most; default 100. */
  maxIterations?: number;
  /**
   * Stop when the centroids' summed squared shift falls under tolerance × the mean feature variance
   * (scikit-learn's rule); default 1e-4. 0 runs until no label changes (or maxIterations).
   */
  tolerance?: number;
  /** Independent k-means++ starts, the lowest inertia wins; default 1. */
  restarts?: number;
}

export interface KMeansResult {
  k: number;
  /** Cluster of each point, 0..k−1. */
  labels: Int32Array;
  /** k rows of d, in the space of the points given. */
  centroids: number[][];
  /** Sum of squared distances of points to their centroid. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

function lloyd(m: Matrix, k: number, centroids: Float64Array, maxIterations: number, tolerance: number): KMeansResult {
  const { n, d, data } = m;
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  let iterations = 0;
  let converged = false;
  let inertia = 0;
  while (iterations < maxIterations) {
    iterations++;
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0, co = 0; c < k; c++, co += d) {
        let v = 0;
        for (let j = 0; j < d && v < bestD; j++) {
          const e = data[off + j]! - centroids[co + j]!;
          v += e * e;
        }
        if (v < bestD) {
          bestD = v;
          best = c;
        }
      }
      if (labels[i] !== best) {
        labels[i] = best;
        changed++;
      }
      dist[i] = bestD;
      inertia += bestD;
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      const off = i * d;
      for (let j = 0; j < d; j++) sums[c * d + j]! += data[off + j]!;
    }
    // An empty cluster takes the point farthest from its centroid (in a cluster that can spare one).
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      let far = -1;
      let farD = -1;
      for (let i = 0; i < n; i++) {
        if (counts[labels[i]!]! > 1 && dist[i]! > farD) {
          farD = dist[i]!;
          far = i;
        }
      }
      if (far < 0) break;
      const from = labels[far]!;
      counts[from]!--;
      for (let j = 0; j < d; j++) sums[from * d + j]! -= data[far * d + j]!;
      labels[far] = c;
      counts[c] = 1;
      for (let j = 0; j < d; j++) sums[c * d + j] = data[far * d + j]!;
      dist[far] = 0;
      changed++;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      const cnt = counts[c]!;
      if (cnt === 0) continue;
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j]! / cnt;
        const e = v - centroids[c * d + j]!;
        shift += e * e;
        centroids[c * d + j] = v;
      }
    }
    if (changed === 0 || shift <= tolerance) {
      converged = true;
      break;
    }
  }
  // Inertia against the final centroids.
  inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i * d, centroids, labels[i]! * d, d);
  const rows: number[][] = [];
  for (let c = 0; c < k; c++) rows.push(Array.from(centroids.subarray(c * d, c * d + d)));
  return { k, labels, centroids: rows, inertia, iterations, converged };
}

function meanVariance(m: Matrix): number {
  const { n, d, data } = m;
  if (n === 0 || d === 0) return 0;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + j]! - mean) ** 2;
    total += v / n;
  }
  return total / d;
}

/**
 * k-means on the points as given (standardise first if features have different units: `zScores`).
 * Throws RangeError if k < 1, k > n, or there are fewer than k distinct points.
 */
export function kmeans(points: Points, k: number, random: () => number, options: KMeansOptions = {}): KMeansResult {
  const m = toMatrix(points);
  if (!Number.isInteger(k) || k < 1 || k > m.n) throw new RangeError(`kmeans: k = ${k} for ${m.n} points`);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = (options.tolerance ?? 1e-4) * meanVariance(m);
  const restarts = Math.max(1, options.restarts ?? 1);
  let best: KMeansResult | null = null;
  for (let r = 0; r < restarts; r++) {
    const result = lloyd(m, k, seedPlusPlus(m, k, random), maxIterations, tolerance);
    if (best === null || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** Draws min(size, n) distinct indices (partial Fisher–Yates), returned ascending. */
export function sampleIndices(n: number, size: number, random: () => number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (size >= n) return idx;
  for (let i = 0; i < size; i++) {
    const j = i + Math.min(n - i - 1, Math.floor(random() * (n - i)));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.subarray(0, size).sort();
}

/** Euclidean distances between the sampled points (upper triangle, row-major, i < j). */
function pairDistances(m: Matrix, sample: Int32Array): Float64Array {
  const s = sample.length;
  const out = new Float64Array((s * (s - 1)) / 2);
  let p = 0;
  for (let a = 0; a < s; a++) {
    const ia = sample[a]! * m.d;
    for (let b = a + 1; b < s; b++) out[p++] = Math.sqrt(sqDist(m.data, ia, m.data, sample[b]! * m.d, m.d));
  }
  return out;
}

/**
 * Mean silhouette over the sampled points, with distances `dist` between them. A point alone in its
 * cluster (within the sample) scores 0, as in Rousseeuw (1987) and scikit-learn.
 */
function silhouetteOn(dist: Float64Array, labels: ArrayLike<number>, sample: Int32Array, k: number): number {
  const s = sample.length;
  const sums = new Float64Array(s * k);
  const counts = new Int32Array(k);
  for (let a = 0; a < s; a++) counts[labels[sample[a]!]!]!++;
  let p = 0;
  for (let a = 0; a < s; a++) {
    const la = labels[sample[a]!]!;
    for (let b = a + 1; b < s; b++) {
      const v = dist[p++]!;
      sums[a * k + labels[sample[b]!]!]! += v;
      sums[b * k + la]! += v;
    }
  }
  let total = 0;
  for (let a = 0; a < s; a++) {
    const la = labels[sample[a]!]!;
    const own = counts[la]!;
    if (own <= 1) continue; // contributes 0
    const ai = sums[a * k + la]! / (own - 1);
    let bi = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === la || counts[c] === 0) continue;
      const v = sums[a * k + c]! / counts[c]!;
      if (v < bi) bi = v;
    }
    if (!Number.isFinite(bi)) continue; // only one cluster in the sample
    const mx = Math.max(ai, bi);
    if (mx > 0) total += (bi - ai) / mx;
  }
  return s === 0 ? 0 : total / s;
}

export interface SilhouetteOptions {
  /** Needed when there are more points than `sampleSize`. */
  random?: () => number;
  /** Default 2,000. */
  sampleSize?: number;
}

/**
 * Mean silhouette coefficient in [−1, 1] (higher: tighter, better-separated clusters). Above
 * `sampleSize` points it is computed on a random sample (pass `random`; without it, an evenly spaced
 * sample is taken). Returns NaN with fewer than 2 clusters.
 */
export function silhouette(points: Points, labels: ArrayLike<number>, options: SilhouetteOptions = {}): number {
  const m = toMatrix(points);
  if (labels.length !== m.n) throw new RangeError(`silhouette: ${labels.length} labels for ${m.n} points`);
  let k = 0;
  for (let i = 0; i < m.n; i++) k = Math.max(k, labels[i]! + 1);
  const size = options.sampleSize ?? 2000;
  let sample: Int32Array;
  if (m.n <= size) sample = sampleIndices(m.n, m.n, () => 0);
  else if (options.random) sample = sampleIndices(m.n, size, options.random);
  else {
    sample = new Int32Array(size);
    for (let i = 0; i < size; i++) sample[i] = Math.floor((i * m.n) / size);
  }
  const present = new Set<number>();
  for (const i of sample) present.add(labels[i]!);
  if (present.size < 2) return Number.NaN;
  return silhouetteOn(pairDistances(m, sample), labels, sample, k);
}

export interface ChooseKOptions extends KMeansOptions {
  kMin?: number;
  kMax?: number;
  random: () => number;
  /** Points on which silhouettes are computed (one sample shared by every k); default 2,000. */
  sampleSize?: number;
}

export interface KScore {
  k: number;
  silhouette: number;
  inertia: number;
  iterations: number;
}

export interface ChooseKResult {
  n: number;
  k: number;
  silhouette: number;
  /** Cluster of each point, 0..k−1. */
  labels: Int32Array;
  /** Centroids in z-score space (see `standardization`) … */
  centroids: number[][];
  /** … and in the original units. */
  centroidsRaw: number[][];
  sizes: number[];
  /** Every k tried, ascending. */
  scores: KScore[];
  standardization: Standardization;
  /** How many points the silhouettes were computed on. */
  sampleSize: number;
}

export interface KInsufficient {
  insufficient: string;
  n: number;
}

/** Counts distinct rows, stopping once `limit` are found. */
function distinctRows(m: Matrix, limit: number): number {
  const seen = new Set<string>();
  for (let i = 0; i < m.n && seen.size < limit; i++) seen.add(Array.from(m.data.subarray(i * m.d, i * m.d + m.d)).join(','));
  return seen.size;
}

/**
 * Standardises the features, runs k-means for k = kMin..kMax (2..8 by default, capped at n − 1 and at
 * the number of distinct points) and keeps the k with the highest mean silhouette (the smaller k on a
 * tie). All scores are returned so the UI can show why.
 */
export function chooseK(points: Points, options: ChooseKOptions): ChooseKResult | KInsufficient {
  const raw = toMatrix(points);
  const n = raw.n;
  const kMin = Math.max(2, options.kMin ?? 2);
  const kMaxAsked = Math.max(kMin, options.kMax ?? 8);
  for (let i = 0; i < raw.data.length; i++) {
    if (!Number.isFinite(raw.data[i]!)) return { insufficient: 'non-finite feature value', n };
  }
  if (n < kMin + 1) return { insufficient: `too few points: ${n}, need at least ${kMin + 1}`, n };
  const distinct = distinctRows(raw, kMaxAsked + 1);
  if (distinct < 2) return { insufficient: 'all points are identical', n };
  if (distinct < kMin) return { insufficient: `only ${distinct} distinct points for at least ${kMin} clusters`, n };
  const kMax = Math.min(kMaxAsked, n - 1, distinct);

  const z = zScores(raw);
  const sampleSize = Math.min(n, options.sampleSize ?? 2000);
  const sample = sampleIndices(n, sampleSize, options.random);
  const dist = pairDistances(z, sample);

  const scores: KScore[] = [];
  let best: { result: KMeansResult; score: number } | null = null;
  for (let k = kMin; k <= kMax; k++) {
    const result = kmeans(z, k, options.random, options);
    const score = silhouetteOn(dist, result.labels, sample, k);
    scores.push({ k, silhouette: score, inertia: result.inertia, iterations: result.iterations });
    if (best === null || score > best.score) best = { result, score };
  }
  const r = best!.result;
  const sizes = new Array<number>(r.k).fill(0);
  for (let i = 0; i < n; i++) sizes[r.labels[i]!]!++;
  const centroidsRaw = r.centroids.map((c) => c.map((v, j) => z.means[j]! + v * z.sds[j]!));
  return {
    n,
    k: r.k,
    silhouette: best!.score,
    labels: r.labels,
    centroids: r.centroids,
    centroidsRaw,
    sizes,
    scores,
    standardization: { means: z.means, sds: z.sds },
    sampleSize,
  };
}
