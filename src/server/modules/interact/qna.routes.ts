import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { answerQuestionBody, toolParams } from '../../../contracts/interact.contract.js';
import { questionViewSchema } from '../../../contracts/room-tools.contract.js';
import type { QnaService } from './qna.service.js';

const run = { access: { kind: 'team', permission: 'interact:run' } } as const;
/** cs answers in text; host and operator hold qna:answer too. */
const answer = { access: { kind: 'team', permission: 'qna:answer' } } as const;

/** The host's question queue (asking and upvoting travel over the room's socket). */
export const qnaRoutes = (svc: QnaService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id/interact/questions/:toolId';
  const reply = { 200: questionViewSchema };
  app.post(
    `${base}/answering`,
    { config: run, schema: { tags: ['interact'], summary: 'Mark a question "answering now" (shown to the room); the one answering before goes back to the queue', params: toolParams, response: reply } },
    async (req) => svc.startAnswering(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/answered`,
    {
      config: answer,
      schema: {
        tags: ['interact'],
        summary: 'Mark a question answered: after answering it live (text optional) or with a written answer from the queue; it stays visible to the room',
        params: toolParams,
        body: answerQuestionBody,
        response: reply,
      },
    },
    async (req) => svc.markAnswered(req.ctx, req.params.id, req.params.toolId, req.body.answerText),
  );
  app.post(
    `${base}/release`,
    { config: run, schema: { tags: ['interact'], summary: 'Put the question being answered back in the queue', params: toolParams, response: reply } },
    async (req) => svc.release(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/dismiss`,
    { config: run, schema: { tags: ['interact'], summary: 'Dismiss a waiting question: it leaves the room’s list', params: toolParams, response: reply } },
    async (req) => svc.dismiss(req.ctx, req.params.id, req.params.toolId),
  );
  app.post(
    `${base}/approve`,
    { config: run, schema: { tags: ['interact'], summary: 'Show the room a question the chat filter held for review', params: toolParams, response: reply } },
    async (req) => svc.approve(req.ctx, req.params.id, req.params.toolId),
  );
};
