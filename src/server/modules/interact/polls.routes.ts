import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam } from '../../../contracts/api.contract.js';
import { createPollBody, pollDetailSchema, toolParams } from '../../../contracts/interact.contract.js';
import type { PollsService } from './polls.service.js';

const run = { access: { kind: 'team', permission: 'interact:run' } } as const;

/** The console's poll controls; the room votes over its socket (`vote`). */
export const pollRoutes = (svc: PollsService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/interact/polls';
  app.post(
    base,
    { config: run, schema: { tags: ['interact'], summary: 'Prepare a poll (a draft, opened later from the live-control panel)', params: idParam, body: createPollBody, response: { 201: pollDetailSchema } } },
    async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/:toolId/open`,
    { config: run, schema: { tags: ['interact'], summary: 'Open a draft poll: the room can vote until it closes (by the clock or by hand)', params: toolParams, response: { 200: pollDetailSchema } } },
    async (req) => svc.open(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/:toolId/close`,
    { config: run, schema: { tags: ['interact'], summary: 'Close an open poll now (results are kept)', params: toolParams, response: { 200: pollDetailSchema } } },
    async (req) => svc.close(req.ctx, req.params.id, req.params.toolId),
  );
  app.delete(
    `${base}/:toolId`,
    { config: run, schema: { tags: ['interact'], summary: 'Delete a draft poll (an opened poll keeps its results)', params: toolParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await svc.remove(req.ctx, req.params.id, req.params.toolId);
      return reply.status(204).send(null);
    },
  );
};
