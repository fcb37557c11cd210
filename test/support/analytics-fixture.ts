import type { AnalyticsEvent, AnalyticsEventProps, AnalyticsEventType, TrafficKind } from '../../src/contracts/analytics-events.contract.js';

/**
 * A small, hand-computed analytics session (docs/metrics.md uses the same numbers): a 10-minute
 * live, six real viewers (A–F), one bot and one simulated viewer. Every expected figure is worked
 * out by hand in src/server/modules/analytics/core/report.test.ts.
 *
 *   A viewer:a  share        watches 0–600 s (view_end at the end), clicks/carts/orders/pays P1, comments, likes ×5, survey 5/10
 *   B viewer:b  utm          watches 60–300 s (view_end), again 420–600 s (no view_end); clicks P1, P2, orders/pays P2, refund of P2; survey 3/6 then 4/8
 *   C guest:c   (no source)  watches 0–60 s then goes silent (times out); clicks P1, likes; survey 2/3 after the live
 *   D guest:d   share        two connections 120–240 s and 180–360 s; orders P1 without paying; votes in a poll
 *   E viewer:e  referral:abc watches 540–600 s, its view_end arrives at 605 s; shares
 *   F guest:f   share        one view_start at 200 s and nothing else
 */
export const FIXTURE_START = Date.UTC(2026, 0, 10, 12, 0, 0);
export const FIXTURE_END = FIXTURE_START + 600_000;
export const FIXTURE_SESSION = 'sess-fixture';

const at = (sec: number) => FIXTURE_START + sec * 1000;

let seq = 0;
function ev(type: AnalyticsEventType, viewerKey: string, sec: number, props: AnalyticsEventProps & { source?: string | null; traffic?: TrafficKind } = {}): AnalyticsEvent {
  const { source = null, traffic = 'real', ...rest } = props;
  seq++;
  return { id: `e${String(seq).padStart(4, '0')}`, type, sessionId: FIXTURE_SESSION, viewerKey, at: at(sec), streamMs: sec * 1000, source, traffic, ...rest };
}

/** view_start at `from`, heartbeats every 30 s after it up to `to`, and a view_end at `endAt` when given. */
function watch(key: string, from: number, to: number, source: string | null, endAt?: number, traffic: TrafficKind = 'real'): AnalyticsEvent[] {
  const out = [ev('view_start', key, from, { source, traffic })];
  for (let s = from + 30; s <= to; s += 30) out.push(ev('view_heartbeat', key, s, { source, traffic }));
  if (endAt !== undefined) out.push(ev('view_end', key, endAt, { source, traffic }));
  return out;
}

