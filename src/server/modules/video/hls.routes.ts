import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { HLS_CONTENT_TYPES, isHlsToken, parseSegmentName, tokenOf } from './core/hls-names.js';
import type { HlsOutput } from './hls-output.js';
import type { VideoService } from './video.service.js';

const sessionId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
const token = z.string().refine(isHlsToken, 'expected "open" or the play token from /stream');
const playlistParams = z.strictObject({ id: sessionId, token });
const segmentParams = z.strictObject({ id: sessionId, token, segment: z.string().max(64).refine((s) => parseSegmentName(s) !== null, 'expected a segment name from the playlist') });

const notReady = () => new AppError('not_found', 'The HLS stream is not ready yet (it starts with the first keyframe); try again in a moment', { code: 'HLS_NOT_READY' });

/**
 * Live HLS, same origin: the playlist and its segments, checked like video.flv (`open` for a public
 * session, the play token in the path for a private one, so the playlist's relative segment URLs
 * carry it too).
 */
export const hlsRoutes = (video: VideoService, hls: HlsOutput): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/live/:id/hls/:token/index.m3u8',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 300, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'The live HLS playlist (1 s MPEG-TS segments, codecs copied from the encoder). `token`: "open" for a public session, else the play token from /stream', params: playlistParams, response: { 200: z.any().describe('application/vnd.apple.mpegurl') } },
    },
    async (req, reply) => {
      await video.checkPlay(req.params.id, tokenOf(req.params.token));
      const found = await hls.playlist(req.params.id);
      if (!found) throw notReady();
      const text = await readFile(found.file, 'utf8').catch(() => null);
      if (text === null) throw notReady();
      return reply.header('content-type', HLS_CONTENT_TYPES.playlist).header('cache-control', 'no-cache').send(text);
    },
  );
  app.get(
    '/api/live/:id/hls/:token/:segment',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'One live HLS segment (MPEG-TS) named in the playlist', params: segmentParams, response: { 200: z.any().describe('video/mp2t') } },
    },
    async (req, reply) => {
      await video.checkPlay(req.params.id, tokenOf(req.params.token));
      const file = await hls.segment(req.params.id, req.params.segment);
      if (!file) throw new AppError('not_found', 'This segment is no longer in the playlist', { code: 'HLS_SEGMENT_GONE' });
      // A segment never changes once listed; a private session's stays out of shared caches.
      return reply.header('content-type', HLS_CONTENT_TYPES.segment).header('cache-control', req.params.token === 'open' ? 'public, max-age=60' : 'private, max-age=60').send(createReadStream(file));
    },
  );
};
