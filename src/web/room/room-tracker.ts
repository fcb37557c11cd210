import type { Beacon, TrafficSource } from '../../contracts/analytics-events.contract';
import { MAX_BEACONS_PER_BATCH, MAX_TRACK_EVENTS } from './room-protocol';

export const BEACONS_URL = '/api/analytics/beacons';
/** Beacons wait at most this long before they are sent (a burst of impressions goes as one message). */
export const TRACK_FLUSH_MS = 2000;

export interface RoomTrackerOptions {
  sessionId: string;
  /**
   * Sends beacons over the room socket (`track`): resolves true once acknowledged, false when
   * the socket is not there or did not answer (the beacons then go by HTTP: same ids, counted once).
   */
  sendOverSocket: (events: Beacon[]) => Promise<boolean>;
  /** The guest's id for HTTP batches (signed-in viewers are known by their cookie), null when signed in. */
  guestId: () => string | null;
  /** Where this page view came from (the same parameters the socket URL carries). */
  source: TrafficSource | null;
  now?: () => number;
  newId?: () => string;
  /** POSTs a JSON batch (default fetch, same origin, keepalive). */
  post?: (url: string, body: string) => Promise<boolean>;
  /** navigator.sendBeacon with a JSON blob (default), for pagehide. */
  beacon?: (url: string, body: string) => boolean;
}

function defaultId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID().replaceAll('-', '');
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function defaultPost(url: string, body: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'POST', credentials: 'same-origin', keepalive: true, headers: { 'content-type': 'application/json' }, body });
    // A 4xx will not get better by retrying (an ended session, a bad beacon): drop it.
    return res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429);
  } catch {
    return false;
  }
}

function defaultBeacon(url: string, body: string): boolean {
  try {
    if (typeof navigator.sendBeacon !== 'function') return false;
    return navigator.sendBeacon(url, new Blob([body], { type: 'application/json' }));
  } catch {
    return false;
  }
}

/**
 * What the room page tells analytics that only the browser sees (issue 7): product impressions
 * (once per product per page view), product clicks, add to cart, shares. Beacons are queued and
 * sent every 2 s: over the room socket (`track`, at most 20 a message) when it is connected, else
 * by HTTP to the beacons route (at most 50 a batch); what is left when the page goes away leaves
 * with navigator.sendBeacon. Every beacon has its own id, so one sent twice (the socket dropped
 * before its ack, then HTTP) is counted once.
 */
export class RoomTracker {
  private queue: Beacon[] = [];
  private readonly seenImpressions = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing = false;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly post: (url: string, body: string) => Promise<boolean>;
  private readonly beacon: (url: string, body: string) => boolean;

  constructor(private readonly o: RoomTrackerOptions) {
    this.now = o.now ?? (() => Date.now());
    this.newId = o.newId ?? defaultId;
    this.post = o.post ?? defaultPost;
    this.beacon = o.beacon ?? defaultBeacon;
  }

  /** A product card was at least half visible for a second; once per product per page view. */
  impression(productId: string): void {
    if (this.seenImpressions.has(productId)) return;
    this.seenImpressions.add(productId);
    this.add({ type: 'product_impression', productId });
  }

  /** A product's details were opened (the pinned card, the SKU picker). */
  click(productId: string): void {
    this.add({ type: 'product_click', productId });
  }

  addToCart(productId: string, quantity = 1): void {
    this.add({ type: 'add_to_cart', productId, ...(quantity > 1 ? { n: Math.min(100, quantity) } : {}) });
  }

  /** The room's link was shared (`copy`, `system` for the share sheet). */
  share(channel: string): void {
    this.add({ type: 'share', shareChannel: channel.slice(0, 32) });
  }

  get pending(): number {
    return this.queue.length;
  }

  private add(b: Omit<Beacon, 'id' | 'at'>): void {
    this.queue.push({ id: this.newId(), at: this.now(), ...b } as Beacon);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, TRACK_FLUSH_MS);
  }

  /** Sends what is queued: the socket first, HTTP for what it did not take. */
  async flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const part = this.queue.slice(0, MAX_TRACK_EVENTS);
        if (await this.o.sendOverSocket(part)) {
          this.queue.splice(0, part.length);
          continue;
        }
        const batch = this.queue.slice(0, MAX_BEACONS_PER_BATCH);
        if (!(await this.post(BEACONS_URL, this.body(batch)))) break; // kept for the next flush or pagehide
        this.queue.splice(0, batch.length);
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) this.timer ??= setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, TRACK_FLUSH_MS * 2);
    }
  }

  /** The page is going away: everything left leaves with sendBeacon (a keepalive fetch if that refuses). */
  pagehide(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BEACONS_PER_BATCH);
      const body = this.body(batch);
      if (!this.beacon(BEACONS_URL, body)) void this.post(BEACONS_URL, body);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private body(events: Beacon[]): string {
    const guestId = this.o.guestId();
    return JSON.stringify({ sessionId: this.o.sessionId, ...(guestId ? { guestId } : {}), ...(this.o.source ? { source: this.o.source } : {}), events });
  }
}
