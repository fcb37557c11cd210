/**
 * Fan-out load generator: a child process of bench/fanout.bench.ts (pinned to its own core)
 * that holds many WebSocket connections and sends comments at a steady rate. Commands come
 * over the IPC channel; every reply carries the command's id.
 *
 * Kept cheap so it is not the bottleneck: viewers are minimal WebSocket clients on raw TCP
 * sockets (one shared read buffer, no per-frame events) that count comments in a frame by
 * searching its bytes for the run's marker, which starts every comment's text, without
 * decoding or parsing; only a few sampled viewers parse every frame, to read the send time
 * embedded in each comment's text (`<marker><sendTimeMs>:<seq>`) and record the send-to-receive
 * latency. Senders (few) are real clients: `ws`, or socket.io-client for the Socket.IO
 * baseline. Senders and receivers share one clock (performance.timeOrigin + performance.now(),
 * comparable across processes on one machine).
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { io as sioConnect, type Socket as SioSocket } from 'socket.io-client';
import { clientFrame, readFrames } from '../support/ws-frames.js';
import type { Cmd, ConnectCmd, ConnectResult, Kind, LatencyResult, LoadStats, SendCmd } from './common.js';
import { percentile, sleep } from './common.js';

const now = () => performance.timeOrigin + performance.now();

interface Conn {
  kind: Kind;
  ws?: WebSocket;
  sio?: SioSocket;
  sock?: Socket;
  sampled: boolean;
  open: boolean;
}

const groups = new Map<string, Conn[]>();
let marker = '';
let markerBuf = Buffer.from('\u0000');
let recording = false;
const latencies: number[] = [];
const MAX_LATENCY_SAMPLES = 2_000_000;

const stats = {
  deliveries: 0,
  frames: 0,
  bytes: 0,
  missedNotices: 0,
  missedCount: 0,
  sent: 0,
  acks: 0,
  sendErrors: {} as Record<string, number>,
  closes: {} as Record<string, number>,
};
let lastElu = performance.eventLoopUtilization();

function setMarker(m: string) {
  marker = m;
  // Comment texts start with the marker, which begins with a character found nowhere else in
  // a frame: a search for it counts comments (and runs at memchr speed).
  markerBuf = Buffer.from(m);
}

function countIn(data: Buffer): number {
  let n = 0;
  const len = markerBuf.length;
  let i = data.indexOf(markerBuf);
  while (i !== -1) {
    n++;
    i = data.indexOf(markerBuf, i + len);
  }
  return n;
}

function recordText(text: string, at: number) {
  if (!text.startsWith(marker)) return false;
  if (recording && latencies.length < MAX_LATENCY_SAMPLES) {
    const end = text.indexOf(':', marker.length);
    const sentAt = Number(text.slice(marker.length, end));
    if (Number.isFinite(sentAt)) latencies.push(at - sentAt);
  }
  return true;
}

/** A sampled viewer parses the whole frame. Returns how many marked comments it held. */
function parseFrame(kind: Kind, data: Buffer): number {
  const at = now();
  const s = data.toString('utf8');
  let n = 0;
  try {
    if (kind === 'onair') {
      const m = JSON.parse(s) as { t?: string; ev?: { t?: string; text?: string }[]; count?: number };
      if (m.t === 'batch' && Array.isArray(m.ev)) for (const ev of m.ev) if (ev.t === 'chat' && typeof ev.text === 'string' && recordText(ev.text, at)) n++;
    } else if (kind === 'ws') {
      const m = JSON.parse(s) as { t?: string; text?: string };
      if (m.t === 'chat' && typeof m.text === 'string' && recordText(m.text, at)) n++;
    } else if (s.startsWith('42')) {
      const m = JSON.parse(s.slice(2)) as [string, { text?: string }];
      if (m[0] === 'chat' && typeof m[1]?.text === 'string' && recordText(m[1].text, at)) n++;
    }
  } catch {
    /* not JSON: ignore */
  }
  return n;
}

const MISSED = Buffer.from('"missed"');
const readBuffer = Buffer.allocUnsafe(256 * 1024);

/**
 * A viewer is a minimal WebSocket client on a raw TCP socket: it sends the upgrade request,
 * then walks the frame headers of what arrives and searches each text payload for the marker
 * (no copy, no decode, no per-frame event). It answers pings, and Socket.IO's engine pings,
 * with pongs; a close frame or a dropped socket ends it.
 */
