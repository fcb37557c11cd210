import { VIEW_TIMEOUT_MS, type TrafficKind } from '../../../../contracts/analytics-events.contract.js';
import type { SessionMinute } from './drivers.js';
import { kaplanMeier, median, retentionCurve, type SurvivalPoint } from './retention.js';
import {
  BUCKET_MS,
  F_CARTED,
  F_CLICKED,
  F_COMMENTED,
  F_INTERACTED,
  F_LIKED,
  F_ORDERED,
  F_PAID,
  F_SHARED,
  MINUTE_MS,
  type IncludedTraffic,
  type ProductRow,
  type SessionRollup,
  type ViewerState,
} from './session-rollup.js';

/**
 * The metric definitions (issue 7 item 2), written once: docs/metrics.md describes each one with
 * its formula and a worked example (the fixture of report.test.ts). Pure: the rollup and the
 * inputs in, a JSON-serialisable report out. A ratio whose denominator is zero is null, never
 * NaN or Infinity; ratios keep full precision (the UI rounds). Money is integer fen, times are ms.
 *
 * Bump DEFINITIONS_VERSION whenever a definition changes: a stored report says which definitions
 * it was built with.
 */
export const DEFINITIONS_VERSION = 1;

export interface TimeRange {
  from: number;
  /** null: still running when the live ended. */
  to: number | null;
}
export interface ReportInputs {
  title?: string | null;
  /** Defaults to the rollup's. */
  startedAt?: number;
  endedAt: number;
  /** productId → name. */
  productNames?: Record<string, string>;
  /** When each product was pinned / explained. */
  explanations?: (TimeRange & { productId: string })[];
  /** Run-of-show segments. */
  segments?: (TimeRange & { kind: string; title: string })[];
  /** Interactive tools fired (polls, draws, quizzes...). */
  tools?: (TimeRange & { kind: string; label: string })[];
  flashSales?: (TimeRange & { label: string })[];
  /** New followers during the live, when the fans module can tell; absent → reported as not available. */
  newFollowers?: number | null;
}

export type Ratio = number | null;

export interface FunnelStep {
  step: 'view' | 'click' | 'cart' | 'order' | 'pay';
  /** Viewers who reached this step or a later one. */
  viewers: number;
  /** ÷ the previous step (null for the first step or a zero denominator). */
  conversion: Ratio;
  /** ÷ UV. */
  ofViewers: Ratio;
}

export interface ProductFigures {
  productId: string;
  name: string;
  /** Time the product was pinned / explained, intervals merged and clipped to the live (ms). */
  explanationMs: number;
  impressions: number;
  impressedViewers: number;
  clicks: number;
  clickers: number;
  /** Click-through: clickers ÷ viewers who saw it. */
  clickThrough: Ratio;
  carts: number;
  cartUnits: number;
  orders: number;
  units: number;
  orderedFen: number;
  paidOrders: number;
  paidUnits: number;
  gmvFen: number;
  refundedFen: number;
  buyers: number;
  /** Buyers ÷ clickers. */
  conversion: Ratio;
}

export interface SourceFigures {
  source: string;
  viewers: number;
  share: Ratio;
  avgWatchMs: Ratio;
  buyers: number;
  gmvFen: number;
  /** Buyers ÷ viewers of this source. */
  conversion: Ratio;
}

export type AnnotationKind = 'segment' | 'tool' | 'flash_sale' | 'pinned';
export interface Annotation {
  kind: AnnotationKind;
  /** segment kind, tool kind, 'flash_sale', or the pinned product's id. */
  subtype: string;
  title: string;
  from: number;
  to: number;
  /** Minutes of the live (floor), for the chart. */
  fromMinute: number;
  toMinute: number;
  durationMs: number;
  /** Viewers present in the 10-second bucket at the start and at the end. */
  viewersAtStart: number;
  viewersAtEnd: number;
  /** (end − start) ÷ start. */
  change: Ratio;
  /** Paid GMV, payments and orders placed in the 10-second buckets the interval covers. */
  gmvFen: number;
  paidOrders: number;
  orders: number;
}

export interface MinuteSeries {
  present: number[];
  /** Viewers present in the minute who are also present in the next (0 for the last minute). */
  stayed: number[];
  retention: Ratio[];
  joins: number[];
  exits: number[];
  comments: number[];
  likes: number[];
  shares: number[];
  impressions: number[];
  clicks: number[];
  carts: number[];
  orders: number[];
  paidOrders: number[];
  gmvFen: number[];
  gmvCumulativeFen: number[];
  refundedFen: number[];
}

