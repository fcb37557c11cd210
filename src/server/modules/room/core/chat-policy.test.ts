import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chatModeAllows,
  codePointLength,
  decideChat,
  describeRemaining,
  normaliseChatText,
  type ChatDecision,
  type ChatMode,
  type FilterVerdict,
  type RoomChatSettings,
  type SenderState,
} from './chat-policy.js';

const NOW = 1_800_000_000_000;
const settings: RoomChatSettings = { chatMode: 'everyone', slowModeSeconds: 0, holdForReview: false, maxLength: 200, ratePerSecond: 1, burst: 3, duplicateWindowMs: 30_000 };
const viewer: SenderState = { kind: 'viewer', isFollower: false, mutedUntil: null, bannedUntil: null, lastSentAt: null, recent: [] };
const allow: FilterVerdict = { action: 'allow' };

function decide(text: string, sender: Partial<SenderState> = {}, s: Partial<RoomChatSettings> = {}, filter: FilterVerdict = allow, now = NOW): ChatDecision {
  return decideChat({ text, now, sender: { ...viewer, ...sender }, settings: { ...settings, ...s }, filter });
}
function codeOf(d: ChatDecision): string {
  return d.kind === 'accept' ? 'ACCEPT' : d.code;
}

describe('normaliseChatText', () => {
  it('trims, collapses control characters and keeps emoji', () => {
    expect(normaliseChatText('  hi  ')).toBe('hi');
    expect(normaliseChatText('a\u0000\u0007b')).toBe('a b');
    expect(normaliseChatText('line1\r\n\r\nline2')).toBe('line1 line2');
    expect(normaliseChatText('a \t\n b')).toBe('a b');
    expect(normaliseChatText('👨‍👩‍👧 ❤️ 🏴󠁧󠁢󠁥󠁮󠁧󠁿')).toBe('👨‍👩‍👧 ❤️ 🏴󠁧󠁢󠁥󠁮󠁧󠁿');
    expect(normaliseChatText('abc\u202Edef')).toBe('abcdef');
    expect(normaliseChatText('\u0085\u2028 ')).toBe('');
    expect(normaliseChatText('x\uD800y')).toBe('x\uFFFDy');
  });

  it('counts code points', () => {
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('好看')).toBe(2);
  });
});

describe('describeRemaining', () => {
  it('rounds up into minutes, hours or days', () => {
    expect(describeRemaining(1)).toBe('1 more minute');
    expect(describeRemaining(3.5 * 60_000)).toBe('4 more minutes');
    expect(describeRemaining(90 * 60_000)).toBe('90 more minutes');
    expect(describeRemaining(5 * 3_600_000)).toBe('5 more hours');
    expect(describeRemaining(7 * 86_400_000)).toBe('7 more days');
  });
});

describe('chatModeAllows', () => {
  it('follows the mode table', () => {
    const cases: [ChatMode, SenderState['kind'], boolean, string][] = [
      ['everyone', 'guest', false, 'ok'],
      ['registered', 'guest', false, 'REGISTERED_ONLY'],
      ['followers', 'guest', false, 'FOLLOWERS_ONLY'],
      ['registered', 'viewer', false, 'ok'],
      ['followers', 'viewer', false, 'FOLLOWERS_ONLY'],
      ['followers', 'viewer', true, 'ok'],
      ['followers', 'team', false, 'ok'],
    ];
    for (const [mode, kind, isFollower, want] of cases) expect(chatModeAllows(mode, { kind, isFollower })).toBe(want);
  });
});

