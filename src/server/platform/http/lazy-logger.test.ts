import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { LazyChildLogger, lazyChildLoggerFactory } from './lazy-logger.js';

/** A Fastify app whose pino lines land in `lines`, with the app's redaction of cookies. */
function appWithLog(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const app = Fastify({ logger: { level, stream, redact: { paths: ['cookie'], censor: '[redacted]' } }, disableRequestLogging: true, childLoggerFactory: lazyChildLoggerFactory });
  const seen: LazyChildLogger[] = [];
  app.addHook('onRequest', (req, _reply, done) => {
    seen.push(req.log as unknown as LazyChildLogger);
    done();
  });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/loud', async (req) => {
    req.log.info({ cookie: 'secret-cookie', n: 1 }, 'hello');
    req.log.debug('below the level');
    req.log.child({ part: 'inner' }).warn('from a grandchild');
    return { ok: true };
  });
  return { app, lines, seen };
}

describe('lazy request logger', () => {
  it('a request that logs nothing makes no child logger', async () => {
    const { app, seen } = appWithLog('info');
    expect((await app.inject({ url: '/quiet' })).statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(LazyChildLogger);
    expect(seen[0]!.isMade).toBe(false);
    await app.close();
  });

  it("a request's lines carry its request id and the parent's redaction and level", async () => {
    const { app, lines, seen } = appWithLog('info');
    const res = await app.inject({ url: '/loud' });
    expect(res.statusCode).toBe(200);
    expect(seen[0]!.isMade).toBe(true);
    const hello = lines.find((l) => l.msg === 'hello')!;
    expect(hello).toMatchObject({ reqId: expect.any(String), n: 1, cookie: '[redacted]', level: 30 });
    expect(lines.find((l) => l.msg === 'below the level')).toBeUndefined();
    expect(lines.find((l) => l.msg === 'from a grandchild')).toMatchObject({ reqId: hello.reqId, part: 'inner', level: 40 });
    await app.close();
  });

  it('below the level, nothing is written and still no child is made', async () => {
    const { app, lines, seen } = appWithLog('error');
    app.get('/debug-only', async (req) => {
      req.log.info('not at error level');
      return { ok: true };
    });
    await app.inject({ url: '/debug-only' });
    expect(lines).toHaveLength(0);
    expect(seen[0]!.isMade).toBe(false);
    await app.close();
  });
});
