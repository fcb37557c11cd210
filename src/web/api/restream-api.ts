// Restream targets of a session (console, stream:key). Only types come from the contracts.
import type {
  CreateRestreamTargetBody,
  RestreamPlatform,
  RestreamState,
  RestreamStatus,
  RestreamTarget,
  RestreamTargetsReply,
  UpdateRestreamTargetBody,
} from '../../contracts/restream.contract.js';
import { api } from './api-client';

export type { CreateRestreamTargetBody, RestreamPlatform, RestreamState, RestreamStatus, RestreamTarget, RestreamTargetsReply, UpdateRestreamTargetBody };

const enc = encodeURIComponent;
const base = (sessionId: string) => `/api/console/sessions/${enc(sessionId)}/restream-targets`;

export const restreamApi = {
  /** The targets (keys masked) and each push's status. */
  list: (sessionId: string, signal?: AbortSignal) => api.get<RestreamTargetsReply>(base(sessionId), { signal }),
  create: (sessionId: string, body: CreateRestreamTargetBody) => api.post<RestreamTarget>(base(sessionId), body),
  /** No streamKey (or an empty one) keeps the stored key. */
  update: (sessionId: string, targetId: string, body: UpdateRestreamTargetBody) => api.patch<RestreamTarget>(`${base(sessionId)}/${enc(targetId)}`, body),
  remove: (sessionId: string, targetId: string) => api.delete<{ ok: true }>(`${base(sessionId)}/${enc(targetId)}`),
};
