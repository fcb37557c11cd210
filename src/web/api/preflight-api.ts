// Pre-flight (handbook 3.3): the checklist, the upload-speed test and the test-stream mode.
import type { PreflightItemKey, PreflightItemState, PreflightReply, PreviewReply, RehearsalReply, UploadTestReply } from '../../contracts/preflight.contract.js';
import { ApiError, CLIENT_ERROR_CODES, api, csrfTokenFor } from './api-client';

export type { PreflightItemKey, PreflightItemState, PreflightReply, PreviewReply, RehearsalReply, UploadTestReply };

const enc = encodeURIComponent;
const base = (sessionId: string) => `/api/console/sessions/${enc(sessionId)}`;

export const preflightApi = {
  checklist: (sessionId: string, signal?: AbortSignal) => api.get<PreflightReply>(`${base(sessionId)}/preflight`, { signal }),
  /** Tick or untick (network.upload also takes the speed test's figures). */
  tick: (sessionId: string, item: PreflightItemKey, body: { checked: boolean; note?: string | null; measuredKbps?: number | null; targetKbps?: number | null }) =>
    api.put<PreflightReply>(`${base(sessionId)}/preflight/${enc(item)}`, body),
  preview: (sessionId: string, signal?: AbortSignal) => api.get<PreviewReply>(`${base(sessionId)}/stream/preview`, { signal }),
  rehearsal: (sessionId: string, signal?: AbortSignal) => api.get<RehearsalReply>(`${base(sessionId)}/stream/rehearsal`, { signal }),
  startTest: (sessionId: string) => api.post<RehearsalReply>(`${base(sessionId)}/stream/rehearsal`),
  stopTest: (sessionId: string) => api.delete<RehearsalReply>(`${base(sessionId)}/stream/rehearsal`),
  goPublic: (sessionId: string) => api.post<RehearsalReply>(`${base(sessionId)}/stream/rehearsal/go-public`),
  /**
   * One chunk of the upload-speed test, sent raw with XMLHttpRequest (fetch reports no upload
   * progress). `onProgress` gets the bytes sent so far.
   */
  uploadChunk: (sessionId: string, bytes: Uint8Array, onProgress: (sent: number) => void, signal?: AbortSignal) =>
    new Promise<UploadTestReply>((resolve, reject) => {
      const path = `${base(sessionId)}/preflight/upload-test`;
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.setRequestHeader('accept', 'application/json');
      const token = csrfTokenFor(path);
      if (token) xhr.setRequestHeader('x-csrf-token', token);
      xhr.upload.onprogress = (e) => { onProgress(e.loaded); };
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          // not JSON: a proxy's page
        }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body as UploadTestReply);
        else {
          const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
          reject(new ApiError({ status: xhr.status, code: err?.code ?? CLIENT_ERROR_CODES.badResponse, message: err?.message ?? `HTTP ${String(xhr.status)}` }));
        }
      };
      xhr.onerror = () => { reject(new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, message: 'Network error' })); };
      xhr.onabort = () => { reject(new DOMException('Aborted', 'AbortError')); };
      signal?.addEventListener('abort', () => { xhr.abort(); });
      xhr.send(bytes as unknown as XMLHttpRequestBodyInit);
    }),
};
