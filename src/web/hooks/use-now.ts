import { useEffect, useState } from 'react';

/**
 * This browser's clock (plus `offsetMs`, e.g. the server's clock minus ours), re-read every
 * `everyMs` while `active`: countdowns (a flash sale, a reservation's hold) tick on the client.
 */
export function useNow(active: boolean, everyMs = 1000, offsetMs = 0): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    setNow(Date.now() + offsetMs);
    if (!active) return;
    const timer = window.setInterval(() => { setNow(Date.now() + offsetMs); }, everyMs);
    return () => { window.clearInterval(timer); };
  }, [active, everyMs, offsetMs]);
  return now;
}
