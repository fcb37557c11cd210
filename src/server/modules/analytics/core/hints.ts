import type { Annotation, SessionReport } from './report.js';

/**
 * Optimisation hints (handbook 7.3: content, host, interaction, promotion), read off a finished
 * report. Each hint is data: a code, a severity and the numbers behind it (`params`), so the UI
 * renders the sentence in English or Chinese and every claim cites its figure. Pure.
 *
 * Minute numbers in params are minutes of the live counted from 0 (the charts' x axis);
 * percentages are rounded to one decimal.
 */

export const HINT_CODES = [
  'viewers_fell_unpinned',
  'viewers_fell_in_segment',
  'segment_held_viewers',
  'pinned_held_viewers',
  'joiners_leave_early',
  'low_interaction_rate',
  'no_tool_gap',
  'weakest_funnel_step',
  'product_clicks_low_conversion',
  'high_refund_rate',
  'low_csat',
  'low_nps',
  'best_source',
] as const;
export type HintCode = (typeof HINT_CODES)[number];
export type HintSeverity = 'high' | 'medium' | 'low';
/** Handbook 7.3's four areas of optimisation. */
export type HintArea = 'content' | 'host' | 'interaction' | 'promotion';

export interface Hint {
  code: HintCode;
  severity: HintSeverity;
  area: HintArea;
  params: Record<string, string | number>;
}

// --- thresholds -------------------------------------------------------------------------------
/** A fall in viewers counts from this many present (smaller audiences are noise). */
export const MIN_VIEWERS_FOR_DROP = 10;
/** A fall of at least this share is worth a hint; from DROP_HIGH it is high severity. */
export const DROP_MEDIUM = 0.2;
export const DROP_HIGH = 0.35;
/** At most this many unpinned stretches are cited. */
export const MAX_UNPINNED_HINTS = 3;
/** An unpinned stretch must last at least this many minutes. */
export const MIN_UNPINNED_MINUTES = 2;
/** Segments / pinned products that kept at least this change of viewers (0 = held). */
export const HELD_MIN_CHANGE = 0;
/** Interaction rate below this is low. */
export const LOW_INTERACTION_RATE = 0.05;
/** Figures based on fewer viewers than this give no hint (rates, funnel, sources). */
export const MIN_UV = 20;
/** A stretch this long without an interactive tool fired is a gap. */
export const TOOL_GAP_MINUTES = 15;
/** The funnel's weakest step is cited when its base has at least this many viewers. */
export const MIN_FUNNEL_BASE = 10;
/** A product clicked by at least this many viewers that converts below PRODUCT_LOW_CONVERSION. */
export const MIN_PRODUCT_CLICKERS = 10;
export const PRODUCT_LOW_CONVERSION = 0.05;
export const MAX_PRODUCT_HINTS = 3;
/** Refunds (by amount) from this share of GMV; high from REFUND_RATE_HIGH_SEVERITY. */
export const REFUND_RATE_HIGH = 0.1;
export const REFUND_RATE_HIGH_SEVERITY = 0.2;
/** Survey hints need this many answers. */
export const MIN_SURVEY_RESPONSES = 5;
export const LOW_CSAT = 3.5;
export const VERY_LOW_CSAT = 3;
export const LOW_NPS = 0;
/** A source is compared when it brought at least this many viewers. */
export const MIN_SOURCE_VIEWERS = 10;
/** Fewer than this share of joiners still watching after EARLY_MINUTE minute(s). */
export const EARLY_STAY_LOW = 0.5;
export const EARLY_MINUTE = 1;

const pct = (x: number) => Math.round(x * 1000) / 10;
const severityRank: Record<HintSeverity, number> = { high: 0, medium: 1, low: 2 };

function minutesCovered(annotations: Annotation[], kind: Annotation['kind'], minutes: number): boolean[] {
  const covered = new Array<boolean>(minutes).fill(false);
  for (const a of annotations) {
    if (a.kind !== kind) continue;
    for (let m = a.fromMinute; m <= a.toMinute && m < minutes; m++) covered[m] = true;
  }
  return covered;
}

/** Largest fall from an earlier minute to a later one inside [a, b] (from a minute with enough viewers). */
function largestFall(present: number[], a: number, b: number): { from: number; to: number; drop: number; vFrom: number; vTo: number } | null {
  let best: { from: number; to: number; drop: number; vFrom: number; vTo: number } | null = null;
  let peak = a;
  for (let j = a + 1; j <= b; j++) {
    const pj = present[j] as number;
    const pp = present[peak] as number;
    if (pp >= MIN_VIEWERS_FOR_DROP && pp > pj) {
      const drop = (pp - pj) / pp;
      if (!best || drop > best.drop) best = { from: peak, to: j, drop, vFrom: pp, vTo: pj };
    }
    if (pj > pp) peak = j;
  }
  return best;
}

