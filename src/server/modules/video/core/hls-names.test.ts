import { describe, expect, it } from 'vitest';
import { hlsOutputArgs, hlsPlaylistUrl, isHlsToken, isPublishId, parseSegmentName, tokenOf } from './hls-names.js';

describe('HLS names', () => {
  it('accepts the segments ffmpeg writes and nothing else', () => {
    expect(parseSegmentName('mabc12345xyz0001a1b2c3-12.ts')).toEqual({ publishId: 'mabc12345xyz0001a1b2c3', index: 12 });
    for (const bad of ['../etc/passwd', 'abc12345-1.ts/../x', 'abc12345-1.mp4', 'ABC12345-1.ts', 'abc12345-.ts', 'abc-1.ts', 'abc12345-1.ts\0', '.abc12345-1.ts', 'index.m3u8', `${'a'.repeat(41)}-1.ts`, 'abc12345-1234567890.ts']) {
      expect(parseSegmentName(bad), bad).toBeNull();
    }
  });
  it('publish ids are plain lower-case', () => {
    expect(isPublishId('mabc12345xyz0001a1b2c3')).toBe(true);
    expect(isPublishId('..')).toBe(false);
    expect(isPublishId('a/b12345678')).toBe(false);
  });
  it('path tokens: open or a play token', () => {
    expect(isHlsToken('open')).toBe(true);
    expect(tokenOf('open')).toBeUndefined();
    const t = `v1.sess_1.1700000000000.${'A'.repeat(43)}`;
    expect(isHlsToken(t)).toBe(true);
    expect(tokenOf(t)).toBe(t);
    for (const bad of ['', 'opened', '..', 'v1.a.b.c', `v1.s/x.1.${'A'.repeat(43)}`, `v1.s.1.${'A'.repeat(43)}/..`, 'x'.repeat(201)]) expect(isHlsToken(bad), bad).toBe(false);
  });
  it('the playlist URL carries the token in the path', () => {
    expect(hlsPlaylistUrl('s1', null)).toBe('/api/live/s1/hls/open/index.m3u8');
    expect(hlsPlaylistUrl('s1', 'v1.s1.5.abc')).toBe('/api/live/s1/hls/v1.s1.5.abc/index.m3u8');
  });
  it('ffmpeg copies codecs and keeps the encoder timestamps', () => {
    const a = hlsOutputArgs('p1234567');
    expect(a.join(' ')).toContain('-c copy -copyts -muxdelay 0 -muxpreload 0 -f hls -hls_time 1 -hls_list_size 6');
    expect(a).toContain('p1234567-%d.ts');
    expect(a.at(-1)).toBe('index.m3u8');
  });
});
