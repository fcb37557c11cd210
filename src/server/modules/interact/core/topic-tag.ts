/**
 * Topics (话题, issue 6 item 7): whether a comment carries the pinned topic's hashtag. Pure.
 *
 * Both sides are folded with NFKC (so the full-width '＃' and full-width letters count as their
 * plain forms) and lower-cased. A tag occurs when '#' + tag is followed by the end of the text or
 * by a character that cannot continue a tag (anything but a letter, digit, mark or '_'): so
 * `#tagged` does not carry `#tag`, while `#tag!`, `#tag 好` and Weibo-style `#夏日穿搭#` do.
 * In scripts written without spaces a tag must therefore be closed (space, punctuation or '#'):
 * `#夏日穿搭好看` is the longer tag 夏日穿搭好看, not ours.
 */
const TAG_CONTINUES = /^[\p{L}\p{N}\p{M}_]$/u;

export function foldTag(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The tag as stored and compared: folded, without a leading '#'. */
export function canonicalTag(tag: string): string {
  return foldTag(tag).replace(/^#/, '');
}

/** Does `text` carry `#tag`? `tag` may be given with or without its '#'. */
export function carriesTag(text: string, tag: string): boolean {
  const want = canonicalTag(tag);
  if (want === '') return false;
  const needle = `#${want}`;
  const folded = foldTag(text);
  for (let i = folded.indexOf(needle); i >= 0; i = folded.indexOf(needle, i + 1)) {
    const after = folded.codePointAt(i + needle.length);
    if (after === undefined || !TAG_CONTINUES.test(String.fromCodePoint(after))) return true;
  }
  return false;
}
