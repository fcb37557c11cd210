import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam } from '../../../contracts/api.contract.js';
import {
  audienceSegmentListReply,
  audienceSegmentSchema,
  compareQuery,
  createExportBody,
  exportJobSchema,
  exportParams,
  insightsQuery,
  reportListQuery,
  reportListReply,
  reportQuery,
  reportReply,
  saveAudienceSegmentBody,
} from '../../../contracts/analytics.contract.js';
import type { AnalyticsService } from './analytics.service.js';
import { PRINT_CSP } from './report-render.js';

const read = { access: { kind: 'team', permission: 'analytics:read' } } as const;
const anyId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected an id');
const loose = z.record(z.string(), z.unknown());

/** Reports, exports, comparison, driver analysis and audience clusters (issue 7). Thin: decode, call, encode. */
export const analyticsRoutes = (svc: AnalyticsService): FastifyPluginAsyncZod => async (app) => {
  const session = '/api/console/sessions/:id/analytics';
  app.get(
    `${session}/report`,
    { config: read, schema: { tags: ['analytics'], summary: 'The post-live report (starts building it when the session has ended and none exists)', params: idParam, querystring: reportQuery, response: { 200: reportReply } } },
    async (req) => svc.reports.get(req.ctx, req.params.id, req.query.traffic),
  );
  app.post(
    `${session}/report/rebuild`,
    { config: read, schema: { tags: ['analytics'], summary: 'Rebuild the report from the stored events', params: idParam, response: { 202: z.object({ status: z.literal('building') }) } } },
    async (req, reply) => reply.status(202).send(await svc.reports.rebuild(req.ctx, req.params.id)),
  );
  app.get(
    `${session}/report/print`,
    {
      config: read,
      schema: { tags: ['analytics'], summary: 'The printable report (HTML, charts as images)', params: idParam, querystring: reportQuery.extend({ lang: z.enum(['en', 'zh'], { error: 'lang: expected "en" or "zh"' }).default('en') }), response: { 200: z.string().describe('text/html; charset=utf-8') } },
    },
    async (req, reply) => {
      const html = await svc.printable(req.ctx, req.params.id, req.query.traffic, req.query.lang);
      return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').header('Content-Security-Policy', PRINT_CSP).send(html);
    },
  );
  app.post(
    `${session}/exports`,
    { config: read, schema: { tags: ['analytics'], summary: 'Export the report (CSV table, printable HTML or PDF) off the request path; poll the job', params: idParam, body: createExportBody, response: { 202: exportJobSchema } } },
    async (req, reply) => reply.status(202).send(await svc.createExport(req.ctx, req.params.id, req.body)),
  );
  app.get(
    `${session}/exports/:jobId`,
    { config: read, schema: { tags: ['analytics'], summary: 'An export job: status and progress', params: exportParams, response: { 200: exportJobSchema } } },
    async (req) => svc.exportJob(req.ctx, req.params.id, req.params.jobId),
  );
  app.get(
    `${session}/exports/:jobId/file`,
    { config: read, schema: { tags: ['analytics'], summary: 'Download a finished export', params: exportParams, response: { 200: z.any().describe('text/csv, text/html or application/pdf') } } },
    async (req, reply) => {
      const f = svc.exportFile(req.ctx, req.params.id, req.params.jobId);
      return reply
        .type(f.mime)
        .header('Content-Disposition', `attachment; filename="${f.fileName}"`)
        .header('Cache-Control', 'no-store')
        .send(f.body);
    },
  );

  app.get(
    '/api/console/analytics/reports',
    { config: read, schema: { tags: ['analytics'], summary: 'Sessions with a ready report, newest first', querystring: reportListQuery, response: { 200: reportListReply } } },
    async (req) => svc.reports.list(req.ctx, req.query.traffic, req.query.limit),
  );
  app.get(
    '/api/console/analytics/compare',
    { config: read, schema: { tags: ['analytics'], summary: 'Compare 2-6 sessions: KPIs with differences, overlaid curves, the brand\'s percentile bands', querystring: compareQuery, response: { 200: loose } } },
    async (req) => svc.compare(req.ctx, req.query.ids, req.query.traffic) as unknown as Record<string, unknown>,
  );
  app.get(
    '/api/console/analytics/drivers',
    { config: read, schema: { tags: ['analytics'], summary: 'Driver analysis: what moves retention and conversion across session-minutes', querystring: insightsQuery, response: { 200: loose } } },
    async (req) => (await svc.insights.drivers(req.ctx, req.query)) as unknown as Record<string, unknown>,
  );
  app.post(
    '/api/console/analytics/clusters',
    { config: read, schema: { tags: ['analytics'], summary: 'Find audience clusters (k-means, k by silhouette) off the request path', body: insightsQuery, response: { 202: loose } } },
    async (req, reply) => reply.status(202).send(svc.insights.startClusters(req.ctx, req.body)),
  );
  app.get(
    '/api/console/analytics/clusters/:runId',
    { config: read, schema: { tags: ['analytics'], summary: 'A clustering run: progress, then personas', params: z.strictObject({ runId: anyId }), response: { 200: loose } } },
    async (req) => svc.insights.run(req.ctx, req.params.runId) as unknown as Record<string, unknown>,
  );
  app.get(
    '/api/console/analytics/audience-segments',
    { config: read, schema: { tags: ['analytics'], summary: 'Saved audience segments', response: { 200: audienceSegmentListReply } } },
    async (req) => svc.insights.listSegments(req.ctx),
  );
  app.post(
    '/api/console/analytics/audience-segments',
    { config: { access: { kind: 'team', permission: 'audience:segment' } }, schema: { tags: ['analytics'], summary: 'Save a cluster as a segment of viewers (for coupons)', body: saveAudienceSegmentBody, response: { 201: audienceSegmentSchema } } },
    async (req, reply) => reply.status(201).send(await svc.insights.saveSegment(req.ctx, req.body)),
  );
  app.post(
    '/api/console/analytics/audience-segments/:id/coupons',
    {
      config: { access: { kind: 'team', permission: 'audience:segment' } },
      schema: { tags: ['analytics'], summary: 'Issue a coupon to every viewer of a saved segment (also needs promotions:write)', params: idParam, body: z.strictObject({ templateId: z.string({ error: 'templateId: expected a coupon template id' }).regex(/^[A-Za-z0-9_-]{1,64}$/, 'templateId: expected an id') }), response: { 200: loose } },
    },
    async (req) => (await svc.insights.issueCoupon(req.ctx, req.params.id, req.body.templateId)) as Record<string, unknown>,
  );
};
