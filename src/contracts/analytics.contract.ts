import { z } from 'zod';

/**
 * Analytics HTTP bodies and replies (issue 7). Reports, comparisons, drivers and clusters are
 * computed by the pure cores in `src/server/modules/analytics/core/`; their documents are typed
 * there (`SessionReport`, ...) and sent as JSON. Every error names its field.
 */

// --- post-live survey (handbook 7.1.1 (4) user research, 7.2 (4) satisfaction) ---------------
export const SURVEY_COMMENT_MAX = 500;
/** Viewers may answer for this long after the live ends. */
export const SURVEY_OPEN_DAYS = 7;

export const surveyBody = z
  .strictObject({
    /** How satisfied were you with this live? 1 (very unsatisfied) to 5 (very satisfied). */
    csat: z.number({ error: 'csat: expected a number from 1 to 5' }).int('csat: expected a whole number').min(1, 'csat: at least 1').max(5, 'csat: at most 5').optional(),
    /** How likely are you to recommend this brand's lives to a friend? 0 to 10. */
    nps: z.number({ error: 'nps: expected a number from 0 to 10' }).int('nps: expected a whole number').min(0, 'nps: at least 0').max(10, 'nps: at most 10').optional(),
    comment: z.string({ error: 'comment: expected text' }).trim().max(SURVEY_COMMENT_MAX, `comment: at most ${SURVEY_COMMENT_MAX} characters`).optional(),
  })
  .refine((b) => b.csat !== undefined || b.nps !== undefined, { message: 'csat: answer at least one question (csat or nps)', path: ['csat'] });
export type SurveyBody = z.infer<typeof surveyBody>;

export const surveyStateReply = z.object({
  /** Whether this viewer may answer now (the live has ended, within SURVEY_OPEN_DAYS, not answered yet). */
  open: z.boolean(),
  answered: z.boolean(),
  reason: z.enum(['not_ended', 'closed', 'answered', 'open']),
});
export type SurveyState = z.infer<typeof surveyStateReply>;

// --- run-of-show segments marked during the live (handbook 4.2 content types) ----------------
export const segmentKinds = ['showcase', 'news', 'teaching', 'interview', 'entertainment', 'other'] as const;
export type SegmentKind = (typeof segmentKinds)[number];

export const startSegmentBody = z.strictObject({
  kind: z.enum(segmentKinds, { error: `kind: expected one of ${segmentKinds.join(', ')}` }),
  title: z.string({ error: 'title: expected text' }).trim().min(1, 'title: may not be empty').max(80, 'title: at most 80 characters'),
});

export const segmentSchema = z.object({
  id: z.string(),
  kind: z.enum(segmentKinds),
  title: z.string(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
});
export type SessionSegment = z.infer<typeof segmentSchema>;
export const segmentListReply = z.object({ items: z.array(segmentSchema) });

// --- reports ---------------------------------------------------------------------------------
export const reportTraffic = ['real', 'simulated'] as const;
export const reportQuery = z.strictObject({
  traffic: z.enum(reportTraffic, { error: 'traffic: expected "real" or "simulated"' }).default('real'),
});

export const reportStatuses = ['none', 'building', 'ready', 'failed'] as const;
export const reportReply = z.object({
  sessionId: z.string(),
  traffic: z.enum(reportTraffic),
  status: z.enum(reportStatuses),
  /** 0..1 while building. */
  progress: z.number(),
  builtAt: z.string().nullable(),
  error: z.string().nullable(),
  /** Events the report is built from (real or simulated ones, as asked). */
  events: z.number(),
  /** The SessionReport document (see core/report.ts) with `hints`; null until ready. */
  report: z.record(z.string(), z.unknown()).nullable(),
});

/** Sessions that have a report, for choosing what to compare. */
export const reportListQuery = z.strictObject({
  traffic: z.enum(reportTraffic, { error: 'traffic: expected "real" or "simulated"' }).default('real'),
  limit: z.coerce.number({ error: 'limit: expected a number' }).int().min(1).max(200).default(50),
});
export const reportListReply = z.object({
  items: z.array(
    z.object({
      sessionId: z.string(),
      title: z.string(),
      traffic: z.enum(reportTraffic),
      startedAt: z.number().nullable(),
      endedAt: z.number().nullable(),
      uv: z.number(),
      gmvFen: z.number(),
      builtAt: z.string().nullable(),
    }),
  ),
});

// --- comparison ------------------------------------------------------------------------------
export const COMPARE_MIN = 2;
export const COMPARE_MAX = 6;
export const compareQuery = z.strictObject({
  ids: z
    .string({ error: 'ids: expected comma-separated session ids' })
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'ids: expected session ids')).min(COMPARE_MIN, `ids: choose at least ${COMPARE_MIN} sessions`).max(COMPARE_MAX, `ids: at most ${COMPARE_MAX} sessions`)),
  traffic: z.enum(reportTraffic, { error: 'traffic: expected "real" or "simulated"' }).default('real'),
});

// --- exports (off the request path, with progress) --------------------------------------------
export const exportFormats = ['csv', 'pdf', 'html'] as const;
export const exportTables = ['kpis', 'minutes', 'products', 'sources', 'segments', 'survey', 'hints'] as const;
export type ExportTable = (typeof exportTables)[number];
export const createExportBody = z.strictObject({
  format: z.enum(exportFormats, { error: `format: expected one of ${exportFormats.join(', ')}` }),
  /** csv: which table (every table of the report has one). */
  table: z.enum(exportTables, { error: `table: expected one of ${exportTables.join(', ')}` }).optional(),
  traffic: z.enum(reportTraffic, { error: 'traffic: expected "real" or "simulated"' }).default('real'),
  lang: z.enum(['en', 'zh'], { error: 'lang: expected "en" or "zh"' }).default('en'),
});
export const exportJobSchema = z.object({
  id: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.number(),
  format: z.enum(exportFormats),
  fileName: z.string().nullable(),
  error: z.string().nullable(),
  downloadUrl: z.string().nullable(),
});
export type ExportJob = z.infer<typeof exportJobSchema>;
export const exportParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id: expected a session id'), jobId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'jobId: expected a job id') });

// --- drivers and clusters -------------------------------------------------------------------
export const insightsQuery = z.strictObject({
  /** Only sessions of this brand (default: every session the team has). */
  brandId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'brandId: expected a brand id').optional(),
  traffic: z.enum(reportTraffic, { error: 'traffic: expected "real" or "simulated"' }).default('real'),
});

export const saveAudienceSegmentBody = z.strictObject({
  /** The clustering run (from GET clusters) and which of its clusters. */
  runId: z.string({ error: 'runId: expected the id of a clustering run' }).regex(/^[A-Za-z0-9_-]{1,64}$/, 'runId: expected an id'),
  cluster: z.number({ error: 'cluster: expected a cluster number' }).int().min(0, 'cluster: at least 0').max(19, 'cluster: at most 19'),
  name: z.string({ error: 'name: expected text' }).trim().min(1, 'name: may not be empty').max(60, 'name: at most 60 characters'),
});
export const audienceSegmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number(),
  persona: z.string(),
  createdAt: z.string(),
});
export const audienceSegmentListReply = z.object({ items: z.array(audienceSegmentSchema) });
