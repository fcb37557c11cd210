/**
 * Driver analysis (the handbook's factor analysis): across session-minutes, which run-of-show choices
 * go with more viewers staying and more orders — with effect sizes, 95% confidence intervals and the
 * sample behind them, and "not enough data" instead of a guess.
 *
 * Two outcomes, each a least-squares regression (./regression.ts) on one row per minute:
 * - retention = stayedNext / present: the share of this minute's viewers still present the next minute;
 * - conversion = orders / present: orders per viewer present in the minute.
 * Only minutes with at least `minPresent` (5) viewers are used for either outcome: a ratio over one or
 * two viewers is mostly noise and, unweighted, would swamp the fit. A session's last minute has no next
 * minute (stayedNext = null) and is left out of retention.
 *
 * Factors: segment type (one-hot against the most common type), interactive tools fired (count),
 * discount depth (0..1), product pinned (0/1), flash sale active (0/1), host (one-hot against the most
 * common host). A factor that does not vary in the minutes used is dropped and listed in `notVaried`.
 * The fit is refused when n < max(30, 10 × columns) or the design is singular (two factors that always
 * move together cannot be told apart).
 *
 * Minutes of one session are not independent (a good minute is followed by good minutes), so classical
 * standard errors are too narrow; `errors: 'clustered'` makes them cluster-robust by session (CR1, t with
 * sessions − 1 df), the honest choice once there are enough sessions (say ≥ 10). The default is
 * 'classical'. Either way this is an observational comparison, so sentences state associations
 * ("minutes with … keep …"), not promises.
 */
import { isInsufficient, ols, type OlsCoefficient } from './regression.js';

export interface SessionMinute {
  sessionId: string;
  /** Minute index from the session's start. */
  minute: number;
  /** Viewers present in the minute. */
  present: number;
  /** Viewers present in this minute who are also present in the next; null for a session's last minute. */
  stayedNext: number | null;
  orders: number;
  /** Run-of-show segment kind in force ('showcase', 'news', …), null outside any segment. */
  segmentType: string | null;
  /** Interactive tools (polls, draws, quizzes, …) fired in the minute. */
  toolsFired: number;
  /** Depth of the deepest discount on offer, 0..1 (0.3 = 30% off). */
  discountDepth: number;
  productPinned: boolean;
  flashSaleActive: boolean;
  hostId: string | null;
}

export type DriverOutcomeName = 'retention' | 'conversion';
export type DriverFactor = 'segmentType' | 'toolsFired' | 'discountDepth' | 'productPinned' | 'flashSaleActive' | 'host';
export type Verdict = 'raises' | 'lowers' | 'unclear';
/** How the effect is expressed in sentences: per minute with the condition, per tool, per 10 points of discount, per level vs baseline. */
export type EffectUnit = 'with_vs_without' | 'per_tool' | 'per_10pct_discount' | 'level_vs_baseline';

/** Label used for a missing segment type or host. */
export const NONE_LEVEL = 'none';

export interface DriverEffect {
  factor: DriverFactor;
  /** The level compared with `baseline` (one-hot factors only). */
  level?: string;
  baseline?: string;
  /** Change in the outcome (a share, 0..1) per unit of the factor. */
  beta: number;
  /** β × sd(factor) / sd(outcome). */
  standardized: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  p: number;
  /** 'unclear' whenever the 95% CI includes 0. */
  verdict: Verdict;
  unit: EffectUnit;
  /**
   * The effect as sentences state it, in percentage points of the outcome (retention: points of viewers
   * kept; conversion: orders per 100 viewers) per `unit` — so both languages render the same numbers.
   */
  points: { estimate: number; low: number; high: number };
}

export interface DriverFit {
  outcome: DriverOutcomeName;
  /** Minutes used. */
  n: number;
  sessions: number;
  r2: number;
  adjR2: number;
  /** How the intervals were computed. */
  errors: 'classical' | 'clustered';
  /** Mean outcome over the minutes used (a share). */
  mean: number;
  /** Clear effects first, then by |standardized| descending. */
  effects: DriverEffect[];
  notVaried: DriverFactor[];
  /** Factors left out because they moved together with others (e.g. a flash sale always at one discount). */
  collinear: DriverFactor[];
  baselines: { segmentType?: string; host?: string };
}

