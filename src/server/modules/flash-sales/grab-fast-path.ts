import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FLASH_PASS_HEADER, flashClaimBody } from '../../../contracts/flash-sales.contract.js';
import type { AuthService } from '../../platform/auth/auth.service.js';
import type { Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { appErrorReply, errorBody } from '../../platform/http/error-handler.js';
import type { LocalRateLimiter } from '../../platform/throttle/local-rate.js';
import type { FlashSalesService } from './flash-sales.service.js';

/** The route pattern, as Fastify registers it (metrics label, docs). */
export const GRAB_ROUTE = '/api/live/:id/flash-sales/:saleId/claims';
const GRAB_URL = /^\/api\/live\/([A-Za-z0-9_-]{1,64})\/flash-sales\/([A-Za-z0-9_-]{1,64})\/claims$/;
/** A grab's body is two small fields; anything longer is not a plain grab. */
const MAX_BODY = 1024;
/** A request slower than this is logged at info, as the onResponse hook does. */
const SLOW_MS = 1000;

export interface GrabFastPathDeps {
  flash: FlashSalesService;
  auth: AuthService;
  /** The grab route's own per-viewer limiter (shared with it). */
  grabs: LocalRateLimiter;
  trustProxy: boolean;
  /** Headers every response carries (security-headers.ts). */
  headers: Readonly<Record<string, string>>;
  observe: (method: string, route: string, statusCode: number, seconds: number) => void;
  log: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /**
   * A request the fast path took in but will not answer itself (a bad body, a bad pass, the rate
   * limit...): replayed through Fastify with the body already read, so every answer but the plain
   * grab's comes from the one route and error handler.
   */
  replay: (req: IncomingMessage, body: Buffer) => Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }>;
}

/**
 * The flash-sale storm's hot path, in front of Fastify: a grab with a flash pass (POST
 * …/flash-sales/:saleId/claims, x-flash-pass, a JSON body) is read, checked and answered here,
 * without Fastify's routing, hooks and reply pipeline, which cost about as much CPU as the grab
 * itself. It answers only what the route would answer the same way: the reservation (201/200) or
 * the refusal (409), with the same body, security headers, request id and metrics. Everything
 * else goes to Fastify: untouched when the headers already say it is not a plain pass grab
 * (cookie grabs, a query string, another content type, a large or chunked body), replayed with
 * its body when the body, the pass or the rate limit says so.
 */
export class GrabFastPath {
  /** Requests answered here, and requests taken in then replayed through Fastify. */
  readonly stats = { answered: 0, replayed: 0 };

  constructor(private readonly d: GrabFastPathDeps) {}

  /** True when this request is the fast path's (it answers it); false: give it to Fastify as it is. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith('/api/live/') || !url.endsWith('/claims')) return false;
    const m = GRAB_URL.exec(url);
    if (!m) return false;
    const h = req.headers;
    const pass = h[FLASH_PASS_HEADER];
    const type = h['content-type'];
    const length = Number(h['content-length']);
    if (typeof pass !== 'string' || pass === '' || typeof type !== 'string' || !type.startsWith('application/json')) return false;
    if (!(length > 0 && length <= MAX_BODY) || h['transfer-encoding'] !== undefined || h.expect !== undefined) return false;
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      this.grab(req, res, m[1]!, m[2]!, pass, body, started).catch((err: unknown) => this.fail(res, err, randomUUID(), started));
    });
    req.on('error', () => res.destroy());
    return true;
  }

  private async grab(req: IncomingMessage, res: ServerResponse, sessionId: string, saleId: string, pass: string, raw: Buffer, started: number): Promise<void> {
    const text = raw.toString('utf8');
    // What Fastify's JSON parser or the NUL check would refuse (or look at twice) is its to answer.
    if (text.includes('__proto__') || text.includes('constructor') || text.includes('\\u0000')) return this.replay(req, res, raw);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.replay(req, res, raw);
    }
    const parsed = flashClaimBody.safeParse(json);
    if (!parsed.success) return this.replay(req, res, raw);
    const actor = this.d.auth.verifyPass(saleId, pass);
    if (actor?.kind !== 'viewer' || this.d.grabs.hit(actor.id) > 0) return this.replay(req, res, raw);
    const requestId = randomUUID();
    const ctx: Ctx = { actor, requestId, ip: this.ipOf(req) };
    let out;
    try {
      out = await this.d.flash.grab(ctx, sessionId, saleId, parsed.data);
    } catch (err) {
      return this.fail(res, err, requestId, started);
    }
    if (!out.ok) return this.send(res, 409, { error: { code: out.code, message: out.message, requestId, left: out.left } }, requestId, started);
    return this.send(res, out.replayed ? 200 : 201, { reservation: out.reservation, replayed: out.replayed }, requestId, started);
  }

  private ipOf(req: IncomingMessage): string | null {
    if (this.d.trustProxy) {
      const xff = req.headers['x-forwarded-for'];
      const first = typeof xff === 'string' ? xff.split(',')[0]!.trim() : '';
      if (first !== '') return first;
    }
    return req.socket.remoteAddress ?? null;
  }

  private send(res: ServerResponse, status: number, body: unknown, requestId: string, started: number, extra: Record<string, string> = {}): void {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      ...this.d.headers,
      'x-request-id': requestId,
      ...extra,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
    });
    res.end(payload);
    this.stats.answered++;
    this.done('POST', status, started);
  }

  private fail(res: ServerResponse, err: unknown, requestId: string, started: number): void {
    if (res.headersSent) return void res.destroy();
    if (err instanceof AppError) {
      if (err.status >= 500) this.d.log.error({ err, requestId }, 'internal error');
      const { status, body } = appErrorReply(err, requestId);
      return this.send(res, status, body, requestId, started, err.retryAfterSeconds !== undefined ? { 'retry-after': String(err.retryAfterSeconds) } : {});
    }
    this.d.log.error({ err, requestId }, 'unhandled error');
    this.send(res, 500, errorBody('INTERNAL', 'Internal server error', requestId), requestId, started);
  }

  private done(method: string, status: number, started: number): void {
    const ms = performance.now() - started;
    this.d.observe(method, GRAB_ROUTE, status, ms / 1000);
    if (ms >= SLOW_MS || status >= 500) this.d.log.info({ method, url: GRAB_ROUTE, statusCode: status, responseTimeMs: Math.round(ms) }, 'request completed');
  }

  /** Through Fastify (route, hooks, error handler), the body as read; its answer copied out. */
  private async replay(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    this.stats.replayed++;
    const r = await this.d.replay(req, raw);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined || k === 'connection' || k === 'keep-alive' || k === 'date' || k === 'transfer-encoding') continue;
      headers[k] = Array.isArray(v) ? v.map(String) : String(v);
    }
    res.writeHead(r.statusCode, headers);
    // Fastify's own hooks counted it (metrics, the request log) when it ran the replay.
    res.end(r.rawPayload);
  }
}
