// STUB (issue 6 in progress): the real routes replace this file.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CountdownsService } from './countdowns.service.js';

export const countdownRoutes = (_svc: CountdownsService): FastifyPluginAsyncZod => async () => {};
