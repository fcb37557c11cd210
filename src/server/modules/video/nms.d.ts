// Types for the few node-media-server 4.4 files the ingest uses (the package ships none; the
// @types package describes v2). Only what rtmp-ingest.ts and flv-tags.ts touch.
declare module 'node-media-server/src/protocol/rtmp.js' {
  import type { AVPacket } from 'node-media-server/src/core/avpacket.js';
  interface RtmpConnectReq {
    app: string;
    name: string;
    host: string;
    query: Record<string, string | string[] | undefined>;
  }
  interface InvokeMessage {
    cmd: string;
    transId: number;
    cmdObj: Record<string, unknown> | null;
    streamName?: string;
  }
  export default class Rtmp {
    streamApp: string;
    streamName: string;
    streamId: number;
    connectCmdObj: Record<string, unknown> | undefined;
    parserPacket: { header: { stream_id: number } };
    onConnectCallback: (req: RtmpConnectReq) => void;
    onPlayCallback: () => void;
    onPushCallback: () => void;
    onPacketCallback: (p: AVPacket) => void;
    onOutputCallback: (b: Buffer) => void;
    parserData(buffer: Buffer): string | null | undefined;
    onPublish(msg: InvokeMessage): void;
    onPlay(msg: InvokeMessage): void;
    onDeleteStream(msg: InvokeMessage): void;
    respondPublish(): void;
    sendStatusMessage(sid: number, level: string, code: string, description: string): void;
  }
}
declare module 'node-media-server/src/core/avpacket.js' {
  export interface AVPacket {
    /** 8 audio, 9 video, 18 script. */
    codec_type: number;
    codec_id: number;
    /** audio: 0 sequence header, 1 frame; video: 2 sequence header, 3 keyframe, 4 inter; script: 5. */
    flags: number;
    dts: number;
    pts: number;
    size: number;
    /** The parser's buffer, reused: longer than `size`, overwritten by the next message. */
    data: Buffer;
  }
}
declare module 'node-media-server/src/protocol/flv.js' {
  import type { AVPacket } from 'node-media-server/src/core/avpacket.js';
  export default class Flv {
    static createHeader(hasAudio: boolean, hasVideo: boolean): Buffer;
    /** A whole FLV tag (11-byte header, body copied, PreviousTagSize). */
    static createMessage(p: AVPacket): Buffer;
  }
}
declare module 'node-media-server/src/protocol/amf.js' {
  const amf: {
    decodeAmf0Data(buf: Buffer): { cmd: string; dataObj?: Record<string, unknown>; [k: string]: unknown };
    encodeAmf0Data(opt: { cmd: string; dataObj: Record<string, unknown> }): Buffer;
    amf0EncodeOne(value: unknown): Buffer;
    amf0DecodeOne(buf: Buffer): { len: number; value: unknown };
  };
  export default amf;
}
declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string; log: (message: string, level?: string) => void };
  export default logger;
}
