import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changePasswordBody,
  createMemberBody,
  idParam,
  memberListReply,
  memberSchema,
  meReply,
  signinBody,
  updateMemberBody,
} from '../../../contracts/api.contract.js';
import { cookieNames, teamHintCookie } from '../../platform/http/access.js';
import type { CookiePolicy } from '../../platform/http/cookie-policy.js';
import type { TeamService } from './team.service.js';

export const teamRoutes = (team: TeamService, cookies: CookiePolicy): FastifyPluginAsyncZod => async (app) => {
  app.post(
    '/api/console/auth/signin',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['team auth'], summary: 'Sign in to the console', body: signinBody, response: { 200: meReply } },
    },
    async (req, reply) => {
      const { member, session } = await team.signIn(req.ctx, req.body.email, req.body.password, req.headers['user-agent'] ?? null);
      reply.setCookie(cookieNames.team, session.token, cookies.options(session.expiresAt));
      reply.setCookie(teamHintCookie, '1', { ...cookies.options(session.expiresAt), httpOnly: false });
      return { member, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/console/auth/signout',
    { config: { access: { kind: 'team', permission: null } }, schema: { tags: ['team auth'], summary: 'Sign out (revokes this session)', response: { 204: z.null() } } },
    async (req, reply) => {
      await team.signOut(req.ctx);
      reply.clearCookie(cookieNames.team, cookies.clearOptions());
      reply.clearCookie(teamHintCookie, { ...cookies.clearOptions(), httpOnly: false });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/console/auth/me',
    { config: { access: { kind: 'team', permission: null } }, schema: { tags: ['team auth'], summary: 'The signed-in team member', response: { 200: meReply } } },
    async (req) => ({ member: await team.me(req.ctx), csrfToken: req.authSession!.csrfToken }),
  );

  app.post(
    '/api/console/auth/password',
    {
      config: { access: { kind: 'team', permission: null } },
      schema: { tags: ['team auth'], summary: 'Change your password (signs out your other sessions)', body: changePasswordBody, response: { 204: z.null() } },
    },
    async (req, reply) => {
      await team.changePassword(req.ctx, req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/console/team/members',
    { config: { access: { kind: 'team', permission: 'team:read' } }, schema: { tags: ['team'], summary: 'List team members', response: { 200: memberListReply } } },
    async (req) => ({ items: await team.list(req.ctx) }),
  );

  app.post(
    '/api/console/team/members',
    {
      config: { access: { kind: 'team', permission: 'team:write' } },
      schema: { tags: ['team'], summary: 'Add a team member', body: createMemberBody, response: { 201: memberSchema } },
    },
    async (req, reply) => reply.status(201).send(await team.create(req.ctx, req.body)),
  );

  app.patch(
    '/api/console/team/members/:id',
    {
      config: { access: { kind: 'team', permission: 'team:write' } },
      schema: { tags: ['team'], summary: 'Change a member’s name, roles or status', params: idParam, body: updateMemberBody, response: { 200: memberSchema } },
    },
    async (req) => team.update(req.ctx, req.params.id, req.body),
  );
};
