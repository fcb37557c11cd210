import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TeamRole } from '../../src/contracts/roles.contract.js';
import { buildApp, type OnairApp } from '../../src/server/app.js';
import { loadConfig, type AppConfig } from '../../src/server/config/config.js';
import { fixedClock } from '../../src/server/platform/clock.js';
import { systemCtx } from '../../src/server/platform/context.js';
import type { DialectName } from '../../src/server/platform/db/database.js';
import { openTestDatabase, type TestDatabase } from './test-databases.js';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestApp extends OnairApp {
  testDb: TestDatabase;
  config: AppConfig;
  clock: ReturnType<typeof fixedClock>;
  /** Creates (once) a member holding exactly `roles` and returns a signed-in cookie + csrf. */
  signInAs(roles: TeamRole[]): Promise<Session>;
  /** Cleans up app and database. */
  dispose(): Promise<void>;
}

export interface Session {
  cookie: string;
  csrf: string;
  memberId: string;
  email: string;
}

export function cookieFrom(res: LightMyRequestResponse, name: string): string {
  const c = res.cookies.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name} cookie in response (status ${res.statusCode}: ${res.body})`);
  return `${name}=${c.value}`;
}

export async function createTestApp(dialect: DialectName, overrides: Partial<Record<keyof AppConfig, string | number>> = {}): Promise<TestApp> {
  const testDb = await openTestDatabase(dialect);
  const config = loadConfig({ env: {}, file: '/nonexistent/onair.config.json', overrides: { ...testDb.overrides, logLevel: 'silent', ...overrides } });
  const clock = fixedClock(new Date('2026-11-26T08:00:00.000Z'));
  const onair = await buildApp({ config, database: testDb.database, migrate: false, logger: false, clock });
  await onair.app.ready();
  const sessions = new Map<string, Session>();
  return {
    ...onair,
    clock,
    testDb,
    config,
    async signInAs(roles) {
      const key = [...roles].sort().join('+');
      const cached = sessions.get(key);
      if (cached) return cached;
      const email = `${key.replace(/\+/g, '.')}@test.onair.local`;
      const member = await onair.services.team.create(systemCtx('test'), { email, displayName: `Test ${key}`, roles, password: TEST_PASSWORD });
      const res = await onair.app.inject({ method: 'POST', url: '/api/console/auth/signin', payload: { email, password: TEST_PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      const s = { cookie: cookieFrom(res, 'onair_team'), csrf: (res.json() as { csrfToken: string }).csrfToken, memberId: member.id, email };
      sessions.set(key, s);
      return s;
    },
    async dispose() {
      await onair.close();
      await testDb.drop();
    },
  };
}
