import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { describeError } from '../api/describe-error';
import { videoApi } from '../api/video-api';
import { FormError } from '../components/form-field';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';
import { formatDateTime } from '../format/date-format';
import { usePolledResource } from '../hooks/use-polled-resource';
import '../styles/video.css';
import { StreamHealthPanel } from './stream-health-panel';
import { StreamTestMode } from './stream-test-mode';
import { MASKED_KEY, streamBadgeClass, streamSinceKey } from './stream-settings';

/** The badge follows the encoder without a page reload; the settings themselves only change on rotate. */
const POLL_MS = 5000;

type CopyState = { field: 'server' | 'key'; outcome: 'copied' | 'manual' } | null;

/**
 * "Stream / 推流" (members with stream:key): the two fields OBS asks for, "Server" and "Stream
 * Key" (hidden until shown), the stream's state, the encoder's health while it publishes, and a new
 * key after a confirmation (the old key stops working and a running encoder is cut off).
 */
export function StreamCard({ sessionId, onChanged }: { sessionId: string; onChanged: (message: string) => void }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const serverId = useId();
  const keyId = useId();
  const serverRef = useRef<HTMLInputElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const settings = usePolledResource((signal) => videoApi.ingestSettings(sessionId, signal), [sessionId], POLL_MS);
  const [shown, setShown] = useState(false);
  const [copy, setCopy] = useState<CopyState>(null);
  const [confirming, setConfirming] = useState(false);
  const [selectKey, setSelectKey] = useState(false);
  const lang = i18n.resolvedLanguage ?? 'en';
  const s = settings.data;

  useEffect(() => {
    if (copy?.outcome !== 'copied') return;
    const timer = window.setTimeout(() => { setCopy(null); }, 2500);
    return () => { window.clearTimeout(timer); };
  }, [copy]);

  // Copying by hand needs the real key on screen: it is shown first, then selected.
  useEffect(() => {
    if (!selectKey || !shown) return;
    keyRef.current?.focus();
    keyRef.current?.select();
    setSelectKey(false);
  }, [selectKey, shown]);

  const copyText = async (field: 'server' | 'key', text: string) => {
    try {
      // Missing outside secure contexts (plain http on a LAN address): fall back to selecting the text.
      if (typeof navigator.clipboard === 'undefined') throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setCopy({ field, outcome: 'copied' });
    } catch {
      if (field === 'server') {
        serverRef.current?.focus();
        serverRef.current?.select();
      } else {
        setShown(true);
        setSelectKey(true);
      }
      setCopy({ field, outcome: 'manual' });
    }
  };

  const copyHint = (field: 'server' | 'key') =>
    copy?.field !== field ? '' : copy.outcome === 'copied' ? t('stream.copied') : t('stream.copyManual');

  const sinceKey = s ? streamSinceKey(s.state, s.since) : null;
  const since = s?.since != null ? formatDateTime(new Date(s.since).toISOString(), lang) : null;
  const rotatedAt = formatDateTime(s?.rotatedAt, lang);

  return (
    <section className="card detail-card stream-card" aria-labelledby={titleId} data-testid="stream-card">
      <div className="detail-card-head">
        <h2 className="card-title" id={titleId}>
          {t('stream.title')}
        </h2>
        {s && (
          <span className={streamBadgeClass(s.state)} data-testid="stream-state-badge" data-state={s.state} title={t('stream.stateLabel')}>
            {s.state === 'live' && <span className="live-dot" aria-hidden="true" />}
            {t(`stream.state.${s.state}`)}
          </span>
        )}
      </div>
      <p className="muted small detail-lead">{t('stream.hint')}</p>
      {settings.loading ? (
        <p className="muted small" role="status">
          {t('common.loading')}
        </p>
      ) : !s ? (
        <div className="stack">
          <FormError message={describeError(t, settings.error)} testId="stream-error" />
          <div>
            <button type="button" className="btn btn-sm" onClick={settings.refresh}>
              {t('common.retry')}
            </button>
          </div>
        </div>
      ) : (
        <div className="stack">
          {sinceKey && since && (
            <p className="muted small stream-since" data-testid="stream-since">
              {t(sinceKey, { time: since })}
            </p>
          )}
          {s.capabilities.needsFfmpeg.length > 0 && (
            <div className="stream-warning" role="note" data-testid="stream-ffmpeg-missing">
              <p>{t('player.console.ffmpegMissing', { features: new Intl.ListFormat(i18n.resolvedLanguage ?? 'en', { type: 'conjunction' }).format(s.capabilities.needsFfmpeg.map((f) => t(`player.console.feature.${f}`))) })}</p>
              <p className="small">{t('player.console.ffmpegInstall')}</p>
            </div>
          )}
          {/* While an encoder publishes: what it sends, and what to change in OBS. */}
          {s.health && <StreamHealthPanel sessionId={sessionId} health={s.health} />}
          <div className="field">
            <label className="field-label" htmlFor={serverId}>
              {t('stream.server')}
            </label>
            <div className="copy-row">
              <input
                id={serverId}
                ref={serverRef}
                type="text"
                readOnly
                value={s.server}
                spellCheck={false}
                data-testid="stream-server"
                onFocus={(event) => { event.currentTarget.select(); }}
              />
              <button type="button" className="btn btn-sm" data-testid="stream-server-copy" onClick={() => void copyText('server', s.server)}>
                {t('stream.copy')}
              </button>
            </div>
            <p className="field-hint" role="status">
              {copyHint('server')}
            </p>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={keyId}>
              {t('stream.key')}
            </label>
            <div className="copy-row">
              <input
                id={keyId}
                ref={keyRef}
                type="text"
                readOnly
                value={shown ? s.streamKey : MASKED_KEY}
                aria-label={shown ? undefined : t('stream.keyHidden')}
                spellCheck={false}
                autoComplete="off"
                className={shown ? undefined : 'stream-key-masked'}
                data-testid="stream-key"
                data-masked={shown ? 'no' : 'yes'}
                onFocus={(event) => { if (shown) event.currentTarget.select(); }}
              />
              <button type="button" className="btn btn-sm" aria-pressed={shown} data-testid="stream-key-toggle" onClick={() => { setShown((v) => !v); }}>
                {shown ? t('stream.hide') : t('stream.show')}
              </button>
              <button type="button" className="btn btn-sm" data-testid="stream-key-copy" onClick={() => void copyText('key', s.streamKey)}>
                {t('stream.copy')}
              </button>
            </div>
            <p className="field-hint" role="status">
              {copyHint('key') || t('stream.keySecret')}
            </p>
          </div>
          <p className="stream-obs-hint small" data-testid="stream-obs-hint">
            {t('stream.obsHint')}
          </p>
          {rotatedAt && <p className="muted small">{t('stream.rotatedAt', { time: rotatedAt })}</p>}
          <StreamTestMode sessionId={sessionId} onChanged={onChanged} withPreview={false} />
          <Link className="small" to={`/console/sessions/${sessionId}/preflight`} data-testid="stream-preflight-link">{t('preflight.open')} →</Link>
          <div className="detail-actions">
            <button type="button" className="btn btn-sm" data-testid="stream-rotate" onClick={() => { setConfirming(true); }}>
              {t('stream.rotate')}
            </button>
          </div>
        </div>
      )}
      {confirming && s && (
        <ConfirmActionDialog
          title={t('stream.rotateTitle')}
          confirmLabel={t('stream.rotateConfirm')}
          busyLabel={t('stream.rotating')}
          testId="stream-rotate"
          action={() => videoApi.rotateKey(sessionId)}
          onClose={() => { setConfirming(false); }}
          onDone={(updated) => {
            setConfirming(false);
            setCopy(null);
            // A poll that left before the rotation must not bring the old key back.
            settings.setData(() => updated);
            settings.refresh();
            onChanged(t('stream.rotated'));
          }}
        >
          <p>{t('stream.rotateBody')}</p>
          {s.state !== 'offline' && (
            <p className="stream-warning" data-testid="stream-rotate-live">
              {t('stream.rotateLiveWarning')}
            </p>
          )}
        </ConfirmActionDialog>
      )}
    </section>
  );
}
