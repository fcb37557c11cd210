import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { analyticsTexts, type AnalyticsTexts } from '../../../../contracts/analytics-texts';
import { formatFen } from '../../../format/money-format';
import type { ChartText } from './chart-options';

/** The report page's words and number formats in the current language. */
export interface ReportText {
  t: TFunction;
  /** 'en' | 'zh-CN' (Intl locale). */
  lang: 'en' | 'zh-CN';
  /** Metric names, hint sentences (shared with the printable report). */
  A: AnalyticsTexts;
  count: (n: number) => string;
  /** A share 0..1 as "12.3%"; null as "—". */
  pct: (share: number | null) => string;
  money: (fen: number | null) => string;
  /** Watch times and durations: "1 h 5 min", "3 min 20 s", "45 s". */
  duration: (ms: number | null) => string;
  /** A traffic source key (direct, share, referral:abc, utm:a/b/c…) in words. */
  source: (key: string) => string;
  chart: ChartText;
}

export function useReportText(): ReportText {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage === 'zh-CN' ? 'zh-CN' : 'en';
  return useMemo(() => {
    const A = analyticsTexts[lang];
    const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    const pf = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
    const count = (n: number) => nf.format(n);
    const pct = (share: number | null) => (share === null ? '—' : pf.format(share));
    const money = (fen: number | null) => (fen === null ? '—' : formatFen(Math.round(fen), lang));
    const duration = (ms: number | null) => (ms === null ? '—' : humanDuration(ms, t));
    const source = (key: string) => sourceLabel(key, t);
    const chart: ChartText = {
      minute: A.column.minute,
      minuteN: (m) => t('analyticsReport.chart.minuteN', { minute: Math.floor(m) }),
      afterJoining: (m) => t('analyticsReport.chart.afterJoining', { minute: m }),
      annotation: A.annotation,
      percent: (s) => pf.format(s),
      count,
      money: (fen) => formatFen(fen, lang),
    };
    return { t, lang, A, count, pct, money, duration, source, chart };
  }, [t, lang]);
}

/** "1 h 5 min", "3 min 20 s", "45 s" (seconds dropped from an hour up). */
export function humanDuration(ms: number, t: TFunction): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(t('analyticsReport.unit.h', { n: h }));
  if (m > 0 || h > 0) parts.push(t('analyticsReport.unit.min', { n: m }));
  if (h === 0 && (s > 0 || m === 0)) parts.push(t('analyticsReport.unit.s', { n: s }));
  return parts.join(' ');
}

/** Source keys as the report stores them (contracts `sourceKey()`), in words. */
export function sourceLabel(key: string, t: TFunction): string {
  const colon = key.indexOf(':');
  const kind = colon < 0 ? key : key.slice(0, colon);
  const rest = colon < 0 ? '' : key.slice(colon + 1);
  switch (kind) {
    case 'direct':
    case 'share':
    case 'internal':
    case 'unknown':
      return rest ? `${t(`analyticsReport.source.${kind}`)} (${rest})` : t(`analyticsReport.source.${kind}`);
    case 'referral':
      return t('analyticsReport.source.referral', { code: rest });
    case 'utm':
      return t('analyticsReport.source.utm', { value: rest.split('/').filter(Boolean).join(' / ') });
    case 'referrer':
      return t('analyticsReport.source.referrer', { host: rest });
    default:
      return key;
  }
}
