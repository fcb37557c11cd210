import { z } from 'zod';
import { toMs, type Scope } from './promotion-registry.js';

/**
 * Stored windows and the rules about them, pure. A stored window is either absolute
 * ({from, to}: ISO with offset) or relative to the moment the session went live
 * ({relative: {fromMinutes, toMinutes}}: "first 30 minutes" = 0..30). The engine only takes
 * absolute windows, so relative ones are resolved here from the session's actual live start;
 * until the session has gone live a relative window is not open.
 */

const isoInstant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with time zone' });
const MAX_MINUTES = 7 * 24 * 60;

export const absoluteWindowSchema = z.strictObject({ from: isoInstant, to: isoInstant }).refine((w) => toMs(w.from) < toMs(w.to), { message: 'from must be before to', path: ['to'] });
export const relativeWindowSchema = z.strictObject({
  relative: z
    .strictObject({ fromMinutes: z.number().int().min(0).max(MAX_MINUTES), toMinutes: z.number().int().min(1).max(MAX_MINUTES) })
    .refine((r) => r.fromMinutes < r.toMinutes, { message: 'fromMinutes must be before toMinutes', path: ['toMinutes'] }),
});
export const storedWindowSchema = z.union([absoluteWindowSchema, relativeWindowSchema]);
export type StoredWindow = z.infer<typeof storedWindowSchema>;
export type AbsoluteWindow = { from: number; to: number };

export const isRelative = (w: StoredWindow): w is z.infer<typeof relativeWindowSchema> => 'relative' in w;

/** The absolute window [from, to) in epoch ms, or null when relative and the session has not gone live. */
export function resolveWindow(w: StoredWindow, liveStartMs: number | null): AbsoluteWindow | null {
  if (!isRelative(w)) return { from: toMs(w.from), to: toMs(w.to) };
  if (liveStartMs === null) return null;
  return { from: liveStartMs + w.relative.fromMinutes * 60_000, to: liveStartMs + w.relative.toMinutes * 60_000 };
}

/** [a.from, a.to) and [b.from, b.to) share at least one instant. */
export const intervalsOverlap = (a: AbsoluteWindow, b: AbsoluteWindow): boolean => a.from < b.to && b.from < a.to;

/**
 * Whether two stored windows may overlap. Two relative windows compare their minutes (same
 * anchor); an absolute and a relative one are compared through `anchorMs` (the session's live
 * start, or its scheduled start until it goes live). Without an anchor the answer is "may
 * overlap" (true): a rule that cannot be checked is treated as a clash.
 */
export function windowsMayOverlap(a: StoredWindow, b: StoredWindow, anchorMs: number | null): boolean {
  if (isRelative(a) && isRelative(b)) {
    return intervalsOverlap({ from: a.relative.fromMinutes, to: a.relative.toMinutes }, { from: b.relative.fromMinutes, to: b.relative.toMinutes });
  }
  const ra = resolveWindow(a, anchorMs);
  const rb = resolveWindow(b, anchorMs);
  if (!ra || !rb) return true;
  return intervalsOverlap(ra, rb);
}

/**
 * Whether two scopes may name a common cart line. An empty scope is every line. Two lists of
 * the same dimension overlap when they share a value; lists of different dimensions (SKUs vs
 * tags) cannot be compared without the catalog and are treated as overlapping.
 */
export function scopesMayOverlap(a: Scope, b: Scope): boolean {
  const dims = ['skuIds', 'productIds', 'tags'] as const;
  const given = (s: Scope) => dims.filter((d) => s[d] !== undefined && s[d].length > 0);
  const da = given(a);
  const db = given(b);
  if (da.length === 0 || db.length === 0) return true;
  for (const d of da) {
    if (!db.includes(d)) return true;
    if ((a[d] ?? []).some((x) => (b[d] ?? []).includes(x))) return true;
  }
  // Every dimension of a is in b with no common value; b may still have dimensions a lacks.
  return db.some((d) => !da.includes(d));
}

export interface ExclusiveCandidate {
  id: string;
  name: string;
  window: StoredWindow;
  scope: Scope;
}

/** The existing exclusive promotions the new one clashes with (same owner checked by the caller). */
export function exclusiveClashes(candidate: ExclusiveCandidate, others: readonly ExclusiveCandidate[], anchorMs: number | null): ExclusiveCandidate[] {
  return others.filter((o) => o.id !== candidate.id && windowsMayOverlap(candidate.window, o.window, anchorMs) && scopesMayOverlap(candidate.scope, o.scope));
}
