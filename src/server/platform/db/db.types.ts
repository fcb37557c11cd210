import type { Generated } from 'kysely';
import type { CatalogShelfTables } from './tables/catalog-shelf.tables.js';
import type { FlashSaleTables } from './tables/flash-sales.tables.js';
import type { OrderTables } from './tables/orders.tables.js';
import type { PreflightTables } from './tables/preflight.tables.js';
import type { PromotionTables } from './tables/promotions.tables.js';
import type { RecordingTables } from './tables/recordings.tables.js';
import type { RestreamTables } from './tables/restream.tables.js';
import type { VideoTables } from './tables/video.tables.js';
import type { InteractTables } from './tables/interact.tables.js';
import type { AnalyticsTables } from './tables/analytics.tables.js';

/**
 * Typed schema of every table. Portable column types only: text ids, ISO-8601 UTC text
 * timestamps (they sort as text), integer 0/1 booleans, integer fen for money, JSON as text.
 * Each module owns its tables (see the module READMEs); no module reads another's.
 */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface TeamMembersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  status: 'active' | 'disabled';
  is_demo: number;
  created_at: string;
  updated_at: string;
}

export interface TeamMemberRolesTable {
  member_id: string;
  role: string;
}

export interface ViewersTable {
  id: string;
  nickname: string;
  nickname_key: string;
  password_hash: string;
  status: 'active' | 'disabled';
  is_demo: number;
  created_at: string;
  /**
   * 1: an account made by `onair simulate` (migration 014); its traffic is labelled simulated.
   * Not null in the database (default 0); optional here so the many places that build a
   * ViewersTable row by hand (inserts, fixtures) need not name it. (`Generated<number>` would
   * break every use of the interface as a plain row type.)
   */
  simulated?: number;
}

export interface AuthSessionsTable {
  id: string;
  principal_kind: 'team' | 'viewer';
  principal_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before_json: string | null;
  after_json: string | null;
  request_id: string | null;
  ip: string | null;
}

export interface BrandsTable {
  id: string;
  name: string;
  is_demo: number;
  created_at: string;
}

export interface LiveSessionsTable {
  id: string;
  brand_id: string | null;
  title: string;
  theme: string;
  visibility: string;
  status: string;
  scheduled_start: string | null;
  planned_minutes: number;
  created_by: string | null;
  is_demo: number;
  created_at: string;
  updated_at: string;
  invite_code: string | null;
}

export interface SessionCoversTable {
  session_id: string;
  mime: string;
  data_base64: string;
  etag: string;
  updated_at: string;
}

export interface SessionStaffTable {
  session_id: string;
  member_id: string;
  duty: string;
}

export interface LiveSessionTransitionsTable {
  id: string;
  session_id: string;
  from_status: string;
  to_status: string;
  at: string;
  actor_id: string | null;
  reason: string | null;
}

export interface ProductsTable {
  id: string;
  brand_id: string | null;
  title: string;
  description: string;
  category: string;
  tags_json: string;
  images_json: string;
  is_demo: number;
  created_at: string;
  updated_at: string;
  /** Set when the product is withdrawn from sale (kept for orders and history). Migration 004. */
  archived_at: string | null;
}

export interface SkusTable {
  id: string;
  product_id: string;
  code: string;
  name: string;
  attrs_json: string;
  price_fen: number;
  currency: string;
  stock: number;
  created_at: string;
  updated_at: string;
}

export interface SkuPriceHistoryTable {
  id: string;
  sku_id: string;
  price_fen: number;
  currency: string;
  from_at: string;
  /** 'list': the SKU's list price from this moment (set or edited); 'charged': a unit price a buyer paid (migration 004). */
  kind: 'list' | 'charged';
  /** For 'charged' rows: the order that paid it. */
  order_id: string | null;
}

export interface ChatMessagesTable {
  id: string;
  session_id: string;
  sender_kind: string;
  sender_id: string;
  sender_name: string;
  sender_role: string;
  text: string;
  status: 'visible' | 'held' | 'deleted' | 'rejected';
  created_at: string;
  moderated_by: string | null;
  moderated_at: string | null;
}

export interface RoomSettingsTable {
  session_id: string;
  chat_mode: string;
  slow_mode_seconds: number;
  hold_for_review: number;
  pinned_text: string | null;
  updated_at: string;
}

export interface RoomSanctionsTable {
  id: string;
  kind: 'mute' | 'ban';
  scope: 'room' | 'brand';
  scope_id: string;
  principal_key: string;
  until: string;
  reason: string | null;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

export interface RoomReportsTable {
  id: string;
  session_id: string;
  message_id: string;
  reporter_key: string;
  reason: string;
  status: 'open' | 'resolved' | 'dismissed';
  created_at: string;
  resolved_by: string | null;
  resolved_at: string | null;
}

export interface RoomVisitsTable {
  session_id: string;
  principal_key: string;
  first_at: string;
}

export interface RoomStatsTable {
  session_id: string;
  likes: number;
  pcu: number;
  entries: number;
  exits: number;
  updated_at: string;
}

/** Commerce modules declare their tables in tables/*.tables.ts. */
export interface DB extends CatalogShelfTables, PromotionTables, FlashSaleTables, OrderTables, VideoTables, RecordingTables, RestreamTables, PreflightTables, InteractTables, AnalyticsTables {
  settings: SettingsTable;
  team_members: TeamMembersTable;
  team_member_roles: TeamMemberRolesTable;
  viewers: ViewersTable;
  auth_sessions: AuthSessionsTable;
  audit_log: AuditLogTable;
  brands: BrandsTable;
  live_sessions: LiveSessionsTable;
  live_session_transitions: LiveSessionTransitionsTable;
  session_covers: SessionCoversTable;
  session_staff: SessionStaffTable;
  products: ProductsTable;
  skus: SkusTable;
  sku_price_history: SkuPriceHistoryTable;
  chat_messages: ChatMessagesTable;
  room_settings: RoomSettingsTable;
  room_sanctions: RoomSanctionsTable;
  room_reports: RoomReportsTable;
  room_visits: RoomVisitsTable;
  room_stats: RoomStatsTable;
}

/** Kept so a future table with a database-generated column has the type at hand. */
export type { Generated };
