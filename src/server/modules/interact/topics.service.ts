// STUB (issue 6 in progress): the real service replaces this file.
import type { TopicDetail } from '../../../contracts/interact.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { CommentSeen } from '../room/room.service.js';
import type { InteractDeps, RoomTool } from './interact.deps.js';

export class TopicsService implements RoomTool {
  constructor(private readonly d: InteractDeps) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  onComment(_c: CommentSeen): void {}
  async listDetails(_sessionId: string): Promise<TopicDetail[]> {
    return [];
  }
  async pin(_ctx: Ctx, _sessionId: string, _body: { tag: string; title: string }): Promise<TopicDetail> {
    throw new Error('not implemented');
  }
  async unpin(_ctx: Ctx, _sessionId: string, _topicId: string): Promise<TopicDetail> {
    throw new Error('not implemented');
  }
}
