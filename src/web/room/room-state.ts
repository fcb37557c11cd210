import { applyToolEvent, emptyRoomTools } from '../../contracts/room-tools.reducer';
import {
  isToolEvent,
  type ChatEvent,
  type RoomTools,
  type RoomChatSettings,
  type RoomEventPayload,
  type RoomPresence,
  type RoomStatus,
  type RoomYou,
  type WelcomeMessage,
} from './room-protocol';

/** A comment as the client keeps it: the wire event plus what only this client knows. */
export interface RoomChat extends ChatEvent {
  /** Sent from this principal (the viewer's own comment, or the console member's). */
  mine: boolean;
  /** Held for review: only its sender sees it until a moderator approves it. */
  held: boolean;
}

export type RoomPhase = 'connecting' | 'open' | 'reconnecting' | 'closed';
/** Why the room stopped for good (no more reconnects). */
export type RoomClosedReason = 'banned' | 'unauthenticated' | 'forbidden' | 'not-found';

export interface RoomNotice {
  id: number;
  kind: 'missed';
  count: number;
}

export interface RoomErrorInfo {
  id: number;
  code: string;
  message: string;
  retryAfterMs?: number;
}

export interface RoomState {
  phase: RoomPhase;
  /** Set when phase is 'closed'. */
  closedReason: RoomClosedReason | null;
  /** The server's close reason (e.g. when a ban ends), shown next to our own sentence. */
  closedDetail: string | null;
  /** True once any welcome arrived: the figures below are real, not placeholders. */
  ready: boolean;
  /** Milliseconds until the next attempt while reconnecting. */
  retryInMs: number | null;
  you: RoomYou | null;
  status: RoomStatus | null;
  presence: RoomPresence | null;
  likes: number | null;
  pin: string | null;
  settings: RoomChatSettings | null;
  /** Oldest first, at most MAX_CHATS. */
  chats: RoomChat[];
  notice: RoomNotice | null;
  /** The latest error the server sent outside a request (or for a request nobody awaits). */
  error: RoomErrorInfo | null;
  /** Polls, draws, quiz, Q&A, topic and countdowns (issue 6). */
  tools: RoomTools;
  /**
   * Server clock minus ours (ms), from the `now` of the latest event that carried one: the
   * countdowns of polls, draws and quizzes count against the server's clock, not the device's.
   */
  clockOffsetMs: number;
}

/** How many comments the client keeps; older ones scroll away. */
export const MAX_CHATS = 200;

export const initialRoomState: RoomState = {
  phase: 'connecting',
  closedReason: null,
  closedDetail: null,
  ready: false,
  retryInMs: null,
  you: null,
  status: null,
  presence: null,
  likes: null,
  pin: null,
  settings: null,
  chats: [],
  notice: null,
  error: null,
  tools: emptyRoomTools(),
  clockOffsetMs: 0,
};

export type RoomAction =
  | { type: 'connecting' }
  | { type: 'welcome'; welcome: WelcomeMessage }
  | { type: 'events'; events: RoomEventPayload[] }
  | { type: 'own-chat'; chat: ChatEvent; held: boolean }
  | { type: 'error'; code: string; message: string; retryAfterMs?: number }
  | { type: 'missed'; count: number }
  | { type: 'disconnected'; retryInMs: number }
  | { type: 'closed'; reason: RoomClosedReason; detail: string | null }
  | { type: 'clock'; offsetMs: number }
  | { type: 'dismiss-error' }
  | { type: 'dismiss-notice' };

let nextId = 1;

function toChat(e: ChatEvent, you: RoomYou | null, held = false): RoomChat {
  return { ...e, mine: you !== null && you.kind !== 'guest' && e.uid !== '' && e.uid === you.id, held };
}

function capped(chats: RoomChat[]): RoomChat[] {
  return chats.length > MAX_CHATS ? chats.slice(chats.length - MAX_CHATS) : chats;
}

