import { vi } from 'vitest';
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

/**
 * Runs the tool's clock tick once inside its writer's next flush: the moment an operator's
 * close or reveal waits for the rows being written. Returns how many flushes ran (to check the
 * tick had its chance).
 */
export function tickInsideNextFlush(tool: { writer: { flush(): Promise<void> }; tick(now: number): Promise<void> }, now: () => number): () => number {
  const flush = tool.writer.flush.bind(tool.writer);
  let flushes = 0;
  vi.spyOn(tool.writer, 'flush').mockImplementation(async () => {
    await flush();
    if (flushes++ === 0) await tool.tick(now());
  });
  return () => flushes;
}

/** Who each audited `action` on `targetId` says made the move (`by`: operator or clock). */
export async function auditedBy(t: TestApp, targetId: string, action: string): Promise<(string | undefined)[]> {
  const rows = await t.database.db.selectFrom('audit_log').select('after_json').where('target_id', '=', targetId).where('action', '=', action).execute();
  return rows.map((r) => (JSON.parse(r.after_json ?? '{}') as { by?: string }).by);
}
