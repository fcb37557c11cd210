import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { LiveSession, TransitionTarget } from '../api/api-types';
import { viewerPath } from '../api/session-links';

/** One button per lifecycle move the member may make, shared by the list and the detail page. */
export function SessionTransitionButtons({ transitions, busy, onTransition }: { transitions: TransitionTarget[]; busy: boolean; onTransition: (to: TransitionTarget) => void }) {
  const { t } = useTranslation();
  return (
    <>
      {transitions.map((to) => (
        <button
          key={to}
          type="button"
          className={to === 'live' ? 'btn btn-sm btn-live' : 'btn btn-sm'}
          data-testid={`session-transition-${to}`}
          disabled={busy}
          onClick={() => { onTransition(to); }}
        >
          {t(`sessions.transition.${to}`)}
        </button>
      ))}
    </>
  );
}

/** The "Live control" and "Viewer page" links of a session, shared by the list and the detail page. */
export function SessionRoomLinks({ session, liveControl }: { session: LiveSession; liveControl: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {liveControl && (
        <Link
          className={session.status === 'live' ? 'btn btn-sm btn-live' : 'btn btn-sm'}
          to={`/console/sessions/${encodeURIComponent(session.id)}/live`}
          data-testid="session-live-control"
        >
          {t('sessions.liveControl')}
        </Link>
      )}
      {session.status !== 'draft' && (
        <a className="btn btn-sm btn-ghost" href={viewerPath(session.id, session.inviteCode)} target="_blank" rel="noopener" data-testid="session-open-viewer">
          {t('sessions.openViewer')} ↗
        </a>
      )}
    </>
  );
}
