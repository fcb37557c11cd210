import type { SessionStatus, TransitionTarget } from '../api/api-types';
import { PERMISSIONS } from '../auth/permissions';

// The lifecycle the console offers one step at a time. The server is the
// authority (409 INVALID_TRANSITION); this only decides which buttons to show.
const NEXT_STEPS: Record<SessionStatus, readonly TransitionTarget[]> = {
  draft: ['scheduled'],
  scheduled: ['live'],
  live: ['ended'],
  ended: ['archived'],
  archived: [],
};

const REQUIRED_PERMISSION: Record<TransitionTarget, string> = {
  scheduled: PERMISSIONS.sessionsWrite,
  archived: PERMISSIONS.sessionsWrite,
  live: PERMISSIONS.sessionsGoLive,
  ended: PERMISSIONS.sessionsGoLive,
};

export function allowedTransitions(status: SessionStatus, can: (permission: string) => boolean): TransitionTarget[] {
  return NEXT_STEPS[status].filter((to) => can(REQUIRED_PERMISSION[to]));
}

/** Once a session is live its plan is history, so only upcoming sessions are editable. */
export function isEditable(status: SessionStatus): boolean {
  return status === 'draft' || status === 'scheduled';
}
