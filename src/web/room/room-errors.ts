import type { TFunction } from 'i18next';
import { CLIENT_ROOM_ERRORS } from './use-room-socket';

const minutes = (ms: number | undefined) => Math.max(1, Math.ceil((ms ?? 0) / 60_000));
const seconds = (ms: number | undefined) => Math.max(1, Math.ceil((ms ?? 0) / 1000));

/**
 * One sentence for an `error` from the room (or a request that never got an answer). Codes the
 * UI knows get translated wording; anything else shows the server's own message.
 */
export function describeRoomError(t: TFunction, error: { code: string; message: string; retryAfterMs?: number | undefined }): string {
  switch (error.code) {
    case 'MUTED':
      return error.retryAfterMs !== undefined ? t('live.errors.mutedFor', { count: minutes(error.retryAfterMs) }) : t('live.errors.muted');
    case 'BANNED':
      return t('live.errors.banned');
    case 'SLOW_MODE':
      return t('live.errors.slowMode', { count: seconds(error.retryAfterMs) });
    case 'RATE_LIMITED':
      return t('live.errors.rateLimited');
    case 'DUPLICATE':
      return t('live.errors.duplicate');
    case 'BLOCKED_WORDS':
      return t('live.errors.blockedWords');
    case 'GUESTS_CANNOT_CHAT':
      return t('live.errors.guestsCannotChat');
    case 'GUESTS_CANNOT_LIKE':
      return t('live.errors.guestsCannotLike');
    case 'SIGN_IN_TO_REPORT':
      return t('live.errors.signInToReport');
    case 'REGISTERED_ONLY':
      return t('live.errors.registeredOnly');
    case 'FOLLOWERS_ONLY':
      return t('live.errors.followersOnly');
    case 'EMPTY':
      return t('live.errors.empty');
    case 'TOO_LONG':
      return t('live.errors.tooLong', { count: 200 });
    case CLIENT_ROOM_ERRORS.disconnected:
      return t('live.errors.disconnected');
    case CLIENT_ROOM_ERRORS.timeout:
      return t('live.errors.timeout');
    default:
      return error.message || t('live.errors.unknown');
  }
}
