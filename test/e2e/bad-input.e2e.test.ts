import type { HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccessRecord } from '../../src/server/platform/http/access.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import {
  authHeaders,
  expectError,
  fixtureEnv,
  nextIp,
  operationOf,
  planRoutes,
  routeFixtures,
  routeKey,
  sendValid,
  snapshotDatabase,
  teamSignIn,
  viewerSignIn,
  viewerSignUp,
  withQuery,
  type JsonSchema,
  type RoutePlan,
  type ValidRequest,
  type ViewerSession,
} from './route-fixtures.js';

/**
 * Every registered route gets broken input from an authorised caller and must answer with a
 * 4xx in the standard error body naming the field, never a 5xx, and write nothing. The broken
 * variants are derived from the route's own request schema (as documented in OpenAPI) applied
 * to its valid example in route-fixtures.ts, so a new route or field is covered automatically.
 */

interface BrokenRequest {
  url: string;
  query?: Record<string, string | string[]>;
  /** Raw payload; with contentType unset, JSON. */
  payload?: string;
  contentType?: string;
}

interface BadCase {
  name: string;
  make(valid: ValidRequest): BrokenRequest;
  status: 400 | 404 | 413 | 415;
  code: string;
  /** An issue path must equal this or start with it plus "." (e.g. body.roles -> body.roles.0). */
  path?: string;
  /** Set when the generator met a schema it cannot break: the case fails with this message. */
  unsupported?: string;
}

const plan: RoutePlan = await planRoutes();

const isWrite = (method: string): boolean => method !== 'GET' && method !== 'HEAD';

// --- broken-request builders ------------------------------------------------------------------

const jsonBody = (valid: ValidRequest, body: unknown): BrokenRequest => ({
  url: valid.url,
  ...(valid.query ? { query: valid.query } : {}),
  payload: JSON.stringify(body),
  contentType: 'application/json',
});
const rawBody = (valid: ValidRequest, payload: string | undefined, contentType?: string): BrokenRequest => ({
  url: valid.url,
  ...(valid.query ? { query: valid.query } : {}),
  ...(payload !== undefined ? { payload } : {}),
  ...(contentType ? { contentType } : {}),
});
const validPayload = (valid: ValidRequest): Pick<BrokenRequest, 'payload' | 'contentType'> =>
  valid.body !== undefined ? { payload: JSON.stringify(valid.body), contentType: 'application/json' } : {};

/** The concrete URL with one path parameter replaced by a raw (already encoded) segment. */
function withParam(pattern: string, concrete: string, name: string, rawValue: string): string {
  const p = pattern.split('/');
  const c = concrete.split('/');
  if (p.length !== c.length) throw new Error(`fixture url ${concrete} does not fit ${pattern}`);
  return p.map((seg, i) => (seg === `:${name}` ? rawValue : c[i])).join('/');
}

/** Wrong-typed values for a schema, each labelled. */
function wrongTypes(s: JsonSchema): { label: string; value: unknown }[] | null {
  // A union of objects (a discriminated union such as a draw's prize) is broken as an object.
  const members = s.oneOf ?? s.anyOf;
  if (s.type === undefined && members?.length && members.every((m) => m.type === 'object')) return wrongTypes({ type: 'object', ...(s.nullable ? { nullable: true } : {}) });
  const out: { label: string; value: unknown }[] = [];
  switch (s.type) {
    case 'string':
      out.push({ label: 'a number', value: 12345 }, { label: 'an object', value: { x: 1 } });
      break;
    case 'integer':
    case 'number':
      out.push({ label: 'a numeric string', value: '60' }, { label: 'a boolean', value: true });
      break;
    case 'boolean':
      out.push({ label: 'a string', value: 'true' }, { label: 'a number', value: 1 });
      break;
    case 'array':
      out.push({ label: 'a string', value: 'x' }, { label: 'an object', value: { x: 1 } });
      break;
    case 'object':
      out.push({ label: 'a string', value: 'x' }, { label: 'an array', value: [] });
      break;
    default:
      return null;
  }
  if (!s.nullable) out.push({ label: 'null', value: null });
  return out;
}

/** A string that breaks the schema's pattern but not its length limits, if one is found. */
function patternBreaker(s: JsonSchema): string | null {
  if (!s.pattern) return null;
  const re = new RegExp(s.pattern, 'u');
  const fits = (v: string) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity);
  return ['../x', 'a<b>', 'x y!', '\u{1F4A5}\u{1F4A5}', '%%%'].find((v) => fits(v) && !re.test(v)) ?? null;
}

