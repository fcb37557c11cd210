import { api } from './api-client';
import type { GuestGrant, PublicSession, ViewerSession } from './api-types';

export const viewerApi = {
  signUp: (nickname: string, password: string) =>
    api.post<ViewerSession>('/api/viewer/signup', { nickname, password }),
  signIn: (nickname: string, password: string) =>
    api.post<ViewerSession>('/api/viewer/signin', { nickname, password }),
  signOut: () => api.post<undefined>('/api/viewer/signout'),
  me: (signal?: AbortSignal) => api.get<ViewerSession>('/api/viewer/me', { signal }),
  guest: () => api.post<GuestGrant>('/api/viewer/guest'),
  /** `invite`: the code of a private session, from `/live/:id?invite=…`. */
  getLiveSession: (id: string, signal?: AbortSignal, invite?: string | null) =>
    api.get<PublicSession>(`/api/live/${encodeURIComponent(id)}`, { query: { invite }, signal }),
};
