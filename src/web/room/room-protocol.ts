// The realtime protocol as the browser sees it. Only *types* come from the contract: its
// values sit next to zod, which must stay out of the bundle, so the few constants the client
// needs are copied here (and pinned to the contract's types so they cannot drift silently).
import type {
  AckMessage,
  ChatEvent,
  ChatMode,
  CloseCode as ContractCloseCode,
  ErrorMessage,
  RoomEventPayload,
  RoomSnapshot,
  ServerMessage,
  WelcomeMessage,
} from '../../contracts/realtime.contract.js';

import type {
  CountdownView,
  DrawView,
  PollView,
  QuestionView,
  QuizView,
  RoomTools,
  ToolEvent,
  TopicView,
} from '../../contracts/room-tools.contract.js';
import type { Beacon } from '../../contracts/analytics-events.contract.js';

export type { AckMessage, ChatEvent, ChatMode, ErrorMessage, RoomEventPayload, RoomSnapshot, ServerMessage, WelcomeMessage };
export type { CountdownView, DrawView, PollView, QuestionView, QuizView, RoomTools, ToolEvent, TopicView };

/** The contract's TOOL_EVENT_TYPES (copied: the contract's values sit next to zod). */
export const TOOL_EVENT_TYPES = ['poll', 'poll.tally', 'draw', 'draw.entries', 'quiz', 'quiz.answers', 'qna', 'topic', 'topic.stats', 'countdown'] as const satisfies readonly ToolEvent['t'][];
const TOOL_TYPES: ReadonlySet<string> = new Set(TOOL_EVENT_TYPES);
export function isToolEvent(e: RoomEventPayload): e is ToolEvent {
  return TOOL_TYPES.has(e.t);
}

export type RoomStatus = RoomSnapshot['status'];
export type RoomPresence = RoomSnapshot['presence'];
export type RoomChatSettings = RoomSnapshot['settings'];
export type RoomYou = WelcomeMessage['you'];
export type ReportReason = 'spam' | 'abuse' | 'illegal' | 'misleading' | 'other';

export const REPORT_REASONS: readonly ReportReason[] = ['spam', 'abuse', 'illegal', 'misleading', 'other'];
export const CHAT_MODES: readonly ChatMode[] = ['everyone', 'registered', 'followers'];

/** MAX_CHAT_LENGTH of the contract, in code points. */
export const MAX_CHAT_LENGTH = 200;
/** The contract's `like.n` upper bound. */
export const MAX_LIKES_PER_MESSAGE = 20;

export const CloseCode = {
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  banned: 4003,
  shuttingDown: 1012,
} as const satisfies Partial<typeof ContractCloseCode>;

/** Messages this client sends (the contract's clientMessageSchema, as plain types). */
export type ClientMessage =
  | { t: 'chat'; ref: string; text: string }
  | { t: 'like'; n: number; ref?: string }
  | { t: 'report'; ref: string; messageId: string; reason: ReportReason }
  | { t: 'vote'; ref: string; pollId: string; choices: number[] }
  | { t: 'enter'; ref: string; drawId: string }
  | { t: 'answer'; ref: string; quizId: string; questionIndex: number; choice: number }
  | { t: 'ask'; ref: string; text: string }
  | { t: 'upvote'; ref: string; questionId: string }
  | { t: 'track'; ref: string; events: Beacon[] };

/** The contract's MAX_TRACK_EVENTS (beacons per `track` message) and MAX_BEACONS_PER_BATCH (per HTTP batch). */
export const MAX_TRACK_EVENTS = 20;
export const MAX_BEACONS_PER_BATCH = 50;

/** Length as the server counts it: code points, not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Parses one frame; anything that isn't an object with a string `t` is ignored. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { t?: unknown }).t === 'string') {
      return parsed as ServerMessage;
    }
  } catch {
    // A malformed frame is dropped; the next batch carries on.
  }
  return null;
}
