import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AckMessage, ChatEvent, ChatMode, ErrorMessage, SenderRole, WelcomeMessage } from '../../../contracts/realtime.contract.js';
import { CloseCode, MAX_CHAT_LENGTH } from '../../../contracts/realtime.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import { emptyRoomTools } from '../../../contracts/room-tools.reducer.js';
import type { Bus } from '../../platform/bus/bus.port.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, Ctx } from '../../platform/context.js';
import type { ChatMessagesTable, DB } from '../../platform/db/db.types.js';
import { AppError, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { decideChat, type RoomChatSettings } from './core/chat-policy.js';
import type { ChatFilter } from './core/keyword-filter.js';
import type { BucketState } from './core/token-bucket.js';
import type { ViewContext } from '../analytics/view-context.js';
import type { RoomAnalytics } from './room-analytics.js';
import type { HubMember, HubStatsDelta, RankedChat, RoomHub, RoomInit } from './room-hub.js';
import { RoomStore } from './room.store.js';

/** A comment shown to the room, as the interactive tools see it. */
export interface CommentSeen {
  sessionId: string;
  messageId: string;
  senderKind: 'viewer' | 'guest' | 'team';
  /** Viewer or team member id ('' for guests). */
  senderId: string;
  senderName: string;
  text: string;
  at: number;
}
export type CommentListener = (c: CommentSeen) => void;

/** Whether a viewer follows a brand. The fans module provides the real one; until then nobody does. */
export interface FollowChecker {
  isFollower(viewerId: string, brandId: string | null): Promise<boolean>;
}
export const noFollows: FollowChecker = { isFollower: async () => false };

export interface RoomLimits {
  chatRatePerSecond: number;
  chatBurst: number;
  duplicateWindowMs: number;
}

interface SenderMemo {
  bucket?: BucketState;
  lastSentAt: number | null;
  recent: { text: string; at: number }[];
}

interface RoomCache {
  brandId: string | null;
  settings: { chatMode: ChatMode; slowModeSeconds: number; holdForReview: boolean; pin: string | null };
  /** principal key (viewer:, guest:, ip:) -> sanction end times (ms). */
  sanctions: Map<string, { mutedUntil: number | null; bannedUntil: number | null }>;
  senders: Map<string, SenderMemo>;
  off: () => Promise<void>;
}

export interface Joined {
  you: WelcomeMessage['you'];
  principalKey: string;
  audience: boolean;
  role: SenderRole;
  name: string;
}

const principalKeyOf = (actor: Actor): string | null =>
  actor.kind === 'viewer' ? `viewer:${actor.id}` : actor.kind === 'guest' ? `guest:${actor.guestId}` : actor.kind === 'team' ? `team:${actor.id}` : null;

export interface RoomServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  bus: Bus;
  audit: AuditService;
  sessions: SessionsService;
  hub: RoomHub;
  filter: ChatFilter;
  follows: FollowChecker;
  limits: RoomLimits;
  /** Keys IP addresses for bans without storing them in clear. */
  ipKeySecret: string;
  onError: (err: unknown, where: string) => void;
  /** Analytics: audience comments are recorded once stored (`c:<messageId>`). */
  analytics?: Pick<RoomAnalytics, 'comment' | 'viewContext'>;
}

/**
 * Live-room use cases: who may join, the chat pipeline (policy -> persist queue -> bus),
 * likes, reports, and moderation (delete, approve, mute, ban, settings, pin), each audited.
 */
export class RoomService {
  readonly store: RoomStore;
  private readonly caches = new Map<string, Promise<RoomCache>>();
  private queue: ChatMessagesTable[] = [];
  /** Audience comments waiting for their write, with the view they were made in (analytics). */
  private readonly unrecorded = new Map<string, { viewerKey: string; ctx: ViewContext }>();
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout;
  private readonly commentListeners: CommentListener[] = [];
  private toolsSource: (sessionId: string) => Promise<RoomTools> = async () => emptyRoomTools();

  constructor(private readonly d: RoomServiceDeps) {
    this.store = new RoomStore(d.db);
    // Batched writes: accepted comments are stored at most 100 ms later, in one statement.
    this.flushTimer = setInterval(() => void this.flush(), 100);
    this.flushTimer.unref();
    d.sessions.onTransition((sessionId, to) => {
      void d.hub.publishEvent(sessionId, { t: 'status', status: to }).catch((err: unknown) => d.onError(err, 'status publish'));
      if (to === 'ended') void this.flush();
    });
  }

