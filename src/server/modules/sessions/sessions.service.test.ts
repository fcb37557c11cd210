import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import type { Ctx } from '../../platform/context.js';
import type { TeamRole } from '../../../contracts/roles.contract.js';
import { permissionsOf } from '../../../contracts/roles.contract.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});

describe.each(dialects())('SessionsService on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  it('walks the lifecycle, logs each transition and audits it', async () => {
    const planner = ctxOf(['planner']);
    const host = ctxOf(['host']);
    const s = await t.services.sessions.create(planner, { title: 'Double 12 warm-up', theme: 'festival', visibility: 'public', scheduledStart: '2026-12-01T12:00:00.000Z', plannedMinutes: 90 });
    expect(s.status).toBe('draft');
    expect((await t.services.sessions.transition(planner, s.id, 'scheduled')).status).toBe('scheduled');
    t.clock.advance(60_000);
    await expect(t.services.sessions.transition(planner, s.id, 'live')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await t.services.sessions.transition(host, s.id, 'live')).status).toBe('live');
    t.clock.advance(60_000);
    await expect(t.services.sessions.transition(host, s.id, 'scheduled')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect((await t.services.sessions.transition(host, s.id, 'ended')).status).toBe('ended');
    const log = await t.database.db.selectFrom('live_session_transitions').select(['from_status', 'to_status']).where('session_id', '=', s.id).orderBy('at').orderBy('id').execute();
    expect(log).toEqual([
      { from_status: 'draft', to_status: 'scheduled' },
      { from_status: 'scheduled', to_status: 'live' },
      { from_status: 'live', to_status: 'ended' },
    ]);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', s.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['session.created', 'session.ended', 'session.live', 'session.scheduled']);
  });

  it('lets exactly one of two racing go-live calls win', async () => {
    const op = ctxOf(['operator']);
    const s = await t.services.sessions.create(op, { title: 'Race', theme: 'other', visibility: 'public', plannedMinutes: 30 });
    const results = await Promise.allSettled([t.services.sessions.transition(op, s.id, 'live'), t.services.sessions.transition(op, s.id, 'live')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const log = await t.database.db.selectFrom('live_session_transitions').selectAll().where('session_id', '=', s.id).execute();
    expect(log).toHaveLength(1);
  });

  it('hides drafts and private sessions from the audience', async () => {
    const op = ctxOf(['operator']);
    const draft = await t.services.sessions.create(op, { title: 'Draft', theme: 'other', visibility: 'public', plannedMinutes: 30 });
    await expect(t.services.sessions.getPublic(draft.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const priv = await t.services.sessions.create(op, { title: 'Private', theme: 'other', visibility: 'private', plannedMinutes: 30 });
    await t.services.sessions.transition(op, priv.id, 'live');
    await expect(t.services.sessions.getPublic(priv.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const pub = await t.services.sessions.create(op, { title: 'Public', theme: 'launch', visibility: 'unlisted', plannedMinutes: 30 });
    await t.services.sessions.transition(op, pub.id, 'live');
    expect(await t.services.sessions.getPublic(pub.id)).toMatchObject({ title: 'Public', status: 'live' });
  });

  it('pages the list by cursor without gaps or repeats', async () => {
    const op = ctxOf(['operator']);
    for (let i = 0; i < 5; i++) await t.services.sessions.create(op, { title: `Page ${i}`, theme: 'other', visibility: 'public', plannedMinutes: 30 });
    const all = (await t.services.sessions.list(op, { limit: 200 })).items.map((s) => s.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.services.sessions.list(op, { limit: 2, cursor });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
  });
});

describe.each(dialects())('session details on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

  it('private sessions need their invite code, which can be rotated', async () => {
    const op = ctxOf(['operator']);
    const s = await t.services.sessions.create(op, { title: 'VIP preview', theme: 'launch', visibility: 'private', plannedMinutes: 30 });
    expect(s.inviteCode).toMatch(/^[A-Z2-9]{10}$/);
    await t.services.sessions.transition(op, s.id, 'live');
    await expect(t.services.sessions.getPublic(s.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(t.services.sessions.getPublic(s.id, 'WRONGCODE1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.services.sessions.getPublic(s.id, s.inviteCode!.toLowerCase())).title).toBe('VIP preview');
    const rotated = await t.services.sessions.rotateInvite(op, s.id);
    expect(rotated.inviteCode).not.toBe(s.inviteCode);
    await expect(t.services.sessions.getPublic(s.id, s.inviteCode!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const pub = await t.services.sessions.create(op, { title: 'Open', theme: 'other', visibility: 'public', plannedMinutes: 30 });
    expect(pub.inviteCode).toBeNull();
    await expect(t.services.sessions.rotateInvite(op, pub.id)).rejects.toMatchObject({ code: 'NOT_PRIVATE' });
  });

  it('stores a cover image after checking it really is one, and serves it by URL', async () => {
    const op = ctxOf(['operator']);
    const s = await t.services.sessions.create(op, { title: 'Covered', theme: 'other', visibility: 'public', plannedMinutes: 30 });
    await expect(t.services.sessions.setCover(op, s.id, 'image/png', Buffer.from('not an image at all').toString('base64'))).rejects.toMatchObject({ code: 'COVER_NOT_IMAGE' });
    const withCover = await t.services.sessions.setCover(op, s.id, 'image/png', png.toString('base64'));
    // The team sees a draft's cover at the console address; the audience only once it is public.
    expect(withCover.coverUrl).toMatch(new RegExp(`^/api/console/sessions/${s.id}/cover\\?v=[a-f0-9]{16}$`));
    const owner = await t.signInAs(['owner']);
    expect((await t.app.inject({ url: withCover.coverUrl!, headers: { cookie: owner.cookie } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/live/${s.id}/cover` })).statusCode).toBe(404);
    await t.services.sessions.transition(op, s.id, 'live');
    const publicUrl = (await t.services.sessions.getPublic(s.id)).coverUrl!;
    expect(publicUrl).toMatch(new RegExp(`^/api/live/${s.id}/cover\\?v=[a-f0-9]{16}$`));
    const res = await t.app.inject({ url: publicUrl });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.equals(png)).toBe(true);
    const again = await t.app.inject({ url: publicUrl, headers: { 'if-none-match': res.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect((await t.services.sessions.removeCover(op, s.id)).coverUrl).toBeNull();
  });

  it('keeps staffing per session with member names, refusing unknown members', async () => {
    const owner = await t.signInAs(['owner']);
    const host = await t.services.team.create(ctxOf(['owner']), { email: 'host.staff@test.onair.local', displayName: 'Xiaoya', roles: ['host'], password: 'correct-horse-battery' });
    const op = ctxOf(['operator']);
    const s = await t.services.sessions.create(op, { title: 'Staffed', theme: 'other', visibility: 'public', plannedMinutes: 30 });
    const staff = await t.services.sessions.setStaff(op, s.id, { assignments: [{ memberId: host.id, duty: 'host' }, { memberId: owner.memberId, duty: 'operator' }, { memberId: host.id, duty: 'host' }] });
    expect(staff.assignments).toEqual(
      expect.arrayContaining([
        { memberId: host.id, displayName: 'Xiaoya', duty: 'host' },
        { memberId: owner.memberId, displayName: 'Test owner', duty: 'operator' },
      ]),
    );
    expect(staff.assignments).toHaveLength(2);
    await expect(t.services.sessions.setStaff(op, s.id, { assignments: [{ memberId: 'nobody', duty: 'cs' }] })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(t.services.sessions.setStaff(ctxOf(['analyst']), s.id, { assignments: [] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
