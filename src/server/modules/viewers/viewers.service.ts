import type { Kysely } from 'kysely';
import type { AuthService, IssuedSession } from '../../platform/auth/auth.service.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import type { SigninThrottle } from '../../platform/auth/signin-throttle.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, Ctx } from '../../platform/context.js';
import type { DB, ViewersTable } from '../../platform/db/db.types.js';
import { AppError } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import { ViewersStore } from './viewers.store.js';

/** Stored instead of a password hash for simulated accounts: never verifies (not an argon2 hash). */
const SIMULATED_NO_PASSWORD = '!simulated-no-password';

/** Where createSimulated writes its audit entry (the AuditService, in the same transaction). */
export interface SimulationAudit {
  record(ctx: Ctx, entry: { action: string; targetType: string; targetId: string | null; after?: unknown }, exec: Kysely<DB>): Promise<void>;
}

export interface SimulatedAccount {
  id: string;
  nickname: string;
  token: string;
  csrfToken: string;
}

export interface Viewer {
  id: string;
  nickname: string;
}

/** Case- and width-insensitive key so "Lily" and "lily" cannot both exist. */
export const nicknameKey = (nickname: string): string => nickname.normalize('NFKC').trim().toLowerCase();

/** Accounts whose simulated flag is kept in memory. */
const SIMULATED_CACHE = 200_000;

export class ViewersService {
  private readonly store: ViewersStore;
  /** Sign-in lookups read here (Database.readDb), so they never wait behind a write transaction. */
  private readonly readStore: ViewersStore;
  constructor(
    private readonly deps: { db: Kysely<DB>; readDb?: Kysely<DB>; clock: Clock; ids: IdGenerator; auth: AuthService; throttle: SigninThrottle },
  ) {
    this.store = new ViewersStore(deps.db);
    this.readStore = deps.readDb ? new ViewersStore(deps.readDb) : this.store;
    deps.auth.registerResolver('viewer', (id, sessionId) => this.resolveActor(id, sessionId));
  }

  private async resolveActor(id: string, sessionId: string): Promise<Actor | null> {
    const v = await this.readStore.findById(id);
    return v && v.status === 'active' ? { kind: 'viewer', id: v.id, nickname: v.nickname, sessionId } : null;
  }

  /** For other modules (coupons issued by hand): active viewers by id or nickname (case-insensitive); unknown ones are absent. */
  async findViewers(q: { ids?: readonly string[]; nicknames?: readonly string[] }): Promise<Viewer[]> {
    const rows = await this.store.findMany([...new Set(q.ids ?? [])], [...new Set((q.nicknames ?? []).map(nicknameKey))]);
    return rows.filter((r) => r.status === 'active').map((r) => ({ id: r.id, nickname: r.nickname }));
  }

  /**
   * Whether an account was made by `onair simulate` (viewers.simulated): its traffic is
   * labelled simulated. The flag is set when the account is made and never changes, so answers
   * are cached (bounded; the oldest go first), and a socket upgrade or a checkout costs no read.
   */
  async isSimulated(viewerId: string): Promise<boolean> {
    const known = this.simulated.get(viewerId);
    if (known !== undefined) return known;
    const row = await this.readStore.findById(viewerId);
    const flag = row?.simulated === 1;
    if (row) {
      this.simulated.set(viewerId, flag);
      if (this.simulated.size > SIMULATED_CACHE) {
        const oldest = this.simulated.keys().next().value;
        if (oldest !== undefined) this.simulated.delete(oldest);
      }
    }
    return flag;
  }
  private readonly simulated = new Map<string, boolean>();

