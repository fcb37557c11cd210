import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { migrateToLatest, openDatabase, type Database } from '../db/database.js';
import { timeOrderedIds } from '../ids/id-generator.js';
import { AuthService } from './auth.service.js';

/**
 * Flash passes are checked on every grab; a verified pass's MAC is remembered so the same pass
 * sent again costs no HMAC. What is remembered must never let anything through that the full
 * check would refuse: forged variants, another sale, expiry, sign-out.
 */
describe('verified-pass memory', () => {
  let database: Database;
  const clock = fixedClock(new Date('2026-03-01T10:00:00Z'));
  const ids = timeOrderedIds(() => clock.now().getTime());
  let auth: AuthService;
  const viewer = { id: 'v1', nickname: 'Ann', sessionId: 'a'.repeat(64) };
  beforeAll(async () => {
    database = await openDatabase({ sqliteFile: ':memory:' });
    await migrateToLatest(database);
    auth = new AuthService({ db: database.db, clock, ids, signingSecret: 's'.repeat(32), ttlMs: { team: 3600_000, viewer: 3600_000 } });
  });
  afterAll(async () => database?.close());

  it('the same pass twice: the same viewer; a changed character, another scope or the expiry: refused', () => {
    const { pass } = auth.issuePass('sale-1', viewer, 120_000);
    expect(auth.verifyPass('sale-1', pass)).toMatchObject({ kind: 'viewer', id: 'v1' });
    expect(auth.verifyPass('sale-1', pass)).toMatchObject({ kind: 'viewer', id: 'v1' });
    // Every single-character change of the remembered pass is refused.
    for (let i = 0; i < pass.length; i++) {
      const c = pass[i] === 'A' ? 'B' : 'A';
      const forged = pass.slice(0, i) + c + pass.slice(i + 1);
      if (forged !== pass) expect(auth.verifyPass('sale-1', forged), `position ${i}`).toBeNull();
    }
    expect(auth.verifyPass('sale-2', pass)).toBeNull();
    clock.advance(121_000);
    expect(auth.verifyPass('sale-1', pass)).toBeNull();
  });

  it('a pass signed here is remembered at once; one signed by another node is checked in full, then remembered', () => {
    const before = auth.passesRemembered;
    const { pass } = auth.issuePass('sale-4', viewer, 120_000);
    expect(auth.passesRemembered).toBe(before + 1);
    expect(auth.verifyPass('sale-4', pass)).toMatchObject({ kind: 'viewer', id: 'v1' });
    expect(auth.passesRemembered).toBe(before + 1);
    // Another node with the same secret (scale-out): its pass verifies here by its MAC.
    const otherNode = new AuthService({ db: database.db, clock, ids, signingSecret: 's'.repeat(32), ttlMs: { team: 3600_000, viewer: 3600_000 } });
    const { pass: fromThere } = otherNode.issuePass('sale-4', { ...viewer, id: 'v9', sessionId: 'd'.repeat(64) }, 120_000);
    expect(auth.verifyPass('sale-4', fromThere)).toMatchObject({ kind: 'viewer', id: 'v9' });
    expect(auth.passesRemembered).toBe(before + 2);
    // A node with another secret: refused, and not remembered.
    const stranger = new AuthService({ db: database.db, clock, ids, signingSecret: 't'.repeat(32), ttlMs: { team: 3600_000, viewer: 3600_000 } });
    expect(auth.verifyPass('sale-4', stranger.issuePass('sale-4', viewer, 120_000).pass)).toBeNull();
    expect(auth.passesRemembered).toBe(before + 2);
  });

  it('a sign-out or a change of the viewer voids a remembered pass', async () => {
    const { pass } = auth.issuePass('sale-3', { ...viewer, sessionId: 'b'.repeat(64) }, 120_000);
    const { pass: other } = auth.issuePass('sale-3', { ...viewer, id: 'v2', sessionId: 'c'.repeat(64) }, 120_000);
    expect(auth.verifyPass('sale-3', pass)).not.toBeNull();
    expect(auth.verifyPass('sale-3', other)).not.toBeNull();
    clock.advance(10_000);
    await auth.revoke('b'.repeat(64));
    await auth.forgetPrincipal('viewer', 'v2');
    expect(auth.verifyPass('sale-3', pass)).toBeNull();
    expect(auth.verifyPass('sale-3', other)).toBeNull();
  });
});
