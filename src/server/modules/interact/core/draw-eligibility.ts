import type { DrawRuleCode, DrawRules } from '../../../../contracts/draw.contract.js';

/**
 * Who may win a draw (issue 6 item 3). Pure: the service gathers each entrant's facts from the
 * modules that own them (chat, presence, fans, orders, ...), and passes the clock in `ctx.now`.
 * Every configured rule must hold (AND); the answer names each unmet rule by code.
 *
 * Rules are registered objects {code, applies, check}: adding one is adding an entry.
 */

export interface EntrantFacts {
  /** Comment texts the entrant sent during the entry window. */
  commentsInWindow: readonly string[];
  /** Minutes of this session watched. */
  watchedMinutes: number;
  /** Fan-club level; 0 when not a member. */
  fanLevel: number;
  followsBrand: boolean;
  reservedSession: boolean;
  boughtInSession: boolean;
  /** When the account was created (ms since epoch). */
  accountCreatedAt: number;
  /** In the room now (evaluated at the draw). */
  inRoom: boolean;
  /** When the entrant won one of this brand's draws before (ms since epoch). */
  pastWinsAt: readonly number[];
}

export interface EligibilityContext {
  /** When the session started (ms since epoch). */
  sessionStartedAt: number;
  /** The injected clock's now (ms since epoch). */
  now: number;
}

export type Eligibility = { eligible: true } | { eligible: false; unmet: DrawRuleCode[] };

const DAY_MS = 86_400_000;

/** 口令 matching: NFKC (full-width = half-width), case folded, all white space removed. */
export function normalizePhrase(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/** Whether a comment carries the phrase (after normalisation, anywhere in the comment). */
export function commentMatchesPhrase(comment: string, phrase: string): boolean {
  const p = normalizePhrase(phrase);
  return p.length > 0 && normalizePhrase(comment).includes(p);
}

/** Wins counted against the cap: those in (now - windowDays, now]. */
export function winsInWindow(pastWinsAt: readonly number[], now: number, windowDays: number): number {
  const from = now - windowDays * DAY_MS;
  return pastWinsAt.filter((t) => t > from && t <= now).length;
}

interface DrawRule {
  code: DrawRuleCode;
  applies(rules: DrawRules): boolean;
  check(rules: DrawRules, facts: EntrantFacts, ctx: EligibilityContext): boolean;
}

export const drawRules: readonly DrawRule[] = [
  {
    code: 'phrase',
    applies: (r) => r.phrase !== undefined,
    check: (r, f) => f.commentsInWindow.some((c) => commentMatchesPhrase(c, r.phrase!)),
  },
  { code: 'watch_time', applies: (r) => r.minWatchMinutes !== undefined, check: (r, f) => f.watchedMinutes >= r.minWatchMinutes! },
  { code: 'fan_level', applies: (r) => r.minFanLevel !== undefined, check: (r, f) => f.fanLevel >= r.minFanLevel! },
  { code: 'follows_brand', applies: (r) => r.followsBrand, check: (_r, f) => f.followsBrand },
  { code: 'reserved', applies: (r) => r.reservedSession, check: (_r, f) => f.reservedSession },
  { code: 'bought', applies: (r) => r.boughtInSession, check: (_r, f) => f.boughtInSession },
  { code: 'account_age', applies: (r) => r.accountOlderThanSession, check: (_r, f, c) => f.accountCreatedAt < c.sessionStartedAt },
  {
    code: 'repeat_win_cap',
    applies: (r) => r.repeatWinCap !== undefined,
    check: (r, f, c) => winsInWindow(f.pastWinsAt, c.now, r.repeatWinCap!.windowDays) < r.repeatWinCap!.maxWins,
  },
  { code: 'in_room', applies: (r) => r.inRoomAtDraw, check: (_r, f) => f.inRoom },
];

/** Whether one entrant qualifies under the rule set, or the codes of every unmet rule (in registry order). */
export function checkEligibility(rules: DrawRules, facts: EntrantFacts, ctx: EligibilityContext): Eligibility {
  const unmet = drawRules.filter((r) => r.applies(rules) && !r.check(rules, facts, ctx)).map((r) => r.code);
  return unmet.length === 0 ? { eligible: true } : { eligible: false, unmet };
}

/** Split entrants into the eligible ids (the draw's entrant list) and the rejected with their reasons. */
export function partitionEligible(
  rules: DrawRules,
  entrants: ReadonlyMap<string, EntrantFacts>,
  ctx: EligibilityContext,
): { eligible: string[]; rejected: { id: string; unmet: DrawRuleCode[] }[] } {
  const eligible: string[] = [];
  const rejected: { id: string; unmet: DrawRuleCode[] }[] = [];
  for (const [id, facts] of entrants) {
    const e = checkEligibility(rules, facts, ctx);
    if (e.eligible) eligible.push(id);
    else rejected.push({ id, unmet: e.unmet });
  }
  return { eligible, rejected };
}
