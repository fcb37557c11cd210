import { api } from './api-client';
import type {
  AuditEntry,
  CoverMime,
  LiveSession,
  MemberPatch,
  MemberSession,
  NewMemberInput,
  Page,
  Product,
  RoomLive,
  RoomReport,
  RoomReportStatus,
  RoomSettings,
  RoomSettingsPatch,
  Sanction,
  SanctionInput,
  SanctionResult,
  SessionInput,
  SessionStatus,
  StaffAssignment,
  StaffAssignmentInput,
  StoredChatMessage,
  StoredChatStatus,
  TeamMember,
  TransitionTarget,
} from './api-types';

const enc = encodeURIComponent;

export const consoleApi = {
  signIn: (email: string, password: string) =>
    api.post<MemberSession>('/api/console/auth/signin', { email, password }),
  signOut: () => api.post<undefined>('/api/console/auth/signout'),
  me: (signal?: AbortSignal) => api.get<MemberSession>('/api/console/auth/me', { signal }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<undefined>('/api/console/auth/password', { currentPassword, newPassword }),

  listSessions: (params: { status?: SessionStatus | ''; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    api.get<Page<LiveSession>>('/api/console/sessions', { query: params, signal }),
  getSession: (id: string, signal?: AbortSignal) => api.get<LiveSession>(`/api/console/sessions/${enc(id)}`, { signal }),
  createSession: (input: SessionInput) => api.post<LiveSession>('/api/console/sessions', input),
  updateSession: (id: string, patch: Partial<SessionInput>) =>
    api.patch<LiveSession>(`/api/console/sessions/${enc(id)}`, patch),
  transitionSession: (id: string, to: TransitionTarget) =>
    api.post<LiveSession>(`/api/console/sessions/${enc(id)}/transitions`, { to }),
  setCover: (id: string, contentType: CoverMime, dataBase64: string) =>
    api.put<LiveSession>(`/api/console/sessions/${enc(id)}/cover`, { contentType, dataBase64 }),
  removeCover: (id: string) => api.delete<LiveSession>(`/api/console/sessions/${enc(id)}/cover`),
  /** A new invite code for a private session; the old link stops working. */
  rotateInvite: (id: string) => api.post<LiveSession>(`/api/console/sessions/${enc(id)}/invite`),
  getStaff: (id: string, signal?: AbortSignal) =>
    api.get<{ assignments: StaffAssignment[] }>(`/api/console/sessions/${enc(id)}/staff`, { signal }),
  setStaff: (id: string, assignments: StaffAssignmentInput[]) =>
    api.put<{ assignments: StaffAssignment[] }>(`/api/console/sessions/${enc(id)}/staff`, { assignments }),

  // Live room: figures, moderation, settings. Every write is audited by the server.
  getRoom: (id: string, signal?: AbortSignal) => api.get<RoomLive>(`/api/console/sessions/${enc(id)}/room`, { signal }),
  listChat: (id: string, params: { status?: StoredChatStatus; limit?: number; before?: string }, signal?: AbortSignal) =>
    api.get<{ items: StoredChatMessage[] }>(`/api/console/sessions/${enc(id)}/chat`, { query: params, signal }),
  deleteChat: (id: string, messageId: string) =>
    api.post<undefined>(`/api/console/sessions/${enc(id)}/chat/${enc(messageId)}/delete`),
  approveChat: (id: string, messageId: string) =>
    api.post<undefined>(`/api/console/sessions/${enc(id)}/chat/${enc(messageId)}/approve`),
  sanction: (id: string, input: SanctionInput) =>
    api.post<SanctionResult>(`/api/console/sessions/${enc(id)}/sanctions`, input),
  listSanctions: (id: string, signal?: AbortSignal) =>
    api.get<{ items: Sanction[] }>(`/api/console/sessions/${enc(id)}/sanctions`, { signal }),
  liftSanction: (id: string, sanctionId: string) =>
    api.post<undefined>(`/api/console/sessions/${enc(id)}/sanctions/${enc(sanctionId)}/lift`),
  updateRoomSettings: (id: string, patch: RoomSettingsPatch) =>
    api.put<RoomSettings>(`/api/console/sessions/${enc(id)}/room/settings`, patch),
  setPin: (id: string, text: string | null) => api.put<RoomSettings>(`/api/console/sessions/${enc(id)}/room/pin`, { text }),
  listReports: (id: string, status: RoomReportStatus, signal?: AbortSignal) =>
    api.get<{ items: RoomReport[] }>(`/api/console/sessions/${enc(id)}/reports`, { query: { status }, signal }),
  resolveReport: (id: string, reportId: string, action: 'resolve' | 'dismiss') =>
    api.post<undefined>(`/api/console/sessions/${enc(id)}/reports/${enc(reportId)}`, { action }),

  listProducts: (signal?: AbortSignal) => api.get<{ items: Product[] }>('/api/console/products', { signal }),

  listMembers: (signal?: AbortSignal) => api.get<{ items: TeamMember[] }>('/api/console/team/members', { signal }),
  createMember: (input: NewMemberInput) => api.post<TeamMember>('/api/console/team/members', input),
  updateMember: (id: string, patch: MemberPatch) =>
    api.patch<TeamMember>(`/api/console/team/members/${enc(id)}`, patch),

  listAudit: (params: { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    api.get<Page<AuditEntry>>('/api/console/audit', { query: params, signal }),
};
