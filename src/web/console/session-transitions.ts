import type { Permission, SessionStatus, TransitionTarget } from '../api/api-types';
import { PERMISSIONS } from '../auth/permissions';

// Mirrors the server's transition table (sessions/core/session-lifecycle.ts).
// The server stays the authority (409 INVALID_TRANSITION, vetoes such as a
// missing start time); this only decides which buttons to offer.
const NEXT_STEPS: Record<SessionStatus, readonly TransitionTarget[]> = {
  draft: ['scheduled', 'live', 'archived'],
  scheduled: ['live', 'archived'],
  live: ['ended'],
  ended: ['archived'],
  archived: [],
};

const REQUIRED_PERMISSION: Record<TransitionTarget, Permission> = {
  scheduled: PERMISSIONS.sessionsWrite,
  archived: PERMISSIONS.sessionsWrite,
  live: PERMISSIONS.sessionsGoLive,
  ended: PERMISSIONS.sessionsGoLive,
};

export function allowedTransitions(status: SessionStatus, can: (permission: Permission) => boolean): TransitionTarget[] {
  return NEXT_STEPS[status].filter((to) => can(REQUIRED_PERMISSION[to]));
}

/** Once a session is live its plan is history, so only upcoming sessions are editable. */
export function isEditable(status: SessionStatus): boolean {
  return status === 'draft' || status === 'scheduled';
}
