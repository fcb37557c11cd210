import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyticsTexts, fillText } from '../../../../contracts/analytics-texts';
import type { DriverEffect } from '../../../../server/modules/analytics/core/drivers';
import { driverSentence, effectLabel, formatPoints } from './driver-text';

function tFor(lang: 'en' | 'zh-CN') {
  const texts = analyticsTexts[lang] as unknown as Record<string, unknown>;
  const consoleTexts = JSON.parse(readFileSync(`src/web/i18n/features/analytics-console.${lang}.json`, 'utf8')) as Record<string, unknown>;
  return (key: string, opts: Record<string, unknown> = {}): string => {
    let node: unknown = { analytics: texts, ...consoleTexts };
    for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
    return typeof node === 'string' ? fillText(node, opts as Record<string, string>) : String(opts.defaultValue ?? key);
  };
}

const base: DriverEffect = { factor: 'productPinned', beta: 0.041, standardized: 0.3, se: 0.01, ciLow: 0.012, ciHigh: 0.07, p: 0.01, verdict: 'raises', unit: 'with_vs_without', points: { estimate: 4.1, low: 1.2, high: 7 } };
const fit = { outcome: 'retention' as const, n: 412, sessions: 6 };

describe('driver sentences', () => {
  it('says a clear effect with its interval and sample, in English and Chinese', () => {
    expect(driverSentence(base, fit, tFor('en'))).toBe('A product pinned: raises retention by 4.1 points with vs without (95% CI 1.2 to 7.0; 412 minutes from 6 sessions).');
    expect(driverSentence(base, fit, tFor('zh-CN'))).toBe('正在讲解商品：有与没有相比，留存提高 4.1 个百分点（95% 置信区间 1.2 至 7.0；来自 6 场直播的 412 分钟）。');
  });
  it('gives a lowering effect as a magnitude and keeps the sign of an unclear one', () => {
    const lowers: DriverEffect = { ...base, verdict: 'lowers', points: { estimate: -2, low: -3.5, high: -0.5 } };
    expect(driverSentence(lowers, { ...fit, outcome: 'conversion' }, tFor('en'))).toContain('lowers conversion by 2.0 orders per 100 viewers');
    const unclear: DriverEffect = { ...base, verdict: 'unclear', points: { estimate: -0.4, low: -1.5, high: 0.7 } };
    expect(driverSentence(unclear, fit, tFor('en'))).toBe('A product pinned: no clear effect on retention with vs without (estimate -0.4 points, 95% CI -1.5 to 0.7; 412 minutes from 6 sessions).');
    expect(driverSentence(unclear, fit, tFor('zh-CN'))).toBe('正在讲解商品：有与没有相比，对留存没有明确影响（估计 -0.4 个百分点，95% 置信区间 -1.5 至 0.7；来自 6 场直播的 412 分钟）。');
  });
  it('names one-hot levels against the baseline', () => {
    const seg: DriverEffect = { ...base, factor: 'segmentType', level: 'teaching', baseline: 'showcase', unit: 'level_vs_baseline' };
    expect(driverSentence(seg, fit, tFor('en'))).toContain('(Teaching vs Product showcase)');
    expect(effectLabel(seg, tFor('en'))).toBe('Segment type: Teaching');
    expect(effectLabel({ ...seg, level: 'none' }, tFor('zh-CN'))).toBe('环节类型：环节之外');
    expect(effectLabel({ ...seg, level: 'none' }, tFor('en'))).toBe('Segment type: outside any segment');
  });
  it('formats small figures with enough decimals', () => {
    expect(formatPoints(0.034)).toBe('0.034');
    expect(formatPoints(-0.0001, 0.5)).toBe('0.00');
    expect(formatPoints(12.345)).toBe('12.3');
  });
});
