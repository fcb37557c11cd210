// STUB (issue 6 in progress): the real routes replace this file.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PollsService } from './polls.service.js';

export const pollRoutes = (_svc: PollsService): FastifyPluginAsyncZod => async () => {};
