import { isbot } from 'isbot';
import type { TrafficKind } from '../../../../contracts/analytics-events.contract.js';

/** What `onair simulate` puts in the User-Agent of every request and socket it opens. */
export const SIMULATOR_AGENT_MARK = 'OnairSimulator';

export interface TrafficFacts {
  /** The User-Agent header as sent (null or empty when none: a plain script sends none). */
  userAgent: string | null | undefined;
  /** The viewer account is flagged simulated (viewers.simulated = 1); false for guests. */
  accountSimulated: boolean;
}

/**
 * Labels one connection or request: `simulated` when the account is a simulator's or the agent
 * carries the simulator's mark (checked first: the simulator is a script, which the bot list
 * would also catch), `bot` when the `isbot` pattern list (crawlers, headless browsers, HTTP
 * libraries that name themselves) recognises the agent, else `real`. A missing agent is `real`:
 * browsers always send one, and a bare WebSocket client is a developer's, not a crawler.
 */
export function labelTraffic(f: TrafficFacts): TrafficKind {
  if (f.accountSimulated) return 'simulated';
  const ua = f.userAgent ?? '';
  if (ua.includes(SIMULATOR_AGENT_MARK)) return 'simulated';
  if (ua !== '' && isbot(ua)) return 'bot';
  return 'real';
}
