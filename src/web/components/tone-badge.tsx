import type { ReactNode } from 'react';

/** A status badge's colour (base.css `.badge.tone-*`); `plain` is the grey badge. */
export type BadgeTone = 'ok' | 'warn' | 'info' | 'demo' | 'plain';

/** The badge's classes for `status` under a page's status → tone map; a status the map lacks stays plain. */
export function toneBadgeClass(tones: Readonly<Record<string, BadgeTone>>, status: string): string {
  const tone = tones[status] ?? 'plain';
  return tone === 'plain' ? 'badge' : `badge tone-${tone}`;
}

/** A status as a badge coloured by `tones`. */
export function ToneBadge({ tones, status, testId, children }: { tones: Readonly<Record<string, BadgeTone>>; status: string; testId?: string; children: ReactNode }) {
  return (
    <span className={toneBadgeClass(tones, status)} data-testid={testId}>
      {children}
    </span>
  );
}
