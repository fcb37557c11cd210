import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEntrants, commit, drawWinners, hashEntrants } from '../../src/server/modules/interact/core/fair-draw.js';

/**
 * `onair verify-draw <file-or-url>` as a viewer runs it (`npx tsx src/server/cli/onair.ts verify-draw …`):
 * a genuine record matches (exit 0), a tampered one is named (exit 1), a malformed one is bad input (exit 2).
 */
const repoRoot = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'onair-verify-draw-'));
let server: Server;
let base = '';

const seed = '5e'.repeat(16) + '0123456789abcdef'.repeat(2);
const entrants = canonicalEntrants(Array.from({ length: 50 }, (_, i) => `viewer-${i}`));
const genuine = {
  version: 1,
  drawId: 'draw-1',
  sessionId: 'session-1',
  algorithm: 'onair-draw-v1',
  commitment: commit(seed),
  seed,
  entrantsHash: hashEntrants(entrants),
  entrants,
  winnerCount: 3,
  winners: drawWinners(seed, entrants, 3),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/draw.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(genuine));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
}

function verify(source: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/server/cli/onair.ts', 'verify-draw', source], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, out: stdout + stderr });
    });
  });
}

describe('onair verify-draw', () => {
  it('a genuine record matches and prints the recomputed winners (exit 0)', async () => {
    const r = await verify(file('genuine.json', genuine));
    expect(r.out).toContain(`Recomputed winners: ${genuine.winners.join(', ')}`);
    expect(r.out).toContain('MATCHES');
    expect(r.status).toBe(0);
  }, 60_000);

  it('a tampered record is named (exit 1)', async () => {
    const tampered = { ...genuine, winners: ['viewer-7', ...genuine.winners.filter((w) => w !== 'viewer-7').slice(1)] };
    const r = await verify(file('tampered.json', tampered));
    expect(r.out).toContain('DOES NOT MATCH');
    expect(r.out).toMatch(/winners: position 1 is viewer-7 in the record, recomputed /);
    expect(r.out).toContain(`Recomputed winners: ${genuine.winners.join(', ')}`);
    expect(r.status).toBe(1);
  }, 60_000);

  it('reads a record from an http URL', async () => {
    const r = await verify(`${base}/draw.json`);
    expect(r.out).toContain('MATCHES');
    expect(r.status).toBe(0);
  }, 60_000);

  it('bad input names the field (exit 2)', async () => {
    const r = await verify(file('bad.json', { ...genuine, seed: 'XYZ', winnerCount: 0 }));
    expect(r.out).toContain('is not a draw record');
    expect(r.out).toContain('seed: expected the seed as 64 lowercase hex characters');
    expect(r.out).toContain('winnerCount: expected at least 1 winner');
    expect(r.status).toBe(2);
    const missing = await verify(join(dir, 'nope.json'));
    expect(missing.out).toMatch(/could not read .*ENOENT/);
    expect(missing.status).toBe(2);
  }, 60_000);
});
