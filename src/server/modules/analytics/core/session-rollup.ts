import { VIEW_TIMEOUT_MS, type AnalyticsEvent, type TrafficKind } from '../../../../contracts/analytics-events.contract.js';

/**
 * The session rollup: one pass over a session's (already de-duplicated) analytics events keeps
 * everything the live dashboard and the post-live report need, in memory bounded by
 * viewers × a small constant (never by events). Pure: no clock, no I/O; the caller passes times.
 *
 * Presence (docs/metrics.md, "Presence"): a viewer is present from a `view_start` (or a heartbeat
 * with no open view) while view events keep coming at most VIEW_TIMEOUT_MS apart. `view_end` of the
 * viewer's last open connection ends the interval at that time; a gap longer than the timeout ends
 * it at the last view event seen. Only view events (start, heartbeat, end) open, extend or end an
 * interval: a payment can arrive long after the buyer left. A viewer's view events are expected in
 * time order (the store streams them in (at, id) order); one that arrives late is taken as
 * happening at the viewer's latest view event.
 *
 * Presence per minute (minute = floor((t - startedAt) / 60 000), before the start → 0) and per
 * 10-second bucket is marked once per viewer for every minute / bucket an interval overlaps.
 */

export const MINUTE_MS = 60_000;
export const BUCKET_MS = 10_000;

export type IncludedTraffic = 'real' | 'simulated';

export interface RollupOptions {
  sessionId: string;
  /** When the session went live (ms since epoch). */
  startedAt: number;
  /** When it ended, if known (rebuilding a finished session): later view events are taken as at the end, later facts count in the last minute. */
  endedAt?: number | null;
  /** Which traffic the figures are of: 'real' (default) or 'simulated' (a demo session, labelled as such). Other kinds only count in `excluded`. */
  includeTraffic?: IncludedTraffic;
}

// Viewer flags (bit mask).
export const F_CLICKED = 1;
export const F_CARTED = 2;
export const F_ORDERED = 4;
export const F_PAID = 8;
export const F_COMMENTED = 16;
export const F_LIKED = 32;
export const F_SHARED = 64;
export const F_VOTED = 128;
export const F_ENTERED = 256;
export const F_ASKED = 512;
/** Any of these makes a viewer an interactor (interaction rate). */
export const F_INTERACTED = F_COMMENTED | F_LIKED | F_SHARED | F_VOTED | F_ENTERED | F_ASKED;

/** Everything kept per viewer. A class so every instance has the same shape (fast property access). */
export class ViewerState {
  /** Small integer id, used in the per-product sets of distinct viewers. */
  readonly idx: number;
  readonly key: string;
  /** Had at least one view event (counts in UV). */
  viewed = false;
  /** sourceKey() of the viewer's first view (the first one that carried a source); null when unknown. */
  source: string | null = null;
  firstViewAt = -1;
  /** First and last event of any type (ms). */
  firstAt: number;
  lastAt: number;
  // Presence.
  open = false;
  conns = 0;
  ivStart = 0;
  ivLast = 0;
  intervals = 0;
  markedMinute = -1;
  markedBucket = -1;
  /** Watch time of closed intervals (ms), counted from the start of the live. */
  watchMs = 0;
  /** Length of the first continuous view once it has ended; -1 while it is open or before any view. */
  firstViewMs = -1;
  /** The first view ran to the end of the live (censored in the survival curve). */
  firstViewCensored = false;
  /** When the first continuous view ended (ms); -1 while it is open or before any view. */
  firstViewEndAt = -1;
  flags = 0;
  comments = 0;
  likes = 0;
  shares = 0;
  votes = 0;
  entries = 0;
  questions = 0;
  reservations = 0;
  orders = 0;
  paidOrders = 0;
  paidFen = 0;
  refundedFen = 0;
  /** Survey answer (last wins); -1 when not given. */
  csat = -1;
  nps = -1;
  constructor(idx: number, key: string, at: number) {
    this.idx = idx;
    this.key = key;
    this.firstAt = at;
    this.lastAt = at;
  }
}

