import type { TrafficKind } from '../../../contracts/analytics-events.contract.js';

/**
 * What an event recorded outside the room socket (a vote, a draw entry, an order) borrows from
 * the viewer's view: where they came from, how their traffic is labelled, and where the stream
 * was. The room hub answers from the viewer's open connection on this node (its latest one);
 * with none, the source and stream time are unknown (null) and the traffic is `real`.
 */
export interface ViewContext {
  source: string | null;
  traffic: TrafficKind;
  streamMs: number | null;
}

export type ViewContextLookup = (sessionId: string, viewerKey: string, at: number) => ViewContext;

export const unknownViewContext: ViewContextLookup = () => ({ source: null, traffic: 'real', streamMs: null });
