import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalIntensity, buildPlan, planTimeline, sourceQuery, summarizePlan, validatePlanOptions, type SimulationPlan } from './simulation-plan.js';

function invariants(plan: SimulationPlan): void {
  expect(plan.people.length).toBeLessThanOrEqual(plan.viewers);
  for (const p of plan.people) {
    expect(p.arriveMs).toBeGreaterThanOrEqual(0);
    expect(p.leaveMs).toBeGreaterThan(p.arriveMs);
    expect(p.leaveMs).toBeLessThanOrEqual(plan.durationMs);
    for (const a of p.actions) {
      expect(a.atMs).toBeGreaterThanOrEqual(p.arriveMs);
      expect(a.atMs).toBeLessThan(p.leaveMs);
    }
    for (let i = 1; i < p.actions.length; i++) expect(p.actions[i]!.atMs).toBeGreaterThanOrEqual(p.actions[i - 1]!.atMs);
    // The funnel holds per viewer: a purchase follows an add to cart, which follows a click.
    const first = (k: string) => p.actions.findIndex((a) => a.kind === k);
    if (first('buy') >= 0) expect(first('cart')).toBeGreaterThanOrEqual(0);
    if (first('cart') >= 0) {
      expect(first('click')).toBeGreaterThanOrEqual(0);
      expect(first('click')).toBeLessThan(first('cart'));
    }
    if (first('buy') >= 0) expect(first('cart')).toBeLessThan(first('buy'));
    if (p.source.channel === 'share') expect(p.source.sharerIndex).toBeLessThan(p.index);
  }
}

