import type { Kysely } from 'kysely';
import type { DB, ViewersTable } from '../../platform/db/db.types.js';

export class ViewersStore {
  constructor(private readonly db: Kysely<DB>) {}
  findById(id: string) {
    return this.db.selectFrom('viewers').selectAll().where('id', '=', id).executeTakeFirst();
  }
  findByKey(key: string) {
    return this.db.selectFrom('viewers').selectAll().where('nickname_key', '=', key).executeTakeFirst();
  }
  async findMany(ids: string[], keys: string[]) {
    if (ids.length === 0 && keys.length === 0) return [];
    return this.db
      .selectFrom('viewers')
      .selectAll()
      .where((eb) => eb.or([...(ids.length ? [eb('id', 'in', ids)] : []), ...(keys.length ? [eb('nickname_key', 'in', keys)] : [])]))
      .execute();
  }
  /** Many rows (chunked) in `exec`; returns how many went in: fewer than given when a nickname was taken. */
  async insertMany(rows: readonly ViewersTable[], exec: Kysely<DB> = this.db): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const res = await exec
        .insertInto('viewers')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.column('nickname_key').doNothing())
        .executeTakeFirst();
      inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  }
  /** Returns false when the nickname is taken (unique index), without a half-written row. */
  async insert(row: ViewersTable): Promise<boolean> {
    const res = await this.db
      .insertInto('viewers')
      .values(row)
      .onConflict((oc) => oc.column('nickname_key').doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
