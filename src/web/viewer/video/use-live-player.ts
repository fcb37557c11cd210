import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { setPlaybackPosition, type PositionSource } from './playback-clock';
import { forcedProtocol, playerCandidates, protocolAfterFailures, streamLatencySeconds, type PlayerSupport, type Protocol, type ServerClockSample } from './player-choice';
import { ProgressWatch, liveAgainDelay, liveLatencySeconds, playerRetryDelay } from './player-health';
import { flvEngine } from './use-flv-player';
import { hlsEngine, hlsJsSupported, nativeHlsEngine } from './use-hls-player';

/**
 * Where the player stands: `idle` (no stream to play), `connecting` (waiting for the first
 * frame), `playing`, `retrying` (torn down, starting over after a backoff), `blocked` (the
 * browser refused to start even muted: a tap starts it), `unsupported` (nothing here can play it).
 */
export type Playback = 'idle' | 'connecting' | 'playing' | 'retrying' | 'blocked' | 'unsupported';

/** One way of playing a URL on the page's `<video>`; reports trouble and how to read its stream position. */
export type PlayerEngine = (
  video: HTMLVideoElement,
  url: string,
  cb: { trouble: () => void; position: (reader: PositionSource | null) => void },
) => Promise<{ destroy: () => void } | 'unsupported'>;

const ENGINES: Record<Protocol, PlayerEngine> = { flv: flvEngine, hls: hlsEngine, 'native-hls': nativeHlsEngine };

/**
 * The running player's stream position is also readable on its `<video>` as `onairPosition()`, for
 * the browser tests and the latency benchmark (which compare it with the timestamp burned into the
 * picture); the app itself reads playback-clock.ts.
 */
function exposePosition(video: HTMLVideoElement, reader: PositionSource | null): void {
  (video as HTMLVideoElement & { onairPosition?: PositionSource }).onairPosition = reader ?? undefined;
}

function detectSupport(video: HTMLVideoElement): PlayerSupport {
  const ms = (window as unknown as { MediaSource?: typeof MediaSource }).MediaSource;
  const flv = !!ms && typeof ms.isTypeSupported === 'function' && ms.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"');
  return { flv, hlsJs: hlsJsSupported(), nativeHls: video.canPlayType('application/vnd.apple.mpegurl') !== '' };
}

export interface LivePlayerOptions {
  videoRef: RefObject<HTMLVideoElement | null>;
  /** Where to play; read when a player is created (a new signed address alone does not interrupt one that works). */
  urls: { flv: string | null; hls: string | null };
  /** A player should exist (the stream is live or reconnecting, and there is a video element). */
  enabled: boolean;
  /** The stream is live (not reconnecting): the picture is expected to move. */
  live: boolean;
  /** Bumped when the stream goes live again: start over on a fresh connection. */
  liveEpoch: number;
  /** Something went wrong: the caller fetches the play info again (state, signed address). */
  onTrouble: () => void;
  /** Measure the latency every second (team only). */
  measureLatency: boolean;
  /** The server's stream clock from /stream, to measure the latency against. */
  serverClock: ServerClockSample | null;
}

export interface LivePlayerState {
  playback: Playback;
  /** What is playing (or being tried). */
  protocol: Protocol | null;
  muted: boolean;
  /**
   * Seconds behind live: against the server's stream clock when both are known (`stream`), else
   * behind the newest media this player received (`buffer`); null when not measured.
   */
  latency: { seconds: number; kind: 'stream' | 'buffer' } | null;
  unmute: () => void;
  mute: () => void;
  /** After `blocked`: start playing from a tap. */
  play: () => void;
}

/**
 * The live picture on the page's `<video>`, started muted (browsers refuse autoplay with sound),
 * with the best protocol this browser plays (player-choice.ts; `?player=` forces one). On an
 * error, the end of the stream's response, or a picture that stops moving while the stream is live,
 * the player is destroyed and created again after a backoff (1 s … 8 s); after three failures in a
 * row without a picture it tries the other protocol. When the room says the stream is live again,
 * it is created again after a short pause (0.6–1.5 s). The running player registers its stream
 * position with playback-clock.ts.
 */
