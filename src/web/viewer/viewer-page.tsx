import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { isApiError } from '../api/api-client';
import type { PublicSession } from '../api/api-types';
import { viewerApi } from '../api/viewer-api';
import { DemoBadge, StatusBadge } from '../components/badges';
import { Brand } from '../components/brand';
import { LangSwitch } from '../components/lang-switch';
import { ErrorState, LoadingState } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useViewerIdentity, type ViewerIdentity } from './use-viewer-identity';
import { ViewerAuthPanel } from './viewer-auth-panel';

export function ViewerPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const session = useApiResource((signal) => viewerApi.getLiveSession(id, signal), [id]);
  const { identity, signIn, signUp, signOut } = useViewerIdentity();

  const title = session.data?.title;
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  }, [title, t]);

  const notFound = isApiError(session.error) && session.error.status === 404;

  return (
    <div className="viewer">
      <header className="app-header viewer-topbar">
        <Brand />
        <div className="header-spacer" />
        <ViewerModePill identity={identity} />
        <LangSwitch />
      </header>

      {session.loading ? (
        <LoadingState fullPage />
      ) : notFound ? (
        <main className="viewer-not-found card" data-testid="live-not-found">
          <div className="not-found-mark" aria-hidden="true">
            404
          </div>
          <h1>{t('viewer.notFound.title')}</h1>
          <p className="muted">{t('viewer.notFound.body')}</p>
        </main>
      ) : session.error || !session.data ? (
        <main className="viewer-main">
          <ErrorState error={session.error} audience="viewer" onRetry={session.reload} />
        </main>
      ) : (
        <main className="viewer-main viewer-grid">
          <div className="viewer-stage">
            <VideoPlaceholder session={session.data} />
            <SessionInfo session={session.data} />
          </div>
          <aside className="viewer-side">
            <ChatPlaceholder identity={identity} />
            <ViewerAuthPanel identity={identity} onSignIn={signIn} onSignUp={signUp} onSignOut={signOut} />
          </aside>
        </main>
      )}
    </div>
  );
}

function ViewerModePill({ identity }: { identity: ViewerIdentity }) {
  const { t } = useTranslation();
  const mode = identity.kind === 'viewer' ? 'viewer' : identity.kind === 'loading' ? 'loading' : 'guest';
  return (
    <span className={`mode-pill mode-${mode}`} data-testid="viewer-mode" data-mode={mode} aria-live="polite">
      {identity.kind === 'viewer'
        ? t('viewer.modeViewer', { nickname: identity.viewer.nickname })
        : identity.kind === 'loading'
          ? t('viewer.modeConnecting')
          : t('viewer.modeGuest')}
    </span>
  );
}

function VideoPlaceholder({ session }: { session: PublicSession }) {
  const { t } = useTranslation();
  // Honest placeholder: playback is not implemented yet, so say so instead of faking a player.
  const message =
    session.status === 'live'
      ? t('viewer.video.live')
      : session.status === 'ended' || session.status === 'archived'
        ? t('viewer.video.ended')
        : t('viewer.video.notLive');
  return (
    <section className="video-placeholder" aria-label={t('viewer.video.label')} data-testid="video-placeholder">
      <div className="video-placeholder-inner">
        <StatusBadge status={session.status} />
        <p>{message}</p>
      </div>
    </section>
  );
}

function SessionInfo({ session }: { session: PublicSession }) {
  const { t, i18n } = useTranslation();
  const start = formatDateTime(session.scheduledStart, i18n.resolvedLanguage ?? 'en');
  return (
    <section className="card session-info">
      <div className="session-info-head">
        <h1 data-testid="live-title">{session.title}</h1>
        <span data-testid="live-status">
          <StatusBadge status={session.status} />
        </span>
        {session.isDemo && <DemoBadge long />}
      </div>
      <dl className="facts">
        {session.brandName && (
          <div>
            <dt>{t('viewer.brand')}</dt>
            <dd data-testid="live-brand">{session.brandName}</dd>
          </div>
        )}
        <div>
          <dt>{t('viewer.scheduledStart')}</dt>
          <dd data-testid="live-scheduled-start">
            {start && session.scheduledStart ? (
              <time dateTime={session.scheduledStart}>{start}</time>
            ) : (
              t('viewer.notScheduled')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('viewer.plannedLength')}</dt>
          <dd>{t('sessions.minutes', { count: session.plannedMinutes })}</dd>
        </div>
        <div>
          <dt>{t('sessions.field.theme')}</dt>
          <dd>{t(`theme.${session.theme}`)}</dd>
        </div>
      </dl>
    </section>
  );
}

function ChatPlaceholder({ identity }: { identity: ViewerIdentity }) {
  const { t } = useTranslation();
  const isViewer = identity.kind === 'viewer';
  return (
    <section className="card chat" aria-labelledby="chat-title" data-testid="chat-panel">
      <h2 id="chat-title" className="card-title">
        {t('viewer.chat.title')}
      </h2>
      <div className="chat-log" aria-live="polite">
        <p className="muted">{t('viewer.chat.empty')}</p>
      </div>
      {!isViewer && (
        <p className="chat-hint" data-testid="chat-guest-hint">
          {t('viewer.chat.guestHint')}
        </p>
      )}
      {identity.kind === 'anonymous' && (
        <p className="muted small" data-testid="guest-failed">
          {t('viewer.guestFailed')}
        </p>
      )}
      {/* Sending is not wired up yet for anyone; guests additionally need an account. */}
      <form className="chat-compose" onSubmit={(event) => { event.preventDefault(); }}>
        <input
          type="text"
          disabled
          aria-label={t('viewer.chat.inputLabel')}
          placeholder={isViewer ? t('viewer.chat.viewerPlaceholder') : t('viewer.chat.guestPlaceholder')}
          data-testid="chat-input"
        />
        <button type="submit" className="btn btn-primary" disabled>
          {t('viewer.chat.send')}
        </button>
      </form>
    </section>
  );
}
