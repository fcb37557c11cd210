import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrawRecord } from '../../src/contracts/draw.contract.js';
import type { DrawDetail, PublicDrawReply } from '../../src/contracts/interact.contract.js';
import type { RoomEventPayload } from '../../src/contracts/realtime.contract.js';
import { runVerifyDraw } from '../../src/server/cli/verify-draw.js';
import { verifyDraw } from '../../src/server/modules/interact/core/fair-draw.js';
import { createTestApp, type Session, type TestApp } from '../support/test-app.js';
import { dialects } from '../support/test-databases.js';
import { closeAll, connect, listen, roomUrl, type WsClient } from '../support/ws-client.js';
import { makeLiveSession } from './fixtures/fixture-kit.js';
import { authHeaders, nextIp, viewerSignUp, type ViewerSession } from './route-fixtures.js';

/**
 * A draw on a real app, over HTTP and real WebSockets: viewers enter by commenting the phrase
 * (口令) or with the button, the room sees the commitment, the entrant count, the frozen hash and
 * the winners with the seed; `onair verify-draw <URL>` (runVerifyDraw) recomputes the published
 * record and says MATCHES, and a tampered copy does not; the winner claims the prize.
 */
type DrawEvent = Extract<RoomEventPayload, { t: 'draw' }>;

