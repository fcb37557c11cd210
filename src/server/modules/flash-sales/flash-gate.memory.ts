import { randomBytes } from 'node:crypto';
import type { FlashGate, GateClaim, GateSaleState } from './flash-gate.port.js';

interface MemorySale {
  open: boolean;
  left: number;
  limit: number;
  buyers: Map<string, number>;
  /** token -> units of holds in flight */
  holds: Map<string, number>;
}

/**
 * Embedded mode: one process owns every sale, so plain counters are the gate. Every operation
 * runs synchronously to its end (no await inside), so the event loop serialises them: two
 * claims can never interleave between the check and the decrement.
 */
export class MemoryFlashGate implements FlashGate {
  readonly kind = 'memory' as const;
  private readonly sales = new Map<string, MemorySale>();
  private seq = 0;
  // Tokens are recorded with orders, so they must not repeat after a restart: instance.at.seq.
  private readonly instance = `m${randomBytes(4).toString('hex')}`;

  load(state: GateSaleState): Promise<void> {
    this.sales.set(state.id, { open: state.open, left: state.left, limit: state.perBuyerLimit, buyers: new Map(state.buyers), holds: new Map() });
    return Promise.resolve();
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  setOpen(saleId: string, open: boolean): Promise<void> {
    const s = this.sales.get(saleId);
    if (s) s.open = open;
    return Promise.resolve();
  }

  drop(saleId: string): Promise<void> {
    this.sales.delete(saleId);
    return Promise.resolve();
  }

  claimSync(saleId: string, buyerId: string, units: number): GateClaim {
    const s = this.sales.get(saleId);
    if (!s || !s.open) return { ok: false, code: 'NOT_OPEN', left: s?.left ?? 0, known: !s || s.buyers.has(buyerId) };
    if (!Number.isSafeInteger(units) || units <= 0) throw new RangeError('units must be a positive integer');
    if (s.left < units) return { ok: false, code: 'SOLD_OUT', left: s.left, known: s.buyers.has(buyerId) };
    const had = s.buyers.get(buyerId) ?? 0;
    if (had + units > s.limit) return { ok: false, code: 'LIMIT_REACHED', left: s.left, known: true };
    s.left -= units;
    s.buyers.set(buyerId, had + units);
    const token = `${this.instance}.${Date.now()}.${(++this.seq).toString(36)}`;
    s.holds.set(token, units);
    return { ok: true, token };
  }

  claim(saleId: string, buyerId: string, units: number): Promise<GateClaim> {
    return Promise.resolve(this.claimSync(saleId, buyerId, units));
  }

  unclaimSync(saleId: string, buyerId: string, units: number, token: string | null): void {
    const s = this.sales.get(saleId);
    if (!s) return;
    if (token !== null) {
      // A hold undone twice (or already settled) must not give its units back twice; part of a
      // hold may be undone (the order priced fewer units from the sale than were claimed).
      const held = s.holds.get(token);
      if (held === undefined || held < units) return;
      if (held === units) s.holds.delete(token);
      else s.holds.set(token, held - units);
    }
    const had = s.buyers.get(buyerId) ?? 0;
    const back = Math.min(units, had);
    s.left += back;
    // Kept at 0 (not deleted): the buyer stays known, so a refusal still looks for their order.
    if (s.buyers.has(buyerId)) s.buyers.set(buyerId, had - back);
  }

  unclaim(saleId: string, buyerId: string, units: number, token: string | null): Promise<void> {
    this.unclaimSync(saleId, buyerId, units, token);
    return Promise.resolve();
  }

  settle(saleId: string, token: string): Promise<void> {
    this.sales.get(saleId)?.holds.delete(token);
    return Promise.resolve();
  }

  left(saleIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const id of saleIds) {
      const s = this.sales.get(id);
      if (s) out.set(id, s.left);
    }
    return Promise.resolve(out);
  }

  inFlight(saleId: string): Promise<number> {
    let n = 0;
    for (const u of this.sales.get(saleId)?.holds.values() ?? []) n += u;
    return Promise.resolve(n);
  }

  leftSync(saleId: string): number {
    return this.sales.get(saleId)?.left ?? 0;
  }

  /** For tests: a buyer's units (committed + in flight). */
  buyerUnits(saleId: string, buyerId: string): number {
    return this.sales.get(saleId)?.buyers.get(buyerId) ?? 0;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
