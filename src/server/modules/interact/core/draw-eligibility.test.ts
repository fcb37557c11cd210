import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawRuleCodes, drawRulesSchema, type DrawRulesInput } from '../../../../contracts/draw.contract.js';
import { checkEligibility, commentMatchesPhrase, partitionEligible, winsInWindow, type EntrantFacts } from './draw-eligibility.js';

const DAY = 86_400_000;
const sessionStartedAt = Date.parse('2025-06-01T12:00:00Z');
const now = sessionStartedAt + 90 * 60_000;
const ctx = { sessionStartedAt, now };

/** An entrant who meets every rule below. */
const good: EntrantFacts = {
  commentsInWindow: ['hello', '我要 福袋！'],
  watchedMinutes: 30,
  fanLevel: 5,
  followsBrand: true,
  reservedSession: true,
  boughtInSession: true,
  accountCreatedAt: sessionStartedAt - 365 * DAY,
  inRoom: true,
  pastWinsAt: [now - 40 * DAY],
};

const all: DrawRulesInput = {
  phrase: '福袋!',
  minWatchMinutes: 10,
  minFanLevel: 3,
  followsBrand: true,
  reservedSession: true,
  boughtInSession: true,
  accountOlderThanSession: true,
  inRoomAtDraw: true,
  repeatWinCap: { maxWins: 1 },
};
const rules = (r: DrawRulesInput) => drawRulesSchema.parse(r);

/** One way to break each rule. */
const breaks: Record<(typeof drawRuleCodes)[number], Partial<EntrantFacts>> = {
  phrase: { commentsInWindow: ['福 袋 ?'] },
  watch_time: { watchedMinutes: 9 },
  fan_level: { fanLevel: 2 },
  follows_brand: { followsBrand: false },
  reserved: { reservedSession: false },
  bought: { boughtInSession: false },
  account_age: { accountCreatedAt: sessionStartedAt + 1 },
  repeat_win_cap: { pastWinsAt: [now - 29 * DAY] },
  in_room: { inRoom: false },
};

describe('checkEligibility', () => {
  it('no rules: everyone is eligible', () => {
    expect(checkEligibility(rules({}), { ...good, ...Object.assign({}, ...Object.values(breaks)) }, ctx)).toEqual({ eligible: true });
  });

  it('all rules met: eligible', () => {
    expect(checkEligibility(rules(all), good, ctx)).toEqual({ eligible: true });
  });

  it('any combination of broken rules is reported exactly, in registry order', () => {
    fc.assert(
      fc.property(fc.subarray([...drawRuleCodes]), (broken) => {
        const facts = { ...good, ...Object.assign({}, ...broken.map((c) => breaks[c])) } as EntrantFacts;
        const r = checkEligibility(rules(all), facts, ctx);
        expect(r).toEqual(broken.length === 0 ? { eligible: true } : { eligible: false, unmet: drawRuleCodes.filter((c) => broken.includes(c)) });
      }),
    );
  });

  it('a broken rule that is not configured does not count', () => {
    fc.assert(
      fc.property(fc.subarray([...drawRuleCodes]), fc.subarray([...drawRuleCodes]), (configured, broken) => {
        const codeToRule: Record<string, DrawRulesInput> = {
          phrase: { phrase: all.phrase! },
          watch_time: { minWatchMinutes: 10 },
          fan_level: { minFanLevel: 3 },
          follows_brand: { followsBrand: true },
          reserved: { reservedSession: true },
          bought: { boughtInSession: true },
          account_age: { accountOlderThanSession: true },
          repeat_win_cap: { repeatWinCap: { maxWins: 1 } },
          in_room: { inRoomAtDraw: true },
        };
        const r = rules(Object.assign({}, ...configured.map((c) => codeToRule[c])));
        const facts = { ...good, ...Object.assign({}, ...broken.map((c) => breaks[c])) } as EntrantFacts;
        const expected = drawRuleCodes.filter((c) => configured.includes(c) && broken.includes(c));
        expect(checkEligibility(r, facts, ctx)).toEqual(expected.length ? { eligible: false, unmet: expected } : { eligible: true });
      }),
    );
  });

  it('thresholds are inclusive; the account must predate the session start', () => {
    const r = rules({ minWatchMinutes: 10, minFanLevel: 3, accountOlderThanSession: true });
    expect(checkEligibility(r, { ...good, watchedMinutes: 10, fanLevel: 3, accountCreatedAt: sessionStartedAt - 1 }, ctx)).toEqual({ eligible: true });
    expect(checkEligibility(r, { ...good, accountCreatedAt: sessionStartedAt }, ctx)).toEqual({ eligible: false, unmet: ['account_age'] });
  });
});

describe('phrase (口令)', () => {
  it('ignores case, full width and spaces; matches anywhere in the comment', () => {
    expect(commentMatchesPhrase('ＯＮＡＩＲ 福袋', 'onair福袋')).toBe(true);
    expect(commentMatchesPhrase('冲啊 Lucky Bag！！', 'lucky bag!')).toBe(true);
    expect(commentMatchesPhrase('lucky', 'lucky bag')).toBe(false);
    expect(commentMatchesPhrase('anything', '   ')).toBe(false);
  });
});

describe('repeat-win cap', () => {
  it('counts wins in the last windowDays days by the injected clock', () => {
    expect(winsInWindow([now - 30 * DAY, now - 30 * DAY + 1, now - DAY, now, now + 1], now, 30)).toBe(3);
    const r = rules({ repeatWinCap: { maxWins: 2 } });
    expect(r.repeatWinCap).toEqual({ maxWins: 2, windowDays: 30 });
    expect(checkEligibility(r, { ...good, pastWinsAt: [now - DAY] }, ctx)).toEqual({ eligible: true });
    expect(checkEligibility(r, { ...good, pastWinsAt: [now - DAY, now - 2 * DAY] }, ctx)).toEqual({ eligible: false, unmet: ['repeat_win_cap'] });
    // The same wins, 30 days later: the cap no longer applies.
    expect(checkEligibility(r, { ...good, pastWinsAt: [now - DAY, now - 2 * DAY] }, { ...ctx, now: now + 30 * DAY })).toEqual({ eligible: true });
  });
});

describe('partitionEligible', () => {
  it('splits entrants and keeps the reasons', () => {
    const entrants = new Map<string, EntrantFacts>([
      ['a', good],
      ['b', { ...good, inRoom: false }],
      ['c', { ...good, fanLevel: 0, followsBrand: false }],
    ]);
    expect(partitionEligible(rules(all), entrants, ctx)).toEqual({
      eligible: ['a'],
      rejected: [
        { id: 'b', unmet: ['in_room'] },
        { id: 'c', unmet: ['fan_level', 'follows_brand'] },
      ],
    });
  });
});

describe('drawRulesSchema', () => {
  it('names the field of each error', () => {
    const r = drawRulesSchema.safeParse({ phrase: '  ', minWatchMinutes: 2.5, minFanLevel: 0, followsBrand: 'yes', repeatWinCap: { maxWins: 1, windowDays: 400 }, extra: 1 });
    expect(r.success).toBe(false);
    const byPath = Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.') || '(root)', i.message]));
    expect(byPath).toMatchObject({
      phrase: 'expected a phrase of at least 1 character',
      minWatchMinutes: 'expected a whole number of minutes',
      minFanLevel: 'expected a fan level of at least 1',
      followsBrand: 'expected true or false (follows the brand)',
      'repeatWinCap.windowDays': 'expected at most 365 days',
    });
    expect(r.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});
