import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { isApiError } from '../api/api-client';
import type { LiveSession, TransitionTarget } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { SessionRoomLinks, SessionTransitionButtons } from './session-room-links';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { DemoBadge, StatusBadge } from '../components/badges';
import { ErrorBanner, Notice } from '../components/notice';
import { ErrorState, LoadingState, StateCard } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useApiResource } from '../hooks/use-api-resource';
import { useNotice } from '../hooks/use-notice';
import { CoverCard } from './session-cover';
import { SessionForm } from './session-form';
import { SessionShelfPanel } from './session-shelf-panel';
import { FlashSalesPanel } from './flash-sales-panel';
import { InteractPanel } from './interact/interact-panel';
import { InviteCard } from './session-invite';
import { StaffCard } from './session-staff';
import { StreamCard } from './session-stream';
import { RestreamCard } from './session-restream';
import { RecordingsCard } from './session-recordings';
import { allowedTransitions, isEditable } from './session-transitions';

/** `/console/sessions/:id`: one session's details, OBS stream settings, cover, invite link (private sessions) and staffing. */
export function SessionDetailPage() {
  const { id = '' } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const { can } = useAuth();
  const session = useApiResource((signal) => consoleApi.getSession(id, signal), [id]);
  const [notice, showNotice, dismissNotice] = useNotice();
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Bumped after a save so the form starts again from what the server stored.
  const [formVersion, setFormVersion] = useState(0);
  const canWrite = can(PERMISSIONS.sessionsWrite);
  const { setData } = session;

  const title = session.data?.title;
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.consoleTitle')}` : t('app.consoleTitle');
    return () => { document.title = t('app.consoleTitle'); };
  }, [title, t]);

  const changed = useCallback(
    (updated: LiveSession, message: string) => {
      setData(() => updated);
      showNotice(message);
    },
    [setData, showNotice],
  );

  const transition = async (s: LiveSession, to: TransitionTarget) => {
    setBusy(true);
    setActionError(null);
    try {
      const updated = await consoleApi.transitionSession(s.id, to);
      changed(updated, t('sessions.transitioned', { title: updated.title, status: t(`status.${updated.status}`) }));
      setFormVersion((v) => v + 1);
    } catch (error) {
      setActionError(describeError(t, error));
    } finally {
      setBusy(false);
    }
  };

  if (session.loading) return <LoadingState />;
  if (isApiError(session.error) && session.error.status === 404) {
    return (
      <section className="page">
        <StateCard title={t('sessionDetail.notFound')} testId="not-found">
          <Link className="btn" to="/console/sessions">
            ← {t('sessionDetail.back')}
          </Link>
        </StateCard>
      </section>
    );
  }
  if (session.error || !session.data) return <ErrorState error={session.error} onRetry={session.reload} />;

  const s = session.data;
  const transitions = allowedTransitions(s.status, can);
  const editable = canWrite && isEditable(s.status);

  return (
    <section className="page session-detail" data-testid="session-detail" data-session-id={s.id} data-status={s.status}>
      <nav className="breadcrumb" aria-label={t('sessionDetail.breadcrumb')}>
        <Link to="/console/sessions">{t('nav.sessions')}</Link>
        <span aria-hidden="true">/</span>
        <span className="breadcrumb-current">{s.title}</span>
      </nav>
      <header className="page-header live-header">
        <div className="live-header-main">
          <h1 data-testid="session-detail-title">{s.title}</h1>
          <div className="row-meta">
            <StatusBadge status={s.status} />
            <span className="muted">{t(`visibility.${s.visibility}`)}</span>
            {s.brandName && <span className="muted">{s.brandName}</span>}
            {s.isDemo && <DemoBadge />}
          </div>
        </div>
        <div className="row-actions detail-header-actions">
          <SessionTransitionButtons transitions={transitions} busy={busy} onTransition={(to) => void transition(s, to)} />
          <SessionRoomLinks session={s} liveControl />
          <Link className="btn btn-sm" to={`/console/sessions/${s.id}/preflight`} data-testid="session-preflight-link">{t('preflight.open')}</Link>
          {(s.status === 'ended' || s.status === 'archived') && can(PERMISSIONS.analyticsRead) && (
            <Link className="btn btn-sm" to={`/console/sessions/${s.id}/report`} data-testid="session-report-link">{t('analyticsReport.open')}</Link>
          )}
        </div>
      </header>

      <Notice message={notice} onDismiss={dismissNotice} />
      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="sessions-action-error" />

      <div className="detail-grid">
        <div className="detail-main">
          {editable ? (
            <SessionForm
              key={`${s.id}/${String(formVersion)}`}
              session={s}
              heading={t('sessionDetail.details')}
              autoFocus={false}
              onSaved={(saved) => {
                changed(saved, t('sessions.updated', { title: saved.title }));
                setFormVersion((v) => v + 1);
              }}
            />
          ) : (
            <SessionFacts session={s} />
          )}
          <StaffCard
            sessionId={s.id}
            canWrite={canWrite}
            canListMembers={can(PERMISSIONS.teamRead)}
            onSaved={showNotice}
          />
          <SessionShelfPanel sessionId={s.id} status={s.status} onSaved={showNotice} />
          <FlashSalesPanel sessionId={s.id} status={s.status} onChanged={showNotice} />
          {/* Prepare polls, draws and quizzes before the live; fire them from the live control page. */}
          <InteractPanel sessionId={s.id} />
        </div>
        <div className="detail-side">
          {/* OBS settings, for whoever runs the encoder (stream:key: owner, admin, host, tech). */}
          {can(PERMISSIONS.streamKey) && <StreamCard sessionId={s.id} onChanged={showNotice} />}
          {can(PERMISSIONS.streamKey) && <RestreamCard sessionId={s.id} onChanged={showNotice} />}
          <RecordingsCard sessionId={s.id} onChanged={showNotice} />
          <CoverCard session={s} canWrite={canWrite} onChanged={changed} />
          {s.visibility === 'private' && <InviteCard session={s} canWrite={canWrite} onChanged={changed} />}
        </div>
      </div>
    </section>
  );
}

/** The session's fields, read-only: for members without sessions:write, or a session past its plan. */
function SessionFacts({ session }: { session: LiveSession }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const lang = i18n.resolvedLanguage ?? 'en';
  const reason = !can(PERMISSIONS.sessionsWrite)
    ? t('sessionDetail.readOnlyNoWrite')
    : t('sessionDetail.readOnlyClosed', { status: t(`status.${session.status}`) });
  return (
    <section className="card detail-card" data-testid="session-facts">
      <h2 className="card-title">{t('sessionDetail.details')}</h2>
      <dl className="facts detail-facts">
        <div>
          <dt>{t('sessions.field.title')}</dt>
          <dd className="cell-break">{session.title}</dd>
        </div>
        <div>
          <dt>{t('sessions.field.theme')}</dt>
          <dd>{t(`theme.${session.theme}`)}</dd>
        </div>
        <div>
          <dt>{t('sessions.field.visibility')}</dt>
          <dd>{t(`visibility.${session.visibility}`)}</dd>
        </div>
        <div>
          <dt>{t('sessions.field.scheduledStart')}</dt>
          <dd>
            {session.scheduledStart ? (
              <time dateTime={session.scheduledStart}>{formatDateTime(session.scheduledStart, lang)}</time>
            ) : (
              t('sessions.notScheduled')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('sessions.field.plannedLength')}</dt>
          <dd>{t('sessions.minutes', { count: session.plannedMinutes })}</dd>
        </div>
      </dl>
      <p className="muted small">{reason}</p>
    </section>
  );
}
