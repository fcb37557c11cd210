import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { createMemberBody, Member, updateMemberBody } from '../../../contracts/api.contract.js';
import { permissionsOf, type TeamRole } from '../../../contracts/roles.contract.js';
import type { AuthService, IssuedSession } from '../../platform/auth/auth.service.js';
import { hashPassword, verifyPassword } from '../../platform/auth/passwords.js';
import type { SigninThrottle } from '../../platform/auth/signin-throttle.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor, Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError, forbidden, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import { TeamStore, type MemberRow } from './team.store.js';

export interface TeamServiceDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  auth: AuthService;
  audit: AuditService;
  throttle: SigninThrottle;
}

const toMember = (r: MemberRow): Member => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  roles: r.roles,
  permissions: permissionsOf(r.roles),
  status: r.status,
  isDemo: r.is_demo === 1,
  createdAt: r.created_at,
});

/** What the audit log keeps of a member (never the hash). */
const auditView = (m: Member) => ({ email: m.email, displayName: m.displayName, roles: m.roles, status: m.status });

export class TeamService {
  readonly store: TeamStore;
  constructor(private readonly deps: TeamServiceDeps) {
    this.store = new TeamStore(deps.db);
    deps.auth.registerResolver('team', (id, sessionId) => this.resolveActor(id, sessionId));
  }

  private async resolveActor(id: string, sessionId: string): Promise<Actor | null> {
    const m = await this.store.findById(id);
    if (!m || m.status !== 'active') return null;
    return { kind: 'team', id: m.id, displayName: m.display_name, roles: m.roles, permissions: permissionsOf(m.roles), sessionId };
  }

  async signIn(ctx: Ctx, email: string, password: string, userAgent: string | null): Promise<{ member: Member; session: IssuedSession }> {
    await this.deps.throttle.assertAllowed(email, ctx.ip);
    const row = await this.store.findByEmail(email);
    const ok = await verifyPassword(row?.password_hash ?? null, password);
    if (!row || !ok || row.status !== 'active') {
      await this.deps.throttle.recordFailure(email, ctx.ip);
      throw new AppError('unauthenticated', 'Wrong e-mail or password', { code: 'INVALID_CREDENTIALS' });
    }
    await this.deps.throttle.recordSuccess(email);
    const session = await this.deps.auth.createSession('team', row.id, { ip: ctx.ip, userAgent });
    return { member: toMember(row), session };
  }

  async me(ctx: Ctx): Promise<Member> {
    if (ctx.actor.kind !== 'team') throw new AppError('unauthenticated', 'Sign in to the console first', { code: 'UNAUTHENTICATED' });
    const row = await this.store.findById(ctx.actor.id);
    if (!row) throw notFound('Team member');
    return toMember(row);
  }

  async signOut(ctx: Ctx): Promise<void> {
    if (ctx.actor.kind === 'team') await this.deps.auth.revoke(ctx.actor.sessionId);
  }

