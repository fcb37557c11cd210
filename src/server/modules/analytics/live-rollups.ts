import type { AnalyticsEvent } from '../../../contracts/analytics-events.contract.js';
import { applyEvent, createRollup, markReturning, setEnded, type IncludedTraffic, type SessionRollup } from './core/session-rollup.js';

/** What the live rollups need to know about a session. */
export interface SessionSpan {
  startedAt: number | null;
  endedAt: number | null;
  brandId: string | null;
}

export interface LiveRollupsDeps {
  span: (sessionId: string) => Promise<SessionSpan>;
  /** The session's stored events in (at, id) order, a page at a time (bounded memory). */
  stream: (sessionId: string) => AsyncIterable<readonly AnalyticsEvent[]>;
  /** How many events the session has stored (progress of a rebuild). */
  count: (sessionId: string) => Promise<number>;
  /** Viewer keys among `keys` that watched an earlier session of the brand (new vs returning). */
  returning: (brandId: string | null, sessionId: string, keys: string[]) => Promise<string[]>;
  now: () => number;
  onError: (err: unknown, where: string) => void;
}

/** Both rollups of a session: real traffic, and simulated traffic (reported apart, labelled). */
export interface SessionRollups {
  sessionId: string;
  brandId: string | null;
  real: SessionRollup;
  simulated: SessionRollup;
  /** Last time an event was applied or the rollup was read (eviction of ended sessions). */
  touchedAt: number;
  /** Viewer keys already looked up for new vs returning. */
  checkedKeys: Set<string>;
}

interface Loading {
  promise: Promise<SessionRollups>;
  /** Events stored while the stored ones are streamed in: applied after, unless the stream had them. */
  pending: AnalyticsEvent[];
  pendingIds: Set<string>;
  /** Ids the stream applied (only recent ones: an event stored meanwhile is that recent). */
  streamedRecent: Set<string>;
  since: number;
}

/** How far back the stream's ids are remembered while loading (to skip them in the pending list). */
const RECENT_MS = 120_000;

/**
 * The in-memory rollups of the sessions this node sees events for (issue 7): each newly stored
 * event is applied once, so the live dashboard and the report at the end read figures that are
 * already summed. A session's rollup is first built from its stored events (after a restart, or
 * for a session that ended earlier), with the events stored meanwhile applied after it, each
 * exactly once: the stream skips ids already pending and the pending list skips ids the stream
 * applied.
 */
