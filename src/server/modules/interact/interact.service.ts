import type { ClientMessage } from '../../../contracts/realtime.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import type { MyInteract, InteractOverview } from '../../../contracts/interact.contract.js';
import type { Ctx } from '../../platform/context.js';
import { requirePermission } from '../../platform/http/access.js';
import type { CommentSeen } from '../room/room.service.js';
import { CountdownsService } from './countdowns.service.js';
import { DrawsService } from './draws.service.js';
import type { InteractDeps, Participant, RoomTool, ToolOutcome } from './interact.deps.js';
import { PollsService } from './polls.service.js';
import { QnaService } from './qna.service.js';
import { QuizzesService } from './quizzes.service.js';
import { TopicsService } from './topics.service.js';
import { WatchTimeTracker } from './watch-time.js';

/** The audience's socket actions that belong to the tools. */
export type ToolMessage = Extract<ClientMessage, { t: 'vote' | 'enter' | 'answer' | 'ask' | 'upvote' }>;
export const TOOL_MESSAGES: ReadonlySet<string> = new Set(['vote', 'enter', 'answer', 'ask', 'upvote']);

/**
 * The interactive tools of the live room (issue 6), one service per tool behind this facade:
 * it runs their tick (per-tick deltas, the clock's transitions), builds the room snapshot's
 * tools, routes the audience's socket actions, and feeds comments and presence to the tools that
 * read them (draw phrases, topic hashtags, watch time).
 */
export class InteractService {
  readonly watchTime: WatchTimeTracker;
  readonly polls: PollsService;
  readonly draws: DrawsService;
  readonly quizzes: QuizzesService;
  readonly qna: QnaService;
  readonly topics: TopicsService;
  readonly countdowns: CountdownsService;
  private readonly tools: RoomTool[];
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private started = false;

  /**
   * `followRoomTick`: the room hub runs `roomTick()` before each of its ticks and waits for it, so
   * what the tools publish (a tally, a count) goes out in that very batch: a stored vote reaches
   * every viewer within one room tick, instead of up to two when two timers run unaligned.
   * Without it (tests), an interval of its own.
   */
  constructor(
    private readonly d: InteractDeps,
    private readonly tickMs: number,
    private readonly opts: { followRoomTick?: boolean } = {},
  ) {
    this.watchTime = new WatchTimeTracker(d);
    this.polls = new PollsService(d);
    this.draws = new DrawsService(d, this.watchTime);
    this.quizzes = new QuizzesService(d);
    this.qna = new QnaService(d);
    this.topics = new TopicsService(d);
    this.countdowns = new CountdownsService(d);
    this.tools = [this.watchTime, this.polls, this.draws, this.quizzes, this.qna, this.topics, this.countdowns];
  }

