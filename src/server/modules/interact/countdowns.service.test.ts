import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { CountdownsService } from './countdowns.service.js';
import { toolDeps } from '../../../../test/support/interact-test-deps.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const host = ctxOf(['host']);
const analyst = ctxOf(['analyst']);

describe.each(dialects())('CountdownsService on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  async function liveSession(): Promise<string> {
    const s = await t.services.sessions.create(systemCtx('test'), { title: 'Countdown session', theme: 'other', visibility: 'public', scheduledStart: new Date(t.clock.now().getTime() + 86_400_000).toISOString(), plannedMinutes: 60 });
    await t.services.sessions.transition(systemCtx('test'), s.id, 'scheduled');
    await t.services.sessions.transition(systemCtx('test'), s.id, 'live');
    return s.id;
  }

  it('runs to its end once (announced by one node), cancels, refuses the past, survives a restart', async () => {
    const a = toolDeps(t);
    const cds = new CountdownsService(a.deps);
    const sessionId = await liveSession();
    const now = t.clock.now().getTime();
    await expect(cds.create(analyst, sessionId, { label: 'x', seconds: 60 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(cds.create(host, sessionId, { label: 'x', endsAt: new Date(now - 1000).toISOString() })).rejects.toMatchObject({ issues: [{ path: 'body.endsAt' }] });
    const c1 = await cds.create(host, sessionId, { label: 'Sale starts', seconds: 60 });
    expect(c1).toMatchObject({ label: 'Sale starts', endsAt: now + 60_000, status: 'running' });
    expect(a.events.at(-1)).toEqual({ sessionId, e: { t: 'countdown', countdown: c1, now } });
    const c2 = await cds.create(host, sessionId, { label: 'Gift at 9', endsAt: new Date(now + 120_000).toISOString() });
    const c3 = await cds.create(host, sessionId, { label: 'Cancelled', seconds: 30 });
    const cancelled = await cds.cancel(host, sessionId, c3.id);
    expect(cancelled.status).toBe('cancelled');
    expect(a.events.at(-1)?.e).toMatchObject({ t: 'countdown', countdown: { id: c3.id, status: 'cancelled' } });
    await expect(cds.cancel(host, sessionId, c3.id)).rejects.toMatchObject({ code: 'COUNTDOWN_NOT_RUNNING' });
    await expect(cds.cancel(host, sessionId, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // A second node (or the restarted one) knows the running ones from the database.
    const b = toolDeps(t);
    const other = new CountdownsService(b.deps);
    await other.start();
    t.clock.advance(60_000);
    await Promise.all([cds.tick(t.clock.now().getTime()), other.tick(t.clock.now().getTime())]);
    const done = [...a.events, ...b.events].filter((x) => x.e.t === 'countdown' && x.e.countdown.id === c1.id && x.e.countdown.status === 'done');
    expect(done).toHaveLength(1);
    await cds.tick(t.clock.now().getTime());
    const tools = emptyRoomTools();
    await cds.snapshotInto(sessionId, tools);
    expect(tools.countdowns.map((c) => [c.id, c.status])).toEqual([
      [c1.id, 'done'],
      [c2.id, 'running'],
      [c3.id, 'cancelled'],
    ]);
    expect((await cds.list(sessionId)).map((c) => c.status)).toEqual(['done', 'running', 'cancelled']);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', 'in', [c1.id, c3.id]).execute();
    expect(audit.map((r) => r.action).sort()).toEqual(['countdown.cancelled', 'countdown.created', 'countdown.created']);
  });

  it('over HTTP: 201, 400 naming endsAt for a past time or none, 409 for an ended session', async () => {
    const sessionId = await liveSession();
    const op = await t.signInAs(['host']);
    const headers = { cookie: op.cookie, 'x-csrf-token': op.csrf };
    const base = `/api/console/sessions/${sessionId}/interact/countdowns`;
    const ok = await t.app.inject({ method: 'POST', url: base, headers, payload: { label: 'Go', seconds: 30 } });
    expect(ok.statusCode, ok.body).toBe(201);
    const past = await t.app.inject({ method: 'POST', url: base, headers, payload: { label: 'Go', endsAt: '2020-01-01T00:00:00Z' } });
    expect(past.statusCode).toBe(400);
    expect(past.body).toContain('endsAt');
    const none = await t.app.inject({ method: 'POST', url: base, headers, payload: { label: 'Go' } });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('endsAt');
    const cancel = await t.app.inject({ method: 'POST', url: `${base}/${(ok.json() as { id: string }).id}/cancel`, headers });
    expect(cancel.statusCode).toBe(200);
    await t.services.sessions.transition(systemCtx('test'), sessionId, 'ended');
    const ended = await t.app.inject({ method: 'POST', url: base, headers, payload: { label: 'Go', seconds: 30 } });
    expect(ended.statusCode).toBe(409);
  });
});
