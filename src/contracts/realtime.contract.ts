import { z } from 'zod';
import { beaconSchema } from './analytics-events.contract.js';
import { TOOL_PICTURE_EVENTS, roomToolsSchema, streamAtSchema, toolEventSchemas } from './room-tools.contract.js';

export { streamAtSchema, type StreamAt } from './room-tools.contract.js';

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
  /** Interactive tools (issue 6). */
  vote: 'vote',
  enter: 'enter',
  answer: 'answer',
  ask: 'ask',
  upvote: 'upvote',
  /** Analytics beacons (issue 7): what only the browser sees (impressions, clicks, add to cart, shares). */
  track: 'track',
} as const;

/** Beacons per `track` message (the socket's 4 KiB frame bound holds 20 comfortably). */
export const MAX_TRACK_EVENTS = 20;

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
  productPin: 'product.pin',
  flash: 'flash',
} as const;

export const chatModes = ['everyone', 'registered', 'followers'] as const;
export type ChatMode = (typeof chatModes)[number];

export const MAX_CHAT_LENGTH = 200;

// --- client -> server --------------------------------------------------------------
const ref = z.string().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'expected a short client reference');
const toolId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'expected an id');
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('chat'), ref, text: z.string().min(1, 'empty comment').max(1000) }),
  z.strictObject({ t: z.literal('like'), ref: ref.optional(), n: z.number().int().min(1).max(20).default(1) }),
  z.strictObject({ t: z.literal('report'), ref, messageId: z.string().min(1).max(64), reason: z.enum(['spam', 'abuse', 'illegal', 'misleading', 'other']) }),
  // Interactive tools (issue 6). The tool's own rules (option count, window, one per account) are
  // checked by the service; these only bound the shape.
  z.strictObject({ t: z.literal('vote'), ref, pollId: toolId, choices: z.array(z.number().int().min(0).max(5)).min(1, 'choose at least one option').max(6) }),
  z.strictObject({ t: z.literal('enter'), ref, drawId: toolId }),
  z.strictObject({ t: z.literal('answer'), ref, quizId: toolId, questionIndex: z.number().int().min(0).max(49), choice: z.number().int().min(0).max(5) }),
  z.strictObject({ t: z.literal('ask'), ref, text: z.string().trim().min(3, 'at least 3 characters').max(300, 'at most 300 characters') }),
  z.strictObject({ t: z.literal('upvote'), ref, questionId: toolId }),
  // Analytics beacons, recorded as this connection's (its viewer, source and traffic); a retried
  // message (same beacon ids) counts once.
  z.strictObject({
    t: z.literal('track'),
    ref,
    events: z.array(beaconSchema).min(1, 'at least one event').max(MAX_TRACK_EVENTS, `at most ${MAX_TRACK_EVENTS} events`),
  }),
]);
export type ClientMessage = z.output<typeof clientMessageSchema>;

// --- events inside a batch ------------------------------------------------------------
// Server messages are zod schemas too: the server's tests and any client can check what
// arrives against the same definitions the server is typed with.
export const senderRoleSchema = z.enum(['host', 'team', 'viewer']);
export type SenderRole = z.infer<typeof senderRoleSchema>;
const sessionStatus = z.enum(['draft', 'scheduled', 'live', 'ended', 'archived']);

export const chatEventSchema = z.object({
  t: z.literal('chat'),
  id: z.string(),
  /** Sender principal id (viewer id or team member id). */
  uid: z.string(),
  name: z.string(),
  role: senderRoleSchema,
  /** Fan level (0 until the fans module lands). */
  lvl: z.number().int(),
  text: z.string(),
  /** How many identical comments this one stands for ("666 x48"). */
  n: z.number().int().min(1),
  /** Server time (ms since epoch). */
  at: z.number(),
});
export type ChatEvent = z.infer<typeof chatEventSchema>;
export const chatDeletedEventSchema = z.object({ t: z.literal('chat.del'), id: z.string() });
export type ChatDeletedEvent = z.infer<typeof chatDeletedEventSchema>;
export const likesEventSchema = z.object({ t: z.literal('likes'), total: z.number().int() });
export type LikesEvent = z.infer<typeof likesEventSchema>;
export const presenceEventSchema = z.object({ t: z.literal('presence'), online: z.number().int(), pcu: z.number().int(), uv: z.number().int() });
export type PresenceEvent = z.infer<typeof presenceEventSchema>;
/**
 * Where the picture was when an event that refers to it happened: the publish and the encoder
 * timestamp (ms) the ingest had reached. Events carrying it (announcements, the product being
 * explained, a flash sale's state) are shown by each player when its playback reaches `ts`, so the
 * overlay appears when the viewer sees the host announce it. Absent or null: no picture to follow
 * (nobody publishing, or stamped on a node without the ingest): shown on arrival.
 */
/** The room events stamped with the stream position ({@link streamAtSchema}). */
export const PICTURE_EVENTS = ['pin', 'product.pin', 'flash', ...TOOL_PICTURE_EVENTS] as const;

