import { beaconProblem, sourceKey, type BeaconBatchBody, type TrafficKind } from '../../../contracts/analytics-events.contract.js';
import { AppError, invalid } from '../../platform/errors.js';
import type { AnalyticsSink } from './analytics.sink.js';
import { beaconEvent } from './core/beacon-event.js';
import { labelTraffic } from './core/traffic-label.js';
import { RecentIds } from './recent-ids.js';
import { unknownViewContext, type ViewContextLookup } from './view-context.js';

/** What the beacons route needs to know of a session (null: unknown, a draft, or not public to the audience). */
export interface BeaconSessionFacts {
  status: string;
  /** ms since epoch, null when not (yet) known. */
  wentLiveAt: number | null;
  endedAt: number | null;
}

export interface BeaconsDeps {
  sink: AnalyticsSink;
  now: () => number;
  session: (sessionId: string) => Promise<BeaconSessionFacts | null>;
  /** viewers.simulated of an account (cached by the viewers module). */
  viewerSimulated: (viewerId: string) => Promise<boolean>;
  /** The viewer's view in the room on this node (its source, when the batch names none). */
  viewContext?: ViewContextLookup;
  /** Shared with the room socket's `track`, so a beacon sent both ways counts once on this node. */
  recent?: RecentIds;
  /** How long after the end of a live its late beacons (pagehide) are still taken. */
  endedGraceMs?: number;
}

/** Late beacons of a live that ended are taken for an hour (a page left open, a retry). */
export const ENDED_GRACE_MS = 60 * 60_000;
const SESSION_CACHE_MS = 10_000;
const SESSION_CACHE_MAX = 10_000;

/**
 * Beacons from browsers (issue 7): what only the page sees (product impressions and clicks, add to
 * cart, shares), in batches (`POST /api/analytics/beacons`, navigator.sendBeacon on pagehide).
 * Each beacon is validated, given the id `b:<beacon id>` (the store keeps it once, so a retried
 * batch counts once), the sender's viewer key (the viewer cookie, else the batch's guest id) and
 * the traffic label of the request (user agent, simulated account).
 *
 * `duplicates` counts the beacons this node had already recorded recently (bounded window); a
 * retry that lands on another node, or much later, is answered as accepted and still stored
 * once by the store: the reply is a receipt, not the count.
 */
export class BeaconsService {
  private readonly recent: RecentIds;
  private readonly sessions = new Map<string, { at: number; facts: Promise<BeaconSessionFacts | null> }>();

  constructor(private readonly d: BeaconsDeps) {
    this.recent = d.recent ?? new RecentIds(100_000);
  }

  async record(who: { viewerId: string | null }, body: BeaconBatchBody, userAgent: string | undefined): Promise<{ accepted: number; duplicates: number }> {
    body.events.forEach((b, i) => {
      const problem = beaconProblem(b);
      if (problem) {
        const field = problem.split(':')[0] ?? 'events';
        throw invalid(`body.events.${i}.${field}`, problem.slice(field.length + 1).trim() || problem);
      }
    });
    const viewerKey = who.viewerId ? `viewer:${who.viewerId}` : body.guestId ? `guest:${body.guestId}` : null;
    if (!viewerKey) throw invalid('body.guestId', 'required unless signed in as a viewer');
    const now = this.d.now();
    const facts = await this.sessionFacts(body.sessionId, now);
    if (!facts) throw new AppError('not_found', 'body.sessionId: no such session', { code: 'NOT_FOUND', issues: [{ path: 'body.sessionId', message: 'no such session' }] });
    if ((facts.status === 'ended' || facts.status === 'archived') && (facts.endedAt === null || now - facts.endedAt > (this.d.endedGraceMs ?? ENDED_GRACE_MS))) {
      throw new AppError('conflict', 'body.sessionId: this live ended too long ago to take events', { code: 'SESSION_ENDED', issues: [{ path: 'body.sessionId', message: 'ended too long ago' }] });
    }
    const view = (this.d.viewContext ?? unknownViewContext)(body.sessionId, viewerKey, now);
    const simulated = who.viewerId ? await this.d.viewerSimulated(who.viewerId) : false;
    const label = labelTraffic({ userAgent, accountSimulated: simulated });
    // The stricter of the request's label and the view's (a simulator's page is simulated however it posts).
    const traffic: TrafficKind = label !== 'real' ? label : view.traffic;
    const source = body.source ? sourceKey(body.source) : view.source;
    let accepted = 0;
    let duplicates = 0;
    for (const b of body.events) {
      if (!this.recent.add(`${body.sessionId}:${b.id}`)) {
        duplicates++;
        continue;
      }
      accepted++;
      this.d.sink.record(beaconEvent(b, { sessionId: body.sessionId, viewerKey, source, traffic, now, liveSince: facts.wentLiveAt }));
    }
    return { accepted, duplicates };
  }

  /** Sessions asked about in the last 10 s are answered from memory (a page sends a batch every few seconds). */
  private sessionFacts(sessionId: string, now: number): Promise<BeaconSessionFacts | null> {
    const hit = this.sessions.get(sessionId);
    if (hit && now - hit.at < SESSION_CACHE_MS) return hit.facts;
    const facts = this.d.session(sessionId).catch((err: unknown) => {
      this.sessions.delete(sessionId);
      throw err;
    });
    this.sessions.set(sessionId, { at: now, facts });
    if (this.sessions.size > SESSION_CACHE_MAX) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return facts;
  }
}
