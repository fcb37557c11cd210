import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiErrorSchema, idParam } from '../../../contracts/api.contract.js';
import {
  cancelBody,
  checkoutBody,
  checkoutReply,
  consoleOrderDetail,
  consoleOrderListQuery,
  consoleOrderListReply,
  fulfilmentQuery,
  fulfilmentReply,
  fullAddressReply,
  orderListQuery,
  orderExportQuery,
  orderListReply,
  orderSchema,
  returnActionBody,
  returnParams,
  returnRequestBody,
  sandboxCheckoutReply,
  sandboxCompleteBody,
  sandboxCompleteReply,
  sandboxRefParam,
  shipBody,
  viewerCancelBody,
  webhookEventBody,
  webhookReply,
} from '../../../contracts/orders.contract.js';
import { checkoutOrRefusal, type CheckoutDeps } from '../../flows/checkout.flow.js';
import { createHash } from 'node:crypto';
import { AppError } from '../../platform/errors.js';
import { Lane, LaneFull } from '../../platform/http/lane.js';
import { cookieNames } from '../../platform/http/access.js';
import type { OrdersService } from './orders.service.js';
import type { SandboxPaymentProvider } from './payments/sandbox-provider.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes of a webhook body (its signature covers them). */
    rawBody?: string;
  }
}

/** 409 replies: the usual error body; PRICE_CHANGED also carries the new quote. */
const conflictReply = apiErrorSchema.extend({
  error: apiErrorSchema.shape.error.extend({
    details: z.object({ quote: z.unknown(), expectedTotalFen: z.number().int() }).optional(),
  }),
});

/** A rate-limit key for a viewer's session cookie (hashed: the cookie itself never sits in a counter store). */
function viewerKey(cookie: string | undefined): string | null {
  return cookie ? `viewer:${createHash('sha256').update(cookie).digest('base64url').slice(0, 22)}` : null;
}

/** JSON.parse that refuses prototype keys, like Fastify's own parser. */
function parseJsonSafely(text: string): unknown {
  return JSON.parse(text, (k, v: unknown) => {
    if (k === '__proto__' || k === 'constructor') throw new SyntaxError('forbidden key in JSON');
    return v;
  });
}

