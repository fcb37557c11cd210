import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam, noBody } from '../../../contracts/api.contract.js';
import { UPLOAD_TEST_MAX_BYTES, preflightItemParams, preflightReply, preflightTickBody, previewReply, rehearsalReply, uploadTestReply } from '../../../contracts/preflight.contract.js';
import { AppError } from '../../platform/errors.js';
import type { PreflightService } from './preflight.service.js';

const read = { access: { kind: 'team', permission: 'sessions:read' } } as const;
const check = { access: { kind: 'team', permission: 'preflight:check' } } as const;

/** What the upload test's parser counted, by request (the bytes themselves are dropped as they arrive). */
const received = new WeakMap<FastifyRequest, { bytes: number; receiveMs: number }>();

export const preflightRoutes = (preflight: PreflightService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/sessions/:id/preflight',
    { config: read, schema: { tags: ['video'], summary: 'The pre-flight checklist (handbook 3.3): items with who ticked them and when, machine checks (encoder, keyframes, upload speed), "n of m done" and ready', params: idParam, response: { 200: preflightReply } } },
    async (req) => preflight.checklist(req.ctx, req.params.id),
  );
  app.put(
    '/api/console/sessions/:id/preflight/:item',
    { config: check, schema: { tags: ['video'], summary: "Tick or untick a checklist item (idempotent; audited). network.upload also takes the speed test's measuredKbps and targetKbps", params: preflightItemParams, body: preflightTickBody, response: { 200: preflightReply } } },
    async (req) => preflight.tick(req.ctx, req.params.id, req.params.item, req.body),
  );
  await app.register(async (scope) => {
    // Counts the raw body as it arrives (nothing is kept): bytes and the time from first to last byte.
    scope.addContentTypeParser('application/octet-stream', (req, payload, done) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      const tooLarge = () => new AppError('payload_too_large', `body: larger than the limit of ${UPLOAD_TEST_MAX_BYTES} bytes`, { code: 'PAYLOAD_TOO_LARGE', issues: [{ path: 'body', message: `at most ${UPLOAD_TEST_MAX_BYTES} bytes` }] });
      if (declared > UPLOAD_TEST_MAX_BYTES) {
        done(tooLarge(), undefined);
        return;
      }
      let bytes = 0;
      let first = 0;
      let settled = false;
      payload.on('data', (chunk: Buffer) => {
        if (settled) return;
        if (!first) first = performance.now();
        bytes += chunk.length;
        if (bytes > UPLOAD_TEST_MAX_BYTES) {
          settled = true;
          done(tooLarge(), undefined);
        }
      });
      payload.on('end', () => {
        if (settled) return;
        settled = true;
        received.set(req, { bytes, receiveMs: first ? performance.now() - first : 0 });
        done(null, undefined);
      });
      payload.on('error', (e: Error) => {
        if (settled) return;
        settled = true;
        done(e, undefined);
      });
    });
    scope.post(
      '/api/console/sessions/:id/preflight/upload-test',
      {
        config: { ...check, rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: { tags: ['video'], summary: `Upload-speed test: send raw bytes (application/octet-stream, at most ${UPLOAD_TEST_MAX_BYTES} bytes); the answer is what arrived and the server-side receive time. Nothing is kept`, params: idParam, body: noBody, response: { 200: uploadTestReply } },
      },
      // No body (or not application/octet-stream): nothing was measured, 0 bytes.
      async (req) => preflight.uploadTest(req.ctx, received.get(req) ?? { bytes: 0, receiveMs: 0 }),
    );
  });
  app.get(
    '/api/console/sessions/:id/stream/preview',
    { config: read, schema: { tags: ['video'], summary: "The team's private player address (HTTP-FLV, signed for the team): plays the test stream that the audience cannot see", params: idParam, response: { 200: previewReply } } },
    async (req) => preflight.preview(req.ctx, req.params.id),
  );
  app.get(
    '/api/console/sessions/:id/stream/rehearsal',
    { config: read, schema: { tags: ['video'], summary: 'Test-stream mode: whether it is on, the encoder state and the session status', params: idParam, response: { 200: rehearsalReply } } },
    async (req) => preflight.rehearsalState(req.ctx, req.params.id),
  );
  app.post(
    '/api/console/sessions/:id/stream/rehearsal',
    { config: check, schema: { tags: ['video'], summary: 'Start test-stream mode (draft or scheduled sessions): publishing does not take the session live, the audience sees nothing (audited)', params: idParam, response: { 200: rehearsalReply } } },
    async (req) => preflight.startRehearsal(req.ctx, req.params.id),
  );
  app.delete(
    '/api/console/sessions/:id/stream/rehearsal',
    { config: check, schema: { tags: ['video'], summary: 'Stop test-stream mode without going live (409 while an encoder publishes: stop it in OBS first; audited)', params: idParam, response: { 200: rehearsalReply } } },
    async (req) => preflight.stopRehearsal(req.ctx, req.params.id),
  );
  app.post(
    '/api/console/sessions/:id/stream/rehearsal/go-public',
    { config: check, schema: { tags: ['video'], summary: 'Go public: end test mode and take the session live; a running stream continues and viewers join at once (also needs sessions:golive; audited)', params: idParam, response: { 200: rehearsalReply } } },
    async (req) => preflight.goPublic(req.ctx, req.params.id),
  );
};
