/**
 * The schedule of `onair simulate`: who arrives when, how long each stays, where each came
 * from, and what each does while there. Pure and deterministic: the same seed, viewer count and
 * length give the same plan (no clock, no I/O; randomness from a seeded generator).
 *
 * The shape follows what live-commerce dashboards show of a real audience: arrivals ramp up
 * over the first minutes, hold a plateau, and thin out in a tail; watch time is long-tailed
 * (log-normal: most stay a short while, a few the whole show); a minority chats, fewer click a
 * product, fewer still buy (a few percent), and a poll or a draw gets most of the room moving.
 */
import { mulberry32 } from '../platform/seeded-random.js';

export const PLAN_LIMITS = { viewers: { min: 1, max: 2000 }, minutes: { min: 0.1, max: 600 } } as const;

export const personas = ['lurker', 'chatter', 'shopper', 'superfan'] as const;
export type Persona = (typeof personas)[number];

export type PlanActionKind = 'chat' | 'like' | 'impression' | 'click' | 'cart' | 'buy' | 'share';
export const planActionKinds: readonly PlanActionKind[] = ['chat', 'like', 'impression', 'click', 'cart', 'buy', 'share'];

export interface PlanAction {
  /** ms from the start of the simulation (simulated time). */
  atMs: number;
  kind: PlanActionKind;
  /** A number in [0, 1) for choices made at run time (which product, which phrase, which option). */
  pick: number;
  /** like: likes in the burst (1-10); impression: products seen (1-4); cart / buy: quantity (1-2). */
  n: number;
}

/** Where a viewer came from, as the room URL's query says it (see analytics core/source-params.ts). */
export type PlanSource =
  | { channel: 'direct' }
  /** A share link from another simulated viewer (its index; its account id goes in `by` at run time). */
  | { channel: 'share'; sharerIndex: number }
  | { channel: 'referral'; code: string }
  | { channel: 'utm'; utmSource: string; utmMedium: string; utmCampaign: string }
  | { channel: 'referrer'; host: string };

export interface PlannedViewer {
  /** 0-based; the account `sim-<label>-<index+1>`. Viewers are numbered in order of arrival. */
  index: number;
  persona: Persona;
  arriveMs: number;
  /** Always after arriveMs and at most durationMs. */
  leaveMs: number;
  source: PlanSource;
  /** Sorted by time, each within [arriveMs, leaveMs). */
  actions: PlanAction[];
  /** Chance to vote on a poll that is open while present, and to enter an open draw. */
  voteChance: number;
  enterChance: number;
  /** How long after a poll or draw opens (or after arriving, if one is open) it acts. */
  reactMs: number;
  /** [0, 1): which option it prefers, and the coin for vote / entry decisions. */
  pick: number;
  coin: number;
}

export interface PlanOptions {
  seed: number;
  viewers: number;
  minutes: number;
  /**
   * Share of viewers who buy (0-1), overriding the persona funnel (default: the funnel, which
   * gives about 6%). Buyers click, add to cart and then buy.
   */
  buyShare?: number | undefined;
}

export interface SimulationPlan {
  seed: number;
  viewers: number;
  minutes: number;
  durationMs: number;
  people: PlannedViewer[];
}

// --- seeded randomness (mulberry32: src/server/platform/seeded-random.ts) -------------------

