import type { HTTPMethods, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicSessionSchema } from '../../src/contracts/api.contract.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import {
  expectError,
  fixtureEnv,
  makeLiveSession,
  nextIp,
  routeFixtures,
  routeKey,
  VIEWER_PASSWORD,
  viewerSignIn,
  viewerSignUp,
  withQuery,
  type FixtureEnv,
} from './route-fixtures.js';

const signUp = (t: TestApp, nickname: string, password = VIEWER_PASSWORD): Promise<LightMyRequestResponse> =>
  t.app.inject({ method: 'POST', url: '/api/viewer/signup', remoteAddress: nextIp(), payload: { nickname, password } });
const signIn = (t: TestApp, nickname: string, password: string, ip = nextIp()): Promise<LightMyRequestResponse> =>
  t.app.inject({ method: 'POST', url: '/api/viewer/signin', remoteAddress: ip, payload: { nickname, password } });
const viewerMe = (t: TestApp, cookie: string): Promise<LightMyRequestResponse> => t.app.inject({ url: '/api/viewer/me', headers: { cookie } });
const tokenOf = (cookie: string): string => cookie.slice(cookie.indexOf('=') + 1);

/** A request to any route that needs no valid input to be refused at the door. */
const concrete = (url: string): string => url.replace(/:[A-Za-z0-9_]+/g, 'some-id');

