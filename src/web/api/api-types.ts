// Wire types for the HTTP API. They mirror the server contract by hand because
// the web bundle must not import server code; keep them in step with
// src/contracts when that changes.

export const ROLES = [
  'owner',
  'admin',
  'host',
  'planner',
  'tech',
  'marketer',
  'operator',
  'analyst',
  'cs',
  'logistics',
] as const;
export type Role = (typeof ROLES)[number];

export interface Member {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  permissions: string[];
  isDemo: boolean;
}

export interface TeamMember extends Member {
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface MemberSession {
  member: Member;
  csrfToken: string;
}

export const SESSION_STATUSES = ['draft', 'scheduled', 'live', 'ended', 'archived'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const SESSION_THEMES = [
  'launch',
  'festival',
  'clearance',
  'brand_day',
  'new_arrivals',
  'seasonal',
  'other',
] as const;
export type SessionTheme = (typeof SESSION_THEMES)[number];

export const SESSION_VISIBILITIES = ['public', 'unlisted', 'private'] as const;
export type SessionVisibility = (typeof SESSION_VISIBILITIES)[number];

export type TransitionTarget = Exclude<SessionStatus, 'draft'>;

export interface LiveSession {
  id: string;
  title: string;
  status: SessionStatus;
  theme: SessionTheme;
  visibility: SessionVisibility;
  scheduledStart: string | null;
  plannedMinutes: number;
  brandName: string | null;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionInput {
  title: string;
  theme: SessionTheme;
  visibility: SessionVisibility;
  scheduledStart: string | null;
  plannedMinutes: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Sku {
  id: string;
  code: string;
  name: string;
  priceFen: number;
  currency: 'CNY';
  stock: number;
}

export interface Product {
  id: string;
  title: string;
  category: string;
  brandName: string | null;
  isDemo: boolean;
  skus: Sku[];
}

export interface NewMemberInput {
  email: string;
  displayName: string;
  roles: Role[];
  password: string;
}

export interface MemberPatch {
  displayName?: string;
  roles?: Role[];
  status?: 'active' | 'disabled';
}

export interface AuditEntry {
  id: string;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

export interface Viewer {
  id: string;
  nickname: string;
}

export interface ViewerSession {
  viewer: Viewer;
  csrfToken: string;
}

export interface GuestGrant {
  guestToken: string;
  guestId: string;
  expiresAt: string;
}

export interface PublicSession {
  id: string;
  title: string;
  status: SessionStatus;
  theme: SessionTheme;
  scheduledStart: string | null;
  plannedMinutes: number;
  brandName: string | null;
  isDemo: boolean;
}
