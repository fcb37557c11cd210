import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam, publicSessionQuery } from '../../../contracts/api.contract.js';
import { interactOverviewReply, myInteractReply } from '../../../contracts/interact.contract.js';
import { countdownRoutes } from './countdowns.routes.js';
import { drawRoutes } from './draws.routes.js';
import type { InteractService } from './interact.service.js';
import { pollRoutes } from './polls.routes.js';
import { qnaRoutes } from './qna.routes.js';
import { quizRoutes } from './quizzes.routes.js';
import { topicRoutes } from './topics.routes.js';

/** The console's overview, the viewer's own state, and each tool's routes. */
export const interactRoutes = (svc: InteractService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/sessions/:id/interact',
    {
      config: { access: { kind: 'team', permission: 'sessions:read' } },
      schema: { tags: ['interact'], summary: "The live-control panel: every poll, draw, quiz, question, topic and countdown of a session, with live figures", params: idParam, response: { 200: interactOverviewReply } },
    },
    async (req) => svc.overview(req.ctx, req.params.id),
  );
  app.get(
    '/api/live/:id/interact/me',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'What this viewer has done in the room’s tools: votes, draw entries, quiz answers, upvotes (empty for guests)', params: idParam, querystring: publicSessionQuery, response: { 200: myInteractReply } },
    },
    async (req) => svc.mine(req.ctx, req.params.id, req.query.invite),
  );
  await app.register(pollRoutes(svc.polls));
  await app.register(drawRoutes(svc.draws));
  await app.register(quizRoutes(svc.quizzes));
  await app.register(qnaRoutes(svc.qna));
  await app.register(topicRoutes(svc.topics));
  await app.register(countdownRoutes(svc.countdowns));
};