  /**
   * Told of every comment shown to the room (not held ones), after it was accepted: the
   * interactive tools read draw phrases (口令) and topic hashtags from here.
   */
  onComment(listener: CommentListener): void {
    this.commentListeners.push(listener);
  }

  /** Where the welcome snapshot's tools (polls, draws, ...) come from (the interact module). */
  setToolsSource(source: (sessionId: string) => Promise<RoomTools>): void {
    this.toolsSource = source;
  }

  /** The chat keyword filter's verdict on a text (Q&A questions are filtered like comments). */
  checkText(text: string): ReturnType<ChatFilter['check']> {
    return this.d.filter.check(text);
  }

  ipKey(ip: string | null): string | null {
    return ip ? `ip:${createHmac('sha256', this.d.ipKeySecret).update(ip).digest('hex').slice(0, 32)}` : null;
  }

  // --- caches ---------------------------------------------------------------------------
  private cache(sessionId: string): Promise<RoomCache> {
    let c = this.caches.get(sessionId);
    if (!c) {
      c = this.loadCache(sessionId);
      this.caches.set(sessionId, c);
      c.catch(() => this.caches.delete(sessionId));
    }
    return c;
  }

  private async loadCache(sessionId: string): Promise<RoomCache> {
    const session = await this.d.sessions.getInternal(sessionId);
    const cache: RoomCache = {
      brandId: session.brandId,
      settings: { chatMode: 'everyone', slowModeSeconds: 0, holdForReview: false, pin: null },
      sanctions: new Map(),
      senders: new Map(),
      off: async () => undefined,
    };
    // Moderation on any node reloads this node's view of the room.
    cache.off = await this.d.bus.subscribe(`roomctl:${sessionId}`, () => void this.reload(sessionId, cache));
    await this.reload(sessionId, cache);
    return cache;
  }

  private async reload(sessionId: string, cache: RoomCache): Promise<void> {
    try {
      const row = await this.store.getSettings(sessionId);
      if (row) cache.settings = { chatMode: row.chat_mode as ChatMode, slowModeSeconds: row.slow_mode_seconds, holdForReview: row.hold_for_review === 1, pin: row.pinned_text };
      const scopes: { scope: 'room' | 'brand'; id: string }[] = [{ scope: 'room', id: sessionId }];
      if (cache.brandId) scopes.push({ scope: 'brand', id: cache.brandId });
      const rows = await this.store.activeSanctions(scopes, this.d.clock.now().toISOString());
      const map = new Map<string, { mutedUntil: number | null; bannedUntil: number | null }>();
      for (const r of rows) {
        const e = map.get(r.principal_key) ?? { mutedUntil: null, bannedUntil: null };
        const until = Date.parse(r.until);
        if (r.kind === 'mute') e.mutedUntil = Math.max(e.mutedUntil ?? 0, until);
        else e.bannedUntil = Math.max(e.bannedUntil ?? 0, until);
        map.set(r.principal_key, e);
      }
      cache.sanctions = map;
    } catch (err) {
      this.d.onError(err, 'room cache reload');
    }
  }

  /**
   * Applies a moderation change on this node before the request answers (the bus reload alone
   * is asynchronous: a comment right after "muted" or "hold for review" slipped through), then
   * tells every node to reload.
   */
  private async signal(sessionId: string): Promise<void> {
    const cache = await this.caches.get(sessionId)?.catch(() => null);
    if (cache) await this.reload(sessionId, cache);
    await this.d.bus.publish(`roomctl:${sessionId}`, 'reload');
  }

  /** For the hub, when the first member joins on this node. */
  async loadRoom(sessionId: string): Promise<RoomInit> {
    const [session, cache, stats, uv, recent, tools] = await Promise.all([
      this.d.sessions.getInternal(sessionId),
      this.cache(sessionId),
      this.store.getStats(sessionId),
      this.store.countVisits(sessionId),
      this.store.recentVisible(sessionId, 50),
      this.toolsSource(sessionId),
    ]);
    return {
      snapshot: {
        sessionId,
        status: session.status,
        likes: stats?.likes ?? 0,
        pcu: stats?.pcu ?? 0,
        uv,
        pin: cache.settings.pin,
        settings: { chatMode: cache.settings.chatMode, slowModeSeconds: cache.settings.slowModeSeconds, holdForReview: cache.settings.holdForReview },
        recent: recent.reverse().map((r) => this.toEvent(r)),
        tools,
      },
    };
  }

