import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../contracts/api.contract.js';
import {
  cartQuoteSchema,
  couponListQuery,
  couponListReply,
  couponTemplateListReply,
  couponTemplateSchema,
  couponTemplateStatusBody,
  createCouponTemplateBody,
  createPromotionBody,
  issueByFanLevelBody,
  issueCouponsBody,
  issueReply,
  issueToWinnersBody,
  promotionKindsReply,
  promotionListQuery,
  promotionListReply,
  promotionSchema,
  promotionStatusBody,
  quoteBody,
  updateCouponTemplateBody,
  updatePromotionBody,
  viewerWalletReply,
} from '../../../contracts/promotions.contract.js';
import { notFound } from '../../platform/errors.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { PromotionsService } from './promotions.service.js';

const read = { access: { kind: 'team', permission: 'promotions:read' } } as const;
const write = { access: { kind: 'team', permission: 'promotions:write' } } as const;
const tags = ['promotions'];

export const promotionRoutes = (promotions: PromotionsService, sessions: SessionsService): FastifyPluginAsyncZod => async (app) => {
  // ---------- console: promotions ----------
  app.get(
    '/api/console/promotions/kinds',
    { config: read, schema: { tags, summary: 'Promotion kinds with their arguments as JSON Schema (draws the console form) and the stacking rules', response: { 200: promotionKindsReply } } },
    async (req) => promotions.kinds(req.ctx),
  );
  app.get(
    '/api/console/promotions',
    { config: read, schema: { tags, summary: "Promotions (a session's own and its brand's brand-wide ones with sessionId)", querystring: promotionListQuery, response: { 200: promotionListReply } } },
    async (req) => ({ items: await promotions.listPromotions(req.ctx, req.query) }),
  );
  app.post(
    '/api/console/promotions',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a promotion (400 naming the field; 409 EXCLUSIVE_OVERLAP naming both promotions; 400 GIFT_OUT_OF_STOCK)',
        body: createPromotionBody,
        response: { 201: promotionSchema },
      },
    },
    async (req, reply) => reply.status(201).send(await promotions.createPromotion(req.ctx, req.body)),
  );
  app.patch(
    '/api/console/promotions/:id',
    { config: write, schema: { tags, summary: 'Edit a promotion (not once ended)', params: idParam, body: updatePromotionBody, response: { 200: promotionSchema } } },
    async (req) => promotions.updatePromotion(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/console/promotions/:id/status',
    { config: write, schema: { tags, summary: 'Activate, pause or end a promotion (same status again: no change)', params: idParam, body: promotionStatusBody, response: { 200: promotionSchema } } },
    async (req) => promotions.setPromotionStatus(req.ctx, req.params.id, req.body.status),
  );

  // ---------- console: coupons ----------
  app.get(
    '/api/console/coupons/templates',
    { config: read, schema: { tags, summary: 'Coupon templates with issued and used counts', response: { 200: couponTemplateListReply } } },
    async (req) => ({ items: await promotions.listTemplates(req.ctx) }),
  );
  app.post(
    '/api/console/coupons/templates',
    { config: write, schema: { tags, summary: 'Create a coupon template', body: createCouponTemplateBody, response: { 201: couponTemplateSchema } } },
    async (req, reply) => reply.status(201).send(await promotions.createTemplate(req.ctx, req.body)),
  );
  app.patch(
    '/api/console/coupons/templates/:id',
    { config: write, schema: { tags, summary: 'Edit a coupon template: name, end, quantities, stacking (the total never below what was issued)', params: idParam, body: updateCouponTemplateBody, response: { 200: couponTemplateSchema } } },
    async (req) => promotions.updateTemplate(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/console/coupons/templates/:id/status',
    { config: write, schema: { tags, summary: 'Pause or activate a coupon template', params: idParam, body: couponTemplateStatusBody, response: { 200: couponTemplateSchema } } },
    async (req) => promotions.setTemplateStatus(req.ctx, req.params.id, req.body.status),
  );
  app.post(
    '/api/console/coupons/templates/:id/issue',
    { config: write, schema: { tags, summary: 'Issue coupons by hand to viewer ids or nicknames (per-viewer limit and total quantity hold)', params: idParam, body: issueCouponsBody, response: { 200: issueReply } } },
    async (req) => promotions.issueByHand(req.ctx, req.params.id, req.body),
  );
  app.post(
    '/api/console/coupons/templates/:id/issue-to-winners',
    { config: write, schema: { tags, summary: "Issue to a draw's winners (idempotent per drawId)", params: idParam, body: issueToWinnersBody, response: { 200: issueReply } } },
    async (req) => promotions.issueToWinners(req.ctx, req.params.id, req.body.viewerIds, req.body.drawId),
  );
  app.post(
    '/api/console/coupons/templates/:id/issue-by-fan-level',
    { config: write, schema: { tags, summary: 'Issue to every fan at or above a level (nobody until the fans module lands)', params: idParam, body: issueByFanLevelBody, response: { 200: issueReply } } },
    async (req) => promotions.issueByFanLevel(req.ctx, req.params.id, req.body.minLevel),
  );
  app.get(
    '/api/console/coupons',
    { config: read, schema: { tags, summary: 'Issued coupons, by viewer (id or nickname) and/or template', querystring: couponListQuery, response: { 200: couponListReply } } },
    async (req) => ({ items: await promotions.searchCoupons(req.ctx, req.query) }),
  );

  // ---------- viewers ----------
  app.get(
    '/api/viewer/coupons',
    { config: { access: { kind: 'viewer' } }, schema: { tags: ['viewer'], summary: 'My coupons (with status: issued, reserved, used, expired) and points', response: { 200: viewerWalletReply } } },
    async (req) => promotions.wallet(req.ctx),
  );
  app.post(
    '/api/live/:id/cart/quote',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: {
        tags: ['audience'],
        summary: 'Price a cart in this session, explained line by line (guests: a preview without coupons or points)',
        params: idParam,
        body: quoteBody,
        response: { 200: cartQuoteSchema },
      },
    },
    async (req) => {
      const s = await sessions.getInternal(req.params.id).catch(() => null);
      if (!s || s.status === 'draft') throw notFound('Session');
      const buyerId = req.ctx.actor.kind === 'viewer' ? req.ctx.actor.id : null;
      return promotions.quote(req.ctx, {
        sessionId: s.id,
        buyerId,
        lines: req.body.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity, ...(l.flashSaleId ? { flashSaleId: l.flashSaleId, ...(l.reservationId ? { reservationId: l.reservationId } : {}) } : {}) })),
        usePoints: buyerId !== null && req.body.usePoints,
        ...(buyerId !== null && req.body.couponIds ? { couponIds: req.body.couponIds } : {}),
      });
    },
  );
};


