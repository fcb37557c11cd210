// STUB (issue 6 in progress): the real service replaces this file.
import type { CreateQuizWithRewardBody, QuizDetail } from '../../../contracts/interact.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Ctx } from '../../platform/context.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';

export class QuizzesService implements RoomTool {
  constructor(private readonly d: InteractDeps) {}
  async snapshotInto(_sessionId: string, _tools: RoomTools): Promise<void> {}
  async tick(_now: number): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async answer(_p: Participant, _sessionId: string, _quizId: string, _index: number, _choice: number): Promise<ToolOutcome> {
    throw new Error('not implemented');
  }
  async listDetails(_sessionId: string): Promise<QuizDetail[]> {
    return [];
  }
  async myAnswers(_sessionId: string, _viewerId: string): Promise<Record<string, Record<string, number>>> {
    return {};
  }
  async create(_ctx: Ctx, _sessionId: string, _body: CreateQuizWithRewardBody): Promise<QuizDetail> {
    throw new Error('not implemented');
  }
  async ask(_ctx: Ctx, _sessionId: string, _quizId: string): Promise<QuizDetail> {
    throw new Error('not implemented');
  }
  async reveal(_ctx: Ctx, _sessionId: string, _quizId: string): Promise<QuizDetail> {
    throw new Error('not implemented');
  }
  async finish(_ctx: Ctx, _sessionId: string, _quizId: string): Promise<QuizDetail> {
    throw new Error('not implemented');
  }
}
