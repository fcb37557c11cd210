import type { AnalyticsEvent, Beacon, TrafficKind } from '../../../../contracts/analytics-events.contract.js';

/** How far a beacon's own clock may be from the server's before the receive time is kept instead. */
export const BEACON_CLOCK_SLACK_MS = 60_000;

export interface BeaconOrigin {
  sessionId: string;
  viewerKey: string;
  source: string | null;
  traffic: TrafficKind;
  /** Receive time (server clock, ms). */
  now: number;
  /** When the session went live (ms), null if unknown: stream time. */
  liveSince: number | null;
}

/**
 * A browser's beacon as an event: id `b:<beacon id>` (a retried batch stores each once), the
 * beacon's own time when it is within a minute of the server's, else the receive time.
 */
export function beaconEvent(b: Beacon, o: BeaconOrigin): AnalyticsEvent {
  const at = b.at !== undefined && Math.abs(b.at - o.now) <= BEACON_CLOCK_SLACK_MS ? b.at : o.now;
  return {
    id: `b:${b.id}`,
    type: b.type,
    sessionId: o.sessionId,
    viewerKey: o.viewerKey,
    at,
    streamMs: o.liveSince !== null && at >= o.liveSince ? at - o.liveSince : null,
    source: o.source,
    traffic: o.traffic,
    ...(b.productId !== undefined ? { productId: b.productId } : {}),
    ...(b.n !== undefined ? { n: b.n } : {}),
    ...(b.shareChannel !== undefined ? { shareChannel: b.shareChannel } : {}),
  };
}
