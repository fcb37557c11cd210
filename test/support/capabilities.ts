import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * What this machine can run. Tests that need PostgreSQL, Redis, Chromium or ffmpeg skip
 * with a reason when it is missing, so a newcomer's plain machine still passes; with
 * ONAIR_TEST_STRICT=1 (as .ci/run sets) a missing capability fails instead.
 */
export interface Capability {
  name: 'postgres' | 'redis' | 'chromium' | 'ffmpeg';
  ok: boolean;
  detail: string;
}

export const testPgUrl = process.env.ONAIR_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.ONAIR_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const strict = process.env.ONAIR_TEST_STRICT === '1';

async function probePostgres(): Promise<Capability> {
  const client = new pg.Client({ connectionString: testPgUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { name: 'postgres', ok: true, detail: testPgUrl.replace(/:[^:@/]+@/, ':***@') };
  } catch (err) {
    return { name: 'postgres', ok: false, detail: `no PostgreSQL at ${testPgUrl} (${(err as Error).message}); set ONAIR_TEST_DATABASE_URL` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeRedis(): Promise<Capability> {
  const r = new Redis(testRedisUrl, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return { name: 'redis', ok: true, detail: testRedisUrl };
  } catch (err) {
    return { name: 'redis', ok: false, detail: `no Redis at ${testRedisUrl} (${(err as Error).message}); set ONAIR_TEST_REDIS_URL` };
  } finally {
    r.disconnect();
  }
}

function probeBinary(name: 'chromium' | 'ffmpeg', path: string, args: string[], hint: string): Capability {
  if (!existsSync(path)) return { name, ok: false, detail: `${path} not found (${hint})` };
  try {
    const out = execFileSync(path, args, { timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n')[0] ?? '';
    return { name, ok: true, detail: out.trim() || path };
  } catch (err) {
    return { name, ok: false, detail: `${path} does not run (${(err as Error).message.split('\n')[0]})` };
  }
}

export async function probeAll(): Promise<Capability[]> {
  return [
    await probePostgres(),
    await probeRedis(),
    probeBinary('chromium', chromiumPath, ['--headless', '--no-sandbox', '--version'], 'apt-get install chromium'),
    probeBinary('ffmpeg', process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg', ['-version'], 'apt-get install ffmpeg; no test needs it until video lands'),
  ];
}
