import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.js';
import { dialects } from '../../../test/support/test-databases.js';
import { buildPlan } from '../cli/simulation-plan.js';
import { permissionsOf } from '../../contracts/roles.contract.js';
import { systemCtx } from '../platform/context.js';
import { assignAudience, PAST_SHOWS, pastSessionData, showPlan } from './seed-demo-history.flow.js';
import { seedDemo, type DemoSeedResult } from './seed-demo.flow.js';

describe('demo history (pure)', () => {
  it('is deterministic, stays inside the show, and labels everything simulated', () => {
    const show = PAST_SHOWS[0]!;
    const skus = [
      { code: 'DEMO-BMD-100', skuId: 's1', productId: 'p1', priceFen: 13_900 },
      { code: 'DEMO-DHP-125', skuId: 's2', productId: 'p2', priceFen: 22_800 },
      { code: 'DEMO-GHG-10', skuId: 's3', productId: 'p3', priceFen: 2_990 },
    ];
    const make = () => {
      let n = 0;
      const plan = showPlan(show);
      const { identities } = assignAudience([plan], () => `a${++n}`);
      return pastSessionData(show, plan, identities[0]!, 'S', 1_000_000, skus);
    };
    const a = make();
    const b = make();
    expect(a.events.length).toBe(b.events.length);
    expect(a.events.slice(0, 50)).toEqual(b.events.slice(0, 50));
    expect(a.events.every((e) => e.traffic === 'simulated')).toBe(true);
    const views = a.events.filter((e) => e.type.startsWith('view_'));
    expect(views.every((e) => e.at >= a.startedAt && e.at <= a.endedAt)).toBe(true);
    // Orders only from accounts (a guest cannot check out).
    expect(a.events.filter((e) => e.type === 'order').every((e) => e.viewerKey.startsWith('viewer:'))).toBe(true);
    expect(a.events.filter((e) => e.type === 'refund').length).toBeGreaterThanOrEqual(1);
    // A dull stretch loses viewers: more exits there than arrivals.
    expect(a.segments.map((s) => s.kind)).toContain('other');
  });

  it('brings some viewers (and some buyers) back to the later show', () => {
    let n = 0;
    const plans = PAST_SHOWS.map(showPlan);
    const { identities } = assignAudience(plans, () => `a${++n}`);
    const first = new Set(identities[0]!.map((x) => x.key));
    const back = identities[1]!.filter((x) => first.has(x.key));
    expect(back.length / identities[1]!.length).toBeGreaterThan(0.15);
    const buyers = (i: number) => new Set(plans[i]!.people.filter((p) => p.actions.some((x) => x.kind === 'buy')).map((p) => identities[i]![p.index]!.key));
    const both = [...buyers(1)].filter((k) => buyers(0).has(k));
    expect(both.length).toBeGreaterThan(0);
    expect(buildPlan({ seed: PAST_SHOWS[1]!.seed, viewers: PAST_SHOWS[1]!.viewers, minutes: PAST_SHOWS[1]!.minutes }).people.length).toBe(PAST_SHOWS[1]!.viewers);
  });
});

