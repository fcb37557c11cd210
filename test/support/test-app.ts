import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TeamRole } from '../../src/contracts/roles.contract.js';
import { buildApp, type OnairApp } from '../../src/server/app.js';
import { loadConfig, type AppConfig } from '../../src/server/config/config.js';
import { fixedClock } from '../../src/server/platform/clock.js';
import { systemCtx } from '../../src/server/platform/context.js';
import type { DialectName } from '../../src/server/platform/db/database.js';
import type { AnalyticsSink } from '../../src/server/modules/analytics/analytics.sink.js';
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

export interface TestAppOptions {
  /**
   * A clock that follows real time (still with advance/set, which shift it). The live room's
   * ticks, presence and stats run on the clock, so realtime tests need it.
   */
  realClock?: boolean;
  /** Build on this already open database instead of a fresh one (a second node); dispose leaves it to its owner. */
  database?: TestDatabase;
  /** The node id of this app (buildApp option); default random. */
  nodeId?: string;
  /** Where modules record analytics events (a recording sink: test/support/recording-sink.ts). */
  analyticsSink?: AnalyticsSink;
}

/** Real time, shifted by advance/set: same shape as fixedClock. */
export function liveClock(): ReturnType<typeof fixedClock> {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => {
      offset += ms;
    },
    set: (d: Date) => {
      offset = d.getTime() - Date.now();
    },
  };
}

export async function createTestApp(dialect: DialectName, overrides: Partial<Record<keyof AppConfig, string | number>> = {}, opts: TestAppOptions = {}): Promise<TestApp> {
  const testDb = opts.database ?? (await openTestDatabase(dialect));
  const config = loadConfig({ env: {}, file: '/nonexistent/onair.config.json', overrides: { ...testDb.overrides, logLevel: 'silent', rtmpPort: 0, ...overrides } });
  const clock = opts.realClock ? liveClock() : fixedClock(new Date('2026-11-26T08:00:00.000Z'));
  const onair = await buildApp({ config, database: testDb.database, migrate: false, logger: false, clock, ...(opts.nodeId ? { nodeId: opts.nodeId } : {}), ...(opts.analyticsSink ? { analyticsSink: opts.analyticsSink } : {}) });
  await onair.app.ready();
  const sessions = new Map<string, Session>();
  // close() may be called by a test (graceful shutdown) and again by dispose().
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= onair.close());
  return {
    ...onair,
    close,
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
      await close();
      if (!opts.database) await testDb.drop();
    },
  };
}
