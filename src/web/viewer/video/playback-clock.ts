/**
 * Where the viewer's picture is, on the stream's own clock: the publish it shows and the encoder
 * timestamp (ms) of the frame on screen now. The server stamps room events that refer to the
 * picture (a product pinned, a flash sale opened, an announcement) with the timestamp its ingest
 * had reached (`at`), so an overlay is shown when this viewer's playback reaches that moment, not
 * when the message arrives.
 *
 * The player that is running registers how to read its position (FLV: the `onOnairClock` tag's
 * `base` plus the video element's currentTime; HLS: the segments' timestamps); overlays ask here.
 */
export interface StreamPosition {
  publishId: string;
  /** Encoder timestamp (ms) of what is on screen now. */
  ts: number;
}

export type PositionSource = () => StreamPosition | null;

let source: PositionSource | null = null;
const listeners = new Set<() => void>();

/** The running player sets its reader (null when it stops); returns a remover that only removes this reader. */
export function setPlaybackPosition(reader: PositionSource | null): () => void {
  source = reader;
  for (const l of [...listeners]) l();
  return () => {
    if (source === reader) {
      source = null;
      for (const l of [...listeners]) l();
    }
  };
}

/** What is on screen now, or null when no player knows (no stream, not started, or a player without a clock). */
export function playbackPosition(): StreamPosition | null {
  try {
    return source?.() ?? null;
  } catch {
    return null;
  }
}

/** Called when a player starts or stops reporting its position. */
export function onPlaybackClockChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
