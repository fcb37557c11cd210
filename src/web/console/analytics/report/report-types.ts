/**
 * The post-live report as the console receives it (GET /api/console/sessions/:id/analytics/report):
 * the server's `ReportDoc` (core/report.ts `SessionReport` + hints, survey comments and what the
 * report is of). Only types come from the server's pure cores (nothing of them is bundled). Ratios are null when their
 * denominator is zero, money is integer fen, times are ms since epoch.
 */

import type { Annotation, AnnotationKind, FunnelStep, ProductFigures, Ratio, SessionReport, SourceFigures } from '../../../../server/modules/analytics/core/report';
import type { Hint, HintArea, HintSeverity } from '../../../../server/modules/analytics/core/hints';

export type { Annotation, AnnotationKind, FunnelStep, HintArea, HintSeverity, ProductFigures, Ratio, SourceFigures };
export type ReportTraffic = 'real' | 'simulated';
export type ReportStatus = 'none' | 'building' | 'ready' | 'failed';
export type FunnelStepName = FunnelStep['step'];
export type ReportHint = Hint;

export interface SurveyComment {
  csat: number | null;
  nps: number | null;
  comment: string;
  at: string;
}

/** The stored document: the report, its hints, survey comments, and what it is of (reports.service.ts `ReportDoc`). */
export type ReportDoc = SessionReport & {
  hints: Hint[];
  surveyComments: SurveyComment[];
  traffic: ReportTraffic;
  brandId: string | null;
  hostIds: string[];
  /** Demo or simulated data: never real figures. */
  simulatedData: boolean;
};

export interface ReportReply {
  sessionId: string;
  traffic: ReportTraffic;
  status: ReportStatus;
  progress: number;
  builtAt: string | null;
  error: string | null;
  events: number;
  report: ReportDoc | null;
}

export type ExportFormat = 'csv' | 'pdf' | 'html';
export type ExportTable = 'kpis' | 'minutes' | 'products' | 'sources' | 'segments' | 'survey' | 'hints';
export interface ExportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  format: ExportFormat;
  fileName: string | null;
  error: string | null;
  downloadUrl: string | null;
}