export const pinEventSchema = z.object({ t: z.literal('pin'), text: z.string().nullable(), at: streamAtSchema.nullable().optional() });
export type PinEvent = z.infer<typeof pinEventSchema>;
export const settingsEventSchema = z.object({ t: z.literal('settings'), chatMode: z.enum(chatModes), slowModeSeconds: z.number().int(), holdForReview: z.boolean() });
export type SettingsEvent = z.infer<typeof settingsEventSchema>;
export const statusEventSchema = z.object({ t: z.literal('status'), status: sessionStatus });
export type StatusEvent = z.infer<typeof statusEventSchema>;
/** "Now explaining / 讲解中": the product the host is presenting (null: none), since when (ms since epoch). */
export const productPinEventSchema = z.object({ t: z.literal('product.pin'), productId: z.string().nullable(), since: z.number().nullable(), at: streamAtSchema.nullable().optional() });
export type ProductPinEvent = z.infer<typeof productPinEventSchema>;
/**
 * A flash sale's state (on schedule, open, close, cancel, and when `left` changes, at most once
 * per tick). The client counts down to startsAt/endsAt against `now` (server time, ms); the
 * server sends no per-second ticks.
 */
export const flashEventSchema = z.object({
  t: z.literal('flash'),
  id: z.string(),
  status: z.enum(['scheduled', 'open', 'closed', 'cancelled']),
  startsAt: z.string(),
  endsAt: z.string(),
  left: z.number().int(),
  total: z.number().int(),
  now: z.number(),
  at: streamAtSchema.nullable().optional(),
});
export type FlashEvent = z.infer<typeof flashEventSchema>;
/**
 * The picture: `live` (the encoder is publishing), `reconnecting` (it dropped; the session ends at
 * graceEndsAt unless it comes back), `offline`. Times in ms since epoch; `now` is server time.
 */
export const streamStates = ['offline', 'live', 'reconnecting'] as const;
export type StreamState = (typeof streamStates)[number];
export const streamEventSchema = z.object({ t: z.literal('stream'), state: z.enum(streamStates), since: z.number(), graceEndsAt: z.number().nullable(), now: z.number() });
export type StreamEvent = z.infer<typeof streamEventSchema>;
export const roomEventSchema = z.discriminatedUnion('t', [
  chatEventSchema,
  chatDeletedEventSchema,
  likesEventSchema,
  presenceEventSchema,
  pinEventSchema,
  settingsEventSchema,
  statusEventSchema,
  productPinEventSchema,
  flashEventSchema,
  streamEventSchema,
  ...toolEventSchemas,
]);
export type RoomEventPayload = z.infer<typeof roomEventSchema>;

// --- server -> client ------------------------------------------------------------------
export const roomSnapshotSchema = z.object({
  sessionId: z.string(),
  status: sessionStatus,
  presence: presenceEventSchema.omit({ t: true }),
  likes: z.number().int(),
  pin: z.string().nullable(),
  settings: settingsEventSchema.omit({ t: true }),
  /** The latest comments, oldest first. */
  recent: z.array(chatEventSchema),
  /** Polls, draws, quiz, Q&A, topic and countdowns (room-tools.contract.ts). */
  tools: roomToolsSchema,
});
export type RoomSnapshot = z.infer<typeof roomSnapshotSchema>;
export const welcomeMessageSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  t: z.literal('welcome'),
  /** Identifies this server process's sequence; resume with `since=<epoch>.<seq>`. */
  epoch: z.string(),
  seq: z.number().int(),
  you: z.object({ kind: z.enum(['viewer', 'team', 'guest']), id: z.string(), name: z.string().nullable(), canChat: z.boolean(), canModerate: z.boolean() }),
  room: roomSnapshotSchema,
  /** True when the client's `since` was honoured and missed batches follow. */
  resumed: z.boolean(),
  /** Server time (ms since epoch) when the welcome was sent: countdowns in the snapshot run against it. */
  now: z.number().optional(),
});
export type WelcomeMessage = z.infer<typeof welcomeMessageSchema>;
export const batchMessageSchema = z.object({ t: z.literal('batch'), seq: z.number().int(), ev: z.array(roomEventSchema) });
export type BatchMessage = z.infer<typeof batchMessageSchema>;
export const ackMessageSchema = z.object({
  t: z.literal('ack'),
  ref: z.string(),
  /** The comment as stored, shown to its sender whatever the display budget did. */
  msg: chatEventSchema.optional(),
  /** Held for review: only the sender sees it until a moderator approves it. */
  held: z.boolean().optional(),
  /** `track`: beacons recorded now, and those this server had already recorded (a retry). */
  tracked: z.object({ accepted: z.number().int(), duplicates: z.number().int() }).optional(),
});
export type AckMessage = z.infer<typeof ackMessageSchema>;
export const errorMessageSchema = z.object({ t: z.literal('error'), ref: z.string().optional(), code: z.string(), message: z.string(), retryAfterMs: z.number().optional() });
export type ErrorMessage = z.infer<typeof errorMessageSchema>;
export const missedMessageSchema = z.object({ t: z.literal('missed'), count: z.number().int() });
export type MissedMessage = z.infer<typeof missedMessageSchema>;
export const resetMessageSchema = z.object({ t: z.literal('reset'), reason: z.string() });
export type ResetMessage = z.infer<typeof resetMessageSchema>;
export const reconnectMessageSchema = z.object({ t: z.literal('reconnect'), afterMs: z.number().int() });
export type ReconnectMessage = z.infer<typeof reconnectMessageSchema>;
export const serverMessageSchema = z.discriminatedUnion('t', [
  welcomeMessageSchema,
  batchMessageSchema,
  ackMessageSchema,
  errorMessageSchema,
  missedMessageSchema,
  resetMessageSchema,
  reconnectMessageSchema,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

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
