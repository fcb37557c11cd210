import type { Kysely } from 'kysely';
import type { AuthSessionsTable, DB } from '../db/db.types.js';

/**
 * Server-side sign-in sessions for both principals. The cookie carries a random token; the
 * table keeps only its SHA-256, so a database leak does not hand out live sessions.
 */
export class AuthSessionStore {
  /** `readDb` serves findActive (see Database.readDb); every write goes to `db`. */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly readDb: Kysely<DB> = db,
  ) {}

  async insert(row: AuthSessionsTable): Promise<void> {
    await this.db.insertInto('auth_sessions').values(row).execute();
  }

  /** Many sessions in multi-row inserts (chunked under the dialects' parameter limits), in `exec` when given. */
  async insertMany(rows: readonly AuthSessionsTable[], exec: Kysely<DB> = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await exec.insertInto('auth_sessions').values(rows.slice(i, i + 500)).execute();
  }

  async findActive(id: string, nowIso: string): Promise<AuthSessionsTable | undefined> {
    return this.readDb
      .selectFrom('auth_sessions')
      .selectAll()
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', nowIso)
      .executeTakeFirst();
  }

  async touch(id: string, nowIso: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('auth_sessions').set({ last_seen_at: nowIso, expires_at: expiresAt }).where('id', '=', id).execute();
  }

  async revoke(id: string, nowIso: string): Promise<void> {
    await this.db.updateTable('auth_sessions').set({ revoked_at: nowIso }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  async revokeAllFor(kind: 'team' | 'viewer', principalId: string, nowIso: string, exceptId?: string): Promise<number> {
    let q = this.db
      .updateTable('auth_sessions')
      .set({ revoked_at: nowIso })
      .where('principal_kind', '=', kind)
      .where('principal_id', '=', principalId)
      .where('revoked_at', 'is', null);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