export function fixtureEvents(): AnalyticsEvent[] {
  seq = 0;
  const e: AnalyticsEvent[] = [
    // A
    ...watch('viewer:a', 0, 570, 'share', 600),
    ev('comment', 'viewer:a', 30),
    ev('like', 'viewer:a', 40, { n: 5 }),
    ev('product_impression', 'viewer:a', 55, { productId: 'P1' }),
    ev('product_click', 'viewer:a', 60, { productId: 'P1' }),
    ev('add_to_cart', 'viewer:a', 70, { productId: 'P1', n: 2 }),
    ev('order', 'viewer:a', 80, { ref: 'o1', amountFen: 20_000, lines: [{ productId: 'P1', qty: 2, amountFen: 20_000 }] }),
    ev('payment', 'viewer:a', 90, { ref: 'o1', amountFen: 20_000, lines: [{ productId: 'P1', qty: 2, amountFen: 20_000 }] }),
    ev('survey_answer', 'viewer:a', 610, { csat: 5, nps: 10 }),
    // B
    ...watch('viewer:b', 60, 270, 'utm:wx/social/spring', 300),
    ...watch('viewer:b', 420, 600, 'utm:wx/social/spring'),
    ev('product_impression', 'viewer:b', 95, { productId: 'P1' }),
    ev('product_click', 'viewer:b', 100, { productId: 'P1' }),
    ev('product_impression', 'viewer:b', 105, { productId: 'P2' }),
    ev('product_click', 'viewer:b', 110, { productId: 'P2' }),
    ev('add_to_cart', 'viewer:b', 120, { productId: 'P2' }),
    ev('order', 'viewer:b', 130, { ref: 'o2', amountFen: 5_000, lines: [{ productId: 'P2', qty: 1, amountFen: 5_000 }] }),
    ev('payment', 'viewer:b', 140, { ref: 'o2', amountFen: 5_000, lines: [{ productId: 'P2', qty: 1, amountFen: 5_000 }] }),
    ev('comment', 'viewer:b', 200),
    ev('refund', 'viewer:b', 500, { ref: 'o2', amountFen: 5_000, productId: 'P2' }),
    ev('survey_answer', 'viewer:b', 610, { csat: 3, nps: 6 }),
    ev('survey_answer', 'viewer:b', 620, { csat: 4, nps: 8 }),
    // C
    ...watch('guest:c', 0, 60, null),
    ev('like', 'guest:c', 20),
    ev('product_impression', 'guest:c', 45, { productId: 'P1' }),
    ev('product_click', 'guest:c', 50, { productId: 'P1' }),
    ev('survey_answer', 'guest:c', 630, { csat: 2, nps: 3 }),
    // D: two connections
    ev('view_start', 'guest:d', 120, { source: 'share' }),
    ev('view_start', 'guest:d', 180, { source: 'share' }),
    ...[150, 180, 210, 240, 270, 300, 330].map((s) => ev('view_heartbeat', 'guest:d', s, { source: 'share' })),
    ev('view_end', 'guest:d', 240, { source: 'share' }),
    ev('view_end', 'guest:d', 360, { source: 'share' }),
    ev('product_impression', 'guest:d', 130, { productId: 'P1' }),
    ev('poll_vote', 'guest:d', 150, { ref: 'poll1' }),
    ev('order', 'guest:d', 300, { ref: 'o3', amountFen: 10_000, lines: [{ productId: 'P1', qty: 1, amountFen: 10_000 }] }),
    // E
    ...watch('viewer:e', 540, 600, 'referral:abc', 605),
    ev('product_impression', 'viewer:e', 550, { productId: 'P2' }),
    ev('share', 'viewer:e', 560, { shareChannel: 'wechat' }),
    // F
    ev('view_start', 'guest:f', 200, { source: 'share' }),
    ev('product_impression', 'guest:f', 200, { productId: 'P1' }),
    // not real: counted apart only
    ev('view_start', 'guest:bot', 10, { traffic: 'bot' }),
    ev('view_heartbeat', 'guest:bot', 40, { traffic: 'bot' }),
    ev('comment', 'guest:bot', 41, { traffic: 'bot' }),
    ev('view_start', 'viewer:sim', 10, { traffic: 'simulated' }),
    ev('payment', 'viewer:sim', 20, { ref: 'o9', amountFen: 99_000, traffic: 'simulated' }),
  ];
  // The store streams a session in (at, id) order.
  return e.sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

export const fixtureInputs = {
  title: 'Fixture live',
  startedAt: FIXTURE_START,
  endedAt: FIXTURE_END,
  productNames: { P1: 'Tea set', P2: 'Teapot', P3: 'Cups' } as Record<string, string>,
  explanations: [
    { productId: 'P1', from: at(-30), to: at(150) },
    { productId: 'P2', from: at(400), to: at(480) },
    { productId: 'P2', from: at(470), to: at(520) },
    { productId: 'P3', from: at(550), to: null },
  ],
  segments: [
    { kind: 'showcase', title: 'Opening', from: at(0), to: at(180) },
    { kind: 'interview', title: 'Chat with the maker', from: at(180), to: at(420) },
    { kind: 'showcase', title: 'Finale', from: at(420), to: null },
  ],
  tools: [{ kind: 'poll', label: 'Which colour?', from: at(140), to: at(200) }],
  flashSales: [{ label: 'Flash P1', from: at(60), to: at(120) }],
};