  persistStats(sessionId: string, delta: HubStatsDelta): Promise<void> {
    if (delta.likes === 0 && delta.entries === 0 && delta.exits === 0 && delta.online === 0) return Promise.resolve();
    return this.store.addStats(sessionId, delta, this.d.clock.now().toISOString());
  }

  private toEvent(r: ChatMessagesTable): ChatEvent {
    return { t: 'chat', id: r.id, uid: r.sender_id, name: r.sender_name, role: r.sender_role as SenderRole, lvl: 0, text: r.text, n: 1, at: Date.parse(r.created_at) };
  }

  // --- joining --------------------------------------------------------------------------
  /**
   * Whether this audience member may join, without joining: browsers cannot read why a
   * WebSocket upgrade was refused, so the viewer page asks here after a refused connection.
   */
  async access(actor: Actor, sessionId: string, ip: string | null, invite?: string): Promise<{ canJoin: boolean; code: string | null; message: string | null; retryAfterSeconds: number | null }> {
    try {
      if (actor.kind !== 'viewer' && actor.kind !== 'guest') throw new AppError('unauthenticated', 'Sign in or continue as a guest first', { code: 'UNAUTHENTICATED' });
      await this.d.sessions.getPublic(sessionId, invite);
      this.assertNotBanned(actor, await this.cache(sessionId), ip);
      return { canJoin: true, code: null, message: null, retryAfterSeconds: null };
    } catch (err) {
      if (err instanceof AppError && err.code === 'BANNED') return { canJoin: false, code: err.code, message: err.message, retryAfterSeconds: err.retryAfterSeconds ?? null };
      throw err;
    }
  }

  private assertNotBanned(actor: Actor & { kind: 'viewer' | 'guest' }, cache: RoomCache, ip: string | null): void {
    const key = principalKeyOf(actor)!;
    const now = this.d.clock.now().getTime();
    const ipk = this.ipKey(ip);
    // The address half of a ban applies to guests only: it stops a banned viewer from coming
    // back under a fresh guest token, without locking out signed-in neighbours behind the same NAT.
    for (const k of actor.kind === 'guest' ? [key, ipk] : [key]) {
      const s = k ? cache.sanctions.get(k) : undefined;
      if (s?.bannedUntil && s.bannedUntil > now) {
        throw new AppError('forbidden', `You are banned from this room for ${Math.ceil((s.bannedUntil - now) / 60000)} more minutes`, {
          code: 'BANNED',
          retryAfterSeconds: Math.ceil((s.bannedUntil - now) / 1000),
        });
      }
    }
  }

  /** Who may join: team members any session; the audience public/unlisted sessions that are not drafts (private ones with the invite), unless banned. */
  async authorizeJoin(actor: Actor, sessionId: string, ip: string | null, invite?: string): Promise<Joined> {
    const key = principalKeyOf(actor);
    if (!key) throw new AppError('unauthenticated', 'Sign in or continue as a guest first', { code: 'UNAUTHENTICATED' });
    if (actor.kind === 'team') {
      await this.d.sessions.getInternal(sessionId);
      const role: SenderRole = actor.roles.includes('host') ? 'host' : 'team';
      return {
        // Team members speak in the room when their job includes it (host, operator, cs, admins).
        you: { kind: 'team', id: actor.id, name: actor.displayName, canChat: actor.permissions.includes('room:moderate'), canModerate: actor.permissions.includes('room:moderate') },
        principalKey: key,
        audience: false,
        role,
        name: actor.displayName,
      };
    }
    if (actor.kind !== 'viewer' && actor.kind !== 'guest') throw new AppError('unauthenticated', 'Sign in or continue as a guest first', { code: 'UNAUTHENTICATED' });
    await this.d.sessions.getPublic(sessionId, invite);
    const cache = await this.cache(sessionId);
    this.assertNotBanned(actor, cache, ip);
    const now = this.d.clock.now().getTime();
    if (await this.store.recordVisit(sessionId, key, new Date(now).toISOString())) {
      void this.d.hub.publishUniqueVisitor(sessionId).catch((err: unknown) => this.d.onError(err, 'uv publish'));
    }
    const name = actor.kind === 'viewer' ? actor.nickname : null;
    return {
      you: { kind: actor.kind, id: actor.kind === 'viewer' ? actor.id : actor.guestId, name, canChat: actor.kind === 'viewer', canModerate: false },
      principalKey: key,
      audience: true,
      role: 'viewer',
      name: name ?? 'guest',
    };
  }

