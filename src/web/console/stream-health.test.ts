import i18next, { type i18n as I18n } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HealthSample, HealthWarning } from '../api/video-api';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import {
  BITRATE_RANGES,
  bpsToKbps,
  formatBitrate,
  formatCodecs,
  formatFps,
  formatKbpsValue,
  formatResolution,
  formatSeconds,
  latestPublishPoints,
  pictureMessage,
  recommendedRange,
  warningMessage,
  type HealthMessage,
} from './stream-health';

let i18n: I18n;
beforeAll(async () => {
  i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: 'en',
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
});

/** The sentence as the panel shows it, failing loudly when the key is missing in that language. */
function render(m: HealthMessage, lang: 'en' | 'zh-CN'): string {
  expect(i18n.exists(m.key, { lng: lang }), `${lang}: ${m.key}`).toBe(true);
  const text = i18n.t(m.key, { ...m.values, lng: lang });
  expect(text).not.toMatch(/\{\{|\}\}/);
  return text;
}

describe('stream health: numbers', () => {
  it('turns bit/s into whole kbps, as OBS counts them', () => {
    expect(bpsToKbps(812_345)).toBe(812);
    expect(bpsToKbps(799_500)).toBe(800);
    expect(bpsToKbps(128_000)).toBe(128);
    expect(bpsToKbps(0)).toBe(0);
    expect(bpsToKbps(-5)).toBe(0);
  });

  it('formats bitrates with grouping in both languages', () => {
    expect(formatBitrate(812_345, 'en')).toBe('812');
    expect(formatBitrate(6_000_000, 'en')).toBe('6,000');
    expect(formatBitrate(6_000_000, 'zh-CN')).toBe('6,000');
    expect(formatBitrate(20_000_400, 'en')).toBe('20,000');
    expect(formatKbpsValue(1500, 'en')).toBe('1,500');
    expect(formatKbpsValue(799.6, 'en')).toBe('800');
  });

  it('shows fps and seconds without noise', () => {
    expect(formatFps(30, 'en')).toBe('30');
    expect(formatFps(29.97, 'en')).toBe('29.97');
    expect(formatFps(24.5, 'zh-CN')).toBe('24.5');
    expect(formatSeconds(4, 'en')).toBe('4');
    expect(formatSeconds(4.03, 'en')).toBe('4');
    expect(formatSeconds(2.5, 'en')).toBe('2.5');
    expect(formatSeconds(8.34, 'zh-CN')).toBe('8.3');
  });

  it('reads the picture, the frame rate and the codecs', () => {
    expect(formatResolution(1280, 720)).toBe('1280×720');
    expect(formatResolution(null, 720)).toBeNull();
    expect(render(pictureMessage({ width: 1280, height: 720, fps: 30 }, 'en')!, 'en')).toBe('1280×720 · 30\u00a0fps');
    expect(render(pictureMessage({ width: 1920, height: 1080, fps: 29.97 }, 'zh-CN')!, 'zh-CN')).toBe('1920×1080 · 29.97\u00a0fps');
    expect(render(pictureMessage({ width: 1280, height: 720, fps: null }, 'en')!, 'en')).toBe('1280×720');
    expect(render(pictureMessage({ width: null, height: null, fps: 25 }, 'en')!, 'en')).toBe('25\u00a0fps');
    expect(pictureMessage({ width: null, height: null, fps: null }, 'en')).toBeNull();
    expect(formatCodecs('H.264', 'AAC')).toBe('H.264 / AAC');
    expect(formatCodecs('H.264', null)).toBe('H.264 / —');
  });

  it('units come from the catalogs, kept on the line of their number', () => {
    expect(i18n.t('stream.health.kbps', { value: '812', lng: 'en' })).toBe('812\u00a0kbps');
    expect(i18n.t('stream.health.seconds', { value: '4', lng: 'en' })).toBe('4\u00a0s');
    expect(i18n.t('stream.health.seconds', { value: '4', lng: 'zh-CN' })).toBe('4\u00a0秒');
    expect(i18n.t('stream.health.warnings', { count: 2, lng: 'en' })).toBe('2 warnings');
    expect(i18n.t('stream.health.warnings', { count: 1, lng: 'en' })).toBe('1 warning');
    expect(i18n.t('stream.health.warnings', { count: 2, lng: 'zh-CN' })).toBe('2 项提醒');
  });
});

