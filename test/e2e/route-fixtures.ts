import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { apiErrorSchema, type ApiErrorBody } from '../../src/contracts/api.contract.js';
import { systemCtx } from '../../src/server/platform/context.js';
import type { RouteAccessRecord } from '../../src/server/platform/http/access.js';
import { cookieFrom, createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../support/test-app.js';

/**
 * One valid example request per route, shared by the bad-input and role-matrix suites. Every
 * route in `t.routes` must have an entry here (both suites fail otherwise), keyed
 * "METHOD /url/:pattern" exactly as registered.
 *
 * Who sends the request is the runner's business (owner, each role, a viewer...); a fixture
 * only says what a valid request looks like and which status means success.
 */

export * from './fixtures/fixture-kit.js';
import { inADay, makeLiveSession, one, TINY_PNG, transitionCase, VIEWER_PASSWORD, type RouteFixture, type ValidRequest } from './fixtures/fixture-kit.js';
import { commerceFixtures } from './fixtures/commerce.fixtures.js';
import { interactFixtures } from './fixtures/interact.fixtures.js';
import { analyticsBeaconFixtures } from './fixtures/analytics-beacons.fixtures.js';
import { simulationFixtures } from './fixtures/simulation.fixtures.js';
import { analyticsFixtures } from './fixtures/analytics.fixtures.js';

export const routeFixtures: Record<string, RouteFixture> = {
  ...commerceFixtures,
  ...interactFixtures,
  ...analyticsBeaconFixtures,
  ...simulationFixtures,
  ...analyticsFixtures,
  'GET /metrics': one(async () => ({ url: '/metrics', status: 200 })),
  'GET /healthz': one(async () => ({ url: '/healthz', status: 200 })),
  'GET /readyz': one(async () => ({ url: '/readyz', status: 200 })),

  // --- team auth -----------------------------------------------------------------
  'POST /api/console/auth/signin': one(async ({ t }) => {
    const owner = await t.signInAs(['owner']);
    return { url: '/api/console/auth/signin', body: { email: owner.email, password: TEST_PASSWORD }, status: 200 };
  }),
  'POST /api/console/auth/signout': { endsSession: true, cases: [{ name: 'default', build: async () => ({ url: '/api/console/auth/signout', status: 204 }) }] },
  'GET /api/console/auth/me': one(async () => ({ url: '/api/console/auth/me', status: 200 })),
  // Every member made by signInAs has TEST_PASSWORD; "changing" it to itself keeps it usable.
  'POST /api/console/auth/password': one(async () => ({
    url: '/api/console/auth/password',
    body: { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD },
    status: 204,
  })),

  // --- team ------------------------------------------------------------------------
  'GET /api/console/team/members': one(async () => ({ url: '/api/console/team/members', status: 200 })),
  'POST /api/console/team/members': one(async ({ unique }) => ({
    url: '/api/console/team/members',
    body: { email: `member-${unique()}@test.onair.local`, displayName: 'Fixture member', roles: ['analyst'], password: 'fixture-password-1' },
    status: 201,
  })),
  'PATCH /api/console/team/members/:id': one(async ({ t, unique, shared }) => {
    const target = await shared('target-member', () =>
      t.services.team.create(systemCtx('fixture'), { email: 'target@test.onair.local', displayName: 'Target', roles: ['cs'], password: 'fixture-password-1' }),
    );
    return { url: `/api/console/team/members/${target.id}`, body: { displayName: `Renamed ${unique()}` }, status: 200 };
  }),

  // --- audit and catalog -----------------------------------------------------------
  'GET /api/console/audit': one(async () => ({ url: '/api/console/audit', query: { limit: '10' }, status: 200 })),
  'GET /api/console/products': one(async () => ({ url: '/api/console/products', status: 200 })),

  // --- live sessions -----------------------------------------------------------------
  'GET /api/console/sessions': one(async () => ({ url: '/api/console/sessions', query: { status: 'draft', limit: '10' }, status: 200 })),
  'POST /api/console/sessions': one(async ({ t, unique }) => ({
    url: '/api/console/sessions',
    body: { title: `Fixture ${unique()}`, theme: 'launch', visibility: 'public', scheduledStart: inADay(t), plannedMinutes: 60 },
    status: 201,
  })),
  'GET /api/console/sessions/:id': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}`, status: 200 };
  }),
  'PATCH /api/console/sessions/:id': one(async ({ t, shared, unique }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}`, body: { title: `Edited ${unique()}` }, status: 200 };
  }),
  // The route needs sessions:read; the service then checks the move's own permission.
  'POST /api/console/sessions/:id/transitions': {
    cases: [transitionCase('draft', 'scheduled'), transitionCase('scheduled', 'live'), transitionCase('live', 'ended'), transitionCase('ended', 'archived')],
  },
  'PUT /api/console/sessions/:id/cover': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/cover`, body: { contentType: 'image/png', dataBase64: TINY_PNG }, status: 200 };
  }),
  // A fresh session with a cover per build: removing it twice would be a 404.
  'DELETE /api/console/sessions/:id/cover': one(async ({ t }) => {
    const s = await makeLiveSession(t, { title: 'Fixture cover' });
    await t.services.sessions.setCover(systemCtx('fixture'), s.id, 'image/png', TINY_PNG);
    return { url: `/api/console/sessions/${s.id}/cover`, status: 200 };
  }),
  'POST /api/console/sessions/:id/invite': one(async ({ t, shared }) => {
    const s = await shared('private-session', () => makeLiveSession(t, { visibility: 'private', title: 'Fixture private' }));
    return { url: `/api/console/sessions/${s.id}/invite`, status: 200 };
  }),
  'GET /api/console/sessions/:id/staff': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/staff`, status: 200 };
  }),
  'PUT /api/console/sessions/:id/staff': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    const target = await shared('target-member', () =>
      t.services.team.create(systemCtx('fixture'), { email: 'target@test.onair.local', displayName: 'Target', roles: ['cs'], password: 'fixture-password-1' }),
    );
    return { url: `/api/console/sessions/${s.id}/staff`, body: { assignments: [{ memberId: target.id, duty: 'host' }] }, status: 200 };
  }),
  'GET /api/console/sessions/:id/cover': one(async ({ t, shared }) => {
    // A draft: the team sees its cover before the audience can.
    const s = await shared('draft-session-with-cover', async () => {
      const made = await makeLiveSession(t, { title: 'Draft with cover' });
      await t.services.sessions.setCover(systemCtx('fixture'), made.id, 'image/png', TINY_PNG);
      return made;
    });
    return { url: `/api/console/sessions/${s.id}/cover`, status: 200 };
  }),
  // --- video ---------------------------------------------------------------------
  'GET /api/console/sessions/:id/stream': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/stream`, status: 200 };
  }),
  'POST /api/console/sessions/:id/stream/rotate-key': one(async ({ t }) => {
    const s = await makeLiveSession(t, { title: 'Fixture key rotation' });
    return { url: `/api/console/sessions/${s.id}/stream/rotate-key`, status: 200 };
  }),
  'GET /api/console/sessions/:id/stream/health': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/stream/health`, status: 200 };
  }),
  'GET /api/console/sessions/:id/restream-targets': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/restream-targets`, status: 200 };
  }),
  'POST /api/console/sessions/:id/restream-targets': one(async ({ t, unique }) => {
    const s = await makeLiveSession(t, { title: 'Fixture restream add' });
    return { url: `/api/console/sessions/${s.id}/restream-targets`, body: { name: `Target ${unique()}`, platform: 'youtube', serverUrl: 'rtmp://a.rtmp.youtube.com/live2', streamKey: 'fixture-key-0000' }, status: 201 };
  }),
  'PATCH /api/console/sessions/:id/restream-targets/:targetId': one(async ({ t, unique }) => {
    const s = await makeLiveSession(t, { title: 'Fixture restream edit' });
    const target = await t.services.restream.create(systemCtx('fixture'), s.id, { name: 'Bilibili', platform: 'bilibili', serverUrl: 'rtmp://live-push.bilivideo.com/live-bvc', streamKey: 'fixture-key-1111' });
    return { url: `/api/console/sessions/${s.id}/restream-targets/${target.id}`, body: { name: `Edited ${unique()}`, enabled: false }, status: 200 };
  }),
  'DELETE /api/console/sessions/:id/restream-targets/:targetId': one(async ({ t }) => {
    const s = await makeLiveSession(t, { title: 'Fixture restream remove' });
    const target = await t.services.restream.create(systemCtx('fixture'), s.id, { name: 'Twitch', platform: 'twitch', serverUrl: 'rtmp://live.twitch.tv/app', streamKey: 'fixture-key-2222' });
    return { url: `/api/console/sessions/${s.id}/restream-targets/${target.id}`, status: 200 };
  }),
  // --- pre-flight and test-stream mode ----------------------------------------------
  'GET /api/console/sessions/:id/preflight': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/preflight`, status: 200 };
  }),
  // hardware.camera: tech and host may both tick it (owner and admin anything).
  'PUT /api/console/sessions/:id/preflight/:item': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/preflight/hardware.camera`, body: { checked: true, note: 'fixture' }, status: 200 };
  }),
  'POST /api/console/sessions/:id/preflight/upload-test': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/preflight/upload-test`, status: 200 };
  }),
  'GET /api/console/sessions/:id/stream/preview': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/stream/preview`, status: 200 };
  }),
  'GET /api/console/sessions/:id/stream/rehearsal': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/stream/rehearsal`, status: 200 };
  }),
  'POST /api/console/sessions/:id/stream/rehearsal': one(async ({ t }) => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Fixture test stream' });
    return { url: `/api/console/sessions/${s.id}/stream/rehearsal`, status: 200 };
  }),
  'DELETE /api/console/sessions/:id/stream/rehearsal': one(async ({ t }) => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Fixture test stop' });
    await t.services.preflight.startRehearsal(systemCtx('fixture'), s.id);
    return { url: `/api/console/sessions/${s.id}/stream/rehearsal`, status: 200 };
  }),
  'POST /api/console/sessions/:id/stream/rehearsal/go-public': one(async ({ t }) => {
    const s = await makeLiveSession(t, { status: 'scheduled', title: 'Fixture go public' });
    await t.services.preflight.startRehearsal(systemCtx('fixture'), s.id);
    return { url: `/api/console/sessions/${s.id}/stream/rehearsal/go-public`, status: 200 };
  }),
  'GET /api/live/:id/stream': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Fixture stream' }));
    return { url: `/api/live/${s.id}/stream`, status: 200 };
  }),
  // Nobody publishes in these suites: the valid request is answered 404 STREAM_OFFLINE (playback itself is tested in video tests).
  'GET /api/live/:id/video.flv': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Fixture stream' }));
    return { url: `/api/live/${s.id}/video.flv`, status: 404 };
  }),
  // Live HLS: nobody publishes in these suites, so a valid request is answered 404 STREAM_OFFLINE
  // (the playlist and segments themselves are tested in hls-output.test.ts and the HLS browser test).
  'GET /api/live/:id/hls/:token/index.m3u8': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Fixture stream' }));
    return { url: `/api/live/${s.id}/hls/open/index.m3u8`, status: 404 };
  }),
  'GET /api/live/:id/hls/:token/:segment': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Fixture stream' }));
    return { url: `/api/live/${s.id}/hls/open/00mwyia5up0000af45a73b179a-3.ts`, status: 404 };
  }),
  // --- recordings and replay -------------------------------------------------------
  'GET /api/console/sessions/:id/recordings': one(async ({ t, shared }) => {
    const s = await shared('draft-session', () => makeLiveSession(t));
    return { url: `/api/console/sessions/${s.id}/recordings`, status: 200 };
  }),
  'DELETE /api/console/sessions/:id/recordings/:recordingId': one(async ({ t, unique }) => {
    const s = await makeLiveSession(t, { status: 'ended', visibility: 'public', title: 'Fixture recording delete' });
    return { url: `/api/console/sessions/${s.id}/recordings/${await insertRecording(t, s.id, unique())}`, status: 200 };
  }),
  'GET /api/live/:id/replay': one(async ({ t, shared }) => {
    const s = await shared('ended-session-with-recording', async () => {
      const made = await makeLiveSession(t, { status: 'ended', visibility: 'public', title: 'Fixture replay' });
      await insertRecording(t, made.id, 'replay');
      return made;
    });
    return { url: `/api/live/${s.id}/replay`, status: 200 };
  }),
  // A fixture recording has a row but no file: the valid request is answered 404 (files are tested in recording.test.ts).
  'GET /api/live/:id/recordings/:file': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Fixture stream' }));
    return { url: `/api/live/${s.id}/recordings/nosuch.mp4`, status: 404 };
  }),
  'GET /api/live/:id/cover': one(async ({ t, shared }) => {
    const s = await shared('public-session-with-cover', async () => {
      const made = await makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Fixture with cover' });
      await t.services.sessions.setCover(systemCtx('fixture'), made.id, 'image/png', TINY_PNG);
      return made;
    });
    return { url: `/api/live/${s.id}/cover`, status: 200 };
  }),
  'GET /api/live/:id': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public' }));
    return { url: `/api/live/${s.id}`, status: 200 };
  }),

  'GET /api/live/:id/access': one(async ({ t, shared }) => {
    const s = await shared('public-scheduled-session', () => makeLiveSession(t, { status: 'scheduled', visibility: 'public' }));
    return { url: `/api/live/${s.id}/access`, status: 200 };
  }),

  // --- viewers -------------------------------------------------------------------------
  'POST /api/viewer/signup': one(async ({ unique }) => ({ url: '/api/viewer/signup', body: { nickname: `viewer ${unique()}`, password: VIEWER_PASSWORD }, status: 201 })),
  'POST /api/viewer/signin': one(async ({ t, shared }) => {
    const nickname = await shared('signin-viewer', async () => {
      await t.services.viewers.signUp(systemCtx('fixture'), 'Fixture viewer', VIEWER_PASSWORD, null);
      return 'Fixture viewer';
    });
    return { url: '/api/viewer/signin', body: { nickname, password: VIEWER_PASSWORD }, status: 200 };
  }),
  'POST /api/viewer/signout': { endsSession: true, cases: [{ name: 'default', build: async () => ({ url: '/api/viewer/signout', status: 204 }) }] },
  'GET /api/viewer/me': one(async () => ({ url: '/api/viewer/me', status: 200 })),
  'POST /api/viewer/guest': one(async () => ({ url: '/api/viewer/guest', status: 200 })),

  // --- live room (console moderation) ---------------------------------------------------
  // Targets (comments, sanctions, reports) are made fresh per build, so one role's success
  // never turns into another role's 409.
  'GET /api/console/sessions/:id/room': one(async ({ t, shared }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    return { url: `/api/console/sessions/${s.id}/room`, status: 200 };
  }),
  'PUT /api/console/sessions/:id/room/settings': one(async ({ t, shared }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    return { url: `/api/console/sessions/${s.id}/room/settings`, body: { chatMode: 'everyone', slowModeSeconds: 0, holdForReview: false }, status: 200 };
  }),
  'PUT /api/console/sessions/:id/room/pin': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    return { url: `/api/console/sessions/${s.id}/room/pin`, body: { text: `Fixture announcement ${unique()}` }, status: 200 };
  }),
  'GET /api/console/sessions/:id/chat': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    await insertChatMessage(t, s.id, unique(), 'visible');
    return { url: `/api/console/sessions/${s.id}/chat`, query: { status: 'visible', limit: '20' }, status: 200 };
  }),
  'POST /api/console/sessions/:id/chat/:messageId/delete': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    const id = await insertChatMessage(t, s.id, unique(), 'visible');
    return { url: `/api/console/sessions/${s.id}/chat/${id}/delete`, status: 204 };
  }),
  'POST /api/console/sessions/:id/chat/:messageId/approve': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    const id = await insertChatMessage(t, s.id, unique(), 'held');
    return { url: `/api/console/sessions/${s.id}/chat/${id}/approve`, status: 204 };
  }),
  'GET /api/console/sessions/:id/sanctions': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    await t.services.room.sanction(systemCtx('fixture'), s.id, { kind: 'mute', scope: 'room', target: { kind: 'viewer', id: `fixture-viewer-${unique()}` }, minutes: 10 });
    return { url: `/api/console/sessions/${s.id}/sanctions`, status: 200 };
  }),
  'POST /api/console/sessions/:id/sanctions': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    return {
      url: `/api/console/sessions/${s.id}/sanctions`,
      body: { kind: 'mute', scope: 'room', target: { kind: 'viewer', id: `fixture-viewer-${unique()}` }, minutes: 10, reason: 'fixture' },
      status: 201,
    };
  }),
  'POST /api/console/sessions/:id/sanctions/:sanctionId/lift': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    const made = await t.services.room.sanction(systemCtx('fixture'), s.id, { kind: 'mute', scope: 'room', target: { kind: 'viewer', id: `fixture-viewer-${unique()}` }, minutes: 10 });
    return { url: `/api/console/sessions/${s.id}/sanctions/${made.ids[0]}/lift`, status: 204 };
  }),
  'GET /api/console/sessions/:id/reports': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    await insertReport(t, s.id, await insertChatMessage(t, s.id, unique(), 'visible'), unique());
    return { url: `/api/console/sessions/${s.id}/reports`, query: { status: 'open' }, status: 200 };
  }),
  'POST /api/console/sessions/:id/reports/:reportId': one(async ({ t, shared, unique }) => {
    const s = await shared('room-session', () => makeLiveSession(t, { status: 'live', title: 'Fixture room' }));
    const reportId = await insertReport(t, s.id, await insertChatMessage(t, s.id, unique(), 'visible'), unique());
    return { url: `/api/console/sessions/${s.id}/reports/${reportId}`, body: { action: 'resolve' }, status: 204 };
  }),
};

