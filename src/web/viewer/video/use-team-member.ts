import { useEffect, useState } from 'react';

/** Set by the console's sign-in next to the (httpOnly) team cookie; it holds no secret. */
const TEAM_HINT_COOKIE = 'onair_team_hint';

/**
 * Whether this browser is also signed in to the console (a team member watching the room as a
 * viewer): then the room shows the team's latency readout. The team cookie is httpOnly, so the
 * page asks, once, with a plain fetch (the API client would treat a 401 as an expired console
 * session), and only when the sign-in hint cookie is there: the audience never sends the request.
 */
export function useTeamMember(): boolean {
  const [team, setTeam] = useState(false);
  useEffect(() => {
    if (!document.cookie.split(';').some((c) => c.trim().startsWith(`${TEAM_HINT_COOKIE}=`))) return;
    const ac = new AbortController();
    fetch('/api/console/auth/me', { credentials: 'same-origin', signal: ac.signal }).then(
      (r) => {
        if (r.ok) setTeam(true);
        void r.body?.cancel();
      },
      () => undefined,
    );
    return () => ac.abort();
  }, []);
  return team;
}
