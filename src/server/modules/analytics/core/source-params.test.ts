import { describe, expect, it } from 'vitest';
import { sourceKey, trafficSourceSchema } from '../../../../contracts/analytics-events.contract.js';
import { sourceFromParams, sourceParamsOf } from './source-params.js';

const from = (q: string) => {
  const p = new URLSearchParams(q);
  return sourceFromParams((n) => p.get(n));
};

describe('sourceFromParams', () => {
  it('reads each channel', () => {
    expect(from('src=share&by=v123')).toEqual({ channel: 'share', sharedBy: 'v123' });
    expect(from('src=referral&ref=SPRING24')).toEqual({ channel: 'referral', code: 'SPRING24' });
    expect(from('ref=SPRING24')).toEqual({ channel: 'referral', code: 'SPRING24' });
    expect(from('utm_source=weibo&utm_medium=social&utm_campaign=618')).toEqual({ channel: 'utm', utmSource: 'weibo', utmMedium: 'social', utmCampaign: '618' });
    expect(from('rh=WWW.Example.com')).toEqual({ channel: 'referrer', referrerHost: 'www.example.com' });
    expect(from('src=internal')).toEqual({ channel: 'internal' });
    expect(from('')).toBeNull();
  });

  it('keys as the contract says', () => {
    expect(sourceKey(from('src=share&by=v1'))).toBe('share');
    expect(sourceKey(from('ref=ABC'))).toBe('referral:ABC');
    expect(sourceKey(from('utm_source=weibo'))).toBe('utm:weibo/-/-');
    expect(sourceKey(from('rh=m.example.cn'))).toBe('referrer:m.example.cn');
    expect(sourceKey(from('src=bogus'))).toBe('direct');
  });

  it('whatever comes in, what comes out passes the contract schema', () => {
    const samples = ['src=share&by=' + 'a'.repeat(64), 'ref=' + 'b'.repeat(64), 'utm_source=' + 'c'.repeat(80) + '&utm_medium=%20x%20', 'rh=' + 'd'.repeat(63) + '.example', 'src=internal', 'src=share&by=' + 'a'.repeat(65)];
    for (const q of samples) {
      const s = from(q);
      if (s) expect(trafficSourceSchema.safeParse(s).success, q).toBe(true);
    }
  });

  it('drops bad values one by one and never throws', () => {
    // A share without a valid sharer falls through to the next usable fact.
    expect(from('src=share&by=<script>&utm_source=wx')).toEqual({ channel: 'utm', utmSource: 'wx' });
    expect(from(`utm_source=${'x'.repeat(81)}&rh=a.example`)).toEqual({ channel: 'referrer', referrerHost: 'a.example' });
    expect(from('rh=http://evil/path')).toBeNull();
    expect(from('ref=has space')).toBeNull();
    expect(from('src=share&by=')).toBeNull();
    expect(from('utm_source=%E5%BE%AE%E4%BF%A1')).toEqual({ channel: 'utm', utmSource: '微信' });
  });

  it('the page builds them from its URL and another site as referrer', () => {
    const page = new URL('https://live.example.com/live/s1?src=share&by=v1&utm_source=wx&invite=X');
    expect(sourceParamsOf(page, 'https://news.example.org/a/b?c=d').toString()).toBe('src=share&by=v1&utm_source=wx&rh=news.example.org');
    expect(sourceParamsOf(page, 'https://live.example.com/console').get('rh')).toBeNull();
    expect(sourceParamsOf(new URL('https://live.example.com/live/s1'), 'not a url').toString()).toBe('');
  });
});
