import { sql, type Kysely } from 'kysely';

// Video: one stream key per session (hash for the publish lookup, the key itself sealed with the
// data key so the team can read it again), and the ingest's publish log (who published when,
// how it ended) for the session's stream state and the post-live report.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stream_keys')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    // sha256 of the key, hex: the publish handshake looks the key up by it.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    // The key sealed with the data key (session id as associated data).
    .addColumn('key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('rotated_at', 'text')
    .execute();
  await db.schema
    .createTable('stream_publishes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('end_reason', 'text')
    .addColumn('remote_address', 'text')
    .addColumn('encoder', 'text')
    .addCheckConstraint('stream_publishes_end', sql`(ended_at is null) = (end_reason is null)`)
    .execute();
  // Stream health samples (every 10 s while publishing) for the post-live report.
  await db.schema
    .createTable('stream_health')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('publish_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('fps', 'real')
    .addColumn('video_bps', 'integer', (c) => c.notNull())
    .addColumn('audio_bps', 'integer', (c) => c.notNull())
    .addColumn('keyframe_interval_s', 'real')
    .addColumn('late_frames', 'integer', (c) => c.notNull())
    .addColumn('warnings_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stream_health_session_idx').on('stream_health').columns(['session_id', 'at']).execute();
  await db.schema.createIndex('stream_publishes_session_idx').on('stream_publishes').columns(['session_id', 'started_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stream_health').ifExists().execute();
  await db.schema.dropTable('stream_publishes').ifExists().execute();
  await db.schema.dropTable('stream_keys').ifExists().execute();
}
