import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import type {
  ChatEvent,
  MissedMessage,
  PresenceEvent,
  RoomEventPayload,
  RoomSnapshot,
  ServerMessage,
  WelcomeMessage,
} from '../../../contracts/realtime.contract.js';
import { PROTOCOL_VERSION, CloseCode } from '../../../contracts/realtime.contract.js';
import { TOOL_EVENT_TYPES, type ToolEvent } from '../../../contracts/room-tools.contract.js';
import { applyToolEvent } from '../../../contracts/room-tools.reducer.js';
import type { Bus } from '../../platform/bus/bus.port.js';
import { applyBudget, BudgetClock } from './core/danmaku-budget.js';
import { globalOnline, nextPeak, type NodeReport } from './core/presence.js';
import { RingBuffer } from './core/ring-buffer.js';
import type { ViewMeta } from './room-analytics.js';

/** A chat event with the priority the display budget needs (not sent to clients). */
export interface RankedChat extends ChatEvent {
  tier: number;
}

/** What the hub needs to know about a room when the first member joins on this node. */
export interface RoomInit {
  snapshot: Omit<RoomSnapshot, 'presence'> & { pcu: number; uv: number };
}

export interface HubMember {
  ws: WebSocket;
  sessionId: string;
  /** `viewer:<id>`, `guest:<id>` or `team:<id>`; presence counts distinct audience principals. */
  principalKey: string;
  audience: boolean;
  missed: number;
  alive: boolean;
  /** Batches held back while the socket is over its byte bound (shared frames, not copies). */
  backlog?: Buffer[][];
  draining?: boolean;
  /** An audience connection's view for analytics (source, traffic); none for the team. */
  view?: ViewMeta;
}

/** Batches kept per slow member beyond the socket's bound; older ones are dropped first. */
const MAX_BACKLOG = 16;

export interface HubStatsDelta {
  likes: number;
  entries: number;
  exits: number;
  online: number;
}

export interface RoomHubOptions {
  bus: Bus;
  nodeId: string;
  now: () => number;
  tickMs: number;
  danmakuRate: number;
  slowBytes: number;
  resumeBatches: number;
  loadRoom: (sessionId: string) => Promise<RoomInit>;
  /** Called about once a second per active room with this node's counters. */
  persistStats: (sessionId: string, delta: HubStatsDelta) => Promise<void>;
  onError: (err: unknown, where: string) => void;
  heartbeatMs?: number;
  /** Rooms with no member on this node are dropped after this long. */
  idleRoomMs?: number;
  /**
   * Stamps an event before it is published (the video module adds where the picture is, `at`, to
   * events that refer to it); runs on the node that publishes the event.
   */
  stamp?: (sessionId: string, e: RoomEventPayload) => RoomEventPayload;
  /**
   * An audience principal's first connection to a room on this node opened (`true`) or its last
   * one closed (`false`): watch time (draw eligibility, analytics) is counted from these.
   */
  onPresence?: (sessionId: string, principalKey: string, present: boolean, at: number) => void;
  /** Every connection added to (`true`) or removed from (`false`) a room on this node: analytics views. */
  onMember?: (member: HubMember, present: boolean, at: number) => void;
  /**
   * Runs before every tick (the interactive tools publish their per-tick counts here); the tick
   * waits for it, at most `beforeTickWaitMs`, then for the bus to deliver what it published, so
   * those events go out in this very batch rather than the next.
   */
  beforeTick?: () => Promise<void>;
  beforeTickWaitMs?: number;
}

/** Messages between nodes on `room:<id>`. */
type BusRoomMessage =
  | { k: 'chat'; e: RankedChat }
  | { k: 'ev'; e: RoomEventPayload }
  | { k: 'likes'; d: number }
  | { k: 'uv'; d: number }
  | { k: 'kick'; principalKey: string; code: number; reason: string };

const RECENT = 50;
const PRESENCE_EVERY_MS = 1000;
const PRESENCE_STALE_MS = 5000;

// ws exports Sender at run time; @types/ws does not declare it.
interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

