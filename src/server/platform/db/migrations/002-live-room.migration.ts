import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('chat_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('sender_kind', 'text', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('sender_role', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('moderated_by', 'text')
    .addColumn('moderated_at', 'text')
    .execute();
  await db.schema.createIndex('chat_messages_session_idx').on('chat_messages').columns(['session_id', 'id']).execute();

  await db.schema
    .createTable('room_settings')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('live_sessions.id').onDelete('cascade'))
    .addColumn('chat_mode', 'text', (c) => c.notNull())
    .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull())
    .addColumn('hold_for_review', 'integer', (c) => c.notNull())
    .addColumn('pinned_text', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('room_sanctions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('principal_key', 'text', (c) => c.notNull())
    .addColumn('until', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('room_sanctions_scope_idx').on('room_sanctions').columns(['scope', 'scope_id', 'until']).execute();

  await db.schema
    .createTable('room_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('reporter_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_by', 'text')
    .addColumn('resolved_at', 'text')
    .addUniqueConstraint('room_reports_once', ['message_id', 'reporter_key'])
    .execute();
  await db.schema.createIndex('room_reports_queue_idx').on('room_reports').columns(['session_id', 'status']).execute();

  await db.schema
    .createTable('room_visits')
    .addColumn('session_id', 'text', (c) => c.notNull().references('live_sessions.id').onDelete('cascade'))
    .addColumn('principal_key', 'text', (c) => c.notNull())
    .addColumn('first_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_visits_pk', ['session_id', 'principal_key'])
    .execute();

  await db.schema
    .createTable('room_stats')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('live_sessions.id').onDelete('cascade'))
    .addColumn('likes', 'integer', (c) => c.notNull())
    .addColumn('pcu', 'integer', (c) => c.notNull())
    .addColumn('entries', 'integer', (c) => c.notNull())
    .addColumn('exits', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['room_stats', 'room_visits', 'room_reports', 'room_sanctions', 'room_settings', 'chat_messages']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
