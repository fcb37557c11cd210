import { describe, expect, it } from 'vitest';
import { FALLBACK_AFTER_FAILURES, flvPosition, forcedProtocol, hlsPosition, latencyRefreshMs, onairClockOf, playerCandidates, protocolAfterFailures, publishIdOfSegment, streamLatencySeconds } from './player-choice';

const all = { flv: true, hlsJs: true, nativeHls: false };
const urls = { flv: '/api/live/s/video.flv', hls: '/api/live/s/hls/open/index.m3u8' };

describe('protocol choice', () => {
  it('FLV first where Media Source plays it, then hls.js, then native HLS', () => {
    expect(playerCandidates(all, urls)).toEqual(['flv', 'hls']);
    expect(playerCandidates({ flv: false, hlsJs: true, nativeHls: false }, urls)).toEqual(['hls']);
    // iOS Safari before Managed Media Source: only its own HLS.
    expect(playerCandidates({ flv: false, hlsJs: false, nativeHls: true }, urls)).toEqual(['native-hls']);
    expect(playerCandidates({ flv: true, hlsJs: false, nativeHls: true }, urls)).toEqual(['flv', 'native-hls']);
    expect(playerCandidates({ flv: false, hlsJs: false, nativeHls: false }, urls)).toEqual([]);
  });
  it('no HLS without the server ffmpeg', () => {
    expect(playerCandidates(all, { ...urls, hls: null })).toEqual(['flv']);
    expect(playerCandidates({ flv: false, hlsJs: true, nativeHls: true }, { ...urls, hls: null })).toEqual([]);
  });
  it('?player= forces one', () => {
    expect(forcedProtocol('?player=hls')).toBe('hls');
    expect(forcedProtocol('?latency=1&player=flv')).toBe('flv');
    expect(forcedProtocol('?player=rtmp')).toBeNull();
    expect(forcedProtocol('')).toBeNull();
    expect(playerCandidates(all, urls, 'hls')).toEqual(['hls']);
    expect(playerCandidates(all, urls, 'flv')).toEqual(['flv']);
    expect(playerCandidates({ flv: true, hlsJs: false, nativeHls: true }, urls, 'hls')).toEqual(['native-hls']);
  });
  it('falls back to the other protocol after repeated failures, and round again', () => {
    for (let f = 0; f < FALLBACK_AFTER_FAILURES; f++) expect(protocolAfterFailures(0, f, 2)).toBe(0);
    expect(protocolAfterFailures(0, FALLBACK_AFTER_FAILURES, 2)).toBe(1);
    expect(protocolAfterFailures(1, FALLBACK_AFTER_FAILURES, 2)).toBe(0);
    expect(protocolAfterFailures(0, 10, 1)).toBe(0);
  });
});

describe('stream position', () => {
  it('FLV: the clock tag base plus currentTime', () => {
    expect(onairClockOf({ onOnairClock: { base: 12_000, publish: 'p1' } })).toEqual({ base: 12_000, publish: 'p1' });
    for (const bad of [null, {}, { onMetaData: {} }, { onOnairClock: { base: 'x', publish: 'p' } }, { onOnairClock: { base: 1, publish: '' } }]) expect(onairClockOf(bad)).toBeNull();
    expect(flvPosition({ base: 12_000, publish: 'p1' }, 2.5)).toEqual({ publishId: 'p1', ts: 14_500 });
    expect(flvPosition(null, 2.5)).toBeNull();
  });
  it('HLS: initPTS over its timescale plus currentTime (PTS = encoder ms × 90)', () => {
    expect(hlsPosition({ initPTS: 12_000 * 90, timescale: 90_000 }, 'p1', 2.5)).toEqual({ publishId: 'p1', ts: 14_500 });
    expect(hlsPosition({ initPTS: 12_000, timescale: 1000 }, 'p1', 0)).toEqual({ publishId: 'p1', ts: 12_000 });
    expect(hlsPosition(null, 'p1', 1)).toBeNull();
    expect(hlsPosition({ initPTS: 1, timescale: 0 }, 'p1', 1)).toBeNull();
    expect(hlsPosition({ initPTS: 1, timescale: 90_000 }, null, 1)).toBeNull();
  });
  it('the publish from a segment URL', () => {
    expect(publishIdOfSegment('http://x/api/live/s/hls/open/mabc12345xyz0001a1b2c3-17.ts')).toBe('mabc12345xyz0001a1b2c3');
    expect(publishIdOfSegment('/api/live/s/hls/open/index.m3u8')).toBeNull();
  });
  it('latency: the server clock extrapolated since it arrived, minus the picture', () => {
    const server = { publishId: 'p1', ts: 100_000, atLocalMs: 5_000 };
    expect(streamLatencySeconds(server, 8_000, { publishId: 'p1', ts: 101_500 })).toBeCloseTo(1.5);
    expect(streamLatencySeconds(server, 8_000, { publishId: 'p2', ts: 101_500 })).toBeNull();
    expect(streamLatencySeconds(null, 8_000, { publishId: 'p1', ts: 1 })).toBeNull();
    expect(streamLatencySeconds(server, 5_000, { publishId: 'p1', ts: 100_200 })).toBe(0);
  });
  it('asks the server clock again every 12-18 s', () => {
    expect(latencyRefreshMs(() => 0)).toBe(12_000);
    expect(latencyRefreshMs(() => 1)).toBe(18_000);
  });
});