function bodyFieldCases(field: string, s: JsonSchema, required: boolean): BadCase[] {
  const path = `body.${field}`;
  const set = (value: unknown) => (valid: ValidRequest) => jsonBody(valid, { ...valid.body, [field]: value });
  const v = (name: string, value: unknown): BadCase => ({ name: `${path} ${name}`, make: set(value), status: 400, code: 'VALIDATION', path });
  const cases: BadCase[] = [];
  const wrong = wrongTypes(s);
  if (!wrong) {
    return [{ name: `${path} has a schema the generator cannot break`, make: set(null), status: 400, code: 'VALIDATION', path, unsupported: `extend bad-input: ${JSON.stringify(s)}` }];
  }
  for (const w of wrong) cases.push(v(`is ${w.label}`, w.value));
  if (required) {
    cases.push({
      name: `${path} missing`,
      make: (valid) => {
        const body: Record<string, unknown> = { ...valid.body };
        delete body[field];
        return jsonBody(valid, body);
      },
      status: 400,
      code: 'VALIDATION',
      path,
    });
  }
  if (s.enum) cases.push(v('is an unknown enum value', 'nope'));
  if (s.type === 'string') {
    if (s.maxLength !== undefined) {
      const long = s.format === 'email' ? `${'a'.repeat(Math.max(1, s.maxLength - 4))}@x.io` : 'x'.repeat(s.maxLength + 1);
      cases.push(v(`is over ${s.maxLength} characters`, long));
    }
    if (s.minLength !== undefined && s.minLength > 0) cases.push(v(`is under ${s.minLength} characters`, 'x'.repeat(s.minLength - 1)));
    if (s.format === 'email') cases.push(v('is not an e-mail address', 'not-an-email'));
    if (s.format === 'date-time') cases.push(v('is not a date-time', 'next tuesday'), v('is a date-time without time zone', '2026-12-01T10:00:00'));
    const bad = s.format ? null : patternBreaker(s);
    if (bad !== null) cases.push(v(`does not match its pattern (${JSON.stringify(bad)})`, bad));
    cases.push(v('holds a NUL character', 'a\u0000b'));
  }
  if (s.type === 'integer' || s.type === 'number') {
    if (s.type === 'integer') cases.push(v('is a fraction', 10.5));
    if (s.minimum !== undefined) cases.push(v(`is below ${s.minimum}`, s.minimum - 1));
    if (s.maximum !== undefined) cases.push(v(`is above ${s.maximum}`, s.maximum + 1));
  }
  if (s.type === 'array' && s.items) {
    const item = s.items.enum?.[0] ?? (s.items.type === 'string' ? 'x' : 1);
    if (s.items.enum) cases.push(v('holds an unknown enum value', ['nope']));
    const itemWrong = wrongTypes(s.items);
    if (itemWrong?.[0]) cases.push(v(`holds ${itemWrong[0].label}`, [itemWrong[0].value]));
    if (s.maxItems !== undefined) cases.push(v(`has over ${s.maxItems} items`, Array.from({ length: s.maxItems + 1 }, () => item)));
    if (s.minItems !== undefined && s.minItems > 0) cases.push(v(`has under ${s.minItems} items`, []));
  }
  return cases;
}

function queryParamCases(name: string, s: JsonSchema): BadCase[] {
  const path = `query.${name}`;
  const set = (value: string | string[]) => (valid: ValidRequest) => ({ url: valid.url, query: { ...valid.query, [name]: value }, ...validPayload(valid) });
  const q = (label: string, value: string | string[]): BadCase => ({ name: `${path} ${label}`, make: set(value), status: 400, code: 'VALIDATION', path });
  const sample = s.enum?.[0] !== undefined ? String(s.enum[0]) : s.type === 'integer' || s.type === 'number' ? String(s.minimum ?? 1) : 'x';
  const cases: BadCase[] = [q('given twice', [sample, sample])];
  if (s.type === 'integer' || s.type === 'number') {
    cases.push(q('= abc', 'abc'));
    if (s.type === 'integer') cases.push(q('= 1.5', '1.5'));
    if (s.minimum !== undefined) cases.push(q(`= ${s.minimum - 1}`, String(s.minimum - 1)));
    if (s.minimum !== undefined && s.minimum > 0) cases.push(q('is empty', ''));
    if (s.maximum !== undefined) cases.push(q(`= ${s.maximum + 1}`, String(s.maximum + 1)));
  } else if (s.enum) {
    cases.push(q('= nope', 'nope'));
  } else if (s.type === 'string') {
    if (s.maxLength !== undefined) cases.push(q(`is over ${s.maxLength} characters`, 'x'.repeat(s.maxLength + 1)));
    const bad = patternBreaker(s);
    if (bad !== null) cases.push(q(`does not match its pattern (${JSON.stringify(bad)})`, bad));
    cases.push(q('holds a NUL character', 'a\u0000b'));
  } else {
    cases.push({ name: `${path} has a schema the generator cannot break`, make: set('x'), status: 400, code: 'VALIDATION', unsupported: `extend bad-input: ${JSON.stringify(s)}` });
  }
  return cases;
}

