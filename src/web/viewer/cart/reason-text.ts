/**
 * The pricing engine explains itself in English sentences (pricing-engine.ts). The buyer reads
 * them in their language: this turns the engine's known sentences into Chinese, piece by piece,
 * and leaves anything it does not recognise as the engine wrote it (never a wrong translation).
 * Both languages drop the cart's internal line ids ("… on l1"), which mean nothing to a buyer.
 * Only the fallback now: a reason with a code is rendered from it (reason-i18n.ts); this serves
 * reasons stored without one (orders priced before codes existed).
 */

const Y = '(¥[\\d,]+\\.\\d\\d)';

type Rule = [RegExp, string];

const ZH_RULES: Rule[] = [
  [new RegExp(`^spend ${Y} get ${Y} off \\(eligible items ${Y}\\)`), '满 $1 减 $2（参与商品 $3）'],
  [new RegExp(`^${Y} off every ${Y}, capped at ${Y} \\(eligible items ${Y}\\)`), '每满 $2 减 $1，最多减 $3（参与商品 $4）'],
  [new RegExp(`^${Y} off every ${Y} \\(eligible items ${Y}\\)`), '每满 $2 减 $1（参与商品 $3）'],
  [
    new RegExp(`^flash-sale price ${Y} for (\\d+) unit\\(s\\); the other (\\d+) at the regular price ${Y} \\(limit (\\d+) per buyer\\)`),
    '秒杀价 $1，共 $2 件；其余 $3 件按原价 $4（每人限购 $5 件）',
  ],
  [new RegExp(`^flash-sale price ${Y} each`), '秒杀价 $1/件'],
  [/^flash-sale limit of (\d+) per buyer already reached \(or sold out\)/, '已达到每人限购 $1 件（或已抢光）'],
  [new RegExp(`^time-limited price ${Y} each`), '限时价 $1/件'],
  [new RegExp(`^(\\d+)% off, ${Y} off each`), '$1% 折扣，每件减 $2'],
  [new RegExp(`^store coupon ${Y} off`), '店铺券减 $1'],
  [new RegExp(`^platform coupon ${Y} off`), '平台券减 $1'],
  [new RegExp(`^store coupon (\\d+)% off ${Y} rounded half up to the fen, capped at ${Y}`), '店铺券 $1% 折扣（按 $2 计，四舍五入到分，最多减 $3）'],
  [new RegExp(`^store coupon (\\d+)% off ${Y} rounded half up to the fen`), '店铺券 $1% 折扣（按 $2 计，四舍五入到分）'],
  [new RegExp(`^platform coupon (\\d+)% off ${Y} rounded half up to the fen, capped at ${Y}`), '平台券 $1% 折扣（按 $2 计，四舍五入到分，最多减 $3）'],
  [new RegExp(`^platform coupon (\\d+)% off ${Y} rounded half up to the fen`), '平台券 $1% 折扣（按 $2 计，四舍五入到分）'],
  [new RegExp(`^(\\d+) points redeemed for ${Y} \\((\\d+) points = ¥1, at most ${Y} per order\\)`), '$1 积分抵扣 $2（$3 积分 = ¥1，每单最多抵 $4）'],
  [new RegExp(`^coupon needs ${Y} of eligible items, cart has ${Y}`), '优惠券需参与商品满 $1，当前 $2'],
  [new RegExp(`^gift needs ${Y} of eligible items, cart has ${Y}`), '赠品需参与商品满 $1，当前 $2'],
  [new RegExp(`^eligible items total ${Y}, below the lowest threshold`), '参与商品合计 $1，未达到最低门槛'],
  [new RegExp(`^eligible items total ${Y}, below ${Y}`), '参与商品合计 $1，未满 $2'],
  [/^a cheaper combination for the buyer exists without it/, '不用它的组合对你更便宜'],
  [/^not valid at this moment.*/, '当前不在有效期内'],
  [/^gift offer not valid at this moment/, '赠品活动当前不在有效期内'],
  [/^no item in the cart is eligible/, '购物车中没有适用的商品'],
  [/^takes nothing off this cart/, '对这个购物车没有优惠'],
  [/^for fans of the store only/, '仅限店铺粉丝'],
  [/^(.+) gives a lower price/, '$1 的价格更低'],
  [/^the gift (\S+) is out of stock; the order goes through without it/, '赠品已送完，订单照常成交但不含赠品'],
  [/^this flash sale is not open now; the regular price applies/, '本场秒杀当前未开放，按原价计算'],
  [/^not combined with (.+?): .*; the chosen combination is cheaper for the buyer/, '不能与 $1 同时使用；已选的组合对你更便宜'],
];

/** Drops "… on <lineId>" / "… for <lineId> …" / "gives <lineId> a lower price" line references. */
function withoutLineIds(text: string): string {
  return text
    .replace(/ on [A-Za-z0-9_-]+$/, '')
    .replace(/ for [A-Za-z0-9_-]+ \(outside its window\)/, ' (outside its window)')
    .replace(/ gives [A-Za-z0-9_-]+ a lower price/, ' gives a lower price');
}

export function localizeReason(text: string, lang: string): string {
  const plain = withoutLineIds(text);
  if (!lang.startsWith('zh')) return plain;
  // A sentence may start with a source name ("满100减10: spend …"): translate what follows it.
  const colon = plain.indexOf(': ');
  const candidates: [string, string][] = [['', plain]];
  if (colon > 0) candidates.unshift([plain.slice(0, colon + 2).replace(/: $/, '：'), plain.slice(colon + 2)]);
  for (const [prefix, body] of candidates) {
    for (const [re, zh] of ZH_RULES) {
      const m = re.exec(body);
      if (m) {
        const floor = /\(only (¥[\d,]+\.\d\d) used: the amount cannot go below zero\)/.exec(body);
        return prefix + body.slice(0, m.index) + m[0].replace(re, zh) + (floor ? `（实际只用了 ${floor[1] ?? ''}：金额不能低于零）` : '');
      }
    }
  }
  return plain;
}
