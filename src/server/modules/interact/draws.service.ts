// STUB (issue 6 in progress): the real service replaces this file.
import type { CreateDrawBody, DrawDetail, PrizeItem, PublicDrawReply } from '../../../contracts/interact.contract.js';
import type { AddressInput } from '../../../contracts/orders.contract.js';
import type { DrawRecord } from '../../../contracts/draw.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { CommentSeen } from '../room/room.service.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';
import type { WatchTimeTracker } from './watch-time.js';

export class DrawsService implements RoomTool {
  constructor(
    private readonly d: InteractDeps,
    private readonly watch: WatchTimeTracker,
  ) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  onComment(_c: CommentSeen): void {}
  async enter(_p: Participant, _sessionId: string, _drawId: string): Promise<ToolOutcome> {
    throw new Error('not implemented');
  }
  async listDetails(_sessionId: string): Promise<DrawDetail[]> {
    return [];
  }
  async myEntries(_sessionId: string, _viewerId: string): Promise<string[]> {
    return [];
  }
  async create(_ctx: Ctx, _sessionId: string, _body: CreateDrawBody): Promise<DrawDetail> {
    throw new Error('not implemented');
  }
  async open(_ctx: Ctx, _sessionId: string, _drawId: string): Promise<DrawDetail> {
    throw new Error('not implemented');
  }
  async close(_ctx: Ctx, _sessionId: string, _drawId: string): Promise<DrawDetail> {
    throw new Error('not implemented');
  }
  async run(_ctx: Ctx, _sessionId: string, _drawId: string): Promise<DrawDetail> {
    throw new Error('not implemented');
  }
  async cancel(_ctx: Ctx, _sessionId: string, _drawId: string): Promise<DrawDetail> {
    throw new Error('not implemented');
  }
  async publicDraw(_drawId: string): Promise<PublicDrawReply> {
    throw new Error('not implemented');
  }
  async record(_drawId: string): Promise<DrawRecord> {
    throw new Error('not implemented');
  }
  async myPrizes(_viewerId: string): Promise<{ items: PrizeItem[]; unseen: number }> {
    return { items: [], unseen: 0 };
  }
  async claim(_viewerId: string, _prizeId: string, _address: AddressInput): Promise<PrizeItem> {
    throw new Error('not implemented');
  }
  async markSeen(_viewerId: string): Promise<void> {}
}
