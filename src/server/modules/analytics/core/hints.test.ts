import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURE_END, FIXTURE_SESSION, FIXTURE_START, fixtureEvents, fixtureInputs } from '../../../../../test/support/analytics-fixture.js';
import { buildHints, HINT_CODES, hintText, type Hint } from './hints.js';
import { buildReport, type Annotation, type SessionReport } from './report.js';
import { applyEvent, createRollup } from './session-rollup.js';

const S = FIXTURE_START;

function fixtureReport(): SessionReport {
  const r = createRollup({ sessionId: FIXTURE_SESSION, startedAt: S, endedAt: FIXTURE_END });
  for (const e of fixtureEvents()) applyEvent(r, e);
  return buildReport(r, fixtureInputs);
}

function ann(kind: Annotation['kind'], subtype: string, title: string, fromMinute: number, toMinute: number, atStart: number, atEnd: number, gmvFen = 0): Annotation {
  return {
    kind,
    subtype,
    title,
    from: S + fromMinute * 60_000,
    to: S + (toMinute + 1) * 60_000,
    fromMinute,
    toMinute,
    durationMs: (toMinute + 1 - fromMinute) * 60_000,
    viewersAtStart: atStart,
    viewersAtEnd: atEnd,
    change: atStart > 0 ? (atEnd - atStart) / atStart : null,
    gmvFen,
    paidOrders: gmvFen > 0 ? 3 : 0,
    orders: 0,
  };
}

/** A 60-minute live with 100 viewers and many things to improve (every number below is cited by a hint). */
function troubledReport(): SessionReport {
  const base = fixtureReport();
  const present = [100, 100, 80, 65, 60, 70, 70, 70, 70, 50, ...new Array<number>(50).fill(40)];
  return {
    ...base,
    durationMs: 3_600_000,
    endedAt: S + 3_600_000,
    minutes: 60,
    audience: { ...base.audience, uv: 100 },
    survival: base.survival.map((p, m) => ({ ...p, survival: m === 0 ? 0.9 : 0.4 })),
    engagement: { ...base.engagement, interactors: 3, interactionRate: 0.03 },
    funnel: [
      { step: 'view', viewers: 100, conversion: null, ofViewers: 1 },
      { step: 'click', viewers: 40, conversion: 0.4, ofViewers: 0.4 },
      { step: 'cart', viewers: 20, conversion: 0.5, ofViewers: 0.2 },
      { step: 'order', viewers: 15, conversion: 0.75, ofViewers: 0.15 },
      { step: 'pay', viewers: 12, conversion: 0.8, ofViewers: 0.12 },
    ],
    sales: { ...base.sales, gmvFen: 100_000, refundedFen: 25_000, refundRateByAmount: 0.25, refundedOrders: 2, paidOrders: 12, conversion: 0.12 },
    products: [{ ...base.products[0]!, productId: 'P9', name: 'Kettle', clickers: 30, buyers: 0, conversion: 0, explanationMs: 90_000 }, ...base.products],
    sources: [
      { source: 'share', viewers: 50, share: 0.5, avgWatchMs: 1, buyers: 10, gmvFen: 1, conversion: 0.2 },
      { source: 'direct', viewers: 40, share: 0.4, avgWatchMs: 1, buyers: 2, gmvFen: 1, conversion: 0.05 },
      { source: 'referral:x', viewers: 5, share: 0.05, avgWatchMs: 1, buyers: 5, gmvFen: 1, conversion: 1 }, // too few viewers to compare
    ],
    survey: {
      responses: 10,
      csat: { responses: 10, mean: 2.8, distribution: [2, 2, 2, 2, 2] },
      nps: { responses: 10, score: -20, promoters: 2, passives: 2, detractors: 4, distribution: [] },
    },
    series: { ...base.series, present },
    timeline: [
      ann('segment', 'interview', 'Long interview', 0, 4, 100, 60),
      ann('tool', 'poll', 'Poll 1', 5, 5, 70, 70),
      ann('pinned', 'P1', 'Tea set', 5, 8, 60, 70, 30_000),
      ann('segment', 'interview', 'Short interview', 5, 6, 20, 18),
      ann('tool', 'draw', 'Draw 1', 10, 10, 40, 40),
      ann('segment', 'showcase', 'Showcase', 7, 9, 70, 77, 50_000),
    ],
  };
}

