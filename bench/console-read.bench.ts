/**
 * Console read path: an authenticated, permission-checked, schema-serialised GET
 * (/api/console/sessions, which resolves the session cookie in the database on every request)
 * against the bare baseline of the same server (/healthz: no auth, no database).
 * Load comes from autocannon in this process; the server is the real CLI in a child process,
 * so the two do not share an event loop. Rounds alternate to even out a noisy machine.
 */
import { launcherNodeFlags } from '../src/server/cli/launcher-flags.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const connections = 16;
const databaseUrl = process.env.BENCH_DATABASE_URL; // e.g. postgres://postgres@127.0.0.1:5432/test

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'onair-bench-'));
  const password = `bench-${Date.now()}-pw`;
  const schema = `onair_bench_${process.pid}`;
  const child = spawn(process.execPath, [...launcherNodeFlags(), '--import', 'tsx', 'src/server/cli/onair.ts', 'start', '--demo', '--port', '0'], {
    env: { ...process.env, ONAIR_DATA_DIR: dir, ONAIR_ADMIN_PASSWORD: password, ONAIR_LOG_LEVEL: 'warn', ONAIR_RTMP_PORT: '0', ...(databaseUrl ? { DATABASE_URL: databaseUrl, ONAIR_PG_SCHEMA: schema } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /running at (http:\/\/localhost:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
    });
    const signin = await fetch(`${origin}/api/console/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@onair.local', password }),
    });
    if (signin.status !== 200) throw new Error(`sign-in failed: ${signin.status}`);
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    const run = (path: string, headers: Record<string, string> = {}) =>
      autocannon({ url: `${origin}${path}`, connections, duration: seconds, headers });

    await run('/healthz'); // warm-up
    const base: { rps: number; p50: number; p99: number }[] = [];
    const subj: typeof base = [];
    let non2xx = 0;
    for (let i = 0; i < rounds; i++) {
      const b = await run('/healthz');
      base.push({ rps: b.requests.average, p50: b.latency.p50, p99: b.latency.p99 });
      const s = await run('/api/console/sessions', { cookie });
      non2xx += s.non2xx + s.errors;
      subj.push({ rps: s.requests.average, p50: s.latency.p50, p99: s.latency.p99 });
    }
    const figures = {
      database: databaseUrl ? 'postgres' : 'sqlite',
      connections,
      secondsPerRound: seconds,
      rounds,
      consoleSessions_rps_median: median(subj.map((x) => x.rps)),
      consoleSessions_p50_ms_median: median(subj.map((x) => x.p50)),
      consoleSessions_p99_ms_median: median(subj.map((x) => x.p99)),
      non2xx,
    };
    const baselines = {
      healthz_rps_median: median(base.map((x) => x.rps)),
      healthz_p50_ms_median: median(base.map((x) => x.p50)),
      healthz_p99_ms_median: median(base.map((x) => x.p99)),
    };
    const ratio = figures.consoleSessions_rps_median / baselines.healthz_rps_median;
    const targets = [
      { name: 'authenticated console read p99 latency (ms)', goal: '< 50', value: figures.consoleSessions_p99_ms_median, met: figures.consoleSessions_p99_ms_median < 50 },
      // A floor, not an ambition: the subject does ~5 indexed queries and a zod-checked reply per
      // request, the baseline none. Catches a regression such as hashing or a scan per request.
      { name: 'throughput vs bare route (ratio)', goal: '>= 0.1', value: Number(ratio.toFixed(3)), met: ratio >= 0.1 },
      { name: 'failed requests', goal: '= 0', value: non2xx, met: non2xx === 0 },
    ];
    console.log(JSON.stringify({ bench: 'console-read', figures, baselines, targets }));
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    if (databaseUrl) {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
