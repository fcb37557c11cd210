import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { installSecurityHeaders, securityHeaders } from './security-headers.js';

/** The headers helmet 8 sends with the content security policy off (the set this table replaced). */
const HELMET_SET = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers', () => {
  it('every response carries the set, errors and 404s included; HSTS only when asked', async () => {
    for (const hsts of [false, true]) {
      const app = Fastify();
      installSecurityHeaders(app, { hsts });
      app.get('/ok', async () => ({ ok: true }));
      app.get('/boom', async () => {
        throw new Error('boom');
      });
      for (const url of ['/ok', '/boom', '/missing']) {
        const res = await app.inject({ url });
        expect(res.headers).toMatchObject(HELMET_SET);
        expect(res.headers['strict-transport-security']).toBe(hsts ? 'max-age=31536000; includeSubDomains' : undefined);
      }
      await app.close();
    }
  });

  it('the table cannot be changed at run time', () => {
    const h = securityHeaders({ hsts: false }) as Record<string, string>;
    expect(() => {
      h['x-frame-options'] = 'ALLOWALL';
    }).toThrow();
  });

  describe('in the app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp('sqlite');
    });
    afterAll(async () => t?.dispose());
    it('API, health, docs and refusals all carry them', async () => {
      for (const url of ['/healthz', '/api/console/auth/me', '/docs/json', '/api/live/nope/flash-sales']) {
        const res = await t.app.inject({ url });
        expect(res.headers, url).toMatchObject(HELMET_SET);
      }
    });
  });
});
