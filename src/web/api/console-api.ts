import { api } from './api-client';
import type {
  AuditEntry,
  LiveSession,
  MemberPatch,
  MemberSession,
  NewMemberInput,
  Page,
  Product,
  SessionInput,
  SessionStatus,
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

  listProducts: (signal?: AbortSignal) => api.get<{ items: Product[] }>('/api/console/products', { signal }),

  listMembers: (signal?: AbortSignal) => api.get<{ items: TeamMember[] }>('/api/console/team/members', { signal }),
  createMember: (input: NewMemberInput) => api.post<TeamMember>('/api/console/team/members', input),
  updateMember: (id: string, patch: MemberPatch) =>
    api.patch<TeamMember>(`/api/console/team/members/${enc(id)}`, patch),

  listAudit: (params: { limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    api.get<Page<AuditEntry>>('/api/console/audit', { query: params, signal }),
};
