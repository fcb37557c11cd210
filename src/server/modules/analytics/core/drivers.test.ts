import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { driverAnalysis, driverSentence, formatPoints, isDriverFit, type DriverFit, type DriverOutcome, type SessionMinute } from './drivers.js';
import { mulberry32 as seeded } from '../../../platform/seeded-random.js';


function fit(o: DriverOutcome): DriverFit {
  if (!isDriverFit(o)) throw new Error(`insufficient: ${o.detail ?? o.reason} (n ${o.n}, needed ${o.needed})`);
  return o;
}

const base: Omit<SessionMinute, 'sessionId' | 'minute'> = {
  present: 100,
  stayedNext: 90,
  orders: 1,
  segmentType: 'showcase',
  toolsFired: 0,
  discountDepth: 0,
  productPinned: false,
  flashSaleActive: false,
  hostId: 'h1',
};

describe('driverAnalysis on a hand-computed fixture', () => {
  // 40 minutes, two sessions; only "product pinned" varies. Pinned minutes keep 90 or 92 of 100 viewers
  // (mean 0.91), the others 80 or 82 (mean 0.81): β = 0.10, residuals ±0.01 → SSE = 0.004, df = 38,
  // se = √(0.004/38 · (1/20 + 1/20)) = 0.0032444, t(38) 97.5% = 2.0243941639 (scipy.stats.t.ppf),
  // CI = 10.0 ± 0.657 points → 9.34 to 10.66.
  const minutes: SessionMinute[] = Array.from({ length: 40 }, (_, i) => {
    const pinned = i % 2 === 0;
    const wobble = i % 4 < 2 ? 0 : 2;
    return { ...base, sessionId: i < 20 ? 's1' : 's2', minute: i % 20, productPinned: pinned, stayedNext: (pinned ? 90 : 80) + wobble };
  });

  it('estimates the difference of means with its t interval', () => {
    const a = driverAnalysis(minutes);
    const r = fit(a.retention);
    expect(r.n).toBe(40);
    expect(r.sessions).toBe(2);
    expect(r.notVaried).toEqual(['segmentType', 'toolsFired', 'discountDepth', 'flashSaleActive', 'host']);
    expect(r.effects).toHaveLength(1);
    const e = r.effects[0]!;
    expect(e.factor).toBe('productPinned');
    expect(e.beta).toBeCloseTo(0.1, 12);
    expect(e.se).toBeCloseTo(0.003244428422615251, 12);
    expect(e.points.low).toBeCloseTo(9.343199803602758, 8);
    expect(e.points.high).toBeCloseTo(10.656800196397244, 8);
    expect(e.verdict).toBe('raises');
    expect(driverSentence(e, r)).toBe(
      'Minutes with a product pinned keep 10.0 points more viewers to the next minute than minutes without (95% CI 9.3 to 10.7; 40 minutes from 2 sessions)',
    );
  });

  it('conversion that does not vary is "not enough data", never a fit', () => {
    const a = driverAnalysis(minutes);
    expect(a.conversion).toMatchObject({ outcome: 'conversion', insufficient: true, reason: 'not enough data', n: 40, needed: 30, detail: 'the outcome does not vary' });
  });

  it('leaves out last minutes (stayedNext null) and minutes under 5 viewers', () => {
    const more = [...minutes, { ...base, sessionId: 's1', minute: 20, stayedNext: null }, { ...base, sessionId: 's1', minute: 21, present: 4, stayedNext: 1 }];
    const a = driverAnalysis(more);
    expect(fit(a.retention).n).toBe(40);
    expect(a.conversion.n).toBe(41);
  });

  it('is "not enough data" under max(30, 10 × columns) minutes', () => {
    const a = driverAnalysis(minutes.slice(0, 29));
    expect(a.retention).toEqual({ outcome: 'retention', insufficient: true, reason: 'not enough data', n: 29, needed: 30, sessions: 2 });
  });

  it('leaves out a factor that always moves with another (singular design) and lists it', () => {
    const tied = minutes.map((m) => ({ ...m, flashSaleActive: m.productPinned }));
    const a = driverAnalysis(tied);
    expect(isDriverFit(a.retention)).toBe(true);
    if (!isDriverFit(a.retention)) return;
    expect(a.retention.collinear).toEqual(['flashSaleActive']);
    expect(a.retention.effects.some((e) => e.factor === 'flashSaleActive')).toBe(false);
    expect(a.retention.effects.some((e) => e.factor === 'productPinned')).toBe(true);
  });
});