describe('hints', () => {
  it('on the small fixture only the refund rate is worth saying (every other rule needs more viewers)', () => {
    const hints = buildHints(fixtureReport());
    expect(hints).toEqual([
      { code: 'high_refund_rate', severity: 'high', area: 'promotion', params: { refundPct: 20, refundedFen: 5_000, gmvFen: 25_000, refundedOrders: 1, paidOrders: 2 } },
    ]);
    expect(hintText(hints[0]!)).toBe('Refunds were 20% of GMV (¥50.00 of ¥250.00; 1 of 2 paid orders): check that descriptions match the goods.');
  });

  const hints = buildHints(troubledReport());
  const byCode = (code: Hint['code']) => hints.filter((h) => h.code === code);

  it('viewers fell while no product was pinned (minutes 0–4: 100 → 60)', () => {
    expect(byCode('viewers_fell_unpinned')).toEqual([
      { code: 'viewers_fell_unpinned', severity: 'high', area: 'content', params: { fromMinute: 0, toMinute: 4, dropPct: 40, viewersFrom: 100, viewersTo: 60 } },
      // minutes 9–58 (50 → 40); the last minute is left out
      { code: 'viewers_fell_unpinned', severity: 'medium', area: 'content', params: { fromMinute: 9, toMinute: 10, dropPct: 20, viewersFrom: 50, viewersTo: 40 } },
    ]);
    expect(hintText(byCode('viewers_fell_unpinned')[0]!)).toBe('Viewers fell 40% during minutes 0–4 (100 → 60) while no product was pinned: pin a product or change the pace there.');
  });

  it('the worst segment of a kind, and the segment and pinned product that held viewers', () => {
    expect(byCode('viewers_fell_in_segment')).toEqual([
      { code: 'viewers_fell_in_segment', severity: 'high', area: 'content', params: { kind: 'interview', title: 'Long interview', fromMinute: 0, toMinute: 4, dropPct: 40, viewersAtStart: 100, viewersAtEnd: 60, segmentsOfKind: 2, segmentsFell: 1 } },
    ]);
    expect(byCode('segment_held_viewers')[0]!.params).toEqual({ kind: 'showcase', title: 'Showcase', fromMinute: 7, toMinute: 9, changePct: 10, viewersAtStart: 70, viewersAtEnd: 77, gmvFen: 50_000 });
    expect(byCode('pinned_held_viewers')[0]!.params).toEqual({ productId: 'P1', productName: 'Tea set', fromMinute: 5, toMinute: 8, changePct: 16.7, gmvFen: 30_000, paidOrders: 3 });
  });

  it('joiners leaving early, low interaction, a long stretch without a tool', () => {
    expect(byCode('joiners_leave_early')[0]).toMatchObject({ severity: 'medium', area: 'host', params: { minute: 1, stayedPct: 40, uv: 100 } });
    expect(byCode('low_interaction_rate')[0]!.params).toEqual({ ratePct: 3, interactors: 3, uv: 100, thresholdPct: 5 });
    expect(byCode('no_tool_gap')[0]!.params).toEqual({ fromMinute: 10, toMinute: 60, gapMinutes: 50, toolsFired: 2 });
  });

  it('funnel, products, refunds, survey, sources', () => {
    expect(byCode('weakest_funnel_step')[0]!.params).toEqual({ step: 'click', fromStep: 'view', ratePct: 40, from: 100, to: 40 });
    expect(byCode('product_clicks_low_conversion')[0]!.params).toEqual({ productId: 'P9', productName: 'Kettle', clickers: 30, buyers: 0, conversionPct: 0, explanationMinutes: 1.5 });
    expect(byCode('high_refund_rate')[0]).toMatchObject({ severity: 'high', params: { refundPct: 25 } });
    expect(byCode('low_csat')[0]).toMatchObject({ severity: 'high', params: { csat: 2.8, responses: 10, threshold: 3.5 } });
    expect(byCode('low_nps')[0]!.params).toEqual({ nps: -20, promoters: 2, detractors: 4, responses: 10 });
    expect(byCode('best_source')[0]!.params).toEqual({ source: 'share', conversionPct: 20, overallPct: 12, viewers: 50, buyers: 10 });
  });

  it('covers every code, high severity first, and every hint reads as a sentence citing its numbers', () => {
    expect(new Set(hints.map((h) => h.code))).toEqual(new Set(HINT_CODES));
    const ranks = hints.map((h) => ({ high: 0, medium: 1, low: 2 })[h.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const h of hints) {
      const text = hintText(h);
      expect(text).not.toMatch(/undefined|NaN/);
      for (const [k, v] of Object.entries(h.params)) if (typeof v === 'number' && !/Fen$/.test(k)) expect(text).toContain(String(v));
    }
  });

  it('never throws and only names known codes, whatever the figures', () => {
    const base = troubledReport();
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 90 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
        fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: null }),
        (present, rate, refund) => {
          const rep: SessionReport = {
            ...base,
            minutes: present.length,
            series: { ...base.series, present },
            engagement: { ...base.engagement, interactionRate: rate },
            sales: { ...base.sales, refundRateByAmount: refund },
          };
          for (const h of buildHints(rep)) {
            expect(HINT_CODES).toContain(h.code);
            expect(hintText(h).length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
