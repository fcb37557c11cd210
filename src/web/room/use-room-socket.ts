import { useCallback, useEffect, useReducer, useRef } from 'react';
import {
  CloseCode,
  MAX_LIKES_PER_MESSAGE,
  parseServerMessage,
  type AckMessage,
  type ChatEvent,
  type ClientMessage,
  type ReportReason,
  type RoomEventPayload,
  type ServerMessage,
} from './room-protocol';
import type { Beacon } from '../../contracts/analytics-events.contract.js';
import type { DashMessage } from '../../server/modules/analytics/dashboard.publisher';
import { playbackPosition } from '../viewer/video/playback-clock';
import { PictureSync } from './picture-sync';
import { initialRoomState, roomReducer, type RoomClosedReason, type RoomState } from './room-state';

/** What the danmaku overlay (or anyone else) hears as it happens, history excluded. */
export type LiveChatSignal = { kind: 'chat'; chat: ChatEvent; mine: boolean } | { kind: 'deleted'; id: string };

/** A request the server refused (`error` with our ref), or one that never got an answer. */
export class RoomRequestError extends Error {
  readonly code: string;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'RoomRequestError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export const CLIENT_ROOM_ERRORS = {
  disconnected: 'CLIENT_DISCONNECTED',
  timeout: 'CLIENT_TIMEOUT',
} as const;

export interface RoomSocketOptions {
  sessionId: string;
  /**
   * Who is connecting (`viewer:<id>`, `guest:<id>`, `team:<id>`). A change reconnects, since a
   * sign-in changes the cookie the socket authenticates with; null means "don't connect yet".
   */
  identityKey: string | null;
  /** Console: authenticate with the team cookie (`as=team`). */
  asTeam?: boolean;
  /** Guests: returns a valid guest token before every attempt (tokens expire); omit for cookie sessions. */
  guestToken?: () => Promise<string | null>;
  /** Invite code of a private session (`/live/:id?invite=…`). */
  invite?: string | null;
  /**
   * The viewer's room: events that refer to the picture are applied when this viewer's playback
   * reaches the moment they happened (picture-sync.ts), not when they arrive. The console applies
   * everything at once.
   */
  followPicture?: boolean;
  /**
   * Where this viewer came from (`src`, `by`, `ref`, `utm_*`, `rh`: sourceParamsOf), carried on
   * the socket URL so the server records the view's source. The server ignores bad values.
   */
  sourceQuery?: string | null;
}

/** How often held picture events are checked against the player (well inside the 250 ms budget). */
const PICTURE_POLL_MS = 40;

export interface RoomSocket {
  state: RoomState;
  /** Resolves with the ack (the comment as stored); rejects with a RoomRequestError. */
  sendChat: (text: string) => Promise<AckMessage>;
  /** Fire and forget; false when not connected. */
  sendLike: (n: number) => boolean;
  report: (messageId: string, reason: ReportReason) => Promise<AckMessage>;
  /** Interactive tools (issue 6): each resolves with the ack, or rejects with a RoomRequestError naming the server's code. */
  vote: (pollId: string, choices: number[]) => Promise<AckMessage>;
  enter: (drawId: string) => Promise<AckMessage>;
  answer: (quizId: string, questionIndex: number, choice: number) => Promise<AckMessage>;
  ask: (text: string) => Promise<AckMessage>;
  upvote: (questionId: string) => Promise<AckMessage>;
  /** Analytics beacons over the socket (issue 7): resolves with the ack (`tracked`), rejects when not connected. */
  track: (events: Beacon[]) => Promise<AckMessage>;
  /** Live comments and deletions, as they arrive. Returns the unsubscribe function. */
  subscribe: (listener: (signal: LiveChatSignal) => void) => () => void;
  /** Every room event as it arrives in a batch (e.g. commerce events such as `flash`), plus `welcome` on each (re)connect. */
  subscribeEvents: (listener: (event: RoomEventPayload | { t: 'welcome' }) => void) => () => void;
  /** Console: the live dashboard's figures, pushed about once a second to team members (issue 7). */
  subscribeDash: (listener: (dash: DashMessage) => void) => () => void;
  dismissError: () => void;
  dismissNotice: () => void;
}

const REQUEST_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 15_000;

/** 1 s, 2 s, 4 s … 15 s, each ±20 % so a restarted server is not hit by every client at once. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.min(BACKOFF_MAX_MS, Math.round(base * (0.8 + 0.4 * random())));
}

/** The latest server clock (`now`, ms) any event of a batch carries, or null. */
export function latestServerNow(events: readonly RoomEventPayload[]): number | null {
  let latest: number | null = null;
  for (const e of events) {
    if ('now' in e && typeof e.now === 'number' && (latest === null || e.now > latest)) latest = e.now;
  }
  return latest;
}

