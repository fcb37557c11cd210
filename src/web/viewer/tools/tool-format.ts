// Pure pieces of the room's tool widgets: countdown text, poll shares, rule wording keys, the
// viewer's place among a draw's winners, and a tool error's translation key.
import { formatDuration } from '../../format/clock-format';
import type { DrawView, PollView } from '../../room/room-protocol';

/** Milliseconds left until `endsAt` on the server's clock (never negative). */
export function msLeft(endsAt: number | null, serverNow: number): number {
  return endsAt === null ? 0 : Math.max(0, endsAt - serverNow);
}

/** "m:ss" under an hour, "h:mm:ss" beyond; rounded up so "0:00" means it is over. */
export function formatClock(ms: number): string {
  return formatDuration(ms, { round: 'up' });
}

/**
 * Whole percentages of each option. Multiple-choice polls are shares of the voters (they may add
 * up to more than 100); single-choice ones are shares of the votes, rounded so they add up to 100
 * (largest remainder), never inflating a count.
 */
export function pollPercents(poll: Pick<PollView, 'kind' | 'tally' | 'voters'>): number[] {
  if (poll.kind === 'multiple') return poll.tally.map((n) => (poll.voters > 0 ? Math.round((100 * n) / poll.voters) : 0));
  const total = poll.tally.reduce((a, b) => a + b, 0);
  if (total === 0) return poll.tally.map(() => 0);
  const exact = poll.tally.map((n) => (100 * n) / total);
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (poll.tally[i]! > 0) {
      floors[i]! += 1;
      left--;
    }
  }
  return floors;
}

/** The leading option(s) of a poll with votes, for highlighting the result. */
export function leadingOptions(tally: readonly number[]): Set<number> {
  const max = Math.max(0, ...tally);
  return new Set(max > 0 ? tally.flatMap((n, i) => (n === max ? [i] : [])) : []);
}

/** Rule codes of a draw, in the order a viewer reads them; the i18n key of each sentence. */
const RULE_ORDER = ['phrase', 'watch_time', 'fan_level', 'follows_brand', 'reserved', 'bought', 'account_age', 'in_room', 'repeat_win_cap'] as const;
export function ruleKeys(codes: readonly string[]): string[] {
  const known = RULE_ORDER.filter((c) => codes.includes(c)).map((c) => `interactViewer.rules.${c}`);
  const unknown = codes.filter((c) => !(RULE_ORDER as readonly string[]).includes(c));
  return [...known, ...unknown.map(() => 'interactViewer.rules.other')];
}

/** Rule sentences with their values (the verification page has the whole rule set). */
export interface RuleSetLike {
  phrase?: string | undefined;
  minWatchMinutes?: number | undefined;
  minFanLevel?: number | undefined;
  followsBrand: boolean;
  reservedSession: boolean;
  boughtInSession: boolean;
  accountOlderThanSession: boolean;
  inRoomAtDraw: boolean;
  repeatWinCap?: { maxWins: number; windowDays: number } | undefined;
}
export function ruleSetLines(r: RuleSetLike): { key: string; values: Record<string, string | number> }[] {
  const out: { key: string; values: Record<string, string | number> }[] = [];
  if (r.phrase !== undefined) out.push({ key: 'interactViewer.ruleSet.phrase', values: { phrase: r.phrase } });
  if (r.minWatchMinutes !== undefined) out.push({ key: 'interactViewer.ruleSet.watch', values: { count: r.minWatchMinutes } });
  if (r.minFanLevel !== undefined) out.push({ key: 'interactViewer.ruleSet.fanLevel', values: { level: r.minFanLevel } });
  if (r.followsBrand) out.push({ key: 'interactViewer.rules.follows_brand', values: {} });
  if (r.reservedSession) out.push({ key: 'interactViewer.rules.reserved', values: {} });
  if (r.boughtInSession) out.push({ key: 'interactViewer.rules.bought', values: {} });
  if (r.accountOlderThanSession) out.push({ key: 'interactViewer.rules.account_age', values: {} });
  if (r.inRoomAtDraw) out.push({ key: 'interactViewer.rules.in_room', values: {} });
  if (r.repeatWinCap) out.push({ key: 'interactViewer.ruleSet.repeatCap', values: { count: r.repeatWinCap.maxWins, days: r.repeatWinCap.windowDays } });
  return out;
}

export type DrawOutcome = 'won' | 'lost' | 'unknown';
/**
 * Whether this viewer won a drawn draw. The room lists the first 100 winners only: a viewer not
 * among them in a bigger draw may still have won ('unknown'; the prizes page knows).
 */
export function drawOutcome(draw: Pick<DrawView, 'status' | 'winners' | 'winnersTotal'>, viewerId: string | null): DrawOutcome | null {
  if (draw.status !== 'drawn' || viewerId === null) return null;
  if (draw.winners.some((w) => w.id === viewerId)) return 'won';
  return draw.winnersTotal > draw.winners.length ? 'unknown' : 'lost';
}

/** The first characters of a hash, for showing it compactly ("3f9a1c…e20b"). */
export function shortHash(hex: string | null, head = 8, tail = 4): string {
  if (!hex) return '';
  return hex.length <= head + tail + 1 ? hex : `${hex.slice(0, head)}…${hex.slice(-tail)}`;
}

/** Codes of tool requests the UI words itself (interactViewer.errors.<CODE>); others show the server's message. */
export const TOOL_ERROR_CODES = [
  'GUEST',
  'FORBIDDEN',
  'NOT_FOUND',
  'NOT_OPEN',
  'CLOSED',
  'ALREADY_VOTED',
  'INVALID_CHOICE',
  'POLL_CLOSED',
  'POLL_NOT_OPEN',
  'DRAW_NOT_OPEN',
  'DRAW_CLOSED',
  'PHRASE_REQUIRED',
  'ALREADY_ENTERED',
  'NOT_ELIGIBLE',
  'ALREADY_ANSWERED',
  'ALREADY_UPVOTED',
  'OWN_QUESTION',
  'RATE_LIMITED',
  'FILTERED',
  'BLOCKED_WORDS',
  'SESSION_ENDED',
  'CLAIM_CLOSED',
  'ALREADY_CLAIMED',
  'NOTHING_TO_CLAIM',
  'DRAW_NOT_DRAWN',
] as const;
const KNOWN: ReadonlySet<string> = new Set(TOOL_ERROR_CODES);
export function toolErrorKey(code: string): string | null {
  return KNOWN.has(code) ? `interactViewer.errors.${code}` : null;
}

/**
 * Whether a comment carries the topic's hashtag: '#' or full-width '＃' then the tag, not followed
 * by another letter or digit (#summer is not #summersale), width and case folded.
 */
export function carriesTag(text: string, tag: string): boolean {
  const fold = (s: string) => s.normalize('NFKC').toLowerCase();
  const body = fold(text);
  const want = `#${fold(tag).replace(/^#/, '')}`;
  for (let at = body.indexOf(want); at >= 0; at = body.indexOf(want, at + 1)) {
    const next = body.slice(at + want.length);
    if (!/^[\p{L}\p{N}_]/u.test(next)) return true;
  }
  return false;
}