export interface SessionReport {
  definitionsVersion: number;
  sessionId: string;
  title: string | null;
  /** Which traffic the figures are of ('simulated' for a demo session, labelled as such). */
  traffic: IncludedTraffic;
  startedAt: number;
  endedAt: number;
  durationMs: number;
  /** Minutes of the live (the length of every per-minute series). */
  minutes: number;
  /** Events counted / events of other traffic, by kind. */
  events: number;
  excluded: Record<TrafficKind, number>;
  audience: {
    uv: number;
    pv: number;
    pcu: number;
    /** Start of the 10-second bucket with the peak; null without viewers. */
    pcuAt: number | null;
    acu: Ratio;
    totalWatchMs: number;
    avgWatchMs: Ratio;
    medianWatchMs: number | null;
    newViewers: number;
    returningViewers: number;
    newFollowers: { value: number | null; reason: string | null };
  };
  retention: Ratio[];
  survival: SurvivalPoint[];
  engagement: {
    interactors: number;
    interactionRate: Ratio;
    comments: number;
    commenters: number;
    likes: number;
    likers: number;
    shares: number;
    sharers: number;
    votes: number;
    drawEntries: number;
    questions: number;
    reservations: number;
  };
  funnel: FunnelStep[];
  sales: {
    gmvFen: number;
    orders: number;
    orderedFen: number;
    paidOrders: number;
    buyers: number;
    /** Viewers who paid ÷ UV. */
    conversion: Ratio;
    aovFen: Ratio;
    /** GMV fen per 1,000 viewers. */
    gpmFen: Ratio;
    refundedFen: number;
    refundedOrders: number;
    refundRateByAmount: Ratio;
    refundRateByOrders: Ratio;
  };
  products: ProductFigures[];
  sources: SourceFigures[];
  survey: {
    responses: number;
    csat: { responses: number; mean: Ratio; distribution: number[] /* counts of 1..5 */ };
    nps: { responses: number; score: Ratio; promoters: number; passives: number; detractors: number; distribution: number[] /* counts of 0..10 */ };
  };
  series: MinuteSeries;
  timeline: Annotation[];
}

export const UNKNOWN_SOURCE = 'unknown';

const ratio = (a: number, b: number): Ratio => (b > 0 ? a / b : null);

function row(src: readonly number[], len: number): number[] {
  const out = new Array<number>(len);
  for (let i = 0; i < len; i++) out[i] = src[i] ?? 0;
  return out;
}

/** Merges ranges and clips them to [lo, hi]; returns them sorted. */
function mergeRanges(ranges: { from: number; to: number }[], lo: number, hi: number): { from: number; to: number }[] {
  const clipped = ranges.map((x) => ({ from: Math.max(lo, x.from), to: Math.min(hi, x.to) })).filter((x) => x.to > x.from);
  clipped.sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const x of clipped) {
    const last = out[out.length - 1];
    if (last && x.from <= last.to) last.to = Math.max(last.to, x.to);
    else out.push({ ...x });
  }
  return out;
}

