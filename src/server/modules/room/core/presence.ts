/** One node's count of the room's open connections, reported periodically. */
export interface NodeReport {
  nodeId: string;
  online: number;
  at: number;
}

/**
 * The room's online count across nodes: each node's latest report (by `at`; a tie goes to the
 * later one in iteration order) counts if it is no older than `staleAfterMs`, so a node that
 * died stops counting once its last report goes stale. Reports from the future (clock skew)
 * count as fresh. Negative or non-finite counts count as 0.
 */
export function globalOnline(reports: Iterable<NodeReport>, now: number, staleAfterMs: number): number {
  const latest = new Map<string, NodeReport>();
  for (const r of reports) {
    const prev = latest.get(r.nodeId);
    if (!prev || r.at >= prev.at) latest.set(r.nodeId, r);
  }
  let total = 0;
  for (const r of latest.values()) {
    if (now - r.at > staleAfterMs) continue;
    if (Number.isFinite(r.online) && r.online > 0) total += r.online;
  }
  return total;
}

/** The peak concurrent count (PCU) after seeing `online`. */
export function nextPeak(prevPeak: number, online: number): number {
  if (!Number.isFinite(online)) return prevPeak;
  return Number.isFinite(prevPeak) ? Math.max(prevPeak, online) : online;
}
