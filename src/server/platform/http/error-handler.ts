import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldIssue } from '../errors.js';

function pointerToPath(context: string | undefined, pointer: string): string {
  const prefix = context === 'querystring' ? 'query' : (context ?? 'body');
  const parts = pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [prefix, ...parts].join('.');
}

/** The error body every failure answers with (also written outside Fastify: the flash-sale grab fast path). */
export function errorBody(code: string, message: string, requestId: string, extra: { issues?: FieldIssue[] | undefined; retryAfterSeconds?: number | undefined } = {}) {
  return {
    error: {
      code,
      message,
      ...(extra.issues ? { issues: extra.issues } : {}),
      requestId,
      ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
    },
  };
}

/** An AppError as the error handler answers it: status and body (a 5xx says no more than "Internal server error"). */
export function appErrorReply(err: AppError, requestId: string): { status: number; body: ReturnType<typeof errorBody> } {
  return {
    status: err.status,
    body: errorBody(err.code, err.status >= 500 ? 'Internal server error' : err.message, requestId, { issues: err.issues, retryAfterSeconds: err.retryAfterSeconds }),
  };
}

function send(reply: FastifyReply, req: FastifyRequest, status: number, code: string, message: string, extra: { issues?: FieldIssue[] | undefined; retryAfterSeconds?: number | undefined } = {}) {
  if (extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(extra.retryAfterSeconds));
  return reply.status(status).send(errorBody(code, message, String(req.id), extra));
}

/**
 * Errors the router raises before any route matches (bad percent-encoding in the path, a path
 * parameter over maxParamLength): Fastify would answer them in its own format, so give them
 * the same error body as everything else.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', String(req.id));
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      void send(reply, req, 400, 'BAD_URL', 'params: malformed percent-encoding in the URL', { issues: [{ path: 'params', message: 'malformed percent-encoding' }] });
      return;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      void send(reply, req, 400, 'VALIDATION', 'params: a path parameter is too long', { issues: [{ path: 'params', message: 'too long' }] });
      return;
    default:
      req.log.error({ err }, 'framework error');
      void send(reply, req, 500, 'INTERNAL', 'Internal server error');
  }
}

/**
 * The one error handler: typed AppErrors map to their status; schema failures become a 400
 * naming each field path; framework 4xx keep their status with a plain message; anything
 * else is a 500 whose details go to the log only.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    if (err instanceof AppError) {
      if (err.status >= 500) req.log.error({ err }, 'internal error');
      const { status, body } = appErrorReply(err, String(req.id));
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.status(status).send(body);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const context = (err as { validationContext?: string }).validationContext;
      const issues = err.validation.flatMap((v) => {
        const path = pointerToPath(context, v.instancePath);
        // A strict schema reports unknown keys on the parent object; name each key instead.
        const keys = v.keyword === 'unrecognized_keys' ? v.params.keys : undefined;
        if (Array.isArray(keys) && keys.length > 0) return keys.map((k) => ({ path: `${path}.${String(k)}`, message: 'unknown field' }));
        return [{ path, message: v.message ?? 'invalid' }];
      });
      const first = issues[0];
      return send(reply, req, 400, 'VALIDATION', first ? `${first.path}: ${first.message}` : 'Invalid input', { issues });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, 'reply did not match its schema');
      return send(reply, req, 500, 'INTERNAL', 'Internal server error');
    }
    const fe = err as FastifyError;
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(reply, req, 413, 'PAYLOAD_TOO_LARGE', `body: larger than the limit of ${app.initialConfig.bodyLimit} bytes`, {
          issues: [{ path: 'body', message: `larger than the limit of ${app.initialConfig.bodyLimit} bytes` }],
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, req, 415, 'UNSUPPORTED_MEDIA_TYPE', 'body: send JSON with Content-Type: application/json', {
          issues: [{ path: 'body', message: 'expected Content-Type: application/json' }],
        });
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, req, 400, 'MALFORMED_JSON', 'body: empty body with Content-Type: application/json', {
          issues: [{ path: 'body', message: 'expected a JSON value, got an empty body' }],
        });
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return send(reply, req, 400, 'MALFORMED_JSON', `body: malformed JSON`, { issues: [{ path: 'body', message: 'malformed JSON' }] });
      default:
        break;
    }
    if (err instanceof SyntaxError && (fe.statusCode === 400 || /JSON/.test(err.message))) {
      return send(reply, req, 400, 'MALFORMED_JSON', 'body: malformed JSON', { issues: [{ path: 'body', message: 'malformed JSON' }] });
    }
    const status = fe.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (status === 429) {
        return send(reply, req, 429, 'RATE_LIMITED', 'Too many requests; slow down and try again shortly', {
          retryAfterSeconds: Number(reply.getHeader('retry-after') ?? 60) || 60,
        });
      }
      return send(reply, req, status, fe.code ?? 'BAD_REQUEST', fe.message);
    }
    req.log.error({ err }, 'unhandled error');
    return send(reply, req, 500, 'INTERNAL', 'Internal server error');
  });
}