/** A comment stored straight into chat_messages (as the chat pipeline's flush would), returning its id. */
export async function insertChatMessage(t: TestApp, sessionId: string, token: string, status: 'visible' | 'held' | 'deleted' = 'visible'): Promise<string> {
  const id = `fixture-msg-${token}`;
  await t.database.db
    .insertInto('chat_messages')
    .values({
      id,
      session_id: sessionId,
      sender_kind: 'viewer',
      sender_id: `fixture-viewer-${token}`,
      sender_name: 'Fixture viewer',
      sender_role: 'viewer',
      text: `Fixture comment ${token}`,
      status,
      created_at: t.clock.now().toISOString(),
      moderated_by: null,
      moderated_at: null,
    })
    .execute();
  return id;
}

/** A ready recording row (no file), as the recorder leaves one, returning its id. */
export async function insertRecording(t: TestApp, sessionId: string, token: string): Promise<string> {
  const id = `fixture-rec-${token}`;
  const at = t.clock.now().toISOString();
  await t.database.db.insertInto('recordings').values({ id, session_id: sessionId, publish_id: `fixture-pub-${token}`, status: 'ready', file_name: `fixture-pub-${token}.mp4`, bytes: 1000, duration_ms: 5000, started_at: at, ended_at: at, error: null, deleted_at: null, deleted_by: null }).execute();
  return id;
}