describe('decideChat', () => {
  it('accepts an ordinary comment with its normalised text and a new bucket', () => {
    const d = decide('  hello\u0000world  ');
    expect(d).toEqual({ kind: 'accept', text: 'hello world', held: false, bucket: { tokens: 2, updatedAt: NOW } });
  });

  it('rejects guests', () => {
    expect(decide('hi', { kind: 'guest' })).toEqual({ kind: 'reject', code: 'GUESTS_CANNOT_CHAT', message: 'Sign in to chat.' });
  });

  it('rejects banned senders until the ban ends', () => {
    const d = decide('hi', { bannedUntil: NOW + 2 * 3_600_000 });
    expect(d).toEqual({ kind: 'reject', code: 'BANNED', message: 'You are banned from this chat for 2 more hours.', retryAfterMs: 7_200_000 });
    expect(decide('hi', { bannedUntil: Number.POSITIVE_INFINITY })).toEqual({ kind: 'reject', code: 'BANNED', message: 'You are banned from this chat.' });
    expect(codeOf(decide('hi', { bannedUntil: NOW }))).toBe('ACCEPT');
    expect(codeOf(decide('hi', { kind: 'team', bannedUntil: NOW + 1 }))).toBe('BANNED');
  });

  it('rejects muted senders with the minutes left', () => {
    const d = decide('hi', { mutedUntil: NOW + 3 * 60_000 + 10_000 });
    expect(d).toEqual({ kind: 'reject', code: 'MUTED', message: 'You are muted for 4 more minutes.', retryAfterMs: 190_000 });
    expect(decide('hi', { mutedUntil: NOW + 1000 })).toMatchObject({ message: 'You are muted for 1 more minute.' });
    expect(codeOf(decide('hi', { mutedUntil: NOW - 1 }))).toBe('ACCEPT');
    expect(codeOf(decide('hi', { kind: 'team', mutedUntil: NOW + 1 }))).toBe('MUTED');
  });

  it('checks ban before mute', () => {
    expect(codeOf(decide('hi', { mutedUntil: NOW + 10, bannedUntil: NOW + 10 }))).toBe('BANNED');
  });

  it('applies followers-only mode to viewers but not team', () => {
    const d = decide('hi', {}, { chatMode: 'followers' });
    expect(d).toMatchObject({ kind: 'reject', code: 'FOLLOWERS_ONLY' });
    expect(codeOf(decide('hi', { isFollower: true }, { chatMode: 'followers' }))).toBe('ACCEPT');
    expect(codeOf(decide('hi', { kind: 'team' }, { chatMode: 'followers' }))).toBe('ACCEPT');
    expect(codeOf(decide('hi', {}, { chatMode: 'registered' }))).toBe('ACCEPT');
  });

  it('rejects empty comments, including team ones', () => {
    expect(decide('   \n\t ')).toMatchObject({ kind: 'reject', code: 'EMPTY', message: 'Your comment is empty.' });
    expect(codeOf(decide('\u0000', { kind: 'team' }))).toBe('EMPTY');
  });

  it('counts length in code points after normalising', () => {
    expect(codeOf(decide('😀'.repeat(5), {}, { maxLength: 5 }))).toBe('ACCEPT');
    expect(decide('😀'.repeat(6), {}, { maxLength: 5 })).toMatchObject({ code: 'TOO_LONG', message: 'Comments can be at most 5 characters long.' });
    expect(codeOf(decide(`   ${'a'.repeat(5)}   `, {}, { maxLength: 5 }))).toBe('ACCEPT');
    expect(codeOf(decide('a'.repeat(6), { kind: 'team' }, { maxLength: 5 }))).toBe('TOO_LONG');
  });

  it('enforces slow mode for viewers with a retry time', () => {
    const d = decide('hi', { lastSentAt: NOW - 3_000 }, { slowModeSeconds: 10 });
    expect(d).toEqual({ kind: 'reject', code: 'SLOW_MODE', message: 'Slow mode is on: wait 7 more seconds.', retryAfterMs: 7_000 });
    expect(decide('hi', { lastSentAt: NOW - 9_500 }, { slowModeSeconds: 10 })).toMatchObject({ message: 'Slow mode is on: wait 1 more second.' });
    expect(codeOf(decide('hi', { lastSentAt: NOW - 10_000 }, { slowModeSeconds: 10 }))).toBe('ACCEPT');
    expect(codeOf(decide('hi', { kind: 'team', lastSentAt: NOW }, { slowModeSeconds: 10 }))).toBe('ACCEPT');
  });

  it('rejects a duplicate from the same sender inside the window, case-folded', () => {
    const recent = [{ text: 'Buy NOW', at: NOW - 5_000 }];
    expect(decide('buy now', { recent })).toEqual({ kind: 'reject', code: 'DUPLICATE', message: 'You just said that. Try something new.', retryAfterMs: 25_000 });
    expect(codeOf(decide(' BUY  now ', { recent }))).toBe('DUPLICATE');
    expect(codeOf(decide('ＢＵＹ now', { recent }))).toBe('DUPLICATE');
    expect(codeOf(decide('buy later', { recent }))).toBe('ACCEPT');
    expect(codeOf(decide('buy now', { recent: [{ text: 'buy now', at: NOW - 30_000 }] }))).toBe('ACCEPT');
    expect(codeOf(decide('buy now', { recent }, { duplicateWindowMs: 0 }))).toBe('ACCEPT');
    expect(codeOf(decide('buy now', { kind: 'team', recent }))).toBe('ACCEPT');
  });

  it('rate-limits viewers through their bucket, but not team', () => {
    const empty = { tokens: 0, updatedAt: NOW - 200 };
    expect(decide('hi', { bucket: empty })).toEqual({ kind: 'reject', code: 'RATE_LIMITED', message: 'You are sending comments too fast. Try again in a moment.', retryAfterMs: 800 });
    const teamDecision = decide('hi', { kind: 'team', bucket: empty });
    expect(teamDecision).toEqual({ kind: 'accept', text: 'hi', held: false, bucket: empty });
    expect(codeOf(decide('hi', { bucket: empty }, { ratePerSecond: 0 }))).toBe('RATE_LIMITED');
    expect(decide('hi', { bucket: empty }, { ratePerSecond: 0 })).not.toHaveProperty('retryAfterMs');
  });

  it('blocks on the filter verdict, for team too', () => {
    const block: FilterVerdict = { action: 'block', reason: 'keyword: wechat' };
    expect(decide('add my wechat', {}, {}, block)).toEqual({ kind: 'reject', code: 'BLOCKED_WORDS', message: 'Your comment contains words that are not allowed here.' });
    expect(codeOf(decide('add my wechat', { kind: 'team' }, {}, block))).toBe('BLOCKED_WORDS');
  });

  it('holds on the filter verdict or the room setting; team skips only the setting', () => {
    const hold: FilterVerdict = { action: 'hold', reason: 'keyword: link' };
    expect(decide('hi', {}, {}, hold)).toMatchObject({ kind: 'accept', held: true });
    expect(decide('hi', {}, { holdForReview: true })).toMatchObject({ kind: 'accept', held: true });
    expect(decide('hi', { kind: 'team' }, { holdForReview: true })).toMatchObject({ kind: 'accept', held: false });
    expect(decide('hi', { kind: 'team' }, {}, hold)).toMatchObject({ kind: 'accept', held: true });
  });

  it('checks in the documented order', () => {
    // Every check fails at once; peel them off one by one.
    const all: Partial<SenderState> = { bannedUntil: NOW + 1, mutedUntil: NOW + 1, isFollower: false, lastSentAt: NOW, recent: [{ text: 'x', at: NOW }], bucket: { tokens: 0, updatedAt: NOW } };
    const s: Partial<RoomChatSettings> = { chatMode: 'followers', slowModeSeconds: 5, maxLength: 1 };
    const block: FilterVerdict = { action: 'block', reason: 'r' };
    expect(codeOf(decide('', { ...all, kind: 'guest' }, s, block))).toBe('GUESTS_CANNOT_CHAT');
    expect(codeOf(decide('', all, s, block))).toBe('BANNED');
    expect(codeOf(decide('', { ...all, bannedUntil: null }, s, block))).toBe('MUTED');
    const unmuted = { ...all, bannedUntil: null, mutedUntil: null };
    expect(codeOf(decide('', unmuted, s, block))).toBe('FOLLOWERS_ONLY');
    const follower = { ...unmuted, isFollower: true };
    expect(codeOf(decide('', follower, s, block))).toBe('EMPTY');
    expect(codeOf(decide('xx', follower, s, block))).toBe('TOO_LONG');
    expect(codeOf(decide('x', follower, s, block))).toBe('SLOW_MODE');
    const notSlow = { ...follower, lastSentAt: null };
    expect(codeOf(decide('x', notSlow, s, block))).toBe('DUPLICATE');
    expect(codeOf(decide('y', notSlow, s, block))).toBe('RATE_LIMITED');
    expect(codeOf(decide('y', { ...notSlow, bucket: undefined }, s, block))).toBe('BLOCKED_WORDS');
    expect(codeOf(decide('y', { ...notSlow, bucket: undefined }, s, allow))).toBe('ACCEPT');
  });

  // --- properties -----------------------------------------------------------------------
  const textArb = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.constantFrom('hi', 'HI', ' hi ', '666', '好看', '\u0000', '   ', '😀😀😀'),
  );
  const untilArb = fc.option(fc.integer({ min: NOW - 100_000, max: NOW + 100_000 }), { nil: null });
  const senderArb = fc.record({
    kind: fc.constantFrom<SenderState['kind']>('viewer', 'team', 'guest'),
    isFollower: fc.boolean(),
    mutedUntil: untilArb,
    bannedUntil: untilArb,
    bucket: fc.option(fc.record({ tokens: fc.double({ min: 0, max: 5, noNaN: true }), updatedAt: fc.integer({ min: NOW - 10_000, max: NOW }) }), { nil: undefined }),
    lastSentAt: fc.option(fc.integer({ min: NOW - 20_000, max: NOW }), { nil: null }),
    recent: fc.array(fc.record({ text: textArb, at: fc.integer({ min: NOW - 60_000, max: NOW }) }), { maxLength: 5 }),
  });
  const settingsArb = fc.record({
    chatMode: fc.constantFrom<ChatMode>('everyone', 'registered', 'followers'),
    slowModeSeconds: fc.integer({ min: 0, max: 30 }),
    holdForReview: fc.boolean(),
    maxLength: fc.integer({ min: 1, max: 40 }),
    ratePerSecond: fc.double({ min: 0, max: 5, noNaN: true }),
    burst: fc.integer({ min: 1, max: 5 }),
    duplicateWindowMs: fc.integer({ min: 0, max: 60_000 }),
  });
  const filterArb = fc.constantFrom<FilterVerdict>(allow, { action: 'block', reason: 'r' }, { action: 'hold', reason: 'r' });

  it('never rejects a team member for slow mode, rate, duplicate or chat mode, nor holds them by setting', () => {
    fc.assert(
      fc.property(textArb, senderArb, settingsArb, filterArb, (text, sender, s, filter) => {
        const d = decideChat({ text, now: NOW, sender: { ...sender, kind: 'team' }, settings: s, filter });
        if (d.kind === 'accept') return d.held === (filter.action === 'hold');
        return !['SLOW_MODE', 'RATE_LIMITED', 'DUPLICATE', 'REGISTERED_ONLY', 'FOLLOWERS_ONLY'].includes(d.code);
      }),
    );
  });

  it('always rejects a guest', () => {
    fc.assert(
      fc.property(textArb, senderArb, settingsArb, filterArb, (text, sender, s, filter) => {
        const d = decideChat({ text, now: NOW, sender: { ...sender, kind: 'guest' }, settings: s, filter });
        return d.kind === 'reject' && d.code === 'GUESTS_CANNOT_CHAT';
      }),
    );
  });

  it('accepts only clean, non-empty, short-enough text from someone not banned or muted', () => {
    fc.assert(
      fc.property(textArb, senderArb, settingsArb, filterArb, (text, sender, s, filter) => {
        const d = decideChat({ text, now: NOW, sender, settings: s, filter });
        if (d.kind === 'reject') return d.message.length > 0 && (d.retryAfterMs === undefined || (Number.isFinite(d.retryAfterMs) && d.retryAfterMs >= 0));
        return (
          d.text.length > 0 &&
          d.text === d.text.trim() &&
          !/[\p{Cc}\u202A-\u202E\u2066-\u2069]/u.test(d.text) &&
          codePointLength(d.text) <= s.maxLength &&
          !(sender.bannedUntil !== null && NOW < sender.bannedUntil) &&
          !(sender.mutedUntil !== null && NOW < sender.mutedUntil) &&
          filter.action !== 'block' &&
          (sender.kind === 'team' || d.held === (filter.action === 'hold' || s.holdForReview))
        );
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(textArb, senderArb, settingsArb, filterArb, (text, sender, s, filter) => {
        const a = decideChat({ text, now: NOW, sender, settings: s, filter });
        const b = decideChat({ text, now: NOW, sender, settings: s, filter });
        return JSON.stringify(a) === JSON.stringify(b);
      }),
    );
  });

  it('normalising is idempotent', () => {
    fc.assert(fc.property(textArb, (t) => normaliseChatText(normaliseChatText(t)) === normaliseChatText(t)));
  });
});
