// Wire types for the HTTP API, inferred from the shared zod contracts so the
// console cannot drift from what the server validates. Only *types* come from
// api.contract.ts: importing its values would pull zod into the browser bundle.
import type { z } from 'zod';
import type {
  auditEntrySchema,
  chatMessageSchema,
  coverBody,
  guestReply,
  liveSessionSchema,
  memberSchema,
  productSchema,
  publicSessionSchema,
  reportListReply,
  roomLiveReply,
  roomSettingsSchema,
  sanctionBody,
  sanctionListReply,
  sanctionReply,
  skuSchema,
  staffSchema,
  viewerSchema,
} from '../../contracts/api.contract.js';
import { teamRoles, type Permission, type TeamRole } from '../../contracts/roles.contract.js';

export type { Permission };
export type Role = TeamRole;
export const ROLES: readonly Role[] = teamRoles;

/** A team member as the team list returns it (with status and creation date). */
export type TeamMember = z.infer<typeof memberSchema>;
/**
 * The signed-in member. The console only relies on these fields, so the
 * shell keeps working if `me` ever drops the list-only ones.
 */
export type Member = Pick<TeamMember, 'id' | 'email' | 'displayName' | 'roles' | 'permissions' | 'isDemo'>;

export interface MemberSession {
  member: Member;
  csrfToken: string;
}

export type LiveSession = z.infer<typeof liveSessionSchema>;
export type SessionStatus = LiveSession['status'];
export type SessionTheme = LiveSession['theme'];
export type SessionVisibility = LiveSession['visibility'];
export type TransitionTarget = Exclude<SessionStatus, 'draft'>;

/**
 * Returns `list` unchanged, but fails to compile unless it names every value
 * of `U`: the contract's own lists live next to zod, so the console keeps
 * local copies and this catches a value added on the server but not offered here.
 */
function allOf<U extends string>() {
  return <const L extends readonly U[]>(
    list: L & ([Exclude<U, L[number]>] extends [never] ? unknown : { missing: Exclude<U, L[number]> }),
  ): L => list;
}

export const SESSION_STATUSES = allOf<SessionStatus>()(['draft', 'scheduled', 'live', 'ended', 'archived']);
export const SESSION_THEMES = allOf<SessionTheme>()([
  'launch',
  'festival',
  'clearance',
  'brand_day',
  'new_arrivals',
  'seasonal',
  'other',
]);
export const SESSION_VISIBILITIES = allOf<SessionVisibility>()(['public', 'unlisted', 'private']);

/** Image types the server accepts as a cover (it checks the bytes too), and the size limit. */
export type CoverMime = z.infer<typeof coverBody>['contentType'];
export const COVER_MIMES = allOf<CoverMime>()(['image/png', 'image/jpeg', 'image/webp']);
export const MAX_COVER_BYTES = 2 * 1024 * 1024;

export type StaffAssignment = z.infer<typeof staffSchema>['assignments'][number];
export interface StaffAssignmentInput {
  memberId: string;
  duty: Role;
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

export type Sku = z.infer<typeof skuSchema>;
export type Product = z.infer<typeof productSchema>;

export interface NewMemberInput {
  email: string;
  displayName: string;
  roles: Role[];
  password: string;
}

export interface MemberPatch {
  displayName?: string;
  roles?: Role[];
  status?: TeamMember['status'];
}

export type AuditEntry = z.infer<typeof auditEntrySchema>;

export type Viewer = z.infer<typeof viewerSchema>;

export interface ViewerSession {
  viewer: Viewer;
  csrfToken: string;
}

export type GuestGrant = z.infer<typeof guestReply>;
export type PublicSession = z.infer<typeof publicSessionSchema>;

// --- live room (console) ---
export type RoomLive = z.infer<typeof roomLiveReply>;
export type RoomSettings = z.infer<typeof roomSettingsSchema>;
export type RoomSettingsPatch = Partial<Omit<RoomSettings, 'pin'>>;
export type StoredChatMessage = z.infer<typeof chatMessageSchema>;
export type StoredChatStatus = StoredChatMessage['status'];
export type RoomReport = z.infer<typeof reportListReply>['items'][number];
export type RoomReportStatus = 'open' | 'resolved' | 'dismissed';
export type SanctionInput = z.input<typeof sanctionBody>;
export type SanctionResult = z.infer<typeof sanctionReply>;
export type Sanction = z.infer<typeof sanctionListReply>['items'][number];
