/**
 * Shared by the fan-out bench orchestrator, its load generator and its baseline servers:
 * /proc readings, a tiny HTTP helper that can pick its loopback source address, and the
 * orchestrator <-> load-generator message types.
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';

// --- /proc ------------------------------------------------------------------------------
const ticksPerSecond = 100; // USER_HZ: 100 on every Linux build Node supports (getconf CLK_TCK)

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state); utime is field 14, stime field 15.
  return (Number(f[11]) + Number(f[12])) / ticksPerSecond;
}

/** User and system CPU seconds separately. */
export function cpuSplit(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) / ticksPerSecond, system: Number(f[12]) / ticksPerSecond };
}

/**
 * Busy CPU seconds of the whole machine (all cores; /proc/stat), to see other load, and the
 * part spent in softirq (loopback network processing is often charged there, not to a process).
 */
export function machineBusySeconds(): { busy: number; softirq: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...
  const busy = v[0]! + v[1]! + v[2]! + v[5]! + v[6]! + v[7]!;
  return { busy: busy / ticksPerSecond, softirq: v[6]! / ticksPerSecond };
}

/** Resident set size in bytes (VmRSS of /proc/PID/status). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

// --- HTTP -------------------------------------------------------------------------------
export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One JSON request to a loopback origin, optionally from a chosen loopback source address. */
export function httpJson(
  method: string,
  url: string,
  opts: { body?: unknown; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      url,
      {
        method,
        headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** `name=value` of a Set-Cookie header, or null. */
export function cookieFrom(headers: HttpReply['headers'], name: string): string | null {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  for (const c of list) {
    const pair = c.split(';')[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return null;
}

// --- orchestrator <-> load generator ------------------------------------------------------
/**
 * How a connection speaks: `onair` (the real gateway; ready on its welcome, events inside
 * batches), `ws` (the naive baseline; one chat per frame), `sio` (Socket.IO's wire protocol,
 * engine.io v4 over a WebSocket; one `42["chat",{...}]` per frame).
 */
export type Kind = 'onair' | 'ws' | 'sio';

export interface ConnectCmd {
  cmd: 'connect';
  group: string;
  kind: Kind;
  url: string;
  count: number;
  /** Per-connection headers, used round-robin (cookies, origin). */
  headers?: Record<string, string>[];
  /** Per-connection URL query suffixes, used round-robin (e.g. `&guest=...`). */
  querySuffixes?: string[];
  /** Loopback source addresses, used round-robin (spreads ephemeral ports). */
  localAddresses?: string[];
  /** Handshakes in flight at once. */
  concurrency: number;
  /** How many of these connections parse every frame to sample latency. */
  sample: number;
  /** Give up on connections not ready after this long. */
  timeoutMs: number;
}
export interface SendCmd {
  cmd: 'send';
  group: string;
  kind: Kind;
  /** Comments per second across the whole group. */
  rate: number;
  /** Prefix of every comment's text; receivers count events whose text starts with it. */
  marker: string;
}
export type Cmd =
  | ConnectCmd
  | SendCmd
  | { cmd: 'setMarker'; marker: string }
  | { cmd: 'stopSend' }
  | { cmd: 'stats' }
  | { cmd: 'resetLatency' }
  | { cmd: 'latency' }
  | { cmd: 'closeGroup'; group: string; timeoutMs: number }
  | { cmd: 'exit' };

export interface ConnectResult {
  ready: number;
  failed: number;
  ms: number;
  errors: string[];
}
export interface LoadStats {
  /** Chat events carrying the marker, received by viewer connections (all of them). */
  deliveries: number;
  frames: number;
  bytes: number;
  /** `missed` notices (Onair dropped batches for a slow socket) and their counts. */
  missedNotices: number;
  missedCount: number;
  /** Comments sent (all send runs), acknowledged, refused (by error code). */
  sent: number;
  acks: number;
  sendErrors: Record<string, number>;
  /** Viewer connections closed by the other side, by close code. */
  closes: Record<string, number>;
  open: Record<string, number>;
  /** Event-loop utilisation of the load process since the last stats call (0..1). */
  elu: number;
  /** When the figures were taken (ms, performance.timeOrigin + performance.now()). */
  at: number;
}
export interface LatencyResult {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
