import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam } from '../../../contracts/api.contract.js';
import { createRestreamTargetBody, restreamTargetParams, restreamTargetSchema, restreamTargetsReply, updateRestreamTargetBody } from '../../../contracts/restream.contract.js';
import type { RestreamService } from './restream.service.js';

const key = { access: { kind: 'team', permission: 'stream:key' } } as const;
const tags = ['video'];

export const restreamRoutes = (restream: RestreamService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/sessions/:id/restream-targets',
    { config: key, schema: { tags, summary: "The session's restream targets (key masked) with each push's live status", params: idParam, response: { 200: restreamTargetsReply } } },
    async (req) => restream.list(req.ctx, req.params.id),
  );
  app.post(
    '/api/console/sessions/:id/restream-targets',
    { config: key, schema: { tags, summary: 'Add a target (an RTMP(S) server and its stream key, sealed at rest); pushed at once if the session is publishing', params: idParam, body: createRestreamTargetBody, response: { 201: restreamTargetSchema } } },
    async (req, reply) => reply.status(201).send(await restream.create(req.ctx, req.params.id, req.body)),
  );
  app.patch(
    '/api/console/sessions/:id/restream-targets/:targetId',
    { config: key, schema: { tags, summary: 'Edit, enable or disable a target; without a new streamKey (or an empty one) the stored key is kept', params: restreamTargetParams, body: updateRestreamTargetBody, response: { 200: restreamTargetSchema } } },
    async (req) => restream.update(req.ctx, req.params.id, req.params.targetId, req.body),
  );
  app.delete(
    '/api/console/sessions/:id/restream-targets/:targetId',
    { config: key, schema: { tags, summary: 'Remove a target (its push stops at once)', params: restreamTargetParams, response: { 200: z.object({ ok: z.literal(true) }) } } },
    async (req) => {
      await restream.remove(req.ctx, req.params.id, req.params.targetId);
      return { ok: true as const };
    },
  );
};
