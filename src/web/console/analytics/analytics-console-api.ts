// Console analytics API (issue 7): reports list, comparison, drivers, clusters, audience segments,
// run-of-show segments. Only types come from the server's pure cores (nothing of them is bundled).
import type { SessionSegment, SegmentKind, SurveyState } from '../../../contracts/analytics.contract';
import type { Comparison } from '../../../server/modules/analytics/core/compare';
import type { DriverAnalysis } from '../../../server/modules/analytics/core/drivers';
import type { PersonaSummary } from '../../../server/modules/analytics/core/personas';
import type { IssueResult } from '../../api/promotions-api';
import { api } from '../../api/api-client';

export type Traffic = 'real' | 'simulated';
export type { Comparison, DriverAnalysis, PersonaSummary, SessionSegment, SegmentKind, SurveyState };

export interface ReportListItem {
  sessionId: string;
  title: string;
  traffic: Traffic;
  startedAt: number | null;
  endedAt: number | null;
  uv: number;
  gmvFen: number;
  builtAt: string | null;
}

export interface ClusterRun {
  runId: string;
  status: 'running' | 'done' | 'failed';
  progress: number;
  result: PersonaSummary | { insufficient: string; n: number } | null;
  error?: string | null;
}

export interface AudienceSegment {
  id: string;
  name: string;
  size: number;
  persona: string;
  createdAt: string;
}

const enc = encodeURIComponent;

export const analyticsConsoleApi = {
  reports: (traffic: Traffic, signal?: AbortSignal) =>
    api.get<{ items: ReportListItem[] }>('/api/console/analytics/reports', { query: { traffic, limit: 200 }, signal }),
  compare: (ids: readonly string[], traffic: Traffic, signal?: AbortSignal) =>
    api.get<Comparison>('/api/console/analytics/compare', { query: { ids: ids.join(','), traffic }, signal }),
  drivers: (traffic: Traffic, signal?: AbortSignal) =>
    api.get<{ analysis: DriverAnalysis; sessions: number }>('/api/console/analytics/drivers', { query: { traffic }, signal }),
  startClusters: (traffic: Traffic) => api.post<ClusterRun>('/api/console/analytics/clusters', { traffic }),
  clusterRun: (runId: string, signal?: AbortSignal) => api.get<ClusterRun>(`/api/console/analytics/clusters/${enc(runId)}`, { signal }),
  audienceSegments: (signal?: AbortSignal) => api.get<{ items: AudienceSegment[] }>('/api/console/analytics/audience-segments', { signal }),
  saveSegment: (runId: string, cluster: number, name: string) =>
    api.post<AudienceSegment>('/api/console/analytics/audience-segments', { runId, cluster, name }),
  issueCoupons: (segmentId: string, templateId: string) =>
    api.post<IssueResult>(`/api/console/analytics/audience-segments/${enc(segmentId)}/coupons`, { templateId }),

  segments: (sessionId: string, signal?: AbortSignal) =>
    api.get<{ items: SessionSegment[] }>(`/api/console/sessions/${enc(sessionId)}/segments`, { signal }),
  startSegment: (sessionId: string, kind: SegmentKind, title: string) =>
    api.post<SessionSegment>(`/api/console/sessions/${enc(sessionId)}/segments`, { kind, title }),
  endSegment: (sessionId: string) => api.post<{ ended: number }>(`/api/console/sessions/${enc(sessionId)}/segments/end`, {}),
};
