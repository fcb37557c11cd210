import { describe, expect, it } from 'vitest';
import { graceLeftMs, mergeStreamNews, stageMessage, stageState, wantsPlayer, type StreamView } from './stream-view';

const URL_A = '/api/live/s1/video.flv';
const URL_B = '/api/live/s1/video.flv?t=new';

function info(state: 'offline' | 'live' | 'reconnecting', now: number, extra: { since?: number | null; graceEndsAt?: number | null; flvUrl?: string } = {}) {
  return { state, since: extra.since ?? null, graceEndsAt: extra.graceEndsAt ?? null, now, flvUrl: extra.flvUrl ?? URL_A };
}

describe('stream news', () => {
  it('the first answer becomes the view, with the server clock offset', () => {
    const v = mergeStreamNews(null, info('live', 10_000, { since: 9_000 }), 7_000);
    expect(v).toMatchObject({ state: 'live', since: 9_000, at: 10_000, flvUrl: URL_A, serverOffsetMs: 3_000 });
  });

  it('an event keeps the address of the last answer (events carry none)', () => {
    const v0 = mergeStreamNews(null, info('live', 10_000, { since: 9_000 }), 10_000);
    const v1 = mergeStreamNews(v0, { state: 'reconnecting', since: 9_000, graceEndsAt: 70_000, now: 20_000 }, 20_000);
    expect(v1).toMatchObject({ state: 'reconnecting', graceEndsAt: 70_000, flvUrl: URL_A });
  });

  it('an answer the server gave before a later event does not undo it, but its address is kept', () => {
    const v0 = mergeStreamNews(null, info('live', 10_000, { since: 9_000 }), 10_000);
    const v1 = mergeStreamNews(v0, { state: 'reconnecting', since: 9_000, graceEndsAt: 70_000, now: 20_000 }, 20_000);
    const late = mergeStreamNews(v1, info('live', 15_000, { since: 9_000, flvUrl: URL_B }), 21_000);
    expect(late.state).toBe('reconnecting');
    expect(late.flvUrl).toBe(URL_B);
    expect(late.at).toBe(20_000);
    // Same address: nothing changes at all (no re-render).
    expect(mergeStreamNews(v1, info('live', 15_000, { since: 9_000 }), 21_000)).toBe(v1);
  });

  it('going live again bumps the epoch; staying live does not', () => {
    let v: StreamView | null = null;
    v = mergeStreamNews(v, info('live', 1, { since: 1 }), 1);
    const first = v.liveEpoch;
    expect(first).toBe(0);
    v = mergeStreamNews(v, info('live', 2, { since: 1 }), 2);
    expect(v.liveEpoch).toBe(first);
    v = mergeStreamNews(v, { state: 'reconnecting', since: 1, graceEndsAt: 60, now: 3 }, 3);
    expect(v.liveEpoch).toBe(first);
    // Back from reconnecting: the server keeps `since`, the player must still start over.
    v = mergeStreamNews(v, { state: 'live', since: 1, graceEndsAt: null, now: 4 }, 4);
    expect(v.liveEpoch).toBe(first + 1);
    // A new publish seen only through a fetch (events missed while the socket was down).
    v = mergeStreamNews(v, info('live', 5, { since: 5 }), 5);
    expect(v.liveEpoch).toBe(first + 2);
    v = mergeStreamNews(v, { state: 'offline', since: 6, graceEndsAt: null, now: 6 }, 6);
    v = mergeStreamNews(v, { state: 'live', since: 7, graceEndsAt: null, now: 7 }, 7);
    expect(v.liveEpoch).toBe(first + 3);
  });

  it('a grace end is only kept while reconnecting', () => {
    const v = mergeStreamNews(null, { state: 'live', since: 1, graceEndsAt: 99, now: 1 }, 1);
    expect(v.graceEndsAt).toBeNull();
  });
});

describe('what the stage shows', () => {
  const view = (state: 'offline' | 'live' | 'reconnecting', flvUrl: string | null = URL_A): StreamView => ({
    state, since: 1, graceEndsAt: state === 'reconnecting' ? 61_000 : null, at: 1, flvUrl, hlsUrl: null, clock: null, serverOffsetMs: 0, liveEpoch: 1,
  });

  it('waits for the answer only when the session is live', () => {
    expect(stageState(null, 'live')).toBe('loading');
    expect(stageState(null, 'scheduled')).toBe('offline');
    expect(stageState(null, 'draft')).toBe('offline');
  });

  it('follows the stream, except that an ended session has no picture', () => {
    expect(stageState(view('live'), 'live')).toBe('live');
    // The encoder took a scheduled session live; the status event may come a moment later.
    expect(stageState(view('live'), 'scheduled')).toBe('live');
    expect(stageState(view('reconnecting'), 'live')).toBe('reconnecting');
    expect(stageState(view('live'), 'ended')).toBe('offline');
    expect(stageState(view('live'), 'archived')).toBe('offline');
  });

  it('maps each state to its sentence', () => {
    expect(stageMessage('loading', 'live')).toBe('loading');
    expect(stageMessage('offline', 'scheduled')).toBe('notLive');
    expect(stageMessage('offline', 'live')).toBe('notLive');
    expect(stageMessage('offline', 'ended')).toBe('ended');
    expect(stageMessage('offline', 'archived')).toBe('ended');
    expect(stageMessage('reconnecting', 'live')).toBe('reconnecting');
    expect(stageMessage('live', 'live')).toBeNull();
  });

  it('keeps a player while live or reconnecting, with an address', () => {
    expect(wantsPlayer(view('live'), 'live')).toBe(true);
    expect(wantsPlayer(view('reconnecting'), 'reconnecting')).toBe(true);
    expect(wantsPlayer(view('offline'), 'offline')).toBe(false);
    expect(wantsPlayer(view('live', null), 'live')).toBe(false);
    expect(wantsPlayer(view('live'), 'offline')).toBe(false);
    expect(wantsPlayer(null, 'loading')).toBe(false);
  });

  it('counts the grace down on the server clock, never below zero', () => {
    expect(graceLeftMs(view('reconnecting'), 1_000)).toBe(60_000);
    expect(graceLeftMs(view('reconnecting'), 90_000)).toBe(0);
    expect(graceLeftMs(view('live'), 1_000)).toBeNull();
    expect(graceLeftMs(null, 1_000)).toBeNull();
  });
});
