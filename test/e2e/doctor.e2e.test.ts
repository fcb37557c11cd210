import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `onair doctor` as a newcomer runs it (`npx tsx src/server/cli/onair.ts doctor`, in a fresh folder,
 * none of the developer's ONAIR_* settings): every check named; ffmpeg missing is a warning that
 * names what needs it and how to install it (exit 0); a port in use is a failure (exit 1).
 */
const repoRoot = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
let busy: Server | null = null;
afterAll(() => {
  busy?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function doctor(env: Record<string, string>): { status: number | null; out: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'onair-doctor-'));
  dirs.push(cwd);
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ONAIR_') && k !== 'DATABASE_URL' && k !== 'REDIS_URL') clean[k] = v;
  // `npx tsx …` as in the README; run from a temp folder, so the repository's own tsx.
  const r = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'src/server/cli/onair.ts'), 'doctor'], { cwd, env: { ...clean, ONAIR_DATA_DIR: join(cwd, 'data'), ONAIR_PORT: '0', ONAIR_RTMP_PORT: '0', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('onair doctor', () => {
  it('names every check; with ffmpeg everything is on', () => {
    const r = doctor({});
    expect(r.out).toMatch(/\[ok {2}\] ffmpeg +\S+ .*HLS, recording and restream are on/);
    for (const name of ['database', 'http port', 'rtmp port', 'data folder', 'media folder']) expect(r.out).toMatch(new RegExp(`\\[ok  \\] ${name} `));
    expect(r.out).toContain('Ready');
    expect(r.status).toBe(0);
  }, 60_000);

  it('ffmpeg missing is a warning naming what needs it and how to install it', () => {
    const r = doctor({ ONAIR_FFMPEG: '/nonexistent' });
    expect(r.out).toMatch(/\[warn\] ffmpeg +missing \(\/nonexistent was not found\): HLS, recording, restream are off; HTTP-FLV works; .*apt-get install ffmpeg.*ONAIR_FFMPEG/);
    expect(r.status).toBe(0);
  }, 60_000);

  it('a port in use fails, naming the setting to change', async () => {
    busy = createServer();
    const port = await new Promise<number>((resolve) => busy!.listen(0, '127.0.0.1', () => resolve((busy!.address() as { port: number }).port)));
    const r = doctor({ ONAIR_RTMP_PORT: String(port) });
    expect(r.out).toMatch(new RegExp(`\\[FAIL\\] rtmp port +127\\.0\\.0\\.1:${port} cannot be used \\(EADDRINUSE\\).*ONAIR_RTMP_PORT`));
    expect(r.out).toContain('1 problem(s)');
    expect(r.status).toBe(1);
  }, 60_000);
});
