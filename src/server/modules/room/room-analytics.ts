import { randomBytes } from 'node:crypto';
import { HEARTBEAT_MS, sourceKey, type AnalyticsEvent, type AnalyticsEventType, type Beacon, type TrafficKind } from '../../../contracts/analytics-events.contract.js';
import type { AnalyticsSink } from '../analytics/analytics.sink.js';
import { beaconEvent } from '../analytics/core/beacon-event.js';
import { sourceFromParams } from '../analytics/core/source-params.js';
import { labelTraffic } from '../analytics/core/traffic-label.js';
import { RecentIds } from '../analytics/recent-ids.js';
import type { ViewContext } from '../analytics/view-context.js';

/** One audience connection's view: made at the upgrade, carried by its hub member. */
export interface ViewMeta {
  /** Random per connection: the view's events are `vs:<connId>`, `hb:<connId>:<n>`, `ve:<connId>`. */
  connId: string;
  sessionId: string;
  /** The room's principal key: `viewer:<id>` or `guest:<id>`. */
  viewerKey: string;
  /** sourceKey() of the source captured from the socket URL. */
  source: string;
  traffic: TrafficKind;
  /** Heartbeats recorded so far. */
  beats: number;
  /** Beacons taken over the socket in the current minute (`track` is bounded per connection). */
  tracked?: { since: number; n: number };
}

/** Beacons one connection may send per minute over the socket (a page sends a few a second at most). */
export const TRACK_BEACONS_PER_MINUTE = 600;

export interface RoomAnalyticsOptions {
  sink: AnalyticsSink;
  now: () => number;
  /** When the session last went live (ms), null if it has not: stream time is counted from it. */
  liveSince: (sessionId: string) => Promise<number | null>;
  /** Whether a viewer account is flagged simulated (viewers.simulated); cached by the caller. */
  viewerSimulated: (viewerId: string) => Promise<boolean>;
  onError: (err: unknown, where: string) => void;
  heartbeatMs?: number;
  /** Random connection ids (tests pass a deterministic one). */
  connId?: () => string;
  /** Beacon ids recorded recently on this node, shared with the beacons route (a beacon sent both ways counts once). */
  recentBeacons?: RecentIds;
}

interface RoomViews {
  readonly sessionId: string;
  /** null: not live (yet), or not known. */
  liveSince: number | null;
  /** When liveSince was last asked for (it is asked again on heartbeats while unknown). */
  askedAt: number;
  readonly members: Set<ViewMeta>;
  /** Each viewer's latest connection (votes, orders and comments borrow its source and traffic). */
  readonly latest: Map<string, ViewMeta>;
}

/** Beacon ids recently recorded over sockets on this node, so a retried `track` counts once and says so. */
const RECENT_BEACONS = 100_000;

/**
 * What the live room records for analytics (issue 7): the view of each audience connection
 * (`view_start` when it joins the room, a `view_heartbeat` every 30 s from one timer for every
 * connection of this node, `view_end` when it leaves), likes, comments once stored, and the
 * browser's beacons sent over the socket (`track`). Team connections record nothing. Recording
 * never waits: the sink queues.
 *
 * Each connection's source (from the socket URL's `src`, `by`, `ref`, `utm_*`, `rh`) and traffic
 * label (user agent, simulated account) are fixed at the upgrade; events recorded elsewhere for
 * the same viewer (votes, orders) borrow them through `viewContext`.
 */
