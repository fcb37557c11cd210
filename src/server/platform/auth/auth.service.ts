import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Actor } from '../context.js';
import type { DB } from '../db/db.types.js';
import type { IdGenerator } from '../ids/id-generator.js';
import { AuthSessionStore } from './auth-session.store.js';
import { randomToken, sha256Hex, signGuestToken, verifyGuestToken } from './tokens.js';

export type PrincipalKind = 'team' | 'viewer';
/** Modules that own principals (team, viewers) tell the platform how to load one by id. */
export type PrincipalResolver = (id: string, sessionId: string) => Promise<Actor | null>;

export interface AuthServiceOptions {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  signingSecret: string;
  ttlMs: Record<PrincipalKind, number>;
  guestTtlMs?: number;
}

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
  constructor(private readonly opts: AuthServiceOptions) {
    this.store = new AuthSessionStore(opts.db);
  }

  registerResolver(kind: PrincipalKind, resolver: PrincipalResolver): void {
    this.resolvers.set(kind, resolver);
  }

  async createSession(kind: PrincipalKind, principalId: string, meta: { ip: string | null; userAgent: string | null }): Promise<IssuedSession> {
    const now = this.opts.clock.now();
    const token = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(now.getTime() + this.opts.ttlMs[kind]);
    const sessionId = sha256Hex(token);
    await this.store.insert({
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
    });
    return { token, csrfToken, sessionId, expiresAt };
  }

  /** Resolves a cookie token to its actor, or null when unknown, expired, revoked or disabled. */
  async resolve(kind: PrincipalKind, token: string): Promise<{ actor: Actor; csrfToken: string; sessionId: string } | null> {
    if (token.length < 20 || token.length > 100) return null;
    const now = this.opts.clock.now();
    const sessionId = sha256Hex(token);
    const row = await this.store.findActive(sessionId, now.toISOString());
    if (!row || row.principal_kind !== kind) return null;
    const resolver = this.resolvers.get(kind);
    if (!resolver) return null;
    const actor = await resolver(row.principal_id, sessionId);
    if (!actor) return null;
    if (now.getTime() - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
      await this.store.touch(sessionId, now.toISOString(), new Date(now.getTime() + this.opts.ttlMs[kind]).toISOString());
    }
    return { actor, csrfToken: row.csrf_token, sessionId };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.store.revoke(sessionId, this.opts.clock.now().toISOString());
  }

  revokeAllFor(kind: PrincipalKind, principalId: string, exceptSessionId?: string): Promise<number> {
    return this.store.revokeAllFor(kind, principalId, this.opts.clock.now().toISOString(), exceptSessionId);
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
