import type { TFunction } from 'i18next';
import { CLIENT_ERROR_CODES, isApiError } from './api-client';

export type ErrorAudience = 'team' | 'viewer';

/**
 * Turns anything thrown by the API layer into one sentence for the user.
 * The server's own message is shown as-is, except for a few codes where the
 * UI knows better wording (and can translate it).
 */
export function describeError(t: TFunction, error: unknown, audience: ErrorAudience = 'team'): string {
  if (!isApiError(error)) return t('errors.unexpected', { status: '?' });
  switch (error.code) {
    case CLIENT_ERROR_CODES.network:
      return t('errors.network');
    case CLIENT_ERROR_CODES.badResponse:
      return t('errors.unexpected', { status: error.status });
    case 'SIGNIN_LOCKED': {
      if (error.retryAfterSeconds === null) return t('errors.signinLockedSoon');
      const minutes = Math.max(1, Math.ceil(error.retryAfterSeconds / 60));
      return t('errors.signinLocked', { count: minutes });
    }
    case 'INVALID_CREDENTIALS':
      return audience === 'viewer' ? t('errors.invalidViewerCredentials') : t('errors.invalidCredentials');
    default:
      return error.message || t('errors.unexpected', { status: error.status });
  }
}
