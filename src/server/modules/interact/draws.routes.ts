import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam } from '../../../contracts/api.contract.js';
import { drawRecordSchema } from '../../../contracts/draw.contract.js';
import {
  claimPrizeBody,
  createDrawBody,
  drawDetailSchema,
  drawIdParam,
  drawWinnersReply,
  prizeIdParam,
  prizeItemSchema,
  prizeListReply,
  publicDrawReply,
  toolParams,
} from '../../../contracts/interact.contract.js';
import { forbidden } from '../../platform/errors.js';
import type { Ctx } from '../../platform/context.js';
import type { DrawsService } from './draws.service.js';

const run = { access: { kind: 'team', permission: 'interact:run' } } as const;
const read = { access: { kind: 'team', permission: 'sessions:read' } } as const;
const viewer = { access: { kind: 'viewer' } } as const;
const publicRead = { access: { kind: 'public' }, rateLimit: { max: 120, timeWindow: '1 minute' } } as const;

function viewerIdOf(ctx: Ctx): string {
  if (ctx.actor.kind !== 'viewer') throw forbidden('Sign in as a viewer');
  return ctx.actor.id;
}

/** Draws: the console's lifecycle and winners, a viewer's prizes, the public verification data. */
export const drawRoutes = (svc: DrawsService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/interact/draws';
  app.post(
    base,
    {
      config: run,
      schema: {
        tags: ['interact'],
        summary: 'Prepare a draw (抽奖): prize, winner count, entry window, eligibility rules, claim deadline',
        params: idParam,
        body: createDrawBody,
        response: { 201: drawDetailSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/:toolId/open`,
    { config: run, schema: { tags: ['interact'], summary: 'Open entries: the secret seed is drawn and its SHA-256 commitment published', params: toolParams, response: { 200: drawDetailSchema } } },
    async (req) => svc.open(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/:toolId/close`,
    { config: run, schema: { tags: ['interact'], summary: 'Close entries now: the eligible entrants are frozen and their hash published', params: toolParams, response: { 200: drawDetailSchema } } },
    async (req) => svc.close(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/:toolId/run`,
    { config: run, schema: { tags: ['interact'], summary: 'Draw now (closing entries first if open): winners computed, seed revealed', params: toolParams, response: { 200: drawDetailSchema } } },
    async (req) => svc.run(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/:toolId/cancel`,
    { config: run, schema: { tags: ['interact'], summary: 'Cancel a draft or open draw', params: toolParams, response: { 200: drawDetailSchema } } },
    async (req) => svc.cancel(req.ctx, req.params.id, req.params.toolId),
  );
  app.get(
    `${base}/:toolId/winners`,
    {
      config: read,
      schema: { tags: ['interact'], summary: "A draw's winners with claim status (the shipping address only for fulfilment:write)", params: toolParams, response: { 200: drawWinnersReply } },
    },
    async (req) => svc.winners(req.ctx, req.params.id, req.params.toolId),
  );

  app.get(
    '/api/viewer/prizes',
    { config: viewer, schema: { tags: ['audience'], summary: 'My prizes from draws, newest first, with how many I have not seen', response: { 200: prizeListReply } } },
    async (req) => svc.myPrizes(viewerIdOf(req.ctx)),
  );
  app.post('/api/viewer/prizes/seen', { config: viewer, schema: { tags: ['audience'], summary: 'Mark all my prizes as seen', response: { 204: z.null() } } }, async (req, reply) => {
    await svc.markSeen(viewerIdOf(req.ctx));
    return reply.status(204).send(null);
  });
  app.post(
    '/api/viewer/prizes/:prizeId/claim',
    {
      config: viewer,
      schema: { tags: ['audience'], summary: 'Claim a prize with a shipping address before its deadline', params: prizeIdParam, body: claimPrizeBody, response: { 200: prizeItemSchema } },
    },
    async (req) => svc.claim(viewerIdOf(req.ctx), req.params.prizeId, req.body.address, req.ctx),
  );

  app.get(
    '/api/draws/:drawId',
    { config: publicRead, schema: { tags: ['public'], summary: 'A draw as published, for the public verification page (the record once drawn)', params: drawIdParam, response: { 200: publicDrawReply } } },
    async (req) => svc.publicDraw(req.params.drawId),
  );
  app.get(
    '/api/draws/:drawId/record',
    {
      config: publicRead,
      schema: { tags: ['public'], summary: 'The verifiable record of a drawn draw (onair verify-draw <this URL>)', params: drawIdParam, response: { 200: drawRecordSchema } },
    },
    async (req) => svc.record(req.params.drawId),
  );
};
