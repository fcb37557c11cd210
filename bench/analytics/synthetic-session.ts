/**
 * A synthetic live session's analytics events, realistic enough for the pipeline and the report:
 * viewers arrive along a curve skewed to the first part of the live, stay an exponentially
 * distributed time, send a heartbeat every 30 s while they watch, and meanwhile like (in bursts),
 * comment, see and click products, add to cart, order and pay (most orders are paid ~20 s later),
 * share, vote; a few leave without a view_end (their tab died). Events come out in time order
 * (a heap of each viewer's next event), one at a time, so 10 million of them take no memory.
 *
 * Deterministic for a seed (mulberry32). Ids follow the pipeline's rules: facts carry ids derived
 * from what they describe (`pay:<order>`, `hb:<viewer>:<n>`), beacons a random client id.
 */
import { HEARTBEAT_MS, type AnalyticsEvent, type AnalyticsEventType, type MoneyLine, type TrafficKind } from '../../src/contracts/analytics-events.contract.js';
import { mulberry32 } from '../../src/server/platform/seeded-random.js';

export interface SyntheticSessionOptions {
  sessionId?: string;
  startedAt?: number;
  viewers?: number;
  durationMs?: number;
  /** Mean time a viewer stays (exponential). */
  meanStayMs?: number;
  /** Interactions per viewer-minute, all kinds together (likes, comments, products, shares, votes). */
  actionsPerMinute?: number;
  products?: number;
  seed?: number;
}


interface ViewerState {
  key: string;
  source: string;
  traffic: TrafficKind;
  endAt: number;
  nextBeat: number;
  nextAction: number;
  /** An order waiting for its payment. */
  pay: { at: number; ref: string; amountFen: number; lines: MoneyLine[] } | null;
  seq: number;
  /** Products seen (clicks and carts come after impressions). */
  seen: string[];
  /** Leaves without view_end. */
  silentEnd: boolean;
  /** The last poll voted in (one vote per poll). */
  votedPoll: number;
  ended: boolean;
}

