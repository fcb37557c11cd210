import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDoc } from '../../src/server/modules/analytics/reports.service.js';
import type { DashMessage } from '../../src/server/modules/analytics/dashboard.publisher.js';
import { systemCtx } from '../../src/server/platform/context.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, guestToken, listen, roomUrl, type ConnectOptions, type WsClient } from '../support/ws-client.js';
import { makeLiveSession, viewerSignUp, type ViewerSession } from './route-fixtures.js';
import { until } from '../support/until.js';

/**
 * The analytics pipeline end to end (issue 7 items 1-4, 10), on SQLite and PostgreSQL: real
 * viewers on real sockets -> events recorded by the modules -> batched, idempotent storage ->
 * live rollups -> the dashboard pushed to the console's socket -> the report when the live ends.
 * Simulated accounts and bots are labelled and kept out of real figures; a retried beacon
 * counts once; a rollup rebuilt from the stored events (a restart) gives the same report.
 */

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';


describe.each(dialects())('analytics pipeline on %s', (dialect) => {
  let t: TestApp;
  let ws: string;
  let owner: Session;
  const clients: WsClient[] = [];
  let nick = 0;
  const join = async (sessionId: string, query: string, opts: ConnectOptions): Promise<WsClient> => {
    const c = await connect(`${roomUrl(ws, sessionId)}${query ? `&${query}` : ''}`, opts);
    clients.push(c);
    return c;
  };
  const newViewer = (): Promise<ViewerSession> => viewerSignUp(t, `pipe viewer ${dialect} ${++nick}`);
  const report = async (sessionId: string, traffic: 'real' | 'simulated'): Promise<ReportDoc> => {
    const r = await until(`the ${traffic} report`, async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/console/sessions/${sessionId}/analytics/report?traffic=${traffic}`, headers: { cookie: owner.cookie } });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { status: string; report: ReportDoc | null };
      return body.status === 'ready' ? body.report : null;
    });
    return r!;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    ws = (await listen(t)).ws;
    owner = await t.signInAs(['owner']);
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
  });
  afterAll(async () => t?.dispose());

  it('counts real viewers once, keeps simulated and bot traffic apart, pushes the dashboard within seconds and reports when the live ends', async () => {
    const session = await makeLiveSession(t, { status: 'live', title: `Pipeline ${dialect}` });
    const id = session.id;
    const console_ = await join(id, '', { cookie: owner.cookie, asTeam: true });

    const a = await newViewer();
    const b = await newViewer();
    const sim = await newViewer();
    await t.database.db.updateTable('viewers').set({ simulated: 1 }).where('id', '=', sim.viewerId).execute();
    const g = await guestToken(t);
    const bot = await guestToken(t);

    const ca = await join(id, 'utm_source=weibo&utm_medium=social&utm_campaign=spring', { cookie: a.cookie, userAgent: CHROME });
    const cb = await join(id, 'src=share&by=someone', { cookie: b.cookie, userAgent: CHROME });
    const cg = await join(id, '', { guest: g.guestToken, userAgent: CHROME });
    const cs = await join(id, '', { cookie: sim.cookie, userAgent: CHROME });
    await join(id, '', { guest: bot.guestToken, userAgent: BOT });

    // A comment and likes from A; a click and an add to cart from B, sent twice (a retry).
    const sentAt = Date.now();
    ca.send({ t: 'chat', ref: 'c1', text: 'Is the Longjing this year\'s harvest?' });
    await ca.reply('c1');
    ca.send({ t: 'like', n: 5 });
    const beacons = [
      { id: `clk-${dialect}-0001`, type: 'product_click', productId: 'p-longjing' },
      { id: `crt-${dialect}-0001`, type: 'add_to_cart', productId: 'p-longjing', n: 2 },
    ];
    cb.send({ t: 'track', ref: 't1', events: beacons });
    await cb.reply('t1');
    cb.send({ t: 'track', ref: 't2', events: beacons });
    await cb.reply('t2');
    // The simulated account and the bot act too: none of it may reach real figures.
    cs.send({ t: 'chat', ref: 's1', text: 'simulated hello' });
    await cs.reply('s1');
    cs.send({ t: 'like', n: 7 });

    // The dashboard: the console's socket gets the figures, the comment among them, within 2 s.
    const dash = (await console_.waitFor(
      (m) => {
        const d = m as unknown as DashMessage;
        return d.t === 'dash' && d.real.totals.comments >= 1 && d.real.totals.likes >= 5 && d.real.uv >= 3;
      },
      10_000,
      'a dash message with the comment',
    )) as unknown as DashMessage;
    const seenAfterMs = Date.now() - sentAt;
    expect(seenAfterMs).toBeLessThan(5_000); // the benchmark measures the ≤ 2 s target; this guards against a stall
    expect(dash.real.concurrent).toBe(3);
    expect(dash.real.totals).toMatchObject({ comments: 1, likes: 5, clicks: 1, carts: 1 });
    expect(dash.simulated).not.toBeNull();
    expect(dash.simulated!.totals).toMatchObject({ comments: 1, likes: 7 });
    // Audience members never get it.
    expect(ca.messages.some((m) => (m as { t: string }).t === 'dash')).toBe(false);

    await closeAll([ca, cb, cg, cs]);
    await t.services.sessions.transition(systemCtx('test'), id, 'ended');

    const real = await report(id, 'real');
    expect(real.audience.uv).toBe(3);
    expect(real.audience.pv).toBe(3);
    expect(real.engagement).toMatchObject({ comments: 1, commenters: 1, likes: 5, likers: 1, interactors: 1 });
    expect(real.engagement.interactionRate).toBeCloseTo(1 / 3, 10);
    expect(real.funnel.map((s) => [s.step, s.viewers])).toEqual([
      ['view', 3],
      ['click', 1],
      ['cart', 1],
      ['order', 0],
      ['pay', 0],
    ]);
    expect(real.products.find((p) => p.productId === 'p-longjing')).toMatchObject({ clicks: 1, clickers: 1, carts: 1 });
    expect(Object.fromEntries(real.sources.map((s) => [s.source, s.viewers]))).toEqual({ 'utm:weibo/social/spring': 1, share: 1, direct: 1 });
    expect(real.excluded.simulated).toBeGreaterThan(0);
    expect(real.excluded.bot).toBeGreaterThan(0);
    expect(real.simulatedData).toBe(false);
    const simulated = await report(id, 'simulated');
    expect(simulated.audience.uv).toBe(1);
    expect(simulated.engagement).toMatchObject({ comments: 1, likes: 7 });
    expect(simulated.simulatedData).toBe(true);

    // Stored once per id (the retried beacons included).
    const rows = await t.database.db.selectFrom('analytics_events').select(['id', 'type']).where('session_id', '=', id).execute();
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(rows.filter((r) => r.type === 'product_click')).toHaveLength(1);

    // Each viewer's rollup is kept for next time (new vs returning, clusters).
    const vrows = await t.database.db.selectFrom('analytics_viewer_sessions').select(['viewer_key', 'traffic']).where('session_id', '=', id).execute();
    expect(vrows.filter((r) => r.traffic === 'real').map((r) => r.viewer_key).sort()).toEqual([`viewer:${a.viewerId}`, `viewer:${b.viewerId}`, `guest:${g.guestId}`].sort());

    // A restart: the rollup rebuilt from the stored events gives the same report.
    await t.app.inject({ method: 'POST', url: `/api/console/sessions/${id}/analytics/report/rebuild`, headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' }, payload: {} });
    await until('the rebuilt report', async () => {
      const r = await t.services.analytics.reports.doc(id, 'real');
      return r && r.events === real.events ? r : null;
    });
    const rebuilt = await report(id, 'real');
    const strip = (d: ReportDoc) => ({ ...d, hints: d.hints, surveyComments: [] });
    expect(strip(rebuilt)).toEqual(strip(real));
  });

  it('a viewer who comes back to the brand is returning; the survey answer is counted once', async () => {
    const first = await makeLiveSession(t, { status: 'live', title: `First ${dialect}` });
    const v = await newViewer();
    const c1 = await join(first.id, '', { cookie: v.cookie, userAgent: CHROME });
    await until('the first view', () => t.services.analytics.live.peek(first.id)?.real.uv === 1);
    await closeAll([c1]);
    await t.services.sessions.transition(systemCtx('test'), first.id, 'ended');
    await report(first.id, 'real');

    // The survey opens when the live ends: once per viewer.
    const answer = (body: object) => t.app.inject({ method: 'POST', url: `/api/live/${first.id}/survey`, headers: { cookie: v.cookie, 'x-csrf-token': v.csrf, 'content-type': 'application/json' }, payload: body as Record<string, unknown> });
    expect((await answer({ csat: 6 })).json()).toMatchObject({ error: { code: 'VALIDATION' } });
    expect((await answer({ csat: 4, nps: 9, comment: 'Loved the tea tasting' })).statusCode).toBe(201);
    expect((await answer({ csat: 1 })).statusCode).toBe(409);
    const withSurvey = await until(
      'the report refreshed with the survey answer',
      async () => {
        const r = await t.services.analytics.reports.doc(first.id, 'real');
        return r && r.survey.responses === 1 ? r : null;
      },
      20_000,
    );
    expect(withSurvey.survey.csat).toMatchObject({ responses: 1, mean: 4 });
    expect(withSurvey.survey.nps).toMatchObject({ responses: 1, promoters: 1, score: 100 });
    expect(withSurvey.surveyComments.map((c) => c.comment)).toEqual(['Loved the tea tasting']);

    const second = await makeLiveSession(t, { status: 'live', title: `Second ${dialect}` });
    const c2 = await join(second.id, '', { cookie: v.cookie, userAgent: CHROME });
    await until('the second view', () => t.services.analytics.live.peek(second.id)?.real.uv === 1);
    await closeAll([c2]);
    await t.services.sessions.transition(systemCtx('test'), second.id, 'ended');
    const r2 = await report(second.id, 'real');
    expect(r2.audience).toMatchObject({ uv: 1, returningViewers: 1, newViewers: 0 });
  });
});
