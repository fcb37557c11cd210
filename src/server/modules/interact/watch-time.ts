import { sql } from 'kysely';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { InteractDeps, RoomTool } from './interact.deps.js';

/** How often watched time is written (ms): a crash loses at most this much of anyone's stretch. */
export const WATCH_FLUSH_MS = 10_000;
const VIEWER_PREFIX = 'viewer:';
const CHUNK = 500;

/**
 * Watch time per signed-in viewer and session (draw rule `minWatchMinutes`). The hub reports when
 * a principal's first connection on this node opens and its last one closes; the running stretch
 * lives here, and what has accrued is added to `watch_time` every WATCH_FLUSH_MS (running stretches
 * are checkpointed too, so a crash loses at most one interval). Guests have no account to credit.
 *
 * Each node adds its own viewers' time to the same row, so nodes never overwrite each other; a
 * viewer connected to two nodes at once would be counted on both (rare: one tab, one node).
 */
export class WatchTimeTracker implements RoomTool {
  /** sessionId -> viewerId -> when the running stretch (or its last checkpoint) began. */
  private readonly running = new Map<string, Map<string, number>>();
  /** `${sessionId}\n${viewerId}` -> ms accrued but not yet written. */
  private pending = new Map<string, number>();
  private lastFlush = 0;
  private flushing: Promise<void> | null = null;

  constructor(private readonly d: InteractDeps) {}

  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}

  async tick(now: number): Promise<void> {
    if (now - this.lastFlush < WATCH_FLUSH_MS) return;
    this.lastFlush = now;
    this.checkpoint(now);
    await this.flush();
  }

  async start(): Promise<void> {
    this.lastFlush = this.d.clock.now().getTime();
  }

  /** Ends every running stretch now and writes all: the connections go with the process. */
  async stop(): Promise<void> {
    const now = this.d.clock.now().getTime();
    this.checkpoint(now);
    this.running.clear();
    await this.flush();
  }

  presence(sessionId: string, principalKey: string, present: boolean, at: number): void {
    if (!principalKey.startsWith(VIEWER_PREFIX)) return;
    const viewerId = principalKey.slice(VIEWER_PREFIX.length);
    let room = this.running.get(sessionId);
    if (present) {
      if (!room) this.running.set(sessionId, (room = new Map()));
      if (!room.has(viewerId)) room.set(viewerId, at);
      return;
    }
    const since = room?.get(viewerId);
    if (since === undefined) return;
    room!.delete(viewerId);
    if (room!.size === 0) this.running.delete(sessionId);
    this.add(sessionId, viewerId, at - since);
  }

  /** Milliseconds of the session each viewer watched (stored plus accrued plus the running stretch). */
  async watchedMs(sessionId: string, viewerIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unique = [...new Set(viewerIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const keys = unique.slice(i, i + CHUNK).map((v) => VIEWER_PREFIX + v);
      const rows = await this.d.db.selectFrom('watch_time').select(['principal_key', 'watched_ms']).where('session_id', '=', sessionId).where('principal_key', 'in', keys).execute();
      for (const r of rows) out.set(r.principal_key.slice(VIEWER_PREFIX.length), Number(r.watched_ms));
    }
    const now = this.d.clock.now().getTime();
    const room = this.running.get(sessionId);
    for (const v of unique) {
      const extra = (this.pending.get(`${sessionId}\n${v}`) ?? 0) + (room?.has(v) ? Math.max(0, now - room.get(v)!) : 0);
      if (extra > 0 || out.has(v)) out.set(v, (out.get(v) ?? 0) + extra);
    }
    return out;
  }

  private add(sessionId: string, viewerId: string, ms: number): void {
    if (ms <= 0) return;
    const k = `${sessionId}\n${viewerId}`;
    this.pending.set(k, (this.pending.get(k) ?? 0) + ms);
  }

  /** Moves the running stretches' time so far into `pending`; they go on from now. */
  private checkpoint(now: number): void {
    for (const [sessionId, room] of this.running) {
      for (const [viewerId, since] of room) {
        if (now > since) {
          this.add(sessionId, viewerId, now - since);
          room.set(viewerId, now);
        }
      }
    }
  }

  /** Writes what has accrued (`watched_ms = watched_ms + delta`); on failure it stays pending for the next flush. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const nowIso = this.d.clock.now().toISOString();
    const rows = [...batch].map(([k, ms]) => {
      const [session_id, viewerId] = k.split('\n') as [string, string];
      return { session_id, principal_key: VIEWER_PREFIX + viewerId, watched_ms: Math.round(ms), updated_at: nowIso };
    });
    this.flushing = (async () => {
      try {
        for (let i = 0; i < rows.length; i += CHUNK) {
          await this.d.db
            .insertInto('watch_time')
            .values(rows.slice(i, i + CHUNK))
            .onConflict((oc) =>
              oc.columns(['session_id', 'principal_key']).doUpdateSet({ watched_ms: sql`watch_time.watched_ms + excluded.watched_ms`, updated_at: sql`excluded.updated_at` }),
            )
            .execute();
          // Written: not pending any more (a later failure keeps only what is left).
          for (const r of rows.slice(i, i + CHUNK)) batch.delete(`${r.session_id}\n${r.principal_key.slice(VIEWER_PREFIX.length)}`);
        }
      } catch (err) {
        for (const [k, ms] of batch) this.pending.set(k, (this.pending.get(k) ?? 0) + ms);
        this.d.onError(err, 'watch time flush');
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }
}
