import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditListReply, cursorQuery } from '../../../contracts/api.contract.js';
import type { AuditService } from './audit.service.js';

export const auditRoutes = (audit: AuditService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/audit',
    {
      config: { access: { kind: 'team', permission: 'audit:read' } },
      schema: { tags: ['audit'], summary: 'Audit log of team writes, newest first', querystring: cursorQuery, response: { 200: auditListReply } },
    },
    async (req) => audit.list(req.ctx, req.query.limit, req.query.cursor),
  );
};
