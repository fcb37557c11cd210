import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam, noBody, publicSessionQuery } from '../../../contracts/api.contract.js';
import { healthSeriesReply, ingestSettingsReply, playInfoReply, playQuery } from '../../../contracts/video.contract.js';
import type { VideoService } from './video.service.js';

const key = { access: { kind: 'team', permission: 'stream:key' } } as const;

export const videoRoutes = (video: VideoService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/sessions/:id/stream',
    { config: key, schema: { tags: ['video'], summary: 'OBS settings for the session ("Server" and "Stream Key", made on first ask) and the stream state', params: idParam, response: { 200: ingestSettingsReply } } },
    async (req) => video.ingestSettings(req.ctx, req.params.id),
  );
  app.post(
    '/api/console/sessions/:id/stream/rotate-key',
    { config: key, schema: { tags: ['video'], summary: 'A new stream key: the old one stops working and an encoder publishing with it is cut off', params: idParam, body: noBody, response: { 200: ingestSettingsReply } } },
    async (req) => video.rotateKey(req.ctx, req.params.id),
  );
  app.get(
    '/api/console/sessions/:id/stream/health',
    { config: { access: { kind: 'team', permission: 'sessions:read' } }, schema: { tags: ['video'], summary: 'Stream health samples (every 10 s while publishing: resolution, fps, bitrates, keyframe interval, warnings), oldest first', params: idParam, response: { 200: healthSeriesReply } } },
    async (req) => ({ items: await video.healthSeries(req.ctx, req.params.id) }),
  );
  app.get(
    '/api/live/:id/stream',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: "The stream's state and its play URL (signed and expiring for a private session)", params: idParam, querystring: publicSessionQuery, response: { 200: playInfoReply } },
    },
    async (req) => video.playInfo(req.params.id, req.query.invite),
  );
  app.get(
    '/api/live/:id/video.flv',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'The live picture as HTTP-FLV (starts on a keyframe; a slow player skips to the next one). Private sessions need the signed `t` from /stream', params: idParam, querystring: playQuery, response: { 200: z.any().describe('video/x-flv stream (H.264 + AAC), open while the viewer watches') } },
    },
    async (req, reply) => {
      const res = reply.raw;
      // The viewer may leave while the play check runs: then there is nobody to stream to.
      let stop: (() => void) | null = null;
      let gone = false;
      res.once('close', () => {
        gone = true;
        stop?.();
      });
      await video.checkPlay(req.params.id, req.query.t);
      if (gone || res.destroyed) {
        reply.hijack();
        return;
      }
      // The response stays open for as long as the viewer watches: written outside Fastify's reply.
      reply.hijack();
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'video/x-flv',
        'cache-control': 'no-store',
      });
      res.flushHeaders();
      stop = video.watch(req.params.id, {
        get buffered() {
          return res.writableLength;
        },
        write: (chunk) => {
          if (!res.writableEnded) res.write(chunk);
        },
        // Ended: the player gets what is queued; too slow: cut off now (end() would keep its backlog queued).
        close: (reason) => {
          if (reason === 'slow') res.destroy();
          else if (!res.writableEnded) res.end();
        },
      });
    },
  );
};