/** Per-minute rows (index = minute of the live), grown on demand. */
export interface MinuteRows {
  present: number[];
  /** Viewers present in the minute and in the next one (retention from minute to minute). */
  stayed: number[];
  joins: number[];
  exits: number[];
  comments: number[];
  likes: number[];
  shares: number[];
  impressions: number[];
  clicks: number[];
  carts: number[];
  orders: number[];
  orderFen: number[];
  payments: number[];
  paidFen: number[];
  refunds: number[];
  refundFen: number[];
}
export const minuteRowNames = ['present', 'stayed', 'joins', 'exits', 'comments', 'likes', 'shares', 'impressions', 'clicks', 'carts', 'orders', 'orderFen', 'payments', 'paidFen', 'refunds', 'refundFen'] as const;

/** Per-10-second-bucket rows: presence (PCU, viewers at an annotation's start and end) and sales (GMV during an annotation). */
export interface BucketRows {
  present: number[];
  orders: number[];
  payments: number[];
  paidFen: number[];
}

/**
 * A set of viewers by their small integer id: one bit each, grown on demand. Cheaper than a
 * Set<number> per product (no hashing, no garbage) when tens of products each see most viewers.
 */
export class ViewerBitset {
  bits = new Uint32Array(64);
  size = 0;
  add(i: number): void {
    const w = i >>> 5;
    if (w >= this.bits.length) {
      let n = this.bits.length * 2;
      while (n <= w) n *= 2;
      const grown = new Uint32Array(n);
      grown.set(this.bits);
      this.bits = grown;
    }
    const m = 1 << (i & 31);
    const word = this.bits[w] as number;
    if ((word & m) === 0) {
      this.bits[w] = word | m;
      this.size++;
    }
  }
  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.bits.length && ((this.bits[w] as number) & (1 << (i & 31))) !== 0;
  }
}

export class ProductRow {
  readonly productId: string;
  impressions = 0;
  readonly impressedViewers = new ViewerBitset();
  clicks = 0;
  readonly clickers = new ViewerBitset();
  carts = 0;
  cartUnits = 0;
  orders = 0;
  units = 0;
  orderedFen = 0;
  paidOrders = 0;
  paidUnits = 0;
  paidFen = 0;
  refundedFen = 0;
  readonly buyers = new ViewerBitset();
  constructor(productId: string) {
    this.productId = productId;
  }
}

export interface SessionRollup {
  readonly sessionId: string;
  readonly startedAt: number;
  endedAt: number | null;
  readonly includeTraffic: IncludedTraffic;
  readonly viewers: Map<string, ViewerState>;
  readonly minutes: MinuteRows;
  readonly buckets: BucketRows;
  readonly products: Map<string, ProductRow>;
  /** Keys of viewers who watched an earlier session of the same brand (markReturning). */
  readonly returning: Set<string>;
  /** Orders with at least one refund event. */
  readonly refundedOrders: Set<string>;
  /** Events of other traffic kinds, by kind (they count in no figure). */
  readonly excluded: Record<TrafficKind, number>;
  /** Events applied (of the included traffic). */
  events: number;
  pv: number;
  uv: number;
  pcu: number;
  /** Bucket index of the first bucket that reached `pcu`. */
  pcuBucket: number;
  totals: {
    comments: number;
    likes: number;
    shares: number;
    impressions: number;
    clicks: number;
    carts: number;
    orders: number;
    orderedFen: number;
    paidOrders: number;
    paidFen: number;
    refunds: number;
    refundedFen: number;
    votes: number;
    drawEntries: number;
    questions: number;
    reservations: number;
    buyers: number;
  };
  /** Survey counts, one answer per viewer (the last): csat[1..5], nps[0..10]. */
  readonly survey: { csat: number[]; nps: number[] };
  /** Largest event time seen (ms), -1 before any. */
  lastEventAt: number;
}

