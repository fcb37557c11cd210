import type { Kysely } from 'kysely';
import type { Bus } from '../bus/bus.port.js';
import type { Clock } from '../clock.js';
import type { Actor } from '../context.js';
import type { AuthSessionsTable, DB } from '../db/db.types.js';
import type { IdGenerator } from '../ids/id-generator.js';
import { AuthSessionStore } from './auth-session.store.js';
import { passKey, randomToken, sha256Hex, signGuestToken, signPass, verifyGuestToken, verifyPass, type PassClaims } from './tokens.js';

export type PrincipalKind = 'team' | 'viewer';
/** Modules that own principals (team, viewers) tell the platform how to load one by id. */
export type PrincipalResolver = (id: string, sessionId: string) => Promise<Actor | null>;

export interface AuthServiceOptions {
  db: Kysely<DB>;
  /** Where session lookups read (Database.readDb); default `db`. */
  readDb?: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  signingSecret: string;
  ttlMs: Record<PrincipalKind, number>;
  guestTtlMs?: number;
  /**
   * How long a resolved sign-in session is kept in this process (ms; 0 = never). Default 2000.
   * Revocation on this node drops it at once; other nodes drop it when the bus tells them, and
   * at worst when it expires.
   */
  cacheMs?: number;
  /** Most sessions kept in the cache (least recently used out). Default 20,000. */
  cacheMax?: number;
}

interface CachedSession {
  kind: PrincipalKind;
  principalId: string;
  actor: Actor;
  csrfToken: string;
  /** Epoch ms until which this entry answers (never beyond the session's own expiry). */
  until: number;
}

/** Bus topic telling every node to forget cached sessions (a session, or all of a principal's). */
export const AUTH_INVALIDATE_TOPIC = 'auth.invalidate';
type Invalidation = { session: string } | { kind: PrincipalKind; principal: string };

export interface IssuedSession {
  token: string;
  csrfToken: string;
  sessionId: string;
  expiresAt: Date;
}

// Sliding expiry is written at most once a minute per session, not on every request.
const TOUCH_EVERY_MS = 60_000;

export class AuthService {
  private readonly store: AuthSessionStore;
  private readonly resolvers = new Map<PrincipalKind, PrincipalResolver>();
  private readonly cache = new Map<string, CachedSession>();
  private readonly cacheMs: number;
  private readonly cacheMax: number;
  /** Bumped by every invalidation: a lookup that started before one must not fill the cache. */
  private epoch = 0;
  private bus: Bus | null = null;
  /** Passes void by a later sign-out or principal change: session (first 16 hex) / principal -> when (ms). */
  private readonly revokedSids = new Map<string, number>();
  private readonly revokedViewers = new Map<string, number>();
  private readonly passKey: string;
  /** Passes whose MAC verified (oldest first), at most VERIFIED_PASSES_MAX. */
  private readonly verifiedPasses = new Map<string, PassClaims>();
  static readonly VERIFIED_PASSES_MAX = 50_000;
  constructor(private readonly opts: AuthServiceOptions) {
    this.passKey = passKey(opts.signingSecret);
    this.store = new AuthSessionStore(opts.db, opts.readDb ?? opts.db);
    this.cacheMs = opts.cacheMs ?? 2000;
    this.cacheMax = opts.cacheMax ?? 20_000;
  }

  /** Shares invalidations with the other nodes (sign-out, revocation, role or status change). */
  async attachBus(bus: Bus): Promise<void> {
    this.bus = bus;
    await bus.subscribe(AUTH_INVALIDATE_TOPIC, (message) => {
      try {
        this.forgetLocally(JSON.parse(message) as Invalidation);
      } catch {
        // Not ours: drop everything rather than risk a stale session.
        this.epoch++;
        this.cache.clear();
      }
    });
  }

  private forgetLocally(what: Invalidation): void {
    this.epoch++;
    this.voidPasses(what);
    if ('session' in what) {
      this.cache.delete(what.session);
      return;
    }
    for (const [id, c] of this.cache) if (c.kind === what.kind && c.principalId === what.principal) this.cache.delete(id);
  }

  /** Drops cached sessions here at once and tells the other nodes (awaited, best effort). */
  private async forget(what: Invalidation): Promise<void> {
    this.forgetLocally(what);
    await this.bus?.publish(AUTH_INVALIDATE_TOPIC, JSON.stringify(what)).catch(() => undefined);
  }