function frameOf(payload: string): Buffer[] {
  // Framed once per batch, header and payload in one buffer: every member gets the same bytes
  // in a single write (no per-socket framing, copy or writev array).
  const parts = Sender.frame(Buffer.from(payload), { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false });
  return [parts.length === 1 ? parts[0]! : Buffer.concat(parts)];
}

class HubRoom {
  readonly members = new Set<HubMember>();
  /** Audience principal -> number of its open connections on this node. */
  readonly principals = new Map<string, number>();
  chats: RankedChat[] = [];
  events: RoomEventPayload[] = [];
  seq = 0;
  likes = 0;
  likesDirty = false;
  localLikes = 0;
  entries = 0;
  exits = 0;
  teamMembers = 0;
  pcu = 0;
  uv = 0;
  online = 0;
  lastPresenceSent = -1;
  lastPresenceAt = 0;
  lastStatsAt = 0;
  emptySince: number | null = null;
  readonly reports = new Map<string, NodeReport>();
  unsubscribe: (() => Promise<void>)[] = [];
  snapshot!: RoomInit['snapshot'];
  lastTick: number;
  constructor(
    readonly id: string,
    readonly ring: RingBuffer<Buffer[]>,
    readonly budget: BudgetClock,
    now: number,
  ) {
    this.lastTick = now;
  }
}

/**
 * The node-local realtime engine: members, per-tick batching (one frame per room per tick,
 * serialised and framed once), the danmaku display budget, slow-consumer drops, resume, and
 * presence aggregated across nodes through the bus. No database access: what it needs comes
 * through the options.
 */
export class RoomHub {
  readonly epoch: string;
  private readonly rooms = new Map<string, HubRoom>();
  private readonly activating = new Map<string, Promise<HubRoom>>();
  private tickTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private closed = false;
  connections = 0;

  constructor(private readonly o: RoomHubOptions) {
    this.epoch = `${o.nodeId}-${o.now().toString(36)}`;
  }

