import { HEARTBEAT_MS, type AnalyticsEvent } from '../../contracts/analytics-events.contract.js';
import type { Services } from '../app.js';
import { buildPlan, sourceLabel, type PlannedViewer, type SimulationPlan } from '../cli/simulation-plan.js';
import { mulberry32 } from '../platform/seeded-random.js';
import { nicknameKey } from '../modules/viewers/viewers.service.js';
import type { Clock } from '../platform/clock.js';
import { systemCtx } from '../platform/context.js';
import type { Database } from '../platform/db/database.js';
import type { SessionSegmentsTable } from '../platform/db/tables/analytics.tables.js';
import { timeOrderedIds } from '../platform/ids/id-generator.js';

/**
 * The demo's earlier sessions (issue 7): two finished lives of the demo brand, last week and
 * yesterday, each with a shelf, a run of show, pinned products, a poll, a flash sale and an
 * audience whose analytics events are generated from `onair simulate`'s seeded plan. Their
 * reports are built at seed time, so a newcomer who simulates a live in the demo shop can
 * compare it with an earlier session at once.
 *
 * Every event is `traffic: 'simulated'`: these are simulated figures, never real ones (the real
 * report of these sessions has no viewers). No orders rows are made: orders, payments and refunds
 * exist as analytics events only. Some viewers come to both sessions and some buy in both, so
 * new vs returning and audience clusters have something to show.
 *
 * Services stamp the present time, so the past rows (transitions, pinned intervals, segments,
 * the poll, the flash sale) are written here directly, once, on the demo's first run.
 */

export type SegmentKind = SessionSegmentsTable['kind'];

export interface ShowStep {
  kind: SegmentKind;
  title: string;
  /** Minutes of the live. */
  from: number;
  to: number;
  /** SKU codes whose products are pinned one after another during the step (none: nothing pinned). */
  pins: string[];
  /** Share of the viewers present at the step's start who leave during it (a dull stretch). */
  leave?: number;
}

export interface PastShow {
  title: string;
  /** Days before the seed's day; the live starts at 20:00 UTC+8 (12:00 UTC) that day. */
  daysAgo: number;
  minutes: number;
  viewers: number;
  seed: number;
  steps: ShowStep[];
  poll: { atMinute: number; seconds: number; question: string; options: string[] };
  flash: { code: string; priceFen: number; units: number; from: number; to: number };
}

export const PAST_SHOWS: PastShow[] = [
  {
    title: '【演示】白茶与乌龙之夜 White tea & oolong night (demo, simulated figures)',
    daysAgo: 7,
    minutes: 60,
    viewers: 420,
    seed: 7_2026,
    steps: [
      { kind: 'entertainment', title: '开场与福利预告 Warm-up, giveaway preview', from: 0, to: 6, pins: [] },
      { kind: 'showcase', title: '白牡丹与大红袍 White Peony and Da Hong Pao', from: 6, to: 24, pins: ['DEMO-BMD-100', 'DEMO-DHP-125', 'DEMO-BMD-CAKE'] },
      { kind: 'teaching', title: '盖碗冲泡教学 Brewing in a gaiwan', from: 24, to: 36, pins: ['DEMO-GW-BL', 'DEMO-TS-01'] },
      { kind: 'other', title: '换场（未挂商品）Changeover, nothing pinned', from: 36, to: 41, pins: [], leave: 0.3 },
      { kind: 'showcase', title: '茶点与礼盒 Snacks and gift boxes', from: 41, to: 60, pins: ['DEMO-LDG-12', 'DEMO-GHG-10', 'DEMO-GIFT-01', 'DEMO-SMP-6'] },
    ],
    poll: { atMinute: 15, seconds: 90, question: '白茶还是乌龙？ White tea or oolong?', options: ['白茶 White tea', '乌龙 Oolong'] },
    flash: { code: 'DEMO-DHP-125', priceFen: 18_800, units: 30, from: 16, to: 22 },
  },
  {
    title: '【演示】龙井品鉴夜 Longjing tasting night (demo, simulated figures)',
    daysAgo: 1,
    minutes: 75,
    viewers: 720,
    seed: 1_2026,
    steps: [
      { kind: 'entertainment', title: '开场寒暄 Warm-up and greetings', from: 0, to: 8, pins: [] },
      { kind: 'showcase', title: '明前龙井上新 Pre-Qingming Longjing launch', from: 8, to: 30, pins: ['DEMO-LJ-100', 'DEMO-LJ-250', 'DEMO-SMP-6'] },
      { kind: 'teaching', title: '龙井怎么泡 How to brew Longjing', from: 30, to: 42, pins: ['DEMO-GW-GR', 'DEMO-GH-15'] },
      { kind: 'other', title: '等待连麦（未挂商品）Waiting for the guest, nothing pinned', from: 42, to: 48, pins: [], leave: 0.35 },
      { kind: 'interview', title: '茶农连麦 A tea farmer on the line', from: 48, to: 66, pins: ['DEMO-PE-357', 'DEMO-ZS-150', 'DEMO-DHP-125'] },
      { kind: 'showcase', title: '礼盒与返场 Gift boxes and encores', from: 66, to: 75, pins: ['DEMO-GIFT-01', 'DEMO-LDG-24', 'DEMO-TS-01'] },
    ],
    poll: { atMinute: 20, seconds: 90, question: '下一款讲哪个？ Which tea should we taste next?', options: ['龙井 Longjing', '白茶 White tea', '普洱 Pu-erh'] },
    flash: { code: 'DEMO-LJ-100', priceFen: 12_800, units: 50, from: 12, to: 18 },
  },
];