/** Eight sessions of 90 minutes with known effects, plus noise. */
function synthetic(seed: number): SessionMinute[] {
  const random = seeded(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const kinds = ['showcase', 'showcase', 'teaching', 'news'];
  const out: SessionMinute[] = [];
  for (let s = 0; s < 8; s++) {
    const hostId = s % 3 === 0 ? 'anna' : 'bo';
    for (let minute = 0; minute < 90; minute++) {
      const segmentType = minute < 5 ? null : kinds[Math.floor(minute / 10) % 4]!;
      const productPinned = random() < 0.5;
      const flashSaleActive = random() < 0.15;
      const toolsFired = random() < 0.2 ? 1 + Math.floor(random() * 2) : 0;
      const discountDepth = [0, 0.1, 0.2, 0.3][Math.floor(random() * 4)]!;
      const present = 300 + Math.floor(random() * 400);
      // True model: pinned +5 points, news −6, each tool +2, host bo −1 (small); flash sale 0.
      const keep = 0.8 + 0.05 * (productPinned ? 1 : 0) - 0.06 * (segmentType === 'news' ? 1 : 0) + 0.02 * toolsFired - 0.01 * (hostId === 'bo' ? 1 : 0) + 0.02 * gauss();
      // Conversion: flash sale +1.5 orders per 100 viewers, discount +0.4 per 10 points.
      const conv = Math.max(0, 0.01 + 0.015 * (flashSaleActive ? 1 : 0) + 0.04 * discountDepth + 0.004 * gauss());
      out.push({ sessionId: `s${s}`, minute, present, stayedNext: minute === 89 ? null : Math.round(present * Math.min(1, keep)), orders: Math.round(present * conv), segmentType, toolsFired, discountDepth, productPinned, flashSaleActive, hostId });
    }
  }
  return out;
}

describe('driverAnalysis on synthetic sessions with known effects', () => {
  const a = driverAnalysis(synthetic(4));
  const retention = fit(a.retention);
  const conversion = fit(a.conversion);
  const find = (o: DriverFit, factor: string, level?: string) => o.effects.find((e) => e.factor === factor && e.level === level)!;

  it('finds the effects that are there and covers the true values', () => {
    expect(retention.n).toBe(8 * 89);
    expect(retention.sessions).toBe(8);
    expect(retention.baselines).toEqual({ segmentType: 'showcase', host: 'bo' });
    const pinned = find(retention, 'productPinned');
    expect(pinned.verdict).toBe('raises');
    expect(pinned.ciLow).toBeLessThan(0.05);
    expect(pinned.ciHigh).toBeGreaterThan(0.05);
    expect(find(retention, 'segmentType', 'news').verdict).toBe('lowers');
    expect(find(retention, 'toolsFired').verdict).toBe('raises');
    expect(find(retention, 'host', 'anna').verdict).toBe('raises');
    expect(find(conversion, 'flashSaleActive').verdict).toBe('raises');
    const discount = find(conversion, 'discountDepth');
    expect(discount.verdict).toBe('raises');
    expect(discount.points.low).toBeLessThan(0.4);
    expect(discount.points.high).toBeGreaterThan(0.4);
    expect(find(conversion, 'productPinned').verdict).toBe('unclear');
  });

  it('with errors clustered by session, intervals use sessions − 1 df and are wider here', () => {
    const clustered = driverAnalysis(synthetic(4), { errors: 'clustered' });
    const r = fit(clustered.retention);
    expect(clustered.errors).toBe('clustered');
    expect(r.errors).toBe('clustered');
    const classical = find(retention, 'productPinned');
    const robust = find(r, 'productPinned');
    expect(robust.beta).toBeCloseTo(classical.beta, 12);
    // Host varies only between sessions: 8 sessions, 7 df, so its interval is wider than the naive one.
    const hostC = find(retention, 'host', 'anna');
    const hostR = find(r, 'host', 'anna');
    expect(hostR.ciHigh - hostR.ciLow).toBeGreaterThan(hostC.ciHigh - hostC.ciLow);
  });

  it('lists clear effects first, then by size', () => {
    const v = retention.effects.map((e) => e.verdict === 'unclear');
    expect(v).toEqual([...v].sort((x, y) => Number(x) - Number(y)));
  });

  it('renders sentences for every kind of factor', () => {
    const s = (o: DriverFit, factor: string, level?: string) => driverSentence(find(o, factor, level), o, { host: (h) => h.toUpperCase() });
    expect(s(retention, 'segmentType', 'news')).toMatch(/^News minutes keep \d+\.\d points fewer viewers to the next minute than showcase minutes \(the most common\) \(95% CI -\d+\.\d to -\d+\.\d; 712 minutes from 8 sessions\)$/);
    expect(s(retention, 'toolsFired')).toMatch(/^Each interactive tool fired in a minute keeps \d\.\d points more viewers to the next minute \(95% CI/);
    expect(s(retention, 'host', 'anna')).toMatch(/^Minutes hosted by ANNA keep .* than minutes hosted by BO \(the most common\)/);
    expect(s(conversion, 'discountDepth')).toMatch(/^Every 10 points of extra discount brings 0\.\d+ more orders per 100 viewers \(95% CI/);
    expect(s(conversion, 'productPinned')).toMatch(/^Minutes with a product pinned make no clear difference to orders per 100 viewers compared with minutes without \(estimate [+-]?\d/);
    expect(s(retention, 'segmentType', 'none')).toMatch(/^Minutes outside any segment /);
  });
});

describe('formatPoints', () => {
  it('keeps small effects visible and never prints -0.0', () => {
    expect(formatPoints(4.123)).toBe('4.1');
    expect(formatPoints(0.0432)).toBe('0.043');
    expect(formatPoints(-0.01, 5)).toBe('0.0');
    expect(formatPoints(-1.26)).toBe('-1.3');
  });
});

describe('driverAnalysis properties', () => {
  it('verdict agrees with the interval; effects only for varied factors; n ≥ needed when fitted', () => {
    const minute = fc.record({
      sessionId: fc.constantFrom('a', 'b', 'c'),
      minute: fc.nat(200),
      present: fc.integer({ min: 0, max: 50 }),
      stayedFrac: fc.double({ min: 0, max: 1, noNaN: true }),
      orders: fc.integer({ min: 0, max: 5 }),
      segmentType: fc.constantFrom(null, 'showcase', 'news'),
      toolsFired: fc.integer({ min: 0, max: 2 }),
      discountDepth: fc.constantFrom(0, 0.1, 0.5),
      productPinned: fc.boolean(),
      flashSaleActive: fc.boolean(),
      hostId: fc.constantFrom('h1', 'h2', null),
    });
    fc.assert(
      fc.property(fc.array(minute, { maxLength: 300 }), (rows) => {
        const minutes: SessionMinute[] = rows.map(({ stayedFrac, ...m }) => ({ ...m, stayedNext: Math.floor(stayedFrac * m.present) }));
        const a = driverAnalysis(minutes);
        for (const o of [a.retention, a.conversion]) {
          if (!isDriverFit(o)) {
            expect(o.reason).toBe('not enough data');
            continue;
          }
          expect(o.n).toBeGreaterThanOrEqual(30);
          expect(o.n).toBeGreaterThanOrEqual(10 * o.effects.length);
          for (const e of o.effects) {
            expect(o.notVaried).not.toContain(e.factor);
            const spans = e.ciLow <= 0 && e.ciHigh >= 0;
            expect(e.verdict === 'unclear').toBe(spans);
            if (e.verdict === 'raises') expect(e.ciLow).toBeGreaterThan(0);
            if (e.verdict === 'lowers') expect(e.ciHigh).toBeLessThan(0);
            expect(typeof driverSentence(e, o)).toBe('string');
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('driverAnalysis with factors that move together', () => {
  it('leaves out a collinear factor and lists it, and still estimates the others', () => {
    // Every flash-sale minute is at 30% off, so discount depth = 0.3 × flash sale: one of them must go.
    const minutes = Array.from({ length: 120 }, (_, i) => {
      const flash = i % 4 === 0;
      const pinned = i % 3 === 0;
      return {
        sessionId: `s${i % 6}`,
        minute: i,
        present: 100,
        stayedNext: 80 + (pinned ? 10 : 0) + (i % 7),
        orders: pinned ? 3 : 1,
        segmentType: null,
        toolsFired: 0,
        discountDepth: flash ? 0.3 : 0,
        productPinned: pinned,
        flashSaleActive: flash,
        hostId: null,
      };
    });
    const a = driverAnalysis(minutes);
    expect(isDriverFit(a.retention)).toBe(true);
    if (!isDriverFit(a.retention)) return;
    expect(a.retention.collinear).toEqual(['flashSaleActive']);
    expect(a.retention.effects.map((e) => e.factor).sort()).toEqual(['discountDepth', 'productPinned']);
    const pinned = a.retention.effects.find((e) => e.factor === 'productPinned')!;
    expect(pinned.verdict).toBe('raises');
  });
});
