import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What `npm start` runs: the compiled build (tsc to dist/server), not the TypeScript sources.
 * Catches files the sources read at run time that the build does not carry.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('the compiled build starts', () => {
  it('builds with tsc and serves /readyz and the console from dist/', async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot, stdio: 'pipe' });
    const dataDir = mkdtempSync(join(tmpdir(), 'onair-built-'));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') env[k] = v;
    const child = spawn(process.execPath, [join(repoRoot, 'dist/server/cli/onair.js'), 'start', '--demo', '--port', '0'], {
      cwd: dataDir,
      env: { ...env, ONAIR_DATA_DIR: dataDir, ONAIR_LOG_LEVEL: 'warn', ONAIR_ADMIN_PASSWORD: 'built-start-password', ONAIR_RTMP_PORT: '0' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start in 60 s:\n${out}`)), 60_000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${String(code)}:\n${out}`));
        });
        const poll = setInterval(() => {
          const m = /Onair is running at (http:\/\/\S+)/.exec(out);
          if (m) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve(m[1]!);
          }
        }, 50);
      });
      expect(await (await fetch(`${origin}/readyz`)).json()).toEqual({ status: 'ready', database: 'sqlite' });
      const page = await fetch(`${origin}/console`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
