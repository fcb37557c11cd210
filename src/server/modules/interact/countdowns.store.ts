import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { CountdownsTable } from '../../platform/db/tables/interact.tables.js';

export type CountdownRow = Selectable<CountdownsTable>;

/** The countdowns table (this module owns it). */
export class CountdownsStore {
  constructor(private readonly db: Kysely<DB>) {}

  find(id: string): Promise<CountdownRow | undefined> {
    return this.db.selectFrom('countdowns').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listBySession(sessionId: string): Promise<CountdownRow[]> {
    return this.db.selectFrom('countdowns').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id').execute();
  }

  listRunning(): Promise<CountdownRow[]> {
    return this.db.selectFrom('countdowns').selectAll().where('status', '=', 'running').execute();
  }

  async insert(exec: Kysely<DB>, row: CountdownRow): Promise<void> {
    await exec.insertInto('countdowns').values(row).execute();
  }

  /** running -> `to`; false when it was no longer running (another node or request got there first). */
  async finishIfRunning(exec: Kysely<DB>, id: string, to: 'done' | 'cancelled', nowIso: string): Promise<boolean> {
    const r = await exec.updateTable('countdowns').set({ status: to, updated_at: nowIso }).where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
