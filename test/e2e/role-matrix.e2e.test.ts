import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOf, teamRoles, type TeamRole } from '../../src/contracts/roles.contract.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import {
  expectError,
  fixtureEnv,
  nextIp,
  planRoutes,
  routeFixtures,
  routeKey,
  sendValid,
  snapshotDatabase,
  teamSignIn,
  viewerSignUp,
  withQuery,
  type FixtureEnv,
  type ViewerSession,
} from './route-fixtures.js';

/**
 * Every team role alone against every console route, with a valid request: the route's
 * permission (and, for session transitions, the move's own permission) decides between
 * success and 403 FORBIDDEN. Refused requests must leave every table unchanged. Then the
 * ways in that are never enough: no cookie, a viewer cookie, a missing or foreign CSRF token.
 */

const plan = await planRoutes();
const consoleRoutes = plan.routes.filter((r) => r.url.startsWith('/api/console/') && r.access.kind === 'team');
const consoleWrites = consoleRoutes.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');

describe.each(dialects())('role matrix on %s', (dialect) => {
  let t: TestApp;
  let env: FixtureEnv;
  let viewer: ViewerSession;
  const sessions = new Map<TeamRole, Session>();
  const sessionOf = (role: TeamRole): Session => {
    const s = sessions.get(role);
    if (!s) throw new Error(`no session for ${role}`);
    return s;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    env = fixtureEnv(t);
    for (const role of teamRoles) sessions.set(role, await t.signInAs([role]));
    viewer = await viewerSignUp(t, 'Matrix viewer');
  });
  afterAll(async () => t?.dispose());

  it('every console route but sign-in requires a team member', () => {
    const other = plan.routes.filter((r) => r.url.startsWith('/api/console/') && r.access.kind !== 'team').map(routeKey);
    expect(other).toEqual(['POST /api/console/auth/signin']);
    expect(consoleRoutes.length).toBeGreaterThan(0);
  });

  for (const r of consoleRoutes) {
    const key = routeKey(r);
    const f = routeFixtures[key];
    if (!f) {
      it(`${key} has a valid example in route-fixtures.ts`, () => expect.fail(`add "${key}" to test/e2e/route-fixtures.ts`));
      continue;
    }
    const permission = r.access.kind === 'team' ? r.access.permission : null;

    describe(key, () => {
      for (const role of teamRoles) {
        const has = permissionsOf([role]);
        for (const c of f.cases) {
          const allowed = (permission === null || has.includes(permission)) && (c.needs === undefined || has.includes(c.needs));
          const label = f.cases.length > 1 ? `${key} (${c.name})` : key;
          it(`${role} × ${label} → ${allowed ? 'allowed' : '403 FORBIDDEN'}`, async () => {
            const own = sessionOf(role);
            const req = await c.build(env.forMember(own.memberId));
            const session = f.endsSession ? await teamSignIn(t, own.email) : own;
            if (allowed) {
              const res = await sendValid(t, r.method, req, session);
              expect(res.statusCode, res.body).toBe(req.status);
              expect(res.statusCode).toBeGreaterThanOrEqual(200);
              expect(res.statusCode).toBeLessThan(300);
            } else {
              const before = await snapshotDatabase(t);
              const res = await sendValid(t, r.method, req, session);
              expectError(res, 403, 'FORBIDDEN');
              expect(await snapshotDatabase(t), 'a refused request writes nothing').toEqual(before);
            }
          });
        }
      }

      it(`anonymous × ${key} → 401 UNAUTHENTICATED`, async () => {
        const req = await f.cases[0].build(env);
        const before = await snapshotDatabase(t);
        expectError(await sendValid(t, r.method, req, null), 401, 'UNAUTHENTICATED');
        expect(await snapshotDatabase(t)).toEqual(before);
      });

      it(`viewer cookie × ${key} → 401 UNAUTHENTICATED`, async () => {
        const req = await f.cases[0].build(env);
        const before = await snapshotDatabase(t);
        expectError(await sendValid(t, r.method, req, viewer), 401, 'UNAUTHENTICATED');
        expect(await snapshotDatabase(t)).toEqual(before);
      });
    });
  }

  describe('CSRF on console writes', () => {
    for (const r of consoleWrites) {
      const key = routeKey(r);
      const f = routeFixtures[key];
      if (!f) continue;
      const variants: { name: string; header: (owner: Session) => Record<string, string> }[] = [
        { name: 'no x-csrf-token', header: () => ({}) },
        { name: 'a wrong x-csrf-token', header: () => ({ 'x-csrf-token': 'not-the-token-of-this-session-00000' }) },
        { name: 'the x-csrf-token of another session', header: () => ({ 'x-csrf-token': sessionOf('admin').csrf }) },
        { name: 'an empty x-csrf-token', header: () => ({ 'x-csrf-token': '' }) },
      ];
      for (const v of variants) {
        it(`owner × ${key} with ${v.name} → 403 CSRF`, async () => {
          const owner = sessionOf('owner');
          const req = await f.cases[0].build(env);
          const before = await snapshotDatabase(t);
          const res = await t.app.inject({
            method: r.method as HTTPMethods,
            url: withQuery(req.url, req.query),
            remoteAddress: nextIp(),
            headers: { cookie: owner.cookie, ...v.header(owner) },
            ...(req.body !== undefined ? { payload: req.body } : {}),
          });
          expectError(res, 403, 'CSRF');
          expect(await snapshotDatabase(t), 'a refused request writes nothing').toEqual(before);
        });
      }
    }

    it('the owner session survived every refused write', async () => {
      const res = await t.app.inject({ url: '/api/console/auth/me', headers: { cookie: sessionOf('owner').cookie } });
      expect(res.statusCode, res.body).toBe(200);
    });
  });
});
