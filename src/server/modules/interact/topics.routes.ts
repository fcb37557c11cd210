import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../contracts/api.contract.js';
import { pinTopicBody, toolParams, topicDetailSchema } from '../../../contracts/interact.contract.js';
import type { TopicsService } from './topics.service.js';

const run = { access: { kind: 'team', permission: 'interact:run' } } as const;

/** Pinning and unpinning the session's topic (话题); the list is in the interact overview. */
export const topicRoutes = (svc: TopicsService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/interact/topics';
  app.post(
    base,
    {
      config: run,
      schema: {
        tags: ['interact'],
        summary: 'Pin a topic (话题) with a hashtag: comments carrying it are grouped and counted; the topic pinned before is unpinned',
        params: idParam,
        body: pinTopicBody,
        response: { 201: topicDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.pin(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/:toolId/unpin`,
    { config: run, schema: { tags: ['interact'], summary: 'Unpin a topic (its comments and counts are kept)', params: toolParams, response: { 200: topicDetailSchema } } },
    async (req) => svc.unpin(req.ctx, req.params.id, req.params.toolId),
  );
};