export function useLivePlayer({ videoRef, urls, enabled, live, liveEpoch, onTrouble, measureLatency, serverClock }: LivePlayerOptions): LivePlayerState {
  const [generation, setGeneration] = useState(0);
  const [playback, setPlayback] = useState<Playback>('idle');
  const [protocol, setProtocol] = useState<Protocol | null>(null);
  const [muted, setMuted] = useState(true);
  const [latency, setLatency] = useState<LivePlayerState['latency']>(null);
  const latest = useRef({ urls, live, onTrouble, measureLatency, muted, serverClock });
  useEffect(() => {
    latest.current = { urls, live, onTrouble, measureLatency, muted, serverClock };
  });
  const attempt = useRef(0);
  const protocolIndex = useRef(0);
  const restartTimer = useRef<number | undefined>(undefined);
  const troubleTimer = useRef<number | undefined>(undefined);
  const teardownRef = useRef<(() => void) | null>(null);

  const restartAfter = useCallback((delayMs: number) => {
    window.clearTimeout(restartTimer.current);
    restartTimer.current = window.setTimeout(() => {
      restartTimer.current = undefined;
      setGeneration((g) => g + 1);
    }, delayMs);
  }, []);

  useEffect(
    () => () => {
      window.clearTimeout(restartTimer.current);
      window.clearTimeout(troubleTimer.current);
    },
    [],
  );

  // The stream is live again: the old connection (if still open) carries the new publish with
  // timestamps starting over, which a running decoder does not follow. Start over. Only a player
  // that was already there: one being created in this same render (the stream was offline) is
  // new enough. (This effect runs before the one below that creates players.)
  const seenEpoch = useRef(liveEpoch);
  useEffect(() => {
    if (seenEpoch.current === liveEpoch) return;
    seenEpoch.current = liveEpoch;
    if (!enabled || !teardownRef.current) return;
    teardownRef.current();
    attempt.current = 0;
    setPlayback('connecting');
    restartAfter(liveAgainDelay());
  }, [liveEpoch, enabled, restartAfter]);

  useEffect(() => {
    const video = videoRef.current;
    const { flv, hls } = latest.current.urls;
    if (!enabled || !video || (!flv && !hls)) {
      setPlayback('idle');
      setLatency(null);
      return;
    }
    const candidates = playerCandidates(detectSupport(video), latest.current.urls, forcedProtocol(window.location.search));
    if (candidates.length === 0) {
      setPlayback('unsupported');
      return;
    }
    protocolIndex.current = Math.min(protocolIndex.current, candidates.length - 1);
    const chosen = candidates[protocolIndex.current]!;
    const url = chosen === 'flv' ? flv : hls;
    const src = new URL(url!, window.location.href).href;
    setProtocol(chosen);
    let engine: { destroy: () => void } | null = null;
    let started = false;
    let disposed = false;
    let position: PositionSource | null = null;
    let unregister: (() => void) | null = null;
    const watch = new ProgressWatch();
    watch.reset(performance.now());
    setPlayback('connecting');

    const teardown = () => {
      exposePosition(video, null);
      unregister?.();
      unregister = null;
      position = null;
      const e = engine;
      engine = null;
      started = false;
      e?.destroy();
    };
    teardownRef.current = teardown;

    const trouble = () => {
      if (disposed || !started) return;
      teardown();
      setPlayback('retrying');
      setLatency(null);
      const failures = ++attempt.current;
      const next = protocolAfterFailures(protocolIndex.current, failures, candidates.length);
      if (next !== protocolIndex.current) {
        protocolIndex.current = next;
        attempt.current = 0;
      }
      const delay = playerRetryDelay(failures - 1);
      // Fresh play info before the next try, asked at a random point in the first half of the
      // wait: a relay restart fails every player of the room at once.
      window.clearTimeout(troubleTimer.current);
      troubleTimer.current = window.setTimeout(() => { latest.current.onTrouble(); }, Math.round((delay / 2) * Math.random()));
      restartAfter(delay);
    };

    const start = (muted: boolean) => {
      video.muted = muted;
      video.play().catch((err: unknown) => {
        if (disposed || !(err instanceof DOMException) || err.name !== 'NotAllowedError') return;
        if (!muted) {
          // Sound was allowed earlier in this page but not now: keep watching, muted.
          setMuted(true);
          start(true);
        } else {
          setPlayback('blocked');
        }
      });
    };

    // The backoff starts again from 1 s only once a picture has played for a while: a stream
    // that fails right after its first frame keeps backing off.
    let settled: number | undefined;
    const onPlaying = () => {
      setPlayback('playing');
      window.clearTimeout(settled);
      settled = window.setTimeout(() => { attempt.current = 0; }, 10_000);
    };
    video.addEventListener('playing', onPlaying);

    started = true;
    ENGINES[chosen](video, src, {
      trouble,
      position: (reader) => {
        position = reader;
        exposePosition(video, reader);
        unregister?.();
        unregister = reader ? setPlaybackPosition(reader) : null;
      },
    }).then(
      (e) => {
        if (disposed || !started) {
          if (e !== 'unsupported') e.destroy();
          return;
        }
        if (e === 'unsupported') {
          teardown();
          setPlayback('unsupported');
          return;
        }
        engine = e;
        start(latest.current.muted);
      },
      () => {
        // The player's chunk did not load.
        if (disposed) return;
        teardown();
        setPlayback('retrying');
        restartAfter(playerRetryDelay(attempt.current++));
      },
    );

    const tick = window.setInterval(() => {
      if (!engine) return;
      const shouldMove = latest.current.live && !video.paused && document.visibilityState === 'visible';
      if (watch.check(video.currentTime, performance.now(), shouldMove)) {
        trouble();
        return;
      }
      if (!latest.current.measureLatency) {
        setLatency(null);
        return;
      }
      const stream = streamLatencySeconds(latest.current.serverClock, Date.now(), position?.() ?? null);
      const buffer = liveLatencySeconds(video.buffered, video.currentTime);
      setLatency(stream !== null ? { seconds: stream, kind: 'stream' } : buffer !== null ? { seconds: buffer, kind: 'buffer' } : null);
    }, 1000);

    return () => {
      disposed = true;
      window.clearInterval(tick);
      window.clearTimeout(settled);
      video.removeEventListener('playing', onPlaying);
      if (teardownRef.current === teardown) teardownRef.current = null;
      teardown();
    };
  }, [enabled, generation, videoRef, restartAfter]);

  const unmute = useCallback(() => {
    const video = videoRef.current;
    setMuted(false);
    if (!video) return;
    video.muted = false;
    if (video.paused) void video.play().catch(() => undefined);
  }, [videoRef]);

  const mute = useCallback(() => {
    setMuted(true);
    if (videoRef.current) videoRef.current.muted = true;
  }, [videoRef]);

  const play = useCallback(() => {
    const video = videoRef.current;
    if (!video) return;
    void video.play().then(
      () => { setPlayback('playing'); },
      () => undefined,
    );
  }, [videoRef]);

  return { playback, protocol, muted, latency, unmute, mute, play };
}