const MIN = 60_000;

export interface DemoSku {
  code: string;
  skuId: string;
  productId: string;
  priceFen: number;
}

/** Who a planned viewer is: an account (`viewer:<id>`) or a guest (`guest:<id>`). */
export interface Identity {
  key: string;
  accountId: string | null;
}

export interface PastSessionData {
  startedAt: number;
  endedAt: number;
  events: AnalyticsEvent[];
  explanations: { productId: string; from: number; to: number }[];
  segments: { kind: SegmentKind; title: string; from: number; to: number }[];
  poll: { opensAt: number; closedAt: number; votes: { accountId: string; choice: number; at: number }[] };
  flash: { skuId: string; priceFen: number; units: number; sold: number; from: number; to: number } | null;
  survey: { viewerKey: string; csat: number; nps: number; comment: string | null; at: number }[];
  /** Account keys that paid (cross-session buyers). */
  buyers: Set<string>;
}

/** Live start of a past show: 20:00 in China (12:00 UTC), `daysAgo` days before `now`. */
export function pastStart(now: Date, daysAgo: number): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - daysAgo, 12, 0, 0);
}

/**
 * Watch times of the plan are scaled by this: `onair simulate` keeps viewers a third of the show
 * (a lively demo); a recorded evening of a tea shop holds most of them for less (median 8-11
 * minutes), and fewer heartbeats keep the seed fast. Each viewer's actions are compressed into the
 * shorter stay; those who stayed to the end keep their stay.
 */
const STAY_SCALE = 0.55;

/** The plan of a show: shorter stays, and departures brought forward in its dull stretches (deterministic). */
export function showPlan(show: PastShow): SimulationPlan {
  const plan = buildPlan({ seed: show.seed, viewers: show.viewers, minutes: show.minutes });
  for (const p of plan.people) {
    // Those who stayed to the end still do: a live ends with its most loyal viewers there.
    if (p.leaveMs >= plan.durationMs) continue;
    const leave = p.arriveMs + Math.max(1000, Math.round((p.leaveMs - p.arriveMs) * STAY_SCALE));
    for (const a of p.actions) a.atMs = Math.min(leave - 1, p.arriveMs + Math.round((a.atMs - p.arriveMs) * STAY_SCALE));
    p.leaveMs = leave;
  }
  const rnd = mulberry32(show.seed ^ 0x5eed);
  for (const step of show.steps) {
    if (!step.leave) continue;
    const a = step.from * MIN;
    const b = step.to * MIN;
    for (const p of plan.people) {
      if (p.arriveMs >= a || p.leaveMs <= a) continue;
      const u = rnd();
      const at = Math.round(a + rnd() * (b - a));
      if (u < step.leave && at < p.leaveMs) {
        p.leaveMs = Math.max(p.arriveMs + 1000, at);
        p.actions = p.actions.filter((x) => x.atMs < p.leaveMs);
      }
    }
  }
  return plan;
}