function terminalReason(code: number): RoomClosedReason | null {
  switch (code) {
    case CloseCode.banned:
      return 'banned';
    case CloseCode.unauthenticated:
      return 'unauthenticated';
    case CloseCode.forbidden:
      return 'forbidden';
    case CloseCode.notFound:
      return 'not-found';
    default:
      return null;
  }
}

function socketUrl(sessionId: string, asTeam: boolean, guest: string | null, since: string | null, invite: string | null, sourceQuery: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  let url = `${scheme}://${location.host}/ws?session=${encodeURIComponent(sessionId)}`;
  if (asTeam) url += '&as=team';
  else if (guest) url += `&guest=${encodeURIComponent(guest)}`;
  if (invite && !asTeam) url += `&invite=${encodeURIComponent(invite)}`;
  if (sourceQuery && !asTeam) url += `&${sourceQuery}`;
  if (since) url += `&since=${since}`;
  return url;
}

/** After a refused upgrade: banned or gone for good, or null to keep retrying. */
async function whyRefused(sessionId: string, asTeam: boolean, guest: string | null, invite: string | null): Promise<{ reason: RoomClosedReason; detail: string | null } | null> {
  if (asTeam) return null;
  try {
    const q = invite ? `?invite=${encodeURIComponent(invite)}` : '';
    const res = await fetch(`/api/live/${encodeURIComponent(sessionId)}/access${q}`, {
      credentials: 'same-origin',
      headers: guest ? { 'x-guest-token': guest } : {},
    });
    if (res.status === 404) return { reason: 'not-found', detail: null };
    if (!res.ok) return null;
    const body = (await res.json()) as { canJoin: boolean; code: string | null; message: string | null; retryAfterSeconds: number | null };
    if (!body.canJoin && body.code === 'BANNED') {
      // Same shape as the close reason of a live ban ("... until <ISO time>"), which the page reads.
      const until = body.retryAfterSeconds !== null ? new Date(Date.now() + body.retryAfterSeconds * 1000).toISOString() : null;
      return { reason: 'banned', detail: until ? `banned until ${until}` : body.message };
    }
    return null;
  } catch {
    return null;
  }
}

let refCounter = 0;
function newRef(): string {
  refCounter = (refCounter + 1) % 1_000_000;
  return `r${Date.now().toString(36)}${refCounter.toString(36)}`;
}

interface Pending {
  resolve: (ack: AckMessage) => void;
  reject: (err: RoomRequestError) => void;
  timer: number;
}

/**
 * One live-room connection, shared by the viewer page and the console: welcome, batches,
 * acks and errors folded into one state; resume with `since` after a drop; reconnect with
 * backoff (or when the server says so); stop for good on ban, 4401 and 4404.
 */
