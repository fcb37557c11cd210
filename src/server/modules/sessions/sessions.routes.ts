import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  coverBody,
  coverMimes,
  createSessionBody,
  inviteCodeSchema,
  publicSessionQuery,
  staffBody,
  staffSchema,
  idParam,
  liveSessionSchema,
  publicSessionSchema,
  sessionListQuery,
  sessionListReply,
  transitionBody,
  updateSessionBody,
} from '../../../contracts/api.contract.js';
import type { SessionsService } from './sessions.service.js';

/** Cover bytes with an ETag; versioned addresses (?v=) may be cached for good. */
function sendCover(reply: FastifyReply, ifNoneMatch: string | undefined, versioned: boolean, scope: 'public' | 'private', c: { mime: string; bytes: Buffer; etag: string }) {
  reply.header('etag', `"${c.etag}"`).header('cache-control', versioned ? `${scope}, max-age=31536000, immutable` : `${scope}, max-age=60`);
  if (ifNoneMatch === `"${c.etag}"`) return reply.status(304).send(null);
  return reply.type(c.mime).send(c.bytes);
}

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
      schema: {
        tags: ['audience'],
        summary: 'A session as the audience sees it (a private one only with its invite code)',
        params: idParam,
        querystring: publicSessionQuery,
        response: { 200: publicSessionSchema },
      },
    },
    async (req) => sessions.getPublic(req.params.id, req.query.invite),
  );
  app.get(
    '/api/live/:id/cover',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['audience'],
        summary: 'The cover image (PNG, JPEG or WebP)',
        params: idParam,
        querystring: z.strictObject({ invite: inviteCodeSchema.optional(), v: z.string().max(32).regex(/^[a-f0-9]*$/, 'expected a version tag').optional() }),
        response: { 200: z.any().describe(`image bytes: ${coverMimes.join(', ')}`), 304: z.null().describe('not modified') },
      },
    },
    async (req, reply) => sendCover(reply, req.headers['if-none-match'], Boolean(req.query.v), 'public', await sessions.getCover(req.params.id, req.query.invite)),
  );
  app.get(
    '/api/console/sessions/:id/cover',
    {
      config: { access: { kind: 'team', permission: 'sessions:read' } },
      schema: {
        tags: ['sessions'],
        summary: 'The cover image, for the team (also of drafts and private sessions)',
        params: idParam,
        querystring: z.strictObject({ v: z.string().max(32).regex(/^[a-f0-9]*$/, 'expected a version tag').optional() }),
        response: { 200: z.any().describe(`image bytes: ${coverMimes.join(', ')}`), 304: z.null().describe('not modified') },
      },
    },
    async (req, reply) => sendCover(reply, req.headers['if-none-match'], Boolean(req.query.v), 'private', await sessions.getCover(req.params.id, undefined, req.ctx)),
  );
  app.put(
    '/api/console/sessions/:id/cover',
    {
      bodyLimit: 3 * 1024 * 1024,
      config: { access: { kind: 'team', permission: 'sessions:write' } },
      schema: { tags: ['sessions'], summary: 'Set the cover image (base64 PNG, JPEG or WebP, at most 2 MiB)', params: idParam, body: coverBody, response: { 200: liveSessionSchema } },
    },
    async (req) => sessions.setCover(req.ctx, req.params.id, req.body.contentType, req.body.dataBase64),
  );
  app.delete(
    '/api/console/sessions/:id/cover',
    {
      config: { access: { kind: 'team', permission: 'sessions:write' } },
      schema: { tags: ['sessions'], summary: 'Remove the cover image', params: idParam, response: { 200: liveSessionSchema } },
    },
    async (req) => sessions.removeCover(req.ctx, req.params.id),
  );
  app.post(
    '/api/console/sessions/:id/invite',
    {
      config: { access: { kind: 'team', permission: 'sessions:write' } },
      schema: { tags: ['sessions'], summary: 'Issue a new invite code for a private session (the old one stops working)', params: idParam, response: { 200: liveSessionSchema } },
    },
    async (req) => sessions.rotateInvite(req.ctx, req.params.id),
  );
  app.get(
    '/api/console/sessions/:id/staff',
    {
      config: { access: { kind: 'team', permission: 'sessions:read' } },
      schema: { tags: ['sessions'], summary: 'Who does what in this session', params: idParam, response: { 200: staffSchema } },
    },
    async (req) => sessions.getStaff(req.ctx, req.params.id),
  );
  app.put(
    '/api/console/sessions/:id/staff',
    {
      config: { access: { kind: 'team', permission: 'sessions:write' } },
      schema: { tags: ['sessions'], summary: 'Replace the staffing of this session', params: idParam, body: staffBody, response: { 200: staffSchema } },
    },
    async (req) => sessions.setStaff(req.ctx, req.params.id, req.body),
  );
};
