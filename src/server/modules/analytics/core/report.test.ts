import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyticsEventTypes, VIEW_TIMEOUT_MS, type AnalyticsEvent } from '../../../../contracts/analytics-events.contract.js';
import { FIXTURE_END, FIXTURE_SESSION, FIXTURE_START, fixtureEvents, fixtureInputs } from '../../../../../test/support/analytics-fixture.js';
import { buildReport, DEFINITIONS_VERSION, sessionMinutes, viewerSummaries, type SessionReport } from './report.js';
import { kaplanMeier, median } from './retention.js';
import { applyEvent, createRollup, markReturning, setEnded, type SessionRollup } from './session-rollup.js';

/*
 * The fixture (test/support/analytics-fixture.ts; docs/metrics.md works through the same numbers):
 * a 10-minute live (0–600 s), minute m = [60m, 60m + 60) s, 10-second bucket k = [10k, 10k + 10) s.
 *
 * Presence intervals (s):          watch   first view
 *   A  [0, 600]  (view_end at end)  600     600 censored (ran to the end)
 *   B  [60, 300] + [420, 600]       420     240 observed
 *   C  [0, 60]   (times out)         60      60 observed
 *   D  [120, 360] (two connections) 240     240 observed
 *   E  [540, 600] (view_end at 605)  60      60 censored
 *   F  [200, 200] (one view_start)    0       0 observed
 *   total 1,380 s; UV 6; PV 8 (A1 B2 C1 D2 E1 F1)
 *
 * Present per minute: m0 A C =2 · m1 A B C =3 · m2 A B D =3 · m3 A B D F =4 · m4 A B D =3 · m5 A B D =3
 *   · m6 A D =2 · m7 A B =2 · m8 A B =2 · m9 A B E =3
 * PCU: bucket 20 (200–209 s) has A B D F = 4; no bucket has more.
 * ACU = 1,380,000 / 600,000 = 2.3; average watch = 1,380 / 6 = 230 s; median of 0,60,60,240,420,600 = (60+240)/2 = 150 s.
 * Joins (interval starts): m0 A C, m1 B, m2 D, m3 F, m7 B, m9 E. Exits: m1 C (timed out at 60 s), m3 F, m5 B, m6 D;
 *   A, B's second view and E end with the live (not exits).
 * Survival (Kaplan–Meier over first views): at 0 s F ends: 6 at risk → S = 5/6; at 60 s C ends (E censored, both at risk):
 *   5 at risk → S = 5/6 · 4/5 = 2/3; at 240 s B and D end: 3 at risk → S = 2/3 · 1/3 = 2/9; A censored at 600 s.
 * Returning: A and E were marked (markReturning) → 2 returning, 4 new.
 * Interactors: A (comment, like), B (comment), C (like), D (poll vote), E (share) = 5 → rate 5/6. Comments 2, likes 5+1 = 6, shares 1.
 * Funnel (furthest step): A pay, B pay, C click, D order (no click/cart event: counts in those steps too), E, F view
 *   → view 6, click 4, cart 3, order 3, pay 2; conversions 4/6, 3/4, 3/3, 2/3.
 * Sales: GMV 20,000 + 5,000 = 25,000 fen; orders 3 (35,000 fen); paid orders 2; AOV 12,500; GPM 25,000 / 6 × 1,000;
 *   refunded 5,000 (order o2) → 5,000 / 25,000 = 0.2 by amount, 1 / 2 = 0.5 by orders. Conversion 2/6.
 * Products: P1 impressions 5 (A B C D F), clicks 3 (A B C), cart 1 (2 units), orders o1 (2 units) and o3 (1) → 2 orders, 3 units,
 *   30,000 fen; paid o1 → 20,000 fen, 1 buyer; CTR 3/5, conversion 1/3; pinned −30–150 s clipped to 0–150 → 150 s.
 *   P2 impressions 2 (B E), click 1 (B), cart 1, order o2 1 unit 5,000, paid 5,000, refunded 5,000, CTR 1/2, conversion 1/1;
 *   pinned 400–480 and 470–520 merged → 120 s. P3: pinned 550 s to the end → 50 s, no activity.
 * Sources (first view): share A D F → 3 viewers (1/2), watch (600+240+0)/3 = 280 s, buyer A, 20,000 fen, conversion 1/3;
 *   utm B: 1, 420 s, 1 buyer, 5,000 fen; unknown C: 1, 60 s; referral:abc E: 1, 60 s.
 * Survey (last answer per viewer): A 5/10, B 4/8 (replacing 3/6), C 2/3 → CSAT mean 11/3; NPS promoters A, passives B,
 *   detractors C → (1 − 1)/3 × 100 = 0.
 * Excluded: bot 3 events, simulated 2 events.
 */

