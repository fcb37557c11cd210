import { createContext, useContext, useEffect, useMemo, useRef, type RefObject } from 'react';
import { sourceFromParams, sourceParamsOf } from '../../../contracts/traffic-source-params';
import { RoomTracker } from '../../room/room-tracker';
import type { RoomSocket } from '../../room/use-room-socket';
import type { ViewerIdentity } from '../use-viewer-identity';

/** The room page's tracker (analytics beacons); null outside a live room (the hooks then do nothing). */
export const TrackerContext = createContext<RoomTracker | null>(null);

export function useTracker(): RoomTracker | null {
  return useContext(TrackerContext);
}

/** How long a product card must stay at least half visible to count as seen. */
export const IMPRESSION_MS = 1000;

/**
 * The source parameters of this page view (its own `src`, `by`, `ref`, `utm_*`, and the referring
 * site's host), for the room socket's URL: computed once per page.
 */
export function usePageSourceQuery(): string {
  return useMemo(() => sourceParamsOf(new URL(window.location.href), document.referrer).toString(), []);
}

/**
 * One tracker per room page: over the room socket when it is connected, else the beacons route;
 * what is queued when the page goes away leaves with sendBeacon.
 */
export function useRoomTracker(sessionId: string, room: Pick<RoomSocket, 'track'>, identity: ViewerIdentity, sourceQuery: string): RoomTracker {
  const roomRef = useRef(room);
  const identityRef = useRef(identity);
  useEffect(() => {
    roomRef.current = room;
    identityRef.current = identity;
  });
  const tracker = useMemo(() => {
    const params = new URLSearchParams(sourceQuery);
    return new RoomTracker({
      sessionId,
      sendOverSocket: (events) => roomRef.current.track(events).then(
        () => true,
        () => false,
      ),
      guestId: () => {
        const who = identityRef.current;
        return who.kind === 'guest' ? who.guestId : null;
      },
      source: sourceFromParams((n) => params.get(n)),
    });
  }, [sessionId, sourceQuery]);
  useEffect(() => {
    const onHide = () => { tracker.pagehide(); };
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      tracker.pagehide();
      tracker.stop();
    };
  }, [tracker]);
  return tracker;
}

/**
 * Counts a product card as seen once it has been at least half visible for a second (once per
 * product per page view: the tracker remembers).
 */
export function useImpression(ref: RefObject<Element | null>, productId: string | null): void {
  const tracker = useTracker();
  useEffect(() => {
    const el = ref.current;
    if (!tracker || !productId || !el || typeof IntersectionObserver === 'undefined') return;
    let timer: number | undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        const visible = entries.some((e) => e.isIntersecting && e.intersectionRatio >= 0.5);
        if (visible && timer === undefined) {
          timer = window.setTimeout(() => {
            tracker.impression(productId);
            observer.disconnect();
          }, IMPRESSION_MS);
        } else if (!visible && timer !== undefined) {
          window.clearTimeout(timer);
          timer = undefined;
        }
      },
      { threshold: [0, 0.5, 1] },
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [ref, productId, tracker]);
}
