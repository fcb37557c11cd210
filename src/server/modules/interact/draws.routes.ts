// STUB (issue 6 in progress): the real routes replace this file.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DrawsService } from './draws.service.js';

export const drawRoutes = (_svc: DrawsService): FastifyPluginAsyncZod => async () => {};