function emptyRows<T extends readonly string[]>(names: T): Record<T[number], number[]> {
  const o = {} as Record<T[number], number[]>;
  for (const n of names) o[n as T[number]] = [];
  return o;
}

export function createRollup(o: RollupOptions): SessionRollup {
  return {
    sessionId: o.sessionId,
    startedAt: o.startedAt,
    endedAt: o.endedAt ?? null,
    includeTraffic: o.includeTraffic ?? 'real',
    viewers: new Map(),
    minutes: emptyRows(minuteRowNames),
    buckets: { present: [], orders: [], payments: [], paidFen: [] },
    products: new Map(),
    returning: new Set(),
    refundedOrders: new Set(),
    excluded: { real: 0, bot: 0, simulated: 0 },
    events: 0,
    pv: 0,
    uv: 0,
    pcu: 0,
    pcuBucket: -1,
    totals: {
      comments: 0,
      likes: 0,
      shares: 0,
      impressions: 0,
      clicks: 0,
      carts: 0,
      orders: 0,
      orderedFen: 0,
      paidOrders: 0,
      paidFen: 0,
      refunds: 0,
      refundedFen: 0,
      votes: 0,
      drawEntries: 0,
      questions: 0,
      reservations: 0,
      buyers: 0,
    },
    survey: { csat: [0, 0, 0, 0, 0, 0], nps: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    lastEventAt: -1,
  };
}

/** Marks the end of the live: later view events are taken as at the end, later facts count in the last minute. */
export function setEnded(r: SessionRollup, endedAt: number): void {
  r.endedAt = endedAt;
}

/** Minute index of a time: before the start → 0; after a known end → the last minute of the live. */
export function minuteOf(r: Pick<SessionRollup, 'startedAt' | 'endedAt'>, t: number): number {
  if (r.endedAt !== null && t >= r.endedAt) t = r.endedAt - 1;
  return t <= r.startedAt ? 0 : Math.floor((t - r.startedAt) / MINUTE_MS);
}

export function bucketOf(r: Pick<SessionRollup, 'startedAt' | 'endedAt'>, t: number): number {
  if (r.endedAt !== null && t >= r.endedAt) t = r.endedAt - 1;
  return t <= r.startedAt ? 0 : Math.floor((t - r.startedAt) / BUCKET_MS);
}

/** Adds `by` at `i` of a row grown on demand. */
export function bump(row: number[], i: number, by = 1): void {
  while (row.length <= i) row.push(0);
  row[i] = (row[i] as number) + by;
}

function viewerOf(r: SessionRollup, key: string, at: number): ViewerState {
  let v = r.viewers.get(key);
  if (v === undefined) {
    v = new ViewerState(r.viewers.size, key, at);
    r.viewers.set(key, v);
  } else if (at > v.lastAt) v.lastAt = at;
  else if (at < v.firstAt) v.firstAt = at;
  return v;
}

function productOf(r: SessionRollup, productId: string): ProductRow {
  let p = r.products.get(productId);
  if (p === undefined) {
    p = new ProductRow(productId);
    r.products.set(productId, p);
  }
  return p;
}

/** Marks presence of `v` for every minute and bucket in [a, b] not marked yet (each counted once per viewer). */
function markPresence(r: SessionRollup, v: ViewerState, a: number, b: number): void {
  const m1 = minuteOf(r, b);
  const lo = Math.max(v.markedMinute + 1, minuteOf(r, a));
  const pm = r.minutes.present;
  const stayed = r.minutes.stayed;
  for (let m = lo; m <= m1; m++) {
    bump(pm, m);
    // Present in the minute before too: marked earlier in this run, or the viewer's last marked minute.
    if (m > lo || (m > 0 && v.markedMinute === m - 1)) bump(stayed, m - 1);
  }
  if (m1 > v.markedMinute) v.markedMinute = m1;
  const k1 = bucketOf(r, b);
  let k = Math.max(v.markedBucket + 1, bucketOf(r, a));
  const pb = r.buckets.present;
  for (; k <= k1; k++) {
    bump(pb, k);
    const n = pb[k] as number;
    if (n > r.pcu) {
      r.pcu = n;
      r.pcuBucket = k;
    }
  }
  if (k1 > v.markedBucket) v.markedBucket = k1;
}

/** Watch time of an interval, counted from the start of the live. */
function intervalMs(r: SessionRollup, start: number, end: number): number {
  const s = start < r.startedAt ? r.startedAt : start;
  return end > s ? end - s : 0;
}

function openInterval(r: SessionRollup, v: ViewerState, t: number): void {
  v.open = true;
  v.conns = 1;
  v.ivStart = t;
  v.ivLast = t;
  v.intervals++;
  bump(r.minutes.joins, minuteOf(r, t));
  markPresence(r, v, t, t);
}

function closeInterval(r: SessionRollup, v: ViewerState, end: number): void {
  v.open = false;
  v.conns = 0;
  const ms = intervalMs(r, v.ivStart, end);
  v.watchMs += ms;
  const atEnd = r.endedAt !== null && end >= r.endedAt;
  if (v.firstViewMs < 0) {
    v.firstViewMs = ms;
    v.firstViewCensored = atEnd;
    v.firstViewEndAt = end;
  }
  // Leaving when the live ends is not an exit.
  if (!atEnd) bump(r.minutes.exits, minuteOf(r, end));
}

function onView(r: SessionRollup, v: ViewerState, e: AnalyticsEvent, t: number): void {
  if (!v.viewed) {
    v.viewed = true;
    v.firstViewAt = t;
    r.uv++;
  }
  if (v.source === null && e.source !== null) v.source = e.source;
  const type = e.type;
  if (type === 'view_start') r.pv++;
  if (v.open) {
    if (t < v.ivLast) t = v.ivLast;
    if (t - v.ivLast > VIEW_TIMEOUT_MS) {
      closeInterval(r, v, v.ivLast);
      if (type !== 'view_end') openInterval(r, v, t);
      return;
    }
    markPresence(r, v, v.ivLast, t);
    v.ivLast = t;
    if (type === 'view_start') v.conns++;
    else if (type === 'view_end') {
      v.conns--;
      if (v.conns <= 0) closeInterval(r, v, t);
    } else if (v.conns <= 0) v.conns = 1;
    return;
  }
  // A view_end with nothing open ends nothing.
  if (type !== 'view_end') openInterval(r, v, t);
}

function countSurvey(r: SessionRollup, v: ViewerState, by: number): void {
  if (v.csat >= 1 && v.csat <= 5) r.survey.csat[v.csat] = (r.survey.csat[v.csat] as number) + by;
  if (v.nps >= 0 && v.nps <= 10) r.survey.nps[v.nps] = (r.survey.nps[v.nps] as number) + by;
}

function surveyValue(x: number | undefined, min: number, max: number): number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : -1;
}