/** Adds comments not seen yet (by id); a repeat only refreshes the "×n" count. */
function mergeChats(current: RoomChat[], incoming: RoomChat[]): RoomChat[] {
  if (incoming.length === 0) return current;
  const index = new Map(current.map((c, i) => [c.id, i]));
  let next: RoomChat[] | null = null;
  for (const chat of incoming) {
    const at = index.get(chat.id);
    if (at !== undefined) {
      const existing = (next ?? current)[at];
      // A held comment that a moderator approved comes back through a batch: it is public now.
      if (existing && (chat.n > existing.n || (existing.held && !chat.held))) {
        next ??= [...current];
        next[at] = { ...existing, n: Math.max(existing.n, chat.n), held: existing.held && chat.held };
      }
      continue;
    }
    next ??= [...current];
    index.set(chat.id, next.length);
    next.push(chat);
  }
  return next ? capped(next) : current;
}

function applyEvents(state: RoomState, events: RoomEventPayload[]): RoomState {
  let next = state;
  const incoming: RoomChat[] = [];
  let deleted: Set<string> | null = null;
  for (const e of events) {
    if (isToolEvent(e)) {
      // The hub's own reducer: counters carry their totals, which heal a delta dropped while
      // the tool itself was still held for the picture (unknown ids are ignored).
      const { tools } = applyToolEvent(next.tools, e);
      if (tools !== next.tools) next = { ...next, tools };
      continue;
    }
    switch (e.t) {
      case 'chat':
        incoming.push(toChat(e, state.you));
        break;
      case 'chat.del':
        deleted ??= new Set();
        deleted.add(e.id);
        break;
      case 'likes':
        next = { ...next, likes: e.total };
        break;
      case 'presence':
        next = { ...next, presence: { online: e.online, pcu: e.pcu, uv: e.uv } };
        break;
      case 'pin':
        next = { ...next, pin: e.text };
        break;
      case 'settings':
        next = { ...next, settings: { chatMode: e.chatMode, slowModeSeconds: e.slowModeSeconds, holdForReview: e.holdForReview } };
        break;
      case 'status':
        next = { ...next, status: e.status };
        break;
    }
  }
  let chats = mergeChats(next.chats, incoming);
  if (deleted) {
    const gone = deleted;
    chats = chats.filter((c) => !gone.has(c.id));
  }
  return chats === next.chats ? next : { ...next, chats };
}

export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  switch (action.type) {
    case 'connecting':
      return state.phase === 'closed' ? state : { ...state, phase: state.ready ? 'reconnecting' : 'connecting', retryInMs: null };
    case 'welcome': {
      const { welcome } = action;
      const room = welcome.room;
      const recent = room.recent.map((c) => toChat(c, welcome.you));
      // Resumed: what we hold is still right and the missed batches follow. Otherwise the
      // snapshot is the truth; only our own comments still waiting for review survive it.
      const chats = welcome.resumed
        ? mergeChats(state.chats, recent)
        : mergeChats(recent, state.chats.filter((c) => c.held && c.mine)).sort((a, b) => a.at - b.at);
      return {
        ...state,
        phase: 'open',
        closedReason: null,
        closedDetail: null,
        ready: true,
        retryInMs: null,
        you: welcome.you,
        status: room.status,
        presence: room.presence,
        likes: room.likes,
        pin: room.pin,
        settings: room.settings,
        chats,
        // The snapshot's tools are the room now, resumed or not (missed batches apply on top).
        tools: room.tools,
      };
    }
    case 'events':
      return applyEvents(state, action.events);
    case 'own-chat':
      return { ...state, chats: mergeChats(state.chats, [{ ...toChat(action.chat, state.you, action.held), mine: true }]) };
    case 'error':
      return {
        ...state,
        error: {
          id: nextId++,
          code: action.code,
          message: action.message,
          ...(action.retryAfterMs !== undefined ? { retryAfterMs: action.retryAfterMs } : {}),
        },
      };
    case 'missed':
      return { ...state, notice: { id: nextId++, kind: 'missed', count: action.count } };
    case 'disconnected':
      return state.phase === 'closed' ? state : { ...state, phase: 'reconnecting', retryInMs: action.retryInMs };
    case 'closed':
      return { ...state, phase: 'closed', closedReason: action.reason, closedDetail: action.detail, retryInMs: null };
    case 'clock':
      return Math.abs(action.offsetMs - state.clockOffsetMs) < 50 ? state : { ...state, clockOffsetMs: action.offsetMs };
    case 'dismiss-error':
      return state.error ? { ...state, error: null } : state;
    case 'dismiss-notice':
      return state.notice ? { ...state, notice: null } : state;
  }
}
