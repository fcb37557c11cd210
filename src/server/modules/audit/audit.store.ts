import type { Kysely } from 'kysely';
import type { AuditLogTable, DB } from '../../platform/db/db.types.js';

export class AuditStore {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(exec: Kysely<DB>, row: AuditLogTable): Promise<void> {
    await exec.insertInto('audit_log').values(row).execute();
  }

  /** Newest first; the cursor is the last id of the previous page (ids are time-ordered). */
  async list(limit: number, cursor: string | undefined): Promise<AuditLogTable[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit);
    if (cursor) q = q.where('id', '<', cursor);
    return q.execute();
  }
}
