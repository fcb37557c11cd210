import type Mpegts from 'mpegts.js';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/describe-error';
import { preflightApi, type RehearsalReply } from '../api/preflight-api';
import { useAuth } from '../auth/auth-context';
import { PERMISSIONS } from '../auth/permissions';
import { ConfirmActionDialog } from '../components/confirm-action-dialog';
import { FormError } from '../components/form-field';
import { formatDateTime } from '../format/date-format';
import { usePolledResource } from '../hooks/use-polled-resource';
import '../styles/preflight.css';

/** The encoder's state follows OBS without a reload. */
const POLL_MS = 3000;

/**
 * Test-stream mode (pre-flight): start it, watch the stream privately, then "Go public" (the
 * session goes live with the stream running) or "Stop test". Mounted on the Stream card (compact,
 * without the preview) and on the pre-flight page.
 */
export function StreamTestMode({ sessionId, onChanged, withPreview = true }: { sessionId: string; onChanged: (message: string) => void; withPreview?: boolean }) {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const titleId = useId();
  const state = usePolledResource((signal) => preflightApi.rehearsal(sessionId, signal), [sessionId], POLL_MS);
  const [busy, setBusy] = useState<'start' | 'stop' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const may = can(PERMISSIONS.preflightCheck);
  const r = state.data;
  const lang = i18n.resolvedLanguage ?? 'en';

  const run = async (what: 'start' | 'stop') => {
    setBusy(what);
    setError(null);
    try {
      const next = what === 'start' ? await preflightApi.startTest(sessionId) : await preflightApi.stopTest(sessionId);
      state.setData(() => next);
      onChanged(t(what === 'start' ? 'testMode.started' : 'testMode.stopped'));
    } catch (err) {
      setError(describeError(t, err));
    } finally {
      setBusy(null);
    }
  };

  if (!r) {
    return state.error ? <FormError message={describeError(t, state.error)} testId="test-mode-error" /> : null;
  }
  const before = r.sessionStatus === 'draft' || r.sessionStatus === 'scheduled';
  if (!r.rehearsal && !before) return null;

  return (
    <div className={`test-mode${r.rehearsal ? ' is-on' : ''}`} data-testid="test-mode" data-on={r.rehearsal ? 'yes' : 'no'} data-state={r.state} role="group" aria-labelledby={titleId}>
      <div className="test-mode-head">
        <h3 className="test-mode-title" id={titleId}>
          {t('testMode.title')}
        </h3>
        <span className={`badge ${r.rehearsal ? 'tone-warn' : 'badge-muted'}`} data-testid="test-mode-badge">
          {r.rehearsal ? t('testMode.on') : t('testMode.off')}
        </span>
      </div>
      <p className="muted small">{t('testMode.lead')}</p>
      {r.rehearsal && (
        <p className="small" data-testid="test-mode-since">
          {t('testMode.since', { time: formatDateTime(r.rehearsal.since, lang), name: r.rehearsal.byName ?? '—' })}
        </p>
      )}
      {r.rehearsal && withPreview && <TeamPreview sessionId={sessionId} state={r.state} />}
      {r.rehearsal && !withPreview && r.state !== 'live' && <p className="muted small">{r.state === 'reconnecting' ? t('testMode.reconnecting') : t('testMode.waiting')}</p>}
      <FormError message={error} testId="test-mode-action-error" />
      {!may ? (
        <p className="muted small">{t('testMode.noPermission')}</p>
      ) : (
        <div className="detail-actions test-mode-actions">
          {!r.rehearsal ? (
            <button type="button" className="btn btn-sm" data-testid="test-mode-start" disabled={busy !== null} onClick={() => void run('start')}>
              {busy === 'start' ? t('testMode.starting') : t('testMode.start')}
            </button>
          ) : (
            <>
              <button type="button" className="btn btn-sm btn-live" data-testid="test-mode-go-public" disabled={busy !== null || !can(PERMISSIONS.sessionsGoLive)} onClick={() => { setConfirming(true); }}>
                {t('testMode.goPublic')}
              </button>
              <button type="button" className="btn btn-sm" data-testid="test-mode-stop" disabled={busy !== null || r.state !== 'offline'} aria-describedby={r.state !== 'offline' ? `${titleId}-stop` : undefined} onClick={() => void run('stop')}>
                {busy === 'stop' ? t('testMode.stopping') : t('testMode.stop')}
              </button>
            </>
          )}
        </div>
      )}
      {may && r.rehearsal && r.state !== 'offline' && (
        <p className="muted small" id={`${titleId}-stop`}>
          {t('testMode.stopBlocked')}
        </p>
      )}
      {confirming && (
        <ConfirmActionDialog
          title={t('testMode.goPublicTitle')}
          confirmLabel={t('testMode.goPublic')}
          busyLabel={t('testMode.goingPublic')}
          testId="test-mode-go-public"
          action={() => preflightApi.goPublic(sessionId)}
          onClose={() => { setConfirming(false); }}
          onDone={(next: RehearsalReply) => {
            setConfirming(false);
            state.setData(() => next);
            onChanged(t('testMode.public'));
          }}
        >
          <p>{r.state === 'live' ? t('testMode.goPublicBody') : t('testMode.goPublicNoStream')}</p>
        </ConfirmActionDialog>
      )}
    </div>
  );
}