describe.each(dialects())('seedDemo on %s: earlier demo sessions with ready simulated reports', (dialect) => {
  let app: TestApp;
  let res: DemoSeedResult;
  let seedMs = 0;
  beforeAll(async () => {
    app = await createTestApp(dialect);
    const t0 = performance.now();
    res = await seedDemo(app.services, app.clock, app.database);
    seedMs = performance.now() - t0;
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
  });

  it('creates two ended demo sessions in the past, oldest first, quickly', async () => {
    expect(res.created).toBe(true);
    expect(res.pastSessions).toHaveLength(2);
    const now = app.clock.now().getTime();
    for (const p of res.pastSessions!) {
      const span = await app.services.sessions.liveSpan(p.id);
      expect(span.status).toBe('ended');
      expect(span.isDemo).toBe(true);
      expect(span.title).toMatch(/demo/);
      expect(span.hostIds).toHaveLength(1);
      const wentLive = Date.parse(span.wentLiveAt!);
      const ended = Date.parse(span.endedAt!);
      expect(ended).toBeLessThan(now);
      expect((ended - wentLive) / 60_000).toBeGreaterThanOrEqual(45);
      expect((ended - wentLive) / 60_000).toBeLessThanOrEqual(90);
    }
    expect(Date.parse(res.pastSessions![0]!.startedAt)).toBeLessThan(Date.parse(res.pastSessions![1]!.startedAt));
    // The newest first in the console: the live shop, then the scheduled launch, then the past ones.
    const list = await app.services.sessions.list(systemCtx('test'), { limit: 10 });
    expect(list.items.map((s) => s.status)).toEqual(['live', 'scheduled', 'ended', 'ended']);
     
    console.log(`[seed-demo ${dialect}] ${Math.round(seedMs)} ms, events ${res.pastSessions!.map((p) => p.events).join(' + ')}`);
    // About 1 s on SQLite on an idle machine; generous bounds so a busy CI does not fail it.
    expect(seedMs).toBeLessThan(dialect === 'sqlite' ? 10_000 : 30_000);
  });

  it('each has a ready simulated report with viewers, GMV, a timeline and a survey; the real report counts nothing', async () => {
    for (const p of res.pastSessions!) {
      const sim = await app.services.analytics.reports.doc(p.id, 'simulated');
      expect(sim).not.toBeNull();
      expect(sim!.traffic).toBe('simulated');
      expect(sim!.simulatedData).toBe(true);
      expect(sim!.audience.uv).toBeGreaterThan(300);
      expect(sim!.audience.pcu).toBeGreaterThan(50);
      expect(sim!.sales.gmvFen).toBeGreaterThan(0);
      expect(sim!.sales.refundedOrders).toBeGreaterThanOrEqual(1);
      expect(sim!.engagement.votes).toBeGreaterThan(0);
      expect(sim!.survey.responses).toBeGreaterThan(0);
      expect(sim!.surveyComments.length).toBeGreaterThan(0);
      const kinds = new Set(sim!.timeline.map((a) => a.kind));
      expect(kinds.size).toBeGreaterThanOrEqual(3);
      expect(sim!.timeline.some((a) => a.subtype === 'flash_sale')).toBe(true);
      expect(sim!.products.length).toBeGreaterThan(3);
      const real = await app.services.analytics.reports.doc(p.id, 'real');
      expect(real).not.toBeNull();
      expect(real!.audience.uv).toBe(0);
      expect(real!.sales.gmvFen).toBe(0);
      expect(real!.excluded.simulated).toBe(p.events);
    }
    // Yesterday's audience includes viewers of last week's session.
    const later = await app.services.analytics.reports.doc(res.pastSessions![1]!.id, 'simulated');
    expect(later!.audience.returningViewers).toBeGreaterThan(50);
    expect(later!.audience.newViewers).toBeGreaterThan(later!.audience.returningViewers);
  });

  it('the two compare, and buyers of both are in the viewer rows', async () => {
    const ctx = systemCtx('test');
    const [a, b] = res.pastSessions!;
    const cmp = await app.services.analytics.compare(ctx, [b!.id, a!.id], 'simulated');
    expect(cmp.sessions).toHaveLength(2);
    expect(cmp.curves.present[0]!.length).toBeGreaterThan(45);
    expect(cmp.history.sessions).toBe(2);
    await expect(app.services.analytics.compare(ctx, [b!.id, a!.id], 'real')).resolves.toBeDefined();
    const rows = await app.database.db.selectFrom('analytics_viewer_sessions').select(['viewer_key', 'session_id', 'paid_fen', 'traffic']).where('paid_fen', '>', 0).execute();
    expect(rows.every((r) => r.traffic === 'simulated')).toBe(true);
    const sessionsOf = new Map<string, Set<string>>();
    for (const r of rows) sessionsOf.set(r.viewer_key, (sessionsOf.get(r.viewer_key) ?? new Set()).add(r.session_id));
    expect([...sessionsOf.values()].filter((s) => s.size === 2).length).toBeGreaterThan(0);
  });

  it('the audience clusters into personas and the driver analysis has session-minutes to work on', async () => {
    const owner = await app.signInAs(['owner']);
    const ctx = { actor: { kind: 'team' as const, id: owner.memberId, displayName: 'Owner', roles: ['owner' as const], permissions: permissionsOf(['owner']), sessionId: 's' }, requestId: 't', ip: null };
    const { runId } = app.services.analytics.insights.startClusters(ctx, { traffic: 'simulated' });
    let run = app.services.analytics.insights.run(ctx, runId);
    for (let i = 0; i < 200 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      run = app.services.analytics.insights.run(ctx, runId);
    }
    expect(run.status).toBe('done');
    expect(run.result && 'personas' in run.result ? run.result.personas.length : 0).toBeGreaterThanOrEqual(2);
    const drivers = await app.services.analytics.insights.drivers(ctx, { traffic: 'simulated' });
    expect(drivers.sessions).toBe(2);
  });

  it('runs once: a second call changes nothing', async () => {
    const again = await seedDemo(app.services, app.clock, app.database);
    expect(again.created).toBe(false);
    const list = await app.services.sessions.list(systemCtx('test'), { limit: 10 });
    expect(list.items).toHaveLength(4);
  });
});
