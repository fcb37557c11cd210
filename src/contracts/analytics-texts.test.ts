import { describe, expect, it } from 'vitest';
import { HINT_CODES } from '../server/modules/analytics/core/hints.js';
import { KPI_DEFS } from '../server/modules/analytics/core/compare.js';
import { analyticsTexts, hintSentence } from './analytics-texts.js';

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('analytics texts', () => {
  it('has the same keys and placeholders in English and Chinese', () => {
    const en = analyticsTexts.en;
    const zh = analyticsTexts['zh-CN'];
    expect(keys(zh)).toEqual(keys(en));
    for (const k of keys(en)) {
      const get = (o: unknown) => k.split('.').reduce<unknown>((x, p) => (x as Record<string, unknown>)[p], o) as string;
      expect(placeholders(get(zh)), k).toEqual(placeholders(get(en)));
    }
  });
  it('names every KPI and every hint code', () => {
    for (const d of KPI_DEFS) expect(analyticsTexts.en.kpi[d.key], d.key).toBeTruthy();
    for (const c of HINT_CODES) expect((analyticsTexts['zh-CN'].hint as Record<string, string>)[c], c).toBeTruthy();
  });
  it('renders a hint with yuan, named kinds and signed changes, leaving no placeholder', () => {
    const h = { code: 'segment_held_viewers', params: { kind: 'showcase', title: 'Spring tea', fromMinute: 3, toMinute: 9, changePct: 12, viewersAtStart: 40, viewersAtEnd: 45, gmvFen: 123456 } };
    expect(hintSentence(h, analyticsTexts.en)).toBe('The Product showcase segment "Spring tea" (minutes 3–9) held viewers best (+12%, 40 → 45) and sold ¥1234.56: do more of it.');
    expect(hintSentence(h, analyticsTexts['zh-CN'])).toContain('产品展示环节「Spring tea」');
    expect(hintSentence(h, analyticsTexts['zh-CN'])).not.toContain('{{');
  });
});
