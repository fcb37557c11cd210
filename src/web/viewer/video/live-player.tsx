import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionStatus } from '../../api/api-types';
import { StatusBadge } from '../../components/badges';
import { useNow } from '../../hooks/use-now';
import '../../styles/video.css';
import { formatHold } from '../flash/flash-time';
import { latencyRefreshMs } from './player-choice';
import { formatLatency } from './player-health';
import { graceLeftMs, stageMessage, stageState, wantsPlayer, type StageMessage } from './stream-view';
import { useLivePlayer, type Playback } from './use-live-player';
import { useTeamMember } from './use-team-member';
import type { LiveStreamState } from './use-live-stream';

/**
 * The live picture (HTTP-FLV through mpegts.js, or HLS: use-live-player.ts picks) and what stands
 * over it: the stream's state (`stream-state`, `data-state` = loading | offline | reconnecting |
 * live), the unmute button, and for the team a latency readout: the server's stream clock (asked
 * again every 12-18 s while live) against the picture's. The stage's other overlays (danmaku,
 * shelf, like) sit above.
 */
export function LivePlayer({ stream, sessionStatus, showLatency: asked, replayReady }: { stream: LiveStreamState; sessionStatus: SessionStatus; showLatency: boolean; replayReady?: (() => Promise<boolean>) | undefined }) {
  const { t, i18n } = useTranslation();
  // The team sees it too when also signed in to the console in this browser.
  const showLatency = useTeamMember() || asked;
  const videoRef = useRef<HTMLVideoElement>(null);
  const { view } = stream;
  const state = stageState(view, sessionStatus);
  const withVideo = wantsPlayer(view, state);
  const player = useLivePlayer({
    videoRef,
    urls: { flv: view?.flvUrl ?? null, hls: view?.hlsUrl ?? null },
    enabled: withVideo,
    live: state === 'live',
    liveEpoch: view?.liveEpoch ?? 0,
    onTrouble: stream.reload,
    measureLatency: showLatency,
    serverClock: view?.clock ?? null,
  });
  // The team's readout needs the server's clock now and then (the audience endpoint is rate-limited).
  const reload = stream.reload;
  useEffect(() => {
    if (!showLatency || state !== 'live') return;
    let timer = 0;
    const next = () => {
      timer = window.setTimeout(() => {
        reload();
        next();
      }, latencyRefreshMs());
    };
    next();
    return () => window.clearTimeout(timer);
  }, [showLatency, state, reload]);
  const lang = i18n.resolvedLanguage ?? 'en';
  const playing = state === 'live' && player.playback === 'playing';

  return (
    <div className={`live-player state-${state} playback-${player.playback}${playing ? ' is-playing' : ''}`} data-playback={player.playback} data-protocol={player.protocol ?? undefined}>
      {withVideo && (
        // Muted so that it may start by itself; the button below turns the sound on.
        <video ref={videoRef} className="live-video" data-testid="live-video" muted playsInline aria-label={t('viewer.video.label')} />
      )}
      <div className={`stream-state stream-state-${state}`} data-testid="stream-state" data-state={state}>
        <StateContent state={state} sessionStatus={sessionStatus} stream={stream} playback={player.playback} onPlay={player.play} hasHls={!!view?.hlsUrl} replayReady={replayReady} />
      </div>
      {state === 'live' && (player.playback === 'playing' || player.playback === 'connecting' || (showLatency && player.latency !== null)) && (
        <div className="player-controls">
          {player.playback === 'playing' &&
            (player.muted ? (
              <button type="button" className="stage-chip player-unmute" data-testid="video-unmute" onClick={player.unmute}>
                <SpeakerIcon muted />
                {t('viewer.video.unmute')}
              </button>
            ) : (
              <button type="button" className="stage-chip player-mute" data-testid="video-mute" aria-label={t('viewer.video.mute')} title={t('viewer.video.mute')} onClick={player.mute}>
                <SpeakerIcon muted={false} />
              </button>
            ))}
          {showLatency && player.latency !== null && (
            <span
              className={`stage-chip player-latency latency-${player.latency.kind}`}
              data-testid="live-latency"
              data-kind={player.latency.kind}
              data-value={player.latency.seconds.toFixed(2)}
              title={t(player.latency.kind === 'stream' ? 'player.latency.streamTitle' : 'player.latency.bufferTitle', { protocol: t(`player.protocol.${player.protocol ?? 'flv'}`) })}
            >
              {t(player.latency.kind === 'stream' ? 'player.latency.stream' : 'player.latency.buffer', { value: formatLatency(player.latency.seconds, lang) })}
              {player.protocol && <span className="player-protocol"> · {t(`player.protocol.${player.protocol}`)}</span>}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

function StateContent({
  state,
  sessionStatus,
  stream,
  playback,
  onPlay,
  hasHls,
  replayReady,
}: {
  state: ReturnType<typeof stageState>;
  sessionStatus: SessionStatus;
  stream: LiveStreamState;
  playback: Playback;
  onPlay: () => void;
  hasHls: boolean;
  replayReady?: (() => Promise<boolean>) | undefined;
}) {
  const { t } = useTranslation();
  if (state === 'live') {
    switch (playback) {
      case 'playing':
      case 'idle':
        return null;
      case 'blocked':
        return (
          <button type="button" className="player-play" data-testid="video-play" onClick={onPlay}>
            <span className="player-play-icon" aria-hidden="true" />
            {t('viewer.video.play')}
          </button>
        );
      case 'unsupported':
        return <MessageBox text={hasHls ? t('viewer.video.unsupported') : t('player.unsupportedNoHls')} />;
      case 'connecting':
      case 'retrying':
        return <MessageBox busy text={playback === 'retrying' ? t('viewer.video.retrying') : t('viewer.video.connecting')} />;
    }
  }
  if (state === 'loading' && stream.loaded && stream.error !== null) {
    return (
      <MessageBox text={t('viewer.video.loadFailed')}>
        <button type="button" className="btn btn-sm" onClick={stream.reload}>
          {t('common.retry')}
        </button>
      </MessageBox>
    );
  }
  const message = stageMessage(state, sessionStatus);
  if (message === 'reconnecting') return <Reconnecting stream={stream} />;
  return <OfflineMessage message={message} sessionStatus={sessionStatus} replayReady={replayReady} />;
}

function OfflineMessage({ message, sessionStatus, replayReady }: { message: StageMessage; sessionStatus: SessionStatus; replayReady?: (() => Promise<boolean>) | undefined }) {
  const { t } = useTranslation();
  if (message === 'loading' || message === null) return <MessageBox busy text={t('viewer.video.loading')} />;
  return (
    <MessageBox
      text={message === 'ended' ? t('viewer.video.ended') : t('viewer.video.notLive')}
      hint={message === 'notLive' ? t('viewer.video.notLiveHint') : null}
      badge={sessionStatus !== 'live' ? <StatusBadge status={sessionStatus} /> : null}
    >
      {message === 'ended' && replayReady ? <ReplaySoon ready={replayReady} /> : null}
    </MessageBox>
  );
}

/** How often and how long a room that has just ended asks whether its replay is ready (the recording is finished a few seconds after the end). */
const REPLAY_POLL_MS = 5000;
const REPLAY_POLL_FOR_MS = 5 * 60_000;

/** The live ended while the viewer watched: once the recording is ready, offer the replay (the page becomes it on reload). */
function ReplaySoon({ ready }: { ready: () => Promise<boolean> }) {
  const { t } = useTranslation();
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const until = Date.now() + REPLAY_POLL_FOR_MS;
    const ask = async () => {
      const ok = await ready().catch(() => false);
      if (stopped) return;
      if (ok) setAvailable(true);
      else if (Date.now() < until) timer = window.setTimeout(() => void ask(), REPLAY_POLL_MS);
    };
    timer = window.setTimeout(() => void ask(), REPLAY_POLL_MS / 2);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [ready]);
  if (!available) return null;
  return (
    <div className="replay-soon" data-testid="replay-ready">
      <span>{t('replay.readyNow')}</span>{' '}
      <button type="button" className="btn btn-sm btn-primary" onClick={() => { window.location.reload(); }}>
        {t('replay.watchNow')}
      </button>
    </div>
  );
}

function Reconnecting({ stream }: { stream: LiveStreamState }) {
  const { t } = useTranslation();
  const view = stream.view;
  const now = useNow(true, 1000, view?.serverOffsetMs ?? 0);
  const left = graceLeftMs(view, now);
  return (
    <MessageBox
      busy
      text={t('viewer.video.reconnecting')}
      hint={
        left === null ? null : left > 0 ? (
          <span data-testid="stream-grace" data-ms={Math.round(left)}>
            {t('viewer.video.reconnectingEndsIn', { time: formatHold(left) })}
          </span>
        ) : (
          t('viewer.video.reconnectingOverdue')
        )
      }
    />
  );
}

function MessageBox({
  text,
  hint = null,
  badge = null,
  busy = false,
  children,
}: {
  text: string;
  hint?: ReactNode;
  badge?: ReactNode;
  busy?: boolean;
  children?: ReactNode;
}) {
  return (
    <div className="video-placeholder-inner" data-testid="video-placeholder" role="status">
      {badge}
      {busy && <span className="player-spinner" aria-hidden="true" />}
      <p className="stream-state-text">{text}</p>
      {hint && <p className="stream-state-hint">{hint}</p>}
      {children}
    </div>
  );
}

function SpeakerIcon({ muted }: { muted: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
      <path d="M4 9h4l5-4v14l-5-4H4z" fill="currentColor" />
      {muted ? (
        <path d="M16 9l5 6M21 9l-5 6" stroke="currentColor" strokeWidth="2" strokeLinecap="round" fill="none" />
      ) : (
        <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" strokeWidth="2" strokeLinecap="round" fill="none" />
      )}
    </svg>
  );
}
