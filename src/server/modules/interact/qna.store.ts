import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { QuestionsTable } from '../../platform/db/tables/interact.tables.js';

export type QuestionRow = QuestionsTable;
type Status = QuestionRow['status'];

/** How many of each part of the room's list are read for the snapshot (it keeps 50 in all). */
const ROOM_PART_LIMIT = 50;

/** A statement that must roll the transaction back (an upvote that found the question closed). */
class Rollback extends Error {}

/** Owns questions and question_upvotes. */
export class QnaStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: QuestionRow): Promise<void> {
    await this.db.insertInto('questions').values(row).execute();
  }

  find(id: string, exec: Kysely<DB> = this.db): Promise<QuestionRow | undefined> {
    return exec.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findMany(ids: readonly string[]): Promise<QuestionRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('questions').selectAll().where('id', 'in', ids).execute();
  }

  /** When an account asked its questions since `sinceIso` (the rate limit's window). */
  async askedSince(viewerId: string, sinceIso: string): Promise<string[]> {
    const rows = await this.db.selectFrom('questions').select('asked_at').where('viewer_id', '=', viewerId).where('asked_at', '>', sinceIso).execute();
    return rows.map((r) => r.asked_at);
  }

  /** Every question of the session but dismissed ones (the console's list). */
  listForConsole(sessionId: string): Promise<QuestionRow[]> {
    return this.db.selectFrom('questions').selectAll().where('session_id', '=', sessionId).where('status', '!=', 'dismissed').execute();
  }

  /** What the room may see: answering, the top waiting ones, the latest answered; never held ones. */
  async listForRoom(sessionId: string): Promise<QuestionRow[]> {
    const shown = this.db.selectFrom('questions').selectAll().where('session_id', '=', sessionId).where('held', '=', 0);
    const [answering, waiting, answered] = await Promise.all([
      shown.where('status', '=', 'answering').execute(),
      shown.where('status', '=', 'submitted').orderBy('upvotes', 'desc').orderBy('asked_at', 'asc').orderBy('id', 'asc').limit(ROOM_PART_LIMIT).execute(),
      shown.where('status', '=', 'answered').orderBy('answered_at', 'desc').limit(ROOM_PART_LIMIT).execute(),
    ]);
    return [...answering, ...waiting, ...answered];
  }

  /**
   * One upvote per account, counted in the same transaction as its row, so every node agrees:
   * 'added', 'already' (this account's upvote is there), or 'closed' (the question is not
   * waiting or answering any more: nothing is written).
   */
  async upvote(questionId: string, viewerId: string, at: string): Promise<'added' | 'already' | 'closed'> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const ins = await trx.insertInto('question_upvotes').values({ question_id: questionId, viewer_id: viewerId, at }).onConflict((oc) => oc.columns(['question_id', 'viewer_id']).doNothing()).executeTakeFirst();
        if (Number(ins.numInsertedOrUpdatedRows ?? 0) === 0) return 'already';
        const up = await trx
          .updateTable('questions')
          .set((eb) => ({ upvotes: eb('upvotes', '+', 1) }))
          .where('id', '=', questionId)
          .where('status', 'in', ['submitted', 'answering'])
          .where('held', '=', 0)
          .executeTakeFirst();
        if (Number(up.numUpdatedRows) !== 1) throw new Rollback();
        return 'added';
      });
    } catch (err) {
      if (err instanceof Rollback) return 'closed';
      throw err;
    }
  }

  async myUpvotes(sessionId: string, viewerId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('question_upvotes as u')
      .innerJoin('questions as q', 'q.id', 'u.question_id')
      .select('u.question_id')
      .where('q.session_id', '=', sessionId)
      .where('u.viewer_id', '=', viewerId)
      .orderBy('u.question_id')
      .execute();
    return rows.map((r) => r.question_id);
  }

  /** A conditional move: changes the row only when it is still in one of `from`; true when it did. */
  async move(exec: Kysely<DB>, id: string, from: readonly Status[], set: Partial<QuestionRow>): Promise<boolean> {
    const r = await exec.updateTable('questions').set(set).where('id', '=', id).where('status', 'in', [...from]).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Puts the session's answering question(s) other than `exceptId` back in the queue; their ids. */
  async releaseOthers(exec: Kysely<DB>, sessionId: string, exceptId: string, at: string): Promise<string[]> {
    const rows = await exec.selectFrom('questions').select('id').where('session_id', '=', sessionId).where('status', '=', 'answering').where('id', '!=', exceptId).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    await exec.updateTable('questions').set({ status: 'submitted', answering_at: null, answering_flag: null, updated_at: at }).where('id', 'in', ids).where('status', '=', 'answering').execute();
    return ids;
  }
}
