import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { productListReply } from '../../../contracts/api.contract.js';
import type { CatalogService } from './catalog.service.js';

export const catalogRoutes = (catalog: CatalogService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/products',
    {
      config: { access: { kind: 'team', permission: 'catalog:read' } },
      schema: { tags: ['catalog'], summary: 'Products with their SKUs, prices (fen) and stock', response: { 200: productListReply } },
    },
    async (req) => ({ items: await catalog.listProducts(req.ctx) }),
  );
};
