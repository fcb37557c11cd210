/**
 * Audience personas (handbook 8.2.1) from a k-means clustering of viewers on recency, frequency,
 * spend, watch time and interactions: per cluster its size and share, the mean of each feature, a
 * trait per feature and a suggested persona code the UI names in English and Chinese.
 *
 * Use: `chooseK(clusteringMatrix(raw), { random })` then `personas(choice, raw)`. The clustering runs on
 * log1p of the features because spend, sessions, minutes and interactions are heavily right-skewed: on
 * raw z-scores a few whales become a cluster of their own and everyone else another. The traits and
 * means are reported on the raw values, which is what people read.
 *
 * Trait of a feature in a cluster: z = (cluster mean − overall mean) / overall sd (population), on the
 * raw values; `high` when z ≥ 0.5, `low` when z ≤ −0.5, else `typical`. For recencyDays (days since the
 * viewer was last seen) `high` means "not seen for long".
 */
import type { ChooseKResult } from './kmeans.js';

export const PERSONA_FEATURES = ['recencyDays', 'sessions', 'spendFen', 'watchMinutes', 'interactions'] as const;
export type PersonaFeature = (typeof PERSONA_FEATURES)[number];
export type Trait = 'high' | 'low' | 'typical';
export type PersonaCode =
  | 'loyal_big_spender'
  | 'big_spender'
  | 'lapsed_buyer'
  | 'lapsed_visitor'
  | 'engaged_browser'
  | 'silent_watcher'
  | 'new_visitor'
  | 'regular_viewer'
  | 'casual_viewer';

export const TRAIT_THRESHOLD = 0.5;

export type FeatureRecord<T> = Record<PersonaFeature, T>;

export interface Persona {
  /** Cluster index in the clustering's labels. */
  cluster: number;
  size: number;
  /** size / n, 0..1. */
  share: number;
  means: FeatureRecord<number>;
  z: FeatureRecord<number>;
  traits: FeatureRecord<Trait>;
  persona: PersonaCode;
}

export interface PersonaSummary {
  n: number;
  k: number;
  silhouette: number | null;
  overall: { means: FeatureRecord<number>; sds: FeatureRecord<number> };
  /** Largest cluster first (ties by cluster index). */
  personas: Persona[];
}

/** The matrix to cluster: log(1 + max(0, x)) of each feature, in PERSONA_FEATURES order. */
export function clusteringMatrix(raw: readonly (readonly number[])[]): number[][] {
  return raw.map((row) => {
    if (row.length !== PERSONA_FEATURES.length) throw new RangeError(`persona rows have ${PERSONA_FEATURES.length} features, got ${row.length}`);
    return row.map((v) => Math.log1p(Math.max(0, v)));
  });
}

function record<T>(f: (j: number) => T): FeatureRecord<T> {
  const out = {} as FeatureRecord<T>;
  PERSONA_FEATURES.forEach((name, j) => (out[name] = f(j)));
  return out;
}

function traitOf(z: number): Trait {
  if (z >= TRAIT_THRESHOLD) return 'high';
  if (z <= -TRAIT_THRESHOLD) return 'low';
  return 'typical';
}

/**
 * The persona a trait pattern suggests. Order matters: not being seen for long outweighs everything
 * (a lapsed big spender is a win-back target first), then spend, then engagement, then frequency.
 */
export function personaCode(traits: FeatureRecord<Trait>, means: FeatureRecord<number>): PersonaCode {
  if (traits.recencyDays === 'high') return means.spendFen > 0 && traits.spendFen !== 'low' ? 'lapsed_buyer' : 'lapsed_visitor';
  if (traits.spendFen === 'high') return traits.sessions === 'high' ? 'loyal_big_spender' : 'big_spender';
  if (traits.interactions === 'high') return 'engaged_browser';
  if (traits.watchMinutes === 'high') return 'silent_watcher';
  if (traits.sessions === 'low') return 'new_visitor';
  if (traits.sessions === 'high') return 'regular_viewer';
  return 'casual_viewer';
}

/**
 * Personas of a clustering. `raw` holds the unstandardised features in PERSONA_FEATURES order, one row
 * per clustered viewer (the same rows, in the same order, as were clustered).
 */
export function personas(choice: Pick<ChooseKResult, 'k' | 'labels'> & { silhouette?: number }, raw: readonly (readonly number[])[]): PersonaSummary {
  const n = raw.length;
  const d = PERSONA_FEATURES.length;
  const { k, labels } = choice;
  if (labels.length !== n) throw new RangeError(`personas: ${labels.length} labels for ${n} rows`);
  const sums = Array.from({ length: k }, () => new Array<number>(d).fill(0));
  const sizes = new Array<number>(k).fill(0);
  const total = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) {
    const row = raw[i]!;
    if (row.length !== d) throw new RangeError(`persona rows have ${d} features, got ${row.length}`);
    const c = labels[i]!;
    if (!(c >= 0 && c < k)) throw new RangeError(`personas: label ${c} outside 0..${k - 1}`);
    sizes[c]!++;
    for (let j = 0; j < d; j++) {
      sums[c]![j]! += row[j]!;
      total[j]! += row[j]!;
    }
  }
  const mean = total.map((t) => (n > 0 ? t / n : 0));
  const sq = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[j]! += (raw[i]![j]! - mean[j]!) ** 2;
  const sd = sq.map((s) => (n > 0 ? Math.sqrt(s / n) : 0));

  const list: Persona[] = [];
  for (let c = 0; c < k; c++) {
    const size = sizes[c]!;
    if (size === 0) continue;
    const means = record((j) => sums[c]![j]! / size);
    const z = record((j) => (sd[j]! > 0 ? (means[PERSONA_FEATURES[j]!] - mean[j]!) / sd[j]! : 0));
    const traits = record((j) => traitOf(z[PERSONA_FEATURES[j]!]));
    list.push({ cluster: c, size, share: size / n, means, z, traits, persona: personaCode(traits, means) });
  }
  list.sort((a, b) => b.size - a.size || a.cluster - b.cluster);
  return {
    n,
    k,
    silhouette: choice.silhouette ?? null,
    overall: { means: record((j) => mean[j]!), sds: record((j) => sd[j]!) },
    personas: list,
  };
}
