import { randomBytes } from 'node:crypto';
import { teamRoles, type TeamRole } from '../../contracts/roles.contract.js';
import type { Services } from '../app.js';
import { systemCtx } from '../platform/context.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db/database.js';
import { seedDemoPromotions } from '../modules/promotions/promotions.demo.js';
import type { NewProduct } from '../modules/catalog/catalog.service.js';
import { seedDemoHistory, type PastDemoSession } from './seed-demo-history.flow.js';

export const DEMO_BRAND = '【演示 Demo】山野茶事 Mountain Tea Co.';

export interface DemoSeedResult {
  created: boolean;
  brandName: string;
  members: { email: string; role: TeamRole }[];
  /** One generated password shared by the demo team, printed once; never a built-in default. */
  memberPassword?: string;
  products: number;
  sessionId?: string;
  /** "Demo shop — live now": live from seed time, with a 满减 offer and an open flash sale (/live/<id>). */
  liveSessionId?: string;
  /** Two finished demo sessions (last week, yesterday) with simulated audiences and ready reports, oldest first. */
  pastSessions?: PastDemoSession[];
}

const sku = (code: string, name: string, yuan: number, stock: number, attrs: Record<string, string> = {}) => ({
  code,
  name,
  attrs,
  priceFen: Math.round(yuan * 100),
  currency: 'CNY' as const,
  stock,
});

/** Twelve products of a tea-and-snacks brand, priced the way such a shop prices them. */
export function demoProducts(brandId: string): NewProduct[] {
  const p = (title: string, category: string, description: string, tags: string[], skus: NewProduct['skus']): NewProduct => ({
    brandId,
    title,
    category,
    description,
    tags,
    images: [],
    skus,
  });
  return [
    p('明前龙井 West Lake Longjing (pre-Qingming)', 'tea', '2026 spring harvest, hand-fired in Hangzhou.', ['green tea', 'new'], [
      sku('DEMO-LJ-100', '100 g tin', 168, 120, { size: '100g' }),
      sku('DEMO-LJ-250', '250 g gift box', 398, 40, { size: '250g' }),
    ]),
    p('武夷岩茶 大红袍 Da Hong Pao', 'tea', 'Rock oolong from Wuyi, medium roast.', ['oolong'], [
      sku('DEMO-DHP-125', '125 g', 228, 80, { size: '125g' }),
      sku('DEMO-DHP-500', '500 g', 798, 15, { size: '500g' }),
    ]),
    p('云南古树普洱 Ancient-tree Pu’er cake', 'tea', 'Raw pu’er, 357 g cake, 2019 pressing.', ['pu-erh', 'collectible'], [sku('DEMO-PE-357', '357 g cake', 459, 30)]),
    p('福鼎白茶 白牡丹 White Peony', 'tea', 'Fuding white tea, 2023 harvest.', ['white tea'], [
      sku('DEMO-BMD-100', '100 g', 139, 100),
      sku('DEMO-BMD-CAKE', '300 g cake', 329, 25),
    ]),
    p('正山小种 Lapsang Souchong', 'tea', 'Unsmoked, from Tongmu village.', ['black tea'], [sku('DEMO-ZS-150', '150 g', 118, 90)]),
    p('桂花乌龙冷泡茶 Osmanthus oolong cold brew', 'tea', 'Cold-brew bags, 15 per box.', ['cold brew', 'summer'], [
      sku('DEMO-GH-15', '15 bags', 49.9, 300),
      sku('DEMO-GH-45', '45 bags (3 boxes)', 129, 120),
    ]),
    p('青瓷盖碗 Celadon gaiwan', 'teaware', 'Longquan celadon, 150 ml.', ['teaware'], [
      sku('DEMO-GW-BL', 'Sky blue', 188, 50, { colour: 'sky blue' }),
      sku('DEMO-GW-GR', 'Plum green', 188, 45, { colour: 'plum green' }),
    ]),
    p('旅行茶具套装 Travel tea set', 'teaware', 'One pot, four cups, canvas case.', ['teaware', 'gift'], [sku('DEMO-TS-01', 'Set', 259, 35)]),
    p('手工绿豆糕 Mung bean cakes', 'snacks', 'Made daily, 12 pieces.', ['snacks'], [
      sku('DEMO-LDG-12', '12 pieces', 39.9, 200),
      sku('DEMO-LDG-24', '24 pieces', 69.9, 120),
    ]),
    p('桂花糕 Osmanthus cakes', 'snacks', 'Soft rice cakes with osmanthus syrup.', ['snacks'], [sku('DEMO-GHG-10', '10 pieces', 29.9, 240)]),
    p('茶点礼盒 Tea & snacks gift box', 'gift', 'Longjing 50 g, two snack boxes, a cup.', ['gift', 'festival'], [sku('DEMO-GIFT-01', 'Gift box', 299, 60)]),
    p('品鉴小样装 Tasting sampler', 'tea', 'Six teas, 8 g each: try before you buy.', ['sampler', 'new customers'], [sku('DEMO-SMP-6', '6 × 8 g', 19.9, 500)]),
  ];
}

