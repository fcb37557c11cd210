import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryFlashGate } from './flash-gate.memory.js';

type Op = { k: 'claim'; buyer: number; units: number } | { k: 'unclaim'; pick: number } | { k: 'settle'; pick: number } | { k: 'giveBack'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('claim' as const), buyer: fc.nat(7), units: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('unclaim' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('settle' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('giveBack' as const), pick: fc.nat() }) },
);

describe('memory flash gate', () => {
  it('a refusal says whether the buyer ever held units of the sale (kept after giving them back, and from the record)', async () => {
    const g = new MemoryFlashGate();
    await g.load({ id: 'k', open: true, left: 1, perBuyerLimit: 1, buyers: new Map([['was', 0]]) });
    const c = g.claimSync('k', 'x', 1);
    expect(c.ok).toBe(true);
    expect(g.claimSync('k', 'y', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT', known: false });
    expect(g.claimSync('k', 'was', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT', known: true });
    if (c.ok) g.unclaimSync('k', 'x', 1, c.token);
    expect(g.claimSync('k', 'y', 1)).toMatchObject({ ok: true });
    expect(g.claimSync('k', 'x', 1)).toMatchObject({ ok: false, code: 'SOLD_OUT', known: true });
    expect(g.claimSync('unknown', 'z', 1)).toMatchObject({ ok: false, code: 'NOT_OPEN', known: true });
  });

  it('refuses a shut gate, sells out exactly, holds the per-buyer limit', async () => {
    const g = new MemoryFlashGate();
    await g.load({ id: 's', open: false, left: 3, perBuyerLimit: 2, buyers: new Map() });
    expect(await g.claim('s', 'a', 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    await g.setOpen('s', true);
    expect(await g.claim('s', 'a', 2)).toMatchObject({ ok: true });
    expect(await g.claim('s', 'a', 1)).toMatchObject({ ok: false, code: 'LIMIT_REACHED', left: 1 });
    expect(await g.claim('s', 'b', 2)).toMatchObject({ ok: false, code: 'SOLD_OUT', left: 1 });
    const c = await g.claim('s', 'b', 1);
    expect(c.ok).toBe(true);
    expect(await g.claim('c' as string, 'b', 1)).toMatchObject({ ok: false, code: 'NOT_OPEN' });
    if (c.ok) {
      await g.unclaim('s', 'b', 1, c.token);
      await g.unclaim('s', 'b', 1, c.token); // twice: no effect
    }
    expect((await g.left(['s'])).get('s')).toBe(1);
  });

  it('random interleavings never oversell or exceed the limit, and left + held = total (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 200 }), (total, limit, ops) => {
        const g = new MemoryFlashGate();
        void g.load({ id: 's', open: true, left: total, perBuyerLimit: limit, buyers: new Map() });
        const inFlight: { buyer: string; units: number; token: string }[] = [];
        const settled: { buyer: string; units: number }[] = [];
        // A model of what each buyer really holds (in flight + settled).
        const held = new Map<string, number>();
        const add = (b: string, d: number) => held.set(b, (held.get(b) ?? 0) + d);
        for (const o of ops) {
          if (o.k === 'claim') {
            const buyer = `b${o.buyer}`;
            const leftBefore = total - [...held.values()].reduce((a, b) => a + b, 0);
            const r = g.claimSync('s', buyer, o.units);
            if (r.ok) {
              inFlight.push({ buyer, units: o.units, token: r.token });
              add(buyer, o.units);
            } else if (r.code === 'SOLD_OUT') expect(leftBefore).toBeLessThan(o.units);
            else expect((held.get(buyer) ?? 0) + o.units).toBeGreaterThan(limit);
          } else if (o.k === 'unclaim' && inFlight.length) {
            const [h] = inFlight.splice(o.pick % inFlight.length, 1);
            g.unclaimSync('s', h!.buyer, h!.units, h!.token);
            // a second undo of the same hold is ignored
            g.unclaimSync('s', h!.buyer, h!.units, h!.token);
            add(h!.buyer, -h!.units);
          } else if (o.k === 'settle' && inFlight.length) {
            const [h] = inFlight.splice(o.pick % inFlight.length, 1);
            void g.settle('s', h!.token);
            settled.push(h!);
          } else if (o.k === 'giveBack' && settled.length) {
            const [h] = settled.splice(o.pick % settled.length, 1);
            g.unclaimSync('s', h!.buyer, h!.units, null);
            add(h!.buyer, -h!.units);
          }
          const heldTotal = [...held.values()].reduce((a, b) => a + b, 0);
          const left = g.leftSync('s');
          expect(left).toBeGreaterThanOrEqual(0);
          expect(left + heldTotal).toBe(total);
          for (const [b, q] of held) {
            expect(q).toBeLessThanOrEqual(limit);
            expect(g.buyerUnits('s', b)).toBe(q);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
