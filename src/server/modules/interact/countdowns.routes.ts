import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../contracts/api.contract.js';
import { createCountdownBody, toolParams } from '../../../contracts/interact.contract.js';
import { countdownViewSchema } from '../../../contracts/room-tools.contract.js';
import type { CountdownsService } from './countdowns.service.js';

const run = { access: { kind: 'team', permission: 'interact:run' } } as const;

/** The console's countdowns (the room shows them from room events). */
export const countdownRoutes = (svc: CountdownsService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/interact/countdowns';
  app.post(
    base,
    { config: run, schema: { tags: ['interact'], summary: 'Show a countdown in the room, to a time (endsAt) or for some seconds', params: idParam, body: createCountdownBody, response: { 201: countdownViewSchema } } },
    async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/:toolId/cancel`,
    { config: run, schema: { tags: ['interact'], summary: 'Cancel a running countdown', params: toolParams, response: { 200: countdownViewSchema } } },
    async (req) => svc.cancel(req.ctx, req.params.id, req.params.toolId),
  );
};