export function buildHints(rep: SessionReport): Hint[] {
  const out: Hint[] = [];
  const add = (code: HintCode, severity: HintSeverity, area: HintArea, params: Hint['params']) => out.push({ code, severity, area, params });
  const present = rep.series.present;
  const L = present.length;
  const uv = rep.audience.uv;

  // Content: falls while nothing was pinned (the last minute, when the live ends, is left out).
  const pinned = minutesCovered(rep.timeline, 'pinned', L);
  const falls: { from: number; to: number; drop: number; vFrom: number; vTo: number }[] = [];
  for (let m = 0; m < L - 1; ) {
    if (pinned[m]) {
      m++;
      continue;
    }
    let end = m;
    while (end + 1 < L - 1 && !pinned[end + 1]) end++;
    if (end - m + 1 >= MIN_UNPINNED_MINUTES) {
      const f = largestFall(present, m, end);
      if (f && f.drop >= DROP_MEDIUM) falls.push(f);
    }
    m = end + 1;
  }
  falls.sort((a, b) => b.drop - a.drop || a.from - b.from);
  for (const f of falls.slice(0, MAX_UNPINNED_HINTS)) {
    add('viewers_fell_unpinned', f.drop >= DROP_HIGH ? 'high' : 'medium', 'content', { fromMinute: f.from, toMinute: f.to, dropPct: pct(f.drop), viewersFrom: f.vFrom, viewersTo: f.vTo });
  }

  // Content: segments — the worst fall of each kind, and the segment that held best.
  const segments = rep.timeline.filter((a) => a.kind === 'segment' && a.viewersAtStart >= MIN_VIEWERS_FOR_DROP && a.change !== null);
  const worstByKind = new Map<string, { a: Annotation; fell: number; ofKind: number }>();
  for (const a of segments) {
    const w = worstByKind.get(a.subtype) ?? { a, fell: 0, ofKind: 0 };
    w.ofKind++;
    if ((a.change as number) <= -DROP_MEDIUM) w.fell++;
    if ((a.change as number) < (w.a.change as number)) w.a = a;
    worstByKind.set(a.subtype, w);
  }
  for (const [kind, w] of worstByKind) {
    const drop = -(w.a.change as number);
    if (drop < DROP_MEDIUM) continue;
    add('viewers_fell_in_segment', drop >= DROP_HIGH ? 'high' : 'medium', 'content', {
      kind,
      title: w.a.title,
      fromMinute: w.a.fromMinute,
      toMinute: w.a.toMinute,
      dropPct: pct(drop),
      viewersAtStart: w.a.viewersAtStart,
      viewersAtEnd: w.a.viewersAtEnd,
      segmentsOfKind: w.ofKind,
      segmentsFell: w.fell,
    });
  }
  const bestHeld = (list: Annotation[]) =>
    list.filter((a) => (a.change as number) >= HELD_MIN_CHANGE).sort((a, b) => (b.change as number) - (a.change as number) || b.gmvFen - a.gmvFen || a.from - b.from)[0];
  const held = bestHeld(segments);
  if (held) {
    add('segment_held_viewers', 'low', 'content', { kind: held.subtype, title: held.title, fromMinute: held.fromMinute, toMinute: held.toMinute, changePct: pct(held.change as number), viewersAtStart: held.viewersAtStart, viewersAtEnd: held.viewersAtEnd, gmvFen: held.gmvFen });
  }
  const pinnedHeld = bestHeld(rep.timeline.filter((a) => a.kind === 'pinned' && a.viewersAtStart >= MIN_VIEWERS_FOR_DROP && a.change !== null));
  if (pinnedHeld) {
    add('pinned_held_viewers', 'low', 'promotion', { productId: pinnedHeld.subtype, productName: pinnedHeld.title, fromMinute: pinnedHeld.fromMinute, toMinute: pinnedHeld.toMinute, changePct: pct(pinnedHeld.change as number), gmvFen: pinnedHeld.gmvFen, paidOrders: pinnedHeld.paidOrders });
  }

  // Host: joiners leaving within the first minute (the opening hook).
  const early = rep.survival[EARLY_MINUTE];
  if (uv >= MIN_UV && early && early.survival !== null && early.survival < EARLY_STAY_LOW) {
    add('joiners_leave_early', early.survival < EARLY_STAY_LOW / 2 ? 'high' : 'medium', 'host', { minute: EARLY_MINUTE, stayedPct: pct(early.survival), uv });
  }

  // Interaction.
  const ir = rep.engagement.interactionRate;
  if (uv >= MIN_UV && ir !== null && ir < LOW_INTERACTION_RATE) {
    add('low_interaction_rate', 'medium', 'interaction', { ratePct: pct(ir), interactors: rep.engagement.interactors, uv, thresholdPct: pct(LOW_INTERACTION_RATE) });
  }
  if (rep.durationMs >= TOOL_GAP_MINUTES * 60_000) {
    const starts = rep.timeline.filter((a) => a.kind === 'tool').map((a) => a.from);
    const marks = [rep.startedAt, ...starts.sort((a, b) => a - b), rep.endedAt];
    let gap = { from: rep.startedAt, to: rep.startedAt };
    for (let k = 1; k < marks.length; k++) {
      if ((marks[k] as number) - (marks[k - 1] as number) > gap.to - gap.from) gap = { from: marks[k - 1] as number, to: marks[k] as number };
    }
    const gapMinutes = (gap.to - gap.from) / 60_000;
    if (gapMinutes >= TOOL_GAP_MINUTES) {
      add('no_tool_gap', 'medium', 'interaction', {
        fromMinute: Math.floor((gap.from - rep.startedAt) / 60_000),
        toMinute: Math.floor((gap.to - rep.startedAt) / 60_000),
        gapMinutes: Math.round(gapMinutes * 10) / 10,
        toolsFired: starts.length,
      });
    }
  }

  // Promotion: the funnel's weakest step, products clicked but not bought, refunds, sources.
  let weakest: { step: string; from: string; rate: number; base: number; reached: number } | null = null;
  for (let k = 1; k < rep.funnel.length; k++) {
    const prev = rep.funnel[k - 1]!;
    const s = rep.funnel[k]!;
    if (prev.viewers < MIN_FUNNEL_BASE || s.conversion === null) continue;
    if (!weakest || s.conversion < weakest.rate) weakest = { step: s.step, from: prev.step, rate: s.conversion, base: prev.viewers, reached: s.viewers };
  }
  if (weakest) add('weakest_funnel_step', 'medium', 'promotion', { step: weakest.step, fromStep: weakest.from, ratePct: pct(weakest.rate), from: weakest.base, to: weakest.reached });

  const lowProducts = rep.products
    .filter((p) => p.clickers >= MIN_PRODUCT_CLICKERS && p.conversion !== null && p.conversion < PRODUCT_LOW_CONVERSION)
    .sort((a, b) => b.clickers - a.clickers || (a.productId < b.productId ? -1 : 1))
    .slice(0, MAX_PRODUCT_HINTS);
  for (const p of lowProducts) {
    add('product_clicks_low_conversion', 'medium', 'promotion', { productId: p.productId, productName: p.name, clickers: p.clickers, buyers: p.buyers, conversionPct: pct(p.conversion as number), explanationMinutes: Math.round(p.explanationMs / 6_000) / 10 });
  }

  const rr = rep.sales.refundRateByAmount;
  if (rr !== null && rr >= REFUND_RATE_HIGH) {
    add('high_refund_rate', rr >= REFUND_RATE_HIGH_SEVERITY ? 'high' : 'medium', 'promotion', {
      refundPct: pct(rr),
      refundedFen: rep.sales.refundedFen,
      gmvFen: rep.sales.gmvFen,
      refundedOrders: rep.sales.refundedOrders,
      paidOrders: rep.sales.paidOrders,
    });
  }

  // Host: satisfaction.
  const csat = rep.survey.csat;
  if (csat.responses >= MIN_SURVEY_RESPONSES && csat.mean !== null && csat.mean < LOW_CSAT) {
    add('low_csat', csat.mean < VERY_LOW_CSAT ? 'high' : 'medium', 'host', { csat: Math.round(csat.mean * 10) / 10, responses: csat.responses, threshold: LOW_CSAT });
  }
  const nps = rep.survey.nps;
  if (nps.responses >= MIN_SURVEY_RESPONSES && nps.score !== null && nps.score < LOW_NPS) {
    add('low_nps', 'medium', 'host', { nps: Math.round(nps.score * 10) / 10, promoters: nps.promoters, detractors: nps.detractors, responses: nps.responses });
  }

  const overall = rep.sales.conversion;
  const comparable = rep.sources.filter((s) => s.viewers >= MIN_SOURCE_VIEWERS && s.conversion !== null);
  if (overall !== null && comparable.length >= 2) {
    const best = [...comparable].sort((a, b) => (b.conversion as number) - (a.conversion as number) || b.viewers - a.viewers)[0]!;
    if ((best.conversion as number) > overall) {
      add('best_source', 'low', 'promotion', { source: best.source, conversionPct: pct(best.conversion as number), overallPct: pct(overall), viewers: best.viewers, buyers: best.buyers });
    }
  }

  // Stable: within a severity, the order above (content, host, interaction, promotion).
  return out.map((h, i) => ({ h, i })).sort((a, b) => severityRank[a.h.severity] - severityRank[b.h.severity] || a.i - b.i).map((x) => x.h);
}

