import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';

/**
 * Viewers' points (积分). The fans issue brings a double-entry ledger later; until then this
 * port has an in-memory and a SQL implementation with the same rules:
 * - a balance never goes below zero (spend fails instead);
 * - spend, refund and grant are idempotent per `ref` (a retried checkout or refund counts once);
 * - spend and refund run inside the caller's transaction (the order's), so they commit or
 *   roll back with it.
 */
export interface PointsLedger {
  balance(viewerId: string): Promise<number>;
  /** Takes `points`; false (and nothing changed) when the balance is short. Same ref again: true, no second spend. */
  spend(trx: Kysely<DB>, viewerId: string, points: number, ref: string): Promise<boolean>;
  /** Gives back points of a cancelled or refunded order; same ref again does nothing. */
  refund(trx: Kysely<DB>, viewerId: string, points: number, ref: string): Promise<void>;
  /** Adds points (demo data, tests, later the fans module's rewards); same ref again does nothing. */
  grant(viewerId: string, points: number, reason: string, ref: string): Promise<void>;
}

export function assertPoints(points: number): void {
  if (!Number.isSafeInteger(points) || points <= 0) throw new RangeError('points must be a positive integer');
}

/** In-process ledger (tests of pricing alone, and the shape the SQL one must match). */
export class MemoryPointsLedger implements PointsLedger {
  private readonly balances = new Map<string, number>();
  private readonly refs = new Set<string>();

  async balance(viewerId: string): Promise<number> {
    return this.balances.get(viewerId) ?? 0;
  }
  async spend(_trx: Kysely<DB>, viewerId: string, points: number, ref: string): Promise<boolean> {
    assertPoints(points);
    if (this.refs.has(`spend:${ref}`)) return true;
    const have = this.balances.get(viewerId) ?? 0;
    if (have < points) return false;
    this.balances.set(viewerId, have - points);
    this.refs.add(`spend:${ref}`);
    return true;
  }
  async refund(_trx: Kysely<DB>, viewerId: string, points: number, ref: string): Promise<void> {
    assertPoints(points);
    if (this.refs.has(`refund:${ref}`)) return;
    this.refs.add(`refund:${ref}`);
    this.balances.set(viewerId, (this.balances.get(viewerId) ?? 0) + points);
  }
  async grant(viewerId: string, points: number, _reason: string, ref: string): Promise<void> {
    assertPoints(points);
    if (this.refs.has(`grant:${ref}`)) return;
    this.refs.add(`grant:${ref}`);
    this.balances.set(viewerId, (this.balances.get(viewerId) ?? 0) + points);
  }
}

/**
 * points_balances (CHECK balance >= 0) + points_entries (unique (kind, ref)). A spend inserts
 * its entry first (ON CONFLICT DO NOTHING: a replay inserts nothing and reports success), then
 * takes the points with a conditional UPDATE; when that finds too few it deletes its own entry
 * and reports false, so the caller's transaction holds no trace of it.
 */
export class SqlPointsLedger implements PointsLedger {
  constructor(private readonly deps: { db: Kysely<DB>; now: () => string; ids: () => string }) {}

  async balance(viewerId: string): Promise<number> {
    const row = await this.deps.db.selectFrom('points_balances').select('balance').where('viewer_id', '=', viewerId).executeTakeFirst();
    return row?.balance ?? 0;
  }

  private async entry(exec: Kysely<DB>, viewerId: string, kind: 'grant' | 'spend' | 'refund', ref: string, delta: number, reason: string): Promise<string | null> {
    const id = this.deps.ids();
    const r = await exec
      .insertInto('points_entries')
      .values({ id, viewer_id: viewerId, kind, ref, delta, reason, created_at: this.deps.now() })
      .onConflict((oc) => oc.columns(['kind', 'ref']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0 ? id : null;
  }

  private async add(exec: Kysely<DB>, viewerId: string, points: number): Promise<void> {
    const now = this.deps.now();
    await exec
      .insertInto('points_balances')
      .values({ viewer_id: viewerId, balance: points, updated_at: now })
      .onConflict((oc) => oc.column('viewer_id').doUpdateSet((eb) => ({ balance: eb('points_balances.balance', '+', points), updated_at: now })))
      .execute();
  }

  async spend(trx: Kysely<DB>, viewerId: string, points: number, ref: string): Promise<boolean> {
    assertPoints(points);
    const id = await this.entry(trx, viewerId, 'spend', ref, -points, `spent on ${ref}`);
    if (id === null) return true;
    const r = await trx
      .updateTable('points_balances')
      .set((eb) => ({ balance: eb('balance', '-', points), updated_at: this.deps.now() }))
      .where('viewer_id', '=', viewerId)
      .where('balance', '>=', points)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return true;
    await trx.deleteFrom('points_entries').where('id', '=', id).execute();
    return false;
  }

  async refund(trx: Kysely<DB>, viewerId: string, points: number, ref: string): Promise<void> {
    assertPoints(points);
    if ((await this.entry(trx, viewerId, 'refund', ref, points, `refund of ${ref}`)) === null) return;
    await this.add(trx, viewerId, points);
  }

  async grant(viewerId: string, points: number, reason: string, ref: string): Promise<void> {
    assertPoints(points);
    await this.deps.db.transaction().execute(async (trx) => {
      if ((await this.entry(trx, viewerId, 'grant', ref, points, reason)) === null) return;
      await this.add(trx, viewerId, points);
    });
  }
}
