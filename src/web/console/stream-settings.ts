import type { StreamState } from '../api/video-api';

/** The badge of each stream state: live looks like the session's live badge, a dropped encoder warns. */
export function streamBadgeClass(state: StreamState): string {
  switch (state) {
    case 'live':
      return 'badge badge-live';
    case 'reconnecting':
      return 'badge badge-warn';
    case 'offline':
      return 'badge badge-muted';
  }
}

/** The line under the badge (a key under `stream.since`), or null when there is no time to tell. */
export function streamSinceKey(state: StreamState, since: number | null): `stream.since.${StreamState}` | null {
  if (since === null) return null;
  return `stream.since.${state}`;
}

/** The key while hidden: a fixed row of dots, which tells nothing about it. */
export const MASKED_KEY = '•'.repeat(16);
