import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { replayApi, type RecordingDto } from '../api/replay-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';
import { formatDateTime } from '../format/date-format';
import { usePolledResource } from '../hooks/use-polled-resource';
import { formatBytes, formatClock } from '../viewer/replay/replay-format';
import '../styles/replay.css';

/** A recording in progress grows and then gets finished: the card follows it. */
const POLL_MS = 5000;

/**
 * "Recordings / 录像" (sessions:read): one entry per publish, with its status, length and size,
 * the storage used, a play link, and delete for owner/admin (recordings:delete) behind a confirm.
 */
export function RecordingsCard({ sessionId, onChanged }: { sessionId: string; onChanged: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const titleId = useId();
  const { can } = useAuth();
  const canDelete = can(PERMISSIONS.recordingsDelete);
  const list = usePolledResource((signal) => replayApi.list(sessionId, signal), [sessionId], POLL_MS);
  const [deleting, setDeleting] = useState<RecordingDto | null>(null);
  const data = list.data;

  return (
    <section className="card detail-card recordings-card" aria-labelledby={titleId} data-testid="recordings-card">
      <div className="detail-card-head">
        <h2 className="card-title" id={titleId}>
          {t('replay.recordings.title')}
        </h2>
      </div>
      <p className="muted small detail-lead">{t('replay.recordings.hint')}</p>
      {data && !data.recordingEnabled && (
        <p className="restream-warning small" role="note" data-testid="recordings-no-ffmpeg">
          {t('replay.recordings.noFfmpeg')}
        </p>
      )}
      {list.loading && !data ? (
        <p className="muted small" role="status">
          {t('common.loading')}
        </p>
      ) : !data || data.items.length === 0 ? (
        <p className="muted small" data-testid="recordings-empty">
          {t('replay.recordings.empty')}
        </p>
      ) : (
        <>
          <ol className="recordings-list" data-testid="recordings-list">
            {data.items.map((r, i) => (
              <li key={r.id} className="recording-row" data-testid="recording-row" data-status={r.status} data-recording-id={r.id}>
                <div className="recording-facts">
                  <span>
                    <strong>{t('replay.recordings.part', { n: i + 1 })}</strong>{' '}
                    <span className={`recording-status recording-status-${r.status}`} data-testid="recording-status">
                      {t(`replay.recordings.status.${r.status}`)}
                    </span>
                  </span>
                  <span className="muted small">
                    {formatDateTime(r.startedAt, lang)}
                    {r.durationMs !== null && ` · ${formatClock(r.durationMs)}`}
                    {r.status !== 'deleted' && ` · ${formatBytes(r.bytes, lang)}`}
                  </span>
                  {r.status === 'failed' && r.error && <span className="small recording-error">{r.error}</span>}
                </div>
                <div className="recording-actions">
                  {r.playUrl && (
                    <a className="btn btn-sm" href={r.playUrl} target="_blank" rel="noreferrer" data-testid="recording-play">
                      {t('replay.recordings.play')}
                    </a>
                  )}
                  {canDelete && r.status !== 'deleted' && r.status !== 'recording' && r.status !== 'processing' && (
                    <button type="button" className="btn btn-sm btn-danger" data-testid="recording-delete" onClick={() => { setDeleting(r); }}>
                      {t('replay.recordings.delete')}
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ol>
          <p className="muted small" data-testid="recordings-storage">
            {t('replay.recordings.storage', { session: formatBytes(data.sessionBytes, lang), total: formatBytes(data.totalBytes, lang) })}
          </p>
        </>
      )}
      {deleting && (
        <ConfirmActionDialog
          title={t('replay.recordings.deleteTitle')}
          confirmLabel={t('replay.recordings.deleteConfirm')}
          busyLabel={t('replay.recordings.deleting')}
          testId="recording-delete"
          action={() => replayApi.remove(sessionId, deleting.id)}
          onDone={() => {
            setDeleting(null);
            onChanged(t('replay.recordings.deleted'));
            list.refresh();
          }}
          onClose={() => { setDeleting(null); }}
        >
          <p>{t('replay.recordings.deleteBody', { size: formatBytes(deleting.bytes, lang) })}</p>
        </ConfirmActionDialog>
      )}
    </section>
  );
}
