// STUB (issue 6 in progress): the real service replaces this file.
import type { CreatePollBody, PollDetail } from '../../../contracts/interact.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';

export class PollsService implements RoomTool {
  constructor(private readonly d: InteractDeps) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async vote(_p: Participant, _sessionId: string, _pollId: string, _choices: number[]): Promise<ToolOutcome> {
    throw new Error('not implemented');
  }
  async listDetails(_sessionId: string): Promise<PollDetail[]> {
    return [];
  }
  async myVotes(_sessionId: string, _viewerId: string): Promise<Record<string, number[]>> {
    return {};
  }
  async create(_ctx: Ctx, _sessionId: string, _body: CreatePollBody): Promise<PollDetail> {
    throw new Error('not implemented');
  }
  async open(_ctx: Ctx, _sessionId: string, _pollId: string): Promise<PollDetail> {
    throw new Error('not implemented');
  }
  async close(_ctx: Ctx, _sessionId: string, _pollId: string): Promise<PollDetail> {
    throw new Error('not implemented');
  }
  async remove(_ctx: Ctx, _sessionId: string, _pollId: string): Promise<void> {
    throw new Error('not implemented');
  }
}
