import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOf, type TeamRole } from '../../src/contracts/roles.contract.js';
import { systemCtx } from '../../src/server/platform/context.js';
import { testRedisUrl } from '../support/capabilities.js';
import { need } from '../support/need.js';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { expectError, nextIp, teamSignIn } from './route-fixtures.js';

interface AuditItem {
  id: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

let seq = 0;
const uniqueEmail = (label: string): string => `${label}-${++seq}-${randomBytes(3).toString('hex')}@test.onair.local`;

function signIn(t: TestApp, email: string, password: string, ip: string): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/console/auth/signin', remoteAddress: ip, payload: { email, password } });
}

async function addMember(t: TestApp, label: string, roles: TeamRole[] = ['analyst']): Promise<{ id: string; email: string }> {
  const m = await t.services.team.create(systemCtx('test'), { email: uniqueEmail(label), displayName: `Member ${label}`, roles, password: TEST_PASSWORD });
  return { id: m.id, email: m.email };
}

const me = (t: TestApp, s: { cookie: string }): Promise<LightMyRequestResponse> => t.app.inject({ url: '/api/console/auth/me', headers: { cookie: s.cookie } });

function setCookieLine(res: LightMyRequestResponse, name: string): string {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const line = lines.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} in set-cookie: ${JSON.stringify(raw)}`);
  return line;
}

describe.each(dialects())('team auth on %s', (dialect) => {
  let t: TestApp;
  let owner: Session;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = await t.signInAs(['owner']);
  });
  afterAll(async () => t?.dispose());

  const ownerWrite = (method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>, s: Session = owner) =>
    t.app.inject({ method, url, remoteAddress: nextIp(), headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload });

  it('sign-in sets an HttpOnly SameSite=Lax onair_team cookie and returns the member and a CSRF token', async () => {
    const m = await addMember(t, 'signin', ['planner']);
    const res = await signIn(t, m.email.toUpperCase(), TEST_PASSWORD, nextIp());
    expect(res.statusCode, res.body).toBe(200);
    const line = setCookieLine(res, 'onair_team');
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(/;\s*Path=\//i);
    expect(line, 'not Secure without an https public URL').not.toMatch(/;\s*Secure/i);
    const cookie = res.cookies.find((c) => c.name === 'onair_team');
    // The hint the audience pages read (team latency readout): readable by scripts, no secret in it.
    const hint = setCookieLine(res, 'onair_team_hint');
    expect(hint).toMatch(/^onair_team_hint=1;/);
    expect(hint).not.toMatch(/;\s*HttpOnly/i);
    expect(cookie?.expires?.getTime()).toBe(t.clock.now().getTime() + t.config.teamSessionHours * 3600_000);
    const body = res.json<{ member: { id: string; email: string; roles: string[]; permissions: string[] }; csrfToken: string }>();
    expect(body.member).toMatchObject({ id: m.id, email: m.email, roles: ['planner'], permissions: permissionsOf(['planner']) });
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(16);
    expect(res.body).not.toMatch(/password|argon2/i);

    const check = await me(t, { cookie: `onair_team=${cookie?.value}` });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json()).toMatchObject({ member: { id: m.id }, csrfToken: body.csrfToken });
  });

  it('wrong password, unknown e-mail and a disabled account all get the same 401 INVALID_CREDENTIALS', async () => {
    const m = await addMember(t, 'creds');
    const disabled = await addMember(t, 'creds-disabled');
    await t.services.team.update(systemCtx('test'), disabled.id, { status: 'disabled' });
    const wrong = await signIn(t, m.email, 'not-the-password', nextIp());
    const unknown = await signIn(t, uniqueEmail('nobody'), TEST_PASSWORD, nextIp());
    const off = await signIn(t, disabled.email, TEST_PASSWORD, nextIp());
    const errors = [wrong, unknown, off].map((res) => {
      expect(res.headers['set-cookie'], 'no cookie on failure').toBeUndefined();
      return expectError(res, 401, 'INVALID_CREDENTIALS');
    });
    expect(new Set(errors.map((e) => e.message)).size, 'one message for all, so accounts cannot be enumerated').toBe(1);
  });

  it(`locks an account after ONAIR_SIGNIN_MAX_FAILURES failures (429 SIGNIN_LOCKED + Retry-After), even with the right password, until the window passes`, async () => {
    const max = t.config.signinMaxFailures;
    const lockSeconds = t.config.signinLockMinutes * 60;
    const m = await addMember(t, 'lock');
    const ip = nextIp();
    for (let i = 1; i <= max; i++) expectError(await signIn(t, m.email, `wrong-${i}`, ip), 401, 'INVALID_CREDENTIALS');

    const locked = await signIn(t, m.email, TEST_PASSWORD, ip);
    const err = expectError(locked, 429, 'SIGNIN_LOCKED');
    expect(err.retryAfterSeconds).toBe(lockSeconds);
    expect(locked.headers['retry-after']).toBe(String(lockSeconds));
    expect(locked.headers['set-cookie']).toBeUndefined();
    // The lock is on the account, not the address.
    expectError(await signIn(t, m.email, TEST_PASSWORD, nextIp()), 429, 'SIGNIN_LOCKED');

    t.clock.advance(5 * 60_000);
    const later = expectError(await signIn(t, m.email, TEST_PASSWORD, ip), 429, 'SIGNIN_LOCKED');
    expect(later.retryAfterSeconds).toBe(lockSeconds - 5 * 60);

    t.clock.advance((lockSeconds - 5 * 60) * 1000 + 1000);
    const ok = await signIn(t, m.email, TEST_PASSWORD, ip);
    expect(ok.statusCode, ok.body).toBe(200);
    // A success clears the count: one new failure is a plain 401 again.
    expectError(await signIn(t, m.email, 'wrong-again', ip), 401, 'INVALID_CREDENTIALS');
  });

  it('an unknown e-mail locks the same way (no enumeration through the lockout)', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < t.config.signinMaxFailures; i++) expectError(await signIn(t, email, 'whatever-1', nextIp()), 401, 'INVALID_CREDENTIALS');
    const err = expectError(await signIn(t, email, 'whatever-1', nextIp()), 429, 'SIGNIN_LOCKED');
    expect(err.retryAfterSeconds).toBe(t.config.signinLockMinutes * 60);
  });

  it('sign-out revokes the session server-side (the old cookie gets 401)', async () => {
    const m = await addMember(t, 'signout');
    const s = await teamSignIn(t, m.email);
    const out = await t.app.inject({ method: 'POST', url: '/api/console/auth/signout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    expect(out.statusCode, out.body).toBe(204);
    const cleared = setCookieLine(out, 'onair_team');
    expect(cleared).toMatch(/^onair_team=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/i);
    expectError(await me(t, s), 401, 'UNAUTHENTICATED');
    expectError(await t.app.inject({ method: 'POST', url: '/api/console/auth/signout', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } }), 401, 'UNAUTHENTICATED');
    const rows = await t.database.db.selectFrom('auth_sessions').select(['revoked_at']).where('principal_id', '=', m.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.revoked_at).not.toBeNull();
  });

  it('disabling a member revokes all their sessions and blocks sign-in; re-enabling needs a new sign-in', async () => {
    const m = await addMember(t, 'disable', ['operator']);
    const s1 = await teamSignIn(t, m.email);
    const s2 = await teamSignIn(t, m.email);
    const res = await ownerWrite('PATCH', `/api/console/team/members/${m.id}`, { status: 'disabled' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: m.id, status: 'disabled' });
    expectError(await me(t, s1), 401, 'UNAUTHENTICATED');
    expectError(await me(t, s2), 401, 'UNAUTHENTICATED');
    expectError(await signIn(t, m.email, TEST_PASSWORD, nextIp()), 401, 'INVALID_CREDENTIALS');
    const live = await t.database.db.selectFrom('auth_sessions').select('id').where('principal_id', '=', m.id).where('revoked_at', 'is', null).execute();
    expect(live, 'no unrevoked session left').toEqual([]);

    expect((await ownerWrite('PATCH', `/api/console/team/members/${m.id}`, { status: 'active' })).statusCode).toBe(200);
    expectError(await me(t, s1), 401, 'UNAUTHENTICATED');
    expect((await signIn(t, m.email, TEST_PASSWORD, nextIp())).statusCode).toBe(200);
  });

  it('changing the password keeps this session, revokes the others, and swaps the password', async () => {
    const m = await addMember(t, 'password');
    const s1 = await teamSignIn(t, m.email);
    const s2 = await teamSignIn(t, m.email);
    const post = (s: Session, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/console/auth/password', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, payload: body });

    const wrong = expectError(await post(s1, { currentPassword: 'not-my-password', newPassword: 'brand-new-password-2' }), 400, 'VALIDATION');
    expect(wrong.issues?.map((i) => i.path)).toEqual(['body.currentPassword']);
    expect((await me(t, s2)).statusCode, 'a refused change revokes nothing').toBe(200);

    const ok = await post(s1, { currentPassword: TEST_PASSWORD, newPassword: 'brand-new-password-2' });
    expect(ok.statusCode, ok.body).toBe(204);
    expect((await me(t, s1)).statusCode).toBe(200);
    expectError(await me(t, s2), 401, 'UNAUTHENTICATED');
    expectError(await signIn(t, m.email, TEST_PASSWORD, nextIp()), 401, 'INVALID_CREDENTIALS');
    expect((await signIn(t, m.email, 'brand-new-password-2', nextIp())).statusCode).toBe(200);
  });

  it('the audit log records member creation and updates with before/after and never a password or hash', async () => {
    const email = uniqueEmail('audited');
    const password = 'audited-secret-password-9';
    const created = await ownerWrite('POST', '/api/console/team/members', { email, displayName: 'Audited', roles: ['planner'], password });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const updated = await ownerWrite('PATCH', `/api/console/team/members/${id}`, { displayName: 'Audited Renamed', roles: ['planner', 'analyst'] });
    expect(updated.statusCode, updated.body).toBe(200);
    const s = await teamSignIn(t, email, password);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/console/auth/password',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { currentPassword: password, newPassword: 'audited-secret-password-10' },
    });
    expect(changed.statusCode, changed.body).toBe(204);

    const res = await t.app.inject({ url: '/api/console/audit?limit=200', headers: { cookie: owner.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: AuditItem[] }>().items.filter((i) => i.targetId === id);
    const creation = items.find((i) => i.action === 'team.member_created');
    expect(creation).toMatchObject({
      actorKind: 'team',
      actorId: owner.memberId,
      targetType: 'team_member',
      before: null,
      after: { email, displayName: 'Audited', roles: ['planner'], status: 'active' },
      requestId: created.headers['x-request-id'],
    });
    const update = items.find((i) => i.action === 'team.member_updated');
    expect(update).toMatchObject({
      actorId: owner.memberId,
      before: { email, displayName: 'Audited', roles: ['planner'], status: 'active' },
      after: { email, displayName: 'Audited Renamed', status: 'active' },
      requestId: updated.headers['x-request-id'],
    });
    expect(((update?.after as { roles?: string[] } | undefined)?.roles ?? []).slice().sort()).toEqual(['analyst', 'planner']);
    expect(items.find((i) => i.action === 'team.password_changed')).toMatchObject({ actorId: id, before: null, after: null });

    // The raw JSON of the whole log: no password, no hash, not even a redacted password field.
    const hashes = (await t.database.db.selectFrom('team_members').select('password_hash').execute()).map((r) => r.password_hash);
    for (const secret of [password, 'audited-secret-password-10', TEST_PASSWORD, ...hashes]) expect(res.body.includes(secret), 'a secret in the audit log').toBe(false);
    expect(res.body).not.toMatch(/argon2|password_hash|passwordHash|"password"/i);

    expect((await t.app.inject({ url: '/api/console/audit', headers: { cookie: (await t.signInAs(['admin'])).cookie } })).statusCode).toBe(200);
    expectError(await t.app.inject({ url: '/api/console/audit', headers: { cookie: (await t.signInAs(['planner'])).cookie } }), 403, 'FORBIDDEN');
  });

  it('an admin cannot grant the owner role or change an owner (403), but may add an admin', async () => {
    const admin = await t.signInAs(['admin']);
    const target = await addMember(t, 'promote', ['cs']);
    const ownerEmail = uniqueEmail('would-be-owner');
    for (const roles of [['owner'], ['admin', 'owner']]) {
      expectError(await ownerWrite('POST', '/api/console/team/members', { email: ownerEmail, displayName: 'X', roles, password: 'long-enough-password' }, admin), 403, 'FORBIDDEN');
    }
    expectError(await ownerWrite('PATCH', `/api/console/team/members/${target.id}`, { roles: ['owner'] }, admin), 403, 'FORBIDDEN');
    expectError(await ownerWrite('PATCH', `/api/console/team/members/${owner.memberId}`, { displayName: 'Hijacked' }, admin), 403, 'FORBIDDEN');
    expectError(await ownerWrite('PATCH', `/api/console/team/members/${owner.memberId}`, { status: 'disabled' }, admin), 403, 'FORBIDDEN');

    expect(await t.services.team.store.findByEmail(ownerEmail)).toBeUndefined();
    expect((await t.services.team.store.findById(target.id))?.roles).toEqual(['cs']);
    expect((await me(t, owner)).json()).toMatchObject({ member: { roles: ['owner'], status: 'active' } });

    const ok = await ownerWrite('POST', '/api/console/team/members', { email: uniqueEmail('new-admin'), displayName: 'New admin', roles: ['admin'], password: 'long-enough-password' }, admin);
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('the last active owner cannot be disabled or demoted (409)', async () => {
    const second = await addMember(t, 'second-owner', ['owner']);
    const off = await ownerWrite('PATCH', `/api/console/team/members/${second.id}`, { status: 'disabled' });
    expect(off.statusCode, 'another owner may go while one remains').toBe(200);

    expect(expectError(await ownerWrite('PATCH', `/api/console/team/members/${owner.memberId}`, { status: 'disabled' }), 409, 'SELF_DISABLE').issues).toEqual([
      { path: 'body.status', message: expect.any(String) },
    ]);
    expectError(await ownerWrite('PATCH', `/api/console/team/members/${owner.memberId}`, { roles: ['admin'] }), 409, 'LAST_OWNER');
    await expect(t.services.team.update(systemCtx('test'), owner.memberId, { status: 'disabled' })).rejects.toMatchObject({ code: 'LAST_OWNER', status: 409 });

    const still = await me(t, owner);
    expect(still.statusCode, 'the refused change signed nobody out').toBe(200);
    expect(still.json()).toMatchObject({ member: { roles: ['owner'], status: 'active' } });
  });

  describe('per-IP lock across accounts', () => {
    let ti: TestApp;
    beforeAll(async () => {
      ti = await createTestApp(dialect, { signinIpMaxFailures: 3 });
    });
    afterAll(async () => ti?.dispose());

    it('locks an address after ONAIR_SIGNIN_IP_MAX_FAILURES failures on different accounts, for every account', async () => {
      const m = await addMember(ti, 'ip-victim');
      const ip = nextIp();
      for (let i = 0; i < 3; i++) expectError(await signIn(ti, uniqueEmail(`ip-${i}`), 'wrong-password', ip), 401, 'INVALID_CREDENTIALS');

      const locked = await signIn(ti, m.email, TEST_PASSWORD, ip);
      const err = expectError(locked, 429, 'SIGNIN_LOCKED');
      expect(err.message).toMatch(/network/i);
      expect(err.retryAfterSeconds).toBe(ti.config.signinLockMinutes * 60);
      expect(locked.headers['retry-after']).toBe(String(err.retryAfterSeconds));

      expect((await signIn(ti, m.email, TEST_PASSWORD, nextIp())).statusCode, 'another address is not locked').toBe(200);
      ti.clock.advance(ti.config.signinLockMinutes * 60_000 + 1000);
      expect((await signIn(ti, m.email, TEST_PASSWORD, ip)).statusCode, 'unlocked after the window').toBe(200);
    });
  });
});

describe.skipIf(!need('redis'))('team sign-in lockout with the Redis throttle', () => {
  // Unique e-mail and client address, so this run only touches keys it created.
  const email = `redis-${randomUUID()}@test.onair.local`;
  const randomIp = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  const ip = randomIp();
  let ip2 = randomIp();
  while (ip2 === ip) ip2 = randomIp();
  let t: TestApp;
  let other: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 2 });
    t = await createTestApp('sqlite', { redisUrl: testRedisUrl });
    other = await createTestApp('sqlite', { redisUrl: testRedisUrl });
    await t.services.team.create(systemCtx('test'), { email, displayName: 'Redis', roles: ['analyst'], password: TEST_PASSWORD });
  });
  afterAll(async () => {
    const keys = [`onair:throttle:n:team:acc:${email}`, `onair:throttle:l:team:acc:${email}`];
    for (const addr of [ip, ip2]) {
      keys.push(`onair:throttle:n:team:ip:${addr}`, `onair:throttle:l:team:ip:${addr}`);
      // Rate-limit counters for this client address (the plugin keys them by route and IP).
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `fastify-rate-limit-*-${addr}`, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
    }
    await redis.del(...keys);
    expect(await redis.exists(...keys)).toBe(0);
    redis.disconnect();
    await t?.dispose();
    await other?.dispose();
  });

  it('locks after ONAIR_SIGNIN_MAX_FAILURES failures, with the lock kept in Redis and shared by every node', async () => {
    for (let i = 0; i < t.config.signinMaxFailures; i++) expectError(await signIn(t, email, `wrong-${i}`, ip), 401, 'INVALID_CREDENTIALS');
    const locked = await signIn(t, email, TEST_PASSWORD, ip);
    const err = expectError(locked, 429, 'SIGNIN_LOCKED');
    const lockSeconds = t.config.signinLockMinutes * 60;
    expect(err.retryAfterSeconds).toBeGreaterThan(lockSeconds - 5);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(lockSeconds);
    expect(locked.headers['retry-after']).toBe(String(err.retryAfterSeconds));
    expect(await redis.pttl(`onair:throttle:l:team:acc:${email}`)).toBeGreaterThan(0);
    // A second node sharing Redis refuses too, before it even looks the account up.
    expectError(await signIn(other, email, TEST_PASSWORD, ip2), 429, 'SIGNIN_LOCKED');
  });
});
