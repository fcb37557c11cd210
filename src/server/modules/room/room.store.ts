import { sql, type Kysely } from 'kysely';
import type { ChatMessagesTable, DB, RoomReportsTable, RoomSanctionsTable, RoomSettingsTable } from '../../platform/db/db.types.js';

/** Owns chat_messages, room_settings, room_sanctions, room_reports, room_visits and room_stats. */
export class RoomStore {
  constructor(private readonly db: Kysely<DB>) {}

  /** One statement per flush: comments are persisted in batches, never one write per comment. */
  async insertMessages(rows: ChatMessagesTable[]): Promise<void> {
    if (rows.length === 0) return;
    // SQLite limits bound parameters per statement; 11 columns x 500 rows stays well inside.
    for (let i = 0; i < rows.length; i += 500) {
      await this.db.insertInto('chat_messages').values(rows.slice(i, i + 500)).onConflict((oc) => oc.column('id').doNothing()).execute();
    }
  }

  recentVisible(sessionId: string, limit: number) {
    return this.db
      .selectFrom('chat_messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('status', '=', 'visible')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  listMessages(sessionId: string, opts: { status?: ChatMessagesTable['status'] | undefined; limit: number; before?: string | undefined }) {
    let q = this.db.selectFrom('chat_messages').selectAll().where('session_id', '=', sessionId).orderBy('id', 'desc').limit(opts.limit);
    if (opts.status) q = q.where('status', '=', opts.status);
    if (opts.before) q = q.where('id', '<', opts.before);
    return q.execute();
  }

  findMessage(id: string) {
    return this.db.selectFrom('chat_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setMessageStatus(exec: Kysely<DB>, id: string, from: ChatMessagesTable['status'][], to: ChatMessagesTable['status'], by: string | null, at: string): Promise<boolean> {
    const r = await exec.updateTable('chat_messages').set({ status: to, moderated_by: by, moderated_at: at }).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  getSettings(sessionId: string) {
    return this.db.selectFrom('room_settings').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  }

  async upsertSettings(exec: Kysely<DB>, row: RoomSettingsTable): Promise<void> {
    await exec
      .insertInto('room_settings')
      .values(row)
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({
          chat_mode: row.chat_mode,
          slow_mode_seconds: row.slow_mode_seconds,
          hold_for_review: row.hold_for_review,
          pinned_text: row.pinned_text,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  activeSanctions(scopes: { scope: 'room' | 'brand'; id: string }[], nowIso: string) {
    if (scopes.length === 0) return Promise.resolve([] as RoomSanctionsTable[]);
    return this.db
      .selectFrom('room_sanctions')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('until', '>', nowIso)
      .where((eb) => eb.or(scopes.map((s) => eb.and([eb('scope', '=', s.scope), eb('scope_id', '=', s.id)]))))
      .execute();
  }

  async insertSanction(exec: Kysely<DB>, row: RoomSanctionsTable): Promise<void> {
    await exec.insertInto('room_sanctions').values(row).execute();
  }

  findSanction(id: string) {
    return this.db.selectFrom('room_sanctions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revokeSanction(exec: Kysely<DB>, id: string, at: string): Promise<boolean> {
    const r = await exec.updateTable('room_sanctions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** False when this reporter already reported this message (one report per person). */
  async insertReport(row: RoomReportsTable): Promise<boolean> {
    const r = await this.db.insertInto('room_reports').values(row).onConflict((oc) => oc.columns(['message_id', 'reporter_key']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  listReports(sessionId: string, status: RoomReportsTable['status'], limit: number) {
    return this.db.selectFrom('room_reports').selectAll().where('session_id', '=', sessionId).where('status', '=', status).orderBy('id').limit(limit).execute();
  }

  findReport(id: string) {
    return this.db.selectFrom('room_reports').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async resolveReport(exec: Kysely<DB>, id: string, status: 'resolved' | 'dismissed', by: string, at: string): Promise<boolean> {
    const r = await exec.updateTable('room_reports').set({ status, resolved_by: by, resolved_at: at }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Unique viewers: one row per (session, principal); returns true the first time. */
  async recordVisit(sessionId: string, principalKey: string, at: string): Promise<boolean> {
    const r = await this.db
      .insertInto('room_visits')
      .values({ session_id: sessionId, principal_key: principalKey, first_at: at })
      .onConflict((oc) => oc.columns(['session_id', 'principal_key']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async countVisits(sessionId: string): Promise<number> {
    const r = await this.db.selectFrom('room_visits').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  getStats(sessionId: string) {
    return this.db.selectFrom('room_stats').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
  }

  /** Adds counters and raises the peak, in one portable upsert. */
  async addStats(sessionId: string, d: { likes: number; entries: number; exits: number; online: number }, at: string): Promise<void> {
    await this.db
      .insertInto('room_stats')
      .values({ session_id: sessionId, likes: d.likes, pcu: d.online, entries: d.entries, exits: d.exits, updated_at: at })
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({
          likes: sql`room_stats.likes + ${d.likes}`,
          entries: sql`room_stats.entries + ${d.entries}`,
          exits: sql`room_stats.exits + ${d.exits}`,
          pcu: sql`case when room_stats.pcu < ${d.online} then ${d.online} else room_stats.pcu end`,
          updated_at: at,
        }),
      )
      .execute();
  }
}
