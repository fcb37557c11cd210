import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/bus.memory.js';
import { fixedClock } from '../clock.js';
import { migrateToLatest, openDatabase, type Database } from '../db/database.js';
import { timeOrderedIds } from '../ids/id-generator.js';
import { AuthService } from './auth.service.js';

/**
 * The per-node cache of resolved sign-in sessions: a hit costs no database read, but a revoked
 * session is refused on the very next request on the node that revoked it, on other nodes as soon
 * as the bus tells them, and without the bus at worst when the entry expires (cacheMs).
 */
describe('sign-in session cache', () => {
  let database: Database;
  const clock = fixedClock(new Date('2026-03-01T10:00:00Z'));
  const ids = timeOrderedIds(() => clock.now().getTime());
  const reads = { n: 0 };
  const node = (bus: MemoryBus | null) => {
    const auth = new AuthService({ db: database.db, clock, ids, signingSecret: 's'.repeat(32), ttlMs: { team: 3600_000, viewer: 3600_000 } });
    auth.registerResolver('viewer', async (id, sessionId) => {
      reads.n++;
      return { kind: 'viewer', id, nickname: id, sessionId };
    });
    return { auth, attached: bus ? auth.attachBus(bus) : Promise.resolve() };
  };
  beforeAll(async () => {
    database = await openDatabase({ sqliteFile: ':memory:' });
    await migrateToLatest(database);
  });
  afterAll(async () => database?.close());

  it('answers a repeat from memory, and refuses a signed-out session on the next request on this node and, through the bus, on the others', async () => {
    const bus = new MemoryBus();
    const a = node(bus);
    const b = node(bus);
    await Promise.all([a.attached, b.attached]);
    const s = await a.auth.createSession('viewer', 'v1', { ip: null, userAgent: null });
    expect((await a.auth.resolve('viewer', s.token))?.actor).toMatchObject({ kind: 'viewer', id: 'v1' });
    expect(await b.auth.resolve('viewer', s.token)).not.toBeNull();
    const before = reads.n;
    expect((await a.auth.resolve('viewer', s.token))?.csrfToken).toBe(s.csrfToken);
    expect(await b.auth.resolve('viewer', s.token)).not.toBeNull();
    expect(reads.n, 'both repeats came from the cache').toBe(before);
    // The wrong kind never matches a cached session.
    expect(await a.auth.resolve('team', s.token)).toBeNull();

    await a.auth.revoke(s.sessionId);
    expect(await a.auth.resolve('viewer', s.token), 'refused at once on the revoking node').toBeNull();
    await Promise.resolve(); // the bus delivers on the next microtask
    expect(await b.auth.resolve('viewer', s.token), 'refused on the other node once the bus told it').toBeNull();
  });

  it('revoking all of a principal\'s sessions reaches every node; without the bus an entry lives at most cacheMs', async () => {
    const bus = new MemoryBus();
    const a = node(bus);
    const b = node(bus);
    const deaf = node(null);
    await Promise.all([a.attached, b.attached]);
    const s1 = await a.auth.createSession('viewer', 'v2', { ip: null, userAgent: null });
    const s2 = await a.auth.createSession('viewer', 'v2', { ip: null, userAgent: null });
    for (const n of [a, b, deaf]) for (const s of [s1, s2]) expect(await n.auth.resolve('viewer', s.token)).not.toBeNull();
    expect(await a.auth.revokeAllFor('viewer', 'v2')).toBe(2);
    await Promise.resolve();
    for (const n of [a, b]) for (const s of [s1, s2]) expect(await n.auth.resolve('viewer', s.token)).toBeNull();
    // A node that missed the message still answers from its cache, for at most 2 s.
    expect(await deaf.auth.resolve('viewer', s1.token)).not.toBeNull();
    clock.advance(2001);
    expect(await deaf.auth.resolve('viewer', s1.token)).toBeNull();
  });

  it('a lookup that started before a revocation does not put the old answer in the cache', async () => {
    const a = node(null);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    a.auth.registerResolver('viewer', async (id, sessionId) => {
      await held; // the principal is still being loaded when the session is revoked
      return { kind: 'viewer', id, nickname: id, sessionId };
    });
    const s = await a.auth.createSession('viewer', 'v3', { ip: null, userAgent: null });
    const pending = a.auth.resolve('viewer', s.token);
    await new Promise((r) => setTimeout(r, 5));
    await a.auth.revoke(s.sessionId);
    release();
    expect(await pending, 'read before the revocation').not.toBeNull();
    expect(await a.auth.resolve('viewer', s.token)).toBeNull();
  });
});