describe('simulation plan', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = buildPlan({ seed: 7, viewers: 300, minutes: 10 });
    const b = buildPlan({ seed: 7, viewers: 300, minutes: 10 });
    const c = buildPlan({ seed: 8, viewers: 300, minutes: 10 });
    expect(b).toEqual(a);
    expect(c.people.map((p) => p.arriveMs)).not.toEqual(a.people.map((p) => p.arriveMs));
  });

  it('everyone arrives once, in order of their number, and leaves after arriving, by the end', () => {
    const plan = buildPlan({ seed: 1, viewers: 500, minutes: 20 });
    expect(plan.people).toHaveLength(500);
    expect(plan.durationMs).toBe(20 * 60_000);
    for (let i = 1; i < plan.people.length; i++) expect(plan.people[i]!.arriveMs).toBeGreaterThanOrEqual(plan.people[i - 1]!.arriveMs);
    invariants(plan);
    const t = planTimeline(plan);
    expect(t.filter((e) => e.kind === 'arrive')).toHaveLength(500);
    expect(t.filter((e) => e.kind === 'leave')).toHaveLength(500);
    for (let i = 1; i < t.length; i++) expect(t[i]!.atMs).toBeGreaterThanOrEqual(t[i - 1]!.atMs);
  });

  it('arrivals ramp up, hold a plateau and thin out in the tail', () => {
    expect(arrivalIntensity(0)).toBeLessThan(arrivalIntensity(0.1));
    expect(arrivalIntensity(0.3)).toBe(1);
    expect(arrivalIntensity(0.95)).toBeLessThan(0.4);
    const s = summarizePlan(buildPlan({ seed: 3, viewers: 2000, minutes: 20 }));
    const per = s.perMinute.map((m) => m.arrivals);
    const avg = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    // First minute below the plateau (minutes 4-13), last two minutes well below it.
    expect(per[0]!).toBeLessThan(avg(per.slice(4, 14)) * 0.7);
    expect(avg(per.slice(18))).toBeLessThan(avg(per.slice(4, 14)) * 0.5);
    // Presence builds up and the peak is in the middle, not at the start.
    const present = s.perMinute.map((m) => m.present);
    const peakMinute = present.indexOf(Math.max(...present));
    expect(peakMinute).toBeGreaterThan(2);
    expect(s.peakPresent).toBeLessThan(2000);
    expect(s.peakPresent).toBeGreaterThan(200);
  });

  it('watch time is long-tailed and the funnel narrows at each step, near a few percent of buyers', () => {
    const plan = buildPlan({ seed: 11, viewers: 2000, minutes: 30 });
    const s = summarizePlan(plan);
    const stays = plan.people.map((p) => p.leaveMs - p.arriveMs).sort((a, b) => a - b);
    const mean = stays.reduce((x, y) => x + y, 0) / stays.length;
    expect(mean).toBeGreaterThan(stays[stays.length >> 1]!); // right skew
    const did = (k: string) => plan.people.filter((p) => p.actions.some((a) => a.kind === k)).length;
    expect(did('impression')).toBe(2000);
    expect(did('click')).toBeGreaterThan(did('cart'));
    expect(did('cart')).toBeGreaterThan(did('buy'));
    expect(s.buyers / 2000).toBeGreaterThan(0.02);
    expect(s.buyers / 2000).toBeLessThan(0.12);
    expect(did('chat')).toBeGreaterThan(200);
    expect(did('chat')).toBeLessThan(2000);
    // Every persona and every source channel shows up.
    for (const n of Object.values(s.personas)) expect(n).toBeGreaterThan(0);
    const channels = new Set(plan.people.map((p) => p.source.channel));
    expect([...channels].sort()).toEqual(['direct', 'referral', 'referrer', 'share', 'utm']);
  });

  it('--buy-share sets the share of buyers', () => {
    const plan = buildPlan({ seed: 5, viewers: 1000, minutes: 5, buyShare: 0.3 });
    const buyers = summarizePlan(plan).buyers;
    expect(buyers).toBeGreaterThan(240);
    expect(buyers).toBeLessThan(360);
    expect(summarizePlan(buildPlan({ seed: 5, viewers: 100, minutes: 5, buyShare: 0 })).buyers).toBe(0);
    invariants(plan);
  });

  it('a short demo plan still has people chatting, liking and buying', () => {
    const plan = buildPlan({ seed: 1, viewers: 20, minutes: 0.5, buyShare: 0.3 });
    const s = summarizePlan(plan);
    expect(s.actions.chat).toBeGreaterThan(0);
    expect(s.likes).toBeGreaterThan(0);
    expect(s.buyers).toBeGreaterThan(0);
    invariants(plan);
  });

  it('source query parameters use the room URL names', () => {
    expect(sourceQuery({ channel: 'direct' }, String)).toEqual({});
    expect(sourceQuery({ channel: 'share', sharerIndex: 3 }, (i) => `id${i}`)).toEqual({ src: 'share', by: 'id3' });
    expect(sourceQuery({ channel: 'referral', code: 'VIP88' }, String)).toEqual({ ref: 'VIP88' });
    expect(sourceQuery({ channel: 'utm', utmSource: 'weibo', utmMedium: 'social', utmCampaign: 'x' }, String)).toEqual({ utm_source: 'weibo', utm_medium: 'social', utm_campaign: 'x' });
    expect(sourceQuery({ channel: 'referrer', host: 'weibo.com' }, String)).toEqual({ rh: 'weibo.com' });
  });

  it('rejects options out of range, naming the flag', () => {
    expect(validatePlanOptions({ seed: 1, viewers: 0, minutes: 10 })).toEqual(['--viewers: expected a whole number 1-2000']);
    expect(validatePlanOptions({ seed: 1, viewers: 2001, minutes: 10 })[0]).toMatch(/--viewers/);
    expect(validatePlanOptions({ seed: -1, viewers: 10, minutes: 0 })).toHaveLength(2);
    expect(validatePlanOptions({ seed: 1, viewers: 10, minutes: 10, buyShare: 2 })[0]).toMatch(/--buy-share/);
    expect(() => buildPlan({ seed: 1, viewers: 10.5, minutes: 1 })).toThrow(/--viewers/);
  });

  it('property: arrivals ≤ viewers, every departure after its arrival, actions inside the stay, deterministic per seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0.1, max: 120, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        (seed, viewers, minutes, buyShare) => {
          const plan = buildPlan({ seed, viewers, minutes, buyShare });
          invariants(plan);
          const arrivals = planTimeline(plan).filter((e) => e.kind === 'arrive').length;
          expect(arrivals).toBeLessThanOrEqual(viewers);
          expect(buildPlan({ seed, viewers, minutes, buyShare })).toEqual(plan);
        },
      ),
      { numRuns: 40 },
    );
  });
});
