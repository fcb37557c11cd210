/**
 * Team roles (handbook ch. 5) and the one permission table. Shared with the web app so the
 * console shows each role only what it may use; the server enforces the same table.
 */
export const teamRoles = [
  'owner',
  'admin',
  'host',
  'planner',
  'tech',
  'marketer',
  'operator',
  'analyst',
  'cs',
  'logistics',
] as const;
export type TeamRole = (typeof teamRoles)[number];

export const permissions = [
  'sessions:read',
  'sessions:write',
  'sessions:golive',
  'catalog:read',
  'catalog:write',
  'team:read',
  'team:write',
  'audit:read',
  'room:moderate',
  'shelf:write',
  'promotions:read',
  'promotions:write',
  'orders:read',
  'orders:write',
  'fulfilment:write',
  /** See and rotate a session's stream key (OBS "Stream Key"). */
  'stream:key',
  /** Tick a session's pre-flight checklist (handbook 3.3) and run its test stream. */
  'preflight:check',
  /** Delete a session's recordings (the file goes; the row stays, audited): owner and admin only. */
  'recordings:delete',
  /** Prepare, fire and end the room's interactive tools (polls, draws, quizzes, topics, countdowns) and steer the Q&A queue. */
  'interact:run',
  /** Answer viewers' questions in text (Q&A). */
  'qna:answer',
  /** See the live dashboard, post-live reports, comparisons, driver analysis and audience clusters (aggregates), and export them. */
  'analytics:read',
  /** Save an audience cluster (computed under analytics:read) as a segment of viewers for coupons. */
  'audience:segment',
  /** Run `onair simulate`: create simulated viewer accounts (everything they do is labelled simulated). */
  'analytics:simulate',
] as const;
export type Permission = (typeof permissions)[number];

const all: readonly Permission[] = permissions;

/**
 * Least privilege: each role gets what its job in the handbook needs. Later issues add
 * permissions (promotions, orders, analytics, moderation, stream keys) to this table.
 */
export const rolePermissions: Record<TeamRole, readonly Permission[]> = {
  owner: all,
  admin: all,
  host: ['sessions:read', 'sessions:golive', 'catalog:read', 'room:moderate', 'shelf:write', 'promotions:read', 'stream:key', 'preflight:check', 'interact:run', 'qna:answer', 'analytics:read'],
  planner: ['sessions:read', 'sessions:write', 'catalog:read', 'shelf:write', 'promotions:read', 'interact:run', 'analytics:read'],
  tech: ['sessions:read', 'sessions:golive', 'stream:key', 'preflight:check'],
  marketer: ['sessions:read', 'catalog:read', 'catalog:write', 'shelf:write', 'promotions:read', 'promotions:write', 'orders:read', 'interact:run', 'analytics:read', 'audience:segment'],
  operator: ['sessions:read', 'sessions:write', 'sessions:golive', 'catalog:read', 'room:moderate', 'shelf:write', 'promotions:read', 'promotions:write', 'orders:read', 'interact:run', 'qna:answer', 'analytics:read', 'audience:segment'],
  analyst: ['sessions:read', 'catalog:read', 'promotions:read', 'orders:read', 'analytics:read'],
  cs: ['sessions:read', 'catalog:read', 'room:moderate', 'orders:read', 'orders:write', 'qna:answer'],
  logistics: ['catalog:read', 'orders:read', 'fulfilment:write'],
};

export function permissionsOf(roles: readonly TeamRole[]): Permission[] {
  const set = new Set<Permission>();
  for (const r of roles) for (const p of rolePermissions[r]) set.add(p);
  return permissions.filter((p) => set.has(p));
}
