import type { AnalyticsEventType } from '../../../contracts/analytics-events.contract.js';
import type { AnalyticsSink } from '../analytics/analytics.sink.js';
import { unknownViewContext, type ViewContextLookup } from '../analytics/view-context.js';

/** Where the tools record analytics (issue 7); the viewer's source and traffic come from their view in the room. */
export interface ToolAnalytics {
  sink: AnalyticsSink;
  viewContext?: ViewContextLookup;
}

/**
 * Records a tool fact once its row is stored: `poll_vote` (`vote:<pollId>:<viewerId>`),
 * `draw_entry` (`entry:<drawId>:<viewerId>`), `question` (`q:<questionId>`). Ids name the fact,
 * so a replay or another node's record of the same fact is stored once.
 */
export function recordToolFact(
  a: ToolAnalytics | undefined,
  f: { type: Extract<AnalyticsEventType, 'poll_vote' | 'draw_entry' | 'question'>; id: string; sessionId: string; viewerId: string; ref: string; at: number },
): void {
  if (!a) return;
  const viewerKey = `viewer:${f.viewerId}`;
  const ctx = (a.viewContext ?? unknownViewContext)(f.sessionId, viewerKey, f.at);
  a.sink.record({ id: f.id, type: f.type, sessionId: f.sessionId, viewerKey, at: f.at, streamMs: ctx.streamMs, source: ctx.source, traffic: ctx.traffic, ref: f.ref });
}
