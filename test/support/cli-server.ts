import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase, type Database } from '../../src/server/platform/db/database.js';
import { testPgUrl, testRedisUrl } from './capabilities.js';
import { repoRoot } from './onair-process.js';

/**
 * The real `onair start` as a child process the test can SIGKILL and start again on the same data
 * (the crash tests). Unlike `startOnair`, it keeps no state of its own between starts.
 */

const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliServer {
  child: ChildProcess;
  origin: string;
  output: () => string;
}

/**
 * Starts `onair start --port 0` in `dataDir` (plus `args`), with the caller's env over a clean
 * one (no ONAIR_*, DATABASE_URL or REDIS_URL inherited). Resolves once it prints its address and,
 * with `waitForPassword`, the first start's owner password.
 */
export async function startCliServer(dataDir: string, env: Record<string, string>, opts: { args?: string[]; waitForPassword?: boolean } = {}): Promise<CliServer> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') clean[k] = v;
  const child = spawn(process.execPath, ['--import', tsxLoader, cliPath, 'start', ...(opts.args ?? []), '--port', '0'], {
    cwd: dataDir,
    env: { ...clean, ONAIR_DATA_DIR: dataDir, ONAIR_LOG_LEVEL: 'warn', ONAIR_TRUST_PROXY: 'true', ONAIR_RTMP_PORT: '0', ...env },
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`server did not start in 60 s\n${out}`)), 60_000);
    const poll = setInterval(() => {
      if (/Onair is running at (http:\/\/\S+)/.test(out) && (!opts.waitForPassword || /^\s*password:\s+\S+\s*$/m.test(out))) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      }
    }, 25);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(deadline);
      reject(new Error(`server exited with ${String(code)}\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, origin: /Onair is running at (http:\/\/\S+)/.exec(out)![1]!, output: () => out };
}

/** SIGKILL: no graceful shutdown, nothing flushed on the way out. */
export function kill9(s: CliServer): Promise<void> {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

export async function stopGracefully(s: CliServer): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

/** A response body as JSON, or `{raw}` when it is not JSON (a crashed server's answer). */
export async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

/**
 * For a describe block: each call gives scale-out settings (PostgreSQL in a schema of its own,
 * Redis, a data key) and a way to open that record; the schemas are dropped after the block.
 */
export function useScaleOutSchemas(prefix: string): () => { env: Record<string, string>; openRecord: () => Promise<Database> } {
  const schemas: string[] = [];
  afterAll(async () => {
    if (schemas.length === 0) return;
    const c = new pg.Client({ connectionString: testPgUrl });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });
  return () => {
    const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    return {
      env: { DATABASE_URL: testPgUrl, ONAIR_PG_SCHEMA: schema, REDIS_URL: testRedisUrl, ONAIR_DATA_KEY: randomBytes(32).toString('base64') },
      openRecord: () => openDatabase({ databaseUrl: testPgUrl, pgSchema: schema, pgPoolMax: 2 }),
    };
  };
}
