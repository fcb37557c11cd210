import type { Clock } from '../../platform/clock.js';
import { systemCtx } from '../../platform/context.js';
import type { PromotionsService } from './promotions.service.js';

/**
 * Demo promotions for the scheduled demo session (all labelled 演示 / demo): 满100减10 /
 * 满200减30, a price for the first 30 minutes after going live, a gift with purchase, a store
 * coupon template, and (when demo viewers exist) a coupon and some points for each of them.
 */
export async function seedDemoPromotions(
  promotions: PromotionsService,
  clock: Clock,
  opts: { sessionId: string; skuIdByCode: (code: string) => string | undefined; demoViewerIds?: readonly string[] },
): Promise<void> {
  const ctx = systemCtx('seed-demo');
  const now = clock.now().getTime();
  const days = (n: number) => new Date(now + n * 86_400_000).toISOString();
  const demo = { isDemo: true };
  await promotions.createPromotion(
    ctx,
    {
      name: '【演示】满100减10 满200减30',
      kind: 'threshold',
      sessionId: opts.sessionId,
      window: { from: new Date(now).toISOString(), to: days(30) },
      args: { mode: 'tiers', tiers: [{ thresholdFen: 10_000, offFen: 1_000 }, { thresholdFen: 20_000, offFen: 3_000 }] },
      status: 'active',
    },
    demo,
  );
  const giftBox = opts.skuIdByCode('DEMO-LJ-250');
  if (giftBox) {
    await promotions.createPromotion(
      ctx,
      {
        name: '【演示】开播前30分钟 龙井礼盒 ¥358 (first 30 minutes)',
        kind: 'time-limited-price',
        sessionId: opts.sessionId,
        window: { relative: { fromMinutes: 0, toMinutes: 30 } },
        scope: { skuIds: [giftBox] },
        args: { priceFen: 35_800 },
        status: 'active',
      },
      demo,
    );
  }
  const sampler = opts.skuIdByCode('DEMO-SMP-6');
  if (sampler) {
    await promotions.createPromotion(
      ctx,
      {
        name: '【演示】满200赠品鉴小样 (gift with purchase)',
        kind: 'gift',
        sessionId: opts.sessionId,
        window: { from: new Date(now).toISOString(), to: days(30) },
        args: { giftSkuId: sampler, quantity: 1, thresholdFen: 20_000 },
        status: 'active',
      },
      demo,
    );
  }
  const template = await promotions.createTemplate(
    ctx,
    { name: '【演示】店铺券 满150减20', issuer: 'store', discountType: 'fixed', offFen: 2_000, thresholdFen: 15_000, validFrom: new Date(now).toISOString(), validTo: days(30), totalQuantity: 200, perViewerLimit: 2 },
    demo,
  );
  const viewers = opts.demoViewerIds ?? [];
  if (viewers.length > 0) {
    await promotions.issueToWinners(ctx, template.id, viewers, 'demo-seed');
    for (const v of viewers) await promotions.points.grant(v, 1_000, 'demo points', `demo-seed:${v}`);
  }
}