  async start(): Promise<void> {
    for (const t of this.tools) await t.start();
    this.started = true;
    if (this.opts.followRoomTick) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** The room hub is about to tick (followRoomTick): the tools' tick, awaited by the hub. */
  roomTick(): Promise<void> {
    return this.started ? this.tick() : Promise.resolve();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tick();
    for (const t of this.tools) await t.stop().catch((err: unknown) => this.d.onError(err, 'interact stop'));
  }

  /** One pass over every tool; a slow pass is never overlapped by the next. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.d.clock.now().getTime();
      for (const t of this.tools) {
        try {
          await t.tick(now);
        } catch (err) {
          this.d.onError(err, 'interact tick');
        }
      }
    } finally {
      this.ticking = false;
    }
  }

  /** The tools part of a room's welcome snapshot. */
  async roomTools(sessionId: string): Promise<RoomTools> {
    const tools = emptyRoomTools();
    for (const t of this.tools) await t.snapshotInto(sessionId, tools);
    return tools;
  }

  /**
   * When each tool was fired and ended (analytics: report timeline, driver analysis). A tool
   * still running at `until` counts until then; drafts and cancelled draws never ran.
   */
  async timeline(sessionId: string, until: number): Promise<{ kind: 'poll' | 'draw' | 'quiz'; label: string; from: number; to: number }[]> {
    const db = this.d.db;
    const ms = (iso: string | null) => (iso ? Date.parse(iso) : null);
    const out: { kind: 'poll' | 'draw' | 'quiz'; label: string; from: number; to: number }[] = [];
    for (const p of await db.selectFrom('polls').select(['question', 'opens_at', 'closed_at']).where('session_id', '=', sessionId).where('status', '!=', 'draft').execute()) {
      const from = ms(p.opens_at);
      if (from !== null) out.push({ kind: 'poll', label: p.question, from, to: ms(p.closed_at) ?? until });
    }
    for (const d of await db.selectFrom('draws').select(['title', 'opened_at', 'closed_at', 'drawn_at', 'status']).where('session_id', '=', sessionId).where('status', 'not in', ['draft', 'cancelled']).execute()) {
      const from = ms(d.opened_at);
      if (from !== null) out.push({ kind: 'draw', label: d.title, from, to: ms(d.drawn_at) ?? ms(d.closed_at) ?? until });
    }
    for (const q of await db.selectFrom('quizzes').select(['title', 'asked_at', 'updated_at', 'status']).where('session_id', '=', sessionId).where('status', '!=', 'draft').execute()) {
      const asked = JSON.parse(q.asked_at) as number[];
      if (asked.length) out.push({ kind: 'quiz', label: q.title, from: Math.min(...asked), to: q.status === 'finished' ? Date.parse(q.updated_at) : until });
    }
    return out.sort((a, b) => a.from - b.from);
  }

  /** A comment shown to the room: draw phrases (口令) and topic hashtags. */
  onComment(c: CommentSeen): void {
    this.draws.onComment(c);
    this.topics.onComment(c);
  }

  /** An audience principal came into or left the room on this node (watch time). */
  onPresence(sessionId: string, principalKey: string, present: boolean, at: number): void {
    this.watchTime.presence(sessionId, principalKey, present, at);
  }

  /** An audience action from the room's socket. */
  handle(p: Participant, sessionId: string, msg: ToolMessage): Promise<ToolOutcome> {
    switch (msg.t) {
      case 'vote':
        return this.polls.vote(p, sessionId, msg.pollId, msg.choices);
      case 'enter':
        return this.draws.enter(p, sessionId, msg.drawId);
      case 'answer':
        return this.quizzes.answer(p, sessionId, msg.quizId, msg.questionIndex, msg.choice);
      case 'ask':
        return this.qna.ask(p, sessionId, msg.text);
      case 'upvote':
        return this.qna.upvote(p, sessionId, msg.questionId);
    }
  }

  /** The console's live-control panel: every tool of the session with live figures. */
  async overview(ctx: Ctx, sessionId: string): Promise<InteractOverview> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    const [polls, draws, quizzes, questions, topics, countdowns] = await Promise.all([
      this.polls.listDetails(sessionId),
      this.draws.listDetails(sessionId),
      this.quizzes.listDetails(sessionId),
      this.qna.listForConsole(sessionId),
      this.topics.listDetails(sessionId),
      this.countdowns.list(sessionId),
    ]);
    return { polls, draws, quizzes, questions, topics, countdowns, now: this.d.clock.now().getTime() };
  }

  /** What this viewer has done in the room's tools (after a reload the buttons show it). */
  async mine(ctx: Ctx, sessionId: string, invite?: string): Promise<MyInteract> {
    await this.d.sessions.getPublic(sessionId, invite);
    if (ctx.actor.kind !== 'viewer') return { votes: {}, entries: [], answers: {}, upvoted: [] };
    const id = ctx.actor.id;
    const [votes, entries, answers, upvoted] = await Promise.all([
      this.polls.myVotes(sessionId, id),
      this.draws.myEntries(sessionId, id),
      this.quizzes.myAnswers(sessionId, id),
      this.qna.myUpvotes(sessionId, id),
    ]);
    return { votes, entries, answers, upvoted };
  }
}
