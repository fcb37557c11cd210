/**
 * Shared by the video bench's orchestrator (bench/video.bench.ts) and its load generator
 * (bench/video/load.ts): the orchestrator <-> load messages, a raw FLV tag reader, free ports.
 */
import { createServer } from 'node:net';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wall clock in ms with sub-ms resolution, comparable across processes on one machine. */
export const wallMs = () => performance.timeOrigin + performance.now();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}
export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/**
 * Incremental FLV reader: feed it bytes, it calls `onTag(type, timestamp, body)` for each whole
 * tag after the 13-byte file header. Timestamps are the tag header's (24 bits + extension byte).
 */
export class FlvReader {
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;
  constructor(private readonly onTag: (type: number, ts: number, body: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let o = 0;
    if (!this.headerDone) {
      if (this.buf.length < 13) return;
      if (this.buf.subarray(0, 3).toString('latin1') !== 'FLV') throw new Error('not an FLV stream');
      o = 13;
      this.headerDone = true;
    }
    while (o + 11 <= this.buf.length) {
      const size = this.buf.readUIntBE(o + 1, 3);
      if (o + 11 + size + 4 > this.buf.length) break;
      const b = this.buf;
      const ts = ((b[o + 7]! << 24) >>> 0) + (b[o + 4]! << 16) + (b[o + 5]! << 8) + b[o + 6]!;
      this.onTag(b[o]!, ts, b.subarray(o + 11, o + 11 + size));
      o += 11 + size + 4;
    }
    this.buf = this.buf.subarray(o);
  }
}

// --- orchestrator <-> load generator --------------------------------------------------------
export type Cmd =
  | {
      cmd: 'connect';
      group: string;
      /** http://127.0.0.1:PORT/path of the HTTP-FLV stream. */
      url: string;
      count: number;
      /** 'read': read and discard; 'stall': read the response head, then stop reading (pause the socket). */
      mode: 'read' | 'stall';
      timeoutMs: number;
    }
  | { cmd: 'mark' }
  | { cmd: 'window' }
  | { cmd: 'resumeStalled'; group: string; waitMs: number }
  | { cmd: 'closeAll' }
  | { cmd: 'exit' };

export interface ConnectResult {
  ready: number;
  failed: number;
  ms: number;
  errors: string[];
}

/** Per-client byte rates over the window since the last `mark`. */
export interface WindowResult {
  seconds: number;
  clients: number;
  /** Received bits per second of every reading client that was open at mark time, sorted ascending. */
  rates: number[];
  totalBytes: number;
  closedDuringWindow: number;
  /** Event-loop utilisation of the load process over the window (0..1). */
  elu: number;
}

export interface ResumeResult {
  stalled: number;
  /** Stalled clients whose stream the server had closed (they hit the end after draining). */
  closedByServer: number;
  /** Bytes the stalled clients still had queued for them (kernel buffers) when resumed, read over `waitMs`. */
  bytesAfterResume: number;
}