/**
 * Seeds a realistic demo brand (clearly labelled 演示 Demo): one team member per role, twelve
 * products with SKUs and stock, two finished sessions with simulated audiences and their reports
 * (seed-demo-history.flow.ts), one scheduled session and one live demo shop. Runs once; a second
 * call does nothing.
 */
export async function seedDemo(services: Services, clock: Clock, database: Database): Promise<DemoSeedResult> {
  const ctx = systemCtx('seed-demo');
  const existing = await services.catalog.defaultBrandId();
  if (existing) {
    const names = await services.catalog.brandNames([existing]);
    if (names.get(existing) === DEMO_BRAND) return { created: false, brandName: DEMO_BRAND, members: [], products: 0 };
  }
  const brandId = await services.catalog.createBrand(ctx, DEMO_BRAND, { isDemo: true });
  const products = demoProducts(brandId);
  const productIds: string[] = [];
  for (const p of products) productIds.push(await services.catalog.createProduct(ctx, p, { isDemo: true }));

  const memberPassword = `demo-${randomBytes(6).toString('base64url')}`;
  const members: DemoSeedResult['members'] = [];
  const names: Record<TeamRole, string> = {
    owner: '林店长 Lin (owner)',
    admin: '周管理 Zhou (admin)',
    host: '小雅 Xiaoya (host)',
    planner: '陈策划 Chen (planner)',
    tech: '王技术 Wang (tech)',
    marketer: '刘营销 Liu (marketer)',
    operator: '赵运营 Zhao (operator)',
    analyst: '孙数据 Sun (analyst)',
    cs: '吴客服 Wu (customer service)',
    logistics: '郑物流 Zheng (logistics)',
  };
  for (const role of teamRoles) {
    const email = `${role}@demo.onair.local`;
    const existingMember = await services.team.store.findByEmail(email);
    if (existingMember) continue;
    await services.team.create(ctx, { email, displayName: names[role], roles: [role], password: memberPassword }, { isDemo: true });
    members.push({ email, role });
  }

  // The earlier sessions first: the console lists the newest first, so the scheduled launch and
  // the live shop stay on top.
  const host = await services.team.store.findByEmail('host@demo.onair.local');
  const pastSessions = await seedDemoHistory(services, clock, database, { brandId, productIds, hostId: host?.id ?? null });

  // Tomorrow at 20:00 UTC+8, prime time for Chinese live commerce.
  const now = clock.now();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 12, 0, 0));
  const session = await services.sessions.create(
    ctx,
    { title: '【演示】春茶上新专场 Spring tea launch (demo)', theme: 'launch', visibility: 'public', scheduledStart: start.toISOString(), plannedMinutes: 120 },
    { isDemo: true, brandId },
  );
  await services.sessions.transition(ctx, session.id, 'scheduled', 'demo data');
  // The demo session offers every demo product, in catalog order, on its shelf.
  await services.shelf.setShelf(ctx, session.id, productIds);
  const demoSkus = (await services.catalog.productsByIds(productIds)).flatMap((p) => p.skus);
  await seedDemoPromotions(services.promotions, clock, { sessionId: session.id, skuIdByCode: (code) => demoSkus.find((k) => k.code === code)?.id });
  const liveSessionId = await seedLiveDemoShop(services, clock, brandId, productIds);
  return { created: true, brandName: DEMO_BRAND, members, memberPassword, products: products.length, sessionId: session.id, liveSessionId, pastSessions };
}

