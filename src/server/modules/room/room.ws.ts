import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { beaconProblem } from '../../../contracts/analytics-events.contract.js';
import { CloseCode, clientMessageSchema, type ClientMessage, type ErrorMessage } from '../../../contracts/realtime.contract.js';
import type { AuthService } from '../../platform/auth/auth.service.js';
import type { Actor } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { cookieNames } from '../../platform/http/access.js';
import type { RoomAnalytics, ViewMeta } from './room-analytics.js';
import type { HubMember, RoomHub } from './room-hub.js';
import type { Joined, RoomService } from './room.service.js';

export interface GatewayOptions {
  auth: AuthService;
  room: RoomService;
  hub: RoomHub;
  maxConnections: number;
  /** Origins allowed to open a cookie-authenticated socket, besides the request's own host. */
  publicUrl?: string | undefined;
  trustProxy: boolean;
  /** The interactive tools (votes, draw entries, quiz answers, questions, upvotes). */
  tools?: RoomToolsGateway;
  /** Analytics: each audience connection's view (source from the URL, traffic label), likes, beacons (`track`). */
  analytics?: RoomAnalytics;
}

/** Audience actions of the interactive tools, as the gateway hands them on. */
export type ToolClientMessage = Extract<ClientMessage, { t: 'vote' | 'enter' | 'answer' | 'ask' | 'upvote' }>;
export interface RoomToolsGateway {
  handle(
    p: { kind: 'viewer'; id: string; name: string } | { kind: 'guest' } | { kind: 'team'; id: string; name: string },
    sessionId: string,
    msg: ToolClientMessage,
  ): Promise<{ ok: true } | { ok: false; code: string; message: string; retryAfterMs?: number }>;
}

const BAD_MESSAGES_BEFORE_CLOSE = 10;
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SINCE = /^[A-Za-z0-9_-]{1,80}\.\d{1,12}$/;

function refuse(socket: Duplex, status: number, code: string, message: string, retryAfterSeconds?: number): void {
  // Same body (and Retry-After) as the HTTP error handler, e.g. how long a ban still runs.
  const retry = retryAfterSeconds !== undefined ? { retryAfterSeconds } : {};
  const body = JSON.stringify({ error: { code, message, ...retry } });
  const retryHeader = retryAfterSeconds !== undefined ? `Retry-After: ${retryAfterSeconds}\r\n` : '';
  socket.write(
    `HTTP/1.1 ${status} ${code}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryHeader}Connection: close\r\n\r\n${body}`,
  );
  socket.destroy();
}

/**
 * The realtime gateway at /ws on the app's own HTTP server. Authenticates from the team or
 * viewer cookie or a guest token, checks the Origin for cookie sessions (no cross-site
 * WebSocket hijacking), joins one room, validates every message, and hands work to the service.
 */
