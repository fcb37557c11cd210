/**
 * Interact load generator: a child process of bench/interact.bench.ts (pinned to its own core)
 * holding one WebSocket per viewer. Commands arrive over IPC; each reply carries the command id.
 *
 * - connect: every viewer opens /ws with its sign-in cookie (Onair) or its id (naive baseline)
 *   and waits for the welcome.
 * - vote / enter: every viewer sends one vote (or draw entry), spread evenly over `seconds`, and
 *   waits for its ack. A few observer viewers parse every frame and record when each counter
 *   total (voters, entrants) arrived; the rest only count bytes. With one clock for the whole
 *   process, the k-th vote sent is matched with the first total >= k an observer saw: the time
 *   from a vote to a broadcast tally that includes it.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { clientFrame, readFrames } from '../support/ws-frames.js';

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Viewer {
  id: string;
  cookie: string;
}
export type Cmd =
  | { id: number; cmd: 'connect'; url: string; viewers: Viewer[]; observers: number; naive: boolean }
  | { id: number; cmd: 'act'; kind: 'vote' | 'enter'; toolId: string; options: number; seconds: number; limit?: number }
  | { id: number; cmd: 'close' };

export interface ActResult {
  sent: number;
  acked: number;
  errors: Record<string, number>;
  /** Send time -> ack, per action (ms). */
  ackLatency: { p50: number; p99: number; max: number };
  /** The k-th action sent -> an observer saw a total >= k (ms), over every observer. */
  tallyLatency: { p50: number; p99: number; max: number; samples: number };
  /** The k-th action acknowledged (counted) -> an observer saw a total >= k (ms): the broadcast alone. */
  broadcastLatency: { p50: number; p99: number; max: number; samples: number };
  /** The last total each observer saw (they should all equal `acked`). */
  finalTotals: number[];
  /** Tally / entries events an observer received during the phase (per observer, mean). */
  countsPerObserver: number;
  windowMs: number;
  bytesReceived: number;
}

interface Conn {
  sock: Socket;
  observer: boolean;
  /** [time, total] per counter event seen (observers only). */
  seen: [number, number][];
}

const conns: Conn[] = [];
let naive = false;
let bytes = 0;
let pending = new Map<string, { sentAt: number; resolve: (r: { ok: boolean; code: string | null; at: number }) => void }>();
let counter: { kind: 'vote' | 'enter'; toolId: string } | null = null;

