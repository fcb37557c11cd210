// The tools reducer, shared by the server's hub and the browser: only types come from the
// contract (its values sit next to zod, which stays out of the web bundle).
import type { QuestionView, RoomTools, ToolEvent } from './room-tools.contract.js';

/** Questions the room keeps in its snapshot. */
export const ROOM_QUESTIONS_KEPT = 50;

export const emptyRoomTools = (): RoomTools => ({ polls: [], draws: [], quiz: null, questions: [], topic: null, countdowns: [] });

/** How many finished polls / draws / countdowns the room keeps showing. */
export const ROOM_TOOLS_KEPT = 5;

const upsert = <T extends { id: string }>(list: T[], item: T): T[] => {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [...list, item];
  const next = list.slice();
  next[i] = item;
  return next;
};
const trim = <T extends { status: string }>(list: T[], live: (x: T) => boolean): T[] => {
  const ended = list.filter((x) => !live(x));
  if (ended.length <= ROOM_TOOLS_KEPT) return list;
  const drop = new Set(ended.slice(0, ended.length - ROOM_TOOLS_KEPT));
  return list.filter((x) => !drop.has(x));
};
const rankQuestion = (q: QuestionView): number => (q.status === 'answering' ? 0 : q.status === 'submitted' ? 1 : 2);
export function orderQuestions(list: readonly QuestionView[]): QuestionView[] {
  return [...list]
    .sort(
      (a, b) =>
        rankQuestion(a) - rankQuestion(b) ||
        (a.status === 'answered' && b.status === 'answered' ? (b.answeredAt ?? 0) - (a.answeredAt ?? 0) : b.upvotes - a.upvotes || a.askedAt - b.askedAt || (a.id < b.id ? -1 : 1)),
    )
    .slice(0, ROOM_QUESTIONS_KEPT);
}

/**
 * Applies a tool event to the room's tools. Returns the next tools and the event as it goes to
 * clients (counter events always leave with totals). Counters are monotonic: an event's totals
 * raise the kept ones (never lower them: a late message from another node or a stale snapshot
 * cannot undo newer counts); an event with only changes adds them. Pure; counter events of an
 * unknown tool leave the tools as they are (a client showing a tool late is right at the next one).
 */
export function applyToolEvent(tools: RoomTools, e: ToolEvent): { tools: RoomTools; out: ToolEvent } {
  switch (e.t) {
    case 'poll':
      return { tools: { ...tools, polls: trim(upsert(tools.polls, e.poll), (p) => p.status !== 'closed') }, out: e };
    case 'poll.tally': {
      const p = tools.polls.find((x) => x.id === e.id);
      if (!p) return { tools, out: e };
      const tally = p.tally.map((n, i) => (e.tally ? Math.max(n, e.tally[i] ?? 0) : n + (e.delta[i] ?? 0)));
      const voters = e.voters !== undefined ? Math.max(p.voters, e.voters) : p.voters + e.dv;
      return { tools: { ...tools, polls: upsert(tools.polls, { ...p, tally, voters }) }, out: { ...e, tally, voters } };
    }
    case 'draw':
      return { tools: { ...tools, draws: trim(upsert(tools.draws, e.draw), (d) => d.status === 'open' || d.status === 'closed') }, out: e };
    case 'draw.entries': {
      const d = tools.draws.find((x) => x.id === e.id);
      // Entries count while the draw is open; once closed, its count is the frozen eligible list's.
      if (!d || d.status !== 'open') return { tools, out: d ? { ...e, entrants: d.entrants } : e };
      const entrants = e.entrants !== undefined ? Math.max(d.entrants, e.entrants) : d.entrants + e.dn;
      return { tools: { ...tools, draws: upsert(tools.draws, { ...d, entrants }) }, out: { ...e, entrants } };
    }
    case 'quiz':
      return { tools: { ...tools, quiz: e.quiz }, out: e };
    case 'quiz.answers': {
      const q = tools.quiz;
      if (!q || q.id !== e.id || !q.current || q.current.index !== e.index) return { tools, out: e };
      const answerCount = e.answerCount !== undefined ? Math.max(q.current.answerCount, e.answerCount) : q.current.answerCount + e.dn;
      return { tools: { ...tools, quiz: { ...q, current: { ...q.current, answerCount } } }, out: { ...e, answerCount } };
    }
    case 'qna': {
      const rest = tools.questions.filter((q) => q.id !== e.question.id);
      const questions = e.question.status === 'dismissed' ? rest : orderQuestions([...rest, e.question]);
      return { tools: { ...tools, questions }, out: e };
    }
    case 'topic':
      return { tools: { ...tools, topic: e.topic }, out: e };
    case 'topic.stats': {
      const tp = tools.topic;
      if (!tp || tp.id !== e.id) return { tools, out: e };
      const next = {
        ...tp,
        comments: e.comments !== undefined ? Math.max(tp.comments, e.comments) : tp.comments + e.dc,
        participants: e.participants !== undefined ? Math.max(tp.participants, e.participants) : tp.participants + e.dp,
      };
      return { tools: { ...tools, topic: next }, out: { ...e, comments: next.comments, participants: next.participants } };
    }
    case 'countdown':
      return { tools: { ...tools, countdowns: trim(upsert(tools.countdowns, e.countdown), (c) => c.status === 'running') }, out: e };
  }
}
