#!/usr/bin/env -S node --max-semi-space-size=32
// V8's young generation raised from 16 to 32 MB per semi-space. Under a storm of requests the
// default one is scavenged so often that garbage collection took 5-17% of the server's core in the
// flash-sale bench. Two embedded runs each, the same hour: 16 MB (default) 5,700-6,200 grabs/s at
// p99 64-73 ms; 32 MB 6,800 at 69-73 ms; 64 MB 6,200-7,000 at 90-92 ms (longer pauses). `npm start`
// and the benches start the server with the flags of this line (launcher-flags.ts; a test keeps
// package.json in step).
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, configTableMarkdown, loadConfig, type AppConfig } from '../config/config.js';
import { buildApp } from '../app.js';
import { seedDemo } from '../flows/seed-demo.flow.js';
import { migrateToLatest, openDatabase } from '../platform/db/database.js';
import { join } from 'node:path';
import { startServer } from '../main.js';
import { formatDoctor, runDoctor } from './doctor.js';
import { runVerifyDraw } from './verify-draw.js';
import { runSimulate } from './simulate.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

function config(overrides: Partial<Record<keyof AppConfig, string | number>> = {}): AppConfig {
  try {
    return loadConfig({ overrides });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee \`onair config\` for every setting and its default.\n`);
      process.exit(2);
    }
    throw err;
  }
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
};

const program = new Command()
  .name('onair')
  .description('Onair: self-hostable live-commerce platform. Settings come from environment variables and onair.config.json (see `onair config`).')
  .version('0.1.0');

program
  .command('start')
  .description('Migrate the database, create the owner account on first start (printing a one-time password unless ONAIR_ADMIN_PASSWORD is set), and serve the console, viewer pages and API')
  .option('--demo', 'seed the demo brand on first run (labelled as demo data)', false)
  .option('-p, --port <port>', 'HTTP port (overrides ONAIR_PORT)', port)
  .option('--host <host>', 'bind address (overrides ONAIR_HOST)')
  .action(async (o: { demo: boolean; port?: number; host?: string }) => {
    const cfg = config({ ...(o.port !== undefined ? { port: o.port } : {}), ...(o.host ? { host: o.host } : {}) });
    const onair = await startServer(cfg, { demo: o.demo, print });
    const stop = async (signal: string) => {
      onair.app.log.info({ signal }, 'shutting down');
      await onair.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('Apply pending database migrations (SQLite by default, PostgreSQL when DATABASE_URL is set) and exit')
  .action(async () => {
    const cfg = config();
    const database = await openDatabase({ databaseUrl: cfg.databaseUrl, pgSchema: cfg.pgSchema, sqliteFile: join(cfg.dataDir, 'onair.sqlite') });
    try {
      const res = await migrateToLatest(database);
      const applied = res.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      print(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'Database is up to date.');
      print(`Database: ${database.describe()}`);
    } finally {
      await database.close();
    }
  });

program
  .command('seed-demo')
  .description('Create the demo brand: a team member in every role, 12 products with SKUs and stock, two earlier (ended) sessions with reports of simulated figures, one scheduled session, one live demo shop with a 满减 offer and an open flash sale (all marked as demo data). Does nothing if it exists')
  .action(async () => {
    const cfg = config();
    const onair = await buildApp({ config: cfg, logger: false });
    try {
      const res = await seedDemo(onair.services, onair.clock, onair.database);
      if (!res.created) print('Demo data already present; nothing to do.');
      else {
        print(`Created ${res.brandName}: ${res.products} products, ${res.members.length} team members, session ${res.sessionId}. Live demo shop with a flash sale: /live/${res.liveSessionId ?? '-'}`);
        for (const p of res.pastSessions ?? []) print(`Earlier session (ended, simulated figures, report ready): ${p.title}  /console/sessions/${p.id}/report`);
        for (const m of res.members) print(`  ${m.role.padEnd(10)} ${m.email}`);
        print(`Demo team password (shown once): ${res.memberPassword}`);
      }
    } finally {
      await onair.close();
    }
  });

program
  .command('doctor')
  .description('Check what Onair needs: ffmpeg (HLS, recording, restream; optional), the database, the HTTP and RTMP ports, the data and media folders. Exits non-zero when something required is wrong')
  .action(async () => {
    const checks = await runDoctor(config());
    for (const line of formatDoctor(checks)) print(line);
    if (checks.some((c) => c.level === 'fail')) process.exitCode = 1;
  });

program
  .command('verify-draw')
  .description('Check a published draw record (JSON file or http(s) URL): recompute the commitment, entrants hash and winners. Exits 0 when it matches, 1 when not, 2 on bad input')
  .argument('<file-or-url>', 'the draw record: a file path or an http(s) URL')
  .action(async (source: string) => {
    process.exitCode = await runVerifyDraw(source, { print });
  });

const wholeNumber = (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
};
const positiveNumber = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
};
const fraction = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a number 0-1');
  return n;
};

program
  .command('simulate')
  .description(
    'Drive a synthetic audience through a live session over the public protocol (arrivals and departures, chat, likes, product clicks, purchases paid in the sandbox, votes, draw entries). Its accounts are flagged simulated, so nothing it does counts in real figures. Signs in as a team member with analytics:simulate (--email/--password or ONAIR_SIM_EMAIL/ONAIR_SIM_PASSWORD)',
  )
  .requiredOption('--url <base>', 'the running Onair, e.g. http://localhost:3000')
  .requiredOption('--session <id>', 'the live session to fill')
  .option('--viewers <n>', 'simulated viewers, 1-2000', wholeNumber, 200)
  .option('--minutes <m>', 'length of the simulated show in minutes', positiveNumber, 10)
  .option('--speed <x>', 'play the plan this many times faster than real time', positiveNumber, 1)
  .option('--seed <n>', 'the plan is the same for the same seed', wholeNumber, 1)
  .option('--buy-share <f>', 'share of viewers who buy, 0-1 (default: about 6%, from the personas)', fraction)
  .option('--label <label>', 'names the accounts sim-<label>-0001...; default made from the time')
  .option('--email <email>', 'team member to sign in as (or ONAIR_SIM_EMAIL)')
  .option('--password <password>', 'their password (or ONAIR_SIM_PASSWORD; never printed)')
  .option('--dry-run', 'print the plan as JSON and exit (no server needed)', false)
  .action(async (o: { url: string; session: string; viewers: number; minutes: number; speed: number; seed: number; buyShare?: number; label?: string; email?: string; password?: string; dryRun: boolean }) => {
    const abort = new AbortController();
    const onSignal = () => {
      process.stderr.write('Stopping: closing the simulated viewers\' sockets...\n');
      abort.abort();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      process.exitCode = await runSimulate(o, {
        print,
        progress: (line) => process.stderr.write(`${line}\n`),
        env: process.env,
        signal: abort.signal,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });

program
  .command('config')
  .description('List every setting: environment variable, onair.config.json key, default and meaning')
  .option('--check', 'validate the current settings and exit non-zero listing every problem')
  .action((o: { check?: boolean }) => {
    if (o.check) {
      config();
      print('Configuration is valid.');
      return;
    }
    print(configTableMarkdown());
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`onair: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
