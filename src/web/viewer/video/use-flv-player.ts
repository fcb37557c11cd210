import type Mpegts from 'mpegts.js';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { ProgressWatch, liveAgainDelay, liveLatencySeconds, playerRetryDelay } from './player-health';

/**
 * Where the player stands: `idle` (no stream to play), `connecting` (waiting for the first
 * frame), `playing`, `retrying` (torn down, starting over after a backoff), `blocked` (the
 * browser refused to start even muted: a tap starts it), `unsupported` (no Media Source).
 */
export type Playback = 'idle' | 'connecting' | 'playing' | 'retrying' | 'blocked' | 'unsupported';

type MpegtsModule = typeof Mpegts;

// mpegts.js is ~270 kB: fetched the first time a stream is actually played, not with the page.
let loading: Promise<MpegtsModule> | null = null;
function loadMpegts(): Promise<MpegtsModule> {
  loading ??= import('mpegts.js').then(
    (m) => {
      const mpegts = m.default;
      // Its info/debug logging is per frame and chatty; keep warnings and errors.
      mpegts.LoggingControl.applyConfig({ enableAll: false, enableInfo: false, enableDebug: false, enableVerbose: false, enableWarn: true, enableError: true });
      return mpegts;
    },
    (err: unknown) => {
      loading = null; // a failed chunk load may succeed next time
      throw err;
    },
  );
  return loading;
}

/** Low latency over smoothness: no stash buffer, and the player seeks ahead when it falls behind. */
const PLAYER_CONFIG: Mpegts.Config = {
  enableWorker: false,
  enableStashBuffer: false,
  stashInitialSize: 128 * 1024,
  liveBufferLatencyChasing: true,
  liveBufferLatencyMaxLatency: 1.5,
  liveBufferLatencyMinRemain: 0.3,
  // A live stream is never "loaded enough"; and keep the SourceBuffer from growing for hours.
  lazyLoad: false,
  autoCleanupSourceBuffer: true,
  autoCleanupMaxBackwardDuration: 30,
  autoCleanupMinBackwardDuration: 10,
};

export interface FlvPlayerOptions {
  videoRef: RefObject<HTMLVideoElement | null>;
  /** Where to play; read when a player is created (a new signed address alone does not interrupt one that works). */
  url: string | null;
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
}

export interface FlvPlayer {
  playback: Playback;
  muted: boolean;
  /** Seconds behind the newest media received; null when not measured or nothing buffered. */
  latency: number | null;
  unmute: () => void;
  mute: () => void;
  /** After `blocked`: start playing from a tap. */
  play: () => void;
}

/**
 * One mpegts.js player on the page's `<video>`, started muted (browsers refuse autoplay with
 * sound). On an error, an early end of the response, or a picture that stops moving while the
 * stream is live, it is destroyed and created again after a backoff (1 s … 8 s); when the room
 * says the stream is live again, it is created again after a short pause (0.6–1.5 s).
 */
export function useFlvPlayer({ videoRef, url, enabled, live, liveEpoch, onTrouble, measureLatency }: FlvPlayerOptions): FlvPlayer {
  const [generation, setGeneration] = useState(0);
  const [playback, setPlayback] = useState<Playback>('idle');
  const [muted, setMuted] = useState(true);
  const [latency, setLatency] = useState<number | null>(null);
  const latest = useRef({ url, live, onTrouble, measureLatency, muted });
  useEffect(() => {
    latest.current = { url, live, onTrouble, measureLatency, muted };
  });
  const attempt = useRef(0);
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
    if (!enabled || !video || !latest.current.url) {
      setPlayback('idle');
      setLatency(null);
      return;
    }
    const src = new URL(latest.current.url, window.location.href).href;
    let player: Mpegts.Player | null = null;
    let disposed = false;
    const watch = new ProgressWatch();
    watch.reset(performance.now());
    setPlayback('connecting');

    const teardown = () => {
      const p = player;
      player = null;
      if (!p) return;
      try {
        p.unload();
        p.detachMediaElement();
        p.destroy();
      } catch {
        // Destroying a player that already failed may throw; it is gone either way.
      }
    };
    teardownRef.current = teardown;

    const trouble = () => {
      if (disposed || !player) return;
      teardown();
      setPlayback('retrying');
      setLatency(null);
      const delay = playerRetryDelay(attempt.current++);
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

    loadMpegts().then(
      (mpegts) => {
        if (disposed) return;
        if (!mpegts.isSupported()) {
          setPlayback('unsupported');
          return;
        }
        const p = mpegts.createPlayer({ type: 'flv', isLive: true, url: src }, PLAYER_CONFIG);
        player = p;
        p.on(mpegts.Events.ERROR, trouble);
        // The server ended the response (the stream stopped, or this player fell too far behind).
        p.on(mpegts.Events.LOADING_COMPLETE, trouble);
        p.attachMediaElement(video);
        p.load();
        start(latest.current.muted);
      },
      () => {
        if (disposed) return;
        setPlayback('retrying');
        restartAfter(playerRetryDelay(attempt.current++));
      },
    );

    const tick = window.setInterval(() => {
      if (!player) return;
      const shouldMove = latest.current.live && !video.paused && document.visibilityState === 'visible';
      if (watch.check(video.currentTime, performance.now(), shouldMove)) {
        trouble();
        return;
      }
      setLatency(latest.current.measureLatency ? liveLatencySeconds(video.buffered, video.currentTime) : null);
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

  return { playback, muted, latency, unmute, mute, play };
}
