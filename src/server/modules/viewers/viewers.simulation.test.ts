import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';

/** ViewersService.createSimulated on a real database: flagged accounts, working sessions, audited, all or nothing. */
describe.each(dialects())('simulated viewers on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  const teamCtx = (permissions: ('analytics:simulate' | 'analytics:read')[]): Ctx => ({
    actor: { kind: 'team', id: 'm1', displayName: 'Sim operator', roles: ['owner'], permissions, sessionId: 's1' },
    requestId: 'req-sim',
    ip: '127.0.0.1',
  });

  it('creates flagged accounts named sim-<label>-0001.. with a session each, audited; nobody can sign in with a password', async () => {
    const made = await t.services.viewers.createSimulated(teamCtx(['analytics:simulate']), { count: 3, label: 'demo1' }, t.services.audit, 'OnairSimulator/1');
    expect(made.label).toBe('demo1');
    expect(made.viewers.map((v) => v.nickname)).toEqual(['sim-demo1-0001', 'sim-demo1-0002', 'sim-demo1-0003']);
    const rows = await t.database.db.selectFrom('viewers').select(['id', 'nickname', 'simulated', 'status', 'is_demo']).where('nickname', 'like', 'sim-demo1-%').orderBy('nickname').execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ simulated: 1, status: 'active', is_demo: 0 });

    for (const v of made.viewers) {
      const found = await t.services.auth.resolve('viewer', v.token);
      expect(found?.actor).toMatchObject({ kind: 'viewer', id: v.id, nickname: v.nickname });
      expect(found?.csrfToken).toBe(v.csrfToken);
    }
    const me = await t.app.inject({ method: 'GET', url: '/api/viewer/me', cookies: { onair_viewer: made.viewers[0]!.token } });
    expect(me.statusCode, me.body).toBe(200);
    const ua = await t.database.db.selectFrom('auth_sessions').select('user_agent').where('principal_id', '=', made.viewers[0]!.id).executeTakeFirstOrThrow();
    expect(ua.user_agent).toBe('OnairSimulator/1');

    const signin = await t.app.inject({ method: 'POST', url: '/api/viewer/signin', remoteAddress: '10.9.9.9', payload: { nickname: 'sim-demo1-0001', password: '!simulated-no-password' } });
    expect(signin.statusCode).toBe(401);

    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'viewers.simulated_created').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.after_json!)).toEqual({ label: 'demo1', count: 3, first: 'sim-demo1-0001', last: 'sim-demo1-0003' });
    expect(audit[0]!.after_json).not.toContain(made.viewers[0]!.token);
  });

  it('a label used before is a 409 LABEL_TAKEN and writes nothing', async () => {
    const before = await t.database.db.selectFrom('viewers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const sessionsBefore = await t.database.db.selectFrom('auth_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const err = await t.services.viewers.createSimulated(teamCtx(['analytics:simulate']), { count: 5, label: 'demo1' }, t.services.audit, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('LABEL_TAKEN');
    expect((err as AppError).status).toBe(409);
    const after = await t.database.db.selectFrom('viewers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const sessionsAfter = await t.database.db.selectFrom('auth_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(Number(sessionsAfter.n)).toBe(Number(sessionsBefore.n));
  });

  it('needs analytics:simulate', async () => {
    const err = await t.services.viewers.createSimulated(teamCtx(['analytics:read']), { count: 1, label: 'nope' }, t.services.audit, null).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('FORBIDDEN');
  });

  it('makes 2,000 at once (multi-row inserts, no password hashing) in well under a few seconds', async () => {
    const started = Date.now();
    const made = await t.services.viewers.createSimulated(systemCtx('test'), { count: 2000 }, t.services.audit, null);
    expect(made.viewers).toHaveLength(2000);
    expect(made.label).toMatch(/^r[0-9a-z]+$/);
    expect(made.viewers[1999]!.nickname).toBe(`sim-${made.label}-2000`);
    expect(new Set(made.viewers.map((v) => v.token)).size).toBe(2000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