const fen = (x: string | number) => `¥${(Number(x) / 100).toFixed(2)}`;

/** The hint as an English sentence (tests, CSV); the console renders EN and ZH from code + params. */
export function hintText(h: Hint): string {
  const p = h.params;
  switch (h.code) {
    case 'viewers_fell_unpinned':
      return `Viewers fell ${p.dropPct}% during minutes ${p.fromMinute}–${p.toMinute} (${p.viewersFrom} → ${p.viewersTo}) while no product was pinned: pin a product or change the pace there.`;
    case 'viewers_fell_in_segment':
      return `Viewers fell ${p.dropPct}% during the ${p.kind} segment "${p.title}" (minutes ${p.fromMinute}–${p.toMinute}, ${p.viewersAtStart} → ${p.viewersAtEnd}); ${p.segmentsFell} of ${p.segmentsOfKind} ${p.kind} segments lost viewers.`;
    case 'segment_held_viewers':
      return `The ${p.kind} segment "${p.title}" (minutes ${p.fromMinute}–${p.toMinute}) held viewers best (${Number(p.changePct) >= 0 ? '+' : ''}${p.changePct}%, ${p.viewersAtStart} → ${p.viewersAtEnd}) and sold ${fen(p.gmvFen!)}: do more of it.`;
    case 'pinned_held_viewers':
      return `While "${p.productName}" was pinned (minutes ${p.fromMinute}–${p.toMinute}) viewers changed ${Number(p.changePct) >= 0 ? '+' : ''}${p.changePct}% and it sold ${fen(p.gmvFen!)} in ${p.paidOrders} paid orders.`;
    case 'joiners_leave_early':
      return `Only ${p.stayedPct}% of joiners (of ${p.uv} viewers) were still watching after ${p.minute} minute: open with a stronger hook (what is on offer, why stay).`;
    case 'low_interaction_rate':
      return `Only ${p.ratePct}% of viewers interacted (${p.interactors} of ${p.uv}; below ${p.thresholdPct}%): ask questions, run a poll or a draw.`;
    case 'no_tool_gap':
      return `No interactive tool was fired for ${p.gapMinutes} minutes (minutes ${p.fromMinute}–${p.toMinute}; ${p.toolsFired} fired in all): plan a poll, draw or quiz in long stretches.`;
    case 'weakest_funnel_step':
      return `The weakest funnel step is ${p.fromStep} → ${p.step}: ${p.ratePct}% (${p.from} → ${p.to} viewers).`;
    case 'product_clicks_low_conversion':
      return `"${p.productName}" was clicked by ${p.clickers} viewers but bought by ${p.buyers} (${p.conversionPct}%; explained ${p.explanationMinutes} min): check its price, stock and how it is presented.`;
    case 'high_refund_rate':
      return `Refunds were ${p.refundPct}% of GMV (${fen(p.refundedFen!)} of ${fen(p.gmvFen!)}; ${p.refundedOrders} of ${p.paidOrders} paid orders): check that descriptions match the goods.`;
    case 'low_csat':
      return `Viewer satisfaction (CSAT) was ${p.csat} of 5 from ${p.responses} answers (below ${p.threshold}).`;
    case 'low_nps':
      return `NPS was ${p.nps} (${p.promoters} promoters, ${p.detractors} detractors of ${p.responses} answers).`;
    case 'best_source':
      return `Viewers from ${p.source} converted best: ${p.conversionPct}% against ${p.overallPct}% overall (${p.buyers} of ${p.viewers}): invest more in this channel.`;
  }
}