  /** Changing a password signs the member out everywhere else. */
  async changePassword(ctx: Ctx, currentPassword: string, newPassword: string): Promise<void> {
    if (ctx.actor.kind !== 'team') throw forbidden();
    const actor = ctx.actor;
    const row = await this.store.findById(actor.id);
    if (!row || !(await verifyPassword(row.password_hash, currentPassword))) {
      throw new AppError('validation', 'currentPassword: wrong password', {
        code: 'VALIDATION',
        issues: [{ path: 'body.currentPassword', message: 'wrong password' }],
      });
    }
    const hash = await hashPassword(newPassword);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.store.update(trx, row.id, { password_hash: hash, updated_at: this.deps.clock.now().toISOString() });
      await this.deps.audit.record(ctx, { action: 'team.password_changed', targetType: 'team_member', targetId: row.id }, trx);
    });
    await this.deps.auth.revokeAllFor('team', row.id, actor.sessionId);
  }

  /** Display names by id, for other modules (staffing); unknown ids are simply absent. */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.store.list();
    const wanted = new Set(ids);
    return new Map(rows.filter((r) => wanted.has(r.id)).map((r) => [r.id, r.display_name]));
  }

  async list(ctx: Ctx): Promise<Member[]> {
    requirePermission(ctx.actor, 'team:read');
    return (await this.store.list()).map(toMember);
  }

  private assertMayGrant(ctx: Ctx, roles: readonly TeamRole[]): void {
    const isOwner = ctx.actor.kind === 'system' || (ctx.actor.kind === 'team' && ctx.actor.roles.includes('owner'));
    if (roles.includes('owner') && !isOwner) throw forbidden('Only an owner can grant the owner role');
  }

  async create(ctx: Ctx, input: z.output<typeof createMemberBody>, opts: { isDemo?: boolean } = {}): Promise<Member> {
    requirePermission(ctx.actor, 'team:write');
    this.assertMayGrant(ctx, input.roles);
    const roles = [...new Set(input.roles)];
    const now = this.deps.clock.now().toISOString();
    const id = this.deps.ids();
    const passwordHash = await hashPassword(input.password);
    await this.deps.db.transaction().execute(async (trx) => {
      const clash = await trx.selectFrom('team_members').select('id').where('email', '=', input.email).executeTakeFirst();
      if (clash) {
        throw new AppError('conflict', 'email: a team member with this e-mail already exists', {
          code: 'EMAIL_TAKEN',
          issues: [{ path: 'body.email', message: 'already in use' }],
        });
      }
      await this.store.insert(
        trx,
        {
          id,
          email: input.email,
          display_name: input.displayName,
          password_hash: passwordHash,
          status: 'active',
          is_demo: opts.isDemo ? 1 : 0,
          created_at: now,
          updated_at: now,
        },
        roles,
      );
      const created = (await this.store.findById(id, trx))!;
      await this.deps.audit.record(ctx, { action: 'team.member_created', targetType: 'team_member', targetId: id, after: auditView(toMember(created)) }, trx);
    });
    return toMember((await this.store.findById(id))!);
  }

  async update(ctx: Ctx, id: string, patch: z.output<typeof updateMemberBody>): Promise<Member> {
    requirePermission(ctx.actor, 'team:write');
    const actor = ctx.actor;
    const member = await this.deps.db.transaction().execute(async (trx) => {
      const before = await this.store.findById(id, trx);
      if (!before) throw notFound('Team member');
      const touchesOwner = before.roles.includes('owner') || (patch.roles?.includes('owner') ?? false);
      if (touchesOwner) this.assertMayGrant(ctx, ['owner']);
      if (actor.kind === 'team' && actor.id === id && patch.status === 'disabled') {
        throw new AppError('conflict', 'status: you cannot disable your own account', { code: 'SELF_DISABLE', issues: [{ path: 'body.status', message: 'cannot disable yourself' }] });
      }
      await this.store.update(trx, id, {
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updated_at: this.deps.clock.now().toISOString(),
      });
      if (patch.roles) await this.store.setRoles(trx, id, [...new Set(patch.roles)]);
      if ((await this.store.countActiveOwners(trx)) < 1) {
        throw new AppError('conflict', 'Onair needs at least one active owner', { code: 'LAST_OWNER' });
      }
      const after = (await this.store.findById(id, trx))!;
      await this.deps.audit.record(
        ctx,
        { action: 'team.member_updated', targetType: 'team_member', targetId: id, before: auditView(toMember(before)), after: auditView(toMember(after)) },
        trx,
      );
      return toMember(after);
    });
    // A disabled member or one whose roles shrank is signed out at once.
    if (patch.status === 'disabled' || patch.roles) await this.deps.auth.revokeAllFor('team', id);
    // Any other change (a name, re-enabled) shows on the member's next request, on every node.
    else await this.deps.auth.forgetPrincipal('team', id);
    return member;
  }

  /**
   * First start: creates the owner account if there is no team member yet. Returns the
   * password only when it was generated, so the CLI can print it once.
   */
  async ensureOwner(ctx: Ctx, email: string, password: string | undefined, generate: () => string): Promise<{ created: boolean; email: string; generatedPassword?: string }> {
    if ((await this.store.countReal()) > 0) return { created: false, email };
    const pw = password ?? generate();
    await this.create(ctx, { email, displayName: 'Owner', roles: ['owner'], password: pw });
    return password ? { created: true, email } : { created: true, email, generatedPassword: pw };
  }
}