function openRawViewer(c: ConnectCmd, i: number, conn: Conn, done: (err?: string) => void) {
  const suffix = c.querySuffixes?.length ? c.querySuffixes[i % c.querySuffixes.length]! : '';
  const headers = c.headers?.length ? c.headers[i % c.headers.length]! : {};
  const localAddress = c.localAddresses?.length ? c.localAddresses[i % c.localAddresses.length]! : undefined;
  const u = new URL(c.kind === 'sio' ? `${c.url}/socket.io/?EIO=4&transport=websocket` : `${c.url}${suffix}`);
  // `onread` reads into one shared buffer and calls back directly: no Buffer per read and
  // no stream machinery. What a read leaves unfinished is copied out before the next read.
  const sock = netConnect({
    host: u.hostname,
    port: Number(u.port),
    ...(localAddress ? { localAddress } : {}),
    onread: {
      buffer: readBuffer,
      callback: (nread: number, b: Uint8Array) => {
        onData(Buffer.from(b.buffer, b.byteOffset, nread));
        return true;
      },
    },
  });
  conn.sock = sock;
  sock.setNoDelay(true);
  let finished = false;
  const finish = (err?: string) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (err) sock.destroy();
    done(err);
  };
  const timer = setTimeout(() => finish(`not ready after ${c.timeoutMs} ms`), c.timeoutMs);
  let upgraded = false;
  let ready = false;
  let pending: Buffer | null = null;
  sock.on('connect', () => {
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    sock.write(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
  });
  const onFrame = (op: number, buf: Buffer, start: number, end: number) => {
    if (op === 0x9) return void sock.write(clientFrame(0xa, buf.subarray(start, end)));
    if (op === 0x8) {
      const code = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
      if (ready && !closingGroups.has(c.group)) stats.closes[String(code)] = (stats.closes[String(code)] ?? 0) + 1;
      conn.open = false;
      finish(`closed ${code} before ready: ${buf.toString('utf8', start + 2, end)}`);
      sock.destroy();
      return;
    }
    if (op !== 0x1 && op !== 0x2 && op !== 0x0) return;
    if (!ready) {
      if (c.kind === 'onair') {
        if (buf.subarray(start, end).indexOf('"welcome"') !== -1) {
          ready = conn.open = true;
          finish();
        } else finish(`unexpected first frame: ${buf.toString('utf8', start, Math.min(end, start + 200))}`);
        return;
      }
      if (c.kind === 'sio') {
        if (buf[start] === 0x30) sock.write(clientFrame(0x1, Buffer.from('40'))); // engine open -> connect to "/"
        else if (buf[start] === 0x34 && buf[start + 1] === 0x30) {
          ready = conn.open = true;
          finish();
        } else finish(`socket.io connect error: ${buf.toString('utf8', start, Math.min(end, start + 200))}`);
        return;
      }
      ready = conn.open = true; // plain ws: ready on upgrade (handled below)
    }
    if (c.kind === 'sio' && end - start === 1 && buf[start] === 0x32) return void sock.write(clientFrame(0x1, Buffer.from('3')));
    stats.frames++;
    stats.bytes += end - start;
    const payload = buf.subarray(start, end);
    if (conn.sampled) stats.deliveries += parseFrame(c.kind, payload);
    else stats.deliveries += countIn(payload);
    if (c.kind === 'onair' && end - start < 200 && payload.indexOf(MISSED) !== -1) {
      stats.missedNotices++;
      const m = /"count":(\d+)/.exec(payload.toString());
      if (m) stats.missedCount += Number(m[1]);
    }
  };
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
      const status = buf.toString('latin1', 0, Math.min(h, 200));
      if (!status.startsWith('HTTP/1.1 101')) return finish(`upgrade refused: ${status.split('\r\n')[0]}`);
      upgraded = true;
      off = h + 4;
      if (c.kind === 'ws') {
        ready = conn.open = true;
        finish();
      }
    }
    off = readFrames(buf, off, onFrame, () => sock.destroyed);
    if (sock.destroyed) return;
    if (off < buf.length) pending = Buffer.from(buf.subarray(off)); // a copy: the read buffer is reused
  };
  sock.on('error', (err) => finish(err.message));
  sock.on('close', () => {
    if (conn.open && !closingGroups.has(c.group)) stats.closes.socket = (stats.closes.socket ?? 0) + 1;
    conn.open = false;
    finish('socket closed before ready');
  });
}

