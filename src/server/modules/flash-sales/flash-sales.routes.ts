import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam, publicSessionQuery } from '../../../contracts/api.contract.js';
import { createFlashSaleBody, flashSaleListReply, flashSaleParams, flashSaleSchema, publicFlashSalesReply } from '../../../contracts/flash-sales.contract.js';
import type { FlashSalesService } from './flash-sales.service.js';

const read = { access: { kind: 'team', permission: 'promotions:read' } } as const;
const write = { access: { kind: 'team', permission: 'promotions:write' } } as const;

export const flashSaleRoutes = (flash: FlashSalesService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/flash-sales';
  app.get(base, { config: read, schema: { tags: ['flash sales'], summary: "A session's flash sales (整点抢购), with live units left", params: idParam, response: { 200: flashSaleListReply } } }, async (req) =>
    flash.list(req.ctx, req.params.id),
  );
  app.post(
    base,
    {
      config: write,
      schema: {
        tags: ['flash sales'],
        summary: 'Create a flash sale: its units are set aside from the SKU stock now; it opens at startsAt (default: the next full hour) or now',
        params: idParam,
        body: createFlashSaleBody,
        response: { 201: flashSaleSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await flash.create(req.ctx, req.params.id, req.body)),
  );
  app.post(`${base}/:saleId/open-now`, { config: write, schema: { tags: ['flash sales'], summary: 'Open a scheduled flash sale now', params: flashSaleParams, response: { 200: flashSaleSchema } } }, async (req) =>
    flash.openNow(req.ctx, req.params.id, req.params.saleId),
  );
  app.post(
    `${base}/:saleId/close`,
    { config: write, schema: { tags: ['flash sales'], summary: 'Close an open flash sale now (unsold units go back to the SKU)', params: flashSaleParams, response: { 200: flashSaleSchema } } },
    async (req) => flash.closeNow(req.ctx, req.params.id, req.params.saleId),
  );
  app.post(
    `${base}/:saleId/cancel`,
    { config: write, schema: { tags: ['flash sales'], summary: 'Cancel a scheduled flash sale (its units go back to the SKU)', params: flashSaleParams, response: { 200: flashSaleSchema } } },
    async (req) => flash.cancel(req.ctx, req.params.id, req.params.saleId),
  );
  app.get(
    '/api/live/:id/flash-sales',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['audience'],
        summary: "The room's flash sales with honest units left and the server time (for countdowns)",
        params: idParam,
        querystring: publicSessionQuery,
        response: { 200: publicFlashSalesReply },
      },
    },
    async (req) => flash.listPublic(req.params.id, req.query.invite, req.ctx.actor.kind === 'viewer' ? req.ctx.actor.id : null),
  );
};