export const orderRoutes =
  (orders: OrdersService, checkoutDeps: CheckoutDeps, sandbox: SandboxPaymentProvider | null, opts: { checkoutConcurrency?: number; deferCheckouts?: () => boolean; holdCheckouts?: () => boolean; maxCheckoutHoldMs?: number } = {}): FastifyPluginAsyncZod =>
  async (app) => {
    // Checkouts are heavy (one to three milliseconds of CPU each); a few at a time, each on its own
    // turn of the event loop. They step aside while a flash sale's winners are being recorded, and
    // wait (at most maxCheckoutHoldMs) while a grab storm is on: the grabs stay fast, and a winner's
    // reservation is held for minutes.
    const checkoutLane = new Lane({
      concurrency: opts.checkoutConcurrency ?? 4,
      maxQueue: 10_000,
      ...(opts.deferCheckouts ? { defer: opts.deferCheckouts } : {}),
      ...(opts.holdCheckouts ? { hold: opts.holdCheckouts, maxHoldMs: opts.maxCheckoutHoldMs ?? 0 } : {}),
    });
    // ---------- viewer ----------
    app.post(
      '/api/live/:id/orders',
      {
        // Per viewer, not per address: a flash sale's buyers may share one carrier NAT address.
        config: { access: { kind: 'viewer' }, rateLimit: { max: 60, timeWindow: '1 minute', keyGenerator: (req) => viewerKey(req.cookies[cookieNames.viewer]) ?? req.ip } },
        schema: {
          tags: ['orders'],
          summary: 'Place an order from the cart (idempotent by idempotencyKey; guests must sign in)',
          params: idParam,
          body: checkoutBody,
          response: { 200: checkoutReply, 201: checkoutReply, 409: conflictReply },
        },
      },
      async (req, reply) => {
        const out = await checkoutLane.run(() => checkoutOrRefusal(checkoutDeps, req.ctx, req.params.id, req.body)).catch((e: unknown) => {
          if (e instanceof LaneFull) throw new AppError('rate_limited', 'Many orders are being placed right now; try again in a second', { code: 'BUSY', retryAfterSeconds: 1 });
          throw e;
        });
        if (out.kind === 'refused') {
          // The error handler's body for a 409 AppError, without building and throwing one: in a
          // flash sale nearly every attempt ends here.
          return reply.status(409).send({ error: { code: out.code, message: out.message, requestId: String(req.id) } });
        }
        if (out.kind === 'price_changed') {
          return reply.status(409).send({
            error: {
              code: 'PRICE_CHANGED',
              message: `The total is now ${(out.quote.pricing.totalFen / 100).toFixed(2)} instead of ${(out.expectedTotalFen / 100).toFixed(2)}; review the cart and confirm again`,
              requestId: String(req.id),
              details: { quote: out.quote, expectedTotalFen: out.expectedTotalFen },
            },
          });
        }
        return reply.status(out.kind === 'created' ? 201 : 200).send({ order: out.order, payment: out.payment, replayed: out.kind === 'replayed' });
      },
    );
    app.get(
      '/api/viewer/orders',
      { config: { access: { kind: 'viewer' } }, schema: { tags: ['orders'], summary: 'My orders, newest first', querystring: orderListQuery, response: { 200: orderListReply } } },
      async (req) => orders.listForBuyer(req.ctx, req.query),
    );
    app.get(
      '/api/viewer/orders/:id',
      { config: { access: { kind: 'viewer' } }, schema: { tags: ['orders'], summary: 'One of my orders', params: idParam, response: { 200: orderSchema } } },
      async (req) => orders.getForBuyer(req.ctx, req.params.id),
    );
    app.post(
      '/api/viewer/orders/:id/cancel',
      {
        config: { access: { kind: 'viewer' } },
        schema: { tags: ['orders'], summary: 'Cancel my order (unpaid: released; paid, not shipped: refunded in full)', params: idParam, body: viewerCancelBody, response: { 200: orderSchema } },
      },
      async (req) => orders.buyerCancel(req.ctx, req.params.id, req.body.reason),
    );
    app.post(
      '/api/viewer/orders/:id/confirm-receipt',
      { config: { access: { kind: 'viewer' } }, schema: { tags: ['orders'], summary: 'Confirm I received a shipped order', params: idParam, response: { 200: orderSchema } } },
      async (req) => orders.confirmReceipt(req.ctx, req.params.id),
    );
    app.post(
      '/api/viewer/orders/:id/returns',
      {
        config: { access: { kind: 'viewer' } },
        schema: { tags: ['orders'], summary: 'Request a no-reason return (七天无理由) of some units', params: idParam, body: returnRequestBody, response: { 201: orderSchema } },
      },
      async (req, reply) => reply.status(201).send(await orders.requestReturn(req.ctx, req.params.id, req.body)),
    );

    // ---------- console ----------
    app.get(
      '/api/console/orders',
      {
        config: { access: { kind: 'team', permission: 'orders:read' } },
        schema: { tags: ['orders'], summary: 'Orders, newest first (addresses masked)', querystring: consoleOrderListQuery, response: { 200: consoleOrderListReply } },
      },
      async (req) => orders.consoleList(req.ctx, req.query),
    );
    app.get(
      '/api/console/orders/export',
      {
        config: { access: { kind: 'team', permission: 'orders:read' } },
        schema: {
          tags: ['orders'],
          summary: 'Orders as CSV (the list filters, newest first, at most 5000 rows; addresses masked; audited)',
          querystring: orderExportQuery,
          response: { 200: z.string().describe('text/csv; charset=utf-8') },
        },
      },
      async (req, reply) => {
        const out = await orders.exportCsv(req.ctx, req.query);
        const day = new Date().toISOString().slice(0, 10);
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="orders-${day}.csv"`).header('cache-control', 'no-store').send(out.csv);
      },
    );
    app.get(
      '/api/console/orders/:id',
      {
        config: { access: { kind: 'team', permission: 'orders:read' } },
        schema: { tags: ['orders'], summary: 'One order with history, payments, refunds and returns (address masked)', params: idParam, response: { 200: consoleOrderDetail } },
      },
      async (req) => orders.consoleGet(req.ctx, req.params.id),
    );
    app.get(
      '/api/console/orders/:id/address',
      {
        config: { access: { kind: 'team', permission: 'orders:write' } },
        schema: { tags: ['orders'], summary: 'The full shipping address, for customer service (audited)', params: idParam, response: { 200: fullAddressReply } },
      },
      async (req) => orders.revealAddress(req.ctx, req.params.id, 'orders:write'),
    );
    app.post(
      '/api/console/orders/:id/cancel',
      {
        config: { access: { kind: 'team', permission: 'orders:write' } },
        schema: { tags: ['orders'], summary: 'Cancel an order with a reason (paid: refunded in full)', params: idParam, body: cancelBody, response: { 200: orderSchema } },
      },
      async (req) => orders.teamCancel(req.ctx, req.params.id, req.body.reason),
    );
    app.post(
      '/api/console/orders/:id/returns/:returnId',
      {
        config: { access: { kind: 'team', permission: 'orders:write' } },
        schema: { tags: ['orders'], summary: 'Move a return: approve, reject, receive (stock back) or refund', params: returnParams, body: returnActionBody, response: { 200: orderSchema } },
      },
      async (req) => orders.returnAction(req.ctx, req.params.id, req.params.returnId, req.body.action, req.body.note),
    );
    app.get(
      '/api/console/fulfilment',
      {
        config: { access: { kind: 'team', permission: 'orders:read' } },
        schema: { tags: ['orders'], summary: 'Paid orders waiting to be shipped, oldest first (addresses masked)', querystring: fulfilmentQuery, response: { 200: fulfilmentReply } },
      },
      async (req) => orders.fulfilmentQueue(req.ctx, req.query.limit),
    );
    app.get(
      '/api/console/fulfilment/:id/address',
      {
        config: { access: { kind: 'team', permission: 'fulfilment:write' } },
        schema: { tags: ['orders'], summary: 'The full shipping address, for packing (audited)', params: idParam, response: { 200: fullAddressReply } },
      },
      async (req) => orders.revealAddress(req.ctx, req.params.id, 'fulfilment:write'),
    );
    app.post(
      '/api/console/orders/:id/ship',
      {
        config: { access: { kind: 'team', permission: 'fulfilment:write' } },
        schema: { tags: ['orders'], summary: 'Mark a paid order shipped with carrier and tracking number', params: idParam, body: shipBody, response: { 200: orderSchema } },
      },
      async (req) => orders.ship(req.ctx, req.params.id, req.body.carrier, req.body.trackingNo),
    );
    app.post(
      '/api/console/orders/:id/deliver',
      {
        config: { access: { kind: 'team', permission: 'fulfilment:write' } },
        schema: { tags: ['orders'], summary: 'Record that a shipped order was delivered', params: idParam, response: { 200: orderSchema } },
      },
      async (req) => orders.deliver(req.ctx, req.params.id),
    );

    // ---------- payments ----------
    if (sandbox) {
      app.get(
        '/api/pay/sandbox/:ref',
        {
          config: { access: { kind: 'public' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
          schema: { tags: ['payments'], summary: 'The sandbox test checkout: amount and order summary (no personal data)', params: sandboxRefParam, response: { 200: sandboxCheckoutReply } },
        },
        async (req) => orders.sandboxCheckout(req.params.ref),
      );
      app.post(
        '/api/pay/sandbox/:ref/complete',
        {
          config: { access: { kind: 'public' }, rateLimit: { max: 20, timeWindow: '1 minute' } },
          schema: {
            tags: ['payments'],
            summary: 'Pay (or fail) a sandbox checkout: the sandbox then sends its signed webhook',
            params: sandboxRefParam,
            body: sandboxCompleteBody,
            response: { 200: sandboxCompleteReply },
          },
        },
        async (req) => {
          const event = await orders.sandboxEvent(req.params.ref, req.body.outcome);
          const signed = sandbox.signedWebhook(event);
          // The webhook's own handler, with the signed bytes and headers: verified exactly like a
          // real provider's call, but not counted against the webhook route's rate limit (an
          // injected request comes from 127.0.0.1, so every buyer's test payment shared one budget).
          await orders.handleWebhook('sandbox', signed.body, signed.headers);
          return orders.sandboxStatus(req.params.ref);
        },
      );
    }
    await app.register(async (hook) => {
      // The signature covers the exact bytes: keep them beside the parsed body.
      hook.removeContentTypeParser('application/json');
      hook.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        req.rawBody = text;
        if (text.trim() === '') {
          done(new AppError('validation', 'body: empty body with Content-Type: application/json', { code: 'MALFORMED_JSON', issues: [{ path: 'body', message: 'expected a JSON value, got an empty body' }] }), undefined);
          return;
        }
        try {
          done(null, parseJsonSafely(text));
        } catch {
          done(new AppError('validation', 'body: malformed JSON', { code: 'MALFORMED_JSON', issues: [{ path: 'body', message: 'malformed JSON' }] }), undefined);
        }
      });
      hook.withTypeProvider<ZodTypeProvider>().post(
        '/api/payments/webhook/:provider',
        {
          config: { access: { kind: 'public' }, rateLimit: { max: 600, timeWindow: '1 minute' } },
          schema: {
            tags: ['payments'],
            summary: 'Payment provider webhook (signature verified in constant time; replayed event ids ignored)',
            params: z.object({ provider: z.string().min(1).max(32).regex(/^[a-z0-9-]+$/, 'expected a provider name') }),
            body: webhookEventBody,
            response: { 200: webhookReply },
          },
        },
        async (req) => {
          const r = await orders.handleWebhook(req.params.provider, req.rawBody ?? '', req.headers);
          return { received: true as const, duplicate: r.duplicate };
        },
      );
    });
  };
