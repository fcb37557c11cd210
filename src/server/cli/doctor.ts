import { constants, existsSync } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { AppConfig } from '../config/config.js';
import { FFMPEG_FEATURES, FFMPEG_INSTALL_HINT, probeFfmpeg } from '../modules/video/ffmpeg/ffmpeg-process.js';
import { openDatabase } from '../platform/db/database.js';

/** One line of `onair doctor`: ok, a warning (works without it), or a failure (Onair will not start). */
export interface DoctorCheck {
  name: string;
  level: 'ok' | 'warn' | 'fail';
  detail: string;
}

/** Whether a TCP port can be listened on now (port 0 always can). */
function portFree(host: string, port: number): Promise<{ free: true } | { free: false; code: string }> {
  if (port === 0) return Promise.resolve({ free: true });
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', (e: NodeJS.ErrnoException) => resolve({ free: false, code: e.code ?? e.message }));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve({ free: true })));
  });
}

async function writable(dir: string): Promise<string | null> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = join(dir, `.onair-doctor-${process.pid}`);
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * What a newcomer needs to know before `onair start`: is ffmpeg there (HLS, recording and restream
 * need it; HTTP-FLV does not), can the database be reached, are the HTTP and RTMP ports free, can
 * the data and media folders be written. Secrets are never printed (a DATABASE_URL loses its password).
 */
export async function runDoctor(cfg: AppConfig): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const ff = await probeFfmpeg(cfg.ffmpegPath);
  checks.push(
    ff.ok
      ? { name: 'ffmpeg', level: 'ok', detail: `${ff.version} (${ff.bin}): HLS, recording and restream are on` }
      : { name: 'ffmpeg', level: 'warn', detail: `missing (${ff.reason}): ${FFMPEG_FEATURES.map((f) => (f === 'hls' ? 'HLS' : f)).join(', ')} are off; HTTP-FLV works; ${FFMPEG_INSTALL_HINT}` },
  );

  const where = cfg.databaseUrl ? `PostgreSQL ${redact(cfg.databaseUrl)}` : `SQLite ${join(cfg.dataDir, 'onair.sqlite')}`;
  const dataProblem = await writable(cfg.dataDir);
  if (!cfg.databaseUrl && dataProblem) {
    checks.push({ name: 'database', level: 'fail', detail: `${where}: the data folder cannot be written (${dataProblem}); set ONAIR_DATA_DIR` });
  } else if (!cfg.databaseUrl && !existsSync(join(cfg.dataDir, 'onair.sqlite'))) {
    checks.push({ name: 'database', level: 'ok', detail: `${where}: made on first start (the folder is writable)` });
  } else {
    try {
      const db = await openDatabase({ databaseUrl: cfg.databaseUrl, pgSchema: cfg.pgSchema, sqliteFile: join(cfg.dataDir, 'onair.sqlite') });
      try {
        await sql`select 1`.execute(db.db);
        checks.push({ name: 'database', level: 'ok', detail: `${db.describe()} reachable` });
      } finally {
        // Not awaited: a pool's close can outlive a CLI that is about to exit anyway.
        void db.close().catch(() => undefined);
      }
    } catch (e) {
      checks.push({ name: 'database', level: 'fail', detail: `${where} not reachable: ${redact((e as Error).message)}` });
    }
  }

  const http = await portFree(cfg.host, cfg.port);
  checks.push(http.free ? { name: 'http port', level: 'ok', detail: `${cfg.host}:${cfg.port} is free` } : { name: 'http port', level: 'fail', detail: `${cfg.host}:${cfg.port} cannot be used (${http.code}): is Onair already running? Set ONAIR_PORT or use --port` });
  const rtmpHost = cfg.rtmpHost ?? cfg.host;
  const rtmp = await portFree(rtmpHost, cfg.rtmpPort);
  checks.push(rtmp.free ? { name: 'rtmp port', level: 'ok', detail: `${rtmpHost}:${cfg.rtmpPort} is free` } : { name: 'rtmp port', level: 'fail', detail: `${rtmpHost}:${cfg.rtmpPort} cannot be used (${rtmp.code}): another Onair or RTMP server may be using it; set ONAIR_RTMP_PORT (0 picks a free one)` });

  checks.push(dataProblem ? { name: 'data folder', level: 'fail', detail: `${cfg.dataDir} cannot be written: ${dataProblem}` } : { name: 'data folder', level: 'ok', detail: `${cfg.dataDir} is writable` });
  const mediaDir = cfg.mediaDir ?? join(cfg.dataDir, 'media');
  const mediaProblem = await writable(mediaDir);
  checks.push(mediaProblem ? { name: 'media folder', level: 'fail', detail: `${mediaDir} cannot be written (live HLS and recordings go there): ${mediaProblem}; set ONAIR_MEDIA_DIR` } : { name: 'media folder', level: 'ok', detail: `${mediaDir} is writable` });
  return checks;
}

/** A URL's password replaced, for printing. */
function redact(s: string): string {
  return s.replace(/(\w+:\/\/[^:/@\s]+:)[^@\s]*@/g, '$1***@');
}

export function formatDoctor(checks: DoctorCheck[]): string[] {
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const lines = checks.map((c) => `[${mark[c.level]}] ${c.name.padEnd(12)} ${c.detail}`);
  const failed = checks.filter((c) => c.level === 'fail').length;
  lines.push('', failed ? `${failed} problem(s) to fix before \`onair start\`.` : 'Ready: `onair start` should work.');
  return lines;
}