/**
 * A second demo session that is live right away, so a newcomer can buy in the room after
 * `npm start`: every demo product on the shelf, 满100减10 / 满300减40 in that session, and a
 * flash sale open now (the Longjing tin at ¥128 instead of ¥168, 50 units, one per person, for
 * 24 hours from the first start). Labelled as demo; no invented audience figures.
 */
async function seedLiveDemoShop(services: Services, clock: Clock, brandId: string, productIds: string[]): Promise<string> {
  const ctx = systemCtx('seed-demo');
  const session = await services.sessions.create(
    ctx,
    { title: '【演示】直播中的小店 Demo shop — live now', theme: 'launch', visibility: 'public', plannedMinutes: 240 },
    { isDemo: true, brandId },
  );
  await services.sessions.transition(ctx, session.id, 'live', 'demo data: live so newcomers can try buying');
  await services.shelf.setShelf(ctx, session.id, productIds);
  const now = clock.now().getTime();
  await services.promotions.createPromotion(
    ctx,
    {
      name: '满100减10 满300减40',
      kind: 'threshold',
      sessionId: session.id,
      window: { from: new Date(now - 60_000).toISOString(), to: new Date(now + 7 * 24 * 3_600_000).toISOString() },
      args: { mode: 'tiers', tiers: [{ thresholdFen: 10_000, offFen: 1_000 }, { thresholdFen: 30_000, offFen: 4_000 }] },
      status: 'active',
    },
    { isDemo: true },
  );
  const products = await services.catalog.productsByIds(productIds);
  const longjing = products.flatMap((p) => p.skus).find((k) => k.code === 'DEMO-LJ-100');
  if (longjing) {
    await services.flashSales.create(ctx, session.id, { skuId: longjing.id, priceFen: 12_800, units: 50, perBuyerLimit: 1, openNow: true, durationMinutes: 24 * 60 });
  }
  await seedDemoTools(services, session.id, products.find((p) => p.skus.some((k) => k.code === 'DEMO-LJ-100'))?.id ?? null);
  return session.id;
}

/**
 * Interactive tools prepared in the live demo shop (drafts, as a team prepares them before the
 * live), so a newcomer fires a poll and a verifiable draw from the console's live-control panel
 * and takes part from a browser. Nothing runs until someone fires it; no votes or entries are made up.
 */
async function seedDemoTools(services: Services, sessionId: string, longjingProductId: string | null): Promise<void> {
  const ctx = systemCtx('seed-demo');
  await services.interact.polls.create(ctx, sessionId, {
    question: '下一款讲哪个？ Which tea should we taste next?',
    kind: 'single',
    options: ['龙井 Longjing', '白茶 White tea', '普洱 Pu-erh'],
    durationSeconds: 60,
  });
  await services.interact.draws.create(ctx, sessionId, {
    title: '福袋 · 评论口令抽奖 Giveaway: comment the phrase',
    prize: longjingProductId ? { kind: 'product', productId: longjingProductId } : { kind: 'text', label: '龙井一罐 A tin of Longjing' },
    winnerCount: 3,
    entrySeconds: 120,
    rules: { phrase: '我要龙井', followsBrand: false, reservedSession: false, boughtInSession: false, accountOlderThanSession: false, inRoomAtDraw: false },
    claimHours: 48,
    unclaimed: 'redraw',
  });
  await services.interact.quizzes.create(ctx, sessionId, {
    title: '茶知识小测 Tea quiz',
    questions: [
      { prompt: '龙井茶产自哪里？ Where does Longjing tea come from?', options: ['杭州 Hangzhou', '福建 Fujian', '云南 Yunnan'], correctIndex: 0, windowSeconds: 20 },
      { prompt: '白茶属于哪类茶？ White tea is…', options: ['发酵茶 Fermented', '微发酵茶 Lightly fermented', '全发酵茶 Fully fermented'], correctIndex: 1, windowSeconds: 20 },
    ],
    rewardTopN: 3,
    reward: { kind: 'points', points: 100 },
  });
}
