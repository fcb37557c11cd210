/**
 * The pure core of the HTTP-FLV live relay: one publisher's FLV tags in, one FLV byte stream per
 * viewer out. No I/O, no clock: the edge turns RTMP packets into {@link FlvTag}s and wraps each
 * HTTP response in a {@link ViewerSink}.
 *
 * What a viewer receives: the 13-byte FLV header, the init tags (onMetaData, AVC and AAC sequence
 * headers, whichever exist), then media that always starts on a video keyframe — at once from the
 * GOP cache when one is held, otherwise at the next keyframe. A viewer that falls behind skips
 * media until a keyframe after it has drained, and one that falls too far behind is dropped, so
 * nothing here grows with a slow reader.
 */

/** How the ingest classifies each tag. See the module README for the exact rules. */
export type TagKind = 'meta' | 'video-config' | 'audio-config' | 'keyframe' | 'video' | 'audio';

/** One complete FLV tag from the publisher. */
export interface FlvTag {
  kind: TagKind;
  /** Decode timestamp in ms (for the caller and logs; the relay never rewrites tag bytes). */
  dts: number;
  /** The whole tag: 11-byte header + body + 4-byte PreviousTagSize. */
  bytes: Buffer;
}

/** One viewer's output, e.g. an HTTP response. `write` and `close` must not throw. */
export interface ViewerSink {
  /** Bytes queued and not yet written to the socket (e.g. `res.writableLength`). */
  readonly buffered: number;
  write(chunk: Buffer): void;
  /** Called once when the relay drops this viewer (too slow for too long, or the stream ended). */
  close(reason: 'slow' | 'ended'): void;
}

export interface FlvRelayOptions {
  /** Cap on the GOP cache in bytes (default 8 MiB): above it the cache is dropped until the next keyframe. */
  maxGopBytes?: number;
  /** A viewer lagging by more than this skips media until a keyframe that finds it drained below (default 1 MiB). */
  slowBytes?: number;
  /** A viewer lagging by more than this is closed with 'slow' (default 4 MiB). */
  dropBytes?: number;
  /**
   * A tag written to each viewer after the init tags, just before its first keyframe, made from
   * that keyframe's whole tag (the video service writes the stream clock there); null writes none.
   */
  startTag?: (keyframe: Buffer) => Buffer | null;
}

export interface FlvRelayStats {
  /** Viewers attached now (started or still waiting for their first keyframe). */
  viewers: number;
  /** Bytes and tags in the GOP cache now (0 while waiting for a keyframe). */
  gopBytes: number;
  gopTags: number;
  /** Totals since construction (kept across `end()`, so they can back monotonic counters). */
  skippedTags: number;
  droppedViewers: number;
  bytesOut: number;
}

const MiB = 1024 * 1024;
const TAG_HEADER = 11;

/** The 13-byte FLV file header (signature, version 1, track flags, data offset 9) plus PreviousTagSize0. */
export function flvHeader(hasAudio: boolean, hasVideo: boolean): Buffer {
  const b = Buffer.alloc(13);
  b.write('FLV', 0, 'latin1');
  b[3] = 1;
  b[4] = (hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0);
  b.writeUInt32BE(9, 5);
  return b; // bytes 9..12: PreviousTagSize0 = 0
}

interface Viewer {
  readonly sink: ViewerSink;
  /** Header and init tags written; the viewer has had (at least) one keyframe. */
  started: boolean;
  /** Receiving media; false while waiting for its first keyframe or skipping after being slow. */
  inSync: boolean;
  /** Bytes written to this viewer so far. */
  written: number;
  /** Size of the join burst (header + init + cached GOP) that may still be queued; 0 once flushed. */
  burst: number;
  unsubscribe: () => void;
}

type InitKind = 'meta' | 'video-config' | 'audio-config';
const INIT_ORDER: readonly InitKind[] = ['meta', 'video-config', 'audio-config'];

function option(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`FlvRelay: ${name} must be a non-negative number`);
  return value;
}

/**
 * Same payload, ignoring the timestamp (bytes 4..7 of the tag header): encoders resend unchanged
 * sequence headers and some players choke on duplicates (SRS's `reduce_sequence_header`).
 */
function samePayload(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  if (a.length < TAG_HEADER) return a.equals(b);
  return a.subarray(0, 4).equals(b.subarray(0, 4)) && a.subarray(8).equals(b.subarray(8));
}

/** Fan-out of one live stream. Reusable: after `end()` a new publish can feed the same relay. */
export class FlvRelay {
  private readonly maxGopBytes: number;
  private readonly slowBytes: number;
  private readonly dropBytes: number;
  private readonly startTag: ((keyframe: Buffer) => Buffer | null) | null;

  private readonly viewers = new Map<ViewerSink, Viewer>();
  private readonly init = new Map<InitKind, Buffer>();
  /** Tags since the latest keyframe, or null while there is none worth serving (none yet, over cap, config changed). */
  private gop: Buffer[] | null = null;
  private gopBytes = 0;
  private sawAudio = false;

  private skippedTags = 0;
  private droppedViewers = 0;
  private bytesOut = 0;

  constructor(opts: FlvRelayOptions = {}) {
    this.maxGopBytes = option('maxGopBytes', opts.maxGopBytes, 8 * MiB);
    this.slowBytes = option('slowBytes', opts.slowBytes, 1 * MiB);
    this.dropBytes = option('dropBytes', opts.dropBytes, 4 * MiB);
    this.startTag = opts.startTag ?? null;
  }