export interface DriverInsufficient {
  outcome: DriverOutcomeName;
  insufficient: true;
  reason: 'not enough data';
  n: number;
  /** Minutes that would be needed for the factors that vary (max(30, 10 × columns)). */
  needed: number;
  sessions: number;
  /** Why, when it is not the count: e.g. two factors that cannot be told apart. */
  detail?: string;
}

export type DriverOutcome = DriverFit | DriverInsufficient;

export interface DriverAnalysis {
  minPresent: number;
  errors: 'classical' | 'clustered';
  retention: DriverOutcome;
  conversion: DriverOutcome;
}

export interface DriverOptions {
  /** Minutes with fewer viewers present are left out; default 5. */
  minPresent?: number;
  /** 'classical' (default) or 'clustered' by session (see the module comment). */
  errors?: 'classical' | 'clustered';
}

export function isDriverFit(o: DriverOutcome): o is DriverFit {
  return !('insufficient' in o);
}

interface Row {
  m: SessionMinute;
  y: number;
}

interface Column {
  name: string;
  factor: DriverFactor;
  level?: string;
  baseline?: string;
  unit: EffectUnit;
  /** Multiplier from β (per unit of the factor) to the sentence's unit. */
  scale: number;
  value: (m: SessionMinute) => number;
}

/** The most common level; ties go to the alphabetically first, so the choice is deterministic. */
function mostCommon(counts: Map<string, number>): string {
  let best = '';
  let bestN = -1;
  for (const [level, c] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    if (c > bestN) {
      best = level;
      bestN = c;
    }
  }
  return best;
}

function levelCounts(rows: readonly Row[], get: (m: SessionMinute) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const l = get(r.m);
    counts.set(l, (counts.get(l) ?? 0) + 1);
  }
  return counts;
}

const segmentOf = (m: SessionMinute): string => m.segmentType ?? NONE_LEVEL;
const hostOf = (m: SessionMinute): string => m.hostId ?? NONE_LEVEL;

function varies(rows: readonly Row[], f: (m: SessionMinute) => number): boolean {
  if (rows.length === 0) return false;
  const first = f(rows[0]!.m);
  return rows.some((r) => f(r.m) !== first);
}

function designFor(rows: readonly Row[]): { columns: Column[]; notVaried: DriverFactor[]; baselines: DriverFit['baselines'] } {
  const columns: Column[] = [];
  const notVaried: DriverFactor[] = [];
  const baselines: DriverFit['baselines'] = {};

  const oneHot = (factor: 'segmentType' | 'host', get: (m: SessionMinute) => string): void => {
    const counts = levelCounts(rows, get);
    if (counts.size < 2) {
      notVaried.push(factor);
      return;
    }
    const baseline = mostCommon(counts);
    baselines[factor] = baseline;
    for (const level of [...counts.keys()].sort()) {
      if (level === baseline) continue;
      columns.push({ name: `${factor}=${level}`, factor, level, baseline, unit: 'level_vs_baseline', scale: 1, value: (m) => (get(m) === level ? 1 : 0) });
    }
  };
  const numeric = (factor: DriverFactor, unit: EffectUnit, scale: number, value: (m: SessionMinute) => number): void => {
    if (varies(rows, value)) columns.push({ name: factor, factor, unit, scale, value });
    else notVaried.push(factor);
  };

  oneHot('segmentType', segmentOf);
  numeric('toolsFired', 'per_tool', 1, (m) => m.toolsFired);
  numeric('discountDepth', 'per_10pct_discount', 0.1, (m) => m.discountDepth);
  numeric('productPinned', 'with_vs_without', 1, (m) => (m.productPinned ? 1 : 0));
  numeric('flashSaleActive', 'with_vs_without', 1, (m) => (m.flashSaleActive ? 1 : 0));
  oneHot('host', hostOf);
  return { columns, notVaried, baselines };
}

