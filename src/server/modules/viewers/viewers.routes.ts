import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { guestReply, viewerAuthBody, viewerMeReply, viewerSignupBody } from '../../../contracts/api.contract.js';
import { cookieNames } from '../../platform/http/access.js';
import type { CookiePolicy } from '../../platform/http/cookie-policy.js';
import type { ViewersService } from './viewers.service.js';

export const viewerRoutes = (viewers: ViewersService, cookies: CookiePolicy): FastifyPluginAsyncZod => async (app) => {
  app.post(
    '/api/viewer/signup',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: { tags: ['viewers'], summary: 'Create a viewer account', body: viewerSignupBody, response: { 201: viewerMeReply } },
    },
    async (req, reply) => {
      const { viewer, session } = await viewers.signUp(req.ctx, req.body.nickname, req.body.password, req.headers['user-agent'] ?? null);
      reply.setCookie(cookieNames.viewer, session.token, cookies.options(session.expiresAt));
      return reply.status(201).send({ viewer, csrfToken: session.csrfToken });
    },
  );
  app.post(
    '/api/viewer/signin',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['viewers'], summary: 'Sign in as a viewer', body: viewerAuthBody, response: { 200: viewerMeReply } },
    },
    async (req, reply) => {
      const { viewer, session } = await viewers.signIn(req.ctx, req.body.nickname, req.body.password, req.headers['user-agent'] ?? null);
      reply.setCookie(cookieNames.viewer, session.token, cookies.options(session.expiresAt));
      return { viewer, csrfToken: session.csrfToken };
    },
  );
  app.post(
    '/api/viewer/signout',
    { config: { access: { kind: 'viewer' } }, schema: { tags: ['viewers'], summary: 'Sign out', response: { 204: z.null() } } },
    async (req, reply) => {
      await viewers.signOut(req.ctx);
      reply.clearCookie(cookieNames.viewer, cookies.clearOptions());
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/viewer/me',
    { config: { access: { kind: 'viewer' } }, schema: { tags: ['viewers'], summary: 'The signed-in viewer', response: { 200: viewerMeReply } } },
    async (req) => ({ viewer: viewers.me(req.ctx), csrfToken: req.authSession!.csrfToken }),
  );
  app.post(
    '/api/viewer/guest',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags: ['viewers'], summary: 'Get a signed guest token (watch and read only)', response: { 200: guestReply } },
    },
    async () => {
      const g = viewers.issueGuest();
      return { guestToken: g.guestToken, guestId: g.guestId, expiresAt: g.expiresAt.toISOString() };
    },
  );
};
