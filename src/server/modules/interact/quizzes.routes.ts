import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../contracts/api.contract.js';
import { createQuizWithRewardBody, quizDetailSchema, toolParams } from '../../../contracts/interact.contract.js';
import type { QuizzesService } from './quizzes.service.js';

const run = { access: { kind: 'team', permission: 'interact:run' } } as const;

/** The console's quiz controls; the room answers over its socket (`answer`). */
export const quizRoutes = (svc: QuizzesService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/interact/quizzes';
  app.post(
    base,
    { config: run, schema: { tags: ['interact'], summary: 'Prepare a quiz: questions with their answers and windows, and the reward for the top players', params: idParam, body: createQuizWithRewardBody, response: { 201: quizDetailSchema } } },
    async (req, reply) => reply.status(201).send(await svc.create(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/:toolId/ask`,
    { config: run, schema: { tags: ['interact'], summary: 'Ask the next question (one quiz asks at a time per session)', params: toolParams, response: { 200: quizDetailSchema } } },
    async (req) => svc.ask(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/:toolId/reveal`,
    { config: run, schema: { tags: ['interact'], summary: "Close the open question's window now and show its answer and the leaderboard", params: toolParams, response: { 200: quizDetailSchema } } },
    async (req) => svc.reveal(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/:toolId/finish`,
    { config: run, schema: { tags: ['interact'], summary: 'Finish the quiz and reward the top players (safe to retry: rewards are given once)', params: toolParams, response: { 200: quizDetailSchema } } },
    async (req) => svc.finish(req.ctx, req.params.id, req.params.toolId),
  );
};
