import type { AVPacket } from 'node-media-server/src/core/avpacket.js';
import amf from 'node-media-server/src/protocol/amf.js';
import Flv from 'node-media-server/src/protocol/flv.js';
import type { FlvTag } from './core/flv-relay.js';

/** What the encoder declared in its onMetaData (OBS sends width, height, framerate, bitrates, codecs). */
export type StreamMetadata = Record<string, string | number | boolean>;

/** A whole FLV tag for a script body (the ingest re-encodes metadata as a plain onMetaData). */
function scriptTag(dts: number, body: Buffer): Buffer {
  const tag = Buffer.alloc(11 + body.length + 4);
  tag[0] = 18;
  tag.writeUIntBE(body.length, 1, 3);
  tag[4] = (dts >> 16) & 0xff;
  tag[5] = (dts >> 8) & 0xff;
  tag[6] = dts & 0xff;
  tag[7] = (dts >> 24) & 0xff;
  body.copy(tag, 11);
  tag.writeUInt32BE(11 + body.length, 11 + body.length);
  return tag;
}

/** The name of the script tag that opens every viewer's media with the stream clock (see `clockTag`). */
export const CLOCK_TAG_NAME = 'onOnairClock';

/**
 * A script tag `onOnairClock {base, publish}` written to each viewer after the init tags, just
 * before its first keyframe: `base` is that keyframe's timestamp (ms, the encoder's clock).
 * mpegts.js starts the video element's clock at the first media tag it receives, so a player's
 * position in the stream is `base + currentTime * 1000`, the timeline room events are stamped on
 * (overlays in step with the picture). mpegts.js hands unknown script tags to SCRIPTDATA_ARRIVED.
 */
export function clockTag(base: number, publishId: string): Buffer {
  const body = Buffer.concat([amf.amf0EncodeOne(CLOCK_TAG_NAME), amf.amf0EncodeOne({ base, publish: publishId })]);
  return scriptTag(base, body);
}

/** The timestamp (ms) in a whole FLV tag's header. */
export function tagTimestamp(tag: Buffer): number {
  return ((tag[7]! << 24) >>> 0) + (tag[4]! << 16) + (tag[5]! << 8) + tag[6]!;
}

/**
 * One packet from the RTMP parser as an FLV tag for the relay, or null for what players do not
 * need. The packet's buffer is the parser's and is reused: the tag is a copy. Metadata arrives as
 * `@setDataFrame onMetaData {...}`, which many FLV players ignore: it is re-encoded as `onMetaData`.
 */
export function tagOf(p: AVPacket): { tag: FlvTag; metadata?: StreamMetadata } | null {
  if (p.size <= 0) return null;
  if (p.codec_type === 18) {
    let decoded: ReturnType<typeof amf.decodeAmf0Data>;
    try {
      decoded = amf.decodeAmf0Data(p.data.subarray(0, p.size));
    } catch {
      return null;
    }
    const isMeta = decoded.cmd === 'onMetaData' || (decoded.cmd === '@setDataFrame' && decoded.method === 'onMetaData');
    const dataObj = decoded.dataObj;
    if (!isMeta || dataObj === null || typeof dataObj !== 'object') return null;
    const metadata: StreamMetadata = {};
    for (const [k, v] of Object.entries(dataObj)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') metadata[k] = v;
    const body = amf.encodeAmf0Data({ cmd: 'onMetaData', dataObj: metadata });
    return { tag: { kind: 'meta', dts: p.dts, bytes: scriptTag(p.dts, body) }, metadata };
  }
  if (p.codec_type === 9) {
    const frameType = p.data[0]! >> 4;
    // Video info/command frames, and AVC end-of-sequence (ffmpeg sends it with frame type 1, which
    // the parser calls a keyframe): players need neither, and a cache must not start on one.
    if (frameType === 5 || ((p.data[0]! & 0x0f) === 7 && p.data[1] === 2)) return null;
    const kind = p.flags === 2 ? 'video-config' : p.flags === 3 ? 'keyframe' : p.flags === 4 ? 'video' : null;
    return kind ? { tag: { kind, dts: p.dts, bytes: Flv.createMessage(p) } } : null;
  }
  if (p.codec_type === 8) return { tag: { kind: p.flags === 0 ? 'audio-config' : 'audio', dts: p.dts, bytes: Flv.createMessage(p) } };
  return null;
}
