import type { Kysely } from 'kysely';
import type { TeamRole } from '../../../contracts/roles.contract.js';
import type { DB, TeamMembersTable } from '../../platform/db/db.types.js';

export interface MemberRow extends TeamMembersTable {
  roles: TeamRole[];
}

export class TeamStore {
  constructor(private readonly db: Kysely<DB>) {}

  private async withRoles(exec: Kysely<DB>, rows: TeamMembersTable[]): Promise<MemberRow[]> {
    if (rows.length === 0) return [];
    const roles = await exec
      .selectFrom('team_member_roles')
      .select(['member_id', 'role'])
      .where(
        'member_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const by = new Map<string, TeamRole[]>();
    for (const r of roles) by.set(r.member_id, [...(by.get(r.member_id) ?? []), r.role as TeamRole]);
    return rows.map((r) => ({ ...r, roles: by.get(r.id) ?? [] }));
  }

  /** One round trip (member joined with its roles): this runs on every console request. */
  async findById(id: string, exec: Kysely<DB> = this.db): Promise<MemberRow | undefined> {
    const rows = await exec
      .selectFrom('team_members')
      .leftJoin('team_member_roles', 'team_member_roles.member_id', 'team_members.id')
      .selectAll('team_members')
      .select('team_member_roles.role')
      .where('team_members.id', '=', id)
      .execute();
    const first = rows[0];
    if (!first) return undefined;
    const { role: _role, ...member } = first;
    return { ...member, roles: rows.map((r) => r.role).filter((r): r is TeamRole => r !== null) };
  }

  async findByEmail(email: string): Promise<MemberRow | undefined> {
    const row = await this.db.selectFrom('team_members').selectAll().where('email', '=', email).executeTakeFirst();
    return row ? (await this.withRoles(this.db, [row]))[0] : undefined;
  }

  async list(): Promise<MemberRow[]> {
    const rows = await this.db.selectFrom('team_members').selectAll().orderBy('created_at').orderBy('id').execute();
    return this.withRoles(this.db, rows);
  }

  /** Members that are not demo data: the first start creates the owner when there are none. */
  async countReal(): Promise<number> {
    const r = await this.db.selectFrom('team_members').where('is_demo', '=', 0).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countActiveOwners(exec: Kysely<DB>): Promise<number> {
    const r = await exec
      .selectFrom('team_members')
      .innerJoin('team_member_roles', 'team_member_roles.member_id', 'team_members.id')
      .where('team_member_roles.role', '=', 'owner')
      .where('team_members.status', '=', 'active')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insert(exec: Kysely<DB>, row: TeamMembersTable, roles: TeamRole[]): Promise<void> {
    await exec.insertInto('team_members').values(row).execute();
    await exec
      .insertInto('team_member_roles')
      .values(roles.map((role) => ({ member_id: row.id, role })))
      .execute();
  }

  async update(exec: Kysely<DB>, id: string, patch: Partial<Pick<TeamMembersTable, 'display_name' | 'status' | 'password_hash' | 'updated_at'>>): Promise<void> {
    await exec.updateTable('team_members').set(patch).where('id', '=', id).execute();
  }

  async setRoles(exec: Kysely<DB>, id: string, roles: TeamRole[]): Promise<void> {
    await exec.deleteFrom('team_member_roles').where('member_id', '=', id).execute();
    await exec
      .insertInto('team_member_roles')
      .values(roles.map((role) => ({ member_id: id, role })))
      .execute();
  }
}