/** A sub-seed per viewer, so one viewer's behaviour does not depend on how many random numbers others used. */
function mix(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Standard normal by Box-Muller. */
function normal(rnd: () => number): number {
  const u = 1 - rnd();
  const v = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function pickWeighted<T extends string>(rnd: () => number, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = rnd() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

// --- the shape ------------------------------------------------------------------------------

/** Arrival intensity over the show (x in [0, 1]): ramp to 15%, plateau to 70%, then a tail down to 15%. */
export function arrivalIntensity(x: number): number {
  if (x < 0.15) return 0.1 + (0.9 * x) / 0.15;
  if (x < 0.7) return 1;
  return 1 - (0.85 * (x - 0.7)) / 0.3;
}

/** Nobody arrives in the last 3% (they would see nothing). */
const LAST_ARRIVAL = 0.97;
const GRID = 2000;

/** Inverse CDF of the intensity on [0, LAST_ARRIVAL], tabulated once. */
const arrivalCdf: number[] = (() => {
  const cdf: number[] = [0];
  let sum = 0;
  for (let i = 0; i < GRID; i++) {
    sum += arrivalIntensity(((i + 0.5) / GRID) * LAST_ARRIVAL);
    cdf.push(sum);
  }
  return cdf.map((c) => c / sum);
})();

function arrivalFraction(u: number): number {
  let lo = 0;
  let hi = GRID;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (arrivalCdf[mid]! <= u) lo = mid;
    else hi = mid;
  }
  const a = arrivalCdf[lo]!;
  const b = arrivalCdf[lo + 1]!;
  const within = b > a ? (u - a) / (b - a) : 0;
  return ((lo + within) / GRID) * LAST_ARRIVAL;
}

interface PersonaTraits {
  share: number;
  /** Watch time relative to the median. */
  stay: number;
  chatPerMin: number;
  greet: number;
  likeBurstsPerMin: number;
  click: number;
  cartGivenClick: number;
  buyGivenCart: number;
  shareChance: number;
  vote: number;
  enter: number;
}

export const personaTraits: Record<Persona, PersonaTraits> = {
  lurker: { share: 0.5, stay: 0.7, chatPerMin: 0.05, greet: 0.1, likeBurstsPerMin: 0.2, click: 0.08, cartGivenClick: 0.2, buyGivenCart: 0.5, shareChance: 0.03, vote: 0.3, enter: 0.4 },
  chatter: { share: 0.25, stay: 1.2, chatPerMin: 0.6, greet: 0.8, likeBurstsPerMin: 1, click: 0.25, cartGivenClick: 0.3, buyGivenCart: 0.5, shareChance: 0.1, vote: 0.7, enter: 0.7 },
  shopper: { share: 0.18, stay: 1.5, chatPerMin: 0.2, greet: 0.3, likeBurstsPerMin: 0.4, click: 0.8, cartGivenClick: 0.6, buyGivenCart: 0.5, shareChance: 0.05, vote: 0.5, enter: 0.6 },
  superfan: { share: 0.07, stay: 2.5, chatPerMin: 1, greet: 0.9, likeBurstsPerMin: 3, click: 0.5, cartGivenClick: 0.5, buyGivenCart: 0.5, shareChance: 0.3, vote: 0.9, enter: 0.95 },
};

const referralCodes = ['SPRING24', 'TEAFAN', 'VIP88'];
const campaigns = [
  { utmSource: 'weibo', utmMedium: 'social', utmCampaign: 'new_tea' },
  { utmSource: 'wechat', utmMedium: 'social', utmCampaign: 'new_tea' },
  { utmSource: 'douyin', utmMedium: 'cpc', utmCampaign: 'live_launch' },
  { utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'weekly' },
];
const referrerHosts = ['www.xiaohongshu.com', 'www.baidu.com', 'weibo.com', 'www.google.com'];

function planSource(rnd: () => number, index: number): PlanSource {
  const channel = pickWeighted(rnd, { direct: 0.35, share: 0.2, utm: 0.2, referrer: 0.15, referral: 0.1 });
  switch (channel) {
    case 'share':
      // Shared by someone who arrived earlier; the first viewer can only come directly.
      return index === 0 ? { channel: 'direct' } : { channel: 'share', sharerIndex: Math.floor(rnd() * index) };
    case 'utm':
      return { channel: 'utm', ...campaigns[Math.floor(rnd() * campaigns.length)]! };
    case 'referrer':
      return { channel: 'referrer', host: referrerHosts[Math.floor(rnd() * referrerHosts.length)]! };
    case 'referral':
      return { channel: 'referral', code: referralCodes[Math.floor(rnd() * referralCodes.length)]! };
    default:
      return { channel: 'direct' };
  }
}

/** Times of a Poisson process of `perMin` events a minute over [from, to). */
function poisson(rnd: () => number, perMin: number, from: number, to: number): number[] {
  const out: number[] = [];
  if (perMin <= 0) return out;
  const meanGap = 60_000 / perMin;
  let t = from;
  for (;;) {
    t += -Math.log(1 - rnd()) * meanGap;
    if (t >= to) return out;
    out.push(t);
  }
}

export function validatePlanOptions(o: PlanOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(o.viewers) || o.viewers < PLAN_LIMITS.viewers.min || o.viewers > PLAN_LIMITS.viewers.max) problems.push(`--viewers: expected a whole number ${PLAN_LIMITS.viewers.min}-${PLAN_LIMITS.viewers.max}`);
  if (!Number.isFinite(o.minutes) || o.minutes < PLAN_LIMITS.minutes.min || o.minutes > PLAN_LIMITS.minutes.max) problems.push(`--minutes: expected ${PLAN_LIMITS.minutes.min}-${PLAN_LIMITS.minutes.max}`);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) problems.push('--seed: expected a whole number 0-4294967295');
  if (o.buyShare !== undefined && (!Number.isFinite(o.buyShare) || o.buyShare < 0 || o.buyShare > 1)) problems.push('--buy-share: expected a number 0-1');
  return problems;
}