  /** Feed one tag from the publisher. Tags of unknown kind or without bytes are ignored. */
  push(tag: FlvTag): void {
    const bytes = tag?.bytes;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) return;
    switch (tag.kind) {
      case 'meta':
      case 'video-config':
      case 'audio-config':
        this.pushInit(tag.kind, bytes);
        return;
      case 'keyframe':
        this.gop = bytes.length <= this.maxGopBytes ? [bytes] : null;
        this.gopBytes = this.gop ? bytes.length : 0;
        for (const v of this.attached()) this.deliverKeyframe(v, bytes);
        return;
      case 'video':
      case 'audio':
        if (tag.kind === 'audio') this.sawAudio = true;
        if (this.gop) {
          if (this.gopBytes + bytes.length > this.maxGopBytes) this.clearGop();
          else {
            this.gop.push(bytes);
            this.gopBytes += bytes.length;
          }
        }
        for (const v of this.attached()) this.deliverInter(v, bytes);
        return;
      default:
        return;
    }
  }

  /**
   * Attach a viewer. With a GOP cached it gets header, init tags and the cache at once; otherwise
   * nothing until the next keyframe (so the header's track flags are right). Adding a sink that is
   * already attached changes nothing. Returns an idempotent unsubscribe (it does not call `close`).
   */
  add(sink: ViewerSink): () => void {
    const existing = this.viewers.get(sink);
    if (existing) return existing.unsubscribe;
    const v: Viewer = {
      sink,
      started: false,
      inSync: false,
      written: 0,
      burst: 0,
      unsubscribe: () => {
        if (this.viewers.get(sink) === v) this.viewers.delete(sink);
      },
    };
    this.viewers.set(sink, v);
    if (this.gop) {
      this.start(v, this.gop);
      v.burst = v.written;
    }
    return v.unsubscribe;
  }

  /** Publisher gone: close every viewer with 'ended' and forget the stream (init tags, GOP, tracks). */
  end(): void {
    const closing = [...this.viewers.values()];
    this.viewers.clear();
    this.init.clear();
    this.clearGop();
    this.sawAudio = false;
    for (const v of closing) v.sink.close('ended');
  }

  stats(): FlvRelayStats {
    return {
      viewers: this.viewers.size,
      gopBytes: this.gopBytes,
      gopTags: this.gop?.length ?? 0,
      skippedTags: this.skippedTags,
      droppedViewers: this.droppedViewers,
      bytesOut: this.bytesOut,
    };
  }

  private pushInit(kind: InitKind, bytes: Buffer): void {
    const previous = this.init.get(kind);
    if (previous && samePayload(previous, bytes)) return;
    this.init.set(kind, bytes);
    // Cached frames were encoded for the old decoder config: a joiner must not get them after the new one.
    if (kind !== 'meta' && previous) this.clearGop();
    // Viewers not started yet get the latest init tags when they start.
    for (const v of this.attached()) {
      if (v.started && !this.dropIfTooFar(v)) this.write(v, bytes);
    }
  }

  /**
   * The viewers attached when a tag arrives, skipping any that leave meanwhile: a sink may
   * unsubscribe (or a new one be added) from inside write/close, and a joiner that already got
   * this tag from the cache must not get it twice.
   */
  private *attached(): Generator<Viewer> {
    for (const v of [...this.viewers.values()]) {
      if (this.viewers.get(v.sink) === v) yield v;
    }
  }

  private deliverKeyframe(v: Viewer, bytes: Buffer): void {
    if (this.dropIfTooFar(v)) return;
    if (!v.started) {
      this.start(v, [bytes]);
    } else if (this.lag(v) > this.slowBytes) {
      v.inSync = false;
      this.skippedTags++;
    } else {
      v.inSync = true;
      this.write(v, bytes);
    }
  }

  private deliverInter(v: Viewer, bytes: Buffer): void {
    if (!v.started) return; // waiting for its first keyframe: not a skip
    if (this.dropIfTooFar(v)) return;
    if (v.inSync && this.lag(v) > this.slowBytes) v.inSync = false;
    if (v.inSync) this.write(v, bytes);
    else this.skippedTags++;
  }

  /** Header, init tags, then `media` (which starts with a keyframe). */
  private start(v: Viewer, media: readonly Buffer[]): void {
    const hasAudio = this.sawAudio || this.init.has('audio-config');
    v.started = true;
    v.inSync = true;
    this.write(v, flvHeader(hasAudio, true));
    for (const kind of INIT_ORDER) {
      const b = this.init.get(kind);
      if (b) this.write(v, b);
    }
    const first = this.startTag && media[0] ? this.startTag(media[0]) : null;
    if (first) this.write(v, first);
    for (const b of media) this.write(v, b);
  }

  private write(v: Viewer, chunk: Buffer): void {
    v.written += chunk.length;
    this.bytesOut += chunk.length;
    v.sink.write(chunk);
  }

  /**
   * How far behind the viewer is, in bytes: what its socket still holds, minus what is left of
   * its join burst. The burst (up to a whole cached GOP, 8 MiB by default, more than dropBytes)
   * is queued on purpose and drains first (FIFO), so it must not count as lag, or every joiner
   * on a big GOP would be skipped or dropped at once.
   */
  private lag(v: Viewer): number {
    const buffered = v.sink.buffered;
    if (!(buffered > 0)) {
      if (buffered === 0) v.burst = 0;
      return 0;
    }
    if (v.burst > 0) {
      const flushed = v.written - buffered;
      const burstLeft = Math.min(v.burst, Math.max(0, v.burst - flushed));
      if (burstLeft === 0) v.burst = 0;
      return Math.max(0, buffered - burstLeft);
    }
    return buffered;
  }

  private dropIfTooFar(v: Viewer): boolean {
    if (this.lag(v) <= this.dropBytes) return false;
    this.viewers.delete(v.sink);
    this.droppedViewers++;
    v.sink.close('slow');
    return true;
  }

  private clearGop(): void {
    this.gop = null;
    this.gopBytes = 0;
  }
}
