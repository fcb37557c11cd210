// STUB (issue 6 in progress): the real tracker replaces this file.
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { InteractDeps, RoomTool } from './interact.deps.js';

export class WatchTimeTracker implements RoomTool {
  constructor(private readonly d: InteractDeps) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  presence(_sessionId: string, _principalKey: string, _present: boolean, _at: number): void {}
  /** Milliseconds of the session each viewer watched (stored plus the running stretch). */
  async watchedMs(_sessionId: string, _viewerIds: readonly string[]): Promise<Map<string, number>> {
    return new Map();
  }
}