export function buildPlan(o: PlanOptions): SimulationPlan {
  const problems = validatePlanOptions(o);
  if (problems.length) throw new RangeError(problems.join('; '));
  const durationMs = Math.round(o.minutes * 60_000);
  const rnd = mulberry32(o.seed);
  const arrivals = Array.from({ length: o.viewers }, () => Math.floor(arrivalFraction(rnd()) * durationMs)).sort((a, b) => a - b);
  // Median watch time: a third of the show, at least 15 s (a short demo still has people staying).
  const medianStay = Math.max(15_000, durationMs * 0.33);

  const people = arrivals.map((arriveMs, index): PlannedViewer => {
    const r = mulberry32(mix(o.seed, index));
    const persona = pickWeighted(r, Object.fromEntries(personas.map((p) => [p, personaTraits[p].share])) as Record<Persona, number>);
    const tr = personaTraits[persona];
    const stay = Math.max(1000, medianStay * tr.stay * Math.exp(0.9 * normal(r)));
    const leaveMs = Math.min(durationMs, Math.round(arriveMs + stay));
    const source = planSource(r, index);
    const span = leaveMs - arriveMs;
    const within = (f: number) => Math.min(leaveMs - 1, Math.round(arriveMs + f * span));
    const actions: PlanAction[] = [];
    const add = (atMs: number, kind: PlanActionKind, n = 1) => actions.push({ atMs: Math.max(arriveMs, Math.min(leaveMs - 1, Math.round(atMs))), kind, pick: r(), n });

    // Sees the shelf a moment after arriving.
    add(within(0.02 + 0.08 * r()), 'impression', 1 + Math.floor(r() * 4));
    if (r() < tr.greet) add(within(0.03 + 0.1 * r()), 'chat');
    for (const t of poisson(r, tr.chatPerMin, arriveMs, leaveMs)) add(t, 'chat');
    for (const t of poisson(r, tr.likeBurstsPerMin, arriveMs, leaveMs)) add(t, 'like', 1 + Math.floor(r() * 10));
    if (r() < tr.shareChance) add(within(0.2 + 0.7 * r()), 'share');

    const buyer = o.buyShare !== undefined ? r() < o.buyShare : false;
    const clicks = buyer || r() < tr.click;
    if (clicks) {
      const clickF = 0.1 + 0.4 * r();
      add(within(clickF), 'click');
      if (r() < 0.3) add(within(clickF + (1 - clickF) * 0.3 * r()), 'click');
      const carts = buyer || (o.buyShare === undefined && r() < tr.cartGivenClick) || (o.buyShare !== undefined && r() < tr.cartGivenClick * 0.5);
      if (carts) {
        const cartF = clickF + (1 - clickF) * (0.1 + 0.3 * r());
        const qty = r() < 0.8 ? 1 : 2;
        add(within(cartF), 'cart', qty);
        if (buyer || (o.buyShare === undefined && r() < tr.buyGivenCart)) add(within(cartF + (1 - cartF) * (0.2 + 0.5 * r())), 'buy', qty);
      }
    }
    // Stable order: by time, then the funnel's order (click before cart before buy at one ms).
    const order: Record<PlanActionKind, number> = { impression: 0, chat: 1, like: 2, share: 3, click: 4, cart: 5, buy: 6 };
    actions.sort((a, b) => a.atMs - b.atMs || order[a.kind] - order[b.kind]);
    return {
      index,
      persona,
      arriveMs,
      leaveMs,
      source,
      actions,
      voteChance: tr.vote,
      enterChance: tr.enter,
      reactMs: Math.round(Math.min(60_000, Math.max(500, 4000 * Math.exp(0.7 * normal(r))))),
      pick: r(),
      coin: r(),
    };
  });
  return { seed: o.seed, viewers: o.viewers, minutes: o.minutes, durationMs, people };
}

// --- reading a plan ---------------------------------------------------------------------------

export type TimelineEntry =
  | { atMs: number; kind: 'arrive' | 'leave'; viewer: number }
  | { atMs: number; kind: 'act'; viewer: number; action: PlanAction };

