/**
 * Retention curves (docs/metrics.md): the share of viewers present at each minute, and the
 * survival curve of a joiner — Kaplan–Meier over each viewer's first continuous view, where a
 * view that ran to the end of the live is censored (we only know it lasted at least that long).
 */

export const MINUTE = 60_000;

/** Share of UV present in each minute; null for every minute when there were no viewers. */
export function retentionCurve(present: readonly number[], uv: number): (number | null)[] {
  return present.map((p) => (uv > 0 ? p / uv : null));
}

export interface SurvivalPoint {
  /** Minutes since the viewer joined. */
  minute: number;
  /** Estimated share of joiners still watching (their first view) after `minute` minutes; null without viewers. */
  survival: number | null;
  /** First views that lasted at least `minute` minutes (still "at risk" of ending). */
  atRisk: number;
}

/**
 * Kaplan–Meier estimate S(t) = Π over end times t_j ≤ t of (1 − d_j / n_j), where d_j views ended
 * (observed) at t_j and n_j views lasted at least t_j. Censored views at t_j count in n_j (they
 * are taken as ending after the observed ones). Evaluated at 0, 1, …, `minutes` minutes.
 */
export function kaplanMeier(durationsMs: ArrayLike<number>, censored: ArrayLike<boolean | number>, minutes: number): SurvivalPoint[] {
  const n = durationsMs.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (durationsMs[a] as number) - (durationsMs[b] as number));
  const out: SurvivalPoint[] = [];
  let s = 1;
  let next = 0; // first view (in order) whose end time has not been folded into s yet
  let shorter = 0; // views strictly shorter than the grid time
  for (let m = 0; m <= minutes; m++) {
    const t = m * MINUTE;
    while (next < n && (durationsMs[order[next] as number] as number) <= t) {
      const tj = durationsMs[order[next] as number] as number;
      const atRisk = n - next;
      let ended = 0;
      while (next < n && (durationsMs[order[next] as number] as number) === tj) {
        if (!censored[order[next] as number]) ended++;
        next++;
      }
      s *= 1 - ended / atRisk;
    }
    while (shorter < n && (durationsMs[order[shorter] as number] as number) < t) shorter++;
    out.push({ minute: m, survival: n > 0 ? s : null, atRisk: n - shorter });
  }
  return out;
}

/** Median of a list of numbers (mean of the two middle ones for an even count); null when empty. */
export function median(values: Float64Array): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
