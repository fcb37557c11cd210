import type HlsType from 'hls.js';
import type { HlsConfig } from 'hls.js';
import { hlsPosition, publishIdOfSegment } from './player-choice';
import type { PlayerEngine } from './use-live-player';

type HlsClass = typeof HlsType;

// hls.js (light build: no subtitles, DRM or alternate audio, which a live room does not use) is
// fetched only when a stream is played with it.
let loading: Promise<HlsClass> | null = null;
function loadHls(): Promise<HlsClass> {
  loading ??= import('hls.js/light').then(
    (m) => m.default,
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** Whether hls.js can play here (Media Source or Managed Media Source), without loading it. */
export function hlsJsSupported(): boolean {
  const w = window as unknown as { MediaSource?: typeof MediaSource; ManagedMediaSource?: typeof MediaSource };
  const ms = w.MediaSource ?? w.ManagedMediaSource;
  return !!ms && typeof ms.isTypeSupported === 'function' && ms.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"');
}

/**
 * Close to live. ffmpeg cuts segments at keyframes, so with the recommended 2 s keyframe interval
 * they are 2 s long: start 3 s from the playlist's end (a segment and a half: the next one lands
 * with a second to spare), catch up a little faster (up to 1.2×) when behind, and seek forward when
 * more than 8 s behind. In seconds rather than segments, so a 1 s keyframe interval gets no slower.
 */
const HLS_CONFIG: Partial<HlsConfig> = {
  liveSyncDuration: 3,
  liveMaxLatencyDuration: 8,
  maxLiveSyncPlaybackRate: 1.2,
  backBufferLength: 30,
  // Our own backoff restarts the player; hls.js only retries briefly before saying it is fatal.
  manifestLoadPolicy: { default: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 10_000, timeoutRetry: { maxNumRetry: 1, retryDelayMs: 0, maxRetryDelayMs: 0 }, errorRetry: { maxNumRetry: 2, retryDelayMs: 1000, maxRetryDelayMs: 2000 } } },
};

/**
 * HLS through hls.js. Trouble: a fatal error, or the playlist's end (the stream stopped). Position:
 * the segments keep the encoder's timestamps (the server runs ffmpeg with -copyts), so hls.js's
 * initPTS gives the stream clock; the publish comes from the segment names (`<publishId>-<n>.ts`).
 */
export const hlsEngine: PlayerEngine = async (video, url, cb) => {
  const Hls = await loadHls();
  if (!Hls.isSupported()) return 'unsupported';
  const hls = new Hls(HLS_CONFIG);
  let init: { initPTS: number; timescale: number } | null = null;
  let publishId: string | null = null;
  hls.on(Hls.Events.INIT_PTS_FOUND, (_e, d) => {
    if (d.id !== 'main') return;
    init = { initPTS: d.initPTS, timescale: d.timescale };
    publishId = publishIdOfSegment(d.frag.url) ?? publishId;
  });
  hls.on(Hls.Events.ERROR, (_e, d) => {
    if (d.fatal) cb.trouble();
  });
  // The playlist got its end tag: the encoder stopped; start over when the room says live again.
  hls.on(Hls.Events.LEVEL_UPDATED, (_e, d) => {
    if (!d.details.live) cb.trouble();
  });
  cb.position(() => hlsPosition(init, publishId, video.currentTime));
  hls.loadSource(url);
  hls.attachMedia(video);
  return { destroy: () => hls.destroy() };
};

/** The browser's own HLS (Safari, iOS). Its position on the stream clock is not known. */
export const nativeHlsEngine: PlayerEngine = (video, url, cb) => {
  const onError = () => cb.trouble();
  video.addEventListener('error', onError);
  video.addEventListener('ended', onError);
  video.src = url;
  cb.position(null);
  return Promise.resolve({
    destroy: () => {
      video.removeEventListener('error', onError);
      video.removeEventListener('ended', onError);
      video.removeAttribute('src');
      video.load();
    },
  });
};