/** Every arrival, action and departure in time order (at one ms: arrivals, then actions, then departures). */
export function planTimeline(plan: SimulationPlan): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const p of plan.people) {
    out.push({ atMs: p.arriveMs, kind: 'arrive', viewer: p.index });
    for (const a of p.actions) out.push({ atMs: a.atMs, kind: 'act', viewer: p.index, action: a });
    out.push({ atMs: p.leaveMs, kind: 'leave', viewer: p.index });
  }
  const rank = { arrive: 0, act: 1, leave: 2 } as const;
  return out.sort((a, b) => a.atMs - b.atMs || rank[a.kind] - rank[b.kind] || a.viewer - b.viewer);
}

export function sourceLabel(s: PlanSource): string {
  switch (s.channel) {
    case 'direct':
    case 'share':
      return s.channel;
    case 'referral':
      return `referral:${s.code}`;
    case 'utm':
      return `utm:${s.utmSource}/${s.utmMedium}/${s.utmCampaign}`;
    case 'referrer':
      return `referrer:${s.host}`;
  }
}

/** The room URL's query for a source (names of analytics core/source-params.ts); `sharerId` fills a share link's `by`. */
export function sourceQuery(s: PlanSource, sharerId: (index: number) => string): Record<string, string> {
  switch (s.channel) {
    case 'direct':
      return {};
    case 'share':
      return { src: 'share', by: sharerId(s.sharerIndex) };
    case 'referral':
      return { ref: s.code };
    case 'utm':
      return { utm_source: s.utmSource, utm_medium: s.utmMedium, utm_campaign: s.utmCampaign };
    case 'referrer':
      return { rh: s.host };
  }
}

export interface PlanSummary {
  seed: number;
  viewers: number;
  minutes: number;
  durationMs: number;
  personas: Record<Persona, number>;
  sources: Record<string, number>;
  actions: Record<PlanActionKind, number>;
  likes: number;
  buyers: number;
  peakPresent: number;
  medianStaySeconds: number;
  /** Per minute of the show: arrivals, departures, and viewers present at some moment of it. */
  perMinute: { minute: number; arrivals: number; departures: number; present: number }[];
}

export function summarizePlan(plan: SimulationPlan): PlanSummary {
  const minutes = Math.max(1, Math.ceil(plan.durationMs / 60_000));
  const perMinute = Array.from({ length: minutes }, (_, minute) => ({ minute, arrivals: 0, departures: 0, present: 0 }));
  const personasCount = Object.fromEntries(personas.map((p) => [p, 0])) as Record<Persona, number>;
  const actions = Object.fromEntries(planActionKinds.map((k) => [k, 0])) as Record<PlanActionKind, number>;
  const sources: Record<string, number> = {};
  let likes = 0;
  let buyers = 0;
  const stays: number[] = [];
  for (const p of plan.people) {
    personasCount[p.persona]++;
    const key = sourceLabel(p.source);
    sources[key] = (sources[key] ?? 0) + 1;
    const mi = (ms: number) => Math.min(minutes - 1, Math.floor(ms / 60_000));
    perMinute[mi(p.arriveMs)]!.arrivals++;
    perMinute[mi(p.leaveMs)]!.departures++;
    for (let m = mi(p.arriveMs); m <= mi(Math.max(p.arriveMs, p.leaveMs - 1)); m++) perMinute[m]!.present++;
    for (const a of p.actions) {
      actions[a.kind]++;
      if (a.kind === 'like') likes += a.n;
    }
    if (p.actions.some((a) => a.kind === 'buy')) buyers++;
    stays.push(p.leaveMs - p.arriveMs);
  }
  let present = 0;
  let peakPresent = 0;
  for (const e of planTimeline(plan)) {
    if (e.kind === 'arrive') peakPresent = Math.max(peakPresent, ++present);
    else if (e.kind === 'leave') present--;
  }
  stays.sort((a, b) => a - b);
  const mid = stays.length >> 1;
  const median = stays.length === 0 ? 0 : stays.length % 2 ? stays[mid]! : (stays[mid - 1]! + stays[mid]!) / 2;
  return {
    seed: plan.seed,
    viewers: plan.viewers,
    minutes: plan.minutes,
    durationMs: plan.durationMs,
    personas: personasCount,
    sources: Object.fromEntries(Object.entries(sources).sort(([a], [b]) => a.localeCompare(b))),
    actions,
    likes,
    buyers,
    peakPresent,
    medianStaySeconds: Math.round(median / 100) / 10,
    perMinute,
  };
}
