import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParam, publicSessionQuery } from '../../../contracts/api.contract.js';
import { recordingFileParam, recordingIdParam, recordingsReply, replayReply } from '../../../contracts/replay.contract.js';
import { playQuery } from '../../../contracts/video.contract.js';
import { decideRange } from './core/byte-range.js';
import type { RecordingService } from './recording.service.js';

const deleteReply = z.object({ ok: z.literal(true) });

/** Console: a session's recordings and deleting one. Audience: the replay and the recordings' files (Range). */
export const recordingRoutes = (recordings: RecordingService): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/console/sessions/:id/recordings',
    { config: { access: { kind: 'team', permission: 'sessions:read' } }, schema: { tags: ['video'], summary: "The session's recordings (one per publish: status, size, duration, play link) and the storage they use", params: idParam, response: { 200: recordingsReply } } },
    async (req) => recordings.list(req.ctx, req.params.id),
  );
  app.delete(
    '/api/console/sessions/:id/recordings/:recordingId',
    { config: { access: { kind: 'team', permission: 'recordings:delete' } }, schema: { tags: ['video'], summary: 'Deletes a finished recording: the file is removed, the entry stays as deleted (owner/admin, audited)', params: recordingIdParam, response: { 200: deleteReply } } },
    async (req) => {
      await recordings.remove(req.ctx, req.params.id, req.params.recordingId);
      return { ok: true as const };
    },
  );
  app.get(
    '/api/live/:id/replay',
    {
      config: { access: { kind: 'audience' }, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'The replay of an ended session: its recordings in order (play URLs, signed for a private session), the chat, what was pinned when, and chapters, on replay time (ms)', params: idParam, querystring: publicSessionQuery, response: { 200: replayReply } },
    },
    async (req) => recordings.replay(req.params.id, req.query.invite),
  );
  app.get(
    '/api/live/:id/recordings/:file',
    {
      config: { access: { kind: 'public' }, rateLimit: { max: 600, timeWindow: '1 minute' } },
      schema: { tags: ['audience'], summary: 'A recording as MP4 (index first), with Range requests (206) for seeking. Private sessions need the signed `t` from /replay', params: recordingFileParam, querystring: playQuery, response: { 200: z.any().describe('video/mp4'), 206: z.any().describe('video/mp4, the requested bytes'), 416: z.any().describe('the range is past the end (Content-Range: bytes */size)') } },
    },
    async (req, reply) => {
      const f = await recordings.file(req.params.id, req.params.file.slice(0, -'.mp4'.length), req.query.t);
      const range = decideRange(req.headers.range, f.size);
      reply.header('accept-ranges', 'bytes').header('content-type', 'video/mp4').header('cache-control', f.isPrivate ? 'private, max-age=3600' : 'public, max-age=3600');
      if (range.kind === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${f.size}`).send();
      if (range.kind === 'full') return reply.header('content-length', f.size).send(createReadStream(f.path));
      return reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${f.size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(f.path, { start: range.start, end: range.end }));
    },
  );
};
