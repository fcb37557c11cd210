import { describe, expect, it } from 'vitest';
import { PREFLIGHT_ITEMS, mayTick, preflightItem, presetTargetKbps, recommendedObsSettings, requiredUploadKbps } from '../../../../contracts/preflight.contract.js';
import { autoCheck, itemDone, mbitPerSecond, summarize } from './preflight-rules.js';

const healthy = { videoBitrate: 3_000_000, audioPresent: true, keyframeInterval: 2 };
const noUpload = { measuredKbps: null, targetKbps: null };

describe('pre-flight auto checks', () => {
  it('encoder: unknown without a publish, fails without audio or video, passes with both', () => {
    expect(autoCheck('encoder', null, noUpload)).toMatchObject({ status: 'unknown', reason: 'NO_ENCODER' });
    expect(autoCheck('encoder', { ...healthy, audioPresent: false }, noUpload)).toMatchObject({ status: 'fail', reason: 'NO_AUDIO' });
    expect(autoCheck('encoder', { ...healthy, videoBitrate: 0 }, noUpload)).toMatchObject({ status: 'fail', reason: 'NO_VIDEO' });
    expect(autoCheck('encoder', healthy, noUpload).status).toBe('pass');
  });
  it('keyframes: at most 2 s passes (a frame of jitter allowed), more fails, not yet measured is unknown', () => {
    expect(autoCheck('keyframes', healthy, noUpload)).toMatchObject({ status: 'pass', value: 2, limit: 2 });
    expect(autoCheck('keyframes', { ...healthy, keyframeInterval: 2.03 }, noUpload).status).toBe('pass');
    expect(autoCheck('keyframes', { ...healthy, keyframeInterval: 4 }, noUpload)).toMatchObject({ status: 'fail', reason: 'KEYFRAMES_TOO_FAR', value: 4 });
    expect(autoCheck('keyframes', { ...healthy, keyframeInterval: null }, noUpload)).toMatchObject({ status: 'unknown', reason: 'MEASURING' });
    expect(autoCheck('keyframes', null, noUpload).status).toBe('unknown');
  });
  it('upload: the measured speed must cover the target bitrate with 50 % headroom', () => {
    const target = presetTargetKbps('720p30');
    expect(target).toBe(3128);
    expect(requiredUploadKbps(target)).toBe(4692);
    expect(autoCheck('upload', null, noUpload)).toMatchObject({ status: 'unknown', reason: 'NOT_MEASURED' });
    expect(autoCheck('upload', null, { measuredKbps: 4692, targetKbps: target })).toMatchObject({ status: 'pass', value: 4692, limit: 4692 });
    expect(autoCheck('upload', null, { measuredKbps: 4000, targetKbps: target })).toMatchObject({ status: 'fail', reason: 'UPLOAD_TOO_SLOW', limit: 4692 });
  });
});

describe('pre-flight summary', () => {
  const pass = { status: 'pass' as const, reason: null, value: null, limit: null };
  const fail = { status: 'fail' as const, reason: 'X', value: null, limit: null };
  const unk = { status: 'unknown' as const, reason: 'X', value: null, limit: null };
  it('an item is done when ticked, or when its auto check passes; a failing auto check overrides the tick', () => {
    expect(itemDone(true, null)).toBe(true);
    expect(itemDone(false, null)).toBe(false);
    expect(itemDone(false, pass)).toBe(true);
    expect(itemDone(true, fail)).toBe(false);
    expect(itemDone(true, unk)).toBe(true);
    expect(itemDone(false, unk)).toBe(false);
  });
  it('counts n of m and is ready only when all are done; names failing items', () => {
    expect(summarize([{ key: 'a', done: true, auto: null }, { key: 'b', done: false, auto: fail }])).toEqual({ done: 1, total: 2, ready: false, failing: ['b'] });
    expect(summarize([{ key: 'a', done: true, auto: null }, { key: 'b', done: true, auto: pass }])).toEqual({ done: 2, total: 2, ready: true, failing: [] });
    expect(summarize([]).ready).toBe(false);
  });
  it('measures Mbit/s, and refuses to guess from a too short time', () => {
    expect(mbitPerSecond(1_000_000, 1000)).toBe(8);
    expect(mbitPerSecond(1_000_000, 2)).toBeNull();
  });
});

describe('pre-flight items', () => {
  it('cover the five groups of handbook 3.3; tech ticks equipment, the host the scene and content; owner and admin anything', () => {
    expect(new Set(PREFLIGHT_ITEMS.map((i) => i.group))).toEqual(new Set(['hardware', 'software', 'network', 'scene', 'content']));
    const obs = preflightItem('software.obs')!;
    const script = preflightItem('content.script')!;
    expect(mayTick(['tech'], obs)).toBe(true);
    expect(mayTick(['host'], obs)).toBe(false);
    expect(mayTick(['host'], script)).toBe(true);
    expect(mayTick(['tech'], script)).toBe(false);
    expect(mayTick(['admin'], script)).toBe(true);
    expect(mayTick(['cs'], script)).toBe(false);
    expect(preflightItem('nope')).toBeUndefined();
  });
  it('recommends OBS values the ingest accepts: 2 s keyframes, CBR, AAC 128 kbps 48 kHz', () => {
    const rows = Object.fromEntries(recommendedObsSettings('1080p30').map((r) => [r.key, r.value]));
    expect(rows).toMatchObject({ keyframeInterval: '2 s', rateControl: 'CBR', audioCodec: 'AAC', audioBitrate: '128', sampleRate: '48 kHz', resolution: '1920x1080', bitrate: '5000 Kbps' });
  });
});
