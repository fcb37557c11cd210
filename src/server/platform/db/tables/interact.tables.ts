/** Tables of the interactive tools (interact module). Same conventions as db.types.ts. Created by migration 013. */

export interface PollsTable {
  id: string;
  session_id: string;
  question: string;
  kind: 'single' | 'multiple';
  /** JSON array of option labels. */
  options: string;
  duration_ms: number;
  status: 'draft' | 'open' | 'closed';
  opens_at: string | null;
  closed_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PollVotesTable {
  poll_id: string;
  viewer_id: string;
  /** Option indexes, ascending, comma-separated ("0,2"). */
  choices: string;
  voted_at: string;
}

export interface DrawsTable {
  id: string;
  session_id: string;
  brand_id: string | null;
  title: string;
  prize_kind: 'product' | 'coupon' | 'points' | 'text';
  /** Product id (product prize) or coupon template id (coupon prize). */
  prize_ref: string | null;
  prize_points: number | null;
  prize_label: string;
  winner_count: number;
  entry_seconds: number;
  /** JSON of DrawRules (draw.contract.ts). */
  rules: string;
  claim_hours: number;
  unclaimed: 'redraw' | 'lapse';
  status: 'draft' | 'open' | 'closed' | 'drawn' | 'cancelled';
  /** The secret seed sealed with the data key until the draw; null after (then `seed` holds it). */
  seed_sealed: string | null;
  /** The revealed seed (64 hex), null until drawn. */
  seed: string | null;
  commitment: string | null;
  entrants_hash: string | null;
  entrant_count: number;
  drawn_places: number;
  opened_at: string | null;
  closes_at: string | null;
  closed_at: string | null;
  drawn_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface DrawEntriesTable {
  draw_id: string;
  viewer_id: string;
  entered_at: string;
  via: 'button' | 'phrase';
  eligible: number | null;
  /** Unmet rule codes, comma-separated, when not eligible. */
  unmet: string | null;
}

export interface DrawWinnersTable {
  id: string;
  draw_id: string;
  brand_id: string | null;
  session_id: string;
  viewer_id: string;
  place: number;
  /** pending: waits for the winner's address; claimed: address given; issued: coupon/points credited; lapsed / redrawn: unclaimed by the deadline. */
  status: 'pending' | 'claimed' | 'issued' | 'lapsed' | 'redrawn';
  won_at: string;
  claim_by: string | null;
  claimed_at: string | null;
  address_sealed: string | null;
  issued_ref: string | null;
  seen_at: string | null;
  note: string | null;
  updated_at: string;
}

export interface QuizzesTable {
  id: string;
  session_id: string;
  title: string;
  /** JSON array of {prompt, options, correctIndex, windowMs}. */
  questions: string;
  reward_top_n: number;
  reward_kind: 'none' | 'points' | 'coupon';
  reward_points: number | null;
  reward_template_id: string | null;
  status: 'draft' | 'asking' | 'revealed' | 'finished';
  current: number;
  /** JSON array of ms-since-epoch, one per asked question. */
  asked_at: string;
  rewarded_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface QuizAnswersTable {
  quiz_id: string;
  question_index: number;
  viewer_id: string;
  choice: number;
  elapsed_ms: number;
  answered_at: string;
}

export interface QuestionsTable {
  id: string;
  session_id: string;
  viewer_id: string;
  viewer_name: string;
  text: string;
  status: 'submitted' | 'answering' | 'answered' | 'dismissed';
  upvotes: number;
  answer_text: string | null;
  answered_by: string | null;
  asked_at: string;
  answering_at: string | null;
  answered_at: string | null;
  updated_at: string;
  /** 1: held by the chat filter, not shown to the room until taken up (answered or approved). */
  held: number;
  /** 1 while answering, else null (unique per session: one answering question at a time). */
  answering_flag: number | null;
}

export interface QuestionUpvotesTable {
  question_id: string;
  viewer_id: string;
  at: string;
}

export interface TopicsTable {
  id: string;
  session_id: string;
  /** Without the leading '#'. */
  tag: string;
  title: string;
  status: 'pinned' | 'unpinned';
  comments: number;
  participants: number;
  pinned_at: string | null;
  unpinned_at: string | null;
  created_by: string | null;
  created_at: string;
}

export interface TopicCommentsTable {
  topic_id: string;
  message_id: string;
  sender_key: string;
  sender_name: string;
  text: string;
  at: string;
}

export interface TopicParticipantsTable {
  topic_id: string;
  sender_key: string;
}

export interface CountdownsTable {
  id: string;
  session_id: string;
  label: string;
  ends_at: string;
  status: 'running' | 'done' | 'cancelled';
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WatchTimeTable {
  session_id: string;
  principal_key: string;
  watched_ms: number;
  updated_at: string;
}

export interface InteractTables {
  polls: PollsTable;
  poll_votes: PollVotesTable;
  draws: DrawsTable;
  draw_entries: DrawEntriesTable;
  draw_winners: DrawWinnersTable;
  quizzes: QuizzesTable;
  quiz_answers: QuizAnswersTable;
  questions: QuestionsTable;
  question_upvotes: QuestionUpvotesTable;
  topics: TopicsTable;
  topic_comments: TopicCommentsTable;
  topic_participants: TopicParticipantsTable;
  countdowns: CountdownsTable;
  watch_time: WatchTimeTable;
}
