import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_BEACONS_PER_BATCH as CONTRACT_BATCH, beaconBatchBody, type Beacon } from '../../contracts/analytics-events.contract.js';
import { MAX_TRACK_EVENTS as CONTRACT_TRACK } from '../../contracts/realtime.contract.js';
import { MAX_BEACONS_PER_BATCH, MAX_TRACK_EVENTS } from './room-protocol';
import { BEACONS_URL, RoomTracker, TRACK_FLUSH_MS } from './room-tracker';

function setup(opts: { socket?: boolean; guest?: string | null } = {}) {
  let n = 0;
  const overSocket: Beacon[][] = [];
  const posted: string[] = [];
  const beaconed: string[] = [];
  const tracker = new RoomTracker({
    sessionId: 's1',
    sendOverSocket: async (events) => {
      if (!opts.socket) return false;
      overSocket.push(events);
      return true;
    },
    guestId: () => (opts.guest === undefined ? 'gGuest000001' : opts.guest),
    source: { channel: 'share', sharedBy: 'v1' },
    now: () => 1_000,
    newId: () => `beacon-${String(++n).padStart(4, '0')}`,
    post: async (url, body) => {
      expect(url).toBe(BEACONS_URL);
      posted.push(body);
      return true;
    },
    beacon: (_url, body) => {
      beaconed.push(body);
      return true;
    },
  });
  return { tracker, overSocket, posted, beaconed };
}

describe('RoomTracker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('copies the contract bounds', () => {
    expect([MAX_TRACK_EVENTS, MAX_BEACONS_PER_BATCH]).toEqual([CONTRACT_TRACK, CONTRACT_BATCH]);
  });

  it('one impression per product per page view; a burst goes over the socket in messages of at most 20', async () => {
    const { tracker, overSocket, posted } = setup({ socket: true });
    for (let i = 0; i < 25; i++) tracker.impression(`p${i}`);
    tracker.impression('p0');
    tracker.click('p1');
    tracker.addToCart('p1', 3);
    tracker.share('copy');
    await vi.advanceTimersByTimeAsync(TRACK_FLUSH_MS);
    expect(overSocket.map((m) => m.length)).toEqual([20, 8]);
    const all = overSocket.flat();
    expect(all.filter((b) => b.type === 'product_impression')).toHaveLength(25);
    expect(all.slice(-3)).toEqual([
      { id: 'beacon-0026', at: 1_000, type: 'product_click', productId: 'p1' },
      { id: 'beacon-0027', at: 1_000, type: 'add_to_cart', productId: 'p1', n: 3 },
      { id: 'beacon-0028', at: 1_000, type: 'share', shareChannel: 'copy' },
    ]);
    expect(posted).toEqual([]);
    expect(tracker.pending).toBe(0);
  });

  it('without the socket, batches go to the beacons route as the contract wants them (guest id, source)', async () => {
    const { tracker, posted } = setup({ socket: false });
    tracker.click('p1');
    tracker.addToCart('p1');
    await vi.advanceTimersByTimeAsync(TRACK_FLUSH_MS);
    expect(posted).toHaveLength(1);
    const body = JSON.parse(posted[0]!) as unknown;
    expect(beaconBatchBody.parse(body)).toEqual({
      sessionId: 's1',
      guestId: 'gGuest000001',
      source: { channel: 'share', sharedBy: 'v1' },
      events: [
        { id: 'beacon-0001', at: 1_000, type: 'product_click', productId: 'p1' },
        { id: 'beacon-0002', at: 1_000, type: 'add_to_cart', productId: 'p1' },
      ],
    });
  });

  it('on pagehide what is left leaves with sendBeacon; signed-in viewers send no guest id', () => {
    const { tracker, beaconed } = setup({ socket: true, guest: null });
    tracker.share('system');
    tracker.pagehide();
    expect(beaconed).toHaveLength(1);
    const body = JSON.parse(beaconed[0]!) as Record<string, unknown>;
    expect(body.guestId).toBeUndefined();
    expect(beaconBatchBody.safeParse(body).success).toBe(true);
    expect(tracker.pending).toBe(0);
  });
});
