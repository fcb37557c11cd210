import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HealthMeter } from './stream-health.js';

/** Feeds `seconds` of a stream: fps video frames (a keyframe every gop s) and 43 audio frames/s. */
function feed(m: HealthMeter, o: { seconds: number; fps: number; gop: number; videoKbps: number; audio?: boolean; t0?: number }): number {
  const t0 = o.t0 ?? 0;
  const frameBytes = Math.round((o.videoKbps * 1000) / 8 / o.fps);
  const frames = Math.round(o.seconds * o.fps);
  for (let i = 0; i < frames; i++) {
    const dts = Math.round((i * 1000) / o.fps);
    m.tag(i % Math.round(o.gop * o.fps) === 0 ? 'keyframe' : 'video', t0 + dts, frameBytes, t0 + dts);
    if (o.audio !== false) m.tag('audio', t0 + dts, 372, t0 + dts);
  }
  return t0 + Math.round(o.seconds * 1000);
}

describe('HealthMeter', () => {
  it('measures fps, bitrate and keyframe interval, and takes resolution and codecs from the metadata', () => {
    const m = new HealthMeter(5_000);
    m.metadata({ width: 1280, height: 720, videocodecid: 7, audiocodecid: 10, framerate: 30 });
    const end = feed(m, { seconds: 8, fps: 30, gop: 2, videoKbps: 2500 });
    const h = m.read(end);
    expect(h).toMatchObject({ width: 1280, height: 720, videoCodec: 'H.264', audioCodec: 'AAC', audioPresent: true, keyframeInterval: 2, lateFrames: 0 });
    expect(h.fps).toBeCloseTo(30, 0);
    expect(h.videoBitrate / 1000).toBeGreaterThan(2300);
    expect(h.videoBitrate / 1000).toBeLessThan(2700);
    expect(h.warnings).toEqual([]);
  });

  it('warns: keyframes 4 s apart, a bitrate too low or too high for the picture, no audio, low fps', () => {
    const slowGop = new HealthMeter();
    slowGop.metadata({ width: 1280, height: 720 });
    expect(slowGop.read(feed(slowGop, { seconds: 13, fps: 30, gop: 4, videoKbps: 2500 })).warnings).toEqual([{ code: 'KEYFRAME_INTERVAL', seconds: 4 }]);
    const starved = new HealthMeter();
    starved.metadata({ width: 1920, height: 1080 });
    expect(starved.read(feed(starved, { seconds: 8, fps: 30, gop: 2, videoKbps: 800 })).warnings).toEqual([{ code: 'BITRATE_LOW', kbps: expect.any(Number), minKbps: 3000 }]);
    const flood = new HealthMeter();
    flood.metadata({ width: 640, height: 360 });
    expect(flood.read(feed(flood, { seconds: 8, fps: 30, gop: 2, videoKbps: 5000 })).warnings.map((w) => w.code)).toEqual(['BITRATE_HIGH']);
    const mute = new HealthMeter();
    expect(mute.read(feed(mute, { seconds: 6, fps: 30, gop: 2, videoKbps: 1000, audio: false })).warnings).toEqual([{ code: 'NO_AUDIO' }]);
    const choppy = new HealthMeter();
    expect(choppy.read(feed(choppy, { seconds: 6, fps: 12, gop: 2, videoKbps: 1000 })).warnings.map((w) => w.code)).toEqual(['LOW_FPS']);
  });

  it('says nothing about the bitrate before a whole window has come in, and forgets what is older than the window', () => {
    const m = new HealthMeter(5_000);
    m.metadata({ width: 1280, height: 720 });
    const end = feed(m, { seconds: 2, fps: 30, gop: 2, videoKbps: 100 });
    expect(m.read(end).warnings.map((w) => w.code)).not.toContain('BITRATE_LOW');
    // Nothing for 10 s: the window is empty.
    expect(m.read(end + 10_000).videoBitrate).toBe(0);
  });

  it('counts frames whose timestamp goes backwards', () => {
    const m = new HealthMeter();
    m.tag('keyframe', 0, 100, 0);
    m.tag('video', 40, 100, 40);
    m.tag('video', 20, 100, 60);
    m.tag('video', 20, 100, 80);
    expect(m.read(100).lateFrames).toBe(2);
  });

  it('never throws and never reports a negative or NaN rate (random tags)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('meta', 'video-config', 'audio-config', 'keyframe', 'video', 'audio'), fc.integer({ min: -1000, max: 100_000 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 300 }), (tags) => {
        const m = new HealthMeter(5_000);
        let at = 0;
        for (const [kind, dts, bytes, dt] of tags) m.tag(kind as 'video', dts, bytes, (at += dt));
        const h = m.read(at);
        for (const v of [h.videoBitrate, h.audioBitrate, h.lateFrames]) expect(Number.isFinite(v) && v >= 0).toBe(true);
        if (h.fps !== null) expect(Number.isFinite(h.fps)).toBe(true);
      }),
    );
  });
});