  start(): void {
    this.tickTimer = setInterval(() => this.scheduledTick(), this.o.tickMs);
    this.tickTimer.unref();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.o.heartbeatMs ?? 30_000);
    this.heartbeatTimer.unref();
  }

  private async activate(sessionId: string): Promise<HubRoom> {
    const existing = this.rooms.get(sessionId);
    if (existing) return existing;
    const pending = this.activating.get(sessionId);
    if (pending) return pending;
    const p = (async () => {
      // A room that just opened here was idle until now: it starts with a full second of
      // display budget (an empty one dropped every comment of its first tick).
      const budget = new BudgetClock(this.o.danmakuRate);
      budget.giveBack(this.o.danmakuRate);
      const room = new HubRoom(sessionId, new RingBuffer<Buffer[]>(Math.max(1, this.o.resumeBatches)), budget, this.o.now());
      room.unsubscribe.push(await this.o.bus.subscribe(`room:${sessionId}`, (m) => this.onBusRoom(room, m)));
      room.unsubscribe.push(await this.o.bus.subscribe(`presence:${sessionId}`, (m) => this.onBusPresence(room, m)));
      // Load after subscribing, so nothing published in between is lost.
      const init = await this.o.loadRoom(sessionId);
      room.snapshot = init.snapshot;
      room.likes = init.snapshot.likes;
      room.pcu = init.snapshot.pcu;
      room.uv = init.snapshot.uv;
      this.rooms.set(sessionId, room);
      return room;
    })();
    this.activating.set(sessionId, p);
    try {
      return await p;
    } finally {
      this.activating.delete(sessionId);
    }
  }

  /** Adds a member and sends its welcome (and missed batches when resuming). */
  async join(member: HubMember, you: WelcomeMessage['you'], since: string | undefined): Promise<void> {
    const room = await this.activate(member.sessionId);
    if (member.ws.readyState !== WebSocket.OPEN) return;
    room.members.add(member);
    room.emptySince = null;
    this.connections++;
    if (!member.audience) room.teamMembers++;
    if (member.audience) {
      const n = room.principals.get(member.principalKey) ?? 0;
      room.principals.set(member.principalKey, n + 1);
      if (n === 0) {
        room.entries++;
        this.o.onPresence?.(room.id, member.principalKey, true, this.o.now());
      }
    }
    this.tellMember(member, true);
    let replay: Buffer[][] | null = null;
    if (since) {
      const [epoch, seqText] = since.split('.');
      const seq = Number(seqText);
      if (epoch === this.epoch && Number.isInteger(seq) && seq >= 0 && seq <= room.seq) replay = room.ring.since(seq);
    }
    const welcome: WelcomeMessage = {
      v: PROTOCOL_VERSION,
      t: 'welcome',
      epoch: this.epoch,
      seq: replay ? Number(since!.split('.')[1]) : room.seq,
      you,
      room: { ...this.snapshotOf(room) },
      resumed: replay !== null,
      now: this.o.now(),
    };
    this.send(member, welcome);
    if (since && !replay) this.send(member, { t: 'reset', reason: 'too far behind or another server; the welcome carries the current room' });
    if (replay) for (const frame of replay) this.writeFrame(member, frame);
  }

  leave(member: HubMember): void {
    const room = this.rooms.get(member.sessionId);
    if (!room || !room.members.delete(member)) return;
    this.connections--;
    if (!member.audience) room.teamMembers--;
    if (member.audience) {
      const n = (room.principals.get(member.principalKey) ?? 1) - 1;
      if (n <= 0) {
        room.principals.delete(member.principalKey);
        room.exits++;
        this.o.onPresence?.(room.id, member.principalKey, false, this.o.now());
      } else room.principals.set(member.principalKey, n);
    }
    this.tellMember(member, false);
    if (room.members.size === 0) room.emptySince = this.o.now();
  }

  private tellMember(member: HubMember, present: boolean): void {
    if (!this.o.onMember) return;
    try {
      this.o.onMember(member, present, this.o.now());
    } catch (err) {
      this.o.onError(err, 'member hook');
    }
  }

  private snapshotOf(room: HubRoom): RoomSnapshot {
    const s = room.snapshot;
    return {
      sessionId: s.sessionId,
      status: s.status,
      presence: { online: room.online, pcu: room.pcu, uv: room.uv },
      likes: room.likes,
      pin: s.pin,
      settings: s.settings,
      recent: s.recent,
      tools: s.tools,
    };
  }

  // --- publishing (any node) -----------------------------------------------------------
  publishChat(sessionId: string, e: RankedChat): Promise<void> {
    return this.o.bus.publish(`room:${sessionId}`, JSON.stringify({ k: 'chat', e } satisfies BusRoomMessage));
  }
  publishEvent(sessionId: string, event: RoomEventPayload): Promise<void> {
    const e = this.o.stamp ? this.o.stamp(sessionId, event) : event;
    return this.o.bus.publish(`room:${sessionId}`, JSON.stringify({ k: 'ev', e } satisfies BusRoomMessage));
  }
  publishUniqueVisitor(sessionId: string): Promise<void> {
    return this.o.bus.publish(`room:${sessionId}`, JSON.stringify({ k: 'uv', d: 1 } satisfies BusRoomMessage));
  }
  /** Closes every connection of a principal in a room, on every node. */
  kick(sessionId: string, principalKey: string, code: number, reason: string): Promise<void> {
    return this.o.bus.publish(`room:${sessionId}`, JSON.stringify({ k: 'kick', principalKey, code, reason } satisfies BusRoomMessage));
  }
  /** Likes are summed locally and published once per tick, never one message per like. */
  like(sessionId: string, n: number): void {
    const room = this.rooms.get(sessionId);
    if (room) room.localLikes += n;
  }

  /** Direct message to one member (welcome, ack, error), outside the batch. */
  send(member: HubMember, msg: ServerMessage): void {
    if (member.ws.readyState === WebSocket.OPEN) member.ws.send(JSON.stringify(msg));
  }

  private onBusRoom(room: HubRoom, raw: string): void {
    let m: BusRoomMessage;
    try {
      m = JSON.parse(raw) as BusRoomMessage;
    } catch (err) {
      this.o.onError(err, 'bus message');
      return;
    }
    switch (m.k) {
      case 'chat':
        room.chats.push(m.e);
        break;
      case 'likes':
        room.likes += m.d;
        room.likesDirty = true;
        break;
      case 'uv':
        room.uv += m.d;
        break;
      case 'kick':
        for (const member of room.members) {
          if (member.principalKey === m.principalKey) {
            this.send(member, { t: 'error', code: m.code === CloseCode.banned ? 'BANNED' : 'KICKED', message: m.reason });
            member.ws.close(m.code, m.reason.slice(0, 100));
          }
        }
        break;
      case 'ev': {
        // Tool counters arrive as deltas; the hub keeps the totals and sends them.
        if (TOOL_EVENT_TYPES.has(m.e.t)) {
          const r = applyToolEvent(room.snapshot.tools, m.e as ToolEvent);
          room.snapshot.tools = r.tools;
          room.events.push(r.out);
          break;
        }
        this.applyToSnapshot(room, m.e);
        room.events.push(m.e);
        break;
      }
    }
  }

  private applyToSnapshot(room: HubRoom, e: RoomEventPayload): void {
    const s = room.snapshot;
    if (e.t === 'chat.del') s.recent = s.recent.filter((c) => c.id !== e.id);
    else if (e.t === 'pin') s.pin = e.text;
    else if (e.t === 'settings') s.settings = { chatMode: e.chatMode, slowModeSeconds: e.slowModeSeconds, holdForReview: e.holdForReview };
    else if (e.t === 'status') s.status = e.status;
  }

  private onBusPresence(room: HubRoom, raw: string): void {
    try {
      const r = JSON.parse(raw) as NodeReport;
      room.reports.set(r.nodeId, r);
    } catch (err) {
      this.o.onError(err, 'presence message');
    }
  }

  // --- the tick ---------------------------------------------------------------------------
  tick(): void {
    if (this.closed) return;
    const now = this.o.now();
    for (const room of this.rooms.values()) {
      try {
        this.tickRoom(room, now);
      } catch (err) {
        this.o.onError(err, 'room tick');
      }
    }
  }

  private beforeRunning = false;
  /** The timer's tick: the before-tick hook first (bounded), then the tick itself. */
  private scheduledTick(): void {
    const before = this.o.beforeTick;
    if (!before) return this.tick();
    if (this.beforeRunning) return; // the previous tick is still waiting for its hook
    this.beforeRunning = true;
    let waited: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      waited = setTimeout(resolve, this.o.beforeTickWaitMs ?? Math.floor(this.o.tickMs / 3));
    });
    void Promise.race([before().catch((err: unknown) => this.o.onError(err, 'before tick')), bound]).then(() => {
      clearTimeout(waited);
      // setImmediate: after the microtasks in which an in-process bus delivers what the hook published.
      setImmediate(() => {
        this.beforeRunning = false;
        this.tick();
      });
    });
  }

  private tickRoom(room: HubRoom, now: number): void {
    const elapsed = now - room.lastTick;
    room.lastTick = now;
    if (room.emptySince !== null && now - room.emptySince > (this.o.idleRoomMs ?? 60_000)) {
      this.rooms.delete(room.id);
      for (const off of room.unsubscribe) off().catch((err: unknown) => this.o.onError(err, 'unsubscribe'));
      return;
    }
    if (room.localLikes > 0) {
      const d = room.localLikes;
      room.localLikes = 0;
      void this.o.bus.publish(`room:${room.id}`, JSON.stringify({ k: 'likes', d } satisfies BusRoomMessage)).catch((err: unknown) => this.o.onError(err, 'likes publish'));
      this.pendingStats(room).likes += d;
    }
    if (now - room.lastPresenceAt >= PRESENCE_EVERY_MS) {
      room.lastPresenceAt = now;
      const report: NodeReport = { nodeId: this.o.nodeId, online: room.principals.size, at: now };
      room.reports.set(this.o.nodeId, report);
      void this.o.bus.publish(`presence:${room.id}`, JSON.stringify(report)).catch((err: unknown) => this.o.onError(err, 'presence publish'));
      room.online = globalOnline(room.reports.values(), now, PRESENCE_STALE_MS);
      room.pcu = nextPeak(room.pcu, room.online);
      if (room.online !== room.lastPresenceSent) {
        room.lastPresenceSent = room.online;
        room.events.push({ t: 'presence', online: room.online, pcu: room.pcu, uv: room.uv } satisfies PresenceEvent);
      }
      const st = this.pendingStats(room);
      st.entries += room.entries;
      st.exits += room.exits;
      room.entries = 0;
      room.exits = 0;
      st.online = room.online;
      const delta = { ...st };
      this.stats.delete(room.id);
      void this.o.persistStats(room.id, delta).catch((err: unknown) => this.o.onError(err, 'persist stats'));
    }

    let shown: (ChatEvent & { n: number })[] = [];
    // Moderators must see every comment, so when the budget leaves some out, team members get
    // a second frame with all of them (merged repeats still merged).
    let unbudgeted: (ChatEvent & { n: number })[] | null = null;
    // The budget accrues on every tick, quiet ones included (capped at one second's worth):
    // accruing only on ticks that carry comments gave a quiet room just one tick's worth, so a
    // lone comment was dropped whenever rate x tick < 1 slot (rate 5, or timer jitter at 20/50 ms).
    const slots = room.budget.take(elapsed);
    if (room.chats.length > 0) {
      const result = applyBudget(room.chats, slots, `${room.id}:${room.seq}`);
      if (Number.isFinite(slots)) room.budget.giveBack(Math.max(0, slots - result.shown.length));
      shown = result.shown.map(({ tier: _tier, ...c }) => c as ChatEvent & { n: number });
      if (result.dropped > 0 && room.teamMembers > 0) {
        unbudgeted = applyBudget(room.chats, Number.POSITIVE_INFINITY, `${room.id}:${room.seq}`).shown.map(({ tier: _tier, ...c }) => c as ChatEvent & { n: number });
      }
      room.chats = [];
    } else if (Number.isFinite(slots)) room.budget.giveBack(slots);
    const ev: RoomEventPayload[] = room.events;
    room.events = [];
    if (room.likesDirty) {
      room.likesDirty = false;
      ev.push({ t: 'likes', total: room.likes });
    }
    for (const c of shown) ev.push(c);
    if (ev.length === 0) return;
    if (shown.length) room.snapshot.recent = [...room.snapshot.recent, ...shown].slice(-RECENT);
    room.seq += 1;
    const frame = frameOf(JSON.stringify({ t: 'batch', seq: room.seq, ev }));
    room.ring.push(room.seq, frame);
    const teamFrame = unbudgeted ? frameOf(JSON.stringify({ t: 'batch', seq: room.seq, ev: [...ev.filter((e) => e.t !== 'chat'), ...unbudgeted] })) : frame;
    for (const member of room.members) this.writeFrame(member, member.audience ? frame : teamFrame);
  }

  private readonly stats = new Map<string, HubStatsDelta>();
  private pendingStats(room: HubRoom): HubStatsDelta {
    let s = this.stats.get(room.id);
    if (!s) this.stats.set(room.id, (s = { likes: 0, entries: 0, exits: 0, online: 0 }));
    return s;
  }

  /**
   * Writes a pre-framed batch. While a member's socket holds more than slowBytes, new batches
   * wait in a short backlog of shared frames; when the backlog is full the OLDEST is dropped
   * and counted. When the socket drains, the member is told how many it missed and gets the
   * newest batches. Memory per slow viewer: slowBytes plus MAX_BACKLOG references.
   */
  private writeFrame(member: HubMember, frame: Buffer[]): void {
    const ws = member.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (member.backlog || ws.bufferedAmount > this.o.slowBytes) {
      const backlog = (member.backlog ??= []);
      backlog.push(frame);
      if (backlog.length > MAX_BACKLOG) {
        backlog.shift();
        member.missed++;
      }
      this.waitForDrain(member);
      return;
    }
    this.writeRaw(member, frame);
  }

  private writeRaw(member: HubMember, frame: Buffer[]): void {
    const socket = (member.ws as unknown as { _socket: Socket | null })._socket;
    if (!socket || socket.destroyed) return;
    if (frame.length === 1) {
      socket.write(frame[0]!);
      return;
    }
    socket.cork();
    for (const b of frame) socket.write(b);
    socket.uncork();
  }

  private waitForDrain(member: HubMember): void {
    if (member.draining) return;
    const socket = (member.ws as unknown as { _socket: Socket | null })._socket;
    if (!socket || socket.destroyed) return;
    member.draining = true;
    const flush = () => {
      member.draining = false;
      if (member.ws.readyState !== WebSocket.OPEN) return;
      if (member.ws.bufferedAmount > this.o.slowBytes) return this.waitForDrain(member);
      const backlog = member.backlog ?? [];
      member.backlog = undefined;
      if (member.missed > 0) {
        const missed: MissedMessage = { t: 'missed', count: member.missed };
        member.missed = 0;
        member.ws.send(JSON.stringify(missed));
      }
      for (const f of backlog) this.writeRaw(member, f);
    };
    // A socket with nothing queued in Node may still be over the bound in ws's own buffer; poll then.
    if (socket.writableLength > 0) socket.once('drain', flush);
    else setTimeout(flush, this.o.tickMs).unref();
  }

  private heartbeat(): void {
    for (const room of this.rooms.values()) {
      for (const member of room.members) {
        if (!member.alive) {
          member.ws.terminate();
          continue;
        }
        member.alive = false;
        try {
          member.ws.ping();
        } catch {
          member.ws.terminate();
        }
      }
    }
  }

  /** Number of rooms active on this node (tests, metrics). */
  get activeRooms(): number {
    return this.rooms.size;
  }

  /** Rooms with a team member connected on this node (the live dashboard's audience). */
  teamSessions(): string[] {
    const out: string[] = [];
    for (const r of this.rooms.values()) if (r.teamMembers > 0) out.push(r.id);
    return out;
  }

  /**
   * A direct message to the team members of a room on this node, outside the batches (the live
   * dashboard's figures, about once a second). Framed once; a member whose socket is behind gets
   * none (the next one supersedes it), so a slow console costs no memory.
   */
  sendTeam(sessionId: string, msg: { t: string }): void {
    const room = this.rooms.get(sessionId);
    if (!room || room.teamMembers === 0) return;
    let frame: Buffer[] | null = null;
    for (const member of room.members) {
      if (member.audience || member.backlog || member.ws.readyState !== WebSocket.OPEN || member.ws.bufferedAmount > this.o.slowBytes) continue;
      frame ??= frameOf(JSON.stringify(msg));
      this.writeRaw(member, frame);
    }
  }

  /** Whether an audience principal has a connection to the room on this node. */
  isPresent(sessionId: string, principalKey: string): boolean {
    return this.rooms.get(sessionId)?.principals.has(principalKey) ?? false;
  }

  /** Audience principals connected to the room on this node. */
  presentPrincipals(sessionId: string): string[] {
    return [...(this.rooms.get(sessionId)?.principals.keys() ?? [])];
  }

  onlineOf(sessionId: string): { online: number; pcu: number; uv: number; likes: number } | null {
    const r = this.rooms.get(sessionId);
    return r ? { online: r.online, pcu: r.pcu, uv: r.uv, likes: r.likes } : null;
  }

  /** Graceful shutdown: one last tick (flushes pending batches), then tell everyone to reconnect. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.tick();
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const room of this.rooms.values()) {
      for (const member of room.members) {
        this.send(member, { t: 'reconnect', afterMs: 1000 + Math.floor(Math.random() * 2000) });
        member.ws.close(CloseCode.shuttingDown, 'server restarting');
        // The room is dropped below, before the sockets' close events: their views end here.
        this.tellMember(member, false);
      }
      for (const off of room.unsubscribe) await off().catch(() => undefined);
    }
    this.rooms.clear();
  }
}
