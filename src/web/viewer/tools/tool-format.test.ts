import { describe, expect, it } from 'vitest';
import * as tagModule from './tool-format';
import { drawOutcome, formatClock, leadingOptions, msLeft, pollPercents, ruleKeys, ruleSetLines, shortHash, toolErrorKey } from './tool-format';

describe('countdown text', () => {
  it('m:ss under an hour, h:mm:ss beyond, rounded up', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(1)).toBe('0:01');
    expect(formatClock(59_001)).toBe('1:00');
    expect(formatClock(125_000)).toBe('2:05');
    expect(formatClock(3_600_000)).toBe('1:00:00');
    expect(formatClock(3_661_000)).toBe('1:01:01');
    expect(formatClock(-5)).toBe('0:00');
  });
  it('time left against the server clock, never negative', () => {
    expect(msLeft(10_000, 4_000)).toBe(6_000);
    expect(msLeft(10_000, 12_000)).toBe(0);
    expect(msLeft(null, 1)).toBe(0);
  });
});

describe('poll percentages', () => {
  it('single choice adds up to 100 without giving a share to an empty option', () => {
    expect(pollPercents({ kind: 'single', tally: [1, 1, 1], voters: 3 })).toEqual([34, 33, 33]);
    expect(pollPercents({ kind: 'single', tally: [2, 0, 1], voters: 3 })).toEqual([67, 0, 33]);
    expect(pollPercents({ kind: 'single', tally: [0, 0], voters: 0 })).toEqual([0, 0]);
  });
  it('multiple choice is the share of voters', () => {
    expect(pollPercents({ kind: 'multiple', tally: [4, 2], voters: 4 })).toEqual([100, 50]);
  });
  it('leading options', () => {
    expect([...leadingOptions([1, 3, 3])]).toEqual([1, 2]);
    expect(leadingOptions([0, 0]).size).toBe(0);
  });
});

describe('draw rules in plain words', () => {
  it('orders known codes and words unknown ones generically', () => {
    expect(ruleKeys(['bought', 'phrase', 'mystery'])).toEqual(['interactViewer.rules.phrase', 'interactViewer.rules.bought', 'interactViewer.rules.other']);
  });
  it('rule set lines carry their values', () => {
    const lines = ruleSetLines({ phrase: 'summer', minWatchMinutes: 5, followsBrand: true, reservedSession: false, boughtInSession: false, accountOlderThanSession: false, inRoomAtDraw: true, repeatWinCap: { maxWins: 1, windowDays: 30 } });
    expect(lines.map((l) => l.key)).toEqual([
      'interactViewer.ruleSet.phrase',
      'interactViewer.ruleSet.watch',
      'interactViewer.rules.follows_brand',
      'interactViewer.rules.in_room',
      'interactViewer.ruleSet.repeatCap',
    ]);
    expect(lines[1]?.values).toEqual({ count: 5 });
  });
});

describe('draw outcome for this viewer', () => {
  const drawn = { status: 'drawn' as const, winners: [{ id: 'v1', name: 'Ann' }], winnersTotal: 1 };
  it('won, lost, unknown beyond the first 100, nothing before the draw or for guests', () => {
    expect(drawOutcome(drawn, 'v1')).toBe('won');
    expect(drawOutcome(drawn, 'v2')).toBe('lost');
    expect(drawOutcome({ ...drawn, winnersTotal: 500 }, 'v2')).toBe('unknown');
    expect(drawOutcome({ ...drawn, status: 'open' }, 'v1')).toBeNull();
    expect(drawOutcome(drawn, null)).toBeNull();
  });
});

describe('misc', () => {
  it('short hashes and error keys', () => {
    expect(shortHash('0123456789abcdef0123')).toBe('01234567…0123');
    expect(shortHash(null)).toBe('');
    expect(toolErrorKey('ALREADY_VOTED')).toBe('interactViewer.errors.ALREADY_VOTED');
    expect(toolErrorKey('WHATEVER')).toBeNull();
  });
});

describe('topic tag in a comment', () => {
  it('finds #tag and ＃tag, case-insensitive, not a longer tag', () => {
    const { carriesTag } = tagModule;
    expect(carriesTag('love it #Summer!', 'summer')).toBe(true);
    expect(carriesTag('＃summer yes', 'summer')).toBe(true);
    expect(carriesTag('#summersale', 'summer')).toBe(false);
    expect(carriesTag('#summersale and #summer', 'summer')).toBe(true);
    expect(carriesTag('summer', 'summer')).toBe(false);
    expect(carriesTag('#夏日好物 推荐', '夏日好物')).toBe(true);
  });
});
