/**
 * Tables of the analytics module. Same conventions as db.types.ts, except that event times are
 * ms since epoch (int8, parsed to number on PostgreSQL). Created by migration 014. Columns with a
 * database default are typed plainly (inserts name them), so these interfaces also serve as row
 * types, as every other table's do; only the report's `progress` and `events` may be left out of
 * an insert (a report's status row is upserted before it has them).
 */
import type { ColumnType } from 'kysely';

/** A column the database fills with its default when an insert leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** One row per event id (the first one stored wins; later ones with the same id are ignored). */
export interface AnalyticsEventsTable {
  id: string;
  session_id: string;
  /** AnalyticsEventType. */
  type: string;
  viewer_key: string;
  /** Wall clock, ms since epoch. */
  at: number;
  stream_ms: number | null;
  source: string | null;
  /** TrafficKind: 'real' | 'bot' | 'simulated'. */
  traffic: string;
  product_id: string | null;
  ref: string | null;
  amount_fen: number | null;
  /** Likes in a burst, quantity added to cart; 1 otherwise. */
  n: number;
  /** JSON of the rarer props (lines, csat, nps, shareChannel); null when none. */
  data: string | null;
}

export interface AnalyticsReportsTable {
  session_id: string;
  traffic: 'real' | 'simulated';
  status: 'building' | 'ready' | 'failed';
  /** 0..1 while building. */
  progress: Defaulted<number>;
  /** JSON of the SessionReport once ready. */
  doc: string | null;
  /** Events the report was built from. */
  events: Defaulted<number>;
  built_at: string | null;
  error: string | null;
  updated_at: string;
}

/** Per-viewer rollup of a session, saved when it ends (new vs returning, clusters). */
export interface AnalyticsViewerSessionsTable {
  session_id: string;
  viewer_key: string;
  brand_id: string | null;
  traffic: string;
  first_at: number;
  last_at: number;
  watch_ms: number;
  interactions: number;
  comments: number;
  likes: number;
  orders: number;
  paid_fen: number;
  source: string | null;
}

export interface SurveyResponsesTable {
  session_id: string;
  viewer_key: string;
  /** 1-5. */
  csat: number | null;
  /** 0-10. */
  nps: number | null;
  comment: string | null;
  traffic: string;
  at: string;
}

/** Run-of-show segments of a session (timeline annotations, driver analysis). Times in ms since epoch. */
export interface SessionSegmentsTable {
  id: string;
  session_id: string;
  kind: 'showcase' | 'news' | 'teaching' | 'interview' | 'entertainment' | 'other';
  title: string;
  started_at: number;
  ended_at: number | null;
  created_by: string | null;
}

/** A saved audience cluster (for coupons). */
export interface AudienceSegmentsTable {
  id: string;
  brand_id: string | null;
  name: string;
  source: 'cluster';
  /** JSON: the cluster's definition (features, centroid, k, silhouette...). */
  definition: string;
  /** JSON array of viewer ids. */
  viewer_ids: string;
  size: number;
  created_by: string | null;
  created_at: string;
}

export interface AnalyticsTables {
  analytics_events: AnalyticsEventsTable;
  analytics_reports: AnalyticsReportsTable;
  analytics_viewer_sessions: AnalyticsViewerSessionsTable;
  survey_responses: SurveyResponsesTable;
  session_segments: SessionSegmentsTable;
  audience_segments: AudienceSegmentsTable;
}