/** Builds the post-live report. Does not change the rollup. */
export function buildReport(r: SessionRollup, inputs: ReportInputs): SessionReport {
  const startedAt = inputs.startedAt ?? r.startedAt;
  const endedAt = Math.max(inputs.endedAt, startedAt);
  const durationMs = endedAt - startedAt;
  const L = Math.max(1, Math.ceil(durationMs / MINUTE_MS));
  const B = Math.max(1, Math.ceil(durationMs / BUCKET_MS));
  const minuteOf = (t: number) => (t >= endedAt ? L - 1 : t <= startedAt ? 0 : Math.min(L - 1, Math.floor((t - startedAt) / MINUTE_MS)));
  const bucketOf = (t: number) => (t >= endedAt ? B - 1 : t <= startedAt ? 0 : Math.min(B - 1, Math.floor((t - startedAt) / BUCKET_MS)));

  const M = r.minutes;
  const present = row(M.present, L);
  const stayed = row(M.stayed, L);
  const exits = row(M.exits, L);
  const bucketPresent = row(r.buckets.present, B);

  // Per viewer: close what is still open (without changing the rollup) and gather the figures.
  const n = r.uv;
  const watch = new Float64Array(n);
  const firstMs = new Float64Array(n);
  const censored = new Uint8Array(n);
  let i = 0;
  let totalWatch = 0;
  let returning = 0;
  let interactors = 0;
  let commenters = 0;
  let likers = 0;
  let sharers = 0;
  const stage = [0, 0, 0, 0, 0]; // viewers whose furthest step is view, click, cart, order, pay
  let paidViewers = 0;
  let anyResponses = 0;
  const sources = new Map<string, { viewers: number; watchMs: number; buyers: number; gmvFen: number }>();

  for (const v of r.viewers.values()) {
    if (v.csat >= 0 || v.nps >= 0) anyResponses++;
    if (!v.viewed) continue;
    const fin = finishViewer(v, startedAt, endedAt);
    const w = fin.watchMs;
    if (fin.open === 'ran_to_end') {
      const lo = Math.max(v.markedMinute + 1, 0);
      for (let m = lo; m < L; m++) {
        present[m] = (present[m] as number) + 1;
        if (m > lo || (m > 0 && v.markedMinute === m - 1)) stayed[m - 1] = (stayed[m - 1] as number) + 1;
      }
      for (let k = Math.max(v.markedBucket + 1, 0); k < B; k++) bucketPresent[k] = (bucketPresent[k] as number) + 1;
    } else if (fin.open === 'timed_out') {
      const m = minuteOf(v.ivLast);
      exits[m] = (exits[m] as number) + 1;
    }
    const f = fin.firstViewMs;
    const c = fin.firstViewCensored;
    watch[i] = w;
    firstMs[i] = f < 0 ? 0 : f;
    censored[i] = c ? 1 : 0;
    i++;
    totalWatch += w;
    if (r.returning.has(v.key)) returning++;
    const fl = v.flags;
    if (fl & F_INTERACTED) interactors++;
    if (fl & F_COMMENTED) commenters++;
    if (fl & F_LIKED) likers++;
    if (fl & F_SHARED) sharers++;
    const st = fl & F_PAID ? 4 : fl & F_ORDERED ? 3 : fl & F_CARTED ? 2 : fl & F_CLICKED ? 1 : 0;
    stage[st] = (stage[st] as number) + 1;
    if (fl & F_PAID) paidViewers++;
    const key = v.source ?? UNKNOWN_SOURCE;
    let s = sources.get(key);
    if (!s) sources.set(key, (s = { viewers: 0, watchMs: 0, buyers: 0, gmvFen: 0 }));
    s.viewers++;
    s.watchMs += w;
    if (fl & F_PAID) s.buyers++;
    s.gmvFen += v.paidFen;
  }

  let pcu = 0;
  let pcuBucket = -1;
  for (let k = 0; k < B; k++) {
    const p = bucketPresent[k] as number;
    if (p > pcu) {
      pcu = p;
      pcuBucket = k;
    }
  }

  // Funnel: reaching a step counts as having passed the earlier ones (a lost click beacon does not hide a buyer).
  const reached = [0, 0, 0, 0, 0];
  let acc = 0;
  for (let s = 4; s >= 0; s--) {
    acc += stage[s] as number;
    reached[s] = acc;
  }
  const stepNames = ['view', 'click', 'cart', 'order', 'pay'] as const;
  const funnel: FunnelStep[] = stepNames.map((step, s) => ({
    step,
    viewers: reached[s] as number,
    conversion: s === 0 ? null : ratio(reached[s] as number, reached[s - 1] as number),
    ofViewers: ratio(reached[s] as number, n),
  }));

  const T = r.totals;
  const names = inputs.productNames ?? {};

  // Pinned / explained intervals, merged per product and clipped to the live.
  const explained = new Map<string, { from: number; to: number }[]>();
  for (const x of inputs.explanations ?? []) {
    const list = explained.get(x.productId) ?? [];
    list.push({ from: x.from, to: x.to ?? endedAt });
    explained.set(x.productId, list);
  }
  const pinned = new Map<string, { from: number; to: number }[]>();
  for (const [id, list] of explained) pinned.set(id, mergeRanges(list, startedAt, endedAt));

  const productIds = new Set<string>([...r.products.keys(), ...pinned.keys()]);
  const products: ProductFigures[] = [...productIds].map((id) => productFigures(id, r.products.get(id), names[id] ?? id, pinned.get(id) ?? []));
  products.sort((a, b) => b.gmvFen - a.gmvFen || b.clicks - a.clicks || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));

  const sourceRows: SourceFigures[] = [...sources].map(([source, s]) => ({
    source,
    viewers: s.viewers,
    share: ratio(s.viewers, n),
    avgWatchMs: ratio(s.watchMs, s.viewers),
    buyers: s.buyers,
    gmvFen: s.gmvFen,
    conversion: ratio(s.buyers, s.viewers),
  }));
  sourceRows.sort((a, b) => b.viewers - a.viewers || (a.source < b.source ? -1 : 1));

  // Survey.
  const csatDist = r.survey.csat.slice(1, 6);
  const csatN = csatDist.reduce((a, b) => a + b, 0);
  const csatSum = csatDist.reduce((a, c, k) => a + c * (k + 1), 0);
  const npsDist = r.survey.nps.slice(0, 11);
  const npsN = npsDist.reduce((a, b) => a + b, 0);
  const promoters = (npsDist[9] ?? 0) + (npsDist[10] ?? 0);
  const passives = (npsDist[7] ?? 0) + (npsDist[8] ?? 0);
  const detractors = npsN - promoters - passives;

  // Series.
  const gmv = row(M.paidFen, L);
  const cumulative = new Array<number>(L);
  let run = 0;
  for (let m = 0; m < L; m++) cumulative[m] = run += gmv[m] as number;
  const series: MinuteSeries = {
    present,
    stayed,
    retention: retentionCurve(present, n),
    joins: row(M.joins, L),
    exits,
    comments: row(M.comments, L),
    likes: row(M.likes, L),
    shares: row(M.shares, L),
    impressions: row(M.impressions, L),
    clicks: row(M.clicks, L),
    carts: row(M.carts, L),
    orders: row(M.orders, L),
    paidOrders: row(M.payments, L),
    gmvFen: gmv,
    gmvCumulativeFen: cumulative,
    refundedFen: row(M.refundFen, L),
  };

  // Timeline annotations.
  const bucketSum = (src: readonly number[], a: number, b: number) => {
    let s = 0;
    for (let k = a; k <= b; k++) s += src[k] ?? 0;
    return s;
  };
  const annotate = (kind: AnnotationKind, subtype: string, title: string, from: number, to: number | null): Annotation | null => {
    const a = Math.max(from, startedAt);
    const b = Math.min(to ?? endedAt, endedAt);
    if (b <= a) return null;
    const k0 = bucketOf(a);
    const k1 = bucketOf(b - 1);
    const atStart = bucketPresent[k0] ?? 0;
    const atEnd = bucketPresent[k1] ?? 0;
    return {
      kind,
      subtype,
      title,
      from: a,
      to: b,
      fromMinute: minuteOf(a),
      toMinute: minuteOf(b - 1),
      durationMs: b - a,
      viewersAtStart: atStart,
      viewersAtEnd: atEnd,
      change: ratio(atEnd - atStart, atStart),
      gmvFen: bucketSum(r.buckets.paidFen, k0, k1),
      paidOrders: bucketSum(r.buckets.payments, k0, k1),
      orders: bucketSum(r.buckets.orders, k0, k1),
    };
  };
  const timeline: Annotation[] = [];
  const push = (x: Annotation | null) => {
    if (x) timeline.push(x);
  };
  for (const s of inputs.segments ?? []) push(annotate('segment', s.kind, s.title, s.from, s.to));
  for (const [id, list] of pinned) for (const x of list) push(annotate('pinned', id, names[id] ?? id, x.from, x.to));
  for (const t of inputs.tools ?? []) push(annotate('tool', t.kind, t.label, t.from, t.to));
  for (const f of inputs.flashSales ?? []) push(annotate('flash_sale', 'flash_sale', f.label, f.from, f.to));
  const kindOrder: Record<AnnotationKind, number> = { segment: 0, pinned: 1, flash_sale: 2, tool: 3 };
  timeline.sort((a, b) => a.from - b.from || kindOrder[a.kind] - kindOrder[b.kind] || a.to - b.to);

  const newFollowers =
    typeof inputs.newFollowers === 'number' ? { value: inputs.newFollowers, reason: null } : { value: null, reason: 'not_available: the fans module does not record follows yet' };

  return {
    definitionsVersion: DEFINITIONS_VERSION,
    sessionId: r.sessionId,
    title: inputs.title ?? null,
    traffic: r.includeTraffic,
    startedAt,
    endedAt,
    durationMs,
    minutes: L,
    events: r.events,
    excluded: { ...r.excluded },
    audience: {
      uv: n,
      pv: r.pv,
      pcu,
      pcuAt: pcuBucket >= 0 && pcu > 0 ? startedAt + pcuBucket * BUCKET_MS : null,
      acu: ratio(totalWatch, durationMs),
      totalWatchMs: totalWatch,
      avgWatchMs: ratio(totalWatch, n),
      medianWatchMs: median(watch),
      newViewers: n - returning,
      returningViewers: returning,
      newFollowers,
    },
    retention: series.retention,
    survival: kaplanMeier(firstMs, censored, L),
    engagement: {
      interactors,
      interactionRate: ratio(interactors, n),
      comments: T.comments,
      commenters,
      likes: T.likes,
      likers,
      shares: T.shares,
      sharers,
      votes: T.votes,
      drawEntries: T.drawEntries,
      questions: T.questions,
      reservations: T.reservations,
    },
    funnel,
    sales: {
      gmvFen: T.paidFen,
      orders: T.orders,
      orderedFen: T.orderedFen,
      paidOrders: T.paidOrders,
      buyers: T.buyers,
      conversion: ratio(paidViewers, n),
      aovFen: ratio(T.paidFen, T.paidOrders),
      gpmFen: n > 0 ? (T.paidFen / n) * 1000 : null,
      refundedFen: T.refundedFen,
      refundedOrders: r.refundedOrders.size,
      refundRateByAmount: ratio(T.refundedFen, T.paidFen),
      refundRateByOrders: ratio(r.refundedOrders.size, T.paidOrders),
    },
    products,
    sources: sourceRows,
    survey: {
      responses: anyResponses,
      csat: { responses: csatN, mean: ratio(csatSum, csatN), distribution: csatDist },
      nps: { responses: npsN, score: npsN > 0 ? ((promoters - detractors) / npsN) * 100 : null, promoters, passives, detractors, distribution: npsDist },
    },
    series,
    timeline,
  };
}

