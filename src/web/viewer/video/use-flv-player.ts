import type Mpegts from 'mpegts.js';
import { flvPosition, onairClockOf, type OnairClock } from './player-choice';
import type { PlayerEngine } from './use-live-player';

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

/**
 * HTTP-FLV through mpegts.js (Media Source). Trouble: an error, or the server ending the response
 * (the stream stopped, or this player fell too far behind). Its position on the stream clock: the
 * `onOnairClock` script tag the server writes before the first keyframe, plus currentTime.
 */
export const flvEngine: PlayerEngine = async (video, url, cb) => {
  const mpegts = await loadMpegts();
  if (!mpegts.isSupported()) return 'unsupported';
  const p = mpegts.createPlayer({ type: 'flv', isLive: true, url }, PLAYER_CONFIG);
  let clock: OnairClock | null = null;
  p.on(mpegts.Events.ERROR, cb.trouble);
  p.on(mpegts.Events.LOADING_COMPLETE, cb.trouble);
  p.on(mpegts.Events.SCRIPTDATA_ARRIVED, (data: unknown) => {
    const c = onairClockOf(data);
    if (c) clock = c;
  });
  cb.position(() => flvPosition(clock, video.currentTime));
  p.attachMediaElement(video);
  p.load();
  return {
    destroy: () => {
      try {
        p.unload();
        p.detachMediaElement();
        p.destroy();
      } catch {
        // Destroying a player that already failed may throw; it is gone either way.
      }
    },
  };
};