/** A sender: a `ws` client (the few senders read acks and errors, so they parse everything). */
function openSender(c: ConnectCmd, i: number, conn: Conn, done: (err?: string) => void) {
  const suffix = c.querySuffixes?.length ? c.querySuffixes[i % c.querySuffixes.length]! : '';
  const headers = c.headers?.length ? c.headers[i % c.headers.length]! : undefined;
  const localAddress = c.localAddresses?.length ? c.localAddresses[i % c.localAddresses.length]! : undefined;
  const ws = new WebSocket(`${c.url}${suffix}`, {
    perMessageDeflate: false,
    handshakeTimeout: c.timeoutMs,
    ...(headers ? { headers } : {}),
    ...(localAddress ? { localAddress } : {}),
  });
  conn.ws = ws;
  let finished = false;
  const finish = (err?: string) => {
    if (finished) return;
    finished = true;
    done(err);
  };
  ws.on('message', (data: Buffer) => {
    if (!conn.open) {
      if (c.kind === 'onair' && data.indexOf('"welcome"') === -1) return finish(`unexpected first frame: ${data.toString('utf8', 0, 200)}`);
      conn.open = true;
      finish();
      return;
    }
    handleSenderFrame(c.kind, data);
  });
  ws.on('open', () => {
    if (c.kind !== 'onair') {
      conn.open = true;
      finish();
    }
  });
  ws.on('error', (err) => finish(err.message));
  ws.on('unexpected-response', (_req, res) => {
    finish(`HTTP ${res.statusCode} on upgrade`);
    res.resume();
    ws.terminate();
  });
  ws.on('close', (code) => {
    conn.open = false;
    finish(`closed ${code} before ready`);
  });
}

function handleSenderFrame(kind: Kind, data: Buffer) {
  if (kind !== 'onair') return; // the baselines send no acks
  let m: { t?: string; code?: string };
  try {
    m = JSON.parse(data.toString('utf8')) as typeof m;
  } catch {
    return;
  }
  if (m.t === 'ack') stats.acks++;
  else if (m.t === 'error') stats.sendErrors[m.code ?? 'unknown'] = (stats.sendErrors[m.code ?? 'unknown'] ?? 0) + 1;
}

function openSioClient(c: ConnectCmd, i: number, conn: Conn, done: (err?: string) => void) {
  const localAddress = c.localAddresses?.length ? c.localAddresses[i % c.localAddresses.length]! : undefined;
  const s = sioConnect(c.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: c.timeoutMs,
    ...(localAddress ? { localAddress } : {}),
  } as Parameters<typeof sioConnect>[1]);
  conn.sio = s;
  let finished = false;
  s.on('connect', () => {
    conn.open = true;
    if (finished) return;
    finished = true;
    done();
  });
  s.on('connect_error', (err: Error) => {
    if (finished) return;
    finished = true;
    done(err.message);
  });
  s.on('disconnect', () => (conn.open = false));
}

const closingGroups = new Set<string>();

async function connect(c: ConnectCmd): Promise<ConnectResult> {
  const t0 = performance.now();
  const list: Conn[] = groups.get(c.group) ?? [];
  groups.set(c.group, list);
  const errors: string[] = [];
  let ready = 0;
  let failed = 0;
  let next = 0;
  const deadline = t0 + c.timeoutMs + c.count * 5; // generous, but bounded
  await new Promise<void>((resolve) => {
    let inFlight = 0;
    const pump = () => {
      while (inFlight < c.concurrency && next < c.count) {
        const i = next++;
        const conn: Conn = { kind: c.kind, sampled: i < c.sample, open: false };
        list.push(conn);
        inFlight++;
        const done = (err?: string) => {
          inFlight--;
          if (err) {
            failed++;
            if (errors.length < 5) errors.push(err);
          } else ready++;
          if (ready + failed === c.count) resolve();
          else pump();
        };
        if (c.group !== 'senders') openRawViewer(c, i, conn, done);
        else if (c.kind === 'sio') openSioClient(c, i, conn, done);
        else openSender(c, i, conn, done);
      }
    };
    pump();
    const guard = setInterval(() => {
      if (performance.now() > deadline) {
        clearInterval(guard);
        errors.push(`gave up after ${Math.round(performance.now() - t0)} ms with ${c.count - ready - failed} handshakes pending`);
        failed += c.count - ready - failed;
        resolve();
      }
      if (ready + failed === c.count) clearInterval(guard);
    }, 200);
  });
  return { ready, failed, ms: Math.round(performance.now() - t0), errors };
}