/** What the report does not know about each minute (driver analysis). */
export interface MinuteFactors {
  /** Depth of the deepest discount on offer in the minute, 0..1. */
  discountDepth?: (minute: number) => number;
  hostId?: (minute: number) => string | null;
}

/**
 * The report's minutes as driver-analysis rows (core/drivers.ts): presence and retention to the
 * next minute, orders placed, the segment kind in force (the one covering most of the minute),
 * tools fired in the minute, whether a product was pinned or a flash sale ran at any time in it.
 */
export function sessionMinutes(rep: SessionReport, f: MinuteFactors = {}): SessionMinute[] {
  const out: SessionMinute[] = [];
  const L = rep.minutes;
  for (let m = 0; m < L; m++) {
    const a = rep.startedAt + m * MINUTE_MS;
    const b = Math.min(a + MINUTE_MS, rep.endedAt);
    let segmentType: string | null = null;
    let bestOverlap = 0;
    let toolsFired = 0;
    let productPinned = false;
    let flashSaleActive = false;
    for (const x of rep.timeline) {
      const overlap = Math.min(b, x.to) - Math.max(a, x.from);
      if (x.kind === 'tool') {
        if (x.from >= a && x.from < a + MINUTE_MS) toolsFired++;
      } else if (overlap > 0) {
        if (x.kind === 'segment' && overlap > bestOverlap) {
          bestOverlap = overlap;
          segmentType = x.subtype;
        } else if (x.kind === 'pinned') productPinned = true;
        else if (x.kind === 'flash_sale') flashSaleActive = true;
      }
    }
    out.push({
      sessionId: rep.sessionId,
      minute: m,
      present: rep.series.present[m] ?? 0,
      stayedNext: m + 1 < L ? (rep.series.stayed[m] ?? 0) : null,
      orders: rep.series.orders[m] ?? 0,
      segmentType,
      toolsFired,
      discountDepth: f.discountDepth ? f.discountDepth(m) : 0,
      productPinned,
      flashSaleActive,
      hostId: f.hostId ? f.hostId(m) : null,
    });
  }
  return out;
}

