// The viewer's side of the interactive tools (issue 6): what this account did in the room's tools,
// the public record of a draw, and the viewer's prizes. Only types come from the contracts.
import type { DrawRecord } from '../../contracts/draw.contract.js';
import type { MyInteract, PrizeItem, PublicDrawReply } from '../../contracts/interact.contract.js';
import type { ShippingAddress } from './commerce-api';
import { api } from './api-client';

export type { DrawRecord, MyInteract, PrizeItem, PublicDrawReply };
export interface PrizeList {
  items: PrizeItem[];
  unseen: number;
}

const enc = encodeURIComponent;

/** Where the published record of a draw can be downloaded (also what `onair verify-draw` takes). */
export const drawRecordPath = (drawId: string) => `/api/draws/${enc(drawId)}/record`;

export const interactViewerApi = {
  /** Votes, draw entries, quiz answers and upvotes of this account in the session (empty for guests). */
  mine: (sessionId: string, opts: { invite?: string | null; guestToken?: string | null; signal?: AbortSignal } = {}) =>
    api.get<MyInteract>(`/api/live/${enc(sessionId)}/interact/me`, {
      query: { invite: opts.invite ?? undefined },
      ...(opts.guestToken ? { headers: { 'x-guest-token': opts.guestToken } } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }),
  /** The draw as published, for the public verification page (no sign-in). */
  publicDraw: (drawId: string, signal?: AbortSignal) => api.get<PublicDrawReply>(`/api/draws/${enc(drawId)}`, { signal }),
  record: (drawId: string, signal?: AbortSignal) => api.get<DrawRecord>(drawRecordPath(drawId), { signal }),
  prizes: (signal?: AbortSignal) => api.get<PrizeList>('/api/viewer/prizes', { signal }),
  claim: (prizeId: string, address: ShippingAddress) => api.post<PrizeItem>(`/api/viewer/prizes/${enc(prizeId)}/claim`, { address }),
  markSeen: () => api.post<undefined>('/api/viewer/prizes/seen', {}),
};
