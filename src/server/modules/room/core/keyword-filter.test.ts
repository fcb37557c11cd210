import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactKeyword, KeywordChatFilter } from './keyword-filter.js';

const filter = new KeywordChatFilter({
  block: ['微信', 'WeChat', 'qq', 'ass', '加我', '🍆'],
  hold: ['优惠码', 'discount code', 'http'],
});
const action = (text: string): string => filter.check(text).action;

describe('KeywordChatFilter', () => {
  it('blocks plain keywords, Chinese and Latin, case-insensitively', () => {
    expect(filter.check('加微信聊')).toEqual({ action: 'block', reason: 'keyword: 微信' });
    expect(filter.check('my WECHAT is abc')).toEqual({ action: 'block', reason: 'keyword: WeChat' });
    expect(action('WeChat')).toBe('block');
  });

  it('sees through separators, zero-width characters and width/compat forms', () => {
    for (const evasion of [
      '微 信',
      '微.信',
      '微-信',
      '微，信',
      '微\u200B信',
      '微\u200D信',
      '微❤信',
      'w.e.c.h.a.t',
      'w e c h a t',
      'W_E_C_H_A_T me',
      'we\u200Bchat',
      'w\u00ADechat', // soft hyphen
      'ｗｅｃｈａｔ', // fullwidth
      'ⓦⓔⓒⓗⓐⓣ', // circled
      'w̵e̵c̵h̵a̵t̵', // strike-through overlay marks
      '加 我 v',
      'add me on qq12345',
      'QQ: 12345',
    ]) {
      expect(action(evasion), evasion).toBe('block');
    }
  });

  it('does not fire on ordinary text', () => {
    for (const ok of [
      'this class is great',
      'pass the assessment',
      'the price is good',
      '这件衣服很好看',
      '主播好漂亮',
      'cheque for a chat', // letters of "wechat" but not in a row
      'qquick question', // 'qq' inside a word
      'classy assets',
      'I want to buy two',
      '微笑',
      '信用卡',
    ]) {
      expect(action(ok), ok).toBe('allow');
    }
  });

  it('holds on hold keywords, and block wins over hold', () => {
    expect(filter.check('有优惠码吗')).toEqual({ action: 'hold', reason: 'keyword: 优惠码' });
    expect(action('any Discount-Code?')).toBe('hold');
    expect(action('see h t t p : / / x')).toBe('hold');
    expect(action('优惠码 微信')).toBe('block');
  });

  it('matches symbol-only keywords as plain substrings', () => {
    expect(action('nice 🍆')).toBe('block');
    expect(action('nice 🍑')).toBe('allow');
  });

  it('ignores empty keywords and allows everything with no keywords', () => {
    const empty = new KeywordChatFilter({ block: ['', '  ', '...'], hold: [] });
    expect(empty.check('anything at all').action).toBe('allow');
    expect(new KeywordChatFilter({ block: [], hold: [] }).check('微信').action).toBe('allow');
    expect(empty.check('...').action).toBe('block'); // '...' is a symbol-only keyword
  });

  it('stays fast with a few hundred keywords', () => {
    const many = new KeywordChatFilter({
      block: Array.from({ length: 300 }, (_, i) => `badword${i}`).concat(Array.from({ length: 200 }, (_, i) => `禁词${i}`)),
      hold: Array.from({ length: 100 }, (_, i) => `holdme${i}`),
    });
    const text = 'a perfectly ordinary comment about the product, 这件衣服很好看 '.repeat(3);
    const start = performance.now();
    for (let i = 0; i < 1000; i++) many.check(text);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(many.check('b-a-d-w-o-r-d-2-9-9').action).toBe('block');
    expect(many.check('禁 词 1 5').action).toBe('block');
  });

  // --- properties -----------------------------------------------------------------------
  const latin = fc.stringMatching(/^[a-z]{3,8}$/);
  const han = fc.array(fc.integer({ min: 0x4e00, max: 0x9fa5 }), { minLength: 2, maxLength: 4 }).map((cps) => String.fromCodePoint(...cps));
  const filler = fc.constantFrom(' ', '.', '-', '_', '\u200B', '\u200C', '\uFEFF', '*', '，', '·', '  ', '/');

  it('finds any keyword with fillers between its characters', () => {
    fc.assert(
      fc.property(fc.oneof(latin, han), fc.array(filler, { minLength: 8, maxLength: 8 }), fc.boolean(), (kw, fillers, upper) => {
        const f = new KeywordChatFilter({ block: [kw], hold: [] });
        const spread = [...kw].map((ch, i) => (i === 0 ? '' : (fillers[i % fillers.length] ?? '')) + ch).join('');
        return f.check(`hello ${upper ? spread.toUpperCase() : spread} there`).action === 'block';
      }),
    );
  });

  it('never matches a Latin keyword inside a longer word (no Scunthorpe problem)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-y]{2,8}$/), fc.stringMatching(/^[a-y]{0,6}$/), fc.stringMatching(/^[a-y]{0,6}$/), fc.boolean(), (kw, pre, post, upper) => {
        const f = new KeywordChatFilter({ block: [kw], hold: [] });
        // 'z' appears in no keyword, so no occurrence of kw can touch a word edge.
        const word = `z${pre}${kw}${post}z`;
        return f.check(`好看！ ${upper ? word.toUpperCase() : word}, 123`).action === 'allow';
      }),
    );
  });

  it('finds a Latin keyword standing as its own word next to any text', () => {
    fc.assert(
      fc.property(latin, fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (kw, before, after) => {
        const f = new KeywordChatFilter({ block: [kw], hold: [] });
        return f.check(`${before} ${kw} ${after}`).action === 'block';
      }),
    );
  });

  it('compactKeyword is idempotent', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), (s) => compactKeyword(compactKeyword(s)) === compactKeyword(s)));
  });
});
