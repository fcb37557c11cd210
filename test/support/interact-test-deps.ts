import type { RoomEventPayload } from '../../src/contracts/realtime.contract.js';
import type { TestApp } from './test-app.js';
import type { InteractDeps } from '../../src/server/modules/interact/interact.deps.js';

/**
 * For the tool services' tests: the test app's real ports (database, audit, sessions, viewers,
 * rewards through promotions), with the published room events captured instead of sent.
 */
export function toolDeps(t: TestApp, over: Partial<InteractDeps> = {}): { deps: InteractDeps; events: { sessionId: string; e: RoomEventPayload }[] } {
  const real = (t.services.interact as unknown as { d: InteractDeps }).d;
  const events: { sessionId: string; e: RoomEventPayload }[] = [];
  const deps: InteractDeps = {
    ...real,
    clock: t.clock,
    publish: async (sessionId, e) => {
      events.push({ sessionId, e });
    },
    onError: (err) => {
      throw err;
    },
    ...over,
  };
  return { deps, events };
}
