import type { Kysely } from 'kysely';

// Pre-flight (handbook 3.3): per session and checklist item, whether it is ticked, by whom, when,
// with an optional note (and the speed test's figures for network.upload); and the sessions in
// test-stream mode (an encoder's publish does not take them live, the audience sees nothing).

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('preflight_checks')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('checked', 'integer', (c) => c.notNull())
    // Who changed it last (ticked or unticked) and when.
    .addColumn('by_id', 'text')
    .addColumn('by_name', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('measured_kbps', 'integer')
    .addColumn('target_kbps', 'integer')
    .addPrimaryKeyConstraint('preflight_checks_pk', ['session_id', 'item'])
    .execute();
  await db.schema
    .createTable('stream_rehearsals')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('by_id', 'text')
    .addColumn('by_name', 'text')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stream_rehearsals').ifExists().execute();
  await db.schema.dropTable('preflight_checks').ifExists().execute();
}
