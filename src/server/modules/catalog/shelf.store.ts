import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { ProductExplanationsTable, SessionProductsTable } from '../../platform/db/tables/catalog-shelf.tables.js';

/** The session shelf and "now explaining" spans (tables of migration 004). */
export class ShelfStore {
  constructor(private readonly db: Kysely<DB>) {}

  shelf(sessionId: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('session_products').selectAll().where('session_id', '=', sessionId).orderBy('position').orderBy('product_id').execute();
  }
  async deleteShelfRows(exec: Kysely<DB>, sessionId: string, productIds: string[]): Promise<void> {
    if (productIds.length === 0) return;
    await exec.deleteFrom('session_products').where('session_id', '=', sessionId).where('product_id', 'in', productIds).execute();
  }
  async insertShelfRow(exec: Kysely<DB>, row: SessionProductsTable): Promise<void> {
    await exec.insertInto('session_products').values(row).execute();
  }
  async setPosition(exec: Kysely<DB>, sessionId: string, productId: string, position: number): Promise<void> {
    await exec.updateTable('session_products').set({ position }).where('session_id', '=', sessionId).where('product_id', '=', productId).execute();
  }
  isOnShelf(exec: Kysely<DB>, sessionId: string, productId: string) {
    return exec.selectFrom('session_products').select('product_id').where('session_id', '=', sessionId).where('product_id', '=', productId).executeTakeFirst();
  }

  openExplanation(sessionId: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('product_explanations').selectAll().where('session_id', '=', sessionId).where('open_flag', '=', 1).executeTakeFirst();
  }
  /** Closes the open explanation, if any; returns it as it was (null when none was open). */
  async closeOpen(exec: Kysely<DB>, sessionId: string, at: string): Promise<ProductExplanationsTable | null> {
    const open = await this.openExplanation(sessionId, exec);
    if (!open) return null;
    const r = await exec.updateTable('product_explanations').set({ ended_at: at, open_flag: null }).where('id', '=', open.id).where('open_flag', '=', 1).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1 ? open : null;
  }
  /** false when another explanation of the session is open (someone pinned at the same moment). */
  async openNew(exec: Kysely<DB>, row: Omit<ProductExplanationsTable, 'ended_at' | 'open_flag'>): Promise<boolean> {
    const r = await exec
      .insertInto('product_explanations')
      .values({ ...row, ended_at: null, open_flag: 1 })
      .onConflict((oc) => oc.columns(['session_id', 'open_flag']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  explanations(sessionId: string) {
    return this.db.selectFrom('product_explanations').selectAll().where('session_id', '=', sessionId).orderBy('started_at').orderBy('id').limit(5000).execute();
  }
}