  // --- chat -----------------------------------------------------------------------------
  async chat(actor: Actor, member: HubMember, joined: Joined, ref: string, text: string): Promise<AckMessage | ErrorMessage> {
    const sessionId = member.sessionId;
    if (actor.kind === 'team' && !joined.you.canChat) return { t: 'error', ref, code: 'FORBIDDEN', message: 'Your role does not speak in the room.' };
    const cache = await this.cache(sessionId);
    const now = this.d.clock.now().getTime();
    const memo = cache.senders.get(joined.principalKey) ?? { lastSentAt: null, recent: [] };
    const sanction = cache.sanctions.get(joined.principalKey);
    const kind = actor.kind === 'team' ? 'team' : actor.kind === 'viewer' ? 'viewer' : 'guest';
    const settings: RoomChatSettings = {
      chatMode: cache.settings.chatMode,
      slowModeSeconds: cache.settings.slowModeSeconds,
      holdForReview: cache.settings.holdForReview,
      maxLength: MAX_CHAT_LENGTH,
      ratePerSecond: this.d.limits.chatRatePerSecond,
      burst: this.d.limits.chatBurst,
      duplicateWindowMs: this.d.limits.duplicateWindowMs,
    };
    const isFollower = actor.kind === 'viewer' && settings.chatMode === 'followers' ? await this.d.follows.isFollower(actor.id, cache.brandId) : false;
    const decision = decideChat({
      text,
      now,
      sender: { kind, isFollower, mutedUntil: sanction?.mutedUntil ?? null, bannedUntil: sanction?.bannedUntil ?? null, ...(memo.bucket ? { bucket: memo.bucket } : {}), lastSentAt: memo.lastSentAt, recent: memo.recent },
      settings,
      filter: this.d.filter.check(text),
    });
    if (decision.kind === 'reject') {
      return { t: 'error', ref, code: decision.code, message: decision.message, ...(decision.retryAfterMs !== undefined ? { retryAfterMs: decision.retryAfterMs } : {}) };
    }
    memo.bucket = decision.bucket;
    memo.lastSentAt = now;
    memo.recent = [...memo.recent.filter((r) => now - r.at < settings.duplicateWindowMs), { text: decision.text, at: now }].slice(-20);
    cache.senders.set(joined.principalKey, memo);

    const id = this.d.ids();
    const senderId = actor.kind === 'viewer' ? actor.id : actor.kind === 'team' ? actor.id : '';
    const event: ChatEvent = { t: 'chat', id, uid: senderId, name: joined.name, role: joined.role, lvl: 0, text: decision.text, n: 1, at: now };
    this.queue.push({
      id,
      session_id: sessionId,
      sender_kind: kind,
      sender_id: senderId,
      sender_name: joined.name,
      sender_role: joined.role,
      text: decision.text,
      status: decision.held ? 'held' : 'visible',
      created_at: new Date(now).toISOString(),
      moderated_by: null,
      moderated_at: null,
    });
    // Held comments count too: the viewer interacted, whatever the moderators decide.
    if (member.view && this.d.analytics) this.unrecorded.set(id, { viewerKey: joined.principalKey, ctx: this.d.analytics.viewContext(sessionId, joined.principalKey, now) });
    if (!decision.held) {
      const ranked: RankedChat = { ...event, tier: joined.role === 'viewer' ? 2 : 0 };
      await this.d.hub.publishChat(sessionId, ranked);
      for (const l of this.commentListeners) {
        try {
          l({ sessionId, messageId: id, senderKind: kind, senderId, senderName: joined.name, text: decision.text, at: now });
        } catch (err) {
          this.d.onError(err, 'comment listener');
        }
      }
    }
    return { t: 'ack', ref, msg: event, ...(decision.held ? { held: true } : {}) };
  }

