import type { FastifyInstance } from 'fastify';
import { noBody, noQuery } from '../../../contracts/api.contract.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every /api route validates params, query and body. A route that declares no query schema
 * takes none (unknown keys are named and refused); a write that declares no body takes none
 * or `{}`; a route with path parameters must declare their schema (checked at start-up).
 */
export function installSchemaDefaults(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (!url.startsWith('/api/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const schema = { ...(route.schema ?? {}) };
    if (url.includes('/:') && !schema.params) throw new Error(`route ${url} has path parameters but no params schema`);
    if (!schema.querystring) schema.querystring = noQuery;
    if (!schema.body && methods.some((m) => WRITES.has(m))) schema.body = noBody;
    if (!schema.response) throw new Error(`route ${url} declares no reply schema`);
    route.schema = schema;
  });
}
