// STUB (issue 6 in progress): the real service replaces this file.
import type { CountdownView, RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { InteractDeps, RoomTool } from './interact.deps.js';

export class CountdownsService implements RoomTool {
  constructor(private readonly d: InteractDeps) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async list(_sessionId: string): Promise<CountdownView[]> {
    return [];
  }
  async create(_ctx: Ctx, _sessionId: string, _body: { label: string; endsAt?: string | undefined; seconds?: number | undefined }): Promise<CountdownView> {
    throw new Error('not implemented');
  }
  async cancel(_ctx: Ctx, _sessionId: string, _countdownId: string): Promise<CountdownView> {
    throw new Error('not implemented');
  }
}