function verdictOf(c: OlsCoefficient): Verdict {
  if (c.ciLow > 0) return 'raises';
  if (c.ciHigh < 0) return 'lowers';
  return 'unclear';
}

function fitOutcome(outcome: DriverOutcomeName, rows: readonly Row[], errors: 'classical' | 'clustered'): DriverOutcome {
  const n = rows.length;
  const sessions = new Set(rows.map((r) => r.m.sessionId)).size;
  const design = designFor(rows);
  const { notVaried, baselines } = design;
  let columns = design.columns;
  // A column that moves with the ones before it (a flash sale always at the same discount) cannot
  // be told apart from them: it is left out and listed, and the others are still estimated.
  const collinear: DriverFactor[] = [];
  let fit: ReturnType<typeof ols>;
  let needed: number;
  for (;;) {
    needed = Math.max(30, 10 * columns.length);
    if (n < needed || columns.length === 0) {
      return { outcome, insufficient: true, reason: 'not enough data', n, needed, sessions, ...(columns.length === 0 && n >= needed ? { detail: 'no factor varies' } : {}) };
    }
    const X = rows.map((r) => columns.map((c) => c.value(r.m)));
    fit = ols(
      rows.map((r) => r.y),
      X,
      columns.map((c) => c.name),
      errors === 'clustered' ? { clusters: rows.map((r) => r.m.sessionId) } : {},
    );
    const refused = isInsufficient(fit) ? fit : null;
    const bad = refused && /collinear/.test(refused.insufficient) ? columns.find((c) => c.name === refused.column) : undefined;
    if (!bad) break;
    columns = columns.filter((c) => c !== bad);
    if (!collinear.includes(bad.factor)) collinear.push(bad.factor);
  }
  if (isInsufficient(fit)) return { outcome, insufficient: true, reason: 'not enough data', n, needed, sessions, detail: fit.insufficient };

  const effects: DriverEffect[] = fit.coefficients.map((coef, j) => {
    const col = columns[j]!;
    const k = 100 * col.scale;
    return {
      factor: col.factor,
      ...(col.level !== undefined ? { level: col.level, baseline: col.baseline! } : {}),
      beta: coef.beta,
      standardized: coef.standardized,
      se: coef.se,
      ciLow: coef.ciLow,
      ciHigh: coef.ciHigh,
      p: coef.p,
      verdict: verdictOf(coef),
      unit: col.unit,
      points: { estimate: coef.beta * k, low: coef.ciLow * k, high: coef.ciHigh * k },
    };
  });
  effects.sort((a, b) => Number(a.verdict === 'unclear') - Number(b.verdict === 'unclear') || Math.abs(b.standardized) - Math.abs(a.standardized));
  let mean = 0;
  for (const r of rows) mean += r.y;
  return { outcome, n, sessions, r2: fit.r2, adjR2: fit.adjR2, errors, mean: mean / n, effects, notVaried, collinear, baselines };
}

function usable(m: SessionMinute): boolean {
  return Number.isFinite(m.present) && Number.isFinite(m.orders) && Number.isFinite(m.toolsFired) && Number.isFinite(m.discountDepth);
}

export function driverAnalysis(minutes: readonly SessionMinute[], options: DriverOptions = {}): DriverAnalysis {
  const minPresent = options.minPresent ?? 5;
  const errors = options.errors ?? 'classical';
  const base = minutes.filter((m) => usable(m) && m.present >= minPresent && m.present > 0);
  const retentionRows: Row[] = [];
  const conversionRows: Row[] = [];
  for (const m of base) {
    if (m.stayedNext !== null && Number.isFinite(m.stayedNext)) retentionRows.push({ m, y: m.stayedNext / m.present });
    conversionRows.push({ m, y: m.orders / m.present });
  }
  return { minPresent, errors, retention: fitOutcome('retention', retentionRows, errors), conversion: fitOutcome('conversion', conversionRows, errors) };
}

