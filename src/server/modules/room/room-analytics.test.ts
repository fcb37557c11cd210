import { describe, expect, it } from 'vitest';
import { RecordingSink } from '../../../../test/support/recording-sink.js';
import { RoomAnalytics, TRACK_BEACONS_PER_MINUTE } from './room-analytics.js';

const LIVE_AT = 1_000_000;

function setup(opts: { simulated?: Set<string>; liveSince?: number | null } = {}) {
  const sink = new RecordingSink();
  let now = LIVE_AT + 5_000;
  let n = 0;
  const a = new RoomAnalytics({
    sink,
    now: () => now,
    liveSince: async () => (opts.liveSince === undefined ? LIVE_AT : opts.liveSince),
    viewerSimulated: async (id) => opts.simulated?.has(id) ?? false,
    onError: (err) => {
      throw err;
    },
    connId: () => `c${++n}`,
  });
  const open = (principalKey: string, query = '', userAgent?: string) =>
    a.openView({ sessionId: 's1', principalKey, viewerId: principalKey.startsWith('viewer:') ? principalKey.slice(7) : null, userAgent, query: new URLSearchParams(query) });
  return { sink, a, open, advance: (ms: number) => (now += ms), at: () => now };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('RoomAnalytics', () => {
  it('records a view: start, one heartbeat per open view per beat (numbered), end; with source, traffic and stream time', async () => {
    const { sink, a, open, advance, at } = setup();
    const v = await open('viewer:v1', 'src=share&by=v9', 'Mozilla/5.0 Chrome/131');
    a.member(v, true, at());
    advance(30_000);
    a.heartbeat();
    advance(30_000);
    a.heartbeat();
    a.member(v, false, at());
    expect(sink.events.map((e) => e.id)).toEqual(['vs:c1', 'hb:c1:1', 'hb:c1:2', 've:c1']);
    expect(sink.events.every((e) => e.viewerKey === 'viewer:v1' && e.source === 'share' && e.traffic === 'real' && e.sessionId === 's1')).toBe(true);
    expect(sink.events.map((e) => e.streamMs)).toEqual([5_000, 35_000, 65_000, 65_000]);
    // Gone: no more heartbeats, a second end changes nothing.
    a.heartbeat();
    a.member(v, false, at());
    expect(sink.events).toHaveLength(4);
    expect(a.openViews).toBe(0);
  });

  it('labels traffic per connection: simulated account, simulator agent, bot agent; bad source parameters are ignored', async () => {
    const { open } = setup({ simulated: new Set(['sim']) });
    expect((await open('viewer:sim')).traffic).toBe('simulated');
    expect((await open('guest:g1', '', 'OnairSimulator/1.0')).traffic).toBe('simulated');
    expect((await open('guest:g2', '', 'Mozilla/5.0 (compatible; Googlebot/2.1)')).traffic).toBe('bot');
    const bad = await open('guest:g3', 'src=share&by=%3Cx%3E&utm_source=' + 'x'.repeat(200));
    expect([bad.traffic, bad.source]).toEqual(['real', 'direct']);
  });

  it('lends the latest view to other events of the viewer, and the other tab when one closes', async () => {
    const { a, open, at } = setup();
    const tab1 = await open('viewer:v1', 'ref=ABC');
    const tab2 = await open('viewer:v1', 'utm_source=wx');
    a.member(tab1, true, at());
    a.member(tab2, true, at());
    await settle();
    expect(a.viewContext('s1', 'viewer:v1', at())).toEqual({ source: 'utm:wx/-/-', traffic: 'real', streamMs: 5_000 });
    a.member(tab2, false, at());
    expect(a.viewContext('s1', 'viewer:v1', at()).source).toBe('referral:ABC');
    a.member(tab1, false, at());
    expect(a.viewContext('s1', 'viewer:v1', at())).toEqual({ source: null, traffic: 'real', streamMs: null });
  });

  it('stream time is null before the live, and counts from the moment it goes live on this node', async () => {
    const { sink, a, open, advance, at } = setup({ liveSince: null });
    const v = await open('guest:g1');
    a.member(v, true, at());
    await settle();
    advance(10_000);
    a.wentLive('s1', at());
    advance(30_000);
    a.heartbeat();
    expect(sink.events.map((e) => [e.id, e.streamMs])).toEqual([
      ['vs:c1', null],
      ['hb:c1:1', 30_000],
    ]);
  });

  it('likes: n per message, the client ref makes the id; beacons over the socket count once (retries answered as duplicates)', async () => {
    const { sink, a, open, at } = setup();
    const v = await open('viewer:v1', 'rh=news.example');
    a.member(v, true, at());
    a.like(v, 5, 'r1');
    a.like(v, 5, 'r1');
    a.like(undefined, 3, 'r2'); // a team connection has no view: nothing
    expect(sink.of('like').map((e) => [e.id, e.n, e.source])).toEqual([
      ['l:viewer:v1:r1', 5, 'referrer:news.example'],
      ['l:viewer:v1:r1', 5, 'referrer:news.example'],
    ]);
    const batch = [
      { id: 'beacon-0001', type: 'product_impression' as const, productId: 'p1' },
      { id: 'beacon-0002', type: 'product_click' as const, productId: 'p1' },
    ];
    expect(a.track(v, batch)).toEqual({ accepted: 2, duplicates: 0 });
    expect(a.track(v, batch)).toEqual({ accepted: 0, duplicates: 2 });
    expect(sink.events.filter((e) => e.id.startsWith('b:')).map((e) => [e.id, e.type, e.productId, e.viewerKey])).toEqual([
      ['b:beacon-0001', 'product_impression', 'p1', 'viewer:v1'],
      ['b:beacon-0002', 'product_click', 'p1', 'viewer:v1'],
    ]);
    expect(a.track(undefined, batch)).toEqual({ accepted: 0, duplicates: 0 });
  });

  it('bounds beacons per connection per minute (TRACK_BEACONS_PER_MINUTE)', async () => {
    const { a, open, at, advance } = setup();
    const v = await open('guest:g1');
    a.member(v, true, at());
    const burst = (k: number) => Array.from({ length: 20 }, (_, i) => ({ id: `burst-${k}-${String(i).padStart(3, '0')}`, type: 'share' as const }));
    for (let k = 0; k < TRACK_BEACONS_PER_MINUTE / 20; k++) expect(a.track(v, burst(k))).toEqual({ accepted: 20, duplicates: 0 });
    expect(a.track(v, burst(999))).toEqual({ limited: 60_000 });
    advance(60_000);
    expect(a.track(v, burst(999))).toEqual({ accepted: 20, duplicates: 0 });
  });
});
