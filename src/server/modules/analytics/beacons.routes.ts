import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { beaconBatchBody, beaconBatchReply } from '../../../contracts/analytics-events.contract.js';
import type { AuthService } from '../../platform/auth/auth.service.js';
import { cookieNames } from '../../platform/http/access.js';
import { BeaconsService, type BeaconsDeps } from './beacons.service.js';

/** Batches per client address per minute: a page sends one every few seconds at most, plus pagehide. */
export const BEACON_BATCHES_PER_MINUTE = 120;

/**
 * `POST /api/analytics/beacons`: the browser's analytics events when the room socket is not
 * there to carry them (`track`), and on pagehide through navigator.sendBeacon. Public: a beacon
 * cannot carry the CSRF or guest-token headers, so the viewer is read from the viewer cookie
 * (SameSite=Lax: a cross-site page's beacon carries none) or else the batch's guest id. Nothing
 * but analytics events is written, and each id is stored once.
 */
export const beaconRoutes =
  (deps: BeaconsDeps & { auth: Pick<AuthService, 'resolve'> }): FastifyPluginAsyncZod =>
  async (app) => {
    const beacons = new BeaconsService(deps);
    app.post(
      '/api/analytics/beacons',
      {
        config: { access: { kind: 'public' }, rateLimit: { max: BEACON_BATCHES_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['audience'],
          summary: 'Record browser analytics events (impressions, clicks, add to cart, shares); retries count once',
          body: beaconBatchBody,
          response: { 200: beaconBatchReply },
        },
      },
      async (req) => {
        const token = req.cookies[cookieNames.viewer];
        const found = token ? await deps.auth.resolve('viewer', token) : null;
        const viewerId = found?.actor.kind === 'viewer' ? found.actor.id : null;
        return beacons.record({ viewerId }, req.body, req.headers['user-agent']);
      },
    );
  };
