import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { dialects } from '../../../../test/support/test-databases.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import type { CreateDrawBody } from '../../../contracts/interact.contract.js';
import { fixedClock } from '../../platform/clock.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import { timeOrderedIds } from '../../platform/ids/id-generator.js';
import { canonicalEntrants, commit, drawWinners, hashEntrants, verifyDraw } from './core/fair-draw.js';
import { DrawsService } from './draws.service.js';
import type { InteractDeps, Participant } from './interact.deps.js';
import { WatchTimeTracker } from './watch-time.js';

const ctxOf = (roles: TeamRole[]): Ctx => ({
  actor: { kind: 'team', id: `m-${roles.join('-')}`, displayName: roles.join('+'), roles, permissions: permissionsOf(roles), sessionId: 's' },
  requestId: 'req-test',
  ip: '127.0.0.1',
});
const operator = ctxOf(['operator']);
const analyst = ctxOf(['analyst']);
const logistics = ctxOf(['analyst', 'logistics']);
const sys = systemCtx('test');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const viewer = (id: string): Participant => ({ kind: 'viewer', id, name: `N-${id}` });
const address = { name: '张三', phone: '13800138000', region: '上海市', street: '南京路 1 号' };

/** What the tests control: facts of other modules, the randomness, the published events. */
interface World {
  seedByte: number;
  events: { sessionId: string; e: RoomEventPayload }[];
  created: Map<string, number>;
  buyers: Set<string>;
  inRoom: Set<string>;
  points: { viewerId: string; points: number; ref: string }[];
  errors: unknown[];
}

