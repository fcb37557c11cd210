import type { Kysely } from 'kysely';
import type { DB, LiveSessionsTable, LiveSessionTransitionsTable, SessionCoversTable } from '../../platform/db/db.types.js';

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

  async lastWentLive(id: string, exec: Kysely<DB> = this.db): Promise<string | null> {
    return this.lastTransitionTo(id, 'live', exec);
  }

  /** When the session last moved to `status` (ISO), null if never. */
  async lastTransitionTo(id: string, status: string, exec: Kysely<DB> = this.db): Promise<string | null> {
    const r = await exec
      .selectFrom('live_session_transitions')
      .select('at')
      .where('session_id', '=', id)
      .where('to_status', '=', status)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r?.at ?? null;
  }

  async titles(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('live_sessions').select(['id', 'title']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.title]));
  }

  async logTransition(exec: Kysely<DB>, row: LiveSessionTransitionsTable): Promise<void> {
    await exec.insertInto('live_session_transitions').values(row).execute();
  }

  async coverEtags(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('session_covers').select(['session_id', 'etag']).where('session_id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.session_id, r.etag]));
  }

  getCover(id: string) {
    return this.db.selectFrom('session_covers').selectAll().where('session_id', '=', id).executeTakeFirst();
  }

  async putCover(exec: Kysely<DB>, row: SessionCoversTable): Promise<void> {
    await exec
      .insertInto('session_covers')
      .values(row)
      .onConflict((oc) => oc.column('session_id').doUpdateSet({ mime: row.mime, data_base64: row.data_base64, etag: row.etag, updated_at: row.updated_at }))
      .execute();
  }

  async deleteCover(exec: Kysely<DB>, id: string): Promise<boolean> {
    const r = await exec.deleteFrom('session_covers').where('session_id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  staff(id: string) {
    return this.db.selectFrom('session_staff').selectAll().where('session_id', '=', id).orderBy('duty').orderBy('member_id').execute();
  }

  async replaceStaff(exec: Kysely<DB>, id: string, rows: { member_id: string; duty: string }[]): Promise<void> {
    await exec.deleteFrom('session_staff').where('session_id', '=', id).execute();
    if (rows.length) await exec.insertInto('session_staff').values(rows.map((r) => ({ session_id: id, ...r }))).execute();
  }
}
