import type { Kysely } from 'kysely';

// Analytics (issue 7): the event log (one row per idempotent event id), the post-live reports,
// the per-viewer rollup saved at the end of a session, survey answers, run-of-show segments and
// saved audience segments. Times of events are ms since epoch (int8); the other tables keep the
// house's ISO text timestamps. `viewers.simulated` / `orders.simulated` mark what `onair simulate`
// creates, so real figures leave it out.
//
// analytics_events takes the whole event stream of a live (millions of rows): it has its primary
// key and one index, (session_id, at), which is what reading a session back in order needs;
// every further index would cost each insert.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('analytics_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('viewer_key', 'text', (c) => c.notNull())
    .addColumn('at', 'int8', (c) => c.notNull())
    .addColumn('stream_ms', 'int8')
    .addColumn('source', 'text')
    .addColumn('traffic', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text')
    .addColumn('ref', 'text')
    .addColumn('amount_fen', 'int8')
    .addColumn('n', 'integer', (c) => c.notNull().defaultTo(1))
    // JSON of the rarer props (lines, csat, nps, shareChannel); null when none.
    .addColumn('data', 'text')
    .execute();
  await db.schema.createIndex('analytics_events_session_at_idx').on('analytics_events').columns(['session_id', 'at', 'id']).execute();

  await db.schema
    .createTable('analytics_reports')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('traffic', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('doc', 'text')
    .addColumn('events', 'int8', (c) => c.notNull().defaultTo(0))
    .addColumn('built_at', 'text')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_reports_pk', ['session_id', 'traffic'])
    .execute();

  await db.schema
    .createTable('analytics_viewer_sessions')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('viewer_key', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text')
    .addColumn('traffic', 'text', (c) => c.notNull())
    .addColumn('first_at', 'int8', (c) => c.notNull())
    .addColumn('last_at', 'int8', (c) => c.notNull())
    .addColumn('watch_ms', 'int8', (c) => c.notNull().defaultTo(0))
    .addColumn('interactions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('likes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('orders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_fen', 'int8', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text')
    .addPrimaryKeyConstraint('analytics_viewer_sessions_pk', ['session_id', 'viewer_key'])
    .execute();
  // New vs returning, and a brand's audience for clusters.
  await db.schema.createIndex('analytics_viewer_sessions_brand_idx').on('analytics_viewer_sessions').columns(['brand_id', 'viewer_key']).execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('viewer_key', 'text', (c) => c.notNull())
    .addColumn('csat', 'integer')
    .addColumn('nps', 'integer')
    .addColumn('comment', 'text')
    .addColumn('traffic', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_responses_pk', ['session_id', 'viewer_key'])
    .execute();

  await db.schema
    .createTable('session_segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('started_at', 'int8', (c) => c.notNull())
    .addColumn('ended_at', 'int8')
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('session_segments_session_idx').on('session_segments').columns(['session_id', 'started_at']).execute();

  await db.schema
    .createTable('audience_segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('viewer_ids', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audience_segments_brand_idx').on('audience_segments').columns(['brand_id', 'created_at']).execute();

  await db.schema.alterTable('viewers').addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('orders').addColumn('simulated', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('simulated').execute();
  await db.schema.alterTable('viewers').dropColumn('simulated').execute();
  for (const t of ['audience_segments', 'session_segments', 'survey_responses', 'analytics_viewer_sessions', 'analytics_reports', 'analytics_events']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
