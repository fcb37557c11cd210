import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  chatListQuery,
  chatListReply,
  idParam,
  messageParams,
  pinBody,
  publicSessionQuery,
  roomAccessReply,
  reportActionBody,
  reportListQuery,
  reportListReply,
  reportParams,
  roomLiveReply,
  roomSettingsBody,
  roomSettingsSchema,
  sanctionBody,
  sanctionListReply,
  sanctionParams,
  sanctionReply,
} from '../../../contracts/api.contract.js';
import type { RoomService } from './room.service.js';

const moderate = { access: { kind: 'team', permission: 'room:moderate' } } as const;

export const roomRoutes = (room: RoomService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/live/:id/access',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['audience'],
        summary: 'Whether you may join this room now (why a refused connection was refused)',
        params: idParam,
        querystring: publicSessionQuery,
        response: { 200: roomAccessReply },
      },
    },
    async (req) => room.access(req.ctx.actor, req.params.id, req.ctx.ip, req.query.invite),
  );
  const base = '/api/console/sessions/:id';
  app.get(
    `${base}/room`,
    { config: { access: { kind: 'team', permission: 'sessions:read' } }, schema: { tags: ['live room'], summary: 'Live figures and chat settings of a room', params: idParam, response: { 200: roomLiveReply } } },
    async (req) => room.live(req.ctx, req.params.id),
  );
  app.get(
    `${base}/chat`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Comments of a session (all statuses), newest first', params: idParam, querystring: chatListQuery, response: { 200: chatListReply } } },
    async (req) => ({ items: await room.listMessages(req.ctx, req.params.id, req.query) }),
  );
  app.post(
    `${base}/chat/:messageId/delete`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Remove a comment for everyone', params: messageParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await room.deleteMessage(req.ctx, req.params.id, req.params.messageId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    `${base}/chat/:messageId/approve`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Publish a comment held for review', params: messageParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await room.approveMessage(req.ctx, req.params.id, req.params.messageId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    `${base}/sanctions`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Active mutes and bans for this room and its brand', params: idParam, response: { 200: sanctionListReply } } },
    async (req) => ({ items: await room.listSanctions(req.ctx, req.params.id) }),
  );
  app.post(
    `${base}/sanctions`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Mute or ban a viewer from this room or the whole brand', params: idParam, body: sanctionBody, response: { 201: sanctionReply } } },
    async (req, reply) => reply.status(201).send(await room.sanction(req.ctx, req.params.id, req.body)),
  );
  app.post(
    `${base}/sanctions/:sanctionId/lift`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Lift a mute or ban', params: sanctionParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await room.revokeSanction(req.ctx, req.params.id, req.params.sanctionId);
      return reply.status(204).send(null);
    },
  );
  app.put(
    `${base}/room/settings`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Chat mode, slow mode, hold for review', params: idParam, body: roomSettingsBody, response: { 200: roomSettingsSchema } } },
    async (req) => room.updateSettings(req.ctx, req.params.id, req.body),
  );
  app.put(
    `${base}/room/pin`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Pin an announcement (null removes it)', params: idParam, body: pinBody, response: { 200: roomSettingsSchema } } },
    async (req) => room.setPin(req.ctx, req.params.id, req.body.text),
  );
  app.get(
    `${base}/reports`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Viewer reports queue', params: idParam, querystring: reportListQuery, response: { 200: reportListReply } } },
    async (req) => ({ items: await room.listReports(req.ctx, req.params.id, req.query.status) }),
  );
  app.post(
    `${base}/reports/:reportId`,
    { config: moderate, schema: { tags: ['live room'], summary: 'Resolve or dismiss a report', params: reportParams, body: reportActionBody, response: { 204: z.null() } } },
    async (req, reply) => {
      await room.resolveReport(req.ctx, req.params.id, req.params.reportId, req.body.action);
      return reply.status(204).send(null);
    },
  );
};