interface FinishedViewer {
  /** Watch time, at most the length of the live. */
  watchMs: number;
  firstViewMs: number;
  firstViewCensored: boolean;
  /** What became of an interval still open in the rollup. */
  open: 'none' | 'ran_to_end' | 'timed_out';
}

/** A viewer's figures at the end of the live, closing what is still open (without changing the rollup). */
function finishViewer(v: ViewerState, startedAt: number, endedAt: number): FinishedViewer {
  const durationMs = endedAt - startedAt;
  let w = v.watchMs;
  let f = v.firstViewMs;
  // A first view that ended at or after the end ran to the end (also when the rollup learnt the end late).
  let c = v.firstViewCensored || (f >= 0 && v.firstViewEndAt >= endedAt);
  let open: FinishedViewer['open'] = 'none';
  if (v.open) {
    const ranToEnd = endedAt - v.ivLast <= VIEW_TIMEOUT_MS;
    open = ranToEnd ? 'ran_to_end' : 'timed_out';
    const end = ranToEnd ? endedAt : v.ivLast;
    const s = Math.max(v.ivStart, startedAt);
    const ms = end > s ? end - s : 0;
    w += ms;
    if (f < 0) {
      f = ms;
      c = ranToEnd;
    }
  }
  return { watchMs: Math.min(w, durationMs), firstViewMs: Math.min(Math.max(f, 0), durationMs), firstViewCensored: c, open };
}

