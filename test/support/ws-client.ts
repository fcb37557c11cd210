import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import type {
  AckMessage,
  BatchMessage,
  ClientMessage,
  ErrorMessage,
  RoomEventPayload,
  ServerMessage,
  WelcomeMessage,
} from '../../src/contracts/realtime.contract.js';
import type { TestApp } from './test-app.js';

/**
 * A small typed client of the realtime gateway for e2e tests: connects (cookie, guest token,
 * team, resume), waits for the welcome, records every server message in order, and offers
 * waitFor helpers with short timeouts.
 */

export interface ConnectOptions {
  /** A `name=value` cookie header (viewer or team). */
  cookie?: string;
  /** A guest token from POST /api/viewer/guest. */
  guest?: string;
  /** `<epoch>.<seq>` to resume from. */
  since?: string;
  /** The invite code of a private session. */
  invite?: string;
  /** Join as a team member (`as=team`, with the team cookie). */
  asTeam?: boolean;
  /** The Origin header (none by default, like a non-browser client). */
  origin?: string;
  /** How long to wait for the welcome. */
  timeoutMs?: number;
  /** The User-Agent header (none by default: the ws client sends none). */
  userAgent?: string;
}

/** An upgrade the server answered with an HTTP error instead of 101. */
export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused: ${status} ${body}`);
  }
  /** The `error.code` of the standard error body, if any. */
  get code(): string | null {
    try {
      return (JSON.parse(this.body) as { error?: { code?: string } }).error?.code ?? null;
    } catch {
      return null;
    }
  }
}

export interface CloseInfo {
  code: number;
  reason: string;
}

const DEFAULT_TIMEOUT = 4000;

/** Starts the app's HTTP server on 127.0.0.1 and a free port; returns its base URLs. */
export async function listen(t: TestApp): Promise<{ http: string; ws: string }> {
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  return { http: address, ws: `${address.replace(/^http/, 'ws')}/ws` };
}

/** The gateway URL for one session. */
export function roomUrl(wsBase: string, sessionId: string): string {
  return `${wsBase}?session=${encodeURIComponent(sessionId)}`;
}

function withOptions(url: string, opts: ConnectOptions): string {
  const u = new URL(url);
  if (opts.guest !== undefined) u.searchParams.set('guest', opts.guest);
  if (opts.since !== undefined) u.searchParams.set('since', opts.since);
  if (opts.invite !== undefined) u.searchParams.set('invite', opts.invite);
  if (opts.asTeam) u.searchParams.set('as', 'team');
  return u.toString();
}

interface Waiter {
  /** Offered each new message; true once satisfied. */
  offer(m: ServerMessage): boolean;
  fail(err: Error): void;
}

export class WsClient {
  /** Every server message, in arrival order. */
  readonly messages: ServerMessage[] = [];
  /** Size in bytes of every text message received (same order as messages). */
  readonly sizes: number[] = [];
  closeInfo: CloseInfo | null = null;
  readonly closed: Promise<CloseInfo>;
  private readonly waiters = new Set<Waiter>();

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const w of [...this.waiters]) w.fail(new Error(`socket closed (${code} ${reason.toString()}) while waiting; got ${JSON.stringify(this.messages).slice(-1500)}`));
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) throw new Error('the server sent a binary message');
      const text = data.toString();
      const m = JSON.parse(text) as ServerMessage;
      this.sizes.push(data.length);
      this.messages.push(m);
      for (const w of [...this.waiters]) w.offer(m);
    });
    ws.on('error', () => undefined);
  }

  get welcome(): WelcomeMessage {
    const w = this.messages.find((m): m is WelcomeMessage => m.t === 'welcome');
    if (!w) throw new Error('no welcome yet');
    return w;
  }

  get batches(): BatchMessage[] {
    return this.messages.filter((m): m is BatchMessage => m.t === 'batch');
  }

  /** Every event of every batch, in order. */
  get events(): RoomEventPayload[] {
    return this.batches.flatMap((b) => b.ev);
  }

  eventsOf<K extends RoomEventPayload['t']>(t: K): Extract<RoomEventPayload, { t: K }>[] {
    return this.events.filter((e): e is Extract<RoomEventPayload, { t: K }> => e.t === t);
  }

  errors(): ErrorMessage[] {
    return this.messages.filter((m): m is ErrorMessage => m.t === 'error');
  }

  /** The last seq seen (welcome or batch): what to resume from. */
  get lastSeq(): number {
    let seq = this.welcome.seq;
    for (const b of this.batches) seq = Math.max(seq, b.seq);
    return seq;
  }

  /** `<epoch>.<lastSeq>` for `since`. */
  get resumeToken(): string {
    return `${this.welcome.epoch}.${this.lastSeq}`;
  }

  send(msg: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Resolves with the first message (past or future) matching `pred`. */
  waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, timeoutMs?: number, what?: string): Promise<T>;
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs?: number, what?: string): Promise<ServerMessage>;
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = DEFAULT_TIMEOUT, what = 'a matching message'): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const past = this.messages.find(pred);
      if (past) return resolve(past);
      if (this.closeInfo) return reject(new Error(`socket already closed (${this.closeInfo.code}) before ${what}`));
      const waiter: Waiter = {
        offer: (m) => {
          if (!pred(m)) return false;
          this.waiters.delete(waiter);
          clearTimeout(timer);
          resolve(m);
          return true;
        },
        fail: (err) => {
          this.waiters.delete(waiter);
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.add(waiter);
      const timer = setTimeout(() => waiter.fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.messages).slice(-1500)}`)), timeoutMs);
    });
  }

  /** Resolves with the first room event (past or future) matching `pred`. */
  async waitForEvent<T extends RoomEventPayload>(pred: (e: RoomEventPayload) => e is T, timeoutMs?: number, what?: string): Promise<T>;
  async waitForEvent(pred: (e: RoomEventPayload) => boolean, timeoutMs?: number, what?: string): Promise<RoomEventPayload>;
  async waitForEvent(pred: (e: RoomEventPayload) => boolean, timeoutMs = DEFAULT_TIMEOUT, what = 'a matching room event'): Promise<RoomEventPayload> {
    const batch = await this.waitFor((m) => m.t === 'batch' && m.ev.some(pred), timeoutMs, what);
    return (batch as BatchMessage).ev.find(pred)!;
  }

  /** Waits for a chat event with this comment id. */
  waitForChat(id: string, timeoutMs?: number): Promise<Extract<RoomEventPayload, { t: 'chat' }>> {
    return this.waitForEvent((e): e is Extract<RoomEventPayload, { t: 'chat' }> => e.t === 'chat' && e.id === id, timeoutMs, `chat ${id}`);
  }

  /** The ack or error answering the message sent with `ref`. */
  reply(ref: string, timeoutMs?: number): Promise<AckMessage | ErrorMessage> {
    return this.waitFor((m): m is AckMessage | ErrorMessage => (m.t === 'ack' || m.t === 'error') && m.ref === ref, timeoutMs, `the reply to ${ref}`);
  }

  private refs = 0;
  /** Sends a comment and returns the server's answer to it. */
  async chat(text: string, timeoutMs?: number): Promise<AckMessage | ErrorMessage> {
    const ref = `r${++this.refs}-${Math.random().toString(36).slice(2, 8)}`;
    this.send({ t: 'chat', ref, text });
    return this.reply(ref, timeoutMs);
  }

  /** Sends a comment that must be accepted; returns the ack. */
  async say(text: string, timeoutMs?: number): Promise<AckMessage & { msg: NonNullable<AckMessage['msg']> }> {
    const r = await this.chat(text, timeoutMs);
    if (r.t !== 'ack' || !r.msg) throw new Error(`expected an ack for ${JSON.stringify(text)}, got ${JSON.stringify(r)}`);
    return r as AckMessage & { msg: NonNullable<AckMessage['msg']> };
  }

  waitForClose(timeoutMs = DEFAULT_TIMEOUT): Promise<CloseInfo> {
    return Promise.race([
      this.closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket not closed after ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  /** Closes from the client side and waits until the socket is closed. */
  async close(): Promise<void> {
    if (this.closeInfo) return;
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 1000).unref())]);
    if (!this.closeInfo) this.ws.terminate();
  }
}

