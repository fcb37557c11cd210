import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';

/**
 * The WAL is checkpointed by a worker thread: commits on the event loop never copy pages into the
 * database file themselves, yet the WAL does not grow without bound and nothing is lost on close.
 */
describe('WAL checkpoints off the event loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'onair-wal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };

  async function fill(file: string, walCheckpointMs: number) {
    const d = await openDatabase({ sqliteFile: file, walCheckpointMs });
    await sql`create table t (id integer primary key, v text)`.execute(d.db);
    const before = size(file);
    // About 4 MB in 40 commits: well past the 1,000 pages at which a commit would checkpoint by itself.
    for (let i = 0; i < 40; i++) {
      await d.db.transaction().execute(async (trx) => {
        for (let j = 0; j < 25; j++) await sql`insert into t (v) values (${'x'.repeat(4000)})`.execute(trx);
      });
    }
    return { d, before };
  }

  it('commits leave the database file alone; the worker copies the WAL into it', async () => {
    const file = join(dir, 'a.sqlite');
    // The worker's own timer is slow here: the test asks it to run.
    const { d, before } = await fill(file, 60_000);
    expect(d.checkpointer).toBeTruthy();
    // No commit checkpointed: the database file has not grown, the WAL holds it all.
    expect(size(file)).toBe(before);
    expect(size(`${file}-wal`)).toBeGreaterThan(3_500_000);
    const [busy, log, done] = await d.checkpointer!.now();
    expect(busy).toBe(0);
    expect(log).toBeGreaterThan(900);
    expect(done).toBe(log);
    expect(size(file)).toBeGreaterThan(3_500_000);
    await d.close();
    // Closed: the WAL is empty and the data is all in the file.
    expect(size(`${file}-wal`)).toBe(0);
    const again = await openDatabase({ sqliteFile: file });
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(again.db)).rows[0]!.n).toBe(1000);
    await again.close();
  });

  it('on its own timer', async () => {
    const file = join(dir, 'b.sqlite');
    const { d, before } = await fill(file, 50);
    const deadline = Date.now() + 5000;
    // The worker may have copied part of it while the writes went on: wait for the rest.
    while (size(file) <= 3_500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(size(file)).toBeGreaterThan(before);
    expect(size(file)).toBeGreaterThan(3_500_000);
    await d.close();
  });

  it('an in-memory database has no WAL and no worker', async () => {
    const d = await openDatabase({ sqliteFile: ':memory:' });
    expect(d.checkpointer ?? null).toBeNull();
    await d.close();
  });
});