const isBuyer = (p: PlannedViewer) => p.actions.some((a) => a.kind === 'buy');

/**
 * Who each planned viewer of each show is. Buyers are accounts (a guest cannot order); about a
 * quarter of a later show's audience watched an earlier one, and some of its buyers bought then too.
 */
export function assignAudience(plans: SimulationPlan[], newAccountId: () => string): { identities: Identity[][]; accounts: string[] } {
  const accounts: string[] = [];
  const account = (): Identity => {
    const id = newAccountId();
    accounts.push(id);
    return { key: `viewer:${id}`, accountId: id };
  };
  let guests = 0;
  const guest = (): Identity => ({ key: `guest:demo-guest-${String(++guests).padStart(5, '0')}`, accountId: null });
  const out: Identity[][] = [];
  const seen: Identity[] = [];
  const seenBuyers: Identity[] = [];
  const seenKeys = new Set<string>();
  const seenBuyerKeys = new Set<string>();
  for (const [s, plan] of plans.entries()) {
    const rnd = mulberry32(plan.seed ^ 0xa0d1);
    const used = new Set<string>();
    const takeFrom = (pool: Identity[], accountsOnly: boolean): Identity | null => {
      for (let tries = 0; tries < 8 && pool.length; tries++) {
        const c = pool[Math.floor(rnd() * pool.length)]!;
        if (!used.has(c.key) && (!accountsOnly || c.accountId)) return c;
      }
      return null;
    };
    const ids: Identity[] = [];
    for (const p of plan.people) {
      const buyer = isBuyer(p);
      let who: Identity | null = null;
      if (s > 0) {
        if (buyer && rnd() < 0.45) who = takeFrom(seenBuyers, true);
        if (!who && rnd() < (buyer ? 0.3 : 0.25)) who = takeFrom(seen, buyer);
      }
      who ??= buyer || rnd() < 0.6 ? account() : guest();
      used.add(who.key);
      ids.push(who);
    }
    for (const [i, who] of ids.entries()) {
      if (!seenKeys.has(who.key)) {
        seenKeys.add(who.key);
        seen.push(who);
      }
      if (isBuyer(plan.people[i]!) && !seenBuyerKeys.has(who.key)) {
        seenBuyerKeys.add(who.key);
        seenBuyers.push(who);
      }
    }
    out.push(ids);
  }
  return { identities: out, accounts };
}

const shareChannels = ['wechat', 'weibo', 'copy_link'];
const surveyComments = [
  '茶很香，讲解很细 Lovely tea, clear explanations',
  '希望多讲讲冲泡水温 More on water temperature please',
  '秒杀太快没抢到 The flash sale sold out too fast',
  '中间等得有点久 The wait in the middle was long',
  '主播很专业 The host knows her tea',
  '物流能快点就好了 Hope delivery is quicker',
  '礼盒很适合送人 The gift box is a great present',
  '声音有点小 The sound was a bit quiet',
];

/**
 * The analytics events and timeline of one past show (pure: times from `startedAt`, randomness
 * from the show's seed). View heartbeats every 30 s; comments, likes, shares, impressions and
 * clicks from the plan; clicks go to the pinned product most of the time; buyers order, most pay
 * within minutes, two payments are refunded; a poll and a flash sale run; viewers still there at
 * the end (and buyers) answer the post-live survey.
 */
