// Driver effects as plain sentences in the current language (the shared analytics.driver texts),
// from the numbers the server computed (effect.points), so English and Chinese say the same thing.
import type { DriverEffect, DriverFit } from '../../../../server/modules/analytics/core/drivers';

type TFn = (key: string, opts?: Record<string, unknown>) => string;

/** One decimal, more for small figures so they do not round to 0 (as the server's sentences). */
export function formatPoints(v: number, ref = Math.abs(v)): string {
  const decimals = ref === 0 ? 1 : Math.max(1, Math.min(3, 1 - Math.floor(Math.log10(ref))));
  const s = v.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** The level of a one-hot factor by name: segment kinds translated, "none" said in words. */
export function levelName(effect: Pick<DriverEffect, 'factor'>, level: string | undefined, t: TFn, hostName: (id: string) => string): string {
  const l = level ?? 'none';
  if (effect.factor === 'segmentType') return l === 'none' ? t('analyticsConsole.insights.noSegment') : t(`analytics.segmentKind.${l}`, { defaultValue: l });
  if (effect.factor === 'host') return l === 'none' ? t('analyticsConsole.insights.noHost') : hostName(l);
  return l;
}

/** Short label of an effect for the forest plot's axis. */
export function effectLabel(e: DriverEffect, t: TFn, hostName: (id: string) => string = (id) => id): string {
  const factor = t(`analytics.driver.factor.${e.factor}`);
  return e.level !== undefined ? t('analyticsConsole.insights.levelLabel', { factor, level: levelName(e, e.level, t, hostName) }) : factor;
}

export function driverSentence(e: DriverEffect, fit: Pick<DriverFit, 'outcome' | 'n' | 'sessions'>, t: TFn, hostName: (id: string) => string = (id) => id): string {
  const { estimate, low, high } = e.points;
  const ref = Math.max(Math.abs(estimate), Math.abs(low), Math.abs(high));
  const f = (v: number) => formatPoints(v, ref);
  const unit =
    e.unit === 'level_vs_baseline'
      ? t('analytics.driver.unit.level_vs_baseline', { level: levelName(e, e.level, t, hostName), baseline: levelName(e, e.baseline, t, hostName) })
      : t(`analytics.driver.unit.${e.unit}`);
  // An unclear effect (its interval crosses zero) is said as "no clear effect", not "unclear … by x".
  const key = e.verdict === 'unclear' ? `analyticsConsole.insights.unclear.${fit.outcome}` : `analytics.driver.sentence.${fit.outcome}`;
  return t(key, {
    factor: t(`analytics.driver.factor.${e.factor}`),
    verdict: t(`analytics.driver.verdict.${e.verdict}`),
    // "raises … by 4.1", "lowers … by 2.0": the direction is in the verdict; an unclear effect keeps its sign.
    estimate: e.verdict === 'unclear' ? f(estimate) : formatPoints(Math.abs(estimate), ref),
    unit,
    low: f(low),
    high: f(high),
    n: fit.n,
    sessions: fit.sessions,
  });
}
