import { PICTURE_EVENTS, type RoomEventPayload, type StreamAt } from '../../../contracts/realtime.contract.js';

const PICTURE: ReadonlySet<string> = new Set(PICTURE_EVENTS);

/**
 * Room events that refer to the picture (an announcement, the product being explained, a flash
 * sale's state: `PICTURE_EVENTS`) get `at`, where the stream was when they happened, so each
 * player shows them when its playback reaches that moment. Others pass unchanged; an event
 * already stamped keeps its stamp. `position` is `VideoService.position` (null when nobody publishes).
 */
export function stampPictureEvent(position: (sessionId: string) => StreamAt | null, sessionId: string, e: RoomEventPayload): RoomEventPayload {
  if (!PICTURE.has(e.t)) return e;
  const stamped = e as RoomEventPayload & { at?: StreamAt | null };
  return stamped.at ? e : ({ ...e, at: position(sessionId) } as RoomEventPayload);
}
