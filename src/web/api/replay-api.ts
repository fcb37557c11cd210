// Recording and replay: the audience's replay of an ended session and the console's recordings.
// Only types come from the contracts (no zod in the bundle).
import type { RecordingDto, RecordingsReply, ReplayDto } from '../../contracts/replay.contract.js';
import { api } from './api-client';

export type { RecordingDto, RecordingsReply, ReplayDto };
export type ReplayMessage = ReplayDto['messages'][number];
export type ReplayChapter = ReplayDto['chapters'][number];
export type ReplayProduct = ReplayDto['products'][number];

const enc = encodeURIComponent;

export const replayApi = {
  /** The replay of an ended session: recordings in order, chat, pins and chapters on replay time (ms). 404 when nothing was recorded. */
  replay: (sessionId: string, auth: { guestToken?: string | null; invite?: string | null }, signal?: AbortSignal) =>
    api.get<ReplayDto>(`/api/live/${enc(sessionId)}/replay`, {
      query: { invite: auth.invite },
      signal,
      ...(auth.guestToken ? { headers: { 'x-guest-token': auth.guestToken } } : {}),
    }),
  /** The session's recordings and the storage they use; needs sessions:read. */
  list: (sessionId: string, signal?: AbortSignal) => api.get<RecordingsReply>(`/api/console/sessions/${enc(sessionId)}/recordings`, { signal }),
  /** Deletes a finished recording's file (owner/admin: recordings:delete). */
  remove: (sessionId: string, recordingId: string) => api.delete<{ ok: true }>(`/api/console/sessions/${enc(sessionId)}/recordings/${enc(recordingId)}`),
};
