import type { Permission } from '../../../../contracts/roles.contract.js';

export type SessionStatus = 'draft' | 'scheduled' | 'live' | 'ended' | 'archived';

/** The transition table: from -> allowed targets, and who may make each move. */
export const transitions: Record<SessionStatus, Partial<Record<SessionStatus, Permission>>> = {
  draft: { scheduled: 'sessions:write', live: 'sessions:golive', archived: 'sessions:write' },
  scheduled: { live: 'sessions:golive', archived: 'sessions:write' },
  live: { ended: 'sessions:golive' },
  ended: { archived: 'sessions:write' },
  archived: {},
};

export interface SessionFacts {
  status: SessionStatus;
  scheduledStart: string | null;
  title: string;
}

/** A veto returns a reason to refuse, or null. Later modules (video, compliance) add theirs. */
export type TransitionVeto = (s: SessionFacts, to: SessionStatus, now: Date) => string | null;

export const builtInVetoes: TransitionVeto[] = [
  (s, to) => (to === 'scheduled' && !s.scheduledStart ? 'set a scheduled start before scheduling' : null),
  (s, to, now) =>
    to === 'scheduled' && s.scheduledStart && Date.parse(s.scheduledStart) < now.getTime() - 60_000
      ? 'the scheduled start is in the past'
      : null,
];

export type TransitionDecision =
  | { ok: true; permission: Permission }
  | { ok: false; reason: string; kind: 'invalid_transition' | 'vetoed' };

/** Pure: may a session in state `s` move to `to` now? */
export function decideTransition(s: SessionFacts, to: SessionStatus, now: Date, vetoes: readonly TransitionVeto[] = builtInVetoes): TransitionDecision {
  const permission = transitions[s.status][to];
  if (!permission) return { ok: false, kind: 'invalid_transition', reason: `cannot go from ${s.status} to ${to}` };
  for (const veto of vetoes) {
    const reason = veto(s, to, now);
    if (reason) return { ok: false, kind: 'vetoed', reason };
  }
  return { ok: true, permission };
}