function pathParamCases(r: RouteAccessRecord, name: string, s: JsonSchema): BadCase[] {
  const path = `params.${name}`;
  const at = (raw: string) => (valid: ValidRequest) => ({ url: withParam(r.url, valid.url, name, raw), ...(valid.query ? { query: valid.query } : {}), ...validPayload(valid) });
  const p = (label: string, raw: string, expectPath = path, code = 'VALIDATION'): BadCase => ({ name: `${path} ${label}`, make: at(raw), status: 400, code, path: expectPath });
  const cases: BadCase[] = [
    p('is a space (%20)', '%20'),
    p('holds dots (a..b)', 'a..b'),
    p('is an encoded traversal (..%2F..)', '..%2F..'),
    p('holds an encoded slash (a%2Fb)', 'a%2Fb'),
    p('holds a NUL character (%00)', 'a%00b'),
    p('is 300 characters (router limit)', 'x'.repeat(300), 'params'),
    p('has broken percent-encoding (%zz)', '%zz', 'params', 'BAD_URL'),
    // The URL parser resolves a bare ".." before routing, so it reaches another path, not this route.
    { name: `${path} is a bare ".." (resolved away: clean 404)`, make: at('..'), status: 404, code: 'NOT_FOUND' },
  ];
  if (s.maxLength !== undefined) cases.push(p(`is over ${s.maxLength} characters`, 'x'.repeat(s.maxLength + 1)));
  return cases;
}

