import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { RESTREAM_PRESETS, restreamPlatforms, type RestreamPlatform } from '../../contracts/restream-presets.js';
import { describeError } from '../api/describe-error';
import { issuesByField, type FieldErrors } from '../api/field-issues';
import { restreamApi, type RestreamTarget } from '../api/restream-api';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';
import { FormError, InputField, SelectField } from '../components/form-field';
import { ModalDialog } from '../components/modal-dialog';
import { usePolledResource } from '../hooks/use-polled-resource';
import '../styles/restream.css';

/** Status comes from the server's memory; the card polls it (a few seconds behind at most). */
const POLL_MS = 3000;

type Field = 'platform' | 'name' | 'serverUrl' | 'streamKey';
const FIELDS: readonly Field[] = ['platform', 'name', 'serverUrl', 'streamKey'];

/**
 * "Restream / 多平台转推" (members with stream:key): the other platforms' RTMP(S) endpoints this
 * session's live is pushed to, each with its push's status, an on/off switch, edit and delete.
 * Keys are typed in once and only ever shown back as their last 4 characters.
 */
export function RestreamCard({ sessionId, onChanged }: { sessionId: string; onChanged: (message: string) => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const list = usePolledResource((signal) => restreamApi.list(sessionId, signal), [sessionId], POLL_MS);
  const [editing, setEditing] = useState<RestreamTarget | 'new' | null>(null);
  const [deleting, setDeleting] = useState<RestreamTarget | null>(null);
  const [toggleError, setToggleError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const data = list.data;
  // The retry countdown: the server's clock, moved on by the time since its answer.
  const [, setTick] = useState(0);
  const [fetchedAt, setFetchedAt] = useState(() => Date.now());
  useEffect(() => {
    setFetchedAt(Date.now());
  }, [data]);
  const retrying = data?.items.some((x) => x.status.state === 'retrying') ?? false;
  useEffect(() => {
    if (!retrying) return;
    const timer = window.setInterval(() => { setTick((n) => n + 1); }, 1000);
    return () => { window.clearInterval(timer); };
  }, [retrying]);
  const serverNow = data ? data.now + (Date.now() - fetchedAt) : Date.now();

  const toggle = async (target: RestreamTarget, enabled: boolean) => {
    setBusyId(target.id);
    setToggleError(null);
    try {
      const updated = await restreamApi.update(sessionId, target.id, { enabled });
      list.setData((prev) => (prev ? { ...prev, items: prev.items.map((x) => (x.id === updated.id ? updated : x)) } : prev));
    } catch (error) {
      setToggleError(describeError(t, error));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section className="card detail-card restream-card" aria-labelledby={titleId} data-testid="restream-card">
      <div className="detail-card-head">
        <h2 className="card-title" id={titleId}>
          {t('restream.title')}
        </h2>
        <button type="button" className="btn btn-sm" data-testid="restream-add" onClick={() => { setEditing('new'); }}>
          {t('restream.add')}
        </button>
      </div>
      <p className="muted small detail-lead">{t('restream.hint')}</p>
      {data && !data.ffmpeg && (
        <p className="restream-warning small" role="note" data-testid="restream-no-ffmpeg">
          {t('restream.noFfmpeg')}
        </p>
      )}
      <FormError message={toggleError} testId="restream-error" />
      {list.loading ? (
        <p className="muted small" role="status">
          {t('common.loading')}
        </p>
      ) : !data ? (
        <div className="stack">
          <FormError message={describeError(t, list.error)} testId="restream-load-error" />
          <div>
            <button type="button" className="btn btn-sm" onClick={list.refresh}>
              {t('common.retry')}
            </button>
          </div>
        </div>
      ) : data.items.length === 0 ? (
        <p className="muted small" data-testid="restream-empty">
          {t('restream.empty')}
        </p>
      ) : (
        <ul className="restream-list" data-testid="restream-list">
          {data.items.map((target) => (
            <li key={target.id} className="restream-target" data-testid="restream-target" data-state={target.status.state}>
              <div className="restream-target-head">
                <span className="restream-name cell-break">{target.name}</span>
                <span className="restream-platform">{t(`restream.platform.${target.platform}`)}</span>
                <StatusBadge target={target} now={serverNow} t={t} />
              </div>
              <dl className="restream-facts">
                <div>
                  <dt>{t('restream.server')}</dt>
                  <dd className="restream-mono cell-break" data-testid="restream-server">
                    {target.serverUrl}
                  </dd>
                </div>
                <div>
                  <dt>{t('restream.key')}</dt>
                  <dd className="restream-mono" data-testid="restream-key-mask">
                    {target.keyMask}
                  </dd>
                </div>
              </dl>
              {target.status.lastError && (target.status.state === 'retrying' || target.status.state === 'failed') && (
                <p className="restream-error small" data-testid="restream-last-error" title={target.status.lastError}>
                  {t('restream.lastError', { error: lastLine(target.status.lastError) })}
                </p>
              )}
              <div className="restream-actions">
                <label className="check-row restream-toggle">
                  <input
                    type="checkbox"
                    data-testid="restream-enabled"
                    checked={target.enabled}
                    disabled={busyId === target.id}
                    aria-label={t('restream.enabledLabel', { name: target.name })}
                    onChange={(e) => void toggle(target, e.target.checked)}
                  />
                  <span>{t('restream.enabled')}</span>
                </label>
                <button type="button" className="btn btn-sm" data-testid="restream-edit" onClick={() => { setEditing(target); }}>
                  {t('restream.edit')}
                </button>
                <button type="button" className="btn btn-sm restream-delete" data-testid="restream-delete" onClick={() => { setDeleting(target); }}>
                  {t('restream.delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing && (
        <RestreamTargetDialog
          sessionId={sessionId}
          target={editing === 'new' ? null : editing}
          onClose={() => { setEditing(null); }}
          onSaved={(saved, created) => {
            setEditing(null);
            list.refresh();
            onChanged(t(created ? 'restream.added' : 'restream.saved', { name: saved.name }));
          }}
        />
      )}
      {deleting && (
        <ConfirmActionDialog
          title={t('restream.confirmDelete.title', { name: deleting.name })}
          confirmLabel={t('restream.confirmDelete.confirm')}
          busyLabel={t('restream.confirmDelete.busy')}
          testId="restream-delete"
          action={() => restreamApi.remove(sessionId, deleting.id)}
          onClose={() => { setDeleting(null); }}
          onDone={() => {
            const name = deleting.name;
            setDeleting(null);
            list.refresh();
            onChanged(t('restream.deleted', { name }));
          }}
        >
          <p>{t('restream.confirmDelete.body')}</p>
        </ConfirmActionDialog>
      )}
    </section>
  );
}

/** ffmpeg's last line says what went wrong; the full tail is in the title. */
function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? text;
}

function StatusBadge({ target, now, t }: { target: RestreamTarget; now: number; t: TFunction }) {
  const s = target.status;
  let cls = 'badge badge-muted';
  let label: string;
  switch (s.state) {
    case 'idle':
      label = target.enabled ? t('restream.state.idle') : t('restream.state.off');
      break;
    case 'connecting':
      cls = 'badge tone-info';
      label = t('restream.state.connecting');
      break;
    case 'live':
      cls = 'badge badge-live';
      label = t('restream.state.live');
      break;
    case 'retrying': {
      cls = 'badge badge-warn';
      const seconds = Math.max(0, Math.ceil(((s.nextAt ?? now) - now) / 1000));
      label = seconds > 0 ? t('restream.state.retrying', { seconds, attempt: s.attempt }) : t('restream.state.retryingNow', { attempt: s.attempt });
      break;
    }
    case 'failed':
      cls = 'badge restream-badge-failed';
      label = t('restream.state.failed');
      break;
  }
  return (
    <span className={`${cls} restream-badge`} data-testid="restream-status" data-state={s.state}>
      {s.state === 'live' && <span className="live-dot" aria-hidden="true" />}
      {label}
    </span>
  );
}

/** Add or edit a target. The platform fills in its usual server; editing leaves the key as is unless a new one is typed. */
function RestreamTargetDialog({ sessionId, target, onClose, onSaved }: { sessionId: string; target: RestreamTarget | null; onClose: () => void; onSaved: (saved: RestreamTarget, created: boolean) => void }) {
  const { t } = useTranslation();
  const [platform, setPlatform] = useState<RestreamPlatform>(target?.platform ?? 'douyin');
  const [name, setName] = useState(target?.name ?? '');
  const [serverUrl, setServerUrl] = useState(target?.serverUrl ?? RESTREAM_PRESETS.douyin.server ?? '');
  const [streamKey, setStreamKey] = useState('');
  const [enabled, setEnabled] = useState(target?.enabled ?? true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<Field>>({});

  const pickPlatform = (p: RestreamPlatform) => {
    // The server follows the platform unless the team typed one of their own.
    const current = serverUrl.trim();
    if (current === '' || Object.values(RESTREAM_PRESETS).some((x) => x.server === current)) setServerUrl(RESTREAM_PRESETS[p].server ?? '');
    setPlatform(p);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const finalName = name.trim() || t(`restream.platform.${platform}`);
      const saved = target
        ? await restreamApi.update(sessionId, target.id, { name: finalName, platform, serverUrl, ...(streamKey ? { streamKey } : {}) })
        : await restreamApi.create(sessionId, { name: finalName, platform, serverUrl, streamKey, enabled });
      onSaved(saved, target === null);
    } catch (err) {
      const { fieldErrors: fe, needsSummary } = issuesByField(err, FIELDS);
      setFieldErrors(fe);
      setError(needsSummary ? describeError(t, err) : null);
      setBusy(false);
    }
  };

  return (
    <ModalDialog title={target ? t('restream.dialog.editTitle', { name: target.name }) : t('restream.dialog.addTitle')} onClose={onClose} testId="restream-dialog">
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <SelectField name="platform" label={t('restream.dialog.platform')} testId="restream-platform" value={platform} options={restreamPlatforms} optionLabel={(p) => t(`restream.platform.${p}`)} onValueChange={pickPlatform} errors={fieldErrors.platform} />
        <InputField type="text" name="name" label={t('restream.dialog.name')} placeholder={t(`restream.platform.${platform}`)} testId="restream-name" value={name} onValueChange={setName} errors={fieldErrors.name} maxLength={60} />
        <InputField
          type="url"
          name="serverUrl"
          label={t('restream.dialog.server')}
          hint={t('restream.dialog.serverHint')}
          placeholder={RESTREAM_PRESETS[platform].placeholder}
          testId="restream-server-input"
          value={serverUrl}
          onValueChange={setServerUrl}
          errors={fieldErrors.serverUrl}
          spellCheck={false}
          autoComplete="off"
          maxLength={500}
        />
        <InputField
          type="password"
          name="streamKey"
          label={t('restream.dialog.key')}
          hint={target ? t('restream.dialog.keyKeep', { mask: target.keyMask }) : t('restream.dialog.keyHint')}
          testId="restream-key-input"
          value={streamKey}
          onValueChange={setStreamKey}
          errors={fieldErrors.streamKey}
          autoComplete="new-password"
          spellCheck={false}
          maxLength={500}
        />
        {!target && (
          <label className="check-row">
            <input type="checkbox" data-testid="restream-enabled-input" checked={enabled} onChange={(e) => { setEnabled(e.target.checked); }} />
            <span>{t('restream.dialog.enabled')}</span>
          </label>
        )}
        <FormError message={error} testId="restream-dialog-error" />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('restream.dialog.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="restream-save">
            {busy ? t('restream.dialog.saving') : t('restream.dialog.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