describe.each(dialects())('viewer auth on %s', (dialect) => {
  let t: TestApp;
  let env: FixtureEnv;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    env = fixtureEnv(t);
  });
  afterAll(async () => t?.dispose());

  it('sign-up creates the viewer, sets an HttpOnly SameSite=Lax onair_viewer cookie and signs in', async () => {
    const res = await signUp(t, ' Lily ');
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ viewer: { id: string; nickname: string }; csrfToken: string }>();
    expect(body.viewer.nickname).toBe('Lily');
    expect(res.body).not.toMatch(/password|argon2/i);
    const raw = res.headers['set-cookie'];
    const line = (Array.isArray(raw) ? raw : [raw ?? '']).find((l) => l.startsWith('onair_viewer='));
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    const cookie = res.cookies.find((c) => c.name === 'onair_viewer');
    expect(cookie?.expires?.getTime()).toBe(t.clock.now().getTime() + t.config.viewerSessionDays * 86_400_000);

    const me = await viewerMe(t, `onair_viewer=${cookie?.value}`);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toEqual({ viewer: body.viewer, csrfToken: body.csrfToken });
  });

  it('a nickname is taken whatever its case, surrounding spaces or width: 409 NICKNAME_TAKEN on body.nickname', async () => {
    expect((await signUp(t, 'Mira')).statusCode).toBe(201);
    const before = await t.database.db.selectFrom('viewers').select('id').execute();
    for (const nickname of ['mira', 'MIRA', '  mIrA ', 'Ｍｉｒａ']) {
      const res = await signUp(t, nickname, 'another-password');
      const err = expectError(res, 409, 'NICKNAME_TAKEN');
      expect(err.issues).toEqual([{ path: 'body.nickname', message: expect.any(String) }]);
      expect(res.headers['set-cookie'], `no cookie for ${nickname}`).toBeUndefined();
    }
    expect(await t.database.db.selectFrom('viewers').select('id').execute()).toHaveLength(before.length);
  });

  it('sign-in: right password works in any case; wrong password and unknown nickname get the same 401', async () => {
    const v = await viewerSignUp(t, 'Noor');
    const ok = await signIn(t, 'NOOR', VIEWER_PASSWORD);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ viewer: { id: v.viewerId, nickname: 'Noor' } });
    expect(ok.cookies.find((c) => c.name === 'onair_viewer')?.httpOnly).toBe(true);
    const wrong = expectError(await signIn(t, 'Noor', 'not-the-password'), 401, 'INVALID_CREDENTIALS');
    const unknown = expectError(await signIn(t, 'Nobody here', VIEWER_PASSWORD), 401, 'INVALID_CREDENTIALS');
    expect(unknown.message).toBe(wrong.message);
  });

  it('too many failed viewer sign-ins lock the nickname (429 SIGNIN_LOCKED)', async () => {
    await viewerSignUp(t, 'Locked viewer');
    for (let i = 0; i < t.config.signinMaxFailures; i++) expectError(await signIn(t, 'Locked viewer', `wrong-${i}`), 401, 'INVALID_CREDENTIALS');
    const res = await signIn(t, 'locked VIEWER', VIEWER_PASSWORD);
    const err = expectError(res, 429, 'SIGNIN_LOCKED');
    expect(res.headers['retry-after']).toBe(String(err.retryAfterSeconds));
  });

  it('GET /api/viewer/me needs a viewer session', async () => {
    expectError(await t.app.inject({ url: '/api/viewer/me' }), 401, 'UNAUTHENTICATED');
    expectError(await viewerMe(t, 'onair_viewer=forged-token-that-is-long-enough-to-look-up'), 401, 'UNAUTHENTICATED');
  });

  it('sign-out needs the x-csrf-token header (403 CSRF), then revokes the session', async () => {
    const v = await viewerSignUp(t, 'Omar');
    const out = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/viewer/signout', headers: { cookie: v.cookie, ...headers } });
    expectError(await out({}), 403, 'CSRF');
    expectError(await out({ 'x-csrf-token': 'wrong-token-wrong-token' }), 403, 'CSRF');
    expect((await viewerMe(t, v.cookie)).statusCode, 'still signed in after the refused sign-outs').toBe(200);

    const res = await out({ 'x-csrf-token': v.csrf });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.cookies.find((c) => c.name === 'onair_viewer')?.value).toBe('');
    expectError(await viewerMe(t, v.cookie), 401, 'UNAUTHENTICATED');
    // Signing in again gives a new, working session.
    const again = await viewerSignIn(t, 'Omar');
    expect((await viewerMe(t, again.cookie)).statusCode).toBe(200);
  });

  it('a viewer cookie never reaches a console route (401), whatever the cookie name', async () => {
    const v = await viewerSignUp(t, 'Console tourist');
    const team = t.routes.filter((r) => r.access.kind === 'team');
    expect(team.length).toBeGreaterThan(0);
    for (const cookie of [v.cookie, `onair_team=${tokenOf(v.cookie)}`]) {
      for (const r of team) {
        const res = await t.app.inject({
          method: r.method as HTTPMethods,
          url: concrete(r.url),
          headers: { cookie, 'x-csrf-token': v.csrf },
          ...(r.method === 'GET' ? {} : { payload: {} }),
        });
        expect(res.statusCode, `${routeKey(r)} with ${cookie.split('=')[0]}: ${res.body}`).toBe(401);
        expect(res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      }
    }
  });

  it('a team cookie does not act as a viewer (401), whatever the cookie name', async () => {
    const member = await t.signInAs(['owner']);
    expect((await t.app.inject({ url: '/api/console/auth/me', headers: { cookie: member.cookie } })).statusCode, 'the team cookie itself works').toBe(200);
    for (const cookie of [member.cookie, `onair_viewer=${tokenOf(member.cookie)}`]) {
      expectError(await viewerMe(t, cookie), 401, 'UNAUTHENTICATED');
      expectError(await t.app.inject({ method: 'POST', url: '/api/viewer/signout', headers: { cookie, 'x-csrf-token': member.csrf } }), 401, 'UNAUTHENTICATED');
    }
    expect((await t.app.inject({ url: '/api/console/auth/me', headers: { cookie: member.cookie } })).statusCode, 'and was not signed out').toBe(200);
  });

  it('public GET /api/live/:id shows scheduled and live public or unlisted sessions; drafts, private and unknown ids are 404', async () => {
    const scheduled = await makeLiveSession(t, { status: 'scheduled', visibility: 'public', title: 'Public launch' });
    const unlisted = await makeLiveSession(t, { status: 'scheduled', visibility: 'unlisted' });
    const live = await makeLiveSession(t, { status: 'live', visibility: 'public' });
    const draft = await makeLiveSession(t, { status: 'draft', visibility: 'public' });
    const hidden = await makeLiveSession(t, { status: 'scheduled', visibility: 'private' });
    const hiddenLive = await makeLiveSession(t, { status: 'live', visibility: 'private' });

    const res = await t.app.inject({ url: `/api/live/${scheduled.id}` });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort(), 'only the public fields').toEqual(Object.keys(publicSessionSchema.shape).sort());
    expect(body).toMatchObject({ id: scheduled.id, title: 'Public launch', status: 'scheduled', scheduledStart: scheduled.scheduledStart });
    expect((await t.app.inject({ url: `/api/live/${unlisted.id}` })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/live/${live.id}` })).json()).toMatchObject({ status: 'live' });

    for (const id of [draft.id, hidden.id, hiddenLive.id, 'no-such-session']) {
      expectError(await t.app.inject({ url: `/api/live/${id}` }), 404, 'NOT_FOUND');
    }
    // Signed-in viewers and team members see exactly the same.
    const v = await viewerSignUp(t, 'Live watcher');
    const owner = await t.signInAs(['owner']);
    for (const cookie of [v.cookie, owner.cookie]) {
      expectError(await t.app.inject({ url: `/api/live/${draft.id}`, headers: { cookie } }), 404, 'NOT_FOUND');
      expect((await t.app.inject({ url: `/api/live/${scheduled.id}`, headers: { cookie } })).json()).toEqual(body);
    }
  });

  // Last: it moves the clock a week ahead (and back).
  it('a guest token verifies, rejects tampering, gives no viewer or team access, and expires', async () => {
    const start = t.clock.now();
    const res = await t.app.inject({ method: 'POST', url: '/api/viewer/guest', remoteAddress: nextIp() });
    expect(res.statusCode, res.body).toBe(200);
    const { guestToken, guestId, expiresAt } = res.json<{ guestToken: string; guestId: string; expiresAt: string }>();
    expect(Date.parse(expiresAt)).toBeGreaterThan(start.getTime());
    expect(t.services.auth.verifyGuest(guestToken)).toEqual({ kind: 'guest', guestId });

    const [prefix, id, exp, sig] = guestToken.split('.') as [string, string, string, string];
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
    const tampered = [
      `${prefix}.${id}.${exp}.${flip(sig)}`,
      `${prefix}.${flip(id)}.${exp}.${sig}`,
      `${prefix}.${id}.${Number(exp) + 86_400_000}.${sig}`,
      `g2.${id}.${exp}.${sig}`,
      `${prefix}.${id}.${exp}`,
      'not-a-token',
      '',
    ];
    for (const bad of tampered) expect(t.services.auth.verifyGuest(bad), bad).toBeNull();

    // A guest is neither a viewer nor a team member.
    expectError(await t.app.inject({ url: '/api/viewer/me', headers: { 'x-guest-token': guestToken } }), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ url: '/api/console/auth/me', headers: { 'x-guest-token': guestToken } }), 401, 'UNAUTHENTICATED');

    // Audience routes (a viewer or a guest may watch) accept the header; none may exist yet.
    const audience = t.routes.filter((r) => r.access.kind === 'audience');
    const sendAudience = async (token: string) => {
      const out: { key: string; res: LightMyRequestResponse; status: number }[] = [];
      for (const r of audience) {
        const f = routeFixtures[routeKey(r)];
        expect(f, `add "${routeKey(r)}" to route-fixtures.ts`).toBeDefined();
        if (!f) continue;
        const req = await f.cases[0].build(env);
        const res = await t.app.inject({
          method: r.method as HTTPMethods,
          url: withQuery(req.url, req.query),
          remoteAddress: nextIp(),
          headers: { 'x-guest-token': token },
          ...(req.body !== undefined ? { payload: req.body } : {}),
        });
        out.push({ key: routeKey(r), res, status: req.status });
      }
      return out;
    };
    for (const { key, res: r, status } of await sendAudience(guestToken)) expect(r.statusCode, `${key}: ${r.body}`).toBe(status);
    for (const { res: r } of await sendAudience(tampered[0] ?? '')) expectError(r, 401, 'UNAUTHENTICATED');

    try {
      t.clock.set(new Date(Date.parse(expiresAt) - 1000));
      expect(t.services.auth.verifyGuest(guestToken), 'valid until it expires').toEqual({ kind: 'guest', guestId });
      t.clock.set(new Date(Date.parse(expiresAt) + 1000));
      expect(t.services.auth.verifyGuest(guestToken), 'expired').toBeNull();
      for (const { res: r } of await sendAudience(guestToken)) expectError(r, 401, 'UNAUTHENTICATED');
    } finally {
      t.clock.set(start);
    }
  });
});