describe.each(dialects())('DrawsService on %s', (dialect) => {
  let t: TestApp;
  let n = 0;
  // A clock of our own: the app's own interact tools run on t.clock, which stays put, so they never act on our draws.
  const clock = fixedClock(new Date('2026-11-26T08:00:00.000Z'));
  const ids = timeOrderedIds(() => clock.now().getTime());

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.dispose());

  function world(): World {
    return { seedByte: 7, events: [], created: new Map(), buyers: new Set(), inRoom: new Set(), points: [], errors: [] };
  }

  function deps(w: World): InteractDeps {
    return {
      db: t.database.db,
      clock,
      ids,
      random: (bytes) => Buffer.alloc(bytes, w.seedByte),
      audit: t.services.audit,
      sessions: t.services.sessions,
      publish: async (sessionId, e) => {
        w.events.push({ sessionId, e });
      },
      seal: { seal: (p) => `sealed:${Buffer.from(p).toString('base64')}`, open: (s) => Buffer.from(s.slice('sealed:'.length), 'base64').toString() },
      viewers: {
        names: async (vs) => new Map(vs.map((v) => [v, `N-${v}`])),
        createdAt: async (vs) => new Map(vs.filter((v) => w.created.has(v)).map((v) => [v, w.created.get(v)!])),
      },
      buyers: async (_s, vs) => new Set(vs.filter((v) => w.buyers.has(v))),
      fans: { follows: async () => new Set(), reserved: async () => new Set(), fanLevels: async () => new Map() },
      rewards: {
        issueCoupon: async (templateId, viewerId, ref) => {
          const r = await t.services.promotions.issueToWinners(sys, templateId, [viewerId], ref);
          return r.issued === 1 ? { ok: true, couponId: r.couponIds[0] ?? null } : { ok: false, reason: r.skipped[0]?.reason ?? 'NOT_ISSUED' };
        },
        grantPoints: async (viewerId, points, _reason, ref) => {
          w.points.push({ viewerId, points, ref });
        },
        couponLabel: (id) => t.services.promotions.templateName(id),
        productLabel: async (id) => (id === 'prod-known' ? 'Known tea' : null),
      },
      inRoom: (_s, v) => w.inRoom.has(v),
      filterText: () => ({ ok: true }) as never,
      onError: (err) => w.errors.push(err),
    };
  }

  function service(w: World = world()) {
    const d = deps(w);
    const watch = new WatchTimeTracker(d);
    return { w, watch, draws: new DrawsService(d, watch) };
  }

  async function liveSession(): Promise<string> {
    const s = await t.services.sessions.create(sys, { title: `Draw session ${++n}`, theme: 'other', visibility: 'public', scheduledStart: new Date(clock.now().getTime() + DAY).toISOString(), plannedMinutes: 60 });
    await t.services.sessions.transition(sys, s.id, 'scheduled');
    await t.services.sessions.transition(sys, s.id, 'live');
    return s.id;
  }

  const body = (extra: Partial<CreateDrawBody> = {}): CreateDrawBody => ({ title: 'Lucky bag', prize: { kind: 'text', label: 'A signed mug' }, winnerCount: 3, entrySeconds: 60, ...extra });
  const entrantIds = (k: number, prefix = `e${++n}`) => Array.from({ length: k }, (_, i) => `${prefix}-${i}`);
  const eventsOf = (w: World, type: string) => w.events.map((x) => x.e).filter((e) => e.t === type);
  /** The room's count as the hub sums it: every draw.entries delta. */
  const entriesTotal = (w: World, id?: string) => {
    let total = 0;
    for (const { e } of w.events) if (e.t === 'draw.entries' && (id === undefined || e.id === id)) total += e.dn;
    return total;
  };

  it('is deterministic given the seed, publishes commitment → entrants hash → seed, and its record verifies', async () => {
    const { w, draws } = service();
    const sessionId = await liveSession();
    const d = await draws.create(operator, sessionId, body({ winnerCount: 5 }));
    expect(d.status).toBe('draft');
    expect(d.prize).toEqual({ kind: 'text', label: 'A signed mug' });
    const opened = await draws.open(operator, sessionId, d.id);
    const seed = '07'.repeat(32);
    expect(opened.commitment).toBe(commit(seed));
    expect(opened.closesAt).toBe(clock.now().getTime() + 60_000);
    const row = await t.database.db.selectFrom('draws').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(row.seed).toBeNull();
    expect(row.seed_sealed).not.toBeNull();
    expect(row.seed_sealed).not.toContain(seed);

    const people = entrantIds(40);
    const outcomes = await Promise.all(people.map((id) => draws.enter(viewer(id), sessionId, d.id)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    await draws.tick(clock.now().getTime());
    expect(entriesTotal(w)).toBe(40);
    await expect(draws.record(d.id)).rejects.toMatchObject({ code: 'DRAW_NOT_DRAWN' });

    const drawn = await draws.run(operator, sessionId, d.id);
    expect(drawn.status).toBe('drawn');
    expect(drawn.seed).toBe(seed);
    expect(drawn.entrantsHash).toBe(hashEntrants(people));
    const expected = drawWinners(seed, people, 5);
    expect(drawn.winners.map((x) => x.id)).toEqual(expected);
    expect(drawn.winners[0]!.name).toBe(`N-${expected[0]}`);
    // The room saw the commitment first, then the frozen hash, then the seed with the winners.
    const drawEvents = eventsOf(w, 'draw').map((e) => (e.t === 'draw' ? e.draw : null)!);
    expect(drawEvents.map((v) => v.status)).toEqual(['open', 'closed', 'drawn']);
    expect(drawEvents[0]!.seed).toBeNull();
    expect(drawEvents[1]!.entrantsHash).toBe(hashEntrants(people));
    expect(drawEvents[1]!.seed).toBeNull();
    expect(drawEvents[2]!.seed).toBe(seed);

    const rec = await draws.record(d.id);
    expect(rec.entrants).toEqual(canonicalEntrants(people));
    expect(rec.winners).toEqual(expected);
    expect(verifyDraw(rec).ok).toBe(true);
    expect(verifyDraw({ ...rec, winners: [...rec.winners].reverse() }).ok).toBe(false);
    const pub = await draws.publicDraw(d.id);
    expect(pub.record).toEqual(rec);
    expect(pub.winners.map((x) => x.place)).toEqual([0, 1, 2, 3, 4]);

    // Wrong states answer 409 with a code.
    await expect(draws.run(operator, sessionId, d.id)).rejects.toMatchObject({ code: 'DRAW_ALREADY_DRAWN' });
    await expect(draws.open(operator, sessionId, d.id)).rejects.toMatchObject({ code: 'DRAW_ALREADY_DRAWN' });
    await expect(draws.cancel(operator, sessionId, d.id)).rejects.toMatchObject({ code: 'DRAW_ALREADY_DRAWN' });
    expect(await draws.enter(viewer('late'), sessionId, d.id)).toMatchObject({ ok: false, code: 'DRAW_NOT_OPEN' });
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', d.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['draw.closed', 'draw.created', 'draw.drawn', 'draw.opened']);
  });

  it('refuses guests, the team, closed draws, the button when a phrase is set, and unknown prizes; checks permissions', async () => {
    const { draws } = service();
    const sessionId = await liveSession();
    await expect(draws.create(analyst, sessionId, body())).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(draws.create(operator, sessionId, body({ prize: { kind: 'product', productId: 'nope' } }))).rejects.toMatchObject({ issues: [{ path: 'prize.productId' }] });
    await expect(draws.create(operator, sessionId, body({ prize: { kind: 'coupon', templateId: 'nope' } }))).rejects.toMatchObject({ issues: [{ path: 'prize.templateId' }] });
    const product = await draws.create(operator, sessionId, body({ prize: { kind: 'product', productId: 'prod-known' } }));
    expect(product.prize.label).toBe('Known tea');
    const d = await draws.create(operator, sessionId, body({ rules: { phrase: '我要福袋' } }));
    expect(await draws.enter(viewer('x'), sessionId, d.id)).toMatchObject({ ok: false, code: 'DRAW_NOT_OPEN' });
    await draws.open(operator, sessionId, d.id);
    await expect(draws.open(operator, sessionId, d.id)).rejects.toMatchObject({ code: 'DRAW_OPEN' });
    expect(await draws.enter({ kind: 'guest' }, sessionId, d.id)).toMatchObject({ ok: false, code: 'GUEST' });
    expect(await draws.enter({ kind: 'team', id: 'm', name: 'M' }, sessionId, d.id)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const refused = await draws.enter(viewer('x'), sessionId, d.id);
    expect(refused).toMatchObject({ ok: false, code: 'PHRASE_REQUIRED' });
    expect(!refused.ok && refused.message).toContain('我要福袋');
    expect(await draws.enter(viewer('x'), 'other-session', d.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const cancelled = await draws.cancel(operator, sessionId, d.id);
    expect(cancelled.status).toBe('cancelled');
    await expect(draws.close(operator, sessionId, d.id)).rejects.toMatchObject({ code: 'DRAW_CANCELLED' });
    await expect(draws.open(operator, 'other-session', d.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('enters by the phrase (口令) from chat, once per account; other comments and guests do not enter', async () => {
    const { draws } = service();
    const sessionId = await liveSession();
    const d = await draws.create(operator, sessionId, body({ rules: { phrase: 'Lucky Tea' } }));
    await draws.open(operator, sessionId, d.id);
    const say = (senderId: string, text: string, senderKind: 'viewer' | 'guest' | 'team' = 'viewer') =>
      draws.onComment({ sessionId, messageId: `m${++n}`, senderKind, senderId, senderName: 'x', text, at: clock.now().getTime() });
    say('p1', 'luckytea!!');
    say('p1', 'LUCKY  TEA');
    say('p2', 'ｌｕｃｋｙ ｔｅａ please');
    say('p3', 'lucky coffee');
    say('', 'lucky tea', 'guest');
    say('m1', 'lucky tea', 'team');
    await draws.settled();
    const rows = await t.database.db.selectFrom('draw_entries').select(['viewer_id', 'via']).where('draw_id', '=', d.id).orderBy('viewer_id').execute();
    expect(rows).toEqual([
      { viewer_id: 'p1', via: 'phrase' },
      { viewer_id: 'p2', via: 'phrase' },
    ]);
    expect(await draws.myEntries(sessionId, 'p1')).toEqual([d.id]);
    const drawn = await draws.run(operator, sessionId, d.id);
    expect(drawn.entrants).toBe(2);
    expect(drawn.rules).toEqual(['phrase']);
  });

  it('counts every entry exactly once under concurrency: one account 20 times → one row; 500 accounts → 500', async () => {
    const { w, draws } = service();
    const sessionId = await liveSession();
    const d = await draws.create(operator, sessionId, body());
    await draws.open(operator, sessionId, d.id);
    const same = await Promise.all(Array.from({ length: 20 }, () => draws.enter(viewer('same-one'), sessionId, d.id)));
    expect(same.filter((o) => o.ok)).toHaveLength(1);
    expect(same.filter((o) => !o.ok && o.code === 'ALREADY_ENTERED')).toHaveLength(19);
    const many = entrantIds(500);
    const outs = await Promise.all(many.map((id) => draws.enter(viewer(id), sessionId, d.id)));
    expect(outs.every((o) => o.ok)).toBe(true);
    const count = await t.database.db.selectFrom('draw_entries').select((eb) => eb.fn.countAll<string | number>().as('n')).where('draw_id', '=', d.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(501);
    await draws.tick(clock.now().getTime());
    const dn = entriesTotal(w, d.id);
    expect(dn).toBe(501);
    // Each event also carries the total as stored (the hub keeps the highest it has seen).
    const last = eventsOf(w, 'draw.entries').at(-1);
    expect(last).toMatchObject({ t: 'draw.entries', id: d.id, entrants: 501 });
    const [detail] = (await draws.listDetails(sessionId)).filter((x) => x.id === d.id);
    expect(detail!.entries).toBe(501);
    const tools = { polls: [], draws: [], quiz: null, questions: [], topic: null, countdowns: [] };
    await draws.snapshotInto(sessionId, tools);
    expect(tools.draws.map((x: { entrants: number }) => x.entrants)).toEqual([501]);
  });

  it('10,000 entrants and 1,000 winners: every entry counted once, the draw itself fast, the record verifies', async () => {
    const { w, draws } = service();
    const sessionId = await liveSession();
    const d = await draws.create(operator, sessionId, body({ winnerCount: 1000, prize: { kind: 'text', label: 'Sticker' } }));
    await draws.open(operator, sessionId, d.id);
    const people = entrantIds(10_000);
    const t0 = performance.now();
    const outs = await Promise.all(people.map((id) => draws.enter(viewer(id), sessionId, d.id)));
    const enterMs = performance.now() - t0;
    expect(outs.every((o) => o.ok)).toBe(true);
    await draws.tick(clock.now().getTime());
    expect(entriesTotal(w, d.id)).toBe(10_000);
    await draws.close(operator, sessionId, d.id);
    const t1 = performance.now();
    const drawn = await draws.run(operator, sessionId, d.id);
    const runMs = performance.now() - t1;
    expect(drawn.winnersTotal).toBe(1000);
    expect(drawn.winners).toHaveLength(100);
    const rec = await draws.record(d.id);
    expect(rec.entrants).toHaveLength(10_000);
    expect(rec.winners).toEqual(drawWinners('07'.repeat(32), people, 1000));
    expect(verifyDraw(rec).ok).toBe(true);
    // The draw (winners computed, 1,000 rows written in two statements, seed revealed) stays well under a second.
    expect(runMs).toBeLessThan(3000);
    console.info(`${dialect}: 10,000 entries in ${Math.round(enterMs)} ms; draw of 1,000 winners in ${Math.round(runMs)} ms`);
  }, 60_000);

  it('applies the eligibility rules end to end: watch time, bought, account age, in room, repeat-win cap across a brand’s draws', async () => {
    const w = world();
    const { watch, draws } = service(w);
    const sessionId = await liveSession();
    const startedAt = clock.now().getTime();
    const people = ['alice', 'bob', 'carol', 'dave', 'erin'].map((p) => `${p}${++n}`);
    const [alice, bob, carol, dave, erin] = people as [string, string, string, string, string];
    // Watch time: alice and bob watched 12 minutes, carol 3.
    for (const p of [alice, bob, dave, erin]) watch.presence(sessionId, `viewer:${p}`, true, startedAt);
    watch.presence(sessionId, `viewer:${carol}`, true, startedAt);
    clock.advance(3 * MIN);
    watch.presence(sessionId, `viewer:${carol}`, false, clock.now().getTime());
    clock.advance(9 * MIN);
    // Bought: everyone but bob. Accounts: dave's was created after the session started.
    for (const p of [alice, carol, dave, erin]) w.buyers.add(p);
    for (const p of people) w.created.set(p, startedAt - 30 * DAY);
    w.created.set(dave, startedAt + MIN);
    // In room at the draw: everyone but erin.
    for (const p of [alice, bob, carol, dave]) w.inRoom.add(p);

    const d = await draws.create(operator, sessionId, body({ winnerCount: 10, rules: { minWatchMinutes: 10, boughtInSession: true, accountOlderThanSession: true, inRoomAtDraw: true, repeatWinCap: { maxWins: 1 } } }));
    await draws.open(operator, sessionId, d.id);
    for (const p of people) expect(await draws.enter(viewer(p), sessionId, d.id)).toEqual({ ok: true });
    const closed = await draws.close(operator, sessionId, d.id);
    expect(closed.status).toBe('closed');
    expect(closed.entrants).toBe(1);
    expect(closed.entries).toBe(5);
    expect(closed.rules).toEqual(['watch_time', 'bought', 'account_age', 'repeat_win_cap', 'in_room']);
    const verdicts = await t.database.db.selectFrom('draw_entries').select(['viewer_id', 'eligible', 'unmet']).where('draw_id', '=', d.id).execute();
    const by = new Map(verdicts.map((v) => [v.viewer_id, v]));
    expect(by.get(alice)).toMatchObject({ eligible: 1, unmet: null });
    expect(by.get(bob)).toMatchObject({ eligible: 0, unmet: 'bought' });
    expect(by.get(carol)).toMatchObject({ eligible: 0, unmet: 'watch_time' });
    expect(by.get(dave)).toMatchObject({ eligible: 0, unmet: 'account_age' });
    expect(by.get(erin)).toMatchObject({ eligible: 0, unmet: 'in_room' });
    const drawn = await draws.run(operator, sessionId, d.id);
    expect(drawn.winners.map((x) => x.id)).toEqual([alice]);

    // A second draw of the same brand within 30 days: alice has reached the cap of one win.
    clock.advance(DAY);
    const d2 = await draws.create(operator, sessionId, body({ winnerCount: 10, rules: { repeatWinCap: { maxWins: 1, windowDays: 30 } } }));
    await draws.open(operator, sessionId, d2.id);
    for (const p of [alice, bob]) await draws.enter(viewer(p), sessionId, d2.id);
    const second = await draws.run(operator, sessionId, d2.id);
    expect(second.winners.map((x) => x.id)).toEqual([bob]);
    const v2 = await t.database.db.selectFrom('draw_entries').select(['viewer_id', 'unmet']).where('draw_id', '=', d2.id).where('viewer_id', '=', alice).executeTakeFirstOrThrow();
    expect(v2.unmet).toBe('repeat_win_cap');
    // After the window the cap no longer holds.
    clock.advance(31 * DAY);
    const d3 = await draws.create(operator, sessionId, body({ winnerCount: 10, rules: { repeatWinCap: { maxWins: 1, windowDays: 30 } } }));
    await draws.open(operator, sessionId, d3.id);
    await draws.enter(viewer(alice), sessionId, d3.id);
    expect((await draws.run(operator, sessionId, d3.id)).winners.map((x) => x.id)).toEqual([alice]);
  });

  it('the clock closes entries at closesAt and draws 3 s later', async () => {
    const { draws } = service();
    const sessionId = await liveSession();
    const d = await draws.create(operator, sessionId, body({ entrySeconds: 10 }));
    await draws.open(operator, sessionId, d.id);
    for (const p of entrantIds(4)) await draws.enter(viewer(p), sessionId, d.id);
    clock.advance(9_999);
    await draws.tick(clock.now().getTime());
    expect((await draws.listDetails(sessionId))[0]!.status).toBe('open');
    clock.advance(1);
    expect(await draws.enter(viewer('too-late'), sessionId, d.id)).toMatchObject({ ok: false, code: 'DRAW_NOT_OPEN' });
    await draws.tick(clock.now().getTime());
    expect((await draws.listDetails(sessionId))[0]!.status).toBe('closed');
    clock.advance(2_999);
    await draws.tick(clock.now().getTime());
    expect((await draws.listDetails(sessionId))[0]!.status).toBe('closed');
    clock.advance(1);
    await draws.tick(clock.now().getTime());
    const done = (await draws.listDetails(sessionId))[0]!;
    expect(done.status).toBe('drawn');
    expect(done.winnersTotal).toBe(3);
  });

  it('survives a restart mid-draw: entries, the sealed seed and the published commitment carry over', async () => {
    const w = world();
    w.seedByte = 0x2a;
    const first = service(w);
    const sessionId = await liveSession();
    const d = await first.draws.create(operator, sessionId, body({ winnerCount: 4, entrySeconds: 30 }));
    const opened = await first.draws.open(operator, sessionId, d.id);
    const before = entrantIds(10);
    for (const p of before) await first.draws.enter(viewer(p), sessionId, d.id);
    await first.draws.stop();

    // A new process on the same database; its randomness differs, the draw keeps its seed.
    const w2 = world();
    w2.seedByte = 0x55;
    const second = service(w2);
    await second.draws.start();
    expect(await second.draws.enter(viewer(before[0]!), sessionId, d.id)).toMatchObject({ ok: false, code: 'ALREADY_ENTERED' });
    const after = entrantIds(5);
    for (const p of after) expect(await second.draws.enter(viewer(p), sessionId, d.id)).toEqual({ ok: true });
    const tools = { polls: [], draws: [], quiz: null, questions: [], topic: null, countdowns: [] };
    await second.draws.snapshotInto(sessionId, tools);
    expect(tools.draws).toMatchObject([{ id: d.id, status: 'open', commitment: opened.commitment }]);
    // The clock of the new process closes and draws it.
    clock.advance(30_000);
    await second.draws.tick(clock.now().getTime());
    clock.advance(3_000);
    await second.draws.tick(clock.now().getTime());
    const rec = await second.draws.record(d.id);
    expect(rec.seed).toBe('2a'.repeat(32));
    expect(rec.commitment).toBe(opened.commitment);
    expect(rec.entrants).toEqual(canonicalEntrants([...before, ...after]));
    expect(verifyDraw(rec).ok).toBe(true);

    // Restart between close and draw: the closed draw is drawn by the next process.
    const third = service(world());
    const d2 = await third.draws.create(operator, sessionId, body({ winnerCount: 2 }));
    await third.draws.open(operator, sessionId, d2.id);
    for (const p of entrantIds(6)) await third.draws.enter(viewer(p), sessionId, d2.id);
    await third.draws.close(operator, sessionId, d2.id);
    await third.draws.stop();
    const fourth = service(world());
    await fourth.draws.start();
    clock.advance(3_000);
    await fourth.draws.tick(clock.now().getTime());
    expect(verifyDraw(await fourth.draws.record(d2.id)).ok).toBe(true);
  });

  it('two nodes: an entry on a node that has not heard of the close is refused, never acknowledged and left out', async () => {
    const a = service();
    const b = service();
    const sessionId = await liveSession();
    const d = await a.draws.create(operator, sessionId, body({ winnerCount: 1 }));
    await a.draws.open(operator, sessionId, d.id);
    expect(await b.draws.enter(viewer(`nb${++n}`), sessionId, d.id)).toEqual({ ok: true });
    await a.draws.close(operator, sessionId, d.id);
    // Node b still believes the draw is open (its refresh has not run): the database refuses.
    const late = await b.draws.enter(viewer(`nb${++n}`), sessionId, d.id);
    expect(late).toMatchObject({ ok: false, code: 'DRAW_NOT_OPEN' });
    const rows = await t.database.db.selectFrom('draw_entries').select('eligible').where('draw_id', '=', d.id).execute();
    expect(rows).toEqual([{ eligible: 1 }]);
  });

  it('a crash between closing and freezing: the next process freezes the entrants, then draws', async () => {
    const first = service();
    const sessionId = await liveSession();
    const d = await first.draws.create(operator, sessionId, body({ winnerCount: 2 }));
    await first.draws.open(operator, sessionId, d.id);
    const people = entrantIds(5);
    for (const p of people) await first.draws.enter(viewer(p), sessionId, d.id);
    // What the first step of a close leaves behind.
    await t.database.db.updateTable('draws').set({ status: 'closed', closed_at: clock.now().toISOString() }).where('id', '=', d.id).execute();
    const w2 = world();
    const second = service(w2);
    await second.draws.start();
    expect((await second.draws.listDetails(sessionId))[0]).toMatchObject({ status: 'closed', entrantsHash: null, entrants: 5 });
    await second.draws.tick(clock.now().getTime());
    const frozen = (await second.draws.listDetails(sessionId))[0]!;
    expect(frozen).toMatchObject({ status: 'closed', entrantsHash: hashEntrants(people), entrants: 5 });
    clock.advance(3_000);
    await second.draws.tick(clock.now().getTime());
    expect(verifyDraw(await second.draws.record(d.id)).ok).toBe(true);
    expect(eventsOf(w2, 'draw').flatMap((e) => (e.t === 'draw' && e.draw.id === d.id ? [e.draw.status] : []))).toEqual(['closed', 'drawn']);
  });

  it('claims: the winner gives an address before the deadline; unclaimed prizes are redrawn from the same list or lapse', async () => {
    const { draws } = service();
    const sessionId = await liveSession();
    const d = await draws.create(operator, sessionId, body({ winnerCount: 2, claimHours: 2, unclaimed: 'redraw' }));
    await draws.open(operator, sessionId, d.id);
    const people = entrantIds(6);
    for (const p of people) await draws.enter(viewer(p), sessionId, d.id);
    const drawn = await draws.run(operator, sessionId, d.id);
    const [first, second] = drawn.winners.map((x) => x.id) as [string, string];
    const mine = await draws.myPrizes(first);
    expect(mine.unseen).toBe(1);
    expect(mine.items[0]).toMatchObject({ drawId: d.id, status: 'pending', needsAddress: true, seen: false, prize: { kind: 'text', label: 'A signed mug' } });
    const prizeId = mine.items[0]!.id;
    await expect(draws.claim(second, prizeId, address)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const claimed = await draws.claim(first, prizeId, address);
    expect(claimed.status).toBe('claimed');
    expect((await draws.claim(first, prizeId, address)).status).toBe('claimed');
    await expect(draws.claim(first, prizeId, { ...address, street: '另一条路 2 号' })).rejects.toMatchObject({ code: 'ALREADY_CLAIMED' });
    const stored = await t.database.db.selectFrom('draw_winners').select('address_sealed').where('id', '=', prizeId).executeTakeFirstOrThrow();
    expect(stored.address_sealed).not.toContain('南京路');
    await draws.markSeen(first);
    expect((await draws.myPrizes(first)).unseen).toBe(0);
    // The console: the address for fulfilment only.
    const forLogistics = await draws.winners(logistics, sessionId, d.id);
    expect(forLogistics.items[0]).toMatchObject({ viewerId: first, address, hasAddress: true });
    const forAnalyst = await draws.winners(analyst, sessionId, d.id);
    expect(forAnalyst.items[0]).toMatchObject({ address: null, hasAddress: true });

    // The second winner lets the deadline pass: the next place of the same shuffle wins.
    clock.advance(2 * HOUR);
    const secondPrize = (await draws.myPrizes(second)).items[0]!;
    await expect(draws.claim(second, secondPrize.id, address)).rejects.toMatchObject({ code: 'CLAIM_CLOSED' });
    await draws.tick(clock.now().getTime());
    expect((await draws.myPrizes(second)).items[0]!.status).toBe('redrawn');
    const rows = (await draws.winners(analyst, sessionId, d.id)).items;
    expect(rows.map((r) => [r.place, r.status])).toEqual([
      [0, 'claimed'],
      [1, 'redrawn'],
      [2, 'pending'],
    ]);
    expect(rows[2]!.viewerId).toBe(drawWinners('07'.repeat(32), people, 3)[2]);
    expect(Date.parse(rows[2]!.claimBy!)).toBe(clock.now().getTime() + 2 * HOUR);
    // The record still verifies: its winners are the first winnerCount places.
    expect(verifyDraw(await draws.record(d.id)).ok).toBe(true);
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', d.id).where('action', '=', 'draw.prize_redrawn').execute();
    expect(audit).toHaveLength(1);

    // Lapse: the prize simply lapses.
    const d2 = await draws.create(operator, sessionId, body({ winnerCount: 1, claimHours: 1, unclaimed: 'lapse' }));
    await draws.open(operator, sessionId, d2.id);
    for (const p of entrantIds(3)) await draws.enter(viewer(p), sessionId, d2.id);
    const [only] = (await draws.run(operator, sessionId, d2.id)).winners;
    clock.advance(HOUR + 10_000);
    await draws.tick(clock.now().getTime());
    expect((await draws.myPrizes(only!.id)).items[0]!.status).toBe('lapsed');
    expect((await draws.winners(analyst, sessionId, d2.id)).items).toHaveLength(1);
  });

  it('points prizes are credited to each winner; coupon prizes are issued to the winner’s account', async () => {
    const w = world();
    const { draws } = service(w);
    const sessionId = await liveSession();
    const pts = await draws.create(operator, sessionId, body({ winnerCount: 2, prize: { kind: 'points', points: 50 } }));
    expect(pts.prize.label).toBe('50 points');
    await draws.open(operator, sessionId, pts.id);
    for (const p of entrantIds(3)) await draws.enter(viewer(p), sessionId, pts.id);
    const drawnPts = await draws.run(operator, sessionId, pts.id);
    await draws.settled();
    expect(w.points.map((p) => [p.viewerId, p.points, p.ref])).toEqual(drawnPts.winners.map((x, i) => [x.id, 50, `draw:${pts.id}:${i}`]));
    expect((await draws.winners(analyst, sessionId, pts.id)).items.map((r) => r.status)).toEqual(['issued', 'issued']);
    // A crash between the draw and the credit leaves a prize pending: the sweep credits it (same ref, so never twice).
    await t.database.db.updateTable('draw_winners').set({ status: 'pending', issued_ref: null }).where('draw_id', '=', pts.id).where('place', '=', 1).execute();
    clock.advance(10_000);
    await draws.tick(clock.now().getTime());
    await draws.settled();
    expect(w.points.at(-1)).toEqual({ viewerId: drawnPts.winners[1]!.id, points: 50, ref: `draw:${pts.id}:1` });
    expect((await draws.winners(analyst, sessionId, pts.id)).items.map((r) => r.status)).toEqual(['issued', 'issued']);

    const marketer = ctxOf(['marketer']);
    const hour = (h: number) => new Date(t.clock.now().getTime() + h * HOUR).toISOString();
    const tpl = await t.services.promotions.createTemplate(marketer, { name: `抽奖券 ${++n}`, discountType: 'fixed', offFen: 2000, thresholdFen: 10000, validFrom: hour(-1), validTo: hour(24 * 30), totalQuantity: 10, perViewerLimit: 5 });
    const winners: string[] = [];
    for (let i = 0; i < 2; i++) winners.push((await t.services.viewers.signUp(sys, `Coupon winner ${n}-${i}`, 'viewer-password-1', null)).viewer.id);
    const cp = await draws.create(operator, sessionId, body({ winnerCount: 5, prize: { kind: 'coupon', templateId: tpl.id } }));
    expect(cp.prize.label).toBe(tpl.name);
    await draws.open(operator, sessionId, cp.id);
    for (const v of winners) await draws.enter(viewer(v), sessionId, cp.id);
    await draws.run(operator, sessionId, cp.id);
    await draws.settled();
    const coupons = await t.database.db.selectFrom('coupons').select(['viewer_id', 'id']).where('template_id', '=', tpl.id).execute();
    expect(coupons.map((c) => c.viewer_id).sort()).toEqual([...winners].sort());
    const rows = (await draws.winners(analyst, sessionId, cp.id)).items;
    expect(rows.every((r) => r.status === 'issued' && coupons.some((c) => c.id === r.issuedRef))).toBe(true);
    const prize = (await draws.myPrizes(winners[0]!)).items[0]!;
    expect(prize).toMatchObject({ status: 'issued', needsAddress: false });
    await expect(draws.claim(winners[0]!, prize.id, address)).rejects.toMatchObject({ code: 'NOTHING_TO_CLAIM' });
  });
});