export class RoomAnalytics {
  private readonly rooms = new Map<string, RoomViews>();
  private readonly recentBeacons: RecentIds;
  /** Live starts read at an upgrade, for the room's first view on this node (so its view_start has stream time). */
  private readonly primed = new Map<string, number | null>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RoomAnalyticsOptions) {
    this.recentBeacons = o.recentBeacons ?? new RecentIds(RECENT_BEACONS);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.heartbeat(), this.o.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * At the upgrade of an audience connection: its view (source from the URL's query, traffic
   * from the user agent and the account's simulated flag). Bad source parameters are ignored.
   */
  async openView(p: { sessionId: string; principalKey: string; viewerId: string | null; userAgent: string | undefined; query: URLSearchParams }): Promise<ViewMeta> {
    if (!this.rooms.has(p.sessionId) && !this.primed.has(p.sessionId)) {
      try {
        this.primed.set(p.sessionId, await this.o.liveSince(p.sessionId));
        if (this.primed.size > 1000) {
          const oldest = this.primed.keys().next().value;
          if (oldest !== undefined) this.primed.delete(oldest);
        }
      } catch (err) {
        this.o.onError(err, 'analytics live since');
      }
    }
    let simulated = false;
    if (p.viewerId) {
      try {
        simulated = await this.o.viewerSimulated(p.viewerId);
      } catch (err) {
        this.o.onError(err, 'analytics simulated flag');
      }
    }
    return {
      connId: this.o.connId?.() ?? randomBytes(9).toString('base64url'),
      sessionId: p.sessionId,
      viewerKey: p.principalKey,
      source: sourceKey(sourceFromParams((n) => p.query.get(n))),
      traffic: labelTraffic({ userAgent: p.userAgent, accountSimulated: simulated }),
      beats: 0,
    };
  }

  /** The hub added (`true`) or removed (`false`) a member: its view starts or ends. */
  member(view: ViewMeta | undefined, present: boolean, at: number): void {
    if (!view) return;
    if (present) {
      const room = this.room(view.sessionId, at);
      room.members.add(view);
      room.latest.set(view.viewerKey, view);
      this.emit(view, 'view_start', `vs:${view.connId}`, at);
      return;
    }
    const room = this.rooms.get(view.sessionId);
    if (!room?.members.delete(view)) return;
    this.emit(view, 'view_end', `ve:${view.connId}`, at);
    if (room.latest.get(view.viewerKey) === view) {
      room.latest.delete(view.viewerKey);
      // Another connection of the same viewer (a second tab) takes over, if there is one.
      for (const m of room.members) if (m.viewerKey === view.viewerKey) room.latest.set(m.viewerKey, m);
    }
    if (room.members.size === 0) this.rooms.delete(view.sessionId);
  }

  /** A session went live on this node: stream time counts from now in its room. */
  wentLive(sessionId: string, at: number): void {
    const room = this.rooms.get(sessionId);
    if (room) room.liveSince = at;
    if (this.primed.has(sessionId)) this.primed.set(sessionId, at);
  }

  /** Source, traffic and stream time for an event of this viewer (see ViewContext). */
  viewContext(sessionId: string, viewerKey: string, at: number): ViewContext {
    const room = this.rooms.get(sessionId);
    const view = room?.latest.get(viewerKey);
    return { source: view?.source ?? null, traffic: view?.traffic ?? 'real', streamMs: room ? this.streamMs(room, at) : null };
  }

  /** Likes sent over the socket: one event per message (`n` likes); the client's ref makes a retry count once. */
  like(view: ViewMeta | undefined, n: number, ref: string | undefined, at = this.o.now()): void {
    if (!view) return;
    const id = ref ? `l:${view.viewerKey}:${ref}` : `l:${view.connId}:${randomBytes(6).toString('base64url')}`;
    this.emit(view, 'like', id, at, { n });
  }

  /** A comment was stored (recorded after the write, with what was known when it was accepted). */
  comment(e: { sessionId: string; viewerKey: string; messageId: string; at: number; ctx: ViewContext }): void {
    this.o.sink.record({ id: `c:${e.messageId}`, type: 'comment', sessionId: e.sessionId, viewerKey: e.viewerKey, at: e.at, streamMs: e.ctx.streamMs, source: e.ctx.source, traffic: e.ctx.traffic });
  }

  /**
   * Beacons over the socket (`track`), recorded as the connection's (its viewer, source and
   * traffic). Returns how many were new and how many this node had already recorded.
   */
  track(view: ViewMeta | undefined, beacons: readonly Beacon[], at = this.o.now()): { accepted: number; duplicates: number } | { limited: number } {
    if (!view) return { accepted: 0, duplicates: 0 };
    const bucket = view.tracked && at - view.tracked.since < 60_000 ? view.tracked : { since: at, n: 0 };
    if (bucket.n + beacons.length > TRACK_BEACONS_PER_MINUTE) return { limited: Math.max(1, bucket.since + 60_000 - at) };
    bucket.n += beacons.length;
    view.tracked = bucket;
    const room = this.rooms.get(view.sessionId);
    let accepted = 0;
    let duplicates = 0;
    for (const b of beacons) {
      if (!this.recentBeacons.add(`${view.sessionId}:${b.id}`)) {
        duplicates++;
        continue;
      }
      accepted++;
      this.o.sink.record(beaconEvent(b, { sessionId: view.sessionId, viewerKey: view.viewerKey, source: view.source, traffic: view.traffic, now: at, liveSince: room?.liveSince ?? null }));
    }
    return { accepted, duplicates };
  }

  /** Connections this node records views for (tests, metrics). */
  get openViews(): number {
    let n = 0;
    for (const r of this.rooms.values()) n += r.members.size;
    return n;
  }

  /** Every open view's next heartbeat (one timer for the node, not one per socket). */
  heartbeat(): void {
    const at = this.o.now();
    for (const room of this.rooms.values()) {
      if (room.liveSince === null && at - room.askedAt >= (this.o.heartbeatMs ?? HEARTBEAT_MS) / 2) this.askLiveSince(room, at);
      for (const view of room.members) {
        view.beats++;
        this.emit(view, 'view_heartbeat', `hb:${view.connId}:${view.beats}`, at);
      }
    }
  }

  private room(sessionId: string, at: number): RoomViews {
    let room = this.rooms.get(sessionId);
    if (!room) {
      const primed = this.primed.get(sessionId);
      this.primed.delete(sessionId);
      room = { sessionId, liveSince: primed ?? null, askedAt: at, members: new Set(), latest: new Map() };
      this.rooms.set(sessionId, room);
      if (primed === undefined) this.askLiveSince(room, at);
    }
    return room;
  }

  private askLiveSince(room: RoomViews, at: number): void {
    room.askedAt = at;
    this.o.liveSince(room.sessionId).then(
      (since) => {
        if (since !== null && (room.liveSince === null || since > room.liveSince)) room.liveSince = since;
      },
      (err: unknown) => this.o.onError(err, 'analytics live since'),
    );
  }

  private streamMs(room: RoomViews, at: number): number | null {
    return room.liveSince !== null && at >= room.liveSince ? at - room.liveSince : null;
  }

  private emit(view: ViewMeta, type: AnalyticsEventType, id: string, at: number, extra: Partial<AnalyticsEvent> = {}): void {
    const room = this.rooms.get(view.sessionId);
    this.o.sink.record({ id, type, sessionId: view.sessionId, viewerKey: view.viewerKey, at, streamMs: room ? this.streamMs(room, at) : null, source: view.source, traffic: view.traffic, ...extra });
  }
}
