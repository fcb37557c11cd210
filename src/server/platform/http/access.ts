import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Permission } from '../../../contracts/roles.contract.js';
import type { AuthService } from '../auth/auth.service.js';
import { safeEqual } from '../auth/tokens.js';
import type { Actor, Ctx } from '../context.js';
import { AppError, forbidden } from '../errors.js';

/**
 * What a route requires. Every /api route must declare one (checked at start-up), and one
 * guard enforces it before validation, so anonymous callers get 401 and other roles 403
 * whatever they send.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'team'; permission: Permission | null }
  | { kind: 'viewer' }
  /** A signed-in viewer or a guest token holder: may watch and read. */
  | { kind: 'audience' }
  /**
   * A signed-in viewer, proven by a pass (header `header`, signed for the resource named by the
   * route param `scopeParam`, see AuthService.issuePass) or else by the viewer cookie + CSRF.
   * A pass is not ambient (no cookie), so it needs no CSRF token.
   */
  | { kind: 'viewer-pass'; header: string; scopeParam: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    ctx: Ctx;
    /** Set when the request was authenticated by a session cookie. */
    authSession?: { sessionId: string; csrfToken: string };
  }
}

export const cookieNames = { team: 'onair_team', viewer: 'onair_viewer' } as const;
/**
 * Set (not httpOnly, no secret in it) next to the team cookie, so the audience pages know this
 * browser may also be signed in to the console before asking (the team's latency readout).
 */
export const teamHintCookie = 'onair_team_hint';
export const guestHeader = 'x-guest-token';
export const csrfHeader = 'x-csrf-token';

export interface RouteAccessRecord {
  method: string;
  url: string;
  access: Access;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installAccessGuard(app: FastifyInstance, auth: AuthService, routes: RouteAccessRecord[]): void {
  app.decorateRequest('ctx');
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    const access = route.config?.access;
    if (url.startsWith('/api/') && !access) throw new Error(`route ${String(route.method)} ${url} declares no access rule`);
    if (url.startsWith('/api/console/') && access && access.kind !== 'team' && !(access.kind === 'public' && url.startsWith('/api/console/auth/signin'))) {
      throw new Error(`console route ${url} must require a team member`);
    }
    if (access) {
      for (const m of Array.isArray(route.method) ? route.method : [route.method]) {
        if (m !== 'HEAD') routes.push({ method: m, url, access });
      }
    }
  });

  // Synchronous where it can be (public routes and static files, a flash pass): an async hook costs
  // a promise and a microtask turn on every request. Session lookups go through `guard` (async).
  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    try {
      const ip = req.ip ?? null;
      req.ctx = { actor: { kind: 'anonymous' }, requestId: String(req.id), ip };
      reply.header('x-request-id', String(req.id));
      const access = req.routeOptions.config?.access;
      // Public routes and static files act for nobody, so they cost no session lookup.
      if (!access || access.kind === 'public') return done();
      if (access.kind === 'viewer-pass') {
        const pass = req.headers[access.header];
        if (typeof pass === 'string' && pass !== '') {
          const scope = (req.params as Record<string, string | undefined>)[access.scopeParam];
          const actor = scope ? auth.verifyPass(scope, pass) : null;
          if (!actor) throw new AppError('unauthenticated', `The ${access.header} pass is invalid, for another sale, or expired; fetch a new one`, { code: 'PASS_INVALID' });
          req.ctx.actor = actor;
          return done();
        }
      }
      guard(req, access, auth).then(() => done(), done);
    } catch (err) {
      done(err as Error);
    }
  });
}

/** The access rules that need a session lookup (team, viewer, audience). */
async function guard(req: FastifyRequest, access: Access, auth: AuthService): Promise<void> {
  if (access.kind === 'team') {
    const token = req.cookies[cookieNames.team];
    const found = token ? await auth.resolve('team', token) : null;
    if (!found) throw new AppError('unauthenticated', 'Sign in to the console first', { code: 'UNAUTHENTICATED' });
    req.ctx.actor = found.actor;
    req.authSession = { sessionId: found.sessionId, csrfToken: found.csrfToken };
    checkCsrf(req);
    if (access.permission) requirePermission(found.actor, access.permission);
    return;
  }
  await tryViewer(req, auth);
  if ((access.kind === 'viewer' || access.kind === 'viewer-pass') && req.ctx.actor.kind !== 'viewer') {
    throw new AppError('unauthenticated', 'Sign in as a viewer first', { code: 'UNAUTHENTICATED' });
  }
  if (access.kind === 'audience' && req.ctx.actor.kind !== 'viewer' && req.ctx.actor.kind !== 'guest') {
    throw new AppError('unauthenticated', 'Sign in or continue as a guest first', { code: 'UNAUTHENTICATED' });
  }
}

async function tryViewer(req: FastifyRequest, auth: AuthService): Promise<void> {
  const token = req.cookies[cookieNames.viewer];
  if (token) {
    const found = await auth.resolve('viewer', token);
    if (found) {
      req.ctx.actor = found.actor;
      req.authSession = { sessionId: found.sessionId, csrfToken: found.csrfToken };
      checkCsrf(req);
      return;
    }
  }
  const guest = req.headers[guestHeader];
  if (typeof guest === 'string' && guest) {
    const actor = auth.verifyGuest(guest);
    if (actor) req.ctx.actor = actor;
  }
}

/** Cookie-authenticated writes must echo the session's CSRF token in a header. */
function checkCsrf(req: FastifyRequest): void {
  if (SAFE.has(req.method) || !req.authSession) return;
  const sent = req.headers[csrfHeader];
  if (typeof sent !== 'string' || !safeEqual(sent, req.authSession.csrfToken)) {
    throw new AppError('forbidden', `Missing or wrong ${csrfHeader} header`, { code: 'CSRF' });
  }
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (actor.kind === 'system') return;
  if (actor.kind !== 'team' || !actor.permissions.includes(permission)) {
    throw forbidden(`This action needs the ${permission} permission`);
  }
}