/** Opens a socket without waiting for the welcome; rejects with RefusedUpgrade when refused. */
export function open(url: string, opts: ConnectOptions = {}): Promise<WsClient> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.userAgent) headers['user-agent'] = opts.userAgent;
  const ws = new WebSocket(withOptions(url, opts), { headers, ...(opts.origin ? { origin: opts.origin } : {}) });
  const client = new WsClient(ws);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no upgrade after ${opts.timeoutMs ?? DEFAULT_TIMEOUT} ms`));
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(client);
    });
    ws.once('unexpected-response', (req, res: IncomingMessage) => {
      clearTimeout(timer);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      const done = () => {
        req.destroy();
        reject(new RefusedUpgrade(res.statusCode ?? 0, body));
      };
      res.once('end', done);
      res.once('error', done);
      res.once('aborted', done);
      res.once('close', done);
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Connects and waits for the welcome. */
export async function connect(url: string, opts: ConnectOptions = {}): Promise<WsClient> {
  const client = await open(url, opts);
  await client.waitFor((m) => m.t === 'welcome', opts.timeoutMs ?? DEFAULT_TIMEOUT, 'the welcome');
  return client;
}

/** Connects expecting a refusal; returns it (fails if the socket opened). */
export async function refused(url: string, opts: ConnectOptions = {}): Promise<RefusedUpgrade> {
  try {
    const c = await open(url, opts);
    await c.close();
  } catch (err) {
    if (err instanceof RefusedUpgrade) return err;
    throw err;
  }
  throw new Error(`expected the upgrade to ${url} to be refused, but it opened`);
}

/** Closes every client (ignoring ones already closed). */
export async function closeAll(clients: Iterable<WsClient>): Promise<void> {
  await Promise.all([...clients].map((c) => c.close()));
}

let guestIp = 0;
/** A fresh guest token (POST /api/viewer/guest), each from its own client address. */
export async function guestToken(t: TestApp): Promise<{ guestToken: string; guestId: string }> {
  const n = ++guestIp;
  const res = await t.app.inject({ method: 'POST', url: '/api/viewer/guest', remoteAddress: `10.250.${(n >> 8) & 255}.${n & 255}` });
  if (res.statusCode !== 200) throw new Error(`guest token: ${res.statusCode} ${res.body}`);
  return res.json<{ guestToken: string; guestId: string }>();
}