// --- sending -------------------------------------------------------------------------------
let sendTimer: NodeJS.Timeout | undefined;
let sentThisRun = 0;
function startSend(c: SendCmd) {
  stopSend();
  setMarker(c.marker);
  const senders = (groups.get(c.group) ?? []).filter((x) => x.open);
  if (senders.length === 0) throw new Error('no open senders');
  const start = performance.now();
  let sentHere = 0;
  sentThisRun = 0;
  let rr = 0;
  const tick = () => {
    const due = Math.floor(((performance.now() - start) * c.rate) / 1000);
    // Catch up after a late timer, but never more than one second's worth at once.
    let budget = Math.max(1, c.rate);
    while (sentHere < due && budget-- > 0) {
      const s = senders[rr++ % senders.length]!;
      const seq = stats.sent;
      const text = `${c.marker}${now().toFixed(2)}:${seq}`;
      if (s.sio) s.sio.emit('chat', { ref: `r${seq}`, text });
      else if (s.ws && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ t: 'chat', ref: `r${seq}`, text }));
      else continue;
      sentHere++;
      sentThisRun++;
      stats.sent++;
    }
  };
  sendTimer = setInterval(tick, 5);
}
function stopSend() {
  if (sendTimer) clearInterval(sendTimer);
  sendTimer = undefined;
}

async function closeGroup(group: string, timeoutMs: number) {
  const list = groups.get(group) ?? [];
  closingGroups.add(group);
  for (const c of list) {
    if (c.sio) c.sio.disconnect();
    else if (c.sock) c.sock.destroy();
    else c.ws?.terminate();
  }
  const end = performance.now() + timeoutMs;
  while (performance.now() < end && list.some((c) => (c.ws && c.ws.readyState !== WebSocket.CLOSED) || (c.sock && !c.sock.closed))) await sleep(50);
  groups.delete(group);
  closingGroups.delete(group);
  return { closed: list.length };
}

function snapshot(): LoadStats {
  const elu = performance.eventLoopUtilization(lastElu);
  lastElu = performance.eventLoopUtilization();
  const open: Record<string, number> = {};
  for (const [g, list] of groups) open[g] = list.reduce((n, c) => n + (c.open ? 1 : 0), 0);
  return { ...stats, sendErrors: { ...stats.sendErrors }, closes: { ...stats.closes }, open, elu: elu.utilization, at: now() };
}

function latency(): LatencyResult {
  const s = Float64Array.from(latencies).sort();
  return { samples: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

async function handle(m: Cmd): Promise<unknown> {
  switch (m.cmd) {
    case 'connect':
      return connect(m);
    case 'setMarker':
      setMarker(m.marker);
      return {};
    case 'send':
      startSend(m);
      return {};
    case 'stopSend':
      stopSend();
      return { sent: sentThisRun };
    case 'stats':
      return snapshot();
    case 'resetLatency':
      latencies.length = 0;
      recording = true;
      return {};
    case 'latency':
      recording = false;
      return latency();
    case 'closeGroup':
      return closeGroup(m.group, m.timeoutMs);
    case 'exit':
      stopSend();
      for (const g of [...groups.keys()]) await closeGroup(g, 2000);
      setTimeout(() => process.exit(0), 50);
      return {};
  }
}

if (!process.send) {
  console.error('bench/fanout/load.ts is started by bench/fanout.bench.ts (it needs an IPC channel)');
  process.exit(2);
}
process.on('message', (raw: { id: number; msg: Cmd }) => {
  handle(raw.msg).then(
    (result) => process.send!({ id: raw.id, result }),
    (err: unknown) => process.send!({ id: raw.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0)); // the orchestrator went away
process.send({ ready: true });
process.on('SIGTERM', () => process.exit(0));
