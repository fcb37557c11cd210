import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { DrawsTable, DrawWinnersTable } from '../../platform/db/tables/interact.tables.js';

export type DrawRow = Selectable<DrawsTable>;
export type WinnerRow = Selectable<DrawWinnersTable>;
export type ClaimCounts = { pending: number; claimed: number; issued: number; lapsed: number; redrawn: number };

/** Rows per multi-row statement (a winner row has 16 columns: far under both databases' parameter limits). */
export const ROWS_PER_STATEMENT = 500;
/** Ids per `in (...)` list. */
const IDS_PER_QUERY = 1000;

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** The draws tables (draws, draw_entries, draw_winners): the interact module's own. */
export class DrawsStore {
  constructor(private readonly db: Kysely<DB>) {}

  find(id: string, exec: Kysely<DB> = this.db): Promise<DrawRow | undefined> {
    return exec.selectFrom('draws').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listBySession(sessionId: string): Promise<DrawRow[]> {
    return this.db.selectFrom('draws').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id').execute();
  }

  /** Open and closed draws (the clock's work after a restart or on another node's behalf). */
  active(): Promise<DrawRow[]> {
    return this.db.selectFrom('draws').selectAll().where('status', 'in', ['open', 'closed']).execute();
  }

  /**
   * Moves a draw from one of `from` to the new state with the given columns; false when it was
   * not in `from` any more (another node or request got there first).
   */
  async transition(exec: Kysely<DB>, id: string, from: readonly DrawRow['status'][], set: Partial<DrawsTable>): Promise<boolean> {
    const r = await exec.updateTable('draws').set(set).where('id', '=', id).where('status', 'in', [...from]).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async entryCounts(drawIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (drawIds.length === 0) return out;
    const rows = await this.db.selectFrom('draw_entries').select(['draw_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where('draw_id', 'in', [...drawIds]).groupBy('draw_id').execute();
    for (const r of rows) out.set(r.draw_id, Number(r.n));
    return out;
  }

  async claimCounts(drawIds: readonly string[]): Promise<Map<string, ClaimCounts>> {
    const out = new Map<string, ClaimCounts>();
    if (drawIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('draw_winners')
      .select(['draw_id', 'status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('draw_id', 'in', [...drawIds])
      .groupBy(['draw_id', 'status'])
      .execute();
    for (const r of rows) {
      let c = out.get(r.draw_id);
      if (!c) out.set(r.draw_id, (c = { pending: 0, claimed: 0, issued: 0, lapsed: 0, redrawn: 0 }));
      c[r.status] = Number(r.n);
    }
    return out;
  }

  entries(drawId: string): Promise<{ viewer_id: string; via: 'button' | 'phrase'; entered_at: string }[]> {
    return this.db.selectFrom('draw_entries').select(['viewer_id', 'via', 'entered_at']).where('draw_id', '=', drawId).execute();
  }

  async eligibleIds(drawId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('draw_entries').select('viewer_id').where('draw_id', '=', drawId).where('eligible', '=', 1).execute();
    return rows.map((r) => r.viewer_id);
  }

  /** Stores the eligibility found at close: one statement per chunk and per distinct verdict. */
  async markEligibility(exec: Kysely<DB>, drawId: string, eligible: readonly string[], rejected: readonly { id: string; unmet: readonly string[] }[]): Promise<void> {
    for (const ids of chunks(eligible, IDS_PER_QUERY)) await exec.updateTable('draw_entries').set({ eligible: 1, unmet: null }).where('draw_id', '=', drawId).where('viewer_id', 'in', ids).execute();
    const byVerdict = new Map<string, string[]>();
    for (const r of rejected) {
      const k = r.unmet.join(',');
      const l = byVerdict.get(k);
      if (l) l.push(r.id);
      else byVerdict.set(k, [r.id]);
    }
    for (const [unmet, all] of byVerdict) {
      for (const ids of chunks(all, IDS_PER_QUERY)) await exec.updateTable('draw_entries').set({ eligible: 0, unmet }).where('draw_id', '=', drawId).where('viewer_id', 'in', ids).execute();
    }
  }

  async myEntries(sessionId: string, viewerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('draw_entries')
      .innerJoin('draws', 'draws.id', 'draw_entries.draw_id')
      .select('draw_entries.draw_id')
      .where('draws.session_id', '=', sessionId)
      .where('draw_entries.viewer_id', '=', viewerId)
      .execute();
    return rows.map((r) => r.draw_id);
  }

  async insertWinners(exec: Kysely<DB>, rows: readonly DrawWinnersTable[]): Promise<void> {
    for (const part of chunks(rows, ROWS_PER_STATEMENT)) await exec.insertInto('draw_winners').values(part).execute();
  }

  winners(drawId: string, exec: Kysely<DB> = this.db): Promise<WinnerRow[]> {
    return exec.selectFrom('draw_winners').selectAll().where('draw_id', '=', drawId).orderBy('place').execute();
  }

  /** When each of these viewers won one of the brand's draws since `sinceIso` (prizes kept: not lapsed or redrawn). */
  async winsSince(brandId: string | null, viewerIds: readonly string[], sinceIso: string): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>();
    for (const ids of chunks([...new Set(viewerIds)], IDS_PER_QUERY)) {
      let q = this.db
        .selectFrom('draw_winners')
        .select(['viewer_id', 'won_at'])
        .where('viewer_id', 'in', ids)
        .where('won_at', '>', sinceIso)
        .where('status', 'in', ['pending', 'claimed', 'issued']);
      q = brandId === null ? q.where('brand_id', 'is', null) : q.where('brand_id', '=', brandId);
      for (const r of await q.execute()) {
        const l = out.get(r.viewer_id);
        const t = Date.parse(r.won_at);
        if (l) l.push(t);
        else out.set(r.viewer_id, [t]);
      }
    }
    return out;
  }

  /** Product and text prizes nobody claimed by their deadline. */
  expiredClaims(nowIso: string, limit = 5000): Promise<WinnerRow[]> {
    return this.db.selectFrom('draw_winners').selectAll().where('status', '=', 'pending').where('claim_by', 'is not', null).where('claim_by', '<=', nowIso).orderBy('claim_by').limit(limit).execute();
  }

  /** Coupon and points prizes not credited yet (a crash between the draw and the credit, or a refusal to retry). */
  unissued(limit = 500): Promise<WinnerRow[]> {
    return this.db.selectFrom('draw_winners').selectAll().where('status', '=', 'pending').where('claim_by', 'is', null).where('note', 'is', null).orderBy('won_at').limit(limit).execute();
  }

  prizesOf(viewerId: string, limit = 200) {
    return this.db
      .selectFrom('draw_winners')
      .innerJoin('draws', 'draws.id', 'draw_winners.draw_id')
      .select([
        'draw_winners.id',
        'draw_winners.draw_id',
        'draw_winners.session_id',
        'draw_winners.status',
        'draw_winners.won_at',
        'draw_winners.claim_by',
        'draw_winners.claimed_at',
        'draw_winners.seen_at',
        'draw_winners.place',
        'draws.title',
        'draws.prize_kind',
        'draws.prize_label',
      ])
      .where('draw_winners.viewer_id', '=', viewerId)
      .orderBy('draw_winners.won_at', 'desc')
      .orderBy('draw_winners.place')
      .limit(limit)
      .execute();
  }

  async unseenCount(viewerId: string): Promise<number> {
    const r = await this.db.selectFrom('draw_winners').select((eb) => eb.fn.countAll<string | number>().as('n')).where('viewer_id', '=', viewerId).where('seen_at', 'is', null).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

/** entered: this call made the row; already: the account had entered; closed: the draw is not open any more. */
export type EntryOutcome = 'entered' | 'already' | 'closed';

interface PendingEntry {
  drawId: string;
  viewerId: string;
  via: 'button' | 'phrase';
  resolve: (outcome: EntryOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit of draw entries: the entries of a few milliseconds go in one multi-row insert
 * (`on conflict do nothing returning`), so 10,000 viewers pressing the button at once cost tens of
 * statements, not 10,000. Each caller is answered only after its row is committed (durable before
 * the ack); the primary key refuses a second entry of the same account on every node, and the
 * outcome says whether this call made the row (so an entry is counted exactly once).
 */
export class EntryWriter {
  private queue: PendingEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly nowIso: () => string,
    private readonly onInserted: (drawId: string, n: number) => void,
    private readonly waitMs = 5,
    private readonly maxBatch = ROWS_PER_STATEMENT,
  ) {}

  add(drawId: string, viewerId: string, via: 'button' | 'phrase'): Promise<EntryOutcome> {
    return new Promise<EntryOutcome>((resolve, reject) => {
      this.queue.push({ drawId, viewerId, via, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.kick();
      else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.waitMs);
    });
  }

  /** Resolves once everything queued so far is written (a draw's close waits for it). */
  async flush(): Promise<void> {
    if (this.queue.length > 0) this.kick();
    await this.inFlight;
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0, this.queue.length);
    if (batch.length === 0) return;
    // One batch at a time, in order: a close that flushes waits for every earlier batch.
    this.inFlight = this.inFlight.then(() => this.write(batch));
  }

  private async write(batch: PendingEntry[]): Promise<void> {
    // The same account twice in one batch: one row, the first caller made it.
    const first = new Map<string, PendingEntry>();
    for (const p of batch) if (!first.has(`${p.drawId}\n${p.viewerId}`)) first.set(`${p.drawId}\n${p.viewerId}`, p);
    const now = this.nowIso();
    const made = new Set<string>();
    const open = new Set<string>();
    try {
      for (const part of chunks([...first.values()], this.maxBatch)) {
        await this.db.transaction().execute(async (trx) => {
          // Only into draws the database says are open, holding their rows (a no-op update locks
          // them on PostgreSQL; SQLite has one writer) so a close on any node either waits for
          // this insert or is seen by it: no acknowledged entry can miss the frozen list.
          const drawIds = [...new Set(part.map((p) => p.drawId))];
          const still = await trx.updateTable('draws').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', 'in', drawIds).where('status', '=', 'open').returning('id').execute();
          for (const r of still) open.add(r.id);
          const rows = part.filter((p) => open.has(p.drawId));
          if (rows.length === 0) return;
          const inserted = await trx
            .insertInto('draw_entries')
            .values(rows.map((p) => ({ draw_id: p.drawId, viewer_id: p.viewerId, entered_at: now, via: p.via, eligible: null, unmet: null })))
            .onConflict((oc) => oc.columns(['draw_id', 'viewer_id']).doNothing())
            .returning(['draw_id', 'viewer_id'])
            .execute();
          for (const r of inserted) made.add(`${r.draw_id}\n${r.viewer_id}`);
        });
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const perDraw = new Map<string, number>();
    for (const k of made) {
      const drawId = k.slice(0, k.indexOf('\n'));
      perDraw.set(drawId, (perDraw.get(drawId) ?? 0) + 1);
    }
    for (const [drawId, n] of perDraw) this.onInserted(drawId, n);
    for (const p of batch) {
      const k = `${p.drawId}\n${p.viewerId}`;
      p.resolve(!open.has(p.drawId) ? 'closed' : first.get(k) === p && made.has(k) ? 'entered' : 'already');
    }
  }
}
