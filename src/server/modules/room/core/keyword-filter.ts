import type { FilterVerdict } from './chat-policy.js';

export type { FilterVerdict } from './chat-policy.js';

export interface ChatFilter {
  check(text: string): FilterVerdict;
}

/**
 * Characters people put between the letters of a banned word to slip it past a filter:
 * spaces, punctuation, symbols (incl. emoji), controls, format characters (zero-width space,
 * ZWJ, soft hyphen...) and non-spacing marks (strike-through overlays, variation selectors).
 */
const FILLER = /^[\p{Z}\s\p{P}\p{S}\p{Cc}\p{Cf}\p{Mn}\p{Me}]$/u;
/** Scripts written without spaces between words: a keyword in them matches anywhere. */
const UNSPACED = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{N}$/u;

/** 'L' and 'N' runs form words; 'O' (CJK and the like) never needs a word boundary. */
type CharClass = 'L' | 'N' | 'O';
function classOf(ch: string): CharClass {
  if (UNSPACED.test(ch)) return 'O';
  if (LETTER.test(ch)) return 'L';
  if (DIGIT.test(ch)) return 'N';
  return 'O';
}

function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Letters and digits of a keyword, folded, fillers removed. */
export function compactKeyword(keyword: string): string {
  let out = '';
  for (const ch of fold(keyword)) if (!FILLER.test(ch)) out += ch;
  return out;
}

/**
 * The text once folded and stripped of fillers, with per UTF-16 unit: the class of its
 * character and whether a filler preceded it (a word boundary for Latin keywords).
 */
interface Compacted {
  text: string;
  cls: CharClass[];
  gapBefore: boolean[];
}

/** `folded` is the text after `fold`. */
function compactText(folded: string): Compacted {
  let out = '';
  const cls: CharClass[] = [];
  const gapBefore: boolean[] = [];
  let gap = false;
  for (const ch of folded) {
    if (FILLER.test(ch)) {
      gap = true;
      continue;
    }
    const c = classOf(ch);
    for (let i = 0; i < ch.length; i++) {
      cls.push(c);
      gapBefore.push(i === 0 && gap);
    }
    out += ch;
    gap = false;
  }
  return { text: out, cls, gapBefore };
}

/** A match must not start or end inside a Latin word or number ("ass" is not in "class"). */
function atBoundaries(t: Compacted, start: number, end: number): boolean {
  const startOk = start === 0 || t.gapBefore[start] === true || t.cls[start] === 'O' || t.cls[start - 1] !== t.cls[start];
  const endOk = end === t.text.length || t.gapBefore[end] === true || t.cls[end - 1] === 'O' || t.cls[end] !== t.cls[end - 1];
  return startOk && endOk;
}

interface Keyword {
  raw: string;
  /** Letters and digits only; '' for a keyword made of symbols alone (say an emoji). */
  compact: string;
  /** For symbol-only keywords: matched as a plain substring of the folded text. */
  folded: string;
}

function findKeyword(t: Compacted, folded: string, keywords: readonly Keyword[]): string | null {
  for (const k of keywords) {
    if (k.compact === '') {
      if (folded.includes(k.folded)) return k.raw;
      continue;
    }
    let from = 0;
    for (;;) {
      const at = t.text.indexOf(k.compact, from);
      if (at < 0) break;
      if (atBoundaries(t, at, at + k.compact.length)) return k.raw;
      from = at + 1;
    }
  }
  return null;
}

/**
 * Case-insensitive, NFKC-normalised keyword matching that sees through separators
 * ("微 信", "w.e.c.h.a.t", "ｗｅｃｈａｔ", zero-width spaces). Keywords in Latin (or other spaced
 * scripts) match whole words only, so "ass" does not fire on "class"; a letter-digit change
 * counts as a boundary ("qq12345" matches "qq"). Chinese, Japanese, Korean and Thai keywords
 * match anywhere. A keyword of symbols only (an emoji, say) matches as a plain substring.
 * Block keywords win over hold keywords.
 */
export class KeywordChatFilter implements ChatFilter {
  private readonly block: Keyword[];
  private readonly hold: Keyword[];

  constructor(opts: { block: string[]; hold: string[] }) {
    const prepare = (list: string[]): Keyword[] => {
      const seen = new Set<string>();
      const out: Keyword[] = [];
      for (const raw of list) {
        const compact = compactKeyword(raw);
        const folded = fold(raw).trim();
        const key = compact === '' ? `sym:${folded}` : compact;
        if (folded === '' || seen.has(key)) continue;
        seen.add(key);
        out.push({ raw: raw.trim(), compact, folded });
      }
      return out;
    };
    this.block = prepare(opts.block);
    this.hold = prepare(opts.hold);
  }

  check(text: string): FilterVerdict {
    if (this.block.length === 0 && this.hold.length === 0) return { action: 'allow' };
    const folded = fold(text);
    const t = compactText(folded);
    const blocked = findKeyword(t, folded, this.block);
    if (blocked !== null) return { action: 'block', reason: `keyword: ${blocked}` };
    const held = findKeyword(t, folded, this.hold);
    if (held !== null) return { action: 'hold', reason: `keyword: ${held}` };
    return { action: 'allow' };
  }
}