  /**
   * A principal changed (roles, status, name): cached sessions are resolved again on their next
   * request, here at once and on other nodes through the bus.
   */
  forgetPrincipal(kind: PrincipalKind, principalId: string): Promise<void> {
    return this.forget({ kind, principal: principalId });
  }

  registerResolver(kind: PrincipalKind, resolver: PrincipalResolver): void {
    this.resolvers.set(kind, resolver);
  }

  /** A new session's tokens and its row (only the token's hash is stored). */
  private issue(kind: PrincipalKind, principalId: string, meta: { ip: string | null; userAgent: string | null }, now: Date): { issued: IssuedSession; row: AuthSessionsTable } {
    const token = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now.getTime() + this.opts.ttlMs[kind]);
    const sessionId = sha256Hex(token);
    return {
      issued: { token, csrfToken, sessionId, expiresAt },
      row: {
        id: sessionId,
        principal_kind: kind,
        principal_id: principalId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        revoked_at: null,
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      },
    };
  }

  async createSession(kind: PrincipalKind, principalId: string, meta: { ip: string | null; userAgent: string | null }): Promise<IssuedSession> {
    const { issued, row } = this.issue(kind, principalId, meta, this.opts.clock.now());
    await this.store.insert(row);
    return issued;
  }

  /**
   * Sign-in sessions for many principals at once, written in `exec` (the caller's transaction)
   * when given: `onair simulate` signs in thousands of accounts it just made, with no password
   * to hash or check. Same tokens, hashing and expiry as createSession.
   */
  async createSessions(kind: PrincipalKind, principalIds: readonly string[], meta: { ip: string | null; userAgent: string | null }, exec?: Kysely<DB>): Promise<IssuedSession[]> {
    const now = this.opts.clock.now();
    const made = principalIds.map((principalId) => this.issue(kind, principalId, meta, now));
    await this.store.insertMany(
      made.map((m) => m.row),
      exec,
    );
    return made.map((m) => m.issued);
  }

  /** Resolves a cookie token to its actor, or null when unknown, expired, revoked or disabled. */
  async resolve(kind: PrincipalKind, token: string): Promise<{ actor: Actor; csrfToken: string; sessionId: string } | null> {
    if (token.length < 20 || token.length > 100) return null;
    const now = this.opts.clock.now();
    const nowMs = now.getTime();
    // The cache is keyed by the token's SHA-256 (as the table is): no secret is compared here.
    const sessionId = sha256Hex(token);
    const hit = this.cache.get(sessionId);
    if (hit) {
      this.cache.delete(sessionId);
      if (hit.until > nowMs && hit.kind === kind) {
        this.cache.set(sessionId, hit); // most recently used last
        return { actor: hit.actor, csrfToken: hit.csrfToken, sessionId };
      }
    }
    const epoch = this.epoch;
    const row = await this.store.findActive(sessionId, now.toISOString());
    if (!row || row.principal_kind !== kind) return null;
    const resolver = this.resolvers.get(kind);
    if (!resolver) return null;
    const actor = await resolver(row.principal_id, sessionId);
    if (!actor) return null;
    if (nowMs - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
      await this.store.touch(sessionId, now.toISOString(), new Date(nowMs + this.opts.ttlMs[kind]).toISOString());
    }
    if (this.cacheMs > 0 && epoch === this.epoch) {
      if (this.cache.size >= this.cacheMax) this.cache.delete(this.cache.keys().next().value!);
      const until = Math.min(nowMs + this.cacheMs, Date.parse(row.expires_at));
      this.cache.set(sessionId, { kind, principalId: row.principal_id, actor, csrfToken: row.csrf_token, until });
    }
    return { actor, csrfToken: row.csrf_token, sessionId };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.store.revoke(sessionId, this.opts.clock.now().toISOString());
    await this.forget({ session: sessionId });
  }

  async revokeAllFor(kind: PrincipalKind, principalId: string, exceptSessionId?: string): Promise<number> {
    const n = await this.store.revokeAllFor(kind, principalId, this.opts.clock.now().toISOString(), exceptSessionId);
    // The kept session (a password change) is resolved again too: cheap, and always current.
    await this.forget({ kind, principal: principalId });
    return n;
  }

  // ---------- passes ----------

  /** Passes live at most this long (the holder fetches a new one); revocations are remembered as long. */
  static readonly PASS_TTL_MS = 10 * 60_000;

  private voidPasses(what: Invalidation): void {
    const now = this.opts.clock.now().getTime();
    if ('session' in what) this.revokedSids.set(what.session.slice(0, 16), now);
    else if (what.kind === 'viewer') this.revokedViewers.set(what.principal, now);
    // Forget revocations older than any pass they could void.
    if (this.revokedSids.size + this.revokedViewers.size > 1000) {
      for (const m of [this.revokedSids, this.revokedViewers]) for (const [k, at] of m) if (now - at > AuthService.PASS_TTL_MS + 60_000) m.delete(k);
    }
  }

  /**
   * A short-lived signed pass for a signed-in viewer to act on `scope` (a flash sale) without a
   * session lookup per request. It dies with the sign-in session: sign-out, revocation, a
   * disabled account or any change of the viewer voids it (on other nodes through the bus).
   */
  issuePass(scope: string, actor: { id: string; nickname: string; sessionId: string }, ttlMs = AuthService.PASS_TTL_MS): { pass: string; expiresAt: Date } {
    const now = this.opts.clock.now().getTime();
    const expiresMs = now + Math.min(ttlMs, AuthService.PASS_TTL_MS);
    const claims: PassClaims = { scope, viewerId: actor.id, sid: actor.sessionId.slice(0, 16), issuedMs: now, expiresMs, nickname: actor.nickname.slice(0, 80) };
    const pass = signPass(this.opts.signingSecret, claims);
    // This node signed it: its first grab here need not check the MAC again.
    this.rememberPass(pass, claims);
    return { pass, expiresAt: new Date(expiresMs) };
  }

  /** The viewer a pass speaks for, or null (forged, expired, for another scope, or voided since it was issued). */
  verifyPass(scope: string, pass: string): Actor | null {
    const now = this.opts.clock.now().getTime();
    // A buyer's finger on the button sends the same pass again and again: its MAC is checked once.
    // Only passes that verified are kept (keyed by the whole string, signature included), so a
    // forged one never hits; expiry, scope and revocations are checked on every use.
    let c = this.verifiedPasses.get(pass);
    if (c === undefined) {
      const fresh = verifyPass(this.opts.signingSecret, pass, now, this.passKey);
      if (!fresh) return null;
      c = fresh;
      this.rememberPass(pass, c);
    } else if (c.expiresMs <= now) {
      this.verifiedPasses.delete(pass);
      return null;
    }
    if (c.scope !== scope || c.issuedMs > now + 60_000) return null;
    const sidAt = this.revokedSids.get(c.sid);
    const viewerAt = this.revokedViewers.get(c.viewerId);
    // Voided by anything that happened after (or just before: clocks of two nodes differ a little) it was issued.
    if ((sidAt !== undefined && sidAt >= c.issuedMs - 5_000) || (viewerAt !== undefined && viewerAt >= c.issuedMs - 5_000)) return null;
    return { kind: 'viewer', id: c.viewerId, nickname: c.nickname, sessionId: c.sid };
  }

  /** How many passes this node remembers as verified (signed here, or checked once). */
  get passesRemembered(): number {
    return this.verifiedPasses.size;
  }

  private rememberPass(pass: string, claims: PassClaims): void {
    if (this.verifiedPasses.size >= AuthService.VERIFIED_PASSES_MAX) this.verifiedPasses.delete(this.verifiedPasses.keys().next().value!);
    this.verifiedPasses.set(pass, claims);
  }

  issueGuest(): { guestToken: string; guestId: string; expiresAt: Date } {
    const guestId = `g${this.opts.ids()}`;
    const expiresAt = new Date(this.opts.clock.now().getTime() + (this.opts.guestTtlMs ?? 7 * 24 * 3600_000));
    return { guestToken: signGuestToken(this.opts.signingSecret, guestId, expiresAt.getTime()), guestId, expiresAt };
  }

  verifyGuest(token: string): Actor | null {
    const v = verifyGuestToken(this.opts.signingSecret, token, this.opts.clock.now().getTime());
    return v ? { kind: 'guest', guestId: v.guestId } : null;
  }
}
