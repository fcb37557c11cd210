import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createSimulatedViewersBody, createSimulatedViewersReply } from '../../../contracts/simulation.contract.js';
import { cookieNames } from '../../platform/http/access.js';
import type { SimulationAudit, ViewersService } from './viewers.service.js';

/**
 * `onair simulate`'s one server route: simulated viewer accounts with a sign-in session each,
 * for the simulator to act through the public protocol (room socket, shelf, checkout, payment).
 * Registered by app.ts: `await app.register(simulationRoutes(services.viewers, services.audit));`
 */
export const simulationRoutes = (viewers: ViewersService, audit: SimulationAudit): FastifyPluginAsyncZod => async (app) => {
  app.post(
    '/api/console/simulation/viewers',
    {
      config: { access: { kind: 'team', permission: 'analytics:simulate' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['analytics'],
        summary: 'Create simulated viewer accounts (flagged simulated; their traffic is kept out of real figures), each with a sign-in session, for `onair simulate`',
        body: createSimulatedViewersBody,
        response: { 201: createSimulatedViewersReply },
      },
    },
    async (req, reply) => {
      const made = await viewers.createSimulated(req.ctx, req.body, audit, req.headers['user-agent'] ?? null);
      return reply.status(201).send({ label: made.label, cookieName: cookieNames.viewer, expiresAt: made.expiresAt.toISOString(), viewers: made.viewers });
    },
  );
};