  /** Writes queued comments in one statement; on failure they stay queued for the next try. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.queue.length === 0) return;
      const rows = this.queue;
      this.queue = [];
      try {
        await this.store.insertMessages(rows);
        this.recordComments(rows);
      } catch (err) {
        this.queue = [...rows, ...this.queue];
        this.d.onError(err, 'chat flush');
      }
    });
    return this.flushing;
  }

  private recordComments(rows: readonly ChatMessagesTable[]): void {
    if (!this.d.analytics || this.unrecorded.size === 0) return;
    for (const r of rows) {
      const u = this.unrecorded.get(r.id);
      if (!u) continue;
      this.unrecorded.delete(r.id);
      this.d.analytics.comment({ sessionId: r.session_id, viewerKey: u.viewerKey, messageId: r.id, at: Date.parse(r.created_at), ctx: u.ctx });
    }
  }

  get pendingWrites(): number {
    return this.queue.length;
  }

  async report(actor: Actor, sessionId: string, ref: string, messageId: string, reason: string): Promise<AckMessage | ErrorMessage> {
    const key = principalKeyOf(actor);
    if (!key || actor.kind === 'guest') return { t: 'error', ref, code: 'SIGN_IN_TO_REPORT', message: 'Sign in to report a comment.' };
    await this.flush();
    const msg = await this.store.findMessage(messageId);
    if (!msg || msg.session_id !== sessionId) return { t: 'error', ref, code: 'NOT_FOUND', message: 'No such comment in this room.' };
    await this.store.insertReport({
      id: this.d.ids(),
      session_id: sessionId,
      message_id: messageId,
      reporter_key: key,
      reason,
      status: 'open',
      created_at: this.d.clock.now().toISOString(),
      resolved_by: null,
      resolved_at: null,
    });
    return { t: 'ack', ref };
  }

  /** Live figures for the console (the hub's view when the room is active here, else stored). */
  async live(ctx: Ctx, sessionId: string) {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    const cache = await this.cache(sessionId);
    const hub = this.d.hub.onlineOf(sessionId);
    const stats = hub ? null : await this.store.getStats(sessionId);
    const uv = hub ? hub.uv : await this.store.countVisits(sessionId);
    return {
      online: hub?.online ?? 0,
      pcu: hub?.pcu ?? stats?.pcu ?? 0,
      uv,
      likes: hub?.likes ?? stats?.likes ?? 0,
      settings: { chatMode: cache.settings.chatMode, slowModeSeconds: cache.settings.slowModeSeconds, holdForReview: cache.settings.holdForReview, pin: cache.settings.pin },
    };
  }

  // --- moderation (console) --------------------------------------------------------------
  private async moderatedSession(ctx: Ctx, sessionId: string) {
    requirePermission(ctx.actor, 'room:moderate');
    return this.d.sessions.getInternal(sessionId);
  }

  async listMessages(ctx: Ctx, sessionId: string, q: { status?: ChatMessagesTable['status'] | undefined; limit: number; before?: string | undefined }) {
    await this.moderatedSession(ctx, sessionId);
    await this.flush();
    const rows = await this.store.listMessages(sessionId, q);
    return rows.map((r) => ({ id: r.id, senderKind: r.sender_kind, senderId: r.sender_id, senderName: r.sender_name, role: r.sender_role, text: r.text, status: r.status, createdAt: r.created_at }));
  }

