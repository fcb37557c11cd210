// Video: the audience's play info and the console's OBS settings. Only types come from the
// contracts (no zod in the bundle).
import type { IngestSettings, PlayInfo } from '../../contracts/video.contract.js';
import type { StreamEvent, StreamState } from '../../contracts/realtime.contract.js';
import { api } from './api-client';

export type { IngestSettings, PlayInfo, StreamEvent, StreamState };

const enc = encodeURIComponent;

export const videoApi = {
  /** The stream's state and the same-origin HTTP-FLV address to play (signed for a private session). */
  playInfo: (sessionId: string, auth: { guestToken?: string | null; invite?: string | null }, signal?: AbortSignal) =>
    api.get<PlayInfo>(`/api/live/${enc(sessionId)}/stream`, {
      query: { invite: auth.invite },
      signal,
      ...(auth.guestToken ? { headers: { 'x-guest-token': auth.guestToken } } : {}),
    }),
  /** What OBS asks for ("Server", "Stream Key") and the stream's state; needs stream:key. */
  ingestSettings: (sessionId: string, signal?: AbortSignal) =>
    api.get<IngestSettings>(`/api/console/sessions/${enc(sessionId)}/stream`, { signal }),
  /** A new stream key: the old one stops working and an encoder using it is cut off. */
  rotateKey: (sessionId: string) => api.post<IngestSettings>(`/api/console/sessions/${enc(sessionId)}/stream/rotate-key`),
};