/**
 * Applies one stored (already de-duplicated) event. Events of a traffic kind other than the
 * rollup's (`real` by default) only count in `r.excluded`.
 */
export function applyEvent(r: SessionRollup, e: AnalyticsEvent): void {
  if (e.traffic !== r.includeTraffic) {
    r.excluded[e.traffic]++;
    return;
  }
  r.events++;
  let t = e.at;
  if (t > r.lastEventAt) r.lastEventAt = t;
  const v = viewerOf(r, e.viewerKey, t);
  const T = r.totals;
  const M = r.minutes;
  switch (e.type) {
    case 'view_start':
    case 'view_heartbeat':
    case 'view_end':
      if (r.endedAt !== null && t > r.endedAt) t = r.endedAt;
      onView(r, v, e, t);
      return;
    case 'comment':
      v.comments++;
      v.flags |= F_COMMENTED;
      T.comments++;
      bump(M.comments, minuteOf(r, t));
      return;
    case 'like': {
      const n = e.n ?? 1;
      v.likes += n;
      v.flags |= F_LIKED;
      T.likes += n;
      bump(M.likes, minuteOf(r, t), n);
      return;
    }
    case 'share':
      v.shares++;
      v.flags |= F_SHARED;
      T.shares++;
      bump(M.shares, minuteOf(r, t));
      return;
    case 'product_impression':
      T.impressions++;
      bump(M.impressions, minuteOf(r, t));
      if (e.productId) {
        const p = productOf(r, e.productId);
        p.impressions++;
        p.impressedViewers.add(v.idx);
      }
      return;
    case 'product_click':
      v.flags |= F_CLICKED;
      T.clicks++;
      bump(M.clicks, minuteOf(r, t));
      if (e.productId) {
        const p = productOf(r, e.productId);
        p.clicks++;
        p.clickers.add(v.idx);
      }
      return;
    case 'add_to_cart':
      v.flags |= F_CARTED;
      T.carts++;
      bump(M.carts, minuteOf(r, t));
      if (e.productId) {
        const p = productOf(r, e.productId);
        p.carts++;
        p.cartUnits += e.n ?? 1;
      }
      return;
    case 'order': {
      const fen = e.amountFen ?? 0;
      v.flags |= F_ORDERED;
      v.orders++;
      T.orders++;
      T.orderedFen += fen;
      bump(M.orders, minuteOf(r, t));
      bump(M.orderFen, minuteOf(r, t), fen);
      bump(r.buckets.orders, bucketOf(r, t));
      if (e.lines) {
        for (const l of e.lines) {
          const p = productOf(r, l.productId);
          p.orders++;
          p.units += l.qty;
          p.orderedFen += l.amountFen;
        }
      }
      return;
    }
    case 'payment': {
      const fen = e.amountFen ?? 0;
      if ((v.flags & F_PAID) === 0) T.buyers++;
      v.flags |= F_PAID;
      v.paidOrders++;
      v.paidFen += fen;
      T.paidOrders++;
      T.paidFen += fen;
      const m = minuteOf(r, t);
      bump(M.payments, m);
      bump(M.paidFen, m, fen);
      const k = bucketOf(r, t);
      bump(r.buckets.payments, k);
      bump(r.buckets.paidFen, k, fen);
      if (e.lines) {
        for (const l of e.lines) {
          const p = productOf(r, l.productId);
          p.paidOrders++;
          p.paidUnits += l.qty;
          p.paidFen += l.amountFen;
          p.buyers.add(v.idx);
        }
      }
      return;
    }
    case 'refund': {
      const fen = e.amountFen ?? 0;
      v.refundedFen += fen;
      T.refunds++;
      T.refundedFen += fen;
      bump(M.refunds, minuteOf(r, t));
      bump(M.refundFen, minuteOf(r, t), fen);
      if (e.ref) r.refundedOrders.add(e.ref);
      if (e.productId) productOf(r, e.productId).refundedFen += fen;
      return;
    }
    case 'poll_vote':
      v.votes++;
      v.flags |= F_VOTED;
      T.votes++;
      return;
    case 'draw_entry':
      v.entries++;
      v.flags |= F_ENTERED;
      T.drawEntries++;
      return;
    case 'question':
      v.questions++;
      v.flags |= F_ASKED;
      T.questions++;
      return;
    case 'reservation':
      v.reservations++;
      T.reservations++;
      return;
    case 'survey_answer': {
      // One answer per viewer: a later answer replaces the earlier one as a whole.
      countSurvey(r, v, -1);
      v.csat = surveyValue(e.csat, 1, 5);
      v.nps = surveyValue(e.nps, 0, 10);
      countSurvey(r, v, 1);
      return;
    }
  }
}