function percentiles(xs: number[]) {
  if (xs.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { p50: Math.round(at(50) * 10) / 10, p99: Math.round(at(99) * 10) / 10, max: Math.round(s[s.length - 1]! * 10) / 10 };
}

function onMessage(c: Conn, data: Buffer) {
  // Acks and errors are answers to this viewer's own action; parse only those and observers' frames.
  const head = data.subarray(0, 12).toString();
  const isAnswer = head.startsWith('{"t":"ack"') || head.startsWith('{"t":"error"');
  if (!c.observer && !isAnswer) return;
  let m: { t: string; ref?: string; code?: string; ev?: { t: string; id?: string; voters?: number; entrants?: number }[]; voters?: number; id?: string };
  try {
    m = JSON.parse(data.toString()) as typeof m;
  } catch {
    return;
  }
  const at = now();
  if ((m.t === 'ack' || m.t === 'error') && m.ref) {
    const p = pending.get(m.ref);
    if (p) {
      pending.delete(m.ref);
      p.resolve({ ok: m.t === 'ack', code: m.t === 'ack' ? null : (m.code ?? 'ERROR'), at });
    }
    return;
  }
  if (!c.observer || !counter) return;
  const events = m.t === 'batch' ? (m.ev ?? []) : m.t === 'tally' ? [{ t: 'poll.tally', id: m.id, voters: m.voters }] : [];
  for (const e of events) {
    if (e.id !== counter.toolId) continue;
    if (counter.kind === 'vote' && e.t === 'poll.tally' && typeof e.voters === 'number') c.seen.push([at, e.voters]);
    if (counter.kind === 'enter' && e.t === 'draw.entries' && typeof e.entrants === 'number') c.seen.push([at, e.entrants]);
  }
}

/** One read buffer for every socket: `onread` reads into it and hands the bytes over at once. */
const readBuffer = Buffer.alloc(256 * 1024);

/**
 * A minimal WebSocket viewer on a raw TCP socket (as bench/fanout/load.ts): no per-frame events or
 * decoding beyond the frame header, so 10,000 of them fit on one core. Frames reach `onText`.
 */
function openViewer(url: string, cookie: string, onText: (payload: Buffer) => void, done: (ok: boolean) => void): Socket {
  const u = new URL(url);
  let upgraded = false;
  let welcomed = false;
  let pending: Buffer | null = null;
  let finished = false;
  const finish = (ok: boolean) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done(ok);
  };
  const timer = setTimeout(() => finish(false), 60_000);
  const sock = netConnect({
    host: u.hostname,
    port: Number(u.port),
    onread: {
      buffer: readBuffer,
      callback: (nread: number, b: Uint8Array) => {
        onData(Buffer.from(b.buffer, b.byteOffset, nread));
        return true;
      },
    },
  });
  sock.setNoDelay(true);
  sock.on('connect', () => {
    sock.write(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`,
    );
  });
  const onData = (chunk: Buffer) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let off = 0;
    if (!upgraded) {
      const h = buf.indexOf('\r\n\r\n');
      if (h === -1) {
        pending = Buffer.from(buf);
        return;
      }
      if (!buf.toString('latin1', 0, 12).startsWith('HTTP/1.1 101')) {
        sock.destroy();
        return finish(false);
      }
      upgraded = true;
      off = h + 4;
    }
    off = readFrames(buf, off, (op, b, start, end) => {
      const payload = b.subarray(start, end);
      bytes += end - start;
      if (op === 0x9) sock.write(clientFrame(0xa, Buffer.from(payload)));
      else if (op === 0x8) sock.destroy();
      else if (op === 0x1) {
        if (!welcomed) {
          welcomed = true;
          finish(true);
        } else onText(payload);
      }
    });
    if (off < buf.length) pending = Buffer.from(buf.subarray(off)); // a copy: the read buffer is reused
  };
  sock.on('error', () => finish(false));
  sock.on('close', () => finish(false));
  return sock;
}

async function connectAll(url: string, viewers: Viewer[], observers: number): Promise<{ connected: number; failed: number; ms: number }> {
  const t0 = now();
  let failed = 0;
  const one = (v: Viewer, i: number) =>
    new Promise<void>((resolve) => {
      const c: Conn = { sock: null as unknown as Socket, observer: i < observers, seen: [] };
      c.sock = openViewer(naive ? `${url}&viewer=${encodeURIComponent(v.id)}` : url, naive ? '' : v.cookie, (payload) => onMessage(c, payload), (ok) => {
        if (ok) conns.push(c);
        else failed++;
        resolve();
      });
    });
  // A few hundred handshakes at a time, as real viewers arrive over a minute rather than at once.
  const batch = 200;
  for (let i = 0; i < viewers.length; i += batch) await Promise.all(viewers.slice(i, i + batch).map((v, j) => one(v, i + j)));
  return { connected: conns.length, failed, ms: Math.round(now() - t0) };
}

async function act(kind: 'vote' | 'enter', toolId: string, options: number, seconds: number, limit: number): Promise<ActResult> {
  counter = { kind, toolId };
  pending = new Map();
  for (const c of conns) c.seen = [];
  const bytes0 = bytes;
  const n = Math.min(limit, conns.length);
  const spacing = (seconds * 1000) / Math.max(1, n);
  const sends: number[] = [];
  const results: Promise<{ ok: boolean; code: string | null; at: number; sentAt: number }>[] = [];
  const t0 = now() + 50;
  for (let i = 0; i < n; i++) {
    const due = t0 + i * spacing;
    const wait = due - now();
    if (wait > 4) await sleep(wait);
    const c = conns[i]!;
    const ref = `${kind[0]}${i.toString(36)}`;
    const msg = kind === 'vote' ? { t: 'vote', ref, pollId: toolId, choices: [i % options] } : { t: 'enter', ref, drawId: toolId };
    const sentAt = now();
    sends.push(sentAt);
    results.push(
      new Promise((resolve) => {
        pending.set(ref, { sentAt, resolve: (r) => resolve({ ...r, sentAt }) });
        c.sock.write(clientFrame(0x1, Buffer.from(JSON.stringify(msg))));
      }),
    );
  }
  const timeout = sleep(30_000).then(() => null);
  const settled = await Promise.race([Promise.all(results), timeout]);
  const answers = settled ?? [];
  // The last totals arrive a tick or two after the last ack.
  await sleep(1500);
  const errors: Record<string, number> = {};
  let acked = 0;
  const ackLat: number[] = [];
  for (const a of answers) {
    if (a.ok) acked++;
    else errors[a.code ?? 'ERROR'] = (errors[a.code ?? 'ERROR'] ?? 0) + 1;
    ackLat.push(a.at - a.sentAt);
  }
  if (!settled) errors.NO_ANSWER_30S = n - answers.length;
  // The k-th vote sent is in every total >= k: its latency is when an observer first saw one.
  const tallyLat: number[] = [];
  const broadcastLat: number[] = [];
  const ackTimes = Float64Array.from(answers.filter((a) => a.ok).map((a) => a.at)).sort();
  const observers = conns.slice(0, n).filter((c) => c.observer);
  for (const o of observers) {
    let j = 0;
    for (let k = 1; k <= Math.min(acked, sends.length); k++) {
      while (j < o.seen.length && o.seen[j]![1] < k) j++;
      if (j >= o.seen.length) break;
      tallyLat.push(o.seen[j]![0] - sends[k - 1]!);
      // A total can arrive before the ack of the vote it counts (both leave the server in the same tick): 0 then.
      broadcastLat.push(Math.max(0, o.seen[j]![0] - ackTimes[k - 1]!));
    }
  }
  counter = null;
  return {
    sent: n,
    acked,
    errors,
    ackLatency: percentiles(ackLat),
    tallyLatency: { ...percentiles(tallyLat), samples: tallyLat.length },
    broadcastLatency: { ...percentiles(broadcastLat), samples: broadcastLat.length },
    finalTotals: observers.map((o) => o.seen.at(-1)?.[1] ?? 0),
    countsPerObserver: observers.length ? Math.round(observers.reduce((s, o) => s + o.seen.length, 0) / observers.length) : 0,
    windowMs: Math.round((answers.length ? Math.max(...answers.map((a) => a.at)) : now()) - t0),
    bytesReceived: bytes - bytes0,
  };
}

process.on('message', (raw) => {
  const m = raw as Cmd;
  void (async () => {
    try {
      if (m.cmd === 'connect') {
        naive = m.naive;
        process.send!({ id: m.id, ok: true, result: await connectAll(m.url, m.viewers, m.observers) });
      } else if (m.cmd === 'act') {
        process.send!({ id: m.id, ok: true, result: await act(m.kind, m.toolId, m.options, m.seconds, m.limit ?? Number.MAX_SAFE_INTEGER) });
      } else {
        for (const c of conns) c.sock.destroy();
        conns.length = 0;
        process.send!({ id: m.id, ok: true, result: null });
      }
    } catch (err) {
      process.send!({ id: m.id, ok: false, error: err instanceof Error ? err.stack : String(err) });
    }
  })();
});
process.send?.({ ready: true });
