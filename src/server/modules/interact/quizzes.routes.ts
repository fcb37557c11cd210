// STUB (issue 6 in progress): the real routes replace this file.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { QuizzesService } from './quizzes.service.js';

export const quizRoutes = (_svc: QuizzesService): FastifyPluginAsyncZod => async () => {};