  /**
   * Moves a comment from one of `from` to `to`, audited in the same transaction, and returns
   * the comment as it was. Comments still in this node's write queue are flushed first.
   */
  private async moderateMessage(ctx: Ctx, sessionId: string, messageId: string, from: ChatMessagesTable['status'][], to: ChatMessagesTable['status'], action: string, refusal: AppError) {
    await this.moderatedSession(ctx, sessionId);
    await this.flush();
    const msg = await this.store.findMessage(messageId);
    if (!msg || msg.session_id !== sessionId) throw notFound('Comment');
    const by = ctx.actor.kind === 'team' ? ctx.actor.id : null;
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.setMessageStatus(trx, messageId, from, to, by, this.d.clock.now().toISOString()))) throw refusal;
      await this.d.audit.record(ctx, { action, targetType: 'chat_message', targetId: messageId, before: { text: msg.text, sender: msg.sender_id, status: msg.status }, after: { status: to } }, trx);
    });
    return msg;
  }

  async deleteMessage(ctx: Ctx, sessionId: string, messageId: string): Promise<void> {
    await this.moderateMessage(ctx, sessionId, messageId, ['visible', 'held'], 'deleted', 'room.message_deleted', new AppError('conflict', 'This comment was already removed', { code: 'ALREADY_DELETED' }));
    await this.d.hub.publishEvent(sessionId, { t: 'chat.del', id: messageId });
  }

  async approveMessage(ctx: Ctx, sessionId: string, messageId: string): Promise<void> {
    const msg = await this.moderateMessage(ctx, sessionId, messageId, ['held'], 'visible', 'room.message_approved', new AppError('conflict', 'Only a held comment can be approved', { code: 'NOT_HELD' }));
    await this.d.hub.publishChat(sessionId, { ...this.toEvent({ ...msg, status: 'visible' }), tier: msg.sender_role === 'viewer' ? 2 : 0 });
  }

  async sanction(
    ctx: Ctx,
    sessionId: string,
    input: { kind: 'mute' | 'ban'; scope: 'room' | 'brand'; target: { kind: 'viewer' | 'guest'; id: string }; minutes: number; reason?: string | undefined; ip?: string | null },
  ) {
    const session = await this.moderatedSession(ctx, sessionId);
    if (input.scope === 'brand' && !session.brandId) throw new AppError('validation', 'scope: this session has no brand', { code: 'VALIDATION', issues: [{ path: 'body.scope', message: 'this session has no brand' }] });
    const now = this.d.clock.now();
    const until = new Date(now.getTime() + input.minutes * 60_000).toISOString();
    const principalKey = `${input.target.kind}:${input.target.id}`;
    const keys = [principalKey];
    // A ban also covers the address the viewer is watching from, so a fresh guest token does not get them back in.
    const ipk = input.kind === 'ban' ? this.ipKey(input.ip ?? this.lastIps.get(principalKey) ?? null) : null;
    if (ipk) keys.push(ipk);
    const ids: string[] = [];
    await this.d.db.transaction().execute(async (trx) => {
      for (const key of keys) {
        const id = this.d.ids();
        ids.push(id);
        await this.store.insertSanction(trx, {
          id,
          kind: input.kind,
          scope: input.scope,
          scope_id: input.scope === 'room' ? sessionId : session.brandId!,
          principal_key: key,
          until,
          reason: input.reason ?? null,
          created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
          created_at: now.toISOString(),
          revoked_at: null,
        });
      }
      await this.d.audit.record(ctx, { action: `room.${input.kind}`, targetType: input.target.kind, targetId: input.target.id, after: { scope: input.scope, sessionId, until, reason: input.reason ?? null, coversAddress: ipk !== null } }, trx);
    });
    await this.signal(sessionId);
    if (input.kind === 'ban') await this.d.hub.kick(sessionId, principalKey, CloseCode.banned, `You are banned from this room until ${until}`);
    return { ids, until };
  }

  async revokeSanction(ctx: Ctx, sessionId: string, sanctionId: string): Promise<void> {
    await this.moderatedSession(ctx, sessionId);
    const s = await this.store.findSanction(sanctionId);
    if (!s) throw notFound('Sanction');
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.revokeSanction(trx, sanctionId, this.d.clock.now().toISOString()))) throw new AppError('conflict', 'Already lifted', { code: 'ALREADY_REVOKED' });
      await this.d.audit.record(ctx, { action: `room.${s.kind}_lifted`, targetType: 'room_sanction', targetId: sanctionId, before: { until: s.until, principal: s.principal_key } }, trx);
    });
    await this.signal(sessionId);
  }

  async listSanctions(ctx: Ctx, sessionId: string) {
    const session = await this.moderatedSession(ctx, sessionId);
    const scopes: { scope: 'room' | 'brand'; id: string }[] = [{ scope: 'room', id: sessionId }];
    if (session.brandId) scopes.push({ scope: 'brand', id: session.brandId });
    const rows = await this.store.activeSanctions(scopes, this.d.clock.now().toISOString());
    return rows.map((r) => ({ id: r.id, kind: r.kind, scope: r.scope, principal: r.principal_key.startsWith('ip:') ? 'ip:(hidden)' : r.principal_key, until: r.until, reason: r.reason, createdAt: r.created_at }));
  }

  async updateSettings(ctx: Ctx, sessionId: string, patch: { chatMode?: ChatMode | undefined; slowModeSeconds?: number | undefined; holdForReview?: boolean | undefined }) {
    await this.moderatedSession(ctx, sessionId);
    const cache = await this.cache(sessionId);
    await this.reload(sessionId, cache);
    const before = { ...cache.settings };
    const after = {
      ...before,
      ...(patch.chatMode !== undefined ? { chatMode: patch.chatMode } : {}),
      ...(patch.slowModeSeconds !== undefined ? { slowModeSeconds: patch.slowModeSeconds } : {}),
      ...(patch.holdForReview !== undefined ? { holdForReview: patch.holdForReview } : {}),
    };
    await this.saveSettings(ctx, sessionId, before, after, 'room.settings_changed');
    await this.d.hub.publishEvent(sessionId, { t: 'settings', chatMode: after.chatMode, slowModeSeconds: after.slowModeSeconds, holdForReview: after.holdForReview });
    return { chatMode: after.chatMode, slowModeSeconds: after.slowModeSeconds, holdForReview: after.holdForReview, pin: after.pin };
  }

  async setPin(ctx: Ctx, sessionId: string, text: string | null) {
    await this.moderatedSession(ctx, sessionId);
    const cache = await this.cache(sessionId);
    await this.reload(sessionId, cache);
    const before = { ...cache.settings };
    const after = { ...before, pin: text };
    await this.saveSettings(ctx, sessionId, before, after, text === null ? 'room.unpinned' : 'room.pinned');
    await this.d.hub.publishEvent(sessionId, { t: 'pin', text });
    return { chatMode: after.chatMode, slowModeSeconds: after.slowModeSeconds, holdForReview: after.holdForReview, pin: after.pin };
  }

  private async saveSettings(ctx: Ctx, sessionId: string, before: RoomCache['settings'], after: RoomCache['settings'], action: string): Promise<void> {
    await this.d.db.transaction().execute(async (trx) => {
      await this.store.upsertSettings(trx, {
        session_id: sessionId,
        chat_mode: after.chatMode,
        slow_mode_seconds: after.slowModeSeconds,
        hold_for_review: after.holdForReview ? 1 : 0,
        pinned_text: after.pin,
        updated_at: this.d.clock.now().toISOString(),
      });
      await this.d.audit.record(ctx, { action, targetType: 'live_session', targetId: sessionId, before, after }, trx);
    });
    await this.signal(sessionId);
  }

  async listReports(ctx: Ctx, sessionId: string, status: 'open' | 'resolved' | 'dismissed') {
    await this.moderatedSession(ctx, sessionId);
    const rows = await this.store.listReports(sessionId, status, 200);
    const out = [];
    for (const r of rows) {
      const m = await this.store.findMessage(r.message_id);
      out.push({ id: r.id, messageId: r.message_id, messageText: m?.text ?? null, messageSender: m?.sender_name ?? null, messageStatus: m?.status ?? null, reason: r.reason, status: r.status, createdAt: r.created_at });
    }
    return out;
  }

  async resolveReport(ctx: Ctx, sessionId: string, reportId: string, action: 'resolve' | 'dismiss'): Promise<void> {
    await this.moderatedSession(ctx, sessionId);
    const r = await this.store.findReport(reportId);
    if (!r || r.session_id !== sessionId) throw notFound('Report');
    const by = ctx.actor.kind === 'team' ? ctx.actor.id : 'system';
    await this.d.db.transaction().execute(async (trx) => {
      if (!(await this.store.resolveReport(trx, reportId, action === 'resolve' ? 'resolved' : 'dismissed', by, this.d.clock.now().toISOString()))) {
        throw new AppError('conflict', 'This report is already closed', { code: 'REPORT_CLOSED' });
      }
      await this.d.audit.record(ctx, { action: `room.report_${action === 'resolve' ? 'resolved' : 'dismissed'}`, targetType: 'room_report', targetId: reportId, before: { status: 'open' }, after: { status: action === 'resolve' ? 'resolved' : 'dismissed' } }, trx);
    });
  }

  /** Last address each audience principal joined from on this node (for bans). */
  readonly lastIps = new Map<string, string>();

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flush();
    for (const c of this.caches.values()) await c.then((x) => x.off()).catch(() => undefined);
  }
}
