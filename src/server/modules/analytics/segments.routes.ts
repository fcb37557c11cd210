import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam } from '../../../contracts/api.contract.js';
import { segmentListReply, segmentSchema, startSegmentBody } from '../../../contracts/analytics.contract.js';
import type { SegmentsService } from './segments.service.js';

/** Run-of-show segments marked during the live (timeline of the report, driver analysis). */
export const segmentRoutes = (svc: SegmentsService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/segments';
  app.get(
    base,
    { config: { access: { kind: 'team', permission: 'sessions:read' } }, schema: { tags: ['analytics'], summary: 'The run-of-show segments marked in this session', params: idParam, response: { 200: segmentListReply } } },
    async (req) => ({ items: await svc.listForConsole(req.ctx, req.params.id) }),
  );
  app.post(
    base,
    {
      config: { access: { kind: 'team', permission: 'interact:run' } },
      schema: { tags: ['analytics'], summary: 'Start a segment now (ends the open one): product showcase, news, teaching, interview, entertainment or other', params: idParam, body: startSegmentBody, response: { 201: segmentSchema } },
    },
    async (req, reply) => reply.status(201).send(await svc.start(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/end`,
    { config: { access: { kind: 'team', permission: 'interact:run' } }, schema: { tags: ['analytics'], summary: 'End the open segment', params: idParam, response: { 200: z.object({ ended: z.number() }) } } },
    async (req) => svc.end(req.ctx, req.params.id),
  );
};
