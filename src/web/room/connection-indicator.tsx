import { useTranslation } from 'react-i18next';
import type { RoomState } from './room-state';

/**
 * Shown while the room socket is not connected: the first connection, a reconnect after a drop
 * (with its countdown), or nothing once it is live. A room closed for good says why elsewhere.
 */
export function ConnectionIndicator({ state }: { state: Pick<RoomState, 'phase' | 'retryInMs'> }) {
  const { t } = useTranslation();
  if (state.phase === 'open' || state.phase === 'closed') return null;
  const reconnecting = state.phase === 'reconnecting';
  return (
    <div className="reconnect-indicator" role="status" data-testid="reconnect-indicator" data-phase={state.phase}>
      <span className="spinner spinner-sm" aria-hidden="true" />
      <span>
        {reconnecting
          ? state.retryInMs !== null && state.retryInMs >= 1500
            ? t('live.connection.reconnectingIn', { count: Math.round(state.retryInMs / 1000) })
            : t('live.connection.reconnecting')
          : t('live.connection.connecting')}
      </span>
    </div>
  );
}
