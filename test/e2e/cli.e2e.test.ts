import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { permissions, rolePermissions, teamRoles } from '../../src/contracts/roles.contract.js';
import { configTableMarkdown } from '../../src/server/config/config.js';
import { settings } from '../../src/server/config/config.schema.js';
import { testPgUrl } from '../support/capabilities.js';
import { need } from '../support/need.js';

/**
 * The `onair` command as an operator runs it: a real child process, from source through tsx
 * (no build needed), in a fresh folder with none of the developer's ONAIR_* settings.
 */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliPath = join(repoRoot, 'src/server/cli/onair.ts');
// `node --import tsx` resolves tsx from the working directory; the CLI runs in a temp folder
// (so ./data and ./onair.config.json resolve there), hence the absolute loader URL.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const tempDirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'onair-cli-'));
  tempDirs.push(d);
  return d;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('ONAIR_') || k === 'DATABASE_URL' || k === 'REDIS_URL') continue;
    env[k] = v;
  }
  // Tests run many servers at once: the RTMP ingest takes any free port.
  return { ...env, ONAIR_LOG_LEVEL: 'warn', ONAIR_RTMP_PORT: '0', ...extra };
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function onair(args: string[], opts: { cwd: string; env?: Record<string, string> }): RunResult {
  const r = spawnSync(process.execPath, ['--import', tsxLoader, cliPath, ...args], {
    cwd: opts.cwd,
    env: cleanEnv(opts.env ?? {}),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  origin: string;
  stdout: string;
  stop(): Promise<void>;
}

/** `onair start` until its start-up message is complete (the last line says how to sign in). */
async function startOnair(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Started> {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliPath, 'start', '--port', '0', ...args], {
    cwd: opts.cwd,
    env: cleanEnv(opts.env ?? {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  const done = /^(Sign in and change it|Owner account created|Sign in as )/m;
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => fail('no start-up message within 60 s'), 60_000);
    const poll = setInterval(() => {
      if (done.test(stdout)) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve();
      }
    }, 50);
    function fail(why: string) {
      clearInterval(poll);
      clearTimeout(deadline);
      void stop();
      reject(new Error(`onair start: ${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }
    child.once('exit', (code) => fail(`exited early with code ${String(code)}`));
  });
  const origin = /Onair is running at (http:\/\/\S+)/.exec(stdout)?.[1];
  if (!origin) throw new Error(`no URL in:\n${stdout}`);
  return { child, origin, stdout, stop };
}

afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

describe('onair CLI', { timeout: 60_000 }, () => {
  it('--help lists start, migrate, seed-demo and config', () => {
    const r = onair(['--help'], { cwd: freshDir() });
    expect(r.status, r.stderr).toBe(0);
    for (const cmd of ['start', 'migrate', 'seed-demo', 'config']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
  });

  it('migrate applies the migrations on a fresh SQLite data folder, then says it is up to date', () => {
    const dir = freshDir();
    const env = { ONAIR_DATA_DIR: join(dir, 'data') };
    const first = onair(['migrate'], { cwd: dir, env });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\): /);
    expect(first.stdout).toContain(join(dir, 'data', 'onair.sqlite'));
    const second = onair(['migrate'], { cwd: dir, env });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('Database is up to date.');
    expect(second.stdout).not.toContain('Applied');
  });

  it('seed-demo creates 12 products, a member in every role, two earlier sessions with simulated reports, one scheduled session and one live demo shop; a second run does nothing', () => {
    const dir = freshDir();
    const env = { ONAIR_DATA_DIR: dir };
    const first = onair(['seed-demo'], { cwd: dir, env });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/12 products, 10 team members, session \S+\./);
    expect(first.stdout).toMatch(/Demo team password \(shown once\): \S+/);
    expect(first.stdout.match(/Earlier session \(ended, simulated figures, report ready\): .*\(demo, simulated figures\) {2}\/console\/sessions\/\S+\/report/g)).toHaveLength(2);

    const count = () => {
      const db = new SQLite(join(dir, 'onair.sqlite'), { readonly: true });
      try {
        const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
        return {
          products: n('select count(*) as n from products'),
          members: n('select count(*) as n from team_members'),
          sessions: n('select count(*) as n from live_sessions'),
          scheduled: n("select count(*) as n from live_sessions where status = 'scheduled'"),
          live: n("select count(*) as n from live_sessions where status = 'live'"),
          ended: n("select count(*) as n from live_sessions where status = 'ended'"),
          simulatedReports: n("select count(*) as n from analytics_reports where traffic = 'simulated' and status = 'ready'"),
          flashSales: n("select count(*) as n from flash_sales where status = 'open'"),
          roles: (db.prepare('select distinct role from team_member_roles order by role').all() as { role: string }[]).map((r) => r.role),
        };
      } finally {
        db.close();
      }
    };
    const after = count();
    expect(after).toMatchObject({ products: 12, members: teamRoles.length, sessions: 4, scheduled: 1, live: 1, ended: 2, simulatedReports: 2, flashSales: 1 });
    expect(after.roles).toEqual([...teamRoles].sort());

    const second = onair(['seed-demo'], { cwd: dir, env });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('Demo data already present; nothing to do.');
    expect(second.stdout).not.toContain('password');
    expect(count()).toEqual(after);
  });

  it('rejects invalid configuration listing every bad setting, and never echoes secrets', () => {
    const env = {
      ONAIR_PORT: 'abc',
      ONAIR_LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://root:hunter2@db.example/x',
      ONAIR_ADMIN_PASSWORD: 'short',
    };
    for (const args of [['config', '--check'], ['start'], ['migrate']]) {
      const r = onair(args, { cwd: freshDir(), env });
      expect(r.status, `onair ${args.join(' ')}: ${r.stdout}`).not.toBe(0);
      expect(r.stdout).not.toContain('Onair is running');
      const err = r.stderr;
      expect(err).toContain('Invalid configuration');
      expect(err).toMatch(/ONAIR_PORT = "abc": expected an integer/);
      expect(err).toMatch(/ONAIR_LOG_LEVEL = "loud": .*expected one of .*"warn"/);
      expect(err).toMatch(/DATABASE_URL = \(hidden\): expected a postgres:\/\/ or postgresql:\/\/ URL/);
      expect(err).toMatch(/ONAIR_ADMIN_PASSWORD = \(hidden\): expected at least 10 characters/);
      expect(err).not.toContain('hunter2');
      expect(err).not.toContain('mysql://');
      expect(err).not.toMatch(/\bshort\b/);
      expect(err).toContain('onair config');
    }
  });

  it('start names ONAIR_RTMP_PORT when the RTMP port is taken', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = onair(['start', '--port', '0'], { cwd: freshDir(), env: { ONAIR_RTMP_PORT: String(port), ONAIR_ADMIN_PASSWORD: 'rtmp-port-taken-1234' } });
      expect(r.status).not.toBe(0);
      expect(r.stdout).not.toContain('Onair is running');
      expect(r.stderr).toContain(`RTMP ingest cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      expect(r.stderr).toContain('ONAIR_RTMP_PORT');
    } finally {
      taken.close();
    }
  });

  it('config --check accepts the defaults; config prints every setting', () => {
    const dir = freshDir();
    const ok = onair(['config', '--check'], { cwd: dir });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Configuration is valid.');
    const table = onair(['config'], { cwd: dir });
    expect(table.status, table.stderr).toBe(0);
    for (const s of Object.values(settings)) expect(table.stdout).toContain(`\`${s.env}\``);
  });

  it('start with ONAIR_ADMIN_PASSWORD prints no password; that password signs in; a second start prints none either', async () => {
    const dir = freshDir();
    const adminPassword = `admin-${randomBytes(8).toString('hex')}`;
    // info level: the JSON logs on stdout must not carry the password either.
    const first = await startOnair([], { cwd: dir, env: { ONAIR_DATA_DIR: dir, ONAIR_ADMIN_PASSWORD: adminPassword, ONAIR_LOG_LEVEL: 'info' } });
    try {
      expect(first.stdout).toContain('Owner account created: owner@onair.local with the password from ONAIR_ADMIN_PASSWORD.');
      expect(first.stdout).not.toMatch(/^\s*password:/m);
      expect(first.stdout).not.toContain('shown only once');
      const res = await fetch(`${first.origin}/api/console/auth/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'owner@onair.local', password: adminPassword }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/onair_team=.*HttpOnly.*SameSite=Lax/i);
    } finally {
      await first.stop();
    }
    expect(first.stdout).not.toContain(adminPassword);

    const second = await startOnair([], { cwd: dir, env: { ONAIR_DATA_DIR: dir } });
    await second.stop();
    expect(second.stdout).toContain('Sign in as owner@onair.local');
    expect(second.stdout).not.toMatch(/password:/);
  }, 90_000);

  it('start without ONAIR_ADMIN_PASSWORD prints a one-time password on first start only', async () => {
    const dir = freshDir();
    const first = await startOnair([], { cwd: dir, env: { ONAIR_DATA_DIR: dir } });
    await first.stop();
    expect(first.stdout).toContain('This password is shown only once');
    const printed = /^\s*password:\s+(\S+)\s*$/m.exec(first.stdout)?.[1];
    expect(printed).toMatch(/^\S{12,}$/);

    const second = await startOnair([], { cwd: dir, env: { ONAIR_DATA_DIR: dir } });
    await second.stop();
    expect(second.stdout).toContain('Sign in as owner@onair.local');
    expect(second.stdout).not.toMatch(/password:/);
    expect(second.stdout).not.toContain(printed!);
  }, 90_000);

  it('README lists every setting of config.schema.ts, in the generated table', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const missing = Object.values(settings)
      .map((s) => s.env)
      .filter((env) => !readme.includes(env));
    expect(missing, 'settings missing from README.md').toEqual([]);
    expect(readme, 'README.md configuration table is stale: paste the output of `npm run onair -- config`').toContain(configTableMarkdown());
    // The roles table in the security section matches the one permission table.
    expect(readme).toContain(`| role | ${permissions.join(' | ')} |`);
    for (const role of teamRoles) {
      expect(readme).toContain(`| ${role} | ${permissions.map((p) => (rolePermissions[role].includes(p) ? '✓' : '')).join(' | ')} |`);
    }
  });
});

describe.skipIf(!need('postgres'))('onair migrate on PostgreSQL', () => {
  const schema = `onair_cli_${process.pid}_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const c = new pg.Client({ connectionString: testPgUrl });
    await c.connect();
    try {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await c.end();
    }
  });

  it('applies the migrations into ONAIR_PG_SCHEMA, then says it is up to date', async () => {
    const dir = freshDir();
    const env = { DATABASE_URL: testPgUrl, ONAIR_PG_SCHEMA: schema, ONAIR_DATA_DIR: dir };
    const first = onair(['migrate'], { cwd: dir, env });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\): /);
    expect(first.stdout).toContain(`(schema ${schema})`);
    const second = onair(['migrate'], { cwd: dir, env });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('Database is up to date.');

    const c = new pg.Client({ connectionString: testPgUrl });
    await c.connect();
    try {
      const tables = await c.query<{ table_name: string }>('select table_name from information_schema.tables where table_schema = $1', [schema]);
      const names = tables.rows.map((r) => r.table_name);
      expect(names).toEqual(expect.arrayContaining(['team_members', 'live_sessions', 'products']));
    } finally {
      await c.end();
    }
  }, 60_000);
});
