import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('live_sessions').addColumn('invite_code', 'text').execute();
  // Covers are kept in the database (base64 text, at most ~2 MB) so every node of a cluster
  // serves them without shared disk; portable across SQLite and PostgreSQL.
  await db.schema
    .createTable('session_covers')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('live_sessions.id').onDelete('cascade'))
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('data_base64', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('session_staff')
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('duty', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_staff_pk', ['session_id', 'member_id', 'duty'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_staff').ifExists().execute();
  await db.schema.dropTable('session_covers').ifExists().execute();
  await db.schema.alterTable('live_sessions').dropColumn('invite_code').execute();
}
