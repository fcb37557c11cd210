import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { SESSION_STATUSES, type LiveSession, type SessionStatus, type TransitionTarget } from '../api/api-types';
import { consoleApi } from '../api/console-api';
import { describeError } from '../api/describe-error';
import { SessionRoomLinks, SessionTransitionButtons } from './session-room-links';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { DemoBadge, StatusBadge } from '../components/badges';
import { DataTable } from '../components/data-table';
import { LoadMore } from '../components/load-more';
import { ErrorBanner, Notice } from '../components/notice';
import { PageHeader } from '../components/page-header';
import { EmptyState, ListStates } from '../components/page-states';
import { formatDateTime } from '../format/date-format';
import { useNotice } from '../hooks/use-notice';
import { usePagedResource } from '../hooks/use-paged-resource';
import { CoverThumb } from './session-cover';
import { SessionForm } from './session-form';
import { allowedTransitions, isEditable } from './session-transitions';

const PAGE_SIZE = 20;

type FormMode = { kind: 'closed' } | { kind: 'create' } | { kind: 'edit'; session: LiveSession };

export function SessionsPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const [statusFilter, setStatusFilter] = useState<SessionStatus | ''>('');
  const [formMode, setFormMode] = useState<FormMode>({ kind: 'closed' });
  const [busyId, setBusyId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, showNotice, dismissNotice] = useNotice();
  const canWrite = can(PERMISSIONS.sessionsWrite);
  const canWatchRoom = can(PERMISSIONS.roomModerate) || can(PERMISSIONS.sessionsRead);

  const sessions = usePagedResource(
    (cursor, signal) => consoleApi.listSessions({ status: statusFilter, limit: PAGE_SIZE, cursor }, signal),
    [statusFilter],
  );
  const { updateItems } = sessions;

  const replaceSession = useCallback(
    (saved: LiveSession) => { updateItems((items) => items.map((item) => (item.id === saved.id ? saved : item))); },
    [updateItems],
  );

  const handleSaved = (saved: LiveSession, created: boolean) => {
    setFormMode({ kind: 'closed' });
    if (created) {
      updateItems((items) => [saved, ...items]);
      showNotice(t('sessions.created', { title: saved.title }));
    } else {
      replaceSession(saved);
      showNotice(t('sessions.updated', { title: saved.title }));
    }
  };

  const handleTransition = async (session: LiveSession, to: TransitionTarget) => {
    setBusyId(session.id);
    setActionError(null);
    try {
      const updated = await consoleApi.transitionSession(session.id, to);
      replaceSession(updated);
      showNotice(t('sessions.transitioned', { title: updated.title, status: t(`status.${updated.status}`) }));
    } catch (error) {
      setActionError(describeError(t, error));
    } finally {
      setBusyId(null);
    }
  };

  const lang = i18n.resolvedLanguage ?? 'en';

  return (
    <section className="page">
      <PageHeader title={t('sessions.title')} subtitle={t('sessions.subtitle')}>
        {canWrite && formMode.kind === 'closed' && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="new-session"
            onClick={() => { setFormMode({ kind: 'create' }); }}
          >
            + {t('sessions.new')}
          </button>
        )}
      </PageHeader>

      <Notice message={notice} onDismiss={dismissNotice} />

      {canWrite && formMode.kind !== 'closed' && (
        <SessionForm
          key={formMode.kind === 'edit' ? formMode.session.id : 'new'}
          session={formMode.kind === 'edit' ? formMode.session : undefined}
          onSaved={handleSaved}
          onCancel={() => { setFormMode({ kind: 'closed' }); }}
        />
      )}

      <div className="toolbar">
        <label className="inline-field">
          <span>{t('sessions.filterStatus')}</span>
          <select
            data-testid="sessions-status-filter"
            value={statusFilter}
            onChange={(event) => { setStatusFilter(event.target.value as SessionStatus | ''); }}
          >
            <option value="">{t('sessions.allStatuses')}</option>
            {SESSION_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <ErrorBanner message={actionError} onDismiss={() => { setActionError(null); }} testId="sessions-action-error" />

      <ListStates
        resource={sessions}
        items={sessions.items}
        empty={
          <EmptyState
            title={statusFilter ? t('sessions.emptyFiltered') : t('sessions.empty')}
            hint={!statusFilter && canWrite ? t('sessions.emptyHint') : undefined}
          />
        }
      >
        {(items) => (
          <DataTable
            testId="sessions-list"
            columns={[
              t('sessions.field.title'),
              t('sessions.field.status'),
              t('sessions.field.theme'),
              t('sessions.field.scheduledStart'),
              t('sessions.field.plannedLength'),
              t('sessions.field.visibility'),
            ]}
            actionsLabel={t('common.actions')}
          >
            {items.map((session) => {
              const transitions = allowedTransitions(session.status, can);
              const busy = busyId === session.id;
              return (
                <tr key={session.id} data-testid="session-row" data-session-id={session.id} data-status={session.status}>
                  <td className="cell-primary" data-label={t('sessions.field.title')}>
                    <div className="session-cell">
                      <CoverThumb session={session} />
                      <div className="session-cell-text">
                        <Link
                          className="row-title row-link"
                          to={`/console/sessions/${encodeURIComponent(session.id)}`}
                          data-testid="session-title-text"
                        >
                          {session.title}
                        </Link>
                        <span className="row-meta">
                          {session.brandName && <span className="muted">{session.brandName}</span>}
                          {session.isDemo && <DemoBadge />}
                        </span>
                      </div>
                    </div>
                  </td>
                  <td className="nowrap" data-label={t('sessions.field.status')}>
                    <StatusBadge status={session.status} />
                  </td>
                  <td className="nowrap" data-label={t('sessions.field.theme')}>{t(`theme.${session.theme}`)}</td>
                  <td data-label={t('sessions.field.scheduledStart')}>
                    {session.scheduledStart ? (
                      <time dateTime={session.scheduledStart}>{formatDateTime(session.scheduledStart, lang)}</time>
                    ) : (
                      <span className="muted">{t('sessions.notScheduled')}</span>
                    )}
                  </td>
                  <td className="nowrap" data-label={t('sessions.field.plannedLength')}>
                    {t('sessions.minutes', { count: session.plannedMinutes })}
                  </td>
                  <td className="nowrap" data-label={t('sessions.field.visibility')}>{t(`visibility.${session.visibility}`)}</td>
                  <td className="cell-actions">
                    <div className="row-actions">
                      <SessionTransitionButtons transitions={transitions} busy={busy} onTransition={(to) => void handleTransition(session, to)} />
                      {canWrite && isEditable(session.status) && (
                        <button
                          type="button"
                          className="btn btn-sm btn-ghost"
                          data-testid="session-edit"
                          disabled={busy}
                          onClick={() => { setFormMode({ kind: 'edit', session }); }}
                        >
                          {t('common.edit')}
                        </button>
                      )}
                      <SessionRoomLinks session={session} liveControl={canWatchRoom} />
                    </div>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </ListStates>

      <LoadMore resource={sessions} testId="sessions-load-more" />
    </section>
  );
}
