// STUB (issue 6 in progress): the real routes replace this file.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TopicsService } from './topics.service.js';

export const topicRoutes = (_svc: TopicsService): FastifyPluginAsyncZod => async () => {};
