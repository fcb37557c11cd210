import { describe, expect, it } from 'vitest';
import { localizeReason } from './reason-text';

describe('the engine’s reasons in the buyer’s language', () => {
  it('drops internal line ids in English', () => {
    expect(localizeReason('flash: flash-sale price ¥128.00 each on l1', 'en')).toBe('flash: flash-sale price ¥128.00 each');
    expect(localizeReason('p1: p2 gives l3 a lower price', 'en')).toBe('p1: p2 gives a lower price');
  });

  it('translates the known sentences into Chinese, keeping the source name', () => {
    expect(localizeReason('满100减10: spend ¥100.00 get ¥10.00 off (eligible items ¥128.00)', 'zh-CN')).toBe('满100减10：满 ¥100.00 减 ¥10.00（参与商品 ¥128.00）');
    expect(localizeReason('spend ¥100.00 get ¥10.00 off (eligible items ¥1,280.00)', 'zh-CN')).toBe('满 ¥100.00 减 ¥10.00（参与商品 ¥1,280.00）');
    expect(localizeReason('秒杀: flash-sale price ¥128.00 each on l1', 'zh-CN')).toBe('秒杀：秒杀价 ¥128.00/件');
    expect(localizeReason('f: flash-sale price ¥128.00 for 1 unit(s); the other 2 at the regular price ¥168.00 (limit 1 per buyer)', 'zh-CN')).toBe(
      'f：秒杀价 ¥128.00，共 1 件；其余 2 件按原价 ¥168.00（每人限购 1 件）',
    );
    expect(localizeReason('¥10.00 off every ¥100.00, capped at ¥50.00 (eligible items ¥320.00)', 'zh-CN')).toBe('每满 ¥100.00 减 ¥10.00，最多减 ¥50.00（参与商品 ¥320.00）');
    expect(localizeReason('500 points redeemed for ¥5.00 (100 points = ¥1, at most ¥50.00 per order)', 'zh-CN')).toBe('500 积分抵扣 ¥5.00（100 积分 = ¥1，每单最多抵 ¥50.00）');
    expect(localizeReason('c1: a cheaper combination for the buyer exists without it', 'zh-CN')).toBe('c1：不用它的组合对你更便宜');
  });

  it('leaves a sentence it does not know as the engine wrote it', () => {
    expect(localizeReason('something new the engine says', 'zh-CN')).toBe('something new the engine says');
  });
});
