import type { TFunction } from 'i18next';
import { describeRoomError } from '../../room/room-errors';
import { RoomRequestError } from '../../room/use-room-socket';
import { toolErrorKey } from './tool-format';

/** One sentence, in the reader's language, for a refused tool request (vote, enter, answer, ask, upvote). */
export function describeToolError(t: TFunction, err: unknown): string {
  if (err instanceof RoomRequestError) {
    const key = toolErrorKey(err.code);
    return key ? t(key) : describeRoomError(t, err);
  }
  return t('live.errors.unknown');
}
