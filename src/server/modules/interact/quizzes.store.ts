import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { QuizAnswersTable, QuizzesTable } from '../../platform/db/tables/interact.tables.js';

export type QuizRow = Selectable<QuizzesTable>;
export type QuizAnswerRow = Selectable<QuizAnswersTable>;

export const answerKey = (quizId: string, index: number, viewerId: string): string => `${quizId}\u0000${index}\u0000${viewerId}`;

/** The quizzes and quiz_answers tables (this module owns them). */
export class QuizzesStore {
  constructor(private readonly db: Kysely<DB>) {}

  find(id: string, exec: Kysely<DB> = this.db): Promise<QuizRow | undefined> {
    return exec.selectFrom('quizzes').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listBySession(sessionId: string): Promise<QuizRow[]> {
    return this.db.selectFrom('quizzes').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id').execute();
  }

  listAsking(sessionId?: string): Promise<QuizRow[]> {
    let q = this.db.selectFrom('quizzes').selectAll().where('status', '=', 'asking');
    if (sessionId) q = q.where('session_id', '=', sessionId);
    return q.execute();
  }

  statusOf(ids: readonly string[]): Promise<{ id: string; status: QuizRow['status']; current: number }[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('quizzes').select(['id', 'status', 'current']).where('id', 'in', [...ids]).execute();
  }

  async insert(exec: Kysely<DB>, row: QuizRow): Promise<void> {
    await exec.insertInto('quizzes').values(row).execute();
  }

  /** Moves the quiz on from the state this node saw; false when it changed meanwhile. */
  async update(exec: Kysely<DB>, id: string, from: { status: QuizRow['status']; current: number }, set: Partial<Pick<QuizRow, 'status' | 'current' | 'asked_at'>>, nowIso: string): Promise<boolean> {
    const r = await exec.updateTable('quizzes').set({ ...set, updated_at: nowIso }).where('id', '=', id).where('status', '=', from.status).where('current', '=', from.current).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markRewarded(exec: Kysely<DB>, id: string, nowIso: string): Promise<boolean> {
    const r = await exec.updateTable('quizzes').set({ rewarded_at: nowIso, updated_at: nowIso }).where('id', '=', id).where('rewarded_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  answers(quizId: string): Promise<QuizAnswerRow[]> {
    return this.db.selectFrom('quiz_answers').selectAll().where('quiz_id', '=', quizId).orderBy('answered_at').orderBy('viewer_id').execute();
  }

  async countAnswers(quizId: string, index: number): Promise<number> {
    const r = await this.db.selectFrom('quiz_answers').select((eb) => eb.fn.countAll<string | number>().as('n')).where('quiz_id', '=', quizId).where('question_index', '=', index).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  myAnswers(sessionId: string, viewerId: string): Promise<{ quiz_id: string; question_index: number; choice: number }[]> {
    return this.db
      .selectFrom('quiz_answers')
      .innerJoin('quizzes', 'quizzes.id', 'quiz_answers.quiz_id')
      .select(['quiz_answers.quiz_id', 'quiz_answers.question_index', 'quiz_answers.choice'])
      .where('quizzes.session_id', '=', sessionId)
      .where('quiz_answers.viewer_id', '=', viewerId)
      .execute();
  }

  /** One multi-row insert that skips existing (quiz, question, account) rows; returns the keys inserted. */
  async insertAnswers(rows: readonly QuizAnswerRow[]): Promise<Set<string>> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('quiz_answers')
        .values([...rows])
        .onConflict((oc) => oc.columns(['quiz_id', 'question_index', 'viewer_id']).doNothing())
        .returning(['quiz_id', 'question_index', 'viewer_id'])
        .execute();
      return new Set(inserted.map((r) => answerKey(r.quiz_id, Number(r.question_index), r.viewer_id)));
    });
  }
}