/** Min-heap of [time, viewer index]. */
class Heap {
  private t: number[] = [];
  private v: number[] = [];
  get size(): number {
    return this.t.length;
  }
  push(time: number, viewer: number): void {
    const t = this.t;
    const v = this.v;
    let i = t.length;
    t.push(time);
    v.push(viewer);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p]! <= time) break;
      t[i] = t[p]!;
      v[i] = v[p]!;
      i = p;
    }
    t[i] = time;
    v[i] = viewer;
  }
  peekTime(): number {
    return this.t[0]!;
  }
  pop(): number {
    const t = this.t;
    const v = this.v;
    const top = v[0]!;
    const lastT = t.pop()!;
    const lastV = v.pop()!;
    const n = t.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && t[r]! < t[l]! ? r : l;
        if (t[c]! >= lastT) break;
        t[i] = t[c]!;
        v[i] = v[c]!;
        i = c;
      }
      t[i] = lastT;
      v[i] = lastV;
    }
    return top;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function* syntheticSession(o: SyntheticSessionOptions = {}): Generator<AnalyticsEvent> {
  const sessionId = o.sessionId ?? 'bench-session';
  const startedAt = o.startedAt ?? Date.parse('2026-11-11T20:00:00+08:00');
  const viewers = o.viewers ?? 100_000;
  const durationMs = o.durationMs ?? 3 * 3_600_000;
  const meanStayMs = o.meanStayMs ?? 150_000;
  const actionsPerMinute = o.actionsPerMinute ?? 2;
  const productCount = o.products ?? 30;
  const rnd = mulberry32(o.seed ?? 7);
  const products = Array.from({ length: productCount }, (_, i) => ({ id: `p${String(i + 1).padStart(2, '0')}`, priceFen: 990 + Math.floor(rnd() * 40) * 500 }));
  const clientId = () => {
    let s = '';
    for (let i = 0; i < 16; i++) s += B64[Math.floor(rnd() * 64)];
    return s;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const exp = (mean: number) => -Math.log(1 - rnd()) * mean;
  const actionMean = 60_000 / actionsPerMinute;
  const sources = ['direct', 'direct', 'direct', 'direct', 'share', 'share', 'referral:SPRING', 'utm:wechat/social/1111', 'utm:weibo/cpc/1111', 'referrer:www.baidu.com'];

  // Arrivals skewed to the first part of the live (a warm-up audience, the peak, a long tail).
  const arrivals = Array.from({ length: viewers }, () => Math.floor(durationMs * (1 - Math.pow(1 - rnd(), 1.7)))).sort((a, b) => a - b);
  const state: ViewerState[] = new Array<ViewerState>(viewers);
  const heap = new Heap();
  let nextArrival = 0;
  let orderSeq = 0;

  const base = (v: ViewerState, type: AnalyticsEventType, id: string, t: number): AnalyticsEvent => ({ id, type, sessionId, viewerKey: v.key, at: startedAt + t, streamMs: t, source: v.source, traffic: v.traffic });
  const nextOf = (v: ViewerState) => Math.min(v.endAt, v.nextBeat, v.nextAction, v.pay?.at ?? Infinity);

  for (;;) {
    const arrivalAt = nextArrival < viewers ? arrivals[nextArrival]! : Infinity;
    const heapAt = heap.size > 0 ? heap.peekTime() : Infinity;
    if (arrivalAt === Infinity && heapAt === Infinity) return;
    if (arrivalAt <= heapAt) {
      const i = nextArrival++;
      const r = rnd();
      const traffic: TrafficKind = r < 0.02 ? 'bot' : r < 0.03 ? 'simulated' : 'real';
      const key = rnd() < 0.7 ? `viewer:v${i}` : `guest:g${i.toString(36).padStart(8, '0')}`;
      const v: ViewerState = {
        key,
        source: pick(sources),
        traffic,
        endAt: Math.min(durationMs, arrivalAt + Math.max(2_000, Math.floor(exp(meanStayMs)))),
        nextBeat: arrivalAt + HEARTBEAT_MS,
        nextAction: arrivalAt + Math.floor(exp(actionMean)),
        pay: null,
        seq: 0,
        seen: [],
        silentEnd: rnd() < 0.05,
        votedPoll: -1,
        ended: false,
      };
      state[i] = v;
      yield base(v, 'view_start', `vs:${key}:${arrivalAt}`, arrivalAt);
      heap.push(nextOf(v), i);
      continue;
    }
    const i = heap.pop();
    const v = state[i]!;
    const t = heapAt;
    if (v.pay && v.pay.at === t) {
      const p = v.pay;
      v.pay = null;
      yield { ...base(v, 'payment', `pay:${p.ref}`, t), ref: p.ref, amountFen: p.amountFen, lines: p.lines };
    } else if (v.endAt === t) {
      v.ended = true;
      if (!v.silentEnd) yield base(v, 'view_end', `ve:${v.key}:${t}`, t);
      if (v.pay) {
        // The payment still comes (the buyer pays in the app after leaving the room).
        heap.push(v.pay.at, i);
      }
      continue;
    } else if (v.nextBeat === t) {
      v.nextBeat = t + HEARTBEAT_MS;
      yield base(v, 'view_heartbeat', `hb:${v.key}:${++v.seq}`, t);
    } else {
      v.nextAction = t + Math.max(200, Math.floor(exp(actionMean)));
      let r = rnd();
      // Clicks, carts and orders need a product seen first: until then, an impression.
      if (r >= 0.8 && r < 0.965 && v.seen.length === 0) r = 0.7;
      if (r < 0.42) {
        yield { ...base(v, 'like', `lk:${v.key}:${++v.seq}`, t), n: 1 + Math.floor(rnd() * 12) };
      } else if (r < 0.62) {
        yield base(v, 'comment', `cm:${clientId()}`, t);
      } else if (r < 0.8) {
        const p = pick(products);
        if (!v.seen.includes(p.id)) v.seen.push(p.id);
        yield { ...base(v, 'product_impression', clientId(), t), productId: p.id };
      } else if (r < 0.9 && v.seen.length > 0) {
        yield { ...base(v, 'product_click', clientId(), t), productId: pick(v.seen) };
      } else if (r < 0.94 && v.seen.length > 0) {
        yield { ...base(v, 'add_to_cart', clientId(), t), productId: pick(v.seen), n: 1 + Math.floor(rnd() * 2) };
      } else if (r < 0.965 && v.seen.length > 0 && !v.pay) {
        const ref = `o${++orderSeq}`;
        const lines: MoneyLine[] = [];
        const count = 1 + Math.floor(rnd() * 2);
        for (let k = 0; k < count; k++) {
          const id = pick(v.seen);
          const p = products.find((x) => x.id === id)!;
          const qty = 1 + Math.floor(rnd() * 2);
          lines.push({ productId: p.id, qty, amountFen: p.priceFen * qty });
        }
        const amountFen = lines.reduce((s, l) => s + l.amountFen, 0);
        if (rnd() < 0.85) v.pay = { at: t + 5_000 + Math.floor(rnd() * 30_000), ref, amountFen, lines };
        yield { ...base(v, 'order', `ord:${ref}`, t), ref, amountFen, lines };
      } else if (r < 0.975) {
        yield { ...base(v, 'share', clientId(), t), shareChannel: pick(['wechat', 'weibo', 'copy_link']) };
      } else if (v.votedPoll !== Math.floor(t / 600_000)) {
        // A poll every 10 minutes; one vote per viewer and poll.
        v.votedPoll = Math.floor(t / 600_000);
        yield { ...base(v, 'poll_vote', `vote:poll${v.votedPoll}:${v.key}`, t), ref: `poll${v.votedPoll}` };
      } else {
        yield { ...base(v, 'like', `lk:${v.key}:${++v.seq}`, t), n: 1 };
      }
    }
    if (!v.ended) heap.push(nextOf(v), i);
  }
}
