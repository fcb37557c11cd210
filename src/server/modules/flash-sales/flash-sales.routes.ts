import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiErrorSchema, idParam, noBody, publicSessionQuery } from '../../../contracts/api.contract.js';
import {
  FLASH_PASS_HEADER,
  createFlashSaleBody,
  flashClaimBody,
  flashClaimParams,
  flashClaimReply,
  flashPassReply,
  flashReservationSchema,
  flashSaleListReply,
  flashSaleParams,
  flashSaleSchema,
  publicFlashSalesReply,
} from '../../../contracts/flash-sales.contract.js';
import type { AuthService } from '../../platform/auth/auth.service.js';
import { AppError } from '../../platform/errors.js';
import { LocalRateLimiter } from '../../platform/throttle/local-rate.js';
import type { FlashSalesService } from './flash-sales.service.js';

/** A refused grab: the error body with the units left. */
const refusalReply = apiErrorSchema.extend({ error: apiErrorSchema.shape.error.extend({ left: z.number().int().optional() }) });
/** Grabs per viewer per second on one node: a finger on the button, not a script. */
export const GRABS_PER_SECOND = 10;

const read = { access: { kind: 'team', permission: 'promotions:read' } } as const;
const write = { access: { kind: 'team', permission: 'promotions:write' } } as const;

/** `grabs`: the per-viewer grab limiter, shared with the grab fast path (grab-fast-path.ts). */
export const flashSaleRoutes = (flash: FlashSalesService, auth: AuthService, grabs = new LocalRateLimiter(GRABS_PER_SECOND, 1000)): FastifyPluginAsyncZod => async (app) => {
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

  app.post(
    '/api/live/:id/flash-sales/:saleId/pass',
    {
      config: { access: { kind: 'viewer' }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['audience'],
        summary: 'A short-lived signed pass to grab units of this flash sale (fetch it during the countdown; sign-out voids it)',
        params: flashSaleParams,
        querystring: publicSessionQuery,
        body: noBody,
        response: { 200: flashPassReply },
      },
    },
    async (req) => {
      const { ttlMs, now } = await flash.checkPassable(req.params.id, req.params.saleId, req.query.invite);
      if (req.ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in as a viewer first', { code: 'UNAUTHENTICATED' });
      const { pass, expiresAt } = auth.issuePass(req.params.saleId, req.ctx.actor, ttlMs);
      return { pass, expiresAt: expiresAt.toISOString(), now };
    },
  );
  app.post(
    '/api/live/:id/flash-sales/:saleId/claims',
    {
      config: { access: { kind: 'viewer-pass', header: FLASH_PASS_HEADER, scopeParam: 'saleId' } },
      // The storm's hot path: replies are built from typed values (checked by TypeScript against
      // the schemas below, which document them) and written with JSON.stringify, without a
      // per-request zod pass over the response.
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['audience'],
        summary: `Grab flash-sale units: a reservation held for checkout (201; 200 for a retry with the same idempotencyKey) or 409 SOLD_OUT / LIMIT_REACHED / NOT_OPEN. Authenticated by the ${FLASH_PASS_HEADER} header (or the viewer cookie + x-csrf-token)`,
        params: flashSaleParams,
        querystring: publicSessionQuery,
        body: flashClaimBody,
        response: { 200: flashClaimReply, 201: flashClaimReply, 409: refusalReply },
      },
    },
    async (req, reply) => {
      const wait = grabs.hit(req.ctx.actor.kind === 'viewer' ? req.ctx.actor.id : req.ip);
      if (wait > 0) throw new AppError('rate_limited', 'Too many grabs; wait a moment', { code: 'RATE_LIMITED', retryAfterSeconds: Math.ceil(wait / 1000) });
      // A pass was issued only to a viewer who could see the session (its invite checked then);
      // by cookie, the session's visibility is checked now.
      if (!req.headers[FLASH_PASS_HEADER]) await flash.checkVisible(req.params.id, req.params.saleId, req.query.invite);
      const out = await flash.grab(req.ctx, req.params.id, req.params.saleId, req.body);
      // A refusal is an answer, not a failure: no Error is built and thrown for it.
      if (!out.ok) return reply.status(409).send({ error: { code: out.code, message: out.message, requestId: String(req.id), left: out.left } });
      return reply.status(out.replayed ? 200 : 201).send({ reservation: out.reservation, replayed: out.replayed });
    },
  );
  app.delete(
    '/api/live/:id/flash-sales/:saleId/claims/:reservationId',
    {
      config: { access: { kind: 'viewer' } },
      schema: {
        tags: ['audience'],
        summary: 'Give a held reservation back (its units return to the sale); idempotent',
        params: flashClaimParams,
        response: { 200: z.object({ reservation: flashReservationSchema }) },
      },
    },
    async (req) => ({ reservation: await flash.giveBack(req.ctx, req.params.id, req.params.saleId, req.params.reservationId) }),
  );
};
