import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestDatabase, type TestDatabase } from '../../../../test/support/test-databases.js';
import { GroupCommit } from './group-commit.js';

describe.each(dialects())('GroupCommit on %s', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
    await sql`create table gc_items (id text primary key, n integer not null check (n >= 0))`.execute(t.database.db);
  });
  afterAll(async () => t?.drop());

  it('runs concurrent writers, each with its own outcome: a failing one is rolled back alone, the others commit', async () => {
    const g = new GroupCommit(t.database.db, t.database.dialect === 'sqlite');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        g.run(async (trx) => {
          await trx.insertInto('gc_items' as never).values({ id: `a${i}`, n: i } as never).execute();
          if (i % 7 === 3) {
            // A second write, then a failure (CHECK): the whole job must vanish, the first write too.
            await trx.insertInto('gc_items' as never).values({ id: `b${i}`, n: 1 } as never).execute();
            await trx.insertInto('gc_items' as never).values({ id: `c${i}`, n: -1 } as never).execute();
          }
          return i * 2;
        }),
      ),
    );
    const ids = new Set(((await sql<{ id: string }>`select id from gc_items`.execute(t.database.db)).rows).map((r) => r.id));
    results.forEach((r, i) => {
      if (i % 7 === 3) {
        expect(r.status).toBe('rejected');
        expect(ids.has(`a${i}`)).toBe(false);
        expect(ids.has(`b${i}`)).toBe(false);
      } else {
        expect(r).toEqual({ status: 'fulfilled', value: i * 2 });
        expect(ids.has(`a${i}`)).toBe(true);
      }
    });
    // A duplicate key is one job's failure, not the group's.
    const again = await Promise.allSettled([g.run((trx) => trx.insertInto('gc_items' as never).values({ id: 'a0', n: 1 } as never).execute()), g.run((trx) => trx.insertInto('gc_items' as never).values({ id: 'z1', n: 1 } as never).execute())]);
    expect(again.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });
});