/** An open viewer report on a comment, stored straight into room_reports, returning its id. */
export async function insertReport(t: TestApp, sessionId: string, messageId: string, token: string): Promise<string> {
  const id = `fixture-report-${token}`;
  await t.database.db
    .insertInto('room_reports')
    .values({
      id,
      session_id: sessionId,
      message_id: messageId,
      reporter_key: `viewer:fixture-reporter-${token}`,
      reason: 'spam',
      status: 'open',
      created_at: t.clock.now().toISOString(),
      resolved_by: null,
      resolved_at: null,
    })
    .execute();
  return id;
}

// --- callers -------------------------------------------------------------------------------

let ipCounter = 0;
/**
 * A fresh client address per request, so the per-IP rate limits (viewer sign-up allows 10 a
 * minute) and sign-in throttling never bleed from one case into another.
 */
export function nextIp(): string {
  const n = ++ipCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export interface ViewerSession {
  cookie: string;
  csrf: string;
  viewerId: string;
  nickname: string;
}

/** Signs up a viewer over HTTP and returns its cookie and CSRF token. */
export async function viewerSignUp(t: TestApp, nickname: string, password = VIEWER_PASSWORD): Promise<ViewerSession> {
  const res = await t.app.inject({ method: 'POST', url: '/api/viewer/signup', remoteAddress: nextIp(), payload: { nickname, password } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json<{ viewer: { id: string; nickname: string }; csrfToken: string }>();
  return { cookie: cookieFrom(res, 'onair_viewer'), csrf: body.csrfToken, viewerId: body.viewer.id, nickname: body.viewer.nickname };
}

export async function viewerSignIn(t: TestApp, nickname: string, password = VIEWER_PASSWORD): Promise<ViewerSession> {
  const res = await t.app.inject({ method: 'POST', url: '/api/viewer/signin', remoteAddress: nextIp(), payload: { nickname, password } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ viewer: { id: string; nickname: string }; csrfToken: string }>();
  return { cookie: cookieFrom(res, 'onair_viewer'), csrf: body.csrfToken, viewerId: body.viewer.id, nickname: body.viewer.nickname };
}

/** A new console session for an existing member (unlike t.signInAs, never cached). */
export async function teamSignIn(t: TestApp, email: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await t.app.inject({ method: 'POST', url: '/api/console/auth/signin', remoteAddress: nextIp(), payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ member: { id: string; email: string }; csrfToken: string }>();
  return { cookie: cookieFrom(res, 'onair_team'), csrf: body.csrfToken, memberId: body.member.id, email: body.member.email };
}

/** Cookie, plus the CSRF header on writes. */
export function authHeaders(method: string, s: { cookie: string; csrf: string } | null): Record<string, string> {
  if (!s) return {};
  return method === 'GET' || method === 'HEAD' ? { cookie: s.cookie } : { cookie: s.cookie, 'x-csrf-token': s.csrf };
}

export function withQuery(url: string, query: Record<string, string | string[]> | undefined): string {
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

/** Sends a fixture's valid request with the given session. */
export function sendValid(t: TestApp, method: string, req: ValidRequest, session: { cookie: string; csrf: string } | null): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: method as HTTPMethods,
    url: withQuery(req.url, req.query),
    remoteAddress: nextIp(),
    headers: { ...authHeaders(method, session), ...(req.headers ?? {}) },
    ...(req.body !== undefined ? { payload: req.body } : {}),
  });
}

/** Asserts the standard error body and returns it. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): ApiErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(status);
  const parsed = apiErrorSchema.safeParse(res.json());
  if (!parsed.success) return expect.fail(`error body has the standard shape: ${res.body}`);
  expect(parsed.data.error.code, res.body).toBe(code);
  return parsed.data.error;
}

// --- the registered routes and their schemas ---------------------------------------------

export interface JsonSchema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  maxItems?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}
export interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}
export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
export type OpenApiPaths = Record<string, Record<string, OpenApiOperation>>;

export interface RoutePlan {
  routes: RouteAccessRecord[];
  paths: OpenApiPaths;
}

/**
 * The registered routes and their request schemas (as the OpenAPI document states them),
 * read from a throwaway SQLite app so suites can name one test per route and case at
 * collection time.
 */
export async function planRoutes(): Promise<RoutePlan> {
  const t = await createTestApp('sqlite');
  try {
    const spec = (await t.app.inject('/docs/json')).json<{ paths: OpenApiPaths }>();
    return { routes: [...t.routes], paths: spec.paths };
  } finally {
    await t.dispose();
  }
}

/** The OpenAPI operation of a route (`:id` becomes `{id}`), if documented. */
export function operationOf(plan: RoutePlan, r: RouteAccessRecord): OpenApiOperation | undefined {
  const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return plan.paths[path]?.[r.method.toLowerCase()];
}

// --- database snapshot ------------------------------------------------------------------------

const tableNames = new WeakMap<TestApp, Promise<string[]>>();

/** Every row of every table of this app's database, to prove a request (or a batch) wrote nothing. */
export async function snapshotDatabase(t: TestApp): Promise<Record<string, string[]>> {
  // What the analytics pipeline does in the background (events stored in batches, the report of
  // a session that ended) lands first, so a snapshot shows what requests wrote, whenever it lands.
  await t.services.analytics.settle();
  const db = t.database.db;
  let names = tableNames.get(t);
  if (!names) {
    names = db.introspection
      .getTables()
      .then((all) => all.filter((x) => (t.database.schema === null || x.schema === t.database.schema) && !x.name.startsWith('kysely_')).map((x) => x.name).sort());
    tableNames.set(t, names);
  }
  const tables = await names;
  const out: Record<string, string[]> = {};
  for (const name of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}
