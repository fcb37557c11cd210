import type { Permission, TeamRole } from '../../contracts/roles.contract.js';

/** Who is acting. Team members and viewers are separate principals and never mix. */
export type Actor =
  | { kind: 'team'; id: string; displayName: string; roles: TeamRole[]; permissions: Permission[]; sessionId: string }
  | { kind: 'viewer'; id: string; nickname: string; sessionId: string }
  | { kind: 'guest'; guestId: string }
  | { kind: 'system'; name: string }
  | { kind: 'anonymous' };

/** Passed first to every service method. */
export interface Ctx {
  actor: Actor;
  requestId: string;
  ip: string | null;
}

export const systemCtx = (name: string, requestId = `system:${name}`): Ctx => ({
  actor: { kind: 'system', name },
  requestId,
  ip: null,
});

export function actorLabel(actor: Actor): { kind: string; id: string | null; name: string | null } {
  switch (actor.kind) {
    case 'team':
      return { kind: 'team', id: actor.id, name: actor.displayName };
    case 'viewer':
      return { kind: 'viewer', id: actor.id, name: actor.nickname };
    case 'guest':
      return { kind: 'guest', id: actor.guestId, name: null };
    case 'system':
      return { kind: 'system', id: null, name: actor.name };
    case 'anonymous':
      return { kind: 'anonymous', id: null, name: null };
  }
}