describe('stream health: warnings → what to do', () => {
  it('keyframes: the interval seen and the 2 s to set in OBS', () => {
    const m = warningMessage({ code: 'KEYFRAME_INTERVAL', seconds: 4 }, 720, 'en');
    expect(render(m, 'en')).toBe('Keyframes every 4 s: set Keyframe Interval to 2 s in OBS (Output → Streaming) for faster start and lower delay');
    expect(render(warningMessage({ code: 'KEYFRAME_INTERVAL', seconds: 4 }, 720, 'zh-CN'), 'zh-CN')).toBe(
      '关键帧间隔 4 秒：请在 OBS（输出 → 串流）中把关键帧间隔设为 2 秒，开播更快、延迟更低',
    );
    expect(warningMessage({ code: 'KEYFRAME_INTERVAL', seconds: 10.02 }, null, 'en').values.seconds).toBe('10');
  });

  it('bitrate too low: the recommended range for the picture', () => {
    const w: HealthWarning = { code: 'BITRATE_LOW', kbps: 812, minKbps: 1500 };
    expect(recommendedRange(w)).toEqual({ maxHeight: 720, minKbps: 1500, maxKbps: 6000 });
    const enText = render(warningMessage(w, 720, 'en'), 'en');
    expect(enText).toBe('Video bitrate 812 kbps is low for 720p: set Bitrate to 1,500–6,000 kbps in OBS (Output → Streaming), or the picture turns blocky');
    const zhText = render(warningMessage(w, 720, 'zh-CN'), 'zh-CN');
    expect(zhText).toContain('视频码率 812 kbps，对 720p 偏低');
    expect(zhText).toContain('1,500–6,000 kbps');
  });

  it('bitrate too high: the range, and why (mobile viewers stall)', () => {
    const w: HealthWarning = { code: 'BITRATE_HIGH', kbps: 12_000, maxKbps: 9000 };
    const enText = render(warningMessage(w, 1080, 'en'), 'en');
    expect(enText).toBe("Video bitrate 12,000 kbps is high for 1080p: set Bitrate to 3,000–9,000 kbps in OBS (Output → Streaming) so viewers on mobile data don't stall");
    expect(render(warningMessage(w, 1080, 'zh-CN'), 'zh-CN')).toContain('对 1080p 偏高');
  });

  it('an unknown range or picture names only the bound the server sent', () => {
    const low = warningMessage({ code: 'BITRATE_LOW', kbps: 900, minKbps: 1234 }, 720, 'en');
    expect(low.key).toBe('stream.health.warning.bitrateLowBound');
    expect(render(low, 'en')).toContain('at least 1,234 kbps');
    const high = warningMessage({ code: 'BITRATE_HIGH', kbps: 7000, maxKbps: 6000 }, null, 'zh-CN');
    expect(high.key).toBe('stream.health.warning.bitrateHighBound');
    expect(render(high, 'zh-CN')).toContain('不超过 6,000 kbps');
  });

  it('every range row is found by either of its bounds', () => {
    for (const r of BITRATE_RANGES) {
      expect(recommendedRange({ code: 'BITRATE_LOW', kbps: 1, minKbps: r.minKbps })).toBe(r);
      expect(recommendedRange({ code: 'BITRATE_HIGH', kbps: 1e6, maxKbps: r.maxKbps })).toBe(r);
    }
    expect(recommendedRange({ code: 'NO_AUDIO' })).toBeNull();
  });

  it('no audio and low fps', () => {
    expect(render(warningMessage({ code: 'NO_AUDIO' }, 720, 'en'), 'en')).toMatch(/^No audio: check the microphone in OBS/);
    expect(render(warningMessage({ code: 'NO_AUDIO' }, 720, 'zh-CN'), 'zh-CN')).toMatch(/^没有音频：请检查 OBS 中的麦克风/);
    expect(render(warningMessage({ code: 'LOW_FPS', fps: 14.5 }, 720, 'en'), 'en')).toMatch(/^Only 14\.5 fps: set FPS to 30 in OBS \(Settings → Video\)/);
    expect(render(warningMessage({ code: 'LOW_FPS', fps: 12 }, 720, 'zh-CN'), 'zh-CN')).toMatch(/^帧率只有 12 fps/);
  });

  it('every warning code has a sentence in both languages', () => {
    const all: HealthWarning[] = [
      { code: 'KEYFRAME_INTERVAL', seconds: 5 },
      { code: 'BITRATE_LOW', kbps: 100, minKbps: 400 },
      { code: 'BITRATE_LOW', kbps: 100, minKbps: 1 },
      { code: 'BITRATE_HIGH', kbps: 30_000, maxKbps: 20_000 },
      { code: 'BITRATE_HIGH', kbps: 30_000, maxKbps: 1 },
      { code: 'NO_AUDIO' },
      { code: 'LOW_FPS', fps: 10 },
    ];
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const w of all) expect(render(warningMessage(w, 360, lang), lang).length).toBeGreaterThan(10);
    }
  });
});

describe('stream health: the chart', () => {
  const sample = (at: string, publishId: string, videoBps: number, fps: number | null): HealthSample => ({
    at,
    publishId,
    width: 1280,
    height: 720,
    fps,
    videoBps,
    audioBps: 128_000,
    keyframeIntervalS: 4,
    lateFrames: 0,
    warnings: [],
  });

  it('plots only the newest publish, in kbps, oldest first', () => {
    const points = latestPublishPoints([
      sample('2025-01-01T10:00:00Z', 'a', 2_000_000, 30),
      sample('2025-01-01T10:05:00Z', 'b', 812_345, 30),
      sample('2025-01-01T10:05:10Z', 'b', 799_000, null),
    ]);
    expect(points).toEqual([
      { at: Date.parse('2025-01-01T10:05:00Z'), kbps: 812, fps: 30 },
      { at: Date.parse('2025-01-01T10:05:10Z'), kbps: 799, fps: null },
    ]);
  });

  it('has nothing to plot without samples', () => {
    expect(latestPublishPoints([])).toEqual([]);
  });
});
