/**
 * Video bench load generator: a child process of bench/video.bench.ts (pinned to its own core)
 * holding many HTTP-FLV viewers. Each viewer is a raw TCP socket that sends one
 * `GET <path> HTTP/1.1` and then reads and discards the response, counting bytes (headers and
 * chunked framing included: a few bytes per tag). A `stall` viewer reads the response's first
 * bytes, then stops reading (the socket is paused: the kernel buffers fill, then the server
 * queues or skips). Viewers connect from loopback addresses 127.0.x.y, a new one per viewer, so
 * per-address rate limits (Onair: 60 plays a minute per address) and ephemeral ports never bind.
 * Commands come over IPC; each reply carries the command's id.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Cmd, ConnectResult, ResumeResult, WindowResult } from './common.js';

interface Client {
  sock: Socket;
  group: string;
  mode: 'read' | 'stall';
  bytes: number;
  open: boolean;
  ended: boolean;
  markBytes: number;
  markOpen: boolean;
}

const clients: Client[] = [];
let addrSeq = 0;
const nextAddress = () => {
  const k = addrSeq++;
  return `127.0.${Math.floor(k / 250) % 250}.${(k % 250) + 2}`;
};
let markAt = performance.now();
let markElu = performance.eventLoopUtilization();

function open(url: URL, group: string, mode: 'read' | 'stall', timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: url.hostname, port: Number(url.port), localAddress: nextAddress() });
    const c: Client = { sock, group, mode, bytes: 0, open: true, ended: false, markBytes: 0, markOpen: false };
    let head = '';
    let ready = false;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    sock.setNoDelay(true);
    sock.on('connect', () => sock.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUser-Agent: onair-video-bench\r\nAccept: */*\r\n\r\n`));
    sock.on('data', (d: Buffer) => {
      c.bytes += d.length;
      if (ready) return;
      head += d.toString('latin1', 0, Math.min(d.length, 512));
      const eol = head.indexOf('\r\n');
      if (eol === -1) return;
      const status = head.slice(0, eol);
      clearTimeout(timer);
      if (!/^HTTP\/1\.[01] 200/.test(status)) {
        sock.destroy();
        return reject(new Error(status));
      }
      ready = true;
      if (mode === 'stall') sock.pause();
      resolve(c);
    });
    sock.on('end', () => {
      c.ended = true;
    });
    sock.on('close', () => {
      c.open = false;
      clearTimeout(timer);
      if (!ready) reject(new Error('closed before the response'));
    });
    sock.on('error', () => {});
  });
}

async function handle(msg: Cmd): Promise<unknown> {
  switch (msg.cmd) {
    case 'connect': {
      const url = new URL(msg.url);
      const t0 = performance.now();
      const errors: string[] = [];
      let ready = 0;
      let failed = 0;
      // A few at a time, as an audience arrives (and so the server's accept queue never overflows).
      const queue = Array.from({ length: msg.count }, (_, i) => i);
      await Promise.all(
        Array.from({ length: Math.min(32, msg.count) }, async () => {
          while (queue.shift() !== undefined) {
            try {
              clients.push(await open(url, msg.group, msg.mode, msg.timeoutMs));
              ready++;
            } catch (e) {
              failed++;
              if (errors.length < 5) errors.push((e as Error).message);
            }
          }
        }),
      );
      return { ready, failed, ms: Math.round(performance.now() - t0), errors } satisfies ConnectResult;
    }
    case 'mark': {
      for (const c of clients) {
        c.markBytes = c.bytes;
        c.markOpen = c.open;
      }
      markAt = performance.now();
      markElu = performance.eventLoopUtilization();
      return null;
    }
    case 'window': {
      const seconds = (performance.now() - markAt) / 1000;
      const readers = clients.filter((c) => c.mode === 'read' && c.markOpen);
      const rates = readers.map((c) => ((c.bytes - c.markBytes) * 8) / seconds).sort((a, b) => a - b);
      return {
        seconds,
        clients: readers.length,
        rates,
        totalBytes: readers.reduce((n, c) => n + c.bytes - c.markBytes, 0),
        closedDuringWindow: readers.filter((c) => !c.open).length,
        elu: performance.eventLoopUtilization(markElu).utilization,
      } satisfies WindowResult;
    }
    case 'resumeStalled': {
      const stalled = clients.filter((c) => c.group === msg.group && c.mode === 'stall');
      const before = stalled.reduce((n, c) => n + c.bytes, 0);
      for (const c of stalled) c.sock.resume();
      // A dropped viewer's stream ends once what the kernel still holds for it has been read.
      await new Promise((r) => setTimeout(r, msg.waitMs));
      return {
        stalled: stalled.length,
        closedByServer: stalled.filter((c) => c.ended || !c.open).length,
        bytesAfterResume: stalled.reduce((n, c) => n + c.bytes, 0) - before,
      } satisfies ResumeResult;
    }
    case 'closeAll': {
      const all = clients.splice(0);
      for (const c of all) c.sock.destroy();
      await new Promise((r) => setTimeout(r, 200));
      return all.length;
    }
    case 'exit':
      setTimeout(() => process.exit(0), 10);
      return null;
  }
}

process.on('message', (m: { id: number; msg: Cmd }) => {
  handle(m.msg).then(
    (result) => process.send!({ id: m.id, result }),
    (err: unknown) => process.send!({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.send!({ ready: true });
