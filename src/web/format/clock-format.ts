/**
 * A stretch of time as a clock: "m:ss" under an hour, "h:mm:ss" beyond. Countdowns round up
 * (so "0:00" means it is over) and the console pads minutes ("04:05"); a player's clock rounds down.
 */
export function formatDuration(ms: number, opts: { round?: 'down' | 'up'; padMinutes?: boolean } = {}): string {
  const secs = ms / 1000;
  const total = Math.max(0, opts.round === 'up' ? Math.ceil(secs) : Math.floor(secs));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${String(h)}:${two(m)}:${two(total % 60)}`;
  return `${opts.padMinutes ? two(m) : String(m)}:${two(total % 60)}`;
}
