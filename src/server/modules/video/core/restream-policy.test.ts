import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDLE, RESTREAM_POLICY, backoffMs, checkServerUrl, maskKey, nextStatus, pushUrl, redactKey, type RestreamEvent } from './restream-policy.js';

describe('backoffMs', () => {
  it('doubles from 2 s to a 60 s cap, with the jitter in the middle at random 0.5', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((n) => backoffMs(n, 0.5))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
  it('stays within ±20 % of the schedule and never above the cap (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = backoffMs(n, r);
        const raw = Math.min(60_000, 2000 * 2 ** Math.min(n - 1, 30));
        expect(d).toBeGreaterThanOrEqual(Math.floor(raw * 0.8));
        expect(d).toBeLessThanOrEqual(60_000);
        expect(d).toBeLessThanOrEqual(Math.ceil(raw * 1.2));
      }),
    );
  });
});

describe('nextStatus', () => {
  it('idle → connecting → live; an exit → retrying (attempt 2, in 2 s) → connecting; stop → idle', () => {
    let s = nextStatus(IDLE, { type: 'start', now: 1000 });
    expect(s).toMatchObject({ state: 'connecting', attempt: 1, since: 1000 });
    s = nextStatus(s, { type: 'healthy', now: 4000 });
    expect(s).toMatchObject({ state: 'live', attempt: 1, since: 4000 });
    s = nextStatus(s, { type: 'exited', now: 10_000, error: 'Connection reset', liveMs: 6000, random: 0.5 });
    expect(s).toEqual({ state: 'retrying', since: 10_000, attempt: 2, nextAt: 12_000, lastError: 'Connection reset' });
    expect(nextStatus(s, { type: 'retry', now: 11_000 })).toBe(s); // too early: a stale timer changes nothing
    s = nextStatus(s, { type: 'retry', now: 12_000 });
    expect(s).toMatchObject({ state: 'connecting', attempt: 2, lastError: 'Connection reset' });
    s = nextStatus(s, { type: 'exited', now: 13_000, error: 'refused', liveMs: 0, random: 0.5 });
    expect(s).toMatchObject({ state: 'retrying', attempt: 3, nextAt: 17_000 });
    expect(nextStatus(s, { type: 'stop', now: 14_000 })).toEqual({ ...IDLE, since: 14_000 });
  });

  it('a minute live starts the schedule over', () => {
    let s = { ...IDLE, state: 'live' as const, attempt: 7 };
    s = nextStatus(s, { type: 'exited', now: 0, error: 'x', liveMs: 60_000, random: 0.5 }) as typeof s;
    expect(s).toMatchObject({ state: 'retrying', attempt: 1, nextAt: 2000 });
  });

  it('gives up (failed) after maxAttempts in a row; a start begins again', () => {
    let s = nextStatus(IDLE, { type: 'start', now: 0 });
    for (let i = 0; i < RESTREAM_POLICY.maxAttempts - 1; i++) {
      s = nextStatus(s, { type: 'exited', now: 0, error: 'no', liveMs: 0, random: 0 });
      expect(s.state).toBe('retrying');
      s = nextStatus(s, { type: 'retry', now: s.nextAt! });
    }
    s = nextStatus(s, { type: 'exited', now: 0, error: 'no', liveMs: 0, random: 0 });
    expect(s).toMatchObject({ state: 'failed', attempt: RESTREAM_POLICY.maxAttempts, lastError: 'no' });
    expect(nextStatus(s, { type: 'start', now: 5 })).toMatchObject({ state: 'connecting', attempt: 1 });
  });

  it('on any event sequence: attempts stay within 0..maxAttempts, entering retrying sets a future nextAt, idle has no error (property)', () => {
    const event = fc.oneof(
      fc.record({ type: fc.constant('start' as const) }),
      fc.record({ type: fc.constant('healthy' as const) }),
      fc.record({ type: fc.constant('exited' as const), error: fc.string(), liveMs: fc.integer({ min: 0, max: 200_000 }), random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }),
      fc.record({ type: fc.constant('retry' as const) }),
      fc.record({ type: fc.constant('stop' as const) }),
      fc.record({ type: fc.constant('fail' as const), error: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(event, fc.integer({ min: 0, max: 100_000 })), { maxLength: 80 }), (steps) => {
        let s = IDLE;
        let now = 0;
        for (const [e, dt] of steps) {
          now += dt;
          const ev = { ...e, now } as RestreamEvent;
          const before = s;
          s = nextStatus(s, ev);
          expect(s.attempt).toBeGreaterThanOrEqual(0);
          expect(s.attempt).toBeLessThanOrEqual(RESTREAM_POLICY.maxAttempts);
          if (s.state === 'retrying' && s !== before) expect(s.nextAt).toBeGreaterThan(now);
          if (s.state !== 'retrying') expect(s.nextAt).toBeNull();
          if (s.state === 'idle') expect(s.lastError).toBeNull();
          if (ev.type === 'healthy' && before.state !== 'connecting') expect(s).toBe(before);
        }
      }),
    );
  });
});

describe('keys', () => {
  it('masks to the last 4 characters, and shows none of a short key', () => {
    expect(maskKey('live_123456789_abcd')).toBe('••••abcd');
    expect(maskKey('short')).toBe('••••');
  });
  it('the mask never holds more than 4 characters of the key (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (k) => {
        const m = maskKey(k);
        expect(m.replace(/•/g, '').length).toBeLessThanOrEqual(Math.min(4, Math.max(0, k.length - 5)));
      }),
    );
  });
  it('redacts the key, also URL-encoded, from what ffmpeg printed', () => {
    const key = 'sk_live?streamname=abc&key=S3CR3T/xyz';
    const text = `[rtmp @ 0x1] Server error: rtmp://a.example.com/app/${key}\nrtmp://a.example.com/app/${encodeURIComponent(key)}: I/O error`;
    const out = redactKey(text, key);
    expect(out).not.toContain('S3CR3T');
    expect(out).toContain('rtmp://a.example.com/app/••••/xyz');
  });
  it('no key survives redaction (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 40 }), fc.string(), fc.string(), (key, a, b) => {
        expect(redactKey(`${a}${key}${b}${encodeURIComponent(key)}`, key)).not.toContain(key);
      }),
    );
  });
});

describe('checkServerUrl', () => {
  it('takes rtmp:// and rtmps:// with a host, without credentials; drops trailing slashes', () => {
    expect(checkServerUrl(' rtmp://live-push.bilivideo.com/live-bvc/ ')).toEqual({ ok: true, url: 'rtmp://live-push.bilivideo.com/live-bvc' });
    expect(checkServerUrl('rtmps://a.rtmps.youtube.com:443/live2')).toEqual({ ok: true, url: 'rtmps://a.rtmps.youtube.com:443/live2' });
    expect(checkServerUrl('http://example.com/live')).toMatchObject({ ok: false, reason: expect.stringContaining('rtmp://') });
    expect(checkServerUrl('rtmp://user:pw@example.com/live')).toMatchObject({ ok: false, reason: expect.stringContaining('password') });
    expect(checkServerUrl('rtmp:///live')).toMatchObject({ ok: false });
    expect(checkServerUrl('not a url')).toMatchObject({ ok: false });
  });
  it('joins server and key with one slash', () => {
    expect(pushUrl('rtmp://h/app/', 'k')).toBe('rtmp://h/app/k');
  });
});
