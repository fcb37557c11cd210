import { z } from 'zod';

/**
 * The realtime protocol (WebSocket at /ws). Versioned; documented in docs/realtime-protocol.md.
 * Server -> client messages are JSON objects with `t`; most room traffic arrives inside one
 * `batch` per tick, serialised once and written to every member.
 */
export const PROTOCOL_VERSION = 1;

export const ClientEvent = {
  chat: 'chat',
  like: 'like',
  report: 'report',
} as const;

export const ServerEvent = {
  welcome: 'welcome',
  batch: 'batch',
  ack: 'ack',
  error: 'error',
  missed: 'missed',
  reset: 'reset',
  reconnect: 'reconnect',
} as const;

/** Events carried inside a batch. */
export const RoomEvent = {
  chat: 'chat',
  chatDeleted: 'chat.del',
  likes: 'likes',
  presence: 'presence',
  pin: 'pin',
  settings: 'settings',
  status: 'status',
} as const;

export const chatModes = ['everyone', 'registered', 'followers'] as const;
export type ChatMode = (typeof chatModes)[number];

export const MAX_CHAT_LENGTH = 200;

// --- client -> server --------------------------------------------------------------
const ref = z.string().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'expected a short client reference');
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('chat'), ref, text: z.string().min(1, 'empty comment').max(1000) }),
  z.strictObject({ t: z.literal('like'), ref: ref.optional(), n: z.number().int().min(1).max(20).default(1) }),
  z.strictObject({ t: z.literal('report'), ref, messageId: z.string().min(1).max(64), reason: z.enum(['spam', 'abuse', 'illegal', 'misleading', 'other']) }),
]);
export type ClientMessage = z.output<typeof clientMessageSchema>;

// --- events inside a batch ------------------------------------------------------------
export type SenderRole = 'host' | 'team' | 'viewer';
export interface ChatEvent {
  t: 'chat';
  id: string;
  /** Sender principal id (viewer id or team member id). */
  uid: string;
  name: string;
  role: SenderRole;
  /** Fan level (0 until the fans module lands). */
  lvl: number;
  text: string;
  /** How many identical comments this one stands for ("666 x48"). */
  n: number;
  /** Server time (ms since epoch). */
  at: number;
}
export interface ChatDeletedEvent {
  t: 'chat.del';
  id: string;
}
export interface LikesEvent {
  t: 'likes';
  total: number;
}
export interface PresenceEvent {
  t: 'presence';
  online: number;
  pcu: number;
  uv: number;
}
export interface PinEvent {
  t: 'pin';
  text: string | null;
}
export interface SettingsEvent {
  t: 'settings';
  chatMode: ChatMode;
  slowModeSeconds: number;
  holdForReview: boolean;
}
export interface StatusEvent {
  t: 'status';
  status: 'draft' | 'scheduled' | 'live' | 'ended' | 'archived';
}
export type RoomEventPayload = ChatEvent | ChatDeletedEvent | LikesEvent | PresenceEvent | PinEvent | SettingsEvent | StatusEvent;

// --- server -> client ------------------------------------------------------------------
export interface RoomSnapshot {
  sessionId: string;
  status: StatusEvent['status'];
  presence: Omit<PresenceEvent, 't'>;
  likes: number;
  pin: string | null;
  settings: Omit<SettingsEvent, 't'>;
  /** The latest comments, oldest first. */
  recent: ChatEvent[];
}
export interface WelcomeMessage {
  v: typeof PROTOCOL_VERSION;
  t: 'welcome';
  /** Identifies this server process's sequence; resume with `since=<epoch>.<seq>`. */
  epoch: string;
  seq: number;
  you: { kind: 'viewer' | 'team' | 'guest'; id: string; name: string | null; canChat: boolean; canModerate: boolean };
  room: RoomSnapshot;
  /** True when the client's `since` was honoured and missed batches follow. */
  resumed: boolean;
}
export interface BatchMessage {
  t: 'batch';
  seq: number;
  ev: RoomEventPayload[];
}
export interface AckMessage {
  t: 'ack';
  ref: string;
  /** The comment as stored, shown to its sender whatever the display budget did. */
  msg?: ChatEvent;
  /** Held for review: only the sender sees it until a moderator approves it. */
  held?: boolean;
}
export interface ErrorMessage {
  t: 'error';
  ref?: string;
  code: string;
  message: string;
  retryAfterMs?: number;
}
export interface MissedMessage {
  t: 'missed';
  count: number;
}
export interface ResetMessage {
  t: 'reset';
  reason: string;
}
export interface ReconnectMessage {
  t: 'reconnect';
  afterMs: number;
}
export type ServerMessage = WelcomeMessage | BatchMessage | AckMessage | ErrorMessage | MissedMessage | ResetMessage | ReconnectMessage;

/** Close codes (4000-4999 are ours). */
export const CloseCode = {
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  banned: 4003,
  tooManyBadMessages: 4008,
  idle: 4009,
  shuttingDown: 1012,
} as const;
