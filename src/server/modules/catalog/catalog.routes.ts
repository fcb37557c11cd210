import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  brandListReply,
  consoleShelfReply,
  createProductBody,
  explanationsReply,
  liveShelfQuery,
  liveShelfReply,
  pinProductBody,
  pinReply,
  priceHistoryReply,
  productListQuery,
  productListReply,
  productParams,
  productSchema,
  putShelfBody,
  putSkusBody,
  skuParams,
  updateProductBody,
} from '../../../contracts/catalog.contract.js';
import type { CatalogService } from './catalog.service.js';
import type { ShelfService } from './shelf.service.js';

const read = { access: { kind: 'team', permission: 'catalog:read' } } as const;
const write = { access: { kind: 'team', permission: 'catalog:write' } } as const;

export const catalogRoutes = (catalog: CatalogService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/products',
    {
      config: read,
      schema: { tags: ['catalog'], summary: 'Products with their SKUs, prices (fen) and stock; search by title, category, tag or SKU code', querystring: productListQuery, response: { 200: productListReply } },
    },
    async (req) => ({ items: await catalog.listProducts(req.ctx, req.query) }),
  );
  app.get(
    '/api/console/brands',
    { config: read, schema: { tags: ['catalog'], summary: 'Brands a product can belong to', response: { 200: brandListReply } } },
    async (req) => ({ items: await catalog.listBrands(req.ctx) }),
  );
  app.post(
    '/api/console/products',
    { config: write, schema: { tags: ['catalog'], summary: 'Create a product with its SKUs (prices in fen)', body: createProductBody, response: { 201: productSchema } } },
    async (req, reply) => {
      const id = await catalog.createProduct(req.ctx, req.body);
      return reply.status(201).send(await catalog.getProduct(req.ctx, id));
    },
  );
  app.patch(
    '/api/console/products/:id',
    { config: write, schema: { tags: ['catalog'], summary: 'Edit a product (title, description, brand, category, tags, images, archived) and, with skus, its SKU list (as PUT .../skus) in the same transaction', params: productParams, body: updateProductBody, response: { 200: productSchema } } },
    async (req) => catalog.updateProduct(req.ctx, req.params.id, req.body),
  );
  app.put(
    '/api/console/products/:id/skus',
    {
      config: write,
      schema: {
        tags: ['catalog'],
        summary: 'Edit and add SKUs; list-price changes go to the price history, stock changes are audited and refused if a sale happened meanwhile',
        params: productParams,
        body: putSkusBody,
        response: { 200: productSchema },
      },
    },
    async (req) => catalog.putSkus(req.ctx, req.params.id, req.body),
  );
  app.get(
    '/api/console/skus/:id/prices',
    {
      config: read,
      schema: { tags: ['catalog'], summary: 'A SKU\'s price history (list and charged prices, newest first) and the lowest price charged in the previous 7 days', params: skuParams, response: { 200: priceHistoryReply } },
    },
    async (req) => catalog.priceHistory(req.ctx, req.params.id),
  );
};

export const shelfRoutes = (shelf: ShelfService): FastifyPluginAsyncZod => async (app) => {
  const base = '/api/console/sessions/:id';
  app.get(
    `${base}/shelf`,
    { config: { access: { kind: 'team', permission: 'sessions:read' } }, schema: { tags: ['shelf'], summary: 'The session\'s shelf in order, and the product being explained', params: productParams, response: { 200: consoleShelfReply } } },
    async (req) => shelf.getShelf(req.ctx, req.params.id),
  );
  app.put(
    `${base}/shelf`,
    { config: { access: { kind: 'team', permission: 'shelf:write' } }, schema: { tags: ['shelf'], summary: 'Set the shelf: exactly these products, in this order', params: productParams, body: putShelfBody, response: { 200: consoleShelfReply } } },
    async (req) => shelf.setShelf(req.ctx, req.params.id, req.body.productIds),
  );
  app.post(
    `${base}/shelf/pin`,
    {
      config: { access: { kind: 'team', permission: 'shelf:write' } },
      schema: { tags: ['shelf'], summary: 'Pin the product being explained now (讲解中), or null to unpin; broadcast to the room', params: productParams, body: pinProductBody, response: { 200: pinReply } },
    },
    async (req) => shelf.pin(req.ctx, req.params.id, req.body.productId),
  );
  app.get(
    `${base}/explanations`,
    { config: { access: { kind: 'team', permission: 'sessions:read' } }, schema: { tags: ['shelf'], summary: 'When each product was explained and for how long', params: productParams, response: { 200: explanationsReply } } },
    async (req) => shelf.explanations(req.ctx, req.params.id),
  );
  app.get(
    '/api/live/:id/shelf',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 240, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'The shelf as viewers see it: products in order with prices, honest stock and the pinned product', params: productParams, querystring: liveShelfQuery, response: { 200: liveShelfReply } },
    },
    async (req) => shelf.liveShelf(req.params.id, req.query.invite),
  );
};