export function useRoomSocket({ sessionId, identityKey, asTeam = false, guestToken, invite = null, followPicture = false, sourceQuery = null }: RoomSocketOptions): RoomSocket {
  const [state, dispatch] = useReducer(roomReducer, initialRoomState);
  const socketRef = useRef<WebSocket | null>(null);
  const pending = useRef(new Map<string, Pending>());
  const listeners = useRef(new Set<(signal: LiveChatSignal) => void>());
  const eventListeners = useRef(new Set<(event: RoomEventPayload | { t: 'welcome' }) => void>());
  const dashListeners = useRef(new Set<(dash: DashMessage) => void>());
  const guestTokenRef = useRef(guestToken);
  useEffect(() => {
    guestTokenRef.current = guestToken;
  });

  useEffect(() => {
    if (identityKey === null || !sessionId) return;
    const requests = pending.current;
    let stopped = false;
    let ws: WebSocket | null = null;
    let timer: number | undefined;
    let attempt = 0;
    let epoch: string | null = null;
    let seq = 0;
    let serverDelay: number | null = null;
    let welcomed = false;

    const emit = (signal: LiveChatSignal) => {
      for (const listener of listeners.current) listener(signal);
    };

    const apply = (events: RoomEventPayload[]) => {
      if (events.length === 0) return;
      dispatch({ type: 'events', events });
      for (const e of events) {
        if (e.t === 'chat') emit({ kind: 'chat', chat: e, mine: false });
        else if (e.t === 'chat.del') emit({ kind: 'deleted', id: e.id });
        for (const listener of eventListeners.current) listener(e);
      }
    };
    const picture = followPicture ? new PictureSync({ position: playbackPosition, now: () => Date.now() }) : null;
    let pictureTimer: number | undefined;
    const pollPicture = () => {
      if (!picture || pictureTimer !== undefined || picture.pending === 0) return;
      pictureTimer = window.setInterval(() => {
        apply(picture.release());
        if (picture.pending === 0) {
          window.clearInterval(pictureTimer);
          pictureTimer = undefined;
        }
      }, PICTURE_POLL_MS);
    };

    const failAll = (code: string, message: string) => {
      for (const [ref, p] of requests) {
        window.clearTimeout(p.timer);
        p.reject(new RoomRequestError(code, message));
        requests.delete(ref);
      }
    };

    const handle = (msg: ServerMessage) => {
      // Team-only figures outside the batches (never stored in the room state).
      if ((msg as { t: string }).t === 'dash') {
        for (const listener of dashListeners.current) listener(msg as unknown as DashMessage);
        return;
      }
      switch (msg.t) {
        case 'welcome':
          welcomed = true;
          attempt = 0;
          epoch = msg.epoch;
          seq = msg.seq;
          // The welcome's snapshot is the room now: events still held for the picture are superseded.
          picture?.clear();
          dispatch({ type: 'welcome', welcome: msg });
          // Countdowns in the snapshot run on server time from the start, not from the first event.
          if (typeof msg.now === 'number') dispatch({ type: 'clock', offsetMs: msg.now - Date.now() });
          for (const listener of eventListeners.current) listener({ t: 'welcome' });
          break;
        case 'batch': {
          // Replays after a resume may overlap what we already applied.
          if (epoch !== null && msg.seq <= seq) return;
          seq = msg.seq;
          // Server time as of arrival (not of release from the picture hold): countdowns use it.
          const stamped = latestServerNow(msg.ev);
          if (stamped !== null) dispatch({ type: 'clock', offsetMs: stamped - Date.now() });
          if (picture) {
            apply(picture.push(msg.ev));
            pollPicture();
          } else apply(msg.ev);
          break;
        }
        case 'ack': {
          if (msg.msg) {
            dispatch({ type: 'own-chat', chat: msg.msg, held: msg.held === true });
            if (!msg.held) emit({ kind: 'chat', chat: msg.msg, mine: true });
          }
          const p = requests.get(msg.ref);
          if (p) {
            window.clearTimeout(p.timer);
            requests.delete(msg.ref);
            p.resolve(msg);
          }
          break;
        }
        case 'error': {
          const p = msg.ref ? requests.get(msg.ref) : undefined;
          if (p && msg.ref) {
            window.clearTimeout(p.timer);
            requests.delete(msg.ref);
            p.reject(new RoomRequestError(msg.code, msg.message, msg.retryAfterMs));
          } else {
            dispatch({
              type: 'error',
              code: msg.code,
              message: msg.message,
              ...(msg.retryAfterMs !== undefined ? { retryAfterMs: msg.retryAfterMs } : {}),
            });
          }
          break;
        }
        case 'missed':
          dispatch({ type: 'missed', count: msg.count });
          break;
        case 'reset':
          // The welcome just before it already carried the current room.
          break;
        case 'reconnect':
          serverDelay = Math.max(0, msg.afterMs);
          break;
      }
    };

    const schedule = () => {
      const delay = serverDelay ?? backoffDelay(attempt);
      serverDelay = null;
      attempt++;
      dispatch({ type: 'disconnected', retryInMs: delay });
      timer = window.setTimeout(() => void connect(), delay);
    };

    const connect = async () => {
      timer = undefined;
      dispatch({ type: 'connecting' });
      let guest: string | null = null;
      try {
        // Awaited even without a token source, so a StrictMode double mount never opens a socket it drops.
        guest = asTeam ? null : ((await guestTokenRef.current?.()) ?? null);
      } catch {
        guest = null;
      }
      if (stopped) return;
      welcomed = false;
      const since = epoch !== null ? `${epoch}.${String(seq)}` : null;
      const socket = new WebSocket(socketUrl(sessionId, asTeam, guest, since, invite, sourceQuery));
      ws = socket;
      socketRef.current = socket;
      socket.onmessage = (event: MessageEvent) => {
        const msg = parseServerMessage(event.data);
        if (msg) handle(msg);
      };
      socket.onclose = (event: CloseEvent) => {
        if (socketRef.current === socket) socketRef.current = null;
        if (ws === socket) ws = null;
        failAll(CLIENT_ROOM_ERRORS.disconnected, 'disconnected');
        if (stopped) return;
        const reason = terminalReason(event.code);
        if (reason) {
          dispatch({ type: 'closed', reason, detail: event.reason || null });
          return;
        }
        // A socket that never got its welcome counts towards the backoff; a working one starts over.
        if (welcomed) {
          attempt = 0;
          schedule();
          return;
        }
        // Refused at the handshake: browsers hide why, so ask the server before retrying.
        void whyRefused(sessionId, asTeam, guest, invite).then((why) => {
          if (stopped) return;
          if (why) dispatch({ type: 'closed', reason: why.reason, detail: why.detail });
          else schedule();
        });
      };
    };

    // Back online after a network drop: don't sit out the rest of the backoff.
    const onOnline = () => {
      if (timer !== undefined && !stopped) {
        window.clearTimeout(timer);
        void connect();
      }
    };
    window.addEventListener('online', onOnline);
    void connect();

    return () => {
      stopped = true;
      if (pictureTimer !== undefined) window.clearInterval(pictureTimer);
      window.removeEventListener('online', onOnline);
      if (timer !== undefined) window.clearTimeout(timer);
      failAll(CLIENT_ROOM_ERRORS.disconnected, 'disconnected');
      if (ws) {
        ws.onmessage = null;
        ws.close(1000, 'leaving');
      }
      socketRef.current = null;
    };
  }, [sessionId, identityKey, asTeam, invite, followPicture, sourceQuery]);

  const request = useCallback((build: (ref: string) => ClientMessage): Promise<AckMessage> => {
    const socket = socketRef.current;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RoomRequestError(CLIENT_ROOM_ERRORS.disconnected, 'disconnected'));
    }
    const ref = newRef();
    return new Promise<AckMessage>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        pending.current.delete(ref);
        reject(new RoomRequestError(CLIENT_ROOM_ERRORS.timeout, 'timeout'));
      }, REQUEST_TIMEOUT_MS);
      pending.current.set(ref, { resolve, reject, timer });
      socket.send(JSON.stringify(build(ref)));
    });
  }, []);

  const sendChat = useCallback((text: string) => request((ref) => ({ t: 'chat', ref, text })), [request]);

  const report = useCallback(
    (messageId: string, reason: ReportReason) => request((ref) => ({ t: 'report', ref, messageId, reason })),
    [request],
  );

  const vote = useCallback((pollId: string, choices: number[]) => request((ref) => ({ t: 'vote', ref, pollId, choices })), [request]);
  const enter = useCallback((drawId: string) => request((ref) => ({ t: 'enter', ref, drawId })), [request]);
  const answer = useCallback(
    (quizId: string, questionIndex: number, choice: number) => request((ref) => ({ t: 'answer', ref, quizId, questionIndex, choice })),
    [request],
  );
  const ask = useCallback((text: string) => request((ref) => ({ t: 'ask', ref, text })), [request]);
  const upvote = useCallback((questionId: string) => request((ref) => ({ t: 'upvote', ref, questionId })), [request]);
  const track = useCallback((events: Beacon[]) => request((ref) => ({ t: 'track', ref, events })), [request]);

  const sendLike = useCallback((n: number) => {
    const socket = socketRef.current;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    let left = Math.max(0, Math.floor(n));
    while (left > 0) {
      const part = Math.min(left, MAX_LIKES_PER_MESSAGE);
      socket.send(JSON.stringify({ t: 'like', n: part } satisfies ClientMessage));
      left -= part;
    }
    return true;
  }, []);

  const subscribe = useCallback((listener: (signal: LiveChatSignal) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const subscribeDash = useCallback((listener: (dash: DashMessage) => void) => {
    dashListeners.current.add(listener);
    return () => {
      dashListeners.current.delete(listener);
    };
  }, []);

  const subscribeEvents = useCallback((listener: (event: RoomEventPayload | { t: 'welcome' }) => void) => {
    eventListeners.current.add(listener);
    return () => {
      eventListeners.current.delete(listener);
    };
  }, []);

  const dismissError = useCallback(() => { dispatch({ type: 'dismiss-error' }); }, []);
  const dismissNotice = useCallback(() => { dispatch({ type: 'dismiss-notice' }); }, []);

  return { state, sendChat, sendLike, report, vote, enter, answer, ask, upvote, track, subscribe, subscribeEvents, subscribeDash, dismissError, dismissNotice };
}
