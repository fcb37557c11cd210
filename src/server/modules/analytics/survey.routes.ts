import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../../contracts/api.contract.js';
import { surveyBody, surveyStateReply } from '../../../contracts/analytics.contract.js';
import type { SurveyService } from './survey.service.js';

const audience = { access: { kind: 'audience' }, rateLimit: { max: 30, timeWindow: '1 minute' } } as const;

/** The post-live survey viewers get when the live ends. */
export const surveyRoutes = (svc: SurveyService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/live/:id/survey',
    { config: audience, schema: { tags: ['audience'], summary: 'Whether you may answer the post-live survey now', params: idParam, response: { 200: surveyStateReply } } },
    async (req) => svc.state(req.ctx.actor, req.params.id),
  );
  app.post(
    '/api/live/:id/survey',
    {
      config: audience,
      schema: { tags: ['audience'], summary: 'Answer the post-live survey (CSAT 1-5, NPS 0-10, a comment); once per viewer', params: idParam, body: surveyBody, response: { 201: surveyStateReply } },
    },
    async (req, reply) => reply.status(201).send(await svc.answer(req.ctx, req.params.id, req.body)),
  );
};
