// STUB (issue 6 in progress): the real routes replace this file.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { QnaService } from './qna.service.js';

export const qnaRoutes = (_svc: QnaService): FastifyPluginAsyncZod => async () => {};
