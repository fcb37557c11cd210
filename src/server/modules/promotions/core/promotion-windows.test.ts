import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kindsForConsole, parseKindArgs } from './promotion-kinds.js';
import { exclusiveClashes, intervalsOverlap, resolveWindow, scopesMayOverlap, storedWindowSchema, windowsMayOverlap, type StoredWindow } from './promotion-windows.js';

const LIVE = Date.parse('2026-11-26T12:00:00Z');
const first30: StoredWindow = { relative: { fromMinutes: 0, toMinutes: 30 } };

describe('relative windows', () => {
  it('resolves "first 30 minutes" from the actual live start', () => {
    expect(resolveWindow(first30, LIVE)).toEqual({ from: LIVE, to: LIVE + 30 * 60_000 });
  });
  it('is not open before the session went live', () => {
    expect(resolveWindow(first30, null)).toBeNull();
  });
  it('passes absolute windows through', () => {
    expect(resolveWindow({ from: '2026-11-26T12:00:00Z', to: '2026-11-26T13:00:00+01:00' }, null)).toEqual({ from: LIVE, to: LIVE });
  });
  it('refuses from >= to, naming the field', () => {
    const abs = storedWindowSchema.safeParse({ from: '2026-11-26T13:00:00Z', to: '2026-11-26T12:00:00Z' });
    expect(abs.success).toBe(false);
    const rel = storedWindowSchema.safeParse({ relative: { fromMinutes: 30, toMinutes: 30 } });
    expect(rel.success).toBe(false);
    expect(rel.error?.issues.some((i) => i.path.join('.').includes('toMinutes'))).toBe(true);
  });
  it('a resolved relative window always has from < to and starts at or after going live (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 2e12 }), (a, len, live) => {
        const w = resolveWindow({ relative: { fromMinutes: a, toMinutes: a + len } }, live);
        expect(w).not.toBeNull();
        expect(w!.from).toBeGreaterThanOrEqual(live);
        expect(w!.to - w!.from).toBe(len * 60_000);
      }),
    );
  });
});

describe('overlap detection', () => {
  it('half-open windows that touch do not overlap', () => {
    expect(intervalsOverlap({ from: 0, to: 10 }, { from: 10, to: 20 })).toBe(false);
    expect(intervalsOverlap({ from: 0, to: 11 }, { from: 10, to: 20 })).toBe(true);
  });
  it('intervalsOverlap is symmetric and matches a point-wise check (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 }), (af, al, bf, bl) => {
        const a = { from: af, to: af + al };
        const b = { from: bf, to: bf + bl };
        let shared = false;
        for (let x = 0; x < 100; x++) if (a.from <= x && x < a.to && b.from <= x && x < b.to) shared = true;
        expect(intervalsOverlap(a, b)).toBe(shared);
        expect(intervalsOverlap(b, a)).toBe(shared);
      }),
    );
  });
  it('compares two relative windows by their minutes, and mixed ones through the anchor', () => {
    expect(windowsMayOverlap(first30, { relative: { fromMinutes: 30, toMinutes: 60 } }, null)).toBe(false);
    expect(windowsMayOverlap(first30, { relative: { fromMinutes: 29, toMinutes: 60 } }, null)).toBe(true);
    const later = { from: '2026-11-26T12:30:00Z', to: '2026-11-26T13:00:00Z' };
    expect(windowsMayOverlap(first30, later, LIVE)).toBe(false);
    expect(windowsMayOverlap(first30, later, LIVE + 60_000)).toBe(true);
    // No anchor: cannot be checked, so it counts as a clash.
    expect(windowsMayOverlap(first30, later, null)).toBe(true);
  });
  it('scopes: everything overlaps everything; same lists overlap when they share a value', () => {
    expect(scopesMayOverlap({}, { skuIds: ['a'] })).toBe(true);
    expect(scopesMayOverlap({ skuIds: ['a'] }, { skuIds: ['b'] })).toBe(false);
    expect(scopesMayOverlap({ skuIds: ['a', 'b'] }, { skuIds: ['b'] })).toBe(true);
    expect(scopesMayOverlap({ skuIds: ['a'] }, { tags: ['x'] })).toBe(true);
  });
  it('names every clashing exclusive promotion but itself', () => {
    const w = { from: '2026-11-26T12:00:00Z', to: '2026-11-26T14:00:00Z' };
    const others = [
      { id: 'p1', name: 'A', window: w, scope: {} },
      { id: 'p2', name: 'B', window: { from: '2026-11-26T14:00:00Z', to: '2026-11-26T15:00:00Z' }, scope: {} },
      { id: 'p3', name: 'C', window: w, scope: {} },
    ];
    expect(exclusiveClashes({ id: 'p3', name: 'C', window: w, scope: {} }, others, null).map((c) => c.id)).toEqual(['p1']);
  });
});

describe('promotion kinds', () => {
  it('gives every kind a JSON Schema of its arguments for the console form', () => {
    const kinds = kindsForConsole();
    expect(kinds.map((k) => k.kind)).toEqual(['time-limited-price', 'item-discount', 'threshold', 'gift']);
    for (const k of kinds) expect(k.argsSchema).toMatchObject({ type: 'object' });
    expect(kinds.find((k) => k.kind === 'threshold')?.argsSchema).toMatchObject({ properties: { tiers: { type: 'array' } } });
  });
  it('validates arguments with paths relative to args', () => {
    expect(parseKindArgs('threshold', { mode: 'tiers', tiers: [{ thresholdFen: 10000, offFen: 1000 }] }).ok).toBe(true);
    const bad = parseKindArgs('threshold', { mode: 'tiers', tiers: [{ thresholdFen: 1000, offFen: 1000 }] });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['tiers.0.offFen']);
    const rep = parseKindArgs('threshold', { mode: 'repeating', tiers: [{ thresholdFen: 1000, offFen: 100 }, { thresholdFen: 2000, offFen: 100 }] });
    expect(rep.ok).toBe(false);
  });
});
