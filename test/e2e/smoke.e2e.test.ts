import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';

describe.each(dialects())('HTTP smoke on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  it('serves health, readiness, OpenAPI and metrics', async () => {
    expect((await t.app.inject('/healthz')).json()).toMatchObject({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready', database: dialect });
    const spec = (await t.app.inject('/docs/json')).json() as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toContain('/api/console/sessions');
    await t.app.inject('/healthz');
    const metrics = await t.app.inject('/metrics');
    expect(metrics.body).toContain('onair_http_request_duration_seconds');
    // Counted by method, route pattern and status: /healthz twice by now, /readyz once.
    expect(metrics.body).toContain('onair_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"} 2');
    expect(metrics.body).toContain('onair_http_request_duration_seconds_count{method="GET",route="/readyz",status_code="200"} 1');
    expect(metrics.body).toContain('nodejs_eventloop_lag_seconds');
    expect(metrics.body).toContain('onair_db_pool_connections');
  });

  it('signs in an owner and lists sessions', async () => {
    const s = await t.signInAs(['owner']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/console/sessions',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { title: 'Spring launch', plannedMinutes: 60 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const list = await t.app.inject({ url: '/api/console/sessions', headers: { cookie: s.cookie } });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: { title: string }[] }).items.map((i) => i.title)).toContain('Spring launch');
  });
});
