import { useEffect, useState } from 'react';

/**
 * Whether this browser is also signed in to the console (a team member watching the room as a
 * viewer): then the room shows the team's latency readout. Asked once per page with a plain fetch
 * (the API client would treat the audience's 401 as an expired console session). The team cookie
 * is httpOnly, so the page cannot tell without asking.
 */
export function useTeamMember(): boolean {
  const [team, setTeam] = useState(false);
  useEffect(() => {
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
