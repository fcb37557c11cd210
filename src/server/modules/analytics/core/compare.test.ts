import { describe, expect, it } from 'vitest';
import { FIXTURE_END, FIXTURE_SESSION, FIXTURE_START, fixtureEvents, fixtureInputs } from '../../../../../test/support/analytics-fixture.js';
import { compareReports, KPI_DEFS, kpisOf } from './compare.js';
import { buildReport, type SessionReport } from './report.js';
import { applyEvent, createRollup } from './session-rollup.js';

function fixtureReport(): SessionReport {
  const r = createRollup({ sessionId: FIXTURE_SESSION, startedAt: FIXTURE_START, endedAt: FIXTURE_END });
  for (const e of fixtureEvents()) applyEvent(r, e);
  return buildReport(r, fixtureInputs);
}

/** The fixture's report with some figures changed by hand (another session). */
function variant(id: string, patch: { gmvFen?: number; uv?: number; refundRate?: number | null }): SessionReport {
  const r = structuredClone(fixtureReport());
  r.sessionId = id;
  if (patch.gmvFen !== undefined) r.sales.gmvFen = patch.gmvFen;
  if (patch.uv !== undefined) r.audience.uv = patch.uv;
  if (patch.refundRate !== undefined) r.sales.refundRateByAmount = patch.refundRate;
  return r;
}

describe('compareReports', () => {
  it('reads every KPI from the report where the metric is defined', () => {
    const r = fixtureReport();
    const k = kpisOf(r);
    expect(Object.keys(k).sort()).toEqual(KPI_DEFS.map((d) => d.key).sort());
    expect(k.uv).toBe(r.audience.uv);
    expect(k.gmvFen).toBe(r.sales.gmvFen);
    expect(k.clickRate).toBe(r.funnel.find((s) => s.step === 'click')!.ofViewers);
    expect(k.nps).toBe(r.survey.nps.score);
  });

  it('gives differences from the first session, absolute and relative', () => {
    const a = variant('a', { gmvFen: 10_000, uv: 100 });
    const b = variant('b', { gmvFen: 15_000, uv: 80 });
    const c = variant('c', { gmvFen: 0, uv: 100 });
    const cmp = compareReports([a, b, c], []);
    expect(cmp.sessions.map((s) => s.sessionId)).toEqual(['a', 'b', 'c']);
    expect(cmp.sessions[0]!.diff.gmvFen).toEqual({ abs: 0, rel: 0 });
    expect(cmp.sessions[1]!.diff.gmvFen).toEqual({ abs: 5_000, rel: 0.5 });
    expect(cmp.sessions[1]!.diff.uv).toEqual({ abs: -20, rel: -0.2 });
    expect(cmp.sessions[2]!.diff.gmvFen).toEqual({ abs: -10_000, rel: -1 });
    // A baseline of 0 has no relative difference; a missing figure has none at all.
    const z = compareReports([c, a], []);
    expect(z.sessions[1]!.diff.gmvFen).toEqual({ abs: 10_000, rel: null });
    const n = compareReports([variant('x', { refundRate: null }), a], []);
    expect(n.sessions[1]!.diff.refundRate).toEqual({ abs: null, rel: null });
    expect(cmp.curves.present).toHaveLength(3);
    expect(cmp.curves.retention[0]).toEqual(a.series.retention);
  });

  it('places each session in the brand history: bands and percentile ranks', () => {
    const history = [1_000, 2_000, 3_000, 4_000, 5_000].map((g, i) => variant(`h${i}`, { gmvFen: g }));
    const cmp = compareReports([variant('s', { gmvFen: 4_500 }), variant('t', { gmvFen: 500 })], history);
    expect(cmp.history.sessions).toBe(5);
    const bands = cmp.history.bands.gmvFen!;
    expect(bands.bands.find((b) => b.p === 50)!.value).toBe(3_000);
    // 4,500 is above 4 of the 5 past sessions: rank 80. 500 is below all: 0.
    expect(cmp.sessions[0]!.rank.gmvFen).toBe(80);
    expect(cmp.sessions[1]!.rank.gmvFen).toBe(0);
    // With fewer than 2 past sessions there are no bands and no ranks.
    const thin = compareReports([history[0]!, history[1]!], [history[0]!]);
    expect(thin.history.bands.gmvFen).toBeNull();
    expect(thin.sessions[0]!.rank.gmvFen).toBeNull();
  });
});