export function pastSessionData(show: PastShow, plan: SimulationPlan, ids: Identity[], sessionId: string, startedAt: number, skus: DemoSku[]): PastSessionData {
  const endedAt = startedAt + show.minutes * MIN;
  const byCode = new Map(skus.map((k) => [k.code, k]));
  const shelf = [...new Set(skus.map((k) => k.productId))];
  const skusOf = (productId: string) => skus.filter((k) => k.productId === productId);
  const explanations: PastSessionData['explanations'] = [];
  for (const step of show.steps) {
    const pins = step.pins.map((c) => byCode.get(c)).filter((k): k is DemoSku => k !== undefined);
    const len = ((step.to - step.from) * MIN) / Math.max(1, pins.length);
    pins.forEach((k, i) => explanations.push({ productId: k.productId, from: startedAt + step.from * MIN + Math.round(i * len), to: startedAt + step.from * MIN + Math.round((i + 1) * len) }));
  }
  const pinnedAt = (t: number) => explanations.find((x) => x.from <= t && t < x.to)?.productId ?? null;
  const flashSku = byCode.get(show.flash.code) ?? null;
  const flash = flashSku ? { skuId: flashSku.skuId, priceFen: show.flash.priceFen, units: show.flash.units, sold: 0, from: startedAt + show.flash.from * MIN, to: startedAt + show.flash.to * MIN } : null;
  const pollOpens = startedAt + show.poll.atMinute * MIN;
  const pollCloses = pollOpens + show.poll.seconds * 1000;
  const events: AnalyticsEvent[] = [];
  const votes: PastSessionData['poll']['votes'] = [];
  const survey: PastSessionData['survey'] = [];
  const buyers = new Set<string>();
  let n = 0;
  let orders = 0;
  let paid = 0;
  const pollRef = `demo-poll-${sessionId}`;
  const refundAt = new Set([3, 11]);

  for (const p of plan.people) {
    const who = ids[p.index]!;
    const rnd = mulberry32((plan.seed ^ Math.imul(p.index + 1, 0x9e3779b1)) >>> 0);
    const source = sourceLabel(p.source);
    const A = startedAt + p.arriveMs;
    const L = startedAt + p.leaveMs;
    const ev = (type: AnalyticsEvent['type'], at: number, props: Partial<AnalyticsEvent> = {}) => {
      events.push({ id: `demo-${sessionId}-${(n++).toString(36)}`, type, sessionId, viewerKey: who.key, at, streamMs: at - startedAt, source, traffic: 'simulated', ...props });
    };
    ev('view_start', A);
    for (let t = A + HEARTBEAT_MS; t < L; t += HEARTBEAT_MS) ev('view_heartbeat', t);
    ev('view_end', L);
    let lastProduct: string | null = null;
    let lastLike: AnalyticsEvent | null = null;
    const productAt = (t: number, pick: number) => {
      const pinned = pinnedAt(t);
      return pinned && pick < 0.7 ? pinned : shelf[Math.floor(pick * shelf.length) % shelf.length]!;
    };
    for (const a of p.actions) {
      const t = startedAt + a.atMs;
      switch (a.kind) {
        case 'chat':
          ev('comment', t);
          break;
        case 'like':
          // Taps within 20 s reach the room as one burst.
          if (lastLike && t - lastLike.at < 20_000) lastLike.n = (lastLike.n ?? 1) + a.n;
          else {
            ev('like', t, { n: a.n });
            lastLike = events[events.length - 1]!;
          }
          break;
        case 'share':
          ev('share', t, { shareChannel: shareChannels[Math.floor(a.pick * shareChannels.length)]! });
          break;
        case 'impression': {
          const first = pinnedAt(t) ?? shelf[Math.floor(a.pick * shelf.length)]!;
          for (let i = 0; i < a.n; i++) ev('product_impression', t, { productId: i === 0 ? first : shelf[(shelf.indexOf(first) + i * 3) % shelf.length]! });
          break;
        }
        case 'click':
          lastProduct = productAt(t, a.pick);
          ev('product_click', t, { productId: lastProduct });
          break;
        case 'cart':
          lastProduct ??= productAt(t, a.pick);
          ev('add_to_cart', t, { productId: lastProduct, n: a.n });
          break;
        case 'buy': {
          if (!who.accountId) break;
          const productId = lastProduct ?? productAt(t, a.pick);
          const options = skusOf(productId);
          const sku = options[Math.floor(a.pick * options.length) % options.length]!;
          const onFlash = flash !== null && sku.skuId === flash.skuId && t >= flash.from && t < flash.to && flash.sold < flash.units;
          const qty = onFlash ? 1 : a.n;
          if (onFlash) flash.sold++;
          const lines = [{ productId, qty, amountFen: qty * (onFlash ? flash.priceFen : sku.priceFen) }];
          // A quarter of buyers add a box of snacks.
          const snack = byCode.get('DEMO-GHG-10');
          if (snack && snack.productId !== productId && rnd() < 0.25) lines.push({ productId: snack.productId, qty: 1, amountFen: snack.priceFen });
          const amountFen = lines.reduce((s, l) => s + l.amountFen, 0);
          const ref = `demo-order-${sessionId}-${++orders}`;
          ev('order', t, { ref, amountFen, lines });
          if (rnd() < 0.9) {
            const payAt = Math.min(endedAt - 1, t + 20_000 + Math.round(rnd() * 120_000));
            ev('payment', payAt, { ref, amountFen, lines });
            buyers.add(who.key);
            paid++;
            if (refundAt.has(paid)) ev('refund', endedAt + 2 * 3_600_000, { ref, amountFen: lines[0]!.amountFen, productId });
          }
          break;
        }
      }
    }
    // The poll: signed-in viewers present when it opens.
    if (who.accountId && A <= pollOpens && pollOpens < L && p.coin < p.voteChance) {
      const at = pollOpens + p.reactMs;
      if (at < pollCloses && at < L) {
        const choice = Math.floor(p.pick * show.poll.options.length);
        ev('poll_vote', at, { ref: pollRef });
        votes.push({ accountId: who.accountId, choice, at });
      }
    }
    // The post-live survey: offered to those still there at the end and to buyers.
    const atEnd = L >= endedAt - 10 * MIN;
    const bought = buyers.has(who.key);
    if ((atEnd && rnd() < 0.45) || (bought && rnd() < 0.6)) {
      const at = endedAt + 20_000 + Math.round(rnd() * 600_000);
      const u = rnd();
      const csat = bought ? (u < 0.6 ? 5 : u < 0.9 ? 4 : 3) : u < 0.35 ? 5 : u < 0.75 ? 4 : u < 0.9 ? 3 : u < 0.96 ? 2 : 1;
      const nps = Math.max(0, Math.min(10, Math.round(csat * 2 - 1 + (rnd() * 3 - 1))));
      const comment = rnd() < 0.12 ? surveyComments[Math.floor(rnd() * surveyComments.length)]! : null;
      ev('survey_answer', at, { csat, nps });
      survey.push({ viewerKey: who.key, csat, nps, comment, at });
    }
  }
  events.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return {
    startedAt,
    endedAt,
    events,
    explanations,
    segments: show.steps.map((s) => ({ kind: s.kind, title: s.title, from: startedAt + s.from * MIN, to: startedAt + s.to * MIN })),
    poll: { opensAt: pollOpens, closedAt: pollCloses, votes },
    flash,
    survey,
    buyers,
  };
}

