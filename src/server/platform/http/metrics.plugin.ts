import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { AppError } from '../errors.js';
import { safeEqual } from '../auth/tokens.js';
import type { PoolStats } from '../db/database.js';

export interface MetricsOptions {
  poolStats: () => PoolStats;
  dialect: string;
  token?: string | undefined;
}

/**
 * Prometheus metrics. One registry per app (not the global default), so several apps in one
 * test process do not collide. Default metrics include nodejs_eventloop_lag_seconds.
 */
export interface Metrics {
  registry: Registry;
  /** Counts one HTTP request answered outside Fastify's hooks (a fast path), as the onResponse hook would. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
}

export function installMetrics(app: FastifyInstance, opts: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const http = new Histogram({
    name: 'onair_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'onair_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state', 'dialect'] as const,
    registers: [registry],
    collect() {
      const s = opts.poolStats();
      this.set({ state: 'total', dialect: opts.dialect }, s.total);
      this.set({ state: 'idle', dialect: opts.dialect }, s.idle);
      this.set({ state: 'waiting', dialect: opts.dialect }, s.waiting);
    },
  });

  // One labelled child per method, route and status, kept: observe() with a labels object hashes
  // it on every call (a few percent of a flash-sale grab's CPU).
  const children = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>();
  const observeRequest = (method: string, route: string, statusCode: number, seconds: number) => {
    const key = `${method} ${statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = http.labels({ method, route, status_code: String(statusCode) });
      children.set(key, child);
    }
    child.observe(seconds);
  };
  app.addHook('onResponse', (req, reply, done) => {
    // Label by route pattern, never the raw URL, so cardinality stays bounded.
    observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { config: { access: { kind: 'public' } }, schema: { hide: true } }, async (req, reply) => {
    if (opts.token) {
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !safeEqual(auth.slice(7), opts.token)) {
        throw new AppError('unauthenticated', 'Metrics need a bearer token', { code: 'UNAUTHENTICATED' });
      }
    }
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return { registry, observeRequest };
}