/** One viewer's figures for the session (saved per viewer at the end: audience clusters, new vs returning). */
export interface ViewerSummary {
  viewerKey: string;
  /** Had a view event (counts in UV). */
  viewed: boolean;
  firstAt: number;
  lastAt: number;
  watchMs: number;
  /** Comments + likes + shares + votes + draw entries + questions. */
  interactions: number;
  comments: number;
  likes: number;
  shares: number;
  orders: number;
  paidOrders: number;
  paidFen: number;
  refundedFen: number;
  /** sourceKey() of the first view, null when unknown. */
  source: string | null;
  returning: boolean;
  csat: number | null;
  nps: number | null;
}

/** Every viewer's figures at the end of the live, in order of first event (viewers without a view too: `viewed` says). */
export function viewerSummaries(r: SessionRollup, endedAt: number): ViewerSummary[] {
  const out: ViewerSummary[] = [];
  for (const v of r.viewers.values()) {
    out.push({
      viewerKey: v.key,
      viewed: v.viewed,
      firstAt: v.firstAt,
      lastAt: v.lastAt,
      watchMs: v.viewed ? finishViewer(v, r.startedAt, Math.max(endedAt, r.startedAt)).watchMs : 0,
      interactions: v.comments + v.likes + v.shares + v.votes + v.entries + v.questions,
      comments: v.comments,
      likes: v.likes,
      shares: v.shares,
      orders: v.orders,
      paidOrders: v.paidOrders,
      paidFen: v.paidFen,
      refundedFen: v.refundedFen,
      source: v.source,
      returning: r.returning.has(v.key),
      csat: v.csat >= 0 ? v.csat : null,
      nps: v.nps >= 0 ? v.nps : null,
    });
  }
  return out;
}

function productFigures(productId: string, p: ProductRow | undefined, name: string, pinned: { from: number; to: number }[]): ProductFigures {
  const explanationMs = pinned.reduce((a, x) => a + (x.to - x.from), 0);
  if (!p) {
    return {
      productId,
      name,
      explanationMs,
      impressions: 0,
      impressedViewers: 0,
      clicks: 0,
      clickers: 0,
      clickThrough: null,
      carts: 0,
      cartUnits: 0,
      orders: 0,
      units: 0,
      orderedFen: 0,
      paidOrders: 0,
      paidUnits: 0,
      gmvFen: 0,
      refundedFen: 0,
      buyers: 0,
      conversion: null,
    };
  }
  return {
    productId,
    name,
    explanationMs,
    impressions: p.impressions,
    impressedViewers: p.impressedViewers.size,
    clicks: p.clicks,
    clickers: p.clickers.size,
    clickThrough: ratio(p.clickers.size, p.impressedViewers.size),
    carts: p.carts,
    cartUnits: p.cartUnits,
    orders: p.orders,
    units: p.units,
    orderedFen: p.orderedFen,
    paidOrders: p.paidOrders,
    paidUnits: p.paidUnits,
    gmvFen: p.paidFen,
    refundedFen: p.refundedFen,
    buyers: p.buyers.size,
    conversion: ratio(p.buyers.size, p.clickers.size),
  };
}