describe.each(dialects())('draws end to end on %s', (dialect) => {
  let t: TestApp;
  let http = '';
  let ws = '';
  let owner: Session;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect, {}, { realClock: true });
    ({ http, ws } = await listen(t));
    owner = await t.signInAs(['operator']);
  });
  afterAll(async () => {
    await closeAll(clients);
    await t?.dispose();
  });

  const post = async <T>(url: string, body: unknown, who: { cookie: string; csrf: string }, status = 200): Promise<T> => {
    const res = await t.app.inject({ method: 'POST', url, remoteAddress: nextIp(), headers: authHeaders('POST', who), ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}) });
    expect(res.statusCode, res.body).toBe(status);
    return (res.body ? res.json() : null) as T;
  };
  const get = (url: string, who: { cookie: string; csrf: string } | null = null) => t.app.inject({ method: 'GET', url, remoteAddress: nextIp(), headers: authHeaders('GET', who) });
  const drawEvent = (c: WsClient, id: string, status: string) =>
    c.waitForEvent((e): e is DrawEvent => e.t === 'draw' && e.draw.id === id && e.draw.status === status, 10_000, `draw ${id} ${status}`);

  it('phrase and button entries over ws, the room sees each step, the record verifies from its URL, the winner claims', async () => {
    const s = await makeLiveSession(t, { status: 'live', title: 'Draw e2e' });
    const viewers: ViewerSession[] = [];
    for (let i = 0; i < 4; i++) viewers.push(await viewerSignUp(t, `Draw fan ${dialect} ${i}`));
    for (const v of viewers) clients.push(await connect(roomUrl(ws, s.id), { cookie: v.cookie }));
    const room = clients.at(-4)!;

    const base = `/api/console/sessions/${s.id}/interact/draws`;
    const phraseDraw = await post<DrawDetail>(base, { title: '福袋', prize: { kind: 'text', label: 'Tea set' }, winnerCount: 2, entrySeconds: 600, rules: { phrase: '我要福袋' } }, owner, 201);
    const opened = await post<DrawDetail>(`${base}/${phraseDraw.id}/open`, undefined, owner);
    expect(opened.commitment).toMatch(/^[0-9a-f]{64}$/);
    const seenOpen = await drawEvent(room, phraseDraw.id, 'open');
    expect(seenOpen.draw.commitment).toBe(opened.commitment);
    expect(seenOpen.draw.phrase).toBe('我要福袋');

    // The button is refused while a phrase is set; commenting the phrase enters (three viewers, one twice).
    const c0 = clients.at(-4)!;
    c0.send({ t: 'enter', ref: 'e1', drawId: phraseDraw.id });
    expect(await c0.reply('e1')).toMatchObject({ t: 'error', code: 'PHRASE_REQUIRED' });
    for (const [i, text] of ['我要福袋', '我要 福袋！', '我要福袋', '再来：我要福袋'].entries()) {
      const c = clients.at(-4 + Math.min(i, 2))!;
      c.send({ t: 'chat', ref: `c${i}`, text });
      expect(await c.reply(`c${i}`)).toMatchObject({ t: 'ack' });
    }
    clients.at(-1)!.send({ t: 'chat', ref: 'other', text: 'hello' });
    const counted = await room.waitForEvent((e) => e.t === 'draw.entries' && e.id === phraseDraw.id && e.entrants === 3, 10_000, '3 entrants');
    expect(counted).toBeTruthy();

    // Before the draw: public data without a record, the record itself 409.
    const early = await get(`/api/draws/${phraseDraw.id}`);
    expect(early.statusCode, early.body).toBe(200);
    expect(early.json<PublicDrawReply>().record).toBeNull();
    const notYet = await get(`/api/draws/${phraseDraw.id}/record`);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json<{ error: { code: string } }>().error.code).toBe('DRAW_NOT_DRAWN');

    const drawn = await post<DrawDetail>(`${base}/${phraseDraw.id}/run`, undefined, owner);
    expect(drawn.status).toBe('drawn');
    expect(drawn.entrants).toBe(3);
    expect(drawn.winners).toHaveLength(2);
    const closedSeen = await drawEvent(room, phraseDraw.id, 'closed');
    expect(closedSeen.draw.entrantsHash).toBe(drawn.entrantsHash);
    expect(closedSeen.draw.seed).toBeNull();
    const drawnSeen = await drawEvent(room, phraseDraw.id, 'drawn');
    expect(drawnSeen.draw.seed).toBe(drawn.seed);
    expect(drawnSeen.draw.winners.map((w) => w.name).every((n) => n.startsWith('Draw fan'))).toBe(true);

    // onair verify-draw <URL>: the genuine record matches; a copy with a swapped winner does not.
    const url = `${http}/api/draws/${phraseDraw.id}/record`;
    const lines: string[] = [];
    expect(await runVerifyDraw(url, { print: (l) => lines.push(l) })).toBe(0);
    expect(lines.join('\n')).toContain('MATCHES');
    const rec = (await (await fetch(url)).json()) as DrawRecord;
    expect(verifyDraw(rec).ok).toBe(true);
    expect(rec.entrants).toHaveLength(3);
    const loser = rec.entrants.find((e) => !rec.winners.includes(e))!;
    const tampered = { ...rec, winners: [loser, ...rec.winners.slice(1)] };
    const fakeFetch = (async () => new Response(JSON.stringify(tampered), { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;
    const bad: string[] = [];
    expect(await runVerifyDraw(url, { print: (l) => bad.push(l), fetch: fakeFetch })).toBe(1);
    expect(bad.join('\n')).toContain('DOES NOT MATCH');
    const pub = (await get(`/api/draws/${phraseDraw.id}`)).json<PublicDrawReply>();
    expect(pub.record).toEqual(rec);
    expect(pub.sessionTitle).toBe('Draw e2e');

    // The winner sees the prize in their account and claims it with an address.
    const winner = viewers.find((v) => v.viewerId === rec.winners[0])!;
    const prizes = await get('/api/viewer/prizes', winner);
    expect(prizes.statusCode, prizes.body).toBe(200);
    const list = prizes.json<{ items: { id: string; status: string; needsAddress: boolean }[]; unseen: number }>();
    expect(list.unseen).toBe(1);
    expect(list.items[0]).toMatchObject({ status: 'pending', needsAddress: true });
    const claimed = await post<{ status: string }>(`/api/viewer/prizes/${list.items[0]!.id}/claim`, { address: { name: '李四', phone: '13900139000', region: '北京市', street: '长安街 1 号' } }, winner);
    expect(claimed.status).toBe('claimed');
    await post(`/api/viewer/prizes/seen`, undefined, winner, 204);
    expect((await get('/api/viewer/prizes', winner)).json<{ unseen: number }>().unseen).toBe(0);
    const rows = (await get(`${base}/${phraseDraw.id}/winners`, owner)).json<{ items: { status: string; address: unknown; hasAddress: boolean }[] }>();
    expect(rows.items[0]).toMatchObject({ status: 'claimed', hasAddress: true, address: null });

    // A button draw: entering twice is refused the second time, guests and late entries too.
    const buttonDraw = await post<DrawDetail>(base, { title: 'Button', prize: { kind: 'points', points: 10 }, winnerCount: 1, entrySeconds: 600 }, owner, 201);
    await post(`${base}/${buttonDraw.id}/open`, undefined, owner);
    c0.send({ t: 'enter', ref: 'b1', drawId: buttonDraw.id });
    expect(await c0.reply('b1')).toMatchObject({ t: 'ack' });
    c0.send({ t: 'enter', ref: 'b2', drawId: buttonDraw.id });
    expect(await c0.reply('b2')).toMatchObject({ t: 'error', code: 'ALREADY_ENTERED' });
    const mine = await get(`/api/live/${s.id}/interact/me`, viewers[0]!);
    expect(mine.json<{ entries: string[] }>().entries.sort()).toEqual([phraseDraw.id, buttonDraw.id].sort());
    await post(`${base}/${buttonDraw.id}/close`, undefined, owner);
    c0.send({ t: 'enter', ref: 'b3', drawId: buttonDraw.id });
    expect(await c0.reply('b3')).toMatchObject({ t: 'error', code: 'DRAW_NOT_OPEN' });
    const bd = await post<DrawDetail>(`${base}/${buttonDraw.id}/run`, undefined, owner);
    expect(bd.winners.map((w) => w.id)).toEqual([viewers[0]!.viewerId]);
    const again = await t.app.inject({ method: 'POST', url: `${base}/${buttonDraw.id}/run`, remoteAddress: nextIp(), headers: authHeaders('POST', owner) });
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('DRAW_ALREADY_DRAWN');
    expect(await runVerifyDraw(`${http}/api/draws/${buttonDraw.id}/record`, { print: () => undefined })).toBe(0);
  }, 60_000);
});
