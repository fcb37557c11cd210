import type { ChatMode } from '../../../../contracts/realtime.contract.js';
import { takeToken, type BucketState } from './token-bucket.js';

export type { ChatMode } from '../../../../contracts/realtime.contract.js';

export interface RoomChatSettings {
  chatMode: ChatMode;
  slowModeSeconds: number;
  holdForReview: boolean;
  maxLength: number;
  ratePerSecond: number;
  burst: number;
  duplicateWindowMs: number;
}

export interface SenderState {
  kind: 'viewer' | 'team' | 'guest';
  isFollower: boolean;
  mutedUntil: number | null;
  bannedUntil: number | null;
  bucket?: BucketState;
  lastSentAt: number | null;
  /** This sender's recent comments, newest last. */
  recent: { text: string; at: number }[];
}

export type FilterVerdict = { action: 'allow' } | { action: 'block'; reason: string } | { action: 'hold'; reason: string };

export type ChatRejectCode =
  | 'GUESTS_CANNOT_CHAT'
  | 'BANNED'
  | 'MUTED'
  | 'REGISTERED_ONLY'
  | 'FOLLOWERS_ONLY'
  | 'EMPTY'
  | 'TOO_LONG'
  | 'SLOW_MODE'
  | 'RATE_LIMITED'
  | 'DUPLICATE'
  | 'BLOCKED_WORDS';

export type ChatDecision =
  | { kind: 'accept'; text: string; held: boolean; bucket: BucketState }
  | { kind: 'reject'; code: ChatRejectCode; message: string; retryAfterMs?: number };

// C0/C1 controls and line/paragraph separators become one space; bidi overrides and isolates are
// dropped (they let a comment spoof the text around it). ZWJ, variation selectors and tag
// characters stay: emoji sequences need them.
const CONTROLS = /[\p{Cc}\u2028\u2029]+/gu;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/gu;
const SPACES = /\s{2,}/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** The text as stored and shown: controls collapsed, bidi tricks removed, trimmed. */
export function normaliseChatText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(BIDI, '').replace(CONTROLS, ' ').replace(SPACES, ' ').trim();
}

/** Length as people count it: code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** What makes two comments from one sender the same for the duplicate check. */
export function duplicateKey(text: string): string {
  return normaliseChatText(text).normalize('NFKC').toLowerCase();
}

/** Whether the room's chat mode lets this sender speak (team members always may). */
export function chatModeAllows(mode: ChatMode, sender: Pick<SenderState, 'kind' | 'isFollower'>): 'ok' | 'REGISTERED_ONLY' | 'FOLLOWERS_ONLY' {
  if (sender.kind === 'team' || mode === 'everyone') return 'ok';
  if (sender.kind === 'guest') return mode === 'registered' ? 'REGISTERED_ONLY' : 'FOLLOWERS_ONLY';
  return mode === 'followers' && !sender.isFollower ? 'FOLLOWERS_ONLY' : 'ok';
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "4 more minutes", "2 more hours", "3 more days"; rounded up so it never undersells. */
export function describeRemaining(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 120) return plural(minutes, 'more minute');
  const hours = Math.ceil(minutes / 60);
  if (hours < 48) return plural(hours, 'more hour');
  return plural(Math.ceil(hours / 24), 'more day');
}

function reject(code: ChatRejectCode, message: string, retryAfterMs?: number): ChatDecision {
  return retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? { kind: 'reject', code, message, retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)) } : { kind: 'reject', code, message };
}

function active(until: number | null, now: number): boolean {
  return until !== null && !Number.isNaN(until) && now < until;
}

/**
 * The moderation decision for one incoming comment. Checks, in order: guest, banned, muted,
 * chat mode, empty, length, slow mode, duplicate, rate limit, filter. Team members skip chat
 * mode, slow mode, duplicate, rate limit and the room's holdForReview (not bans, mutes,
 * empty/length or the word filter). The returned bucket is the sender's new rate-limit state,
 * to be stored only when the comment is accepted (for team members it is left as it was).
 */
export function decideChat(input: { text: string; now: number; sender: SenderState; settings: RoomChatSettings; filter: FilterVerdict }): ChatDecision {
  const { now, sender, settings, filter } = input;
  const isTeam = sender.kind === 'team';

  if (sender.kind === 'guest') return reject('GUESTS_CANNOT_CHAT', 'Sign in to chat.');

  if (active(sender.bannedUntil, now)) {
    const until = sender.bannedUntil as number;
    return until === Number.POSITIVE_INFINITY
      ? reject('BANNED', 'You are banned from this chat.')
      : reject('BANNED', `You are banned from this chat for ${describeRemaining(until - now)}.`, until - now);
  }

  if (active(sender.mutedUntil, now)) {
    const until = sender.mutedUntil as number;
    return until === Number.POSITIVE_INFINITY
      ? reject('MUTED', 'You are muted in this chat.')
      : reject('MUTED', `You are muted for ${describeRemaining(until - now)}.`, until - now);
  }

  const mode = chatModeAllows(settings.chatMode, sender);
  if (mode === 'REGISTERED_ONLY') return reject(mode, 'Only signed-in viewers can chat right now.');
  if (mode === 'FOLLOWERS_ONLY') return reject(mode, 'Only followers can chat right now. Follow to join in.');

  const text = normaliseChatText(input.text);
  if (text === '') return reject('EMPTY', 'Your comment is empty.');
  if (codePointLength(text) > settings.maxLength) return reject('TOO_LONG', `Comments can be at most ${plural(Math.max(0, settings.maxLength), 'character')} long.`);

  if (!isTeam && settings.slowModeSeconds > 0 && sender.lastSentAt !== null) {
    const wait = sender.lastSentAt + settings.slowModeSeconds * 1000 - now;
    if (wait > 0) return reject('SLOW_MODE', `Slow mode is on: wait ${plural(Math.ceil(wait / 1000), 'more second')}.`, wait);
  }

  if (!isTeam && settings.duplicateWindowMs > 0) {
    const key = duplicateKey(text);
    let wait = 0;
    for (const r of sender.recent) {
      const left = r.at + settings.duplicateWindowMs - now;
      if (left > 0 && duplicateKey(r.text) === key) wait = Math.max(wait, left);
    }
    if (wait > 0) return reject('DUPLICATE', 'You just said that. Try something new.', wait);
  }

  let bucket: BucketState;
  if (isTeam) {
    bucket = sender.bucket ?? { tokens: Number.isNaN(settings.burst) ? 1 : Math.max(1, settings.burst), updatedAt: now };
  } else {
    const taken = takeToken(sender.bucket, now, settings.ratePerSecond, settings.burst);
    if (!taken.ok) return reject('RATE_LIMITED', 'You are sending comments too fast. Try again in a moment.', taken.retryAfterMs);
    bucket = taken.state;
  }

  if (filter.action === 'block') return reject('BLOCKED_WORDS', 'Your comment contains words that are not allowed here.');
  const held = filter.action === 'hold' || (!isTeam && settings.holdForReview);
  return { kind: 'accept', text, held, bucket };
}
