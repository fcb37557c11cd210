/**
 * The display budget: a busy room receives far more comments than anyone can read, so each
 * tick shows at most `slots` of them. Identical comments collapse into one ("666 x48"), the
 * host and team always come first, then fans by level, then everyone else; inside a tier the
 * choice is a pseudo-random draw that every node makes identically (hash of id + salt).
 */
export interface BudgetComment {
  id: string;
  uid: string;
  text: string;
  /** 0 = host/team (highest), 1 = fans by level, 2 = everyone else; lower is more important. */
  tier: number;
  /** Fan level, higher first within tier 1. */
  lvl: number;
  at: number;
}

export interface BudgetResult<C> {
  /** Ordered by `at`, then id. `n` is how many input comments the item stands for. */
  shown: (C & { n: number })[];
  /** Comments folded into a shown item (sum of n - 1 over shown). */
  mergedAway: number;
  /** Comments not shown at all, counted individually (a dropped "x5" counts 5). */
  dropped: number;
}

/** The text two comments must share to merge: trimmed, NFKC, case-folded, whitespace collapsed. */
export function mergeKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** FNV-1a over UTF-16 units, finished with murmur3's avalanche so short ids spread well. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function byAtThenId(a: { at: number; id: string }, b: { at: number; id: string }): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface Group<C> {
  first: C;
  firstIndex: number;
  n: number;
  /** The group ranks as its most important member. */
  tier: number;
  lvl: number;
  draw: number;
}

/**
 * Merges identical comments (same `mergeKey`) within this tick into the earliest of them (by
 * `at`, then id, so the result does not depend on arrival order) with n = count; tier-0
 * comments only ever merge with tier-0 comments, so the host is never hidden inside a "x48".
 * Then keeps at most `slots` merged items: tier 0 first, then tier 1 by lvl desc, then tier 2
 * (a merged item ranks as its best member), ties broken by hash(id + salt). Slots that are
 * NaN or <= 0 show nothing; Infinity shows everything (merged).
 */
export function applyBudget<C extends BudgetComment>(comments: readonly C[], slots: number, salt: string): BudgetResult<C> {
  const groups = new Map<string, Group<C>>();
  comments.forEach((c, index) => {
    const key = (c.tier <= 0 ? 'T0\u0000' : 'T+\u0000') + mergeKey(c.text);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: c, firstIndex: index, n: 1, tier: c.tier, lvl: c.lvl, draw: 0 });
      return;
    }
    g.n++;
    const order = byAtThenId(c, g.first);
    if (order < 0 || (order === 0 && index < g.firstIndex)) {
      g.first = c;
      g.firstIndex = index;
    }
    if (c.tier < g.tier || (c.tier === g.tier && c.lvl > g.lvl)) {
      g.tier = c.tier;
      g.lvl = c.lvl;
    }
  });

  const all = [...groups.values()];
  for (const g of all) g.draw = hash32(g.first.id + '\u0000' + salt);

  const limit = Number.isNaN(slots) || slots <= 0 ? 0 : slots === Number.POSITIVE_INFINITY ? all.length : Math.floor(slots);
  let chosen: Group<C>[];
  if (limit >= all.length) {
    chosen = all;
  } else {
    all.sort((a, b) => {
      if (a.tier !== b.tier) return a.tier - b.tier;
      if (a.tier === 1 && a.lvl !== b.lvl) return b.lvl - a.lvl;
      if (a.draw !== b.draw) return a.draw - b.draw;
      return byAtThenId(a.first, b.first) || a.firstIndex - b.firstIndex;
    });
    chosen = all.slice(0, limit);
  }

  let shownCount = 0;
  const shown = chosen
    .sort((a, b) => byAtThenId(a.first, b.first) || a.firstIndex - b.firstIndex)
    .map((g) => {
      shownCount += g.n;
      return { ...g.first, n: g.n };
    });
  return { shown, mergedAway: shownCount - shown.length, dropped: comments.length - shownCount };
}

/**
 * Token accounting across ticks: a room displays `ratePerSecond` comments per second;
 * fractional slots carry over between ticks, capped at one second's worth (at least one slot,
 * so a rate below 1/s still shows something). A rate <= 0 or NaN shows nothing; Infinity
 * shows everything.
 */
export class BudgetClock {
  private readonly rate: number;
  private readonly cap: number;
  private tokens = 0;

  constructor(ratePerSecond: number) {
    this.rate = Number.isNaN(ratePerSecond) || ratePerSecond <= 0 ? 0 : ratePerSecond;
    this.cap = Math.max(this.rate, 1);
  }

  /** Slots available for a tick of `elapsedMs`. */
  take(elapsedMs: number): number {
    if (this.rate === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    if (this.rate === 0) return 0;
    const ms = Number.isFinite(elapsedMs) && elapsedMs > 0 ? elapsedMs : elapsedMs === Number.POSITIVE_INFINITY ? 1000 : 0;
    this.tokens = Math.min(this.cap, this.tokens + (this.rate * ms) / 1000);
    // The epsilon keeps 0.1 + 0.2-style float error from eating a whole slot.
    const n = Math.floor(this.tokens + 1e-9);
    this.tokens = Math.max(0, this.tokens - n);
    return n;
  }

  /** Return unused slots (still capped at one second's worth). */
  giveBack(n: number): void {
    if (this.rate === 0 || this.rate === Number.POSITIVE_INFINITY) return;
    if (Number.isNaN(n) || n <= 0) return;
    this.tokens = Math.min(this.cap, this.tokens + n);
  }
}
