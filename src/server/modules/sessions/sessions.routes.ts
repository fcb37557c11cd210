import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  createSessionBody,
  idParam,
  liveSessionSchema,
  publicSessionSchema,
  sessionListQuery,
  sessionListReply,
  transitionBody,
  updateSessionBody,
} from '../../../contracts/api.contract.js';
import type { SessionsService } from './sessions.service.js';

export const sessionRoutes = (sessions: SessionsService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/sessions',
    {
      config: { access: { kind: 'team', permission: 'sessions:read' } },
      schema: { tags: ['sessions'], summary: 'List live sessions, newest first', querystring: sessionListQuery, response: { 200: sessionListReply } },
    },
    async (req) => sessions.list(req.ctx, req.query),
  );
  app.post(
    '/api/console/sessions',
    {
      config: { access: { kind: 'team', permission: 'sessions:write' } },
      schema: { tags: ['sessions'], summary: 'Create a session (draft)', body: createSessionBody, response: { 201: liveSessionSchema } },
    },
    async (req, reply) => reply.status(201).send(await sessions.create(req.ctx, req.body)),
  );
  app.get(
    '/api/console/sessions/:id',
    {
      config: { access: { kind: 'team', permission: 'sessions:read' } },
      schema: { tags: ['sessions'], summary: 'One session', params: idParam, response: { 200: liveSessionSchema } },
    },
    async (req) => sessions.get(req.ctx, req.params.id),
  );
  app.patch(
    '/api/console/sessions/:id',
    {
      config: { access: { kind: 'team', permission: 'sessions:write' } },
      schema: { tags: ['sessions'], summary: 'Edit a session', params: idParam, body: updateSessionBody, response: { 200: liveSessionSchema } },
    },
    async (req) => sessions.update(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/console/sessions/:id/transitions',
    {
      // The service checks the transition's own permission (write vs go-live) after reading the state.
      config: { access: { kind: 'team', permission: 'sessions:read' } },
      schema: {
        tags: ['sessions'],
        summary: 'Move a session through its lifecycle (schedule, go live, end, archive)',
        params: idParam,
        body: transitionBody,
        response: { 200: liveSessionSchema },
      },
    },
    async (req) => sessions.transition(req.ctx, req.params.id, req.body.to, req.body.reason),
  );
  app.get(
    '/api/live/:id',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'A session as the audience sees it', params: idParam, response: { 200: publicSessionSchema } },
    },
    async (req) => sessions.getPublic(req.params.id),
  );
};