/** Marks viewer keys that watched an earlier session of the same brand (new vs returning). */
export function markReturning(r: SessionRollup, keys: Iterable<string>): void {
  for (const k of keys) r.returning.add(k);
}

// --- live figures ---------------------------------------------------------------------------

export interface LiveProduct {
  productId: string;
  paidFen: number;
  paidOrders: number;
  paidUnits: number;
  clicks: number;
  clickers: number;
  buyers: number;
}

export interface LiveFigures {
  sessionId: string;
  traffic: IncludedTraffic;
  /** The `now` the figures are for (ms) and its minute of the live. */
  at: number;
  minute: number;
  /** Viewers with an open interval whose last view event is at most VIEW_TIMEOUT_MS before now. */
  concurrent: number;
  uv: number;
  pv: number;
  /** Peak concurrent so far (most viewers present in one 10-second bucket). */
  pcu: number;
  /** Per minute so far (index = minute of the live, up to `minute`). */
  series: {
    present: number[];
    joins: number[];
    exits: number[];
    comments: number[];
    likes: number[];
    clicks: number[];
    orders: number[];
    paidFen: number[];
  };
  totals: { comments: number; likes: number; shares: number; clicks: number; carts: number; orders: number; paidOrders: number; gmvFen: number; buyers: number };
  /** Paying viewers ÷ UV; null before any viewer. */
  conversion: number | null;
  /** Top 5 by paid fen, then clicks. */
  topProducts: LiveProduct[];
  excluded: Record<TrafficKind, number>;
}

