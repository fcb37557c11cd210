import net from 'node:net';
import type { AVPacket } from 'node-media-server/src/core/avpacket.js';
import nmsLogger from 'node-media-server/src/core/logger.js';
import Rtmp from 'node-media-server/src/protocol/rtmp.js';

/** Who wants to publish: the RTMP app and stream name (OBS "Server" path and "Stream Key"). */
export interface PublishRequest {
  app: string;
  /** The stream name without its query string (OBS's "Stream Key"). */
  key: string;
  remoteAddress: string | null;
  /** The encoder's flashVer from its connect (e.g. "FMLE/3.0 (compatible; obs-studio/30.1)"). */
  encoder: string | null;
}

/** An accepted publish: where its packets go and how it is told the publisher left. */
export interface PublishSink {
  packet(p: AVPacket): void;
  /** The publisher is gone (closed, stopped publishing, or kicked); called once. */
  ended(): void;
}

export interface PublishHandle {
  /** Ends the publish from our side (key rotated, session ended): the socket is destroyed. */
  kick(): void;
}

export type PublishDecision = { ok: true; sink: (handle: PublishHandle) => PublishSink } | { ok: false; reason: string };

export interface RtmpIngestOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** Decides a publish at the handshake, before any media is taken. */
  authorize(req: PublishRequest): Promise<PublishDecision>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
  /** Connections at once (publishers and handshakes in progress). Default 64. */
  maxConnections?: number;
  /** A connection that has not started publishing within this is closed (ms). Default 15 s. */
  publishDeadlineMs?: number;
  /** A publisher silent for this long is closed (ms). Default 30 s. */
  idleMs?: number;
}

// node-media-server's logger prints with console.log at debug level by default: route it to ours.
let loggerRouted = false;
function routeLibraryLog(log: RtmpIngestOptions['log']): void {
  if (loggerRouted) return;
  loggerRouted = true;
  nmsLogger.level = 'warn';
  nmsLogger.log = (message: string, level = 'info') => {
    if (level === 'error' || level === 'warn') log.debug({ component: 'rtmp' }, String(message).slice(0, 300));
  };
}

/**
 * RTMP ingest in the Onair process, on node-media-server's RTMP protocol parser only (its
 * handshake, chunking and AMF), in our own `net.Server`: none of its servers, broadcast, auth or
 * global state. We cover its known weak points here:
 * - Publish is decided by `authorize` (our stream keys, compared in constant time) when the
 *   encoder asks to publish, before `NetStream.Publish.Start` is sent; a refusal gets
 *   `NetStream.Publish.BadName` and the socket closes. Its own signed URLs (a default or empty
 *   secret, compared with ===) are never turned on.
 * - Media is taken only from the accepted publisher of a connection (the library forwards any
 *   client's media); RTMP playback is refused (viewers use HTTP-FLV / HLS from our relay).
 * - A malformed message (the parser throws, e.g. on a bad tcUrl) closes that connection, never the
 *   process. Connections are bounded, must publish within a deadline, and are closed when idle.
 * - Backpressure towards viewers is the relay's (core/flv-relay.ts), not the library's.
 */
export class RtmpIngest {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private boundPort = 0;

  constructor(private readonly o: RtmpIngestOptions) {
    routeLibraryLog(o.log);
  }

  /** The port it listens on (after start). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.o.maxConnections ?? 64;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.o.log.warn({ err }, 'rtmp ingest error'));
    this.boundPort = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const rtmp = new Rtmp();
    let state: 'handshake' | 'deciding' | 'publishing' | 'closed' = 'handshake';
    let sink: PublishSink | null = null;
    const finish = () => {
      if (state === 'closed') return;
      state = 'closed';
      const s = sink;
      sink = null;
      s?.ended();
    };
    const deadline = setTimeout(() => {
      if (state !== 'publishing') socket.destroy();
    }, this.o.publishDeadlineMs ?? 15_000);
    deadline.unref();
    socket.setTimeout(this.o.idleMs ?? 30_000, () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(deadline);
      this.sockets.delete(socket);
      finish();
    });
    socket.on('error', () => undefined);

    rtmp.onOutputCallback = (b) => {
      if (!socket.destroyed) socket.write(b);
    };
    rtmp.onConnectCallback = () => undefined;
    rtmp.onPushCallback = () => undefined;
    rtmp.onPlayCallback = () => undefined;
    // Ingest only: no RTMP playback.
    rtmp.onPlay = () => socket.destroy();
    rtmp.onDeleteStream = () => {
      if (state === 'publishing') socket.end();
      finish();
    };
    rtmp.onPacketCallback = (p) => {
      if (state === 'publishing' && sink) sink.packet(p);
    };
    rtmp.onPublish = (msg) => {
      if (state !== 'handshake') return void socket.destroy();
      state = 'deciding';
      const raw = String(msg.streamName ?? '');
      const key = raw.split('?')[0] ?? '';
      const streamId = rtmp.parserPacket.header.stream_id;
      const flashVer = rtmp.connectCmdObj?.flashVer;
      const req: PublishRequest = { app: String(rtmp.streamApp ?? ''), key, remoteAddress: socket.remoteAddress ?? null, encoder: typeof flashVer === 'string' ? flashVer.slice(0, 200) : null };
      this.o
        .authorize(req)
        .catch((err: unknown): PublishDecision => {
          this.o.log.warn({ err }, 'rtmp publish check failed');
          return { ok: false, reason: 'unavailable' };
        })
        .then((d) => {
          if (state !== 'deciding' || socket.destroyed) return;
          if (!d.ok) {
            this.o.log.info({ remoteAddress: req.remoteAddress, reason: d.reason }, 'rtmp publish refused');
            rtmp.sendStatusMessage(streamId, 'error', 'NetStream.Publish.BadName', d.reason);
            state = 'closed';
            socket.end();
            setTimeout(() => socket.destroy(), 2000).unref();
            return;
          }
          rtmp.streamName = key;
          rtmp.streamId = streamId;
          sink = d.sink({ kick: () => socket.destroy() });
          state = 'publishing';
          rtmp.respondPublish();
        });
    };
    socket.on('data', (data: Buffer) => {
      try {
        const err = rtmp.parserData(data);
        if (err) socket.destroy();
      } catch {
        // The library's parser throws on some malformed input: this connection ends, not the process.
        socket.destroy();
      }
    });
  }
}
