import type { Kysely } from 'kysely';

// Interactive tools (issue 6): polls and votes, draws with entries and winners, quizzes and
// answers, Q&A questions and upvotes, topics and their comments, countdowns, and watch time.
// One row per vote / entry / answer / upvote with the account in the primary key: a second one
// by the same account is refused by the database, on every node.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('polls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opens_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('polls_session_idx').on('polls').columns(['session_id', 'created_at']).execute();
  await db.schema
    .createTable('poll_votes')
    .addColumn('poll_id', 'text', (c) => c.notNull())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('choices', 'text', (c) => c.notNull())
    .addColumn('voted_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('poll_votes_pk', ['poll_id', 'viewer_id'])
    .execute();

  await db.schema
    .createTable('draws')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('prize_kind', 'text', (c) => c.notNull())
    .addColumn('prize_ref', 'text')
    .addColumn('prize_points', 'integer')
    .addColumn('prize_label', 'text', (c) => c.notNull())
    .addColumn('winner_count', 'integer', (c) => c.notNull())
    .addColumn('entry_seconds', 'integer', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('claim_hours', 'integer', (c) => c.notNull())
    .addColumn('unclaimed', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // The secret seed, sealed (SecretBox) until the draw reveals it.
    .addColumn('seed_sealed', 'text')
    .addColumn('seed', 'text')
    .addColumn('commitment', 'text')
    .addColumn('entrants_hash', 'text')
    .addColumn('entrant_count', 'integer', (c) => c.notNull().defaultTo(0))
    // How many places of the shuffled list have been handed out (winners + redraws).
    .addColumn('drawn_places', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opened_at', 'text')
    .addColumn('closes_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('drawn_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('draws_session_idx').on('draws').columns(['session_id', 'created_at']).execute();
  await db.schema
    .createTable('draw_entries')
    .addColumn('draw_id', 'text', (c) => c.notNull())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('entered_at', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    // Set when entries close: 1 eligible (in the frozen entrant list), 0 not, with the unmet rule codes.
    .addColumn('eligible', 'integer')
    .addColumn('unmet', 'text')
    .addPrimaryKeyConstraint('draw_entries_pk', ['draw_id', 'viewer_id'])
    .execute();
  await db.schema
    .createTable('draw_winners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('draw_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    // Index in the draw's shuffled list (0 = first drawn); redraws continue the list.
    .addColumn('place', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('won_at', 'text', (c) => c.notNull())
    .addColumn('claim_by', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('address_sealed', 'text')
    .addColumn('issued_ref', 'text')
    .addColumn('seen_at', 'text')
    .addColumn('note', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('draw_winners_draw_idx').on('draw_winners').columns(['draw_id', 'place']).unique().execute();
  await db.schema.createIndex('draw_winners_viewer_idx').on('draw_winners').columns(['viewer_id', 'won_at']).execute();
  await db.schema.createIndex('draw_winners_brand_idx').on('draw_winners').columns(['brand_id', 'won_at']).execute();

  await db.schema
    .createTable('quizzes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull())
    .addColumn('reward_top_n', 'integer', (c) => c.notNull())
    .addColumn('reward_kind', 'text', (c) => c.notNull())
    .addColumn('reward_points', 'integer')
    .addColumn('reward_template_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current', 'integer', (c) => c.notNull())
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('rewarded_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quizzes_session_idx').on('quizzes').columns(['session_id', 'created_at']).execute();
  await db.schema
    .createTable('quiz_answers')
    .addColumn('quiz_id', 'text', (c) => c.notNull())
    .addColumn('question_index', 'integer', (c) => c.notNull())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('choice', 'integer', (c) => c.notNull())
    .addColumn('elapsed_ms', 'integer', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('quiz_answers_pk', ['quiz_id', 'question_index', 'viewer_id'])
    .execute();

  await db.schema
    .createTable('questions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('viewer_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answer_text', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('asked_at', 'text', (c) => c.notNull())
    .addColumn('answering_at', 'text')
    .addColumn('answered_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // 1: the chat filter held it for review; kept out of the room until a moderator takes it up.
    .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
    // 1 while answering, else null: the unique index below allows one answering question per
    // session on every node (nulls never collide), the way product_explanations.open_flag does.
    .addColumn('answering_flag', 'integer')
    .execute();
  await db.schema.createIndex('questions_session_idx').on('questions').columns(['session_id', 'status']).execute();
  await db.schema.createIndex('questions_answering_uq').on('questions').columns(['session_id', 'answering_flag']).unique().execute();
  // The per-account rate limit reads an account's recent questions.
  await db.schema.createIndex('questions_viewer_idx').on('questions').columns(['viewer_id', 'asked_at']).execute();
  await db.schema
    .createTable('question_upvotes')
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('viewer_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('question_upvotes_pk', ['question_id', 'viewer_id'])
    .execute();

  await db.schema
    .createTable('topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('participants', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pinned_at', 'text')
    .addColumn('unpinned_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('topics_session_idx').on('topics').columns(['session_id', 'created_at']).execute();
  await db.schema
    .createTable('topic_comments')
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('sender_key', 'text', (c) => c.notNull())
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_comments_pk', ['topic_id', 'message_id'])
    .execute();
  await db.schema
    .createTable('topic_participants')
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('sender_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_participants_pk', ['topic_id', 'sender_key'])
    .execute();

  await db.schema
    .createTable('countdowns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('countdowns_session_idx').on('countdowns').columns(['session_id', 'ends_at']).execute();

  await db.schema
    .createTable('watch_time')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('principal_key', 'text', (c) => c.notNull())
    .addColumn('watched_ms', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('watch_time_pk', ['session_id', 'principal_key'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['watch_time', 'countdowns', 'topic_participants', 'topic_comments', 'topics', 'question_upvotes', 'questions', 'quiz_answers', 'quizzes', 'draw_winners', 'draw_entries', 'draws', 'poll_votes', 'polls']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
