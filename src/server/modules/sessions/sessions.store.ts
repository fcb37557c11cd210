import type { Kysely } from 'kysely';
import type { DB, LiveSessionsTable, LiveSessionTransitionsTable } from '../../platform/db/db.types.js';

export class SessionsStore {
  constructor(private readonly db: Kysely<DB>) {}

  findById(id: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Newest first by id (time-ordered); cursor = last id of the previous page. */
  list(opts: { status?: string | undefined; limit: number; cursor?: string | undefined }) {
    let q = this.db.selectFrom('live_sessions').selectAll().orderBy('id', 'desc').limit(opts.limit);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.cursor) q = q.where('id', '<', opts.cursor);
    return q.execute();
  }

  async insert(exec: Kysely<DB>, row: LiveSessionsTable): Promise<void> {
    await exec.insertInto('live_sessions').values(row).execute();
  }

  async update(exec: Kysely<DB>, id: string, patch: Partial<LiveSessionsTable>): Promise<void> {
    await exec.updateTable('live_sessions').set(patch).where('id', '=', id).execute();
  }

  /** Compare-and-set on status, so two racing transitions cannot both win. */
  async setStatusIf(exec: Kysely<DB>, id: string, from: string, to: string, nowIso: string): Promise<boolean> {
    const r = await exec.updateTable('live_sessions').set({ status: to, updated_at: nowIso }).where('id', '=', id).where('status', '=', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async logTransition(exec: Kysely<DB>, row: LiveSessionTransitionsTable): Promise<void> {
    await exec.insertInto('live_session_transitions').values(row).execute();
  }
}
