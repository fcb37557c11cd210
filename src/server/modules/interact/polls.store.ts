import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { PollVotesTable, PollsTable } from '../../platform/db/tables/interact.tables.js';

export type PollRow = Selectable<PollsTable>;
export type PollVoteRow = Selectable<PollVotesTable>;

export const voteKey = (pollId: string, viewerId: string): string => `${pollId}\u0000${viewerId}`;
export const encodeChoices = (choices: readonly number[]): string => choices.join(',');
export const decodeChoices = (s: string): number[] => (s === '' ? [] : s.split(',').map(Number));

/** The polls and poll_votes tables (this module owns them). */
export class PollsStore {
  constructor(private readonly db: Kysely<DB>) {}

  find(id: string, exec: Kysely<DB> = this.db): Promise<PollRow | undefined> {
    return exec.selectFrom('polls').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listBySession(sessionId: string): Promise<PollRow[]> {
    return this.db.selectFrom('polls').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id').execute();
  }

  listOpen(): Promise<PollRow[]> {
    return this.db.selectFrom('polls').selectAll().where('status', '=', 'open').execute();
  }

  statusOf(ids: readonly string[]): Promise<{ id: string; status: PollRow['status'] }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('polls').select(['id', 'status']).where('id', 'in', [...ids]).execute();
  }

  async insert(exec: Kysely<DB>, row: PollRow): Promise<void> {
    await exec.insertInto('polls').values(row).execute();
  }

  /** Moves a poll from `from` to the new status; false when it was no longer in `from` (another node moved it). */
  async setStatusIf(exec: Kysely<DB>, id: string, from: PollRow['status'], set: Partial<Pick<PollRow, 'status' | 'opens_at' | 'closed_at'>>, nowIso: string): Promise<boolean> {
    const r = await exec.updateTable('polls').set({ ...set, updated_at: nowIso }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteDraft(exec: Kysely<DB>, id: string): Promise<boolean> {
    const r = await exec.deleteFrom('polls').where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  votes(pollId: string): Promise<PollVoteRow[]> {
    return this.db.selectFrom('poll_votes').selectAll().where('poll_id', '=', pollId).orderBy('voted_at').execute();
  }

  /** Per poll, how many accounts chose each choice set (the tally is summed from it). */
  async tallies(pollIds: readonly string[]): Promise<Map<string, { choices: number[]; n: number }[]>> {
    const out = new Map<string, { choices: number[]; n: number }[]>();
    if (pollIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('poll_votes')
      .select((eb) => ['poll_id', 'choices', eb.fn.countAll<string | number>().as('n')])
      .where('poll_id', 'in', [...pollIds])
      .groupBy(['poll_id', 'choices'])
      .execute();
    for (const r of rows) {
      const l = out.get(r.poll_id) ?? [];
      l.push({ choices: decodeChoices(r.choices), n: Number(r.n) });
      out.set(r.poll_id, l);
    }
    return out;
  }

  myVotes(sessionId: string, viewerId: string): Promise<{ poll_id: string; choices: string }[]> {
    return this.db
      .selectFrom('poll_votes')
      .innerJoin('polls', 'polls.id', 'poll_votes.poll_id')
      .select(['poll_votes.poll_id', 'poll_votes.choices'])
      .where('polls.session_id', '=', sessionId)
      .where('poll_votes.viewer_id', '=', viewerId)
      .execute();
  }

  /** One multi-row insert that skips existing (poll, account) rows; returns the keys inserted. */
  async insertVotes(rows: readonly PollVoteRow[]): Promise<Set<string>> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('poll_votes')
        .values([...rows])
        .onConflict((oc) => oc.columns(['poll_id', 'viewer_id']).doNothing())
        .returning(['poll_id', 'viewer_id'])
        .execute();
      return new Set(inserted.map((r) => voteKey(r.poll_id, r.viewer_id)));
    });
  }
}
