import { api } from '../../../api/api-client';
import type { ExportFormat, ExportJob, ExportTable, ReportReply, ReportTraffic } from './report-types';

const base = (sessionId: string) => `/api/console/sessions/${encodeURIComponent(sessionId)}/analytics`;

/** The report language of the server's printable report, PDF and CSV headers. */
export type ReportLang = 'en' | 'zh';
export const reportLangOf = (uiLang: string): ReportLang => (uiLang.startsWith('zh') ? 'zh' : 'en');

export const reportApi = {
  /** The report (the first GET of an ended session starts its build). */
  get: (sessionId: string, traffic: ReportTraffic, signal?: AbortSignal) =>
    api.get<ReportReply>(`${base(sessionId)}/report`, { query: { traffic }, signal }),
  rebuild: (sessionId: string) => api.post<{ status: 'building' }>(`${base(sessionId)}/report/rebuild`, {}),
  /** The printable HTML report, opened in a new tab. */
  printUrl: (sessionId: string, traffic: ReportTraffic, lang: ReportLang) =>
    `${base(sessionId)}/report/print?${new URLSearchParams({ traffic, lang }).toString()}`,
  createExport: (sessionId: string, body: { format: ExportFormat; table?: ExportTable; traffic: ReportTraffic; lang: ReportLang }) =>
    api.post<ExportJob>(`${base(sessionId)}/exports`, body),
  exportJob: (sessionId: string, jobId: string, signal?: AbortSignal) =>
    api.get<ExportJob>(`${base(sessionId)}/exports/${encodeURIComponent(jobId)}`, { signal }),
};
