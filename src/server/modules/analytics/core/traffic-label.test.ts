import { describe, expect, it } from 'vitest';
import { labelTraffic, SIMULATOR_AGENT_MARK } from './traffic-label.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WECHAT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN';

describe('labelTraffic', () => {
  it('a simulated account is simulated whatever its agent', () => {
    expect(labelTraffic({ userAgent: CHROME, accountSimulated: true })).toBe('simulated');
    expect(labelTraffic({ userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)', accountSimulated: true })).toBe('simulated');
  });

  it("the simulator's agent mark is simulated (before the bot list, which knows scripts)", () => {
    expect(labelTraffic({ userAgent: `${SIMULATOR_AGENT_MARK}/1.0 node`, accountSimulated: false })).toBe('simulated');
  });

  it('crawlers, headless browsers and HTTP libraries are bots', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
      'Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      'curl/8.5.0',
      'python-requests/2.31.0',
    ]) {
      expect(labelTraffic({ userAgent: ua, accountSimulated: false }), ua).toBe('bot');
    }
  });

  it('browsers (also in-app ones) and a missing agent are real', () => {
    expect(labelTraffic({ userAgent: CHROME, accountSimulated: false })).toBe('real');
    expect(labelTraffic({ userAgent: WECHAT, accountSimulated: false })).toBe('real');
    expect(labelTraffic({ userAgent: null, accountSimulated: false })).toBe('real');
    expect(labelTraffic({ userAgent: '', accountSimulated: false })).toBe('real');
  });
});
