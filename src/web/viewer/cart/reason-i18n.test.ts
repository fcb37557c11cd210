import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, price, type PricingResult } from '../../../server/modules/promotions/core/pricing-engine';
import { promotionDefinitionsSchema } from '../../../server/modules/promotions/core/promotion-registry';
import en from '../../i18n/features/promotions.en.json';
import zh from '../../i18n/features/promotions.zh-CN.json';
import { codedReasonText, codedReasonWithSource } from './reason-i18n';
import { localizeReason } from './reason-text';

const i18n = i18next.createInstance();
await i18n.init({ lng: 'en', resources: { en: { translation: en }, 'zh-CN': { translation: zh } }, interpolation: { escapeValue: false } });

const window = { from: '2026-11-26T00:00:00Z', to: '2026-11-27T00:00:00Z' };
const late = { from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' };
const NOW = Date.parse('2026-11-26T12:00:00Z');
const line = (id: string, unitPriceFen: number, quantity = 1) => ({ lineId: id, skuId: `sku-${id}`, productId: `p-${id}`, unitPriceFen, quantity });

function rich(): PricingResult {
  return price({
    lines: [line('A', 15000, 3), line('B', 6000, 2), line('C', 999)],
    buyer: { id: 'b', points: 10000, purchasedQty: { 'sku-A': 1 } },
    nowMs: NOW,
    points: { pointsPerYuan: 100, capFen: 500 },
    promotions: promotionDefinitionsSchema.parse({
      item: [
        { id: 'flash', kind: 'flash-sale', window, priceFen: 5000, perBuyerLimit: 2, scope: { skuIds: ['sku-A'] } },
        { id: 'tl', kind: 'time-limited-price', window, priceFen: 9000, scope: { skuIds: ['sku-A'] } },
        { id: 'disc', kind: 'item-discount', window, percentOff: 20, maxOffFenPerUnit: 1000, scope: { skuIds: ['sku-B'] } },
        { id: 'old', kind: 'time-limited-price', window: late, priceFen: 1 },
      ],
      order: [
        { id: 'mj', kind: 'threshold', mode: 'tiers', window, tiers: [{ thresholdFen: 10000, offFen: 1000 }, { thresholdFen: 30000, offFen: 4000 }] },
        { id: 'every', kind: 'threshold', mode: 'repeating', window, tiers: [{ thresholdFen: 10000, offFen: 1000 }], capFen: 3000 },
        { id: 'c15', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 1500 } },
        { id: 'pc', kind: 'coupon', issuer: 'platform', window, discount: { type: 'percent', percentOff: 5, maxOffFen: 2000 } },
        { id: 'solo', kind: 'coupon', issuer: 'platform', window, exclusive: true, discount: { type: 'fixed', offFen: 4000 } },
        { id: 'lone', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 100 }, stackable: { withThreshold: false, withOtherCoupons: true } },
        { id: 'big', kind: 'coupon', issuer: 'store', window, discount: { type: 'fixed', offFen: 100 }, thresholdFen: 90000 },
        { id: 'fans', kind: 'coupon', issuer: 'store', window, fansOnly: true, discount: { type: 'fixed', offFen: 100 } },
      ],
      gifts: [{ id: 'g', kind: 'gift', window, giftSkuId: 'mug', giftStock: 0, thresholdFen: 10000 }],
    }),
  });
}

const walk = (o: unknown, prefix: string): string[] =>
  o && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => walk(v, prefix ? `${prefix}.${k}` : k)) : [prefix];

describe('reasons from their code, in both languages', () => {
  it('has a sentence for every code the engine gives, in English and Chinese, with the same keys', () => {
    const keys = (b: unknown) => walk((b as { promotions: { reason: unknown } }).promotions.reason, '').sort();
    expect(keys(zh)).toEqual(keys(en));
    for (const code of Object.keys(REASON_CODES)) {
      expect(i18n.exists(`promotions.reason.${code}`, { lng: 'en' }), code).toBe(true);
      expect(i18n.exists(`promotions.reason.${code}`, { lng: 'zh-CN' }), code).toBe(true);
    }
  });

  it('reads in English as the engine’s sentence did (amounts below ¥1,000)', () => {
    const r = rich();
    const t = i18n.getFixedT('en');
    const ctx = { t, lang: 'en', names: undefined };
    expect(r.adjustments.length).toBeGreaterThan(2);
    for (const a of r.adjustments) expect(codedReasonText(a, ctx)).toBe(localizeReason(a.reason.startsWith(`${a.source}: `) ? a.reason.slice(a.source.length + 2) : a.reason, 'en'));
    for (const x of r.rejected) {
      if (x.code === 'not-combined' && /only one/.test(x.reason)) continue; // the kind reads "store coupon", not "coupon:store"
      expect(codedReasonWithSource(x, ctx)).toBe(localizeReason(x.reason, 'en'));
    }
    for (const l of r.lines) l.noteCodes?.forEach((n, i) => { expect(codedReasonWithSource({ reason: '', ...n }, ctx)).toBe(localizeReason(l.notes[i] ?? '', 'en')); });
  });

  it('reads naturally in Chinese, with names and money formatted', () => {
    const t = i18n.getFixedT('zh-CN');
    const ctx = { t, lang: 'zh-CN', names: { mj: '满300减40', c15: '店铺券15' } };
    expect(codedReasonText({ reason: '', code: 'threshold.tiers', params: { source: 'mj', thresholdFen: 30000, offFen: 4000, eligibleFen: 35000 } }, ctx)).toBe('满 ¥300.00 减 ¥40.00（参与商品 ¥350.00）');
    expect(codedReasonWithSource({ reason: '', code: 'coupon.fixed', params: { source: 'c15', issuer: 'store', offFen: 1500, usedFen: 500 } }, ctx)).toBe('店铺券15：店铺券减 ¥15.00（实际只用了 ¥5.00：金额不能低于零）');
    expect(codedReasonWithSource({ reason: '', code: 'not-combined', params: { source: 'solo', others: 'mj, c15', rule: 'rule.exclusive', subject: 'solo' } }, ctx)).toBe(
      'solo：不能与 满300减40、店铺券15 同时使用：solo 是独享优惠，不与其他优惠同享；已选的组合对你更便宜',
    );
    expect(codedReasonText({ reason: '', code: 'not-combined', params: { source: 'c2', others: 'c15', rule: 'rule.one-per-kind', subject: 'coupon:store' } }, ctx)).toBe(
      '不能与 店铺券15 同时使用：每单只能用一个店铺券；已选的组合对你更便宜',
    );
    const r = rich();
    for (const x of [...r.adjustments, ...r.rejected]) {
      const text = codedReasonText(x, ctx);
      expect(text, x.reason).toBeTruthy();
      expect(text, x.reason).not.toMatch(/\{\{|undefined| off |price/);
    }
  });

  it('gives null for a reason without a code (an order priced before codes): the caller keeps the sentence', () => {
    expect(codedReasonText({ reason: 'mj: spend ¥100.00 get ¥10.00 off' }, { t: i18n.getFixedT('zh-CN'), lang: 'zh-CN', names: undefined })).toBeNull();
  });
});