type MpegtsModule = typeof Mpegts;
let mpegtsLoading: Promise<MpegtsModule> | null = null;
const loadMpegts = (): Promise<MpegtsModule> => (mpegtsLoading ??= import('mpegts.js').then((m) => m.default, (e: unknown) => { mpegtsLoading = null; throw e; }));

/**
 * The team's private picture: HTTP-FLV with the team's signed address (the audience's player would
 * be told "offline"). Deliberately small — no latency chasing or protocol fallback — so it does not
 * depend on the viewer player, which changes with HLS. Restarts when the encoder comes back.
 */
function TeamPreview({ sessionId, state }: { sessionId: string; state: RehearsalReply['state'] }) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [attempt, setAttempt] = useState(0);
  const [playing, setPlaying] = useState(false);
  const live = state === 'live';

  useEffect(() => {
    if (!live) return;
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    let destroy: (() => void) | null = null;
    let retry: number | undefined;
    const again = () => {
      if (cancelled) return;
      destroy?.();
      destroy = null;
      setPlaying(false);
      retry = window.setTimeout(() => { setAttempt((n) => n + 1); }, 2000);
    };
    void (async () => {
      try {
        const [{ flvUrl }, mpegts] = await Promise.all([preflightApi.preview(sessionId), loadMpegts()]);
        if (cancelled || !mpegts.isSupported()) return;
        const p = mpegts.createPlayer({ type: 'flv', isLive: true, url: flvUrl }, { enableWorker: false, enableStashBuffer: false, liveBufferLatencyChasing: true, lazyLoad: false, autoCleanupSourceBuffer: true });
        p.on(mpegts.Events.ERROR, again);
        p.on(mpegts.Events.LOADING_COMPLETE, again);
        p.attachMediaElement(video);
        p.load();
        destroy = () => {
          try {
            p.unload();
            p.detachMediaElement();
            p.destroy();
          } catch {
            // a failed player may throw on the way out; it is gone either way
          }
        };
        await Promise.resolve(p.play()).catch(() => undefined);
      } catch {
        again();
      }
    })();
    const onPlaying = () => { setPlaying(true); };
    video.addEventListener('playing', onPlaying);
    return () => {
      cancelled = true;
      window.clearTimeout(retry);
      video.removeEventListener('playing', onPlaying);
      destroy?.();
      setPlaying(false);
    };
  }, [sessionId, live, attempt]);

  return (
    <figure className="test-preview" data-testid="test-preview" data-playing={playing ? 'yes' : 'no'}>
      <div className="test-preview-stage">
        {live && <video ref={videoRef} className="test-preview-video" data-testid="test-preview-video" muted playsInline aria-label={t('testMode.preview')} />}
        {!playing && <p className="test-preview-state">{state === 'reconnecting' ? t('testMode.reconnecting') : state === 'live' ? t('common.loading') : t('testMode.waiting')}</p>}
      </div>
      <figcaption className="muted small">
        <strong>{t('testMode.preview')}</strong> · {t('testMode.previewHint')}
      </figcaption>
    </figure>
  );
}