const S = FIXTURE_START;
const s = (sec: number) => S + sec * 1000;

function fixtureRollup(): SessionRollup {
  const r = createRollup({ sessionId: FIXTURE_SESSION, startedAt: S, endedAt: FIXTURE_END });
  for (const e of fixtureEvents()) applyEvent(r, e);
  markReturning(r, ['viewer:a', 'viewer:e', 'viewer:someone-else']);
  return r;
}

describe('report on the hand-computed fixture', () => {
  const rep = buildReport(fixtureRollup(), fixtureInputs);

  it('header, definitions version and excluded traffic', () => {
    expect(rep.definitionsVersion).toBe(DEFINITIONS_VERSION);
    expect(rep).toMatchObject({ sessionId: FIXTURE_SESSION, title: 'Fixture live', traffic: 'real', startedAt: S, endedAt: FIXTURE_END, durationMs: 600_000, minutes: 10 });
    expect(rep.excluded).toEqual({ real: 0, bot: 3, simulated: 2 });
    expect(rep.events).toBe(fixtureEvents().filter((e) => e.traffic === 'real').length);
  });

  it('UV, PV, PCU, ACU, average and median watch time', () => {
    expect(rep.audience).toMatchObject({ uv: 6, pv: 8, pcu: 4, pcuAt: s(200), totalWatchMs: 1_380_000, medianWatchMs: 150_000 });
    expect(rep.audience.acu).toBeCloseTo(2.3, 12);
    expect(rep.audience.avgWatchMs).toBe(230_000);
  });

  it('new vs returning viewers; new followers not available rather than 0', () => {
    expect(rep.audience.newViewers).toBe(4);
    expect(rep.audience.returningViewers).toBe(2);
    expect(rep.audience.newFollowers.value).toBeNull();
    expect(rep.audience.newFollowers.reason).toMatch(/not_available/);
    expect(buildReport(fixtureRollup(), { ...fixtureInputs, newFollowers: 7 }).audience.newFollowers).toEqual({ value: 7, reason: null });
  });

  it('retention curve, joins and exits per minute', () => {
    expect(rep.series.present).toEqual([2, 3, 3, 4, 3, 3, 2, 2, 2, 3]);
    // present in m and m + 1: m0 A C · m1 A B · m2 A B D · m3 A B D · m4 A B D · m5 A D · m6 A · m7 A B · m8 A B · m9 none after
    expect(rep.series.stayed).toEqual([2, 2, 3, 3, 3, 2, 1, 2, 2, 0]);
    expect(rep.retention).toEqual([2, 3, 3, 4, 3, 3, 2, 2, 2, 3].map((p) => p / 6));
    expect(rep.series.joins).toEqual([2, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
    expect(rep.series.exits).toEqual([0, 1, 0, 1, 0, 1, 1, 0, 0, 0]);
  });

  it('survival curve of a joiner (Kaplan–Meier, censored at the end)', () => {
    expect(rep.survival).toHaveLength(11);
    const expected = [5 / 6, 2 / 3, 2 / 3, 2 / 3, 2 / 9, 2 / 9, 2 / 9, 2 / 9, 2 / 9, 2 / 9, 2 / 9];
    rep.survival.forEach((p, m) => {
      expect(p.minute).toBe(m);
      expect(p.survival).toBeCloseTo(expected[m]!, 12);
    });
    expect(rep.survival.map((p) => p.atRisk)).toEqual([6, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1]);
  });

  it('interaction rate, comments, likes, shares', () => {
    expect(rep.engagement).toEqual({ interactors: 5, interactionRate: 5 / 6, comments: 2, commenters: 2, likes: 6, likers: 2, shares: 1, sharers: 1, votes: 1, drawEntries: 0, questions: 0, reservations: 0 });
    expect(rep.series.comments).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(rep.series.likes).toEqual([6, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rep.series.shares).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('funnel with step conversions', () => {
    expect(rep.funnel).toEqual([
      { step: 'view', viewers: 6, conversion: null, ofViewers: 1 },
      { step: 'click', viewers: 4, conversion: 4 / 6, ofViewers: 4 / 6 },
      { step: 'cart', viewers: 3, conversion: 3 / 4, ofViewers: 3 / 6 },
      { step: 'order', viewers: 3, conversion: 1, ofViewers: 3 / 6 },
      { step: 'pay', viewers: 2, conversion: 2 / 3, ofViewers: 2 / 6 },
    ]);
  });

  it('GMV, orders, AOV, GPM, refund rate', () => {
    expect(rep.sales).toEqual({
      gmvFen: 25_000,
      orders: 3,
      orderedFen: 35_000,
      paidOrders: 2,
      buyers: 2,
      conversion: 2 / 6,
      aovFen: 12_500,
      gpmFen: (25_000 / 6) * 1000,
      refundedFen: 5_000,
      refundedOrders: 1,
      refundRateByAmount: 0.2,
      refundRateByOrders: 0.5,
    });
    expect(rep.series.gmvFen).toEqual([0, 20_000, 5_000, 0, 0, 0, 0, 0, 0, 0]);
    expect(rep.series.gmvCumulativeFen).toEqual([0, 20_000, 25_000, 25_000, 25_000, 25_000, 25_000, 25_000, 25_000, 25_000]);
    expect(rep.series.orders).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
    expect(rep.series.refundedFen[8]).toBe(5_000);
    expect(rep.series.clicks).toEqual([1, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rep.series.carts).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(rep.series.impressions).toEqual([2, 2, 1, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('per-product figures (explanation time, clicks, orders, GMV, conversion)', () => {
    expect(rep.products.map((p) => p.productId)).toEqual(['P1', 'P2', 'P3']);
    expect(rep.products[0]).toEqual({
      productId: 'P1',
      name: 'Tea set',
      explanationMs: 150_000,
      impressions: 5,
      impressedViewers: 5,
      clicks: 3,
      clickers: 3,
      clickThrough: 3 / 5,
      carts: 1,
      cartUnits: 2,
      orders: 2,
      units: 3,
      orderedFen: 30_000,
      paidOrders: 1,
      paidUnits: 2,
      gmvFen: 20_000,
      refundedFen: 0,
      buyers: 1,
      conversion: 1 / 3,
    });
    expect(rep.products[1]).toMatchObject({ productId: 'P2', name: 'Teapot', explanationMs: 120_000, impressions: 2, clickers: 1, clickThrough: 1 / 2, gmvFen: 5_000, refundedFen: 5_000, buyers: 1, conversion: 1 });
    expect(rep.products[2]).toMatchObject({ productId: 'P3', name: 'Cups', explanationMs: 50_000, clicks: 0, clickThrough: null, conversion: null });
  });

  it('traffic sources', () => {
    expect(rep.sources).toEqual([
      { source: 'share', viewers: 3, share: 0.5, avgWatchMs: 280_000, buyers: 1, gmvFen: 20_000, conversion: 1 / 3 },
      { source: 'referral:abc', viewers: 1, share: 1 / 6, avgWatchMs: 60_000, buyers: 0, gmvFen: 0, conversion: 0 },
      { source: 'unknown', viewers: 1, share: 1 / 6, avgWatchMs: 60_000, buyers: 0, gmvFen: 0, conversion: 0 },
      { source: 'utm:wx/social/spring', viewers: 1, share: 1 / 6, avgWatchMs: 420_000, buyers: 1, gmvFen: 5_000, conversion: 1 },
    ]);
  });

  it('survey: CSAT and NPS, one answer per viewer (the last)', () => {
    expect(rep.survey.responses).toBe(3);
    expect(rep.survey.csat).toEqual({ responses: 3, mean: 11 / 3, distribution: [0, 1, 0, 1, 1] });
    expect(rep.survey.nps).toEqual({ responses: 3, score: 0, promoters: 1, passives: 1, detractors: 1, distribution: [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1] });
  });

  it('timeline annotations: viewers at start and end, change, GMV and orders during each', () => {
    const brief = rep.timeline.map((a) => [a.kind, a.title, (a.from - S) / 1000, (a.to - S) / 1000, a.viewersAtStart, a.viewersAtEnd, a.change, a.gmvFen, a.paidOrders, a.orders]);
    expect(brief).toEqual([
      ['segment', 'Opening', 0, 180, 2, 3, 0.5, 25_000, 2, 2], // bucket 0: A C; bucket 17: A B D
      ['pinned', 'Tea set', 0, 150, 2, 3, 0.5, 25_000, 2, 2], // clipped to the start; bucket 14: A B D
      ['flash_sale', 'Flash P1', 60, 120, 3, 2, -1 / 3, 20_000, 1, 1], // bucket 6: A B C; bucket 11: A B
      ['tool', 'Which colour?', 140, 200, 3, 3, 0, 5_000, 1, 0], // buckets 14–19: A B D
      ['segment', 'Chat with the maker', 180, 420, 3, 1, -2 / 3, 0, 0, 1], // bucket 41: only A; order o3 at 300 s
      ['pinned', 'Teapot', 400, 520, 1, 2, 1, 0, 0, 0], // merged 400–480 and 470–520
      ['segment', 'Finale', 420, 600, 2, 3, 0.5, 0, 0, 0],
      ['pinned', 'Cups', 550, 600, 3, 3, 0, 0, 0, 0],
    ]);
    expect(rep.timeline[4]).toMatchObject({ subtype: 'interview', fromMinute: 3, toMinute: 6, durationMs: 240_000 });
    expect(rep.timeline[5]!.subtype).toBe('P2');
  });

  it('is JSON-serialisable as is', () => {
    expect(JSON.parse(JSON.stringify(rep))).toEqual(rep);
  });

  it('a live rollup ended with setEnded gives the same report as a rebuild from the store', () => {
    const live = createRollup({ sessionId: FIXTURE_SESSION, startedAt: S });
    const events = fixtureEvents();
    for (const e of events.filter((x) => x.at < FIXTURE_END)) applyEvent(live, e);
    setEnded(live, FIXTURE_END);
    for (const e of events.filter((x) => x.at >= FIXTURE_END)) applyEvent(live, e);
    markReturning(live, ['viewer:a', 'viewer:e']);
    expect(buildReport(live, fixtureInputs)).toEqual(rep);
  });

  it('a simulated session is reported as such', () => {
    const r = createRollup({ sessionId: FIXTURE_SESSION, startedAt: S, endedAt: FIXTURE_END, includeTraffic: 'simulated' });
    for (const e of fixtureEvents()) applyEvent(r, e);
    const sim = buildReport(r, fixtureInputs);
    expect(sim.traffic).toBe('simulated');
    expect(sim.audience.uv).toBe(1);
    expect(sim.sales.gmvFen).toBe(99_000);
    expect(sim.excluded.real).toBe(rep.events);
  });
});

describe('session minutes for driver analysis', () => {
  it('derives each minute\'s factors from the timeline', () => {
    const rows = sessionMinutes(buildReport(fixtureRollup(), fixtureInputs), { discountDepth: (m) => (m < 2 ? 0.3 : 0), hostId: () => 'host-1' });
    expect(rows).toHaveLength(10);
    // minute 2 (120–180 s): Opening (showcase) all along, P1 pinned until 150 s, the poll fired at 140 s, order o2 at 130 s
    expect(rows[2]).toEqual({ sessionId: FIXTURE_SESSION, minute: 2, present: 3, stayedNext: 3, orders: 1, segmentType: 'showcase', toolsFired: 1, discountDepth: 0, productPinned: true, flashSaleActive: false, hostId: 'host-1' });
    // minute 1 (60–120 s): flash sale, P1 pinned
    expect(rows[1]).toMatchObject({ flashSaleActive: true, productPinned: true, discountDepth: 0.3, orders: 1 });
    // minute 3 (180–240 s): interview, nothing pinned
    expect(rows[3]).toMatchObject({ segmentType: 'interview', productPinned: false, toolsFired: 0 });
    expect(rows[7]).toMatchObject({ segmentType: 'showcase', productPinned: true }); // 420–480 s: Finale, P2 pinned 400–520 s
    expect(rows[9]).toMatchObject({ stayedNext: null, productPinned: true }); // P3 550 s to the end
  });
});

describe('viewer summaries (saved per viewer at the end)', () => {
  it('closes open views like the report and keeps each viewer\'s counts', () => {
    const list = viewerSummaries(fixtureRollup(), FIXTURE_END);
    expect(list.map((v) => [v.viewerKey, v.watchMs])).toEqual([
      ['viewer:a', 600_000],
      ['guest:c', 60_000],
      ['viewer:b', 420_000],
      ['guest:d', 240_000],
      ['guest:f', 0],
      ['viewer:e', 60_000],
    ]);
    expect(list.reduce((a, v) => a + v.watchMs, 0)).toBe(1_380_000);
    expect(list[0]).toEqual({
      viewerKey: 'viewer:a',
      viewed: true,
      firstAt: S,
      lastAt: s(610),
      watchMs: 600_000,
      interactions: 6, // 1 comment + 5 likes
      comments: 1,
      likes: 5,
      shares: 0,
      orders: 1,
      paidOrders: 1,
      paidFen: 20_000,
      refundedFen: 0,
      source: 'share',
      returning: true,
      csat: 5,
      nps: 10,
    });
    expect(list.find((v) => v.viewerKey === 'guest:c')).toMatchObject({ returning: false, csat: 2, nps: 3, lastAt: s(630), source: null });
  });
});

describe('empty session: every ratio is null, never NaN', () => {
  it('has nulls', () => {
    const rep = buildReport(createRollup({ sessionId: 'x', startedAt: S }), { endedAt: S });
    expect(rep.minutes).toBe(1);
    expect(rep.audience).toMatchObject({ uv: 0, pcu: 0, pcuAt: null, acu: null, avgWatchMs: null, medianWatchMs: null });
    expect(rep.engagement.interactionRate).toBeNull();
    expect(rep.sales).toMatchObject({ aovFen: null, gpmFen: null, refundRateByAmount: null, conversion: null });
    expect(rep.survey.csat.mean).toBeNull();
    expect(rep.survey.nps.score).toBeNull();
    expect(rep.retention).toEqual([null]);
    expect(rep.survival[0]!.survival).toBeNull();
  });
});

describe('retention helpers', () => {
  it('Kaplan–Meier without censoring is the empirical survival', () => {
    const pts = kaplanMeier([60_000, 120_000, 180_000, 240_000], [false, false, false, false], 4);
    expect(pts.map((p) => p.survival)).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });
  it('median', () => {
    expect(median(Float64Array.from([5, 1, 3]))).toBe(3);
    expect(median(Float64Array.from([4, 1, 3, 2]))).toBe(2.5);
    expect(median(new Float64Array(0))).toBeNull();
  });
});

// --- properties ---------------------------------------------------------------------------

const DUR = 600_000;
const eventArb = fc.record({
  viewer: fc.integer({ min: 0, max: 5 }),
  type: fc.constantFrom(...analyticsEventTypes, 'view_heartbeat', 'view_heartbeat', 'view_start'),
  sec: fc.integer({ min: -60, max: 700 }),
  product: fc.constantFrom('P1', 'P2', 'P3'),
  fen: fc.integer({ min: 0, max: 50_000 }),
  score: fc.integer({ min: 0, max: 10 }),
});
type Gen = { viewer: number; type: AnalyticsEvent['type']; sec: number; product: string; fen: number; score: number };

function toEvents(gen: Gen[], traffic: AnalyticsEvent['traffic'] = 'real', prefix = 'p'): AnalyticsEvent[] {
  return gen
    .map((g, i): AnalyticsEvent => ({
      id: `${prefix}${i}`,
      type: g.type,
      sessionId: 's',
      viewerKey: `${traffic}:${g.viewer}`,
      at: S + g.sec * 1000,
      streamMs: null,
      source: g.viewer % 2 ? 'share' : null,
      traffic,
      productId: g.product,
      ref: `o${i}`,
      amountFen: g.fen,
      lines: [{ productId: g.product, qty: 1, amountFen: g.fen }],
      csat: 1 + (g.score % 5),
      nps: g.score,
    }))
    .sort((a, b) => a.at - b.at);
}

function reportOf(events: AnalyticsEvent[]): SessionReport {
  const r = createRollup({ sessionId: 's', startedAt: S, endedAt: S + DUR });
  for (const e of events) applyEvent(r, e);
  return buildReport(r, { endedAt: S + DUR, explanations: [{ productId: 'P1', from: S + 100_000, to: S + 200_000 }], segments: [{ kind: 'news', title: 'x', from: S, to: null }] });
}

function numbersAreFinite(x: unknown): boolean {
  if (typeof x === 'number') return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(numbersAreFinite);
  if (x && typeof x === 'object') return Object.values(x).every(numbersAreFinite);
  return true;
}

describe('report properties', () => {
  it('funnel non-increasing, shares in [0, 1], survival non-increasing, watch ≤ live, no NaN/Infinity', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 80 }), (gen) => {
        const rep = reportOf(toEvents(gen as Gen[]));
        for (let k = 1; k < rep.funnel.length; k++) expect(rep.funnel[k]!.viewers).toBeLessThanOrEqual(rep.funnel[k - 1]!.viewers);
        for (const x of rep.retention) if (x !== null) expect(x >= 0 && x <= 1).toBe(true);
        for (let k = 1; k < rep.survival.length; k++) if (rep.audience.uv > 0) expect(rep.survival[k]!.survival!).toBeLessThanOrEqual(rep.survival[k - 1]!.survival!);
        for (const p of rep.survival) if (p.survival !== null) expect(p.survival >= 0 && p.survival <= 1).toBe(true);
        if (rep.audience.avgWatchMs !== null) expect(rep.audience.avgWatchMs).toBeLessThanOrEqual(DUR);
        if (rep.audience.medianWatchMs !== null) expect(rep.audience.medianWatchMs).toBeLessThanOrEqual(DUR);
        expect(rep.audience.pcu).toBeLessThanOrEqual(rep.audience.uv);
        if (rep.engagement.interactionRate !== null) expect(rep.engagement.interactionRate).toBeLessThanOrEqual(1);
        expect(rep.sales.conversion === null || rep.sales.conversion <= 1).toBe(true);
        expect(rep.series.gmvCumulativeFen.at(-1)).toBe(rep.sales.gmvFen);
        expect(numbersAreFinite(rep)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('bot and simulated traffic never change the real report', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 50 }), fc.array(eventArb, { maxLength: 50 }), fc.constantFrom('bot' as const, 'simulated' as const), (real, other, kind) => {
        const a = toEvents(real as Gen[]);
        const b = toEvents(other as Gen[], kind, 'x');
        const one = reportOf(a);
        const two = reportOf([...a, ...b].sort((x, y) => x.at - y.at));
        expect({ ...two, excluded: null }).toEqual({ ...one, excluded: null });
        expect(two.excluded[kind]).toBe(b.length);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * A plain reference for the presence rules (docs/metrics.md), written the slow, obvious way:
 * each viewer's intervals, then presence by checking every minute and bucket against every interval.
 */
function referencePresence(events: AnalyticsEvent[], startedAt: number, endedAt: number) {
  const byViewer = new Map<string, AnalyticsEvent[]>();
  for (const e of events) if (e.type.startsWith('view_')) byViewer.set(e.viewerKey, [...(byViewer.get(e.viewerKey) ?? []), e]);
  const intervals = new Map<string, [number, number][]>();
  for (const [key, list] of byViewer) {
    const out: [number, number][] = [];
    let open = false;
    let conns = 0;
    let start = 0;
    let last = 0;
    for (const e of list) {
      let t = Math.min(e.at, endedAt);
      if (open) {
        t = Math.max(t, last);
        if (t - last > VIEW_TIMEOUT_MS) {
          out.push([start, last]);
          open = false;
        } else {
          last = t;
          if (e.type === 'view_start') conns++;
          else if (e.type === 'view_end') {
            if (--conns <= 0) {
              out.push([start, t]);
              open = false;
            }
          } else conns = Math.max(conns, 1);
          continue;
        }
      }
      if (e.type !== 'view_end') {
        open = true;
        conns = 1;
        start = last = t;
      }
    }
    if (open) out.push([start, endedAt - last <= VIEW_TIMEOUT_MS ? endedAt : last]);
    intervals.set(key, out);
  }
  const dur = endedAt - startedAt;
  const L = Math.max(1, Math.ceil(dur / 60_000));
  const B = Math.max(1, Math.ceil(dur / 10_000));
  const idx = (t: number, size: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor((Math.min(t, endedAt - 1) - startedAt) / size)));
  const count = (size: number, n: number) =>
    Array.from({ length: n }, (_, k) => [...intervals.values()].filter((iv) => iv.some(([a, b]) => idx(a, size, n) <= k && k <= idx(b, size, n))).length);
  const inMinute = (iv: [number, number][], k: number) => iv.some(([a, b]) => idx(a, 60_000, L) <= k && k <= idx(b, 60_000, L));
  const stayedNext = Array.from({ length: L }, (_, k) => [...intervals.values()].filter((iv) => k + 1 < L && inMinute(iv, k) && inMinute(iv, k + 1)).length);
  const watch = [...intervals.values()].map((iv) => Math.min(dur, iv.reduce((x, [a, b]) => x + Math.max(0, b - Math.max(a, startedAt)), 0)));
  const buckets = count(10_000, B);
  return { present: count(60_000, L), stayedNext, pcu: Math.max(0, ...buckets), totalWatch: watch.reduce((x, y) => x + y, 0), uv: intervals.size };
}

describe('presence agrees with a plain reference implementation', () => {
  it('per-minute presence, stayed to the next minute, PCU, watch time and UV', () => {
    const step = fc.record({ gap: fc.integer({ min: 0, max: 70_000 }), type: fc.constantFrom('view_start' as const, 'view_heartbeat' as const, 'view_end' as const) });
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 25 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1_000, max: 400_000 }), (viewers, dur) => {
        const events: AnalyticsEvent[] = viewers
          .flatMap((steps, v) => {
            let t = S - 20_000;
            return steps.map((st, i): AnalyticsEvent => ({ id: `v${v}-${i}`, type: st.type, sessionId: 's', viewerKey: `v${v}`, at: (t += st.gap), streamMs: null, source: null, traffic: 'real' }));
          })
          .sort((a, b) => a.at - b.at);
        const r = createRollup({ sessionId: 's', startedAt: S, endedAt: S + dur });
        for (const e of events) applyEvent(r, e);
        const rep = buildReport(r, { endedAt: S + dur });
        const ref = referencePresence(events, S, S + dur);
        expect(rep.series.present).toEqual(ref.present);
        expect(rep.series.stayed).toEqual(ref.stayedNext);
        expect(rep.audience.pcu).toBe(ref.pcu);
        expect(rep.audience.totalWatchMs).toBe(ref.totalWatch);
        expect(rep.audience.uv).toBe(ref.uv);
      }),
      { numRuns: 400 },
    );
  });
});
