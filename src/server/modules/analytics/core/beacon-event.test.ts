import { describe, expect, it } from 'vitest';
import { beaconEvent } from './beacon-event.js';

const origin = { sessionId: 's1', viewerKey: 'guest:g12345678', source: 'share', traffic: 'real' as const, now: 1_000_000, liveSince: 400_000 };

describe('beaconEvent', () => {
  it('keeps the beacon id (prefixed), its fields and its time when close to the server clock', () => {
    expect(beaconEvent({ id: 'abcdefgh1', type: 'product_click', productId: 'p1', at: 990_000 }, origin)).toEqual({
      id: 'b:abcdefgh1',
      type: 'product_click',
      sessionId: 's1',
      viewerKey: 'guest:g12345678',
      at: 990_000,
      streamMs: 590_000,
      source: 'share',
      traffic: 'real',
      productId: 'p1',
    });
  });

  it('takes the receive time when the client clock is off by more than a minute; no stream time before the live', () => {
    const e = beaconEvent({ id: 'abcdefgh2', type: 'share', shareChannel: 'copy', at: 1 }, { ...origin, liveSince: null });
    expect(e).toMatchObject({ at: 1_000_000, streamMs: null, shareChannel: 'copy' });
    expect(beaconEvent({ id: 'abcdefgh3', type: 'add_to_cart', productId: 'p', n: 2 }, origin)).toMatchObject({ at: 1_000_000, n: 2, streamMs: 600_000 });
  });
});
