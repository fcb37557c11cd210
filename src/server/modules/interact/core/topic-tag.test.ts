import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalTag, carriesTag } from './topic-tag.js';

describe('carriesTag', () => {
  it('finds the tag at the end, before a space or punctuation, anywhere in the text', () => {
    expect(carriesTag('love it #tag', 'tag')).toBe(true);
    expect(carriesTag('#tag is great', 'tag')).toBe(true);
    expect(carriesTag('so #tag!', 'tag')).toBe(true);
    expect(carriesTag('(#tag)', '#tag')).toBe(true);
    expect(carriesTag('no tag here', 'tag')).toBe(false);
    expect(carriesTag('tag without hash', 'tag')).toBe(false);
  });

  it('does not take a longer tag for ours: #tagged, #tag_2 and #tag2 do not carry #tag', () => {
    expect(carriesTag('#tagged', 'tag')).toBe(false);
    expect(carriesTag('#tag_2', 'tag')).toBe(false);
    expect(carriesTag('#tag2', 'tag')).toBe(false);
    expect(carriesTag('#tagged and then #tag', 'tag')).toBe(true);
    // A combining mark continues the word: #tagé is another tag.
    expect(carriesTag('#tage\u0301', 'tag')).toBe(false);
  });

  it('is case-insensitive and NFKC-folded: full-width ＃ and letters count', () => {
    expect(carriesTag('#TAG', 'tag')).toBe(true);
    expect(carriesTag('#Tag', 'TAG')).toBe(true);
    expect(carriesTag('＃tag', 'tag')).toBe(true);
    expect(carriesTag('＃ｔａｇ', 'tag')).toBe(true);
    expect(carriesTag('﹟tag', 'tag')).toBe(true);
  });

  it('Chinese tags: closed by space, punctuation, the end or a second #', () => {
    expect(carriesTag('#夏日穿搭', '夏日穿搭')).toBe(true);
    expect(carriesTag('今天的 #夏日穿搭 好看', '夏日穿搭')).toBe(true);
    expect(carriesTag('#夏日穿搭#分享一下', '夏日穿搭')).toBe(true);
    expect(carriesTag('＃夏日穿搭，真不错', '夏日穿搭')).toBe(true);
    expect(carriesTag('#夏日穿搭好看', '夏日穿搭')).toBe(false);
    expect(carriesTag('#夏日', '夏日穿搭')).toBe(false);
  });

  it('canonicalTag folds and drops one leading #', () => {
    expect(canonicalTag('#Ｓｕｍｍｅｒ')).toBe('summer');
    expect(canonicalTag('夏日穿搭')).toBe('夏日穿搭');
  });

  it('property: a tag followed by a non-word character is always found; followed by a letter never (when that is its only occurrence)', () => {
    const tagArb = fc.stringMatching(/^[a-z0-9_]{1,10}$/);
    const sepArb = fc.constantFrom(' ', '!', '，', '#', '.', '');
    fc.assert(
      fc.property(tagArb, fc.stringMatching(/^[ a-z]{0,10}$/), sepArb, (tag, before, sep) => {
        expect(carriesTag(`${before} #${tag}${sep}`, tag)).toBe(true);
        expect(carriesTag(`${before} #${tag}x`, tag)).toBe(false);
      }),
    );
  });
});