  /** When each active account was created (ms since epoch); ids asked in chunks (SQL parameter limits). */
  async createdAtOf(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 1000) {
      for (const r of await this.store.findMany(unique.slice(i, i + 1000), [])) if (r.status === 'active') out.set(r.id, Date.parse(r.created_at));
    }
    return out;
  }

  async signUp(ctx: Ctx, nickname: string, password: string, userAgent: string | null, opts: { isDemo?: boolean } = {}): Promise<{ viewer: Viewer; session: IssuedSession }> {
    const id = this.deps.ids();
    const hash = await hashPassword(password);
    const inserted = await this.store.insert({
      id,
      nickname: nickname.trim(),
      nickname_key: nicknameKey(nickname),
      password_hash: hash,
      status: 'active',
      is_demo: opts.isDemo ? 1 : 0,
      created_at: this.deps.clock.now().toISOString(),
    });
    if (!inserted) {
      throw new AppError('conflict', 'nickname: this nickname is taken', { code: 'NICKNAME_TAKEN', issues: [{ path: 'body.nickname', message: 'already taken' }] });
    }
    const session = await this.deps.auth.createSession('viewer', id, { ip: ctx.ip, userAgent });
    return { viewer: { id, nickname: nickname.trim() }, session };
  }

  /**
   * `onair simulate`: `count` accounts flagged simulated (`sim-<label>-0001`...), each with a
   * fresh sign-in session the simulator acts through over the public protocol. No password: the
   * stored hash is not an argon2 hash, so nobody can sign in as them; only the returned sessions
   * work. Accounts, sessions and the audit entry commit together; a label used before is a 409.
   */
  async createSimulated(ctx: Ctx, input: { count: number; label?: string | undefined }, audit: SimulationAudit, userAgent: string | null): Promise<{ label: string; expiresAt: Date; viewers: SimulatedAccount[] }> {
    requirePermission(ctx.actor, 'analytics:simulate');
    const now = this.deps.clock.now();
    // Default label: the time in base 36 (seconds), unique enough between runs and short.
    const label = input.label ?? `r${Math.floor(now.getTime() / 1000).toString(36)}`;
    const width = Math.max(4, String(input.count).length);
    const rows: ViewersTable[] = Array.from({ length: input.count }, (_, i) => {
      const nickname = `sim-${label}-${String(i + 1).padStart(width, '0')}`;
      return {
        id: this.deps.ids(),
        nickname,
        nickname_key: nicknameKey(nickname),
        password_hash: SIMULATED_NO_PASSWORD,
        status: 'active',
        is_demo: 0,
        created_at: now.toISOString(),
        simulated: 1,
      };
    });
    const sessions = await this.deps.db.transaction().execute(async (trx) => {
      const inserted = await this.store.insertMany(rows, trx);
      if (inserted !== rows.length) {
        throw new AppError('conflict', `label: simulated viewers named sim-${label}-… exist already; choose another label`, {
          code: 'LABEL_TAKEN',
          issues: [{ path: 'body.label', message: 'already used by an earlier simulation' }],
        });
      }
      const issued = await this.deps.auth.createSessions('viewer', rows.map((r) => r.id), { ip: ctx.ip, userAgent }, trx);
      await audit.record(
        ctx,
        { action: 'viewers.simulated_created', targetType: 'viewer', targetId: null, after: { label, count: rows.length, first: rows[0]?.nickname, last: rows[rows.length - 1]?.nickname } },
        trx,
      );
      return issued;
    });
    const expiresAt = sessions[0]?.expiresAt ?? now;
    return {
      label,
      expiresAt,
      viewers: rows.map((r, i) => ({ id: r.id, nickname: r.nickname, token: sessions[i]!.token, csrfToken: sessions[i]!.csrfToken })),
    };
  }

  async signIn(ctx: Ctx, nickname: string, password: string, userAgent: string | null): Promise<{ viewer: Viewer; session: IssuedSession }> {
    const key = nicknameKey(nickname);
    await this.deps.throttle.assertAllowed(key, ctx.ip);
    const row = await this.store.findByKey(key);
    const ok = await verifyPassword(row?.password_hash ?? null, password);
    if (!row || !ok || row.status !== 'active') {
      await this.deps.throttle.recordFailure(key, ctx.ip);
      throw new AppError('unauthenticated', 'Wrong nickname or password', { code: 'INVALID_CREDENTIALS' });
    }
    await this.deps.throttle.recordSuccess(key);
    const session = await this.deps.auth.createSession('viewer', row.id, { ip: ctx.ip, userAgent });
    return { viewer: { id: row.id, nickname: row.nickname }, session };
  }

  async signOut(ctx: Ctx): Promise<void> {
    if (ctx.actor.kind === 'viewer') await this.deps.auth.revoke(ctx.actor.sessionId);
  }

  me(ctx: Ctx): Viewer {
    if (ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in as a viewer first', { code: 'UNAUTHENTICATED' });
    return { id: ctx.actor.id, nickname: ctx.actor.nickname };
  }

  issueGuest() {
    return this.deps.auth.issueGuest();
  }
}
