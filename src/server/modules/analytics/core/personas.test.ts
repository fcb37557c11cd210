import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseK } from './kmeans.js';
import { clusteringMatrix, personaCode, personas, PERSONA_FEATURES, type FeatureRecord, type Trait } from './personas.js';
import { mulberry32 as seeded } from '../../../platform/seeded-random.js';


describe('personas on a hand-computed fixture', () => {
  // Columns: recencyDays, sessions, spendFen, watchMinutes, interactions.
  const raw = [
    [1, 10, 50_000, 300, 40],
    [3, 8, 30_000, 200, 20],
    [60, 1, 0, 5, 0],
    [90, 1, 0, 15, 2],
  ];
  const p = personas({ k: 2, labels: Int32Array.from([0, 0, 1, 1]), silhouette: 0.7 }, raw);

  it('reports size, share, means and z against the overall mean and sd', () => {
    expect(p.n).toBe(4);
    expect(p.silhouette).toBe(0.7);
    expect(p.overall.means).toEqual({ recencyDays: 38.5, sessions: 5, spendFen: 20_000, watchMinutes: 130, interactions: 15.5 });
    // recency deviations −37.5, −35.5, 21.5, 51.5 → population variance 5781/4 = 1445.25.
    expect(p.overall.sds.recencyDays).toBeCloseTo(Math.sqrt(1445.25), 12);
    const [a, b] = p.personas;
    expect(a!.cluster).toBe(0);
    expect(a!.size).toBe(2);
    expect(a!.share).toBe(0.5);
    expect(a!.means).toEqual({ recencyDays: 2, sessions: 9, spendFen: 40_000, watchMinutes: 250, interactions: 30 });
    expect(a!.z.recencyDays).toBeCloseTo(-36.5 / Math.sqrt(1445.25), 12);
    expect(b!.means).toEqual({ recencyDays: 75, sessions: 1, spendFen: 0, watchMinutes: 10, interactions: 1 });
  });

  it('names the patterns', () => {
    const [a, b] = p.personas;
    expect(a!.traits).toEqual({ recencyDays: 'low', sessions: 'high', spendFen: 'high', watchMinutes: 'high', interactions: 'high' });
    expect(a!.persona).toBe('loyal_big_spender');
    expect(b!.traits.recencyDays).toBe('high');
    expect(b!.persona).toBe('lapsed_visitor');
  });

  it('rejects mismatched labels and rows', () => {
    expect(() => personas({ k: 2, labels: Int32Array.from([0, 1]) }, raw)).toThrow(RangeError);
    expect(() => personas({ k: 1, labels: Int32Array.from([0, 0, 0, 1]) }, raw)).toThrow(RangeError);
    expect(() => clusteringMatrix([[1, 2, 3]])).toThrow(RangeError);
  });
});

describe('personaCode', () => {
  const t = (over: Partial<FeatureRecord<Trait>>): FeatureRecord<Trait> => ({ recencyDays: 'typical', sessions: 'typical', spendFen: 'typical', watchMinutes: 'typical', interactions: 'typical', ...over });
  const m = (spendFen: number): FeatureRecord<number> => ({ recencyDays: 1, sessions: 1, spendFen, watchMinutes: 1, interactions: 1 });
  it('follows the documented order', () => {
    expect(personaCode(t({ recencyDays: 'high', spendFen: 'high' }), m(9000))).toBe('lapsed_buyer');
    expect(personaCode(t({ recencyDays: 'high' }), m(0))).toBe('lapsed_visitor');
    expect(personaCode(t({ spendFen: 'high', sessions: 'high' }), m(9000))).toBe('loyal_big_spender');
    expect(personaCode(t({ spendFen: 'high' }), m(9000))).toBe('big_spender');
    expect(personaCode(t({ interactions: 'high', watchMinutes: 'high' }), m(0))).toBe('engaged_browser');
    expect(personaCode(t({ watchMinutes: 'high', interactions: 'low' }), m(0))).toBe('silent_watcher');
    expect(personaCode(t({ sessions: 'low', recencyDays: 'low' }), m(0))).toBe('new_visitor');
    expect(personaCode(t({ sessions: 'high' }), m(0))).toBe('regular_viewer');
    expect(personaCode(t({}), m(0))).toBe('casual_viewer');
  });
});

describe('personas after chooseK', () => {
  /** Five audiences with multiplicative noise (lognormal, σ 0.25). */
  function audience(random: () => number): { raw: number[][]; truth: string[] } {
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const groups: [string, number, number[]][] = [
      ['loyal_big_spender', 100, [3, 25, 300_000, 900, 40]],
      ['engaged_browser', 150, [4, 10, 2_000, 300, 120]],
      ['silent_watcher', 150, [5, 8, 0, 700, 1]],
      ['new_visitor', 400, [2, 1, 0, 10, 1]],
      ['lapsed_visitor', 200, [120, 2, 0, 20, 0]],
    ];
    const raw: number[][] = [];
    const truth: string[] = [];
    for (const [code, size, centre] of groups) {
      for (let i = 0; i < size; i++) {
        raw.push(centre.map((v, j) => (j === 1 ? Math.max(1, Math.round(v * Math.exp(0.25 * gauss()))) : v * Math.exp(0.25 * gauss()))));
        truth.push(code);
      }
    }
    return { raw, truth };
  }

  it('recovers five audiences and names each', () => {
    const { raw, truth } = audience(seeded(3));
    const choice = chooseK(clusteringMatrix(raw), { random: seeded(4) });
    if ('insufficient' in choice) throw new Error(choice.insufficient);
    expect(choice.k).toBe(5);
    const p = personas(choice, raw);
    expect(p.personas.map((x) => [x.persona, x.size])).toEqual([
      ['new_visitor', 400],
      ['lapsed_visitor', 200],
      ['engaged_browser', 150],
      ['silent_watcher', 150],
      ['loyal_big_spender', 100],
    ]);
    // Every member of a cluster has the same true audience.
    for (const x of p.personas) {
      const codes = new Set(truth.filter((_, i) => choice.labels[i] === x.cluster));
      expect([...codes]).toEqual([x.persona]);
    }
    expect(p.personas.reduce((s, x) => s + x.share, 0)).toBeCloseTo(1, 12);
  });

  it('is deterministic and shares sum to 1 for any labelling', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 5, maxLength: 5 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 60 }),
        (rows) => {
          const raw = rows.map(([r]) => r);
          const labels = Int32Array.from(rows.map(([, l]) => l));
          const a = personas({ k: 4, labels }, raw);
          expect(personas({ k: 4, labels }, raw)).toEqual(a);
          expect(a.personas.reduce((s, x) => s + x.size, 0)).toBe(raw.length);
          for (const x of a.personas) for (const f of PERSONA_FEATURES) expect(['high', 'low', 'typical']).toContain(x.traits[f]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
