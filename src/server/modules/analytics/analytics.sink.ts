import type { AnalyticsEvent } from '../../../contracts/analytics-events.contract.js';

/**
 * Where modules record analytics events (after their own transaction has committed). Recording
 * never throws into the caller and never waits for the database: events are queued and written
 * in batches by the analytics pipeline. Ids are idempotent, so recording the same fact twice
 * (a retry, a reconciliation) stores it once.
 */
export interface AnalyticsSink {
  record(e: AnalyticsEvent): void;
}

/** For modules built without analytics (unit tests of other modules). */
export const noAnalytics: AnalyticsSink = { record: () => {} };
