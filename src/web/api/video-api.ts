// Video: the audience's play info and the console's OBS settings. Only types come from the
// contracts (no zod in the bundle).
import type { z } from 'zod';
import type { healthSeriesReply, IngestSettings, PlayInfo, StreamHealthDto } from '../../contracts/video.contract.js';
import type { StreamEvent, StreamState } from '../../contracts/realtime.contract.js';
import { api } from './api-client';

export type { IngestSettings, PlayInfo, StreamEvent, StreamState };
/** What the ingest measures of the running publish (in IngestSettings.health while an encoder publishes). */
export type StreamHealth = StreamHealthDto;
export type HealthWarning = StreamHealth['warnings'][number];
export type HealthSeries = z.infer<typeof healthSeriesReply>;
/** One kept sample (every 10 s while publishing). */
export type HealthSample = HealthSeries['items'][number];

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
  /** The health samples kept every 10 s while publishing, oldest first; needs sessions:read. */
  healthSeries: (sessionId: string, signal?: AbortSignal) =>
    api.get<HealthSeries>(`/api/console/sessions/${enc(sessionId)}/stream/health`, { signal }),
  /** A new stream key: the old one stops working and an encoder using it is cut off. */
  rotateKey: (sessionId: string) => api.post<IngestSettings>(`/api/console/sessions/${enc(sessionId)}/stream/rotate-key`),
};