// ---------------------------------------------------------------------------------------------------
// English sentences (the web app renders Chinese from the same numbers: effect.points, unit, verdict).

export interface SentenceLabels {
  /** Display name of a host id (default: the id). */
  host?: (hostId: string) => string;
  /** Display name of a segment kind (default: the kind). */
  segment?: (kind: string) => string;
}

/** One decimal, or more for small numbers so the figure does not round to 0; ASCII minus. */
export function formatPoints(v: number, ref = Math.abs(v)): string {
  const decimals = ref === 0 ? 1 : Math.max(1, Math.min(3, 1 - Math.floor(Math.log10(ref))));
  const s = v.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

function subject(e: DriverEffect, labels: SentenceLabels): { text: string; plural: boolean; versus?: string } {
  switch (e.factor) {
    case 'productPinned':
      return { text: 'Minutes with a product pinned', plural: true, versus: 'minutes without' };
    case 'flashSaleActive':
      return { text: 'Minutes with a flash sale running', plural: true, versus: 'minutes without' };
    case 'toolsFired':
      return { text: 'Each interactive tool fired in a minute', plural: false };
    case 'discountDepth':
      return { text: 'Every 10 points of extra discount', plural: false };
    case 'segmentType': {
      const name = (k: string): string => (k === NONE_LEVEL ? 'minutes outside any segment' : `${labels.segment ? labels.segment(k) : k} minutes`);
      const level = name(e.level ?? NONE_LEVEL);
      return { text: level.charAt(0).toUpperCase() + level.slice(1), plural: true, versus: `${name(e.baseline ?? NONE_LEVEL)} (the most common)` };
    }
    case 'host': {
      const name = (h: string): string => (h === NONE_LEVEL ? 'minutes with no host set' : `minutes hosted by ${labels.host ? labels.host(h) : h}`);
      const level = name(e.level ?? NONE_LEVEL);
      return { text: level.charAt(0).toUpperCase() + level.slice(1), plural: true, versus: `${name(e.baseline ?? NONE_LEVEL)} (the most common)` };
    }
  }
}

/**
 * "Minutes with a product pinned keep 4.1 points more viewers to the next minute (95% CI 1.2 to 7.0;
 * 412 minutes from 6 sessions)". Unclear effects say so and still give the numbers.
 */
export function driverSentence(effect: DriverEffect, outcome: DriverFit, labels: SentenceLabels = {}): string {
  const s = subject(effect, labels);
  const { estimate, low, high } = effect.points;
  const ref = Math.max(Math.abs(estimate), Math.abs(low), Math.abs(high));
  const f = (v: number): string => formatPoints(v, ref);
  const sample = `${outcome.n} minute${outcome.n === 1 ? '' : 's'} from ${outcome.sessions} session${outcome.sessions === 1 ? '' : 's'}`;
  const ci = `95% CI ${f(low)} to ${f(high)}`;
  const than = s.versus ? ` than ${s.versus}` : '';
  const magnitude = formatPoints(Math.abs(estimate), ref);
  if (effect.verdict === 'unclear') {
    const what = outcome.outcome === 'retention' ? 'how many viewers stay to the next minute' : 'orders per 100 viewers';
    const sign = estimate > 0 ? '+' : '';
    return `${s.text} make${s.plural ? '' : 's'} no clear difference to ${what}${than ? than.replace(' than ', ' compared with ') : ''} (estimate ${sign}${f(estimate)} points, ${ci}; ${sample})`;
  }
  const moreFewer = effect.verdict === 'raises' ? 'more' : 'fewer';
  if (outcome.outcome === 'retention') {
    return `${s.text} keep${s.plural ? '' : 's'} ${magnitude} points ${moreFewer} viewers to the next minute${than} (${ci}; ${sample})`;
  }
  return `${s.text} bring${s.plural ? '' : 's'} ${magnitude} ${moreFewer} orders per 100 viewers${than} (${ci}; ${sample})`;
}
