import type { AnalyticsEvent, AnalyticsEventType } from '../../src/contracts/analytics-events.contract.js';
import type { AnalyticsSink } from '../../src/server/modules/analytics/analytics.sink.js';

/**
 * A test double of the analytics sink: keeps every recorded event in order (duplicates too, so
 * a test can prove a fact is recorded exactly once), with small finders and a wait.
 */
export class RecordingSink implements AnalyticsSink {
  readonly events: AnalyticsEvent[] = [];

  record(e: AnalyticsEvent): void {
    this.events.push(e);
  }

  of(type: AnalyticsEventType, sessionId?: string): AnalyticsEvent[] {
    return this.events.filter((e) => e.type === type && (sessionId === undefined || e.sessionId === sessionId));
  }

  /** Every recording of this id (a correct emitter records each fact once). */
  withId(id: string): AnalyticsEvent[] {
    return this.events.filter((e) => e.id === id);
  }

  /** Waits until `pick` finds something (events arrive after commits and socket round trips). */
  async waitFor<T>(pick: () => T | undefined | null | false, timeoutMs = 4000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = pick();
      if (found) return found;
      if (Date.now() > until) throw new Error(`recording sink: not recorded within ${timeoutMs} ms (have ${this.events.map((e) => e.id).join(', ')})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  clear(): void {
    this.events.length = 0;
  }
}