export class LiveRollups {
  private readonly ready = new Map<string, SessionRollups>();
  private readonly loading = new Map<string, Loading>();
  private readonly returningQueue = new Map<string, Set<string>>();
  private returningTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: LiveRollupsDeps) {}

  /** Applies newly stored events (each event exactly once per node). */
  apply(events: readonly AnalyticsEvent[]): void {
    for (const e of events) {
      const r = this.ready.get(e.sessionId);
      if (r) {
        applyBoth(r, e);
        r.touchedAt = this.d.now();
        this.queueReturning(r, e);
        continue;
      }
      const l = this.loading.get(e.sessionId);
      if (l) {
        if (!l.streamedRecent.has(e.id)) {
          l.pending.push(e);
          l.pendingIds.add(e.id);
        }
        continue;
      }
      // First event of a session this node has no rollup for: load it (stored events + this one).
      const started = this.load(e.sessionId);
      const l2 = this.loading.get(e.sessionId);
      if (l2) {
        l2.pending.push(e);
        l2.pendingIds.add(e.id);
      }
      started.catch((err: unknown) => this.d.onError(err, `analytics rollup ${e.sessionId}`));
    }
  }

  /** The session's rollups, loading them from the stored events if this node has none (`progress` 0..1 while it does). */
  get(sessionId: string, progress?: (done: number) => void): Promise<SessionRollups> {
    const r = this.ready.get(sessionId);
    if (r) {
      r.touchedAt = this.d.now();
      return Promise.resolve(r);
    }
    return this.load(sessionId, progress);
  }

  /** Already in memory (the dashboard never waits for a load). */
  peek(sessionId: string): SessionRollups | null {
    return this.ready.get(sessionId) ?? null;
  }

  sessions(): string[] {
    return [...this.ready.keys()];
  }

  /** Marks the end of the live on both rollups (open views end there). */
  async ended(sessionId: string, endedAt: number, progress?: (done: number) => void): Promise<SessionRollups> {
    const r = await this.get(sessionId, progress);
    setEnded(r.real, endedAt);
    setEnded(r.simulated, endedAt);
    return r;
  }

  /** Forgets rollups of sessions untouched for `idleMs` (ended ones: their report is saved). */
  evictIdle(idleMs: number, keep: (sessionId: string) => boolean): void {
    const now = this.d.now();
    for (const [id, r] of this.ready) if (now - r.touchedAt > idleMs && !keep(id)) this.ready.delete(id);
  }

  /** Drops a session's rollup so the next read rebuilds it from the stored events. */
  forget(sessionId: string): void {
    this.ready.delete(sessionId);
  }

  private load(sessionId: string, progress?: (done: number) => void): Promise<SessionRollups> {
    const existing = this.loading.get(sessionId);
    if (existing) return existing.promise;
    const l: Loading = { promise: null as unknown as Promise<SessionRollups>, pending: [], pendingIds: new Set(), streamedRecent: new Set(), since: this.d.now() };
    l.promise = (async () => {
      try {
        const span = await this.d.span(sessionId);
        const startedAt = span.startedAt ?? this.d.now();
        const r: SessionRollups = {
          sessionId,
          brandId: span.brandId,
          real: createRollup({ sessionId, startedAt, endedAt: span.endedAt, includeTraffic: 'real' }),
          simulated: createRollup({ sessionId, startedAt, endedAt: span.endedAt, includeTraffic: 'simulated' }),
          touchedAt: this.d.now(),
          checkedKeys: new Set(),
        };
        const recentFrom = l.since - RECENT_MS;
        const total = progress ? await this.d.count(sessionId) : 0;
        let n = 0;
        for await (const page of this.d.stream(sessionId)) {
          for (const e of page) {
            if (l.pendingIds.has(e.id)) continue;
            applyBoth(r, e);
            if (e.at >= recentFrom) l.streamedRecent.add(e.id);
          }
          n += page.length;
          if (progress && total > 0) progress(Math.min(1, n / total));
        }
        let applied = 0;
        const applyPending = () => {
          for (; applied < l.pending.length; applied++) {
            const e = l.pending[applied]!;
            if (!l.streamedRecent.has(e.id)) applyBoth(r, e);
          }
        };
        applyPending();
        // New vs returning for everyone seen so far.
        const keys = new Set<string>();
        for (const k of r.real.viewers.keys()) keys.add(k);
        for (const k of r.simulated.viewers.keys()) keys.add(k);
        if (keys.size > 0) {
          const back = await this.d.returning(span.brandId, sessionId, [...keys]);
          markReturning(r.real, back);
          markReturning(r.simulated, back);
        }
        for (const k of keys) r.checkedKeys.add(k);
        // Events stored while that lookup ran are still pending: applied now (no await from here to
        // `ready`), their viewers looked up as any later event's.
        const late = l.pending.slice(applied);
        applyPending();
        this.ready.set(sessionId, r);
        for (const e of late) this.queueReturning(r, e);
        return r;
      } finally {
        this.loading.delete(sessionId);
      }
    })();
    this.loading.set(sessionId, l);
    return l.promise;
  }

  private queueReturning(r: SessionRollups, e: AnalyticsEvent): void {
    if (e.type !== 'view_start' || r.checkedKeys.has(e.viewerKey)) return;
    r.checkedKeys.add(e.viewerKey);
    let q = this.returningQueue.get(r.sessionId);
    if (!q) this.returningQueue.set(r.sessionId, (q = new Set()));
    q.add(e.viewerKey);
    if (!this.returningTimer) {
      this.returningTimer = setTimeout(() => void this.flushReturning(), 500);
      this.returningTimer.unref();
    }
  }

  private async flushReturning(): Promise<void> {
    this.returningTimer = null;
    const work = [...this.returningQueue];
    this.returningQueue.clear();
    for (const [sessionId, keys] of work) {
      const r = this.ready.get(sessionId);
      if (!r) continue;
      try {
        const back = await this.d.returning(r.brandId, sessionId, [...keys]);
        markReturning(r.real, back);
        markReturning(r.simulated, back);
      } catch (err) {
        this.d.onError(err, 'analytics returning viewers');
      }
    }
  }

  stop(): void {
    if (this.returningTimer) clearTimeout(this.returningTimer);
    this.returningTimer = null;
  }
}

/**
 * A view event after the live ended (a page left open, someone opening the ended room) is not
 * part of the live: it would add viewers and heartbeats to a finished session.
 */
export function afterTheLive(r: SessionRollups, e: AnalyticsEvent): boolean {
  const end = r.real.endedAt;
  return end !== null && e.at > end && (e.type === 'view_start' || e.type === 'view_heartbeat' || e.type === 'view_end');
}

function applyBoth(r: SessionRollups, e: AnalyticsEvent): void {
  if (afterTheLive(r, e)) return;
  // Each rollup counts its own traffic and keeps the rest in `excluded`.
  applyEvent(r.real, e);
  applyEvent(r.simulated, e);
}

export function rollupOf(r: SessionRollups, traffic: IncludedTraffic): SessionRollup {
  return traffic === 'real' ? r.real : r.simulated;
}
