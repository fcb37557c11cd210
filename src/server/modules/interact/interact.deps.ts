import type { Kysely } from 'kysely';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import type { RoomTools } from '../../../contracts/room-tools.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { DB } from '../../platform/db/db.types.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FilterVerdict } from '../room/core/keyword-filter.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { ToolAnalytics } from './tool-analytics.js';

/**
 * What the interactive tools stand on. Other modules are reached through these narrow ports
 * (modules own their tables): app.ts adapts the real services, tests pass their own.
 */
export interface InteractDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  /** Injected randomness (draw seeds): tests pass a deterministic one. */
  random: (bytes: number) => Buffer;
  audit: AuditService;
  sessions: SessionsService;
  /** Publishes a room event (through the hub: stamped with the picture position, on every node). */
  publish: (sessionId: string, e: RoomEventPayload) => Promise<void>;
  /** Seals secrets at rest (draw seeds until revealed, winners' shipping addresses). */
  seal: { seal(plain: string): string; open(sealed: string): string };
  /** Viewer accounts (viewers module). */
  viewers: {
    /** Nicknames of active viewers. */
    names(ids: readonly string[]): Promise<Map<string, string>>;
    /** When each account was created (ms since epoch). */
    createdAt(ids: readonly string[]): Promise<Map<string, number>>;
  };
  /** Who bought in a session (orders module): the subset of viewerIds with a paid or placed order. */
  buyers: (sessionId: string, viewerIds: readonly string[]) => Promise<Set<string>>;
  /** Fans module facts; until it lands nobody follows, reserves or has a fan level (see README). */
  fans: {
    follows(brandId: string | null, viewerIds: readonly string[]): Promise<Set<string>>;
    reserved(sessionId: string, viewerIds: readonly string[]): Promise<Set<string>>;
    fanLevels(brandId: string | null, viewerIds: readonly string[]): Promise<Map<string, number>>;
  };
  /** Prizes and rewards (promotions module). Idempotent per ref. */
  rewards: {
    /**
     * Issues one coupon of the template to a viewer for a draw or quiz (`ref`, e.g. the draw id).
     * Idempotent per ref: again, it reports ALREADY_ISSUED and issues nothing.
     */
    issueCoupon(templateId: string, viewerId: string, ref: string): Promise<{ ok: true; couponId: string | null } | { ok: false; reason: string }>;
    /** Credits points; same ref again does nothing. */
    grantPoints(viewerId: string, points: number, reason: string, ref: string): Promise<void>;
    /** A coupon template's or product's display name, for the prize label. */
    couponLabel(templateId: string): Promise<string | null>;
    productLabel(productId: string): Promise<string | null>;
  };
  /** Whether a viewer has a connection to the room now (the hub, this node). */
  inRoom: (sessionId: string, viewerId: string) => boolean;
  /** The chat keyword filter (Q&A questions are filtered like comments). */
  filterText: (text: string) => FilterVerdict;
  onError: (err: unknown, where: string) => void;
  /** Analytics (issue 7): votes, draw entries and questions, recorded once stored. */
  analytics?: ToolAnalytics;
}

/** Who sends an audience action over the socket. */
export type Participant = { kind: 'viewer'; id: string; name: string } | { kind: 'guest' } | { kind: 'team'; id: string; name: string };

/** What a socket action comes to: an ack, or an error the client shows (code names the reason). */
export type ToolOutcome = { ok: true } | { ok: false; code: string; message: string; retryAfterMs?: number };

/** Every tool service has this lifecycle; the facade runs them. */
export interface RoomTool {
  /** Adds this tool's part of the room's welcome snapshot (from the database: right after a restart too). */
  snapshotInto(sessionId: string, tools: RoomTools): Promise<void>;
  /** Every room tick: per-tick deltas out, the clock's transitions (a poll's end, a draw's entry window). */
  tick(now: number): Promise<void>;
  /** Loads what was running before a restart. */
  start(): Promise<void>;
  /** Writes what is pending. */
  stop(): Promise<void>;
}
