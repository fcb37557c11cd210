// STUB (issue 6 in progress): the real service replaces this file.
import type { QuestionView, RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';

export class QnaService implements RoomTool {
  constructor(private readonly d: InteractDeps) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async ask(_p: Participant, _sessionId: string, _text: string): Promise<ToolOutcome> {
    throw new Error('not implemented');
  }
  async upvote(_p: Participant, _sessionId: string, _questionId: string): Promise<ToolOutcome> {
    throw new Error('not implemented');
  }
  async listForConsole(_sessionId: string): Promise<QuestionView[]> {
    return [];
  }
  async myUpvotes(_sessionId: string, _viewerId: string): Promise<string[]> {
    return [];
  }
  async startAnswering(_ctx: Ctx, _sessionId: string, _questionId: string): Promise<QuestionView> {
    throw new Error('not implemented');
  }
  async markAnswered(_ctx: Ctx, _sessionId: string, _questionId: string, _answerText: string | undefined): Promise<QuestionView> {
    throw new Error('not implemented');
  }
  async release(_ctx: Ctx, _sessionId: string, _questionId: string): Promise<QuestionView> {
    throw new Error('not implemented');
  }
  async dismiss(_ctx: Ctx, _sessionId: string, _questionId: string): Promise<QuestionView> {
    throw new Error('not implemented');
  }
}