export interface PastDemoSession {
  id: string;
  title: string;
  startedAt: string;
  endedAt: string;
  events: number;
}

/**
 * Creates the past shows (oldest first, so "returning" is computed against the earlier one),
 * stores their events and builds their reports. Called once, by seedDemo, on the first run.
 */
export async function seedDemoHistory(services: Services, clock: Clock, database: Database, o: { brandId: string; productIds: string[]; hostId: string | null }): Promise<PastDemoSession[]> {
  const ctx = systemCtx('seed-demo');
  const db = database.db;
  const now = clock.now();
  const ids = timeOrderedIds(() => clock.now().getTime());
  const skus: DemoSku[] = (await services.catalog.productsByIds(o.productIds)).flatMap((p) => p.skus.map((k) => ({ code: k.code, skuId: k.id, productId: p.id, priceFen: k.priceFen })));
  const shows = [...PAST_SHOWS].sort((a, b) => b.daysAgo - a.daysAgo);
  const plans = shows.map(showPlan);
  const audience = assignAudience(plans, ids);
  const iso = (ms: number) => new Date(ms).toISOString();
  const oldest = pastStart(now, shows[0]!.daysAgo);

  // The demo audience's accounts: flagged demo and simulated, with no password (nobody signs in as them).
  const viewerRows = audience.accounts.map((id, i) => {
    const nickname = `demo-tea-fan-${String(i + 1).padStart(4, '0')}`;
    return { id, nickname, nickname_key: nicknameKey(nickname), password_hash: '!demo-no-password', status: 'active' as const, is_demo: 1, simulated: 1, created_at: iso(oldest - (30 + (i % 60)) * 24 * 3_600_000) };
  });
  // A nickname someone already took (seed-demo run on an install with viewers) keeps its owner; that demo account is simply not made.
  for (let i = 0; i < viewerRows.length; i += 500) {
    await db
      .insertInto('viewers')
      .values(viewerRows.slice(i, i + 500))
      .onConflict((oc) => oc.column('nickname_key').doNothing())
      .execute();
  }

  const out: PastDemoSession[] = [];
  for (const [s, show] of shows.entries()) {
    const startedAt = pastStart(now, show.daysAgo);
    const session = await services.sessions.create(
      ctx,
      { title: show.title, theme: 'launch', visibility: 'public', scheduledStart: iso(startedAt), plannedMinutes: show.minutes },
      { isDemo: true, brandId: o.brandId },
    );
    await services.shelf.setShelf(ctx, session.id, o.productIds);
    if (o.hostId) await services.sessions.setStaff(ctx, session.id, { assignments: [{ memberId: o.hostId, duty: 'host' }] });
    const data = pastSessionData(show, plans[s]!, audience.identities[s]!, session.id, startedAt, skus);
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('live_sessions').set({ status: 'ended', created_at: iso(startedAt - 3 * 24 * 3_600_000), updated_at: iso(data.endedAt) }).where('id', '=', session.id).execute();
      await trx
        .insertInto('live_session_transitions')
        .values([
          { id: ids(), session_id: session.id, from_status: 'draft', to_status: 'scheduled', at: iso(startedAt - 2 * 24 * 3_600_000), actor_id: null, reason: 'demo data' },
          { id: ids(), session_id: session.id, from_status: 'scheduled', to_status: 'live', at: iso(startedAt), actor_id: null, reason: 'demo data (past session)' },
          { id: ids(), session_id: session.id, from_status: 'live', to_status: 'ended', at: iso(data.endedAt), actor_id: null, reason: 'demo data (past session)' },
        ])
        .execute();
      await trx
        .insertInto('product_explanations')
        .values(data.explanations.map((x) => ({ id: ids(), session_id: session.id, product_id: x.productId, started_at: iso(x.from), ended_at: iso(x.to), open_flag: null })))
        .execute();
      await trx
        .insertInto('session_segments')
        .values(data.segments.map((x) => ({ id: ids(), session_id: session.id, kind: x.kind, title: x.title, started_at: x.from, ended_at: x.to, created_by: o.hostId })))
        .execute();
      const pollId = `demo-poll-${session.id}`;
      await trx
        .insertInto('polls')
        .values({ id: pollId, session_id: session.id, question: show.poll.question, kind: 'single', options: JSON.stringify(show.poll.options), duration_ms: show.poll.seconds * 1000, status: 'closed', opens_at: iso(data.poll.opensAt), closed_at: iso(data.poll.closedAt), created_by: o.hostId, created_at: iso(startedAt - 24 * 3_600_000), updated_at: iso(data.poll.closedAt) })
        .execute();
      if (data.poll.votes.length) await trx.insertInto('poll_votes').values(data.poll.votes.map((v) => ({ poll_id: pollId, viewer_id: v.accountId, choices: String(v.choice), voted_at: iso(v.at) }))).execute();
      if (data.flash) {
        // A closed sale whose units all went back to the SKU at the close (its sales are simulated figures, no orders rows).
        await trx
          .insertInto('flash_sales')
          .values({ id: ids(), session_id: session.id, sku_id: data.flash.skuId, price_fen: data.flash.priceFen, currency: 'CNY', stock_total: data.flash.units, stock_left: 0, stock_returned: data.flash.units, per_buyer_limit: 1, starts_at: iso(data.flash.from), ends_at: iso(data.flash.to), status: 'closed', created_by: o.hostId, created_at: iso(startedAt - 24 * 3_600_000), updated_at: iso(data.flash.to), opened_at: iso(data.flash.from), closed_at: iso(data.flash.to), returned_at: iso(data.flash.to) })
          .execute();
      }
      for (let i = 0; i < data.survey.length; i += 500) {
        await trx
          .insertInto('survey_responses')
          .values(data.survey.slice(i, i + 500).map((x) => ({ session_id: session.id, viewer_key: x.viewerKey, csat: x.csat, nps: x.nps, comment: x.comment, traffic: 'simulated', at: iso(x.at) })))
          .execute();
      }
    });
    await services.analytics.store.insertBatch(data.events);
    await services.analytics.reports.build(session.id);
    out.push({ id: session.id, title: show.title, startedAt: iso(startedAt), endedAt: iso(data.endedAt), events: data.events.length });
  }
  return out;
}