export function installRoomGateway(app: FastifyInstance, o: GatewayOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false, clientTracking: false });
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') {
      socket.destroy();
      return;
    }
    void (async () => {
      try {
        if (closing) return refuse(socket, 503, 'SHUTTING_DOWN', 'The server is restarting; reconnect shortly');
        if (o.hub.connections >= o.maxConnections) return refuse(socket, 503, 'FULL', 'This server holds its maximum of connections');
        const sessionId = url.searchParams.get('session') ?? '';
        if (!SESSION_ID.test(sessionId)) return refuse(socket, 400, 'VALIDATION', 'query.session: expected a session id');
        const since = url.searchParams.get('since') ?? undefined;
        if (since !== undefined && !SINCE.test(since)) return refuse(socket, 400, 'VALIDATION', 'query.since: expected <epoch>.<seq> from a welcome');
        const cookies = app.parseCookie(req.headers.cookie ?? '');
        const asTeam = url.searchParams.get('as') === 'team';
        let actor: Actor | null = null;
        let cookieAuth = false;
        if (asTeam) {
          const t = cookies[cookieNames.team];
          actor = t ? ((await o.auth.resolve('team', t))?.actor ?? null) : null;
          cookieAuth = true;
        } else {
          const v = cookies[cookieNames.viewer];
          const found = v ? await o.auth.resolve('viewer', v) : null;
          if (found) {
            actor = found.actor;
            cookieAuth = true;
          } else {
            const g = url.searchParams.get('guest');
            actor = g ? o.auth.verifyGuest(g) : null;
          }
        }
        if (!actor) return refuse(socket, 401, 'UNAUTHENTICATED', asTeam ? 'Sign in to the console first' : 'Sign in or get a guest token first');
        if (cookieAuth && !originAllowed(req, o.publicUrl)) return refuse(socket, 403, 'BAD_ORIGIN', 'Cross-site WebSocket refused');
        const ip = clientIp(req, o.trustProxy);
        const invite = url.searchParams.get('invite') ?? undefined;
        if (invite !== undefined && !/^[A-Za-z0-9]{4,32}$/.test(invite)) return refuse(socket, 400, 'VALIDATION', 'query.invite: expected an invite code');
        const joined = await o.room.authorizeJoin(actor, sessionId, ip, invite);
        if (joined.audience && ip) o.room.lastIps.set(joined.principalKey, ip);
        // Source and traffic label, fixed for the connection; bad source parameters are ignored.
        const view =
          joined.audience && o.analytics
            ? await o.analytics.openView({ sessionId, principalKey: joined.principalKey, viewerId: actor.kind === 'viewer' ? actor.id : null, userAgent: req.headers['user-agent'], query: url.searchParams })
            : undefined;
        wss.handleUpgrade(req, socket, head, (ws) => accept(ws, actor, sessionId, joined, since, view));
      } catch (err) {
        if (err instanceof AppError) return refuse(socket, err.status, err.code, err.message, err.retryAfterSeconds);
        app.log.error({ err }, 'websocket upgrade failed');
        refuse(socket, 500, 'INTERNAL', 'Internal server error');
      }
    })();
  };

  const accept = (ws: WebSocket, actor: Actor, sessionId: string, joined: Joined, since: string | undefined, view: ViewMeta | undefined) => {
    const member: HubMember = { ws, sessionId, principalKey: joined.principalKey, audience: joined.audience, missed: 0, alive: true, ...(view ? { view } : {}) };
    let bad = 0;
    const fail = (e: ErrorMessage) => {
      o.hub.send(member, e);
      if (++bad >= BAD_MESSAGES_BEFORE_CLOSE) ws.close(CloseCode.tooManyBadMessages, 'too many invalid messages');
    };
    ws.on('pong', () => {
      member.alive = true;
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => o.hub.leave(member));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      member.alive = true;
      if (isBinary) return fail({ t: 'error', code: 'BAD_MESSAGE', message: 'expected a JSON text message' });
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return fail({ t: 'error', code: 'BAD_MESSAGE', message: 'malformed JSON' });
      }
      const r = clientMessageSchema.safeParse(parsed);
      if (!r.success) {
        const issue = r.error.issues[0];
        const ref = typeof (parsed as { ref?: unknown })?.ref === 'string' ? ((parsed as { ref: string }).ref.slice(0, 40)) : undefined;
        return fail({ t: 'error', ...(ref ? { ref } : {}), code: 'BAD_MESSAGE', message: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message' });
      }
      const msg = r.data;
      const run = async () => {
        switch (msg.t) {
          case 'chat':
            o.hub.send(member, await o.room.chat(actor, member, joined, msg.ref, msg.text));
            break;
          case 'like':
            if (!joined.you.canChat) return o.hub.send(member, { t: 'error', ...(msg.ref ? { ref: msg.ref } : {}), code: 'GUESTS_CANNOT_LIKE', message: 'Sign in to like.' });
            o.hub.like(sessionId, msg.n);
            o.analytics?.like(member.view, msg.n, msg.ref);
            break;
          case 'track': {
            if (!member.view || !o.analytics) return o.hub.send(member, { t: 'error', ref: msg.ref, code: 'NOT_TRACKED', message: 'Only the audience sends analytics events.' });
            for (const [i, b] of msg.events.entries()) {
              const problem = beaconProblem(b);
              if (problem) return fail({ t: 'error', ref: msg.ref, code: 'BAD_MESSAGE', message: `events.${i}.${problem}` });
            }
            const tracked = o.analytics.track(member.view, msg.events);
            if ('limited' in tracked) return o.hub.send(member, { t: 'error', ref: msg.ref, code: 'RATE_LIMITED', message: 'Too many analytics events; slow down.', retryAfterMs: tracked.limited });
            o.hub.send(member, { t: 'ack', ref: msg.ref, tracked });
            break;
          }
          case 'report':
            o.hub.send(member, await o.room.report(actor, sessionId, msg.ref, msg.messageId, msg.reason));
            break;
          case 'vote':
          case 'enter':
          case 'answer':
          case 'ask':
          case 'upvote': {
            if (!o.tools) return o.hub.send(member, { t: 'error', ref: msg.ref, code: 'UNAVAILABLE', message: 'Interactive tools are not available here.' });
            const p =
              actor.kind === 'viewer'
                ? { kind: 'viewer' as const, id: actor.id, name: actor.nickname }
                : actor.kind === 'team'
                  ? { kind: 'team' as const, id: actor.id, name: actor.displayName }
                  : { kind: 'guest' as const };
            const r = await o.tools.handle(p, sessionId, msg);
            o.hub.send(member, r.ok ? { t: 'ack', ref: msg.ref } : { t: 'error', ref: msg.ref, code: r.code, message: r.message, ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}) });
            break;
          }
        }
      };
      run().catch((err: unknown) => {
        app.log.error({ err }, 'realtime message failed');
        o.hub.send(member, { t: 'error', code: 'INTERNAL', message: 'Internal server error' });
      });
    });
    void o.hub.join(member, joined.you, since).catch((err: unknown) => {
      app.log.error({ err }, 'room join failed');
      ws.close(1011, 'join failed');
    });
  };

  app.server.on('upgrade', onUpgrade);
  return {
    close: async () => {
      closing = true;
      app.server.off('upgrade', onUpgrade);
      await o.hub.close();
      await o.room.close();
    },
  };
}

function originAllowed(req: IncomingMessage, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // non-browser clients send none; browsers always do
  try {
    const o = new URL(origin);
    if (publicUrl && new URL(publicUrl).host === o.host) return true;
    return o.host === req.headers.host;
  } catch {
    return false;
  }
}

function clientIp(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xf = req.headers['x-forwarded-for'];
    const first = (Array.isArray(xf) ? xf[0] : xf)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? null;
}