function casesFor(r: RouteAccessRecord): BadCase[] {
  const op = operationOf(plan, r);
  const cases: BadCase[] = [];
  const params = op?.parameters ?? [];
  for (const prm of params) if (prm.in === 'path') cases.push(...pathParamCases(r, prm.name, prm.schema));
  const query = params.filter((x) => x.in === 'query');
  if (query.length > 0) {
    cases.push({
      name: 'query has an unknown key',
      make: (valid) => ({ url: valid.url, query: { ...valid.query, unexpected: '1' }, ...validPayload(valid) }),
      status: 400,
      code: 'VALIDATION',
      path: 'query.unexpected',
    });
    for (const prm of query) cases.push(...queryParamCases(prm.name, prm.schema));
  }
  if (!isWrite(r.method)) return cases;

  cases.push(
    { name: 'malformed JSON ({"title":)', make: (v) => rawBody(v, '{"title":', 'application/json'), status: 400, code: 'MALFORMED_JSON', path: 'body' },
    { name: 'empty body with content-type json', make: (v) => rawBody(v, '', 'application/json'), status: 400, code: 'MALFORMED_JSON', path: 'body' },
    { name: 'a __proto__ key', make: (v) => rawBody(v, '{"__proto__":{"isAdmin":true}}', 'application/json'), status: 400, code: 'MALFORMED_JSON', path: 'body' },
    { name: 'text/plain body', make: (v) => rawBody(v, 'title=hello', 'text/plain'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', path: 'body' },
    { name: 'form-encoded body', make: (v) => rawBody(v, 'title=hello', 'application/x-www-form-urlencoded'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', path: 'body' },
    {
      // Over ONAIR_BODY_LIMIT_BYTES, and over the larger limit of the routes that take images.
      name: 'body of ~3.2 MB (over every route body limit)',
      make: (v) => jsonBody(v, { ...v.body, padding: 'x'.repeat(r.url.endsWith('/cover') ? 3_200_000 : 100 * 1024) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      path: 'body',
    },
  );

  const body = op?.requestBody?.content['application/json']?.schema;
  if (!body) return cases;
  // A route that takes no body (schema `{}` or nothing) accepts an absent body and null.
  const bodyOptional = body.nullable === true;
  cases.push(
    ...(bodyOptional ? [] : [{ name: 'no body at all', make: (v: ValidRequest) => rawBody(v, undefined), status: 400, code: 'VALIDATION', path: 'body' } satisfies BadCase]),
    ...['[]', '"text"', '42', ...(bodyOptional ? [] : ['null']), 'true'].map(
      (raw): BadCase => ({ name: `body is ${raw} instead of an object`, make: (v) => rawBody(v, raw, 'application/json'), status: 400, code: 'VALIDATION', path: 'body' }),
    ),
    { name: 'body has an unknown key', make: (v) => jsonBody(v, { ...v.body, unexpected: 1 }), status: 400, code: 'VALIDATION', path: 'body.unexpected' },
  );
  if (body.type !== 'object' || !body.properties) {
    cases.push({ name: 'body schema is not an object', make: (v) => rawBody(v, undefined), status: 400, code: 'VALIDATION', unsupported: `extend bad-input: ${JSON.stringify(body)}` });
    return cases;
  }
  const required = new Set(body.required ?? []);
  for (const [field, s] of Object.entries(body.properties)) cases.push(...bodyFieldCases(field, s, required.has(field)));
  return cases;
}

// --- the suite ----------------------------------------------------------------------------------

describe.each(dialects())('bad input on %s', (dialect) => {
  let t: TestApp;
  let owner: Session;
  let viewer: ViewerSession;
  let before: Record<string, string[]>;
  const valid = new Map<string, ValidRequest>();

  const sessionFor = (r: RouteAccessRecord): { cookie: string; csrf: string } | null => {
    if (r.access.kind === 'team') return owner;
    if (r.access.kind === 'viewer' || r.access.kind === 'viewer-pass' || r.access.kind === 'audience') return viewer;
    return null;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = await t.signInAs(['owner']);
    viewer = await viewerSignUp(t, 'Bad input viewer');
    const env = fixtureEnv(t, { viewerId: viewer.viewerId, memberId: owner.memberId });
    for (const r of t.routes) {
      const f = routeFixtures[routeKey(r)];
      if (f) valid.set(routeKey(r), await f.cases[0].build(env));
    }
    before = await snapshotDatabase(t);
  });
  afterAll(async () => t?.dispose());

  it('this app registers the routes the plan was made from', () => {
    expect(t.routes.map(routeKey).sort()).toEqual(plan.routes.map(routeKey).sort());
  });

  it('every fixture names a registered route', () => {
    const registered = new Set(plan.routes.map(routeKey));
    expect(Object.keys(routeFixtures).filter((k) => !registered.has(k))).toEqual([]);
  });

  for (const r of plan.routes) {
    const key = routeKey(r);
    describe(key, () => {
      it('has a valid example in route-fixtures.ts', () => {
        expect(routeFixtures[key], `add "${key}" to test/e2e/route-fixtures.ts`).toBeDefined();
      });
      if (!routeFixtures[key]) return;
      for (const c of casesFor(r)) {
        it(`${c.name} → ${c.status} ${c.code}`, async () => {
          if (c.unsupported) expect.fail(c.unsupported);
          const example = valid.get(key);
          if (!example) return expect.fail(`no valid example was built for ${key}`);
          const b = c.make(example);
          const res = await t.app.inject({
            method: r.method as HTTPMethods,
            url: withQuery(b.url, b.query),
            remoteAddress: nextIp(),
            headers: { ...authHeaders(r.method, sessionFor(r)), ...(example.headers ?? {}), ...(b.contentType ? { 'content-type': b.contentType } : {}) },
            ...(b.payload !== undefined ? { payload: b.payload } : {}),
          });
          expect(res.statusCode, `never a 5xx: ${res.body}`).toBeLessThan(500);
          const error = expectError(res, c.status, c.code);
          expect(error.requestId).toBe(res.headers['x-request-id']);
          if (c.status !== 404) expect(error.issues?.length ?? 0, res.body).toBeGreaterThan(0);
          if (c.path) {
            const want = c.path;
            const paths = (error.issues ?? []).map((i) => i.path);
            expect(
              paths.some((p) => p === want || p.startsWith(`${want}.`)),
              `an issue names ${want}; got ${JSON.stringify(paths)}`,
            ).toBe(true);
          }
        });
      }
    });
  }

  it('the bad requests wrote nothing (every table unchanged)', async () => {
    expect(await snapshotDatabase(t)).toEqual(before);
  });

  // Controls: each route's valid example does succeed, so the cases above failed for their own reason.
  describe('valid examples (control)', () => {
    for (const r of plan.routes) {
      const key = routeKey(r);
      const f = routeFixtures[key];
      if (!f) continue;
      it(`${key} → ${'success'}`, async () => {
        const example = valid.get(key);
        if (!example) return expect.fail(`no valid example was built for ${key}`);
        let session = sessionFor(r);
        if (f.endsSession && r.access.kind === 'team') session = await teamSignIn(t, owner.email);
        if (f.endsSession && r.access.kind !== 'team') session = await viewerSignIn(t, viewer.nickname);
        const res = await sendValid(t, r.method, example, session);
        expect(res.statusCode, res.body).toBe(example.status);
      });
    }
  });
});