function seriesCopy(row: number[], len: number): number[] {
  const out = new Array<number>(len);
  for (let i = 0; i < len; i++) out[i] = row[i] ?? 0;
  return out;
}

export function liveProduct(p: ProductRow): LiveProduct {
  return { productId: p.productId, paidFen: p.paidFen, paidOrders: p.paidOrders, paidUnits: p.paidUnits, clicks: p.clicks, clickers: p.clickers.size, buyers: p.buyers.size };
}

/** Orders products by paid fen, then clicks, then id (stable for equal figures). */
export function compareProducts(a: ProductRow, b: ProductRow): number {
  return b.paidFen - a.paidFen || b.clicks - a.clicks || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0);
}

/** What the live dashboard shows at `now`. Does not change the rollup. */
export function liveFigures(r: SessionRollup, now: number): LiveFigures {
  const minute = minuteOf(r, now);
  const len = minute + 1;
  const present = seriesCopy(r.minutes.present, len);
  const exits = seriesCopy(r.minutes.exits, len);
  let concurrent = 0;
  for (const v of r.viewers.values()) {
    if (!v.open) continue;
    if (now - v.ivLast <= VIEW_TIMEOUT_MS) {
      concurrent++;
      // Still here: present in the minutes between its last view event and now.
      for (let m = Math.max(v.markedMinute + 1, 0); m <= minute; m++) present[m] = (present[m] as number) + 1;
    } else {
      // Timed out (not yet closed in the rollup, which only learns it from the next event): an exit at its last view event.
      const m = minuteOf(r, v.ivLast);
      if (m < len) exits[m] = (exits[m] as number) + 1;
    }
  }
  const top = [...r.products.values()].sort(compareProducts).slice(0, 5).map(liveProduct);
  const T = r.totals;
  return {
    sessionId: r.sessionId,
    traffic: r.includeTraffic,
    at: now,
    minute,
    concurrent,
    uv: r.uv,
    pv: r.pv,
    pcu: Math.max(r.pcu, concurrent),
    series: {
      present,
      joins: seriesCopy(r.minutes.joins, len),
      exits,
      comments: seriesCopy(r.minutes.comments, len),
      likes: seriesCopy(r.minutes.likes, len),
      clicks: seriesCopy(r.minutes.clicks, len),
      orders: seriesCopy(r.minutes.orders, len),
      paidFen: seriesCopy(r.minutes.paidFen, len),
    },
    totals: { comments: T.comments, likes: T.likes, shares: T.shares, clicks: T.clicks, carts: T.carts, orders: T.orders, paidOrders: T.paidOrders, gmvFen: T.paidFen, buyers: T.buyers },
    conversion: r.uv > 0 ? T.buyers / r.uv : null,
    topProducts: top,
    excluded: { ...r.excluded },
  };
}
