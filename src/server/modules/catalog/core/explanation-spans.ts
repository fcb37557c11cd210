/**
 * "Now explaining" spans -> the analytics report: how long each span lasted and, per product,
 * how many times and how long it was explained. Pure: `now` closes spans still open.
 */
export interface Span {
  id: string;
  productId: string;
  startedAt: string;
  endedAt: string | null;
}

export function spanSeconds(s: Span, nowMs: number): number {
  const end = s.endedAt ? Date.parse(s.endedAt) : nowMs;
  return Math.max(0, Math.floor((end - Date.parse(s.startedAt)) / 1000));
}

export function explanationTotals(spans: readonly Span[], nowMs: number): { productId: string; times: number; seconds: number }[] {
  const by = new Map<string, { productId: string; times: number; seconds: number }>();
  for (const s of spans) {
    const t = by.get(s.productId) ?? { productId: s.productId, times: 0, seconds: 0 };
    t.times += 1;
    t.seconds += spanSeconds(s, nowMs);
    by.set(s.productId, t);
  }
  // Longest explained first; ties by product id so the order is stable.
  return [...by.values()].sort((a, b) => b.seconds - a.seconds || a.productId.localeCompare(b.productId));
}
