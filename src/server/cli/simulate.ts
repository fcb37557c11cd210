import { setMaxListeners } from 'node:events';
import WebSocket, { type RawData } from 'ws';
import { createSimulatedViewersReply, SIMULATOR_USER_AGENT, type SimulatedViewer } from '../../contracts/simulation.contract.js';
import { buildPlan, planTimeline, sourceLabel, sourceQuery, summarizePlan, validatePlanOptions, type PlanAction, type PlannedViewer, type SimulationPlan, type TimelineEntry } from './simulation-plan.js';

/**
 * `onair simulate`: a synthetic audience for a live session, through the public protocol only.
 * It signs in as a team member, has the server make simulated accounts (flagged, so everything
 * they do is labelled simulated and kept out of real figures), then plays the plan of
 * simulation-plan.ts: each viewer opens the room's WebSocket with its own cookie and a source on
 * the URL, chats, likes, sends product beacons (`track`), buys through the real checkout and the
 * sandbox payment, votes on open polls and enters open draws, and leaves when the plan says.
 *
 * Load is bounded: at most MAX_CONNECTING handshakes and MAX_HTTP requests at a time; each
 * viewer's socket skips the room's batches unread (one team socket reads them for everyone), so
 * 2,000 viewers fit on one core.
 */

export interface SimulateOptions {
  url: string;
  session: string;
  viewers: number;
  minutes: number;
  speed: number;
  seed: number;
  email?: string | undefined;
  password?: string | undefined;
  label?: string | undefined;
  buyShare?: number | undefined;
  dryRun?: boolean;
}

export interface SimulateIo {
  /** A line of the result (stdout). */
  print(line: string): void;
  /** A progress or problem line (stderr). */
  progress(line: string): void;
  env: Record<string, string | undefined>;
  /** Aborting (Ctrl-C) ends the run early: sockets closed, summary printed. */
  signal?: AbortSignal;
  /** ms between progress lines; default 1000. */
  progressEveryMs?: number;
}

const MAX_CONNECTING = 64;
const MAX_HTTP = 16;
/** Connection attempts per viewer before giving up (backoff 1 s, 2 s, 4 s, 8 s, 8 s...: about 40 s). */
const MAX_ATTEMPTS = 8;
const HTTP_TIMEOUT_MS = 15_000;
/** After the plan's end, purchases still being paid get at least this long (real time) to finish... */
const DRAIN_MS = 60_000;
/** ...and at most this long, however long the backlog (orders stay payable for 15 minutes). */
const MAX_DRAIN_MS = 10 * 60_000;
/** The sandbox pay button's rate limit per address (orders.routes.ts), to size the wait. */
const SANDBOX_PAYMENTS_PER_MINUTE = 20;

const phrases = [
  'Hello everyone!',
  '大家好！',
  'Hi from Shanghai 👋',
  '主播好～',
  'This tea looks lovely',
  '这个茶看起来不错',
  'How much is the gift box?',
  '礼盒多少钱？',
  'Is there a discount today?',
  '今天有优惠吗？',
  'Just ordered one, thank you!',
  '已下单，谢谢！',
  'Can you show the packaging again?',
  '可以再展示一下包装吗？',
  'Great explanation, thanks',
  '讲得很清楚，谢谢',
  'Does it ship to Beijing?',
  '能发北京吗？',
  'Love this live 💕',
  '666',
];

const greetings = ['Hello everyone!', '大家好！', '主播好～', 'Hi from Shanghai 👋', '来了来了'];
const shareChannels = ['wechat', 'weibo', 'copy_link', 'qq'];

// --- small helpers ---------------------------------------------------------------------------

class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
  get busy(): number {
    return this.active + this.waiting.length;
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
  }
}

/** A placed order that was not paid. */
class PaymentError extends HttpError {
  constructor(code: string) {
    super(0, code, `payment not completed: ${code}`, null, undefined);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** A deterministic fraction in [0, 1) from a number and a string (a viewer's coin and a poll id). */
function hashFraction(x: number, s: string): number {
  let h = Math.floor(x * 4294967296) >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return ((h ^ (h >>> 12)) >>> 0) / 4294967296;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

interface ShelfProduct {
  productId: string;
  title: string;
  skus: { skuId: string; priceFen: number; stock: { state: string } }[];
}

interface PollInfo {
  id: string;
  kind: 'single' | 'multiple';
  options: number;
  closesAt: number | null;
}
interface DrawInfo {
  id: string;
  phrase: string | null;
  closesAt: number | null;
}

interface SimViewer {
  plan: PlannedViewer;
  account: SimulatedViewer;
  ws: WebSocket | null;
  state: 'waiting' | 'connecting' | 'joined' | 'left' | 'failed';
  /** Actions due while the socket was still opening: sent once the room welcomes it. */
  pending: PlanAction[];
  product: ShelfProduct | null;
  beaconSeq: number;
  chatSeq: number;
  /** Welcomed at least once (a later welcome is a reconnection). */
  everJoined: boolean;
  /** Failed connection attempts since the last welcome. */
  attempts: number;
  /** The last few comments, not said again. */
  said: string[];
  acted: Set<string>;
}

export interface SimulationSummary {
  sessionId: string;
  label: string;
  seed: number;
  viewers: number;
  minutes: number;
  speed: number;
  interrupted: boolean;
  /** The session stopped being live during the run. */
  sessionEnded: boolean;
  elapsedSeconds: number;
  joined: number;
  left: number;
  peakConnected: number;
  connectFailures: Record<string, number>;
  dropped: number;
  /** Sockets opened again after a server restart or a network drop; attempts that were tried again. */
  reconnects: number;
  retries: number;
  comments: { sent: number; accepted: number; refused: number };
  likes: number;
  beacons: { impressions: number; clicks: number; carts: number; shares: number; accepted: number; supported: boolean };
  /** `unpaid`: placed but not paid when the run ended (they expire unpaid, as abandoned orders do). */
  orders: { placed: number; paid: number; failed: number; unpaid: number; paidFen: number };
  votes: { sent: number; accepted: number };
  drawEntries: { sent: number; accepted: number };
  refusals: Record<string, number>;
  /** What the room showed the team socket while it ran. */
  observed: { simulatedComments: number; likesTotal: number; peakOnline: number };
}

// --- the run -----------------------------------------------------------------------------------

export async function runSimulate(o: SimulateOptions, io: SimulateIo): Promise<number> {
  const problems = validatePlanOptions({ seed: o.seed, viewers: o.viewers, minutes: o.minutes, buyShare: o.buyShare });
  if (!Number.isFinite(o.speed) || o.speed <= 0 || o.speed > 1000) problems.push('--speed: expected a number above 0, at most 1000');
  let base: URL | null = null;
  // A dry run needs no server: the plan depends on the seed, viewers and minutes only.
  if (!o.dryRun) {
    try {
      base = new URL(o.url);
      if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
    } catch {
      problems.push('--url: expected an http(s) URL of a running Onair, e.g. http://localhost:3000');
    }
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(o.session)) problems.push('--session: expected a session id');
    if (o.label !== undefined && !/^[A-Za-z0-9_]{1,12}$/.test(o.label)) problems.push('--label: 1-12 letters, digits or _');
  }
  if (problems.length) {
    for (const p of problems) io.progress(`onair simulate: ${p}`);
    return 2;
  }
  const plan = buildPlan({ seed: o.seed, viewers: o.viewers, minutes: o.minutes, buyShare: o.buyShare });
  if (o.dryRun || !base) {
    const s = summarizePlan(plan);
    io.print(
      JSON.stringify(
        {
          plan: { ...s, speed: o.speed, realSeconds: Math.round(plan.durationMs / o.speed / 100) / 10 },
          viewers: plan.people.map((p) => ({
            n: p.index + 1,
            persona: p.persona,
            arriveS: Math.round(p.arriveMs / 100) / 10,
            leaveS: Math.round(p.leaveMs / 100) / 10,
            source: sourceLabel(p.source),
            actions: p.actions.map((a) => `${Math.round(a.atMs / 100) / 10}s ${a.kind}${a.n > 1 ? ` x${a.n}` : ''}`),
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const email = o.email ?? io.env.ONAIR_SIM_EMAIL;
  const password = o.password ?? io.env.ONAIR_SIM_PASSWORD;
  if (!email || !password) {
    io.progress('onair simulate: sign in as a team member with analytics:simulate: give --email and --password, or set ONAIR_SIM_EMAIL and ONAIR_SIM_PASSWORD');
    return 2;
  }
  const sim = new Simulation(base, o, plan, io);
  try {
    return await sim.run(email, password);
  } finally {
    sim.closeAll();
  }
}

class Simulation {
  private readonly origin: string;
  private readonly http = new Limiter(MAX_HTTP);
  private readonly connecting = new Limiter(MAX_CONNECTING);
  private team: { cookie: string; csrf: string } | null = null;
  private label = '';
  private cookieName = 'onair_viewer';
  private viewers: SimViewer[] = [];
  private shelf: ShelfProduct[] = [];
  private observer: WebSocket | null = null;
  private readonly polls = new Map<string, PollInfo>();
  private readonly draws = new Map<string, DrawInfo>();
  private readonly simIds = new Set<string>();
  private trackSupported = true;
  private refCounter = 0;
  private readonly refs = new Map<string, { kind: 'chat' | 'phrase' | 'vote' | 'enter' | 'track'; viewer: number }>();
  private readonly purchases = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private startedAt = 0;
  /** Where the show is (simulated ms), for the progress lines. */
  private simNow = 0;
  private connected = 0;
  /** Aborted when the run ends (or on Ctrl-C): purchases waiting out a rate limit give up. */
  private readonly halt = new AbortController();
  private paymentWaitNoted = false;
  private observerDown = false;
  /** The team socket saw the session leave `live` (ended by the team): the run stops. */
  private sessionEnded = false;
  private readonly c = {
    joined: 0,
    left: 0,
    peakConnected: 0,
    dropped: 0,
    reconnects: 0,
    retries: 0,
    connectFailures: {} as Record<string, number>,
    commentsSent: 0,
    commentsAccepted: 0,
    commentsRefused: 0,
    likes: 0,
    impressions: 0,
    clicks: 0,
    carts: 0,
    shares: 0,
    beaconsAccepted: 0,
    ordersPlaced: 0,
    ordersPaid: 0,
    ordersFailed: 0,
    paidFen: 0,
    votesSent: 0,
    votesAccepted: 0,
    entriesSent: 0,
    entriesAccepted: 0,
    refusals: {} as Record<string, number>,
    observedComments: 0,
    likesTotal: 0,
    peakOnline: 0,
  };

  constructor(
    private readonly base: URL,
    private readonly o: SimulateOptions,
    private readonly plan: SimulationPlan,
    private readonly io: SimulateIo,
  ) {
    this.origin = base.origin;
    // Every purchase waiting out a rate limit listens to it.
    setMaxListeners(0, this.halt.signal);
  }

  private refuse(code: string): void {
    this.c.refusals[code] = (this.c.refusals[code] ?? 0) + 1;
  }

  // ---------- HTTP ----------

  private async request<T>(method: string, path: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}): Promise<{ status: number; body: T; headers: Headers }> {
    return this.http.run(async () => {
      const headers: Record<string, string> = { 'user-agent': SIMULATOR_USER_AGENT, accept: 'application/json' };
      if (opts.cookie) headers.cookie = opts.cookie;
      if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(new URL(path, this.base), {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = { raw: text.slice(0, 200) };
      }
      if (!res.ok) {
        const err = (body as { error?: { code?: string; message?: string; retryAfterSeconds?: number } } | null)?.error;
        throw new HttpError(res.status, err?.code ?? `HTTP_${res.status}`, `${method} ${path}: ${res.status} ${err?.code ?? ''} ${err?.message ?? ''}`.trim(), body, err?.retryAfterSeconds ?? (Number(res.headers.get('retry-after')) || undefined));
      }
      return { status: res.status, body: body as T, headers: res.headers };
    });
  }

  // ---------- set-up ----------

  async run(email: string, password: string): Promise<number> {
    const io = this.io;
    try {
      const signin = await this.request<{ csrfToken: string }>('POST', '/api/console/auth/signin', { body: { email, password } });
      const cookie = /(?:^|,\s*)(onair_team=[^;]+)/.exec(signin.headers.get('set-cookie') ?? '')?.[1];
      if (!cookie) throw new Error('the sign-in answer carried no onair_team cookie');
      this.team = { cookie, csrf: signin.body.csrfToken };
    } catch (err) {
      io.progress(`onair simulate: could not sign in as ${email}: ${err instanceof HttpError && err.status === 401 ? 'wrong e-mail or password' : (err as Error).message}`);
      return err instanceof HttpError && err.status < 500 ? 2 : 1;
    }
    try {
      const s = await this.request<{ status: string; title: string }>('GET', `/api/console/sessions/${encodeURIComponent(this.o.session)}`, { cookie: this.team.cookie });
      if (s.body.status !== 'live') {
        io.progress(`onair simulate: session ${this.o.session} ("${s.body.title}") is ${s.body.status}; simulate drives a live session (go live first)`);
        return 2;
      }
      io.progress(`Session ${this.o.session} "${s.body.title}" is live. Creating ${this.o.viewers} simulated viewers...`);
      const made = await this.request<unknown>('POST', '/api/console/simulation/viewers', {
        cookie: this.team.cookie,
        csrf: this.team.csrf,
        body: { count: this.o.viewers, ...(this.o.label ? { label: this.o.label } : {}) },
      });
      const reply = createSimulatedViewersReply.parse(made.body);
      this.label = reply.label;
      this.cookieName = reply.cookieName;
      this.viewers = this.plan.people.map((p) => ({ plan: p, account: reply.viewers[p.index]!, ws: null, state: 'waiting', pending: [], product: null, beaconSeq: 0, chatSeq: 0, everJoined: false, attempts: 0, said: [], acted: new Set() }));
      for (const v of reply.viewers) this.simIds.add(v.id);
      await this.refreshShelf();
    } catch (err) {
      const why = err instanceof HttpError && err.status === 403 ? `${email} lacks the analytics:simulate permission` : err instanceof HttpError && err.status === 404 ? `no session ${this.o.session} here (or the server has no simulation route)` : (err as Error).message;
      io.progress(`onair simulate: ${why}`);
      return err instanceof HttpError && err.status < 500 ? 2 : 1;
    }
    io.progress(`Simulated viewers sim-${this.label}-0001..${String(this.o.viewers).padStart(4, '0')}; ${this.shelf.length} products on the shelf. Playing ${mmss(this.plan.durationMs)} of show at ${this.o.speed}x (about ${mmss(this.plan.durationMs / this.o.speed)}). Ctrl-C stops.`);
    await this.openObserver();
    const interrupted = await this.play();
    const summary = await this.finish(interrupted);
    this.io.print(JSON.stringify(summary, null, 2));
    return summary.interrupted ? 130 : 0;
  }

  private async refreshShelf(): Promise<void> {
    const first = this.viewers[0];
    if (!first) return;
    try {
      const r = await this.request<{ products: ShelfProduct[] }>('GET', `/api/live/${encodeURIComponent(this.o.session)}/shelf`, { cookie: this.cookieOf(first) });
      this.shelf = r.body.products.filter((p) => p.skus.length > 0);
    } catch (err) {
      this.io.progress(`onair simulate: could not read the shelf (${(err as Error).message}); keeping the last one`);
    }
  }

  private cookieOf(v: SimViewer): string {
    return `${this.cookieName}=${v.account.token}`;
  }

  private wsUrl(query: Record<string, string>): string {
    const u = new URL('/ws', this.base);
    u.protocol = this.base.protocol === 'https:' ? 'wss:' : 'ws:';
    u.searchParams.set('session', this.o.session);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u.toString();
  }

  // ---------- the team socket: reads the room for everyone ----------

  private openObserver(): Promise<void> {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.wsUrl({ as: 'team' }), { headers: { cookie: this.team!.cookie, origin: this.origin, 'user-agent': SIMULATOR_USER_AGENT }, perMessageDeflate: false, handshakeTimeout: 10_000 });
      this.observer = ws;
      const done = setTimeout(resolve, 5000);
      ws.on('message', (data: RawData) => {
        let msg: { t?: string; room?: { tools?: { polls?: unknown[]; draws?: unknown[] }; presence?: { online?: number }; likes?: number }; ev?: { t: string; [k: string]: unknown }[] };
        try {
          msg = JSON.parse(data.toString()) as typeof msg;
        } catch {
          return;
        }
        if (msg.t === 'welcome') {
          for (const p of msg.room?.tools?.polls ?? []) this.notePoll(p);
          for (const d of msg.room?.tools?.draws ?? []) this.noteDraw(d);
          this.c.likesTotal = msg.room?.likes ?? 0;
          if (this.observerDown) this.io.progress('onair simulate: the team socket is back');
          this.observerDown = false;
          clearTimeout(done);
          resolve();
        } else if (msg.t === 'batch') {
          for (const e of msg.ev ?? []) this.onRoomEvent(e);
        }
      });
      ws.on('error', (err) => {
        if (!this.observerDown) this.io.progress(`onair simulate: the team socket failed (${err.message}); trying again (meanwhile polls and draws that open are not seen)`);
        this.observerDown = true;
        clearTimeout(done);
        resolve();
      });
      // A server restart: read the room again once it is back (its welcome lists the open tools).
      ws.on('close', (code: number) => {
        if ((code === 1012 || code === 1006) && !this.halt.signal.aborted) this.after(2000, () => void this.openObserver());
      });
    });
  }

  private onRoomEvent(e: { t: string; [k: string]: unknown }): void {
    switch (e.t) {
      case 'chat':
        if (this.simIds.has(String(e.uid))) this.c.observedComments += typeof e.n === 'number' ? e.n : 1;
        break;
      case 'likes':
        this.c.likesTotal = Number(e.total) || this.c.likesTotal;
        break;
      case 'status':
        if (e.status !== 'live' && !this.sessionEnded) {
          this.sessionEnded = true;
          this.io.progress(`onair simulate: the session is now ${String(e.status)}; the simulated viewers leave`);
        }
        break;
      case 'presence':
        this.c.peakOnline = Math.max(this.c.peakOnline, Number(e.online) || 0);
        break;
      case 'poll':
        this.notePoll(e.poll);
        break;
      case 'draw':
        this.noteDraw(e.draw);
        break;
    }
  }

  private notePoll(raw: unknown): void {
    const p = raw as { id: string; kind: 'single' | 'multiple'; options: string[]; status: string; closesAt: number | null };
    if (p.status !== 'open') {
      this.polls.delete(p.id);
      return;
    }
    const isNew = !this.polls.has(p.id);
    this.polls.set(p.id, { id: p.id, kind: p.kind, options: p.options.length, closesAt: p.closesAt });
    if (isNew) for (const v of this.viewers) if (v.state === 'joined') this.considerTools(v);
  }

  private noteDraw(raw: unknown): void {
    const d = raw as { id: string; status: string; phrase: string | null; closesAt: number | null };
    if (d.status !== 'open') {
      this.draws.delete(d.id);
      return;
    }
    const isNew = !this.draws.has(d.id);
    this.draws.set(d.id, { id: d.id, phrase: d.phrase, closesAt: d.closesAt });
    if (isNew) for (const v of this.viewers) if (v.state === 'joined') this.considerTools(v);
  }

  /** A present viewer may vote on each open poll and enter each open draw, once, after its reaction time. */
  private considerTools(v: SimViewer): void {
    const later = (key: string, fn: () => void) => {
      if (v.acted.has(key)) return;
      v.acted.add(key);
      this.after(v.plan.reactMs / this.o.speed, () => {
        if (v.state === 'joined') fn();
      });
    };
    for (const p of this.polls.values()) {
      if (hashFraction(v.plan.coin, p.id) >= v.plan.voteChance) continue;
      later(`poll:${p.id}`, () => {
        if (!this.polls.has(p.id) || p.options < 1) return;
        const first = Math.floor(hashFraction(v.plan.pick, p.id) * p.options);
        const choices = p.kind === 'multiple' && p.options > 1 && v.plan.pick < 0.4 ? [first, (first + 1) % p.options].sort((a, b) => a - b) : [first];
        if (this.send(v, 'vote', { t: 'vote', pollId: p.id, choices })) this.c.votesSent++;
      });
    }
    for (const d of this.draws.values()) {
      if (hashFraction(v.plan.coin, `draw:${d.id}`) >= v.plan.enterChance) continue;
      later(`draw:${d.id}`, () => {
        if (!this.draws.has(d.id)) return;
        // A 口令 draw is entered by commenting its phrase.
        if (d.phrase) {
          if (this.send(v, 'phrase', { t: 'chat', text: d.phrase })) {
            this.c.commentsSent++;
            this.c.entriesSent++;
          }
        } else if (this.send(v, 'enter', { t: 'enter', drawId: d.id })) this.c.entriesSent++;
      });
    }
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, Math.max(0, ms));
    this.timers.add(t);
  }

  // ---------- viewers' sockets ----------

  private send(v: SimViewer, kind: 'chat' | 'phrase' | 'vote' | 'enter' | 'track' | 'like', msg: Record<string, unknown>): boolean {
    if (!v.ws || v.ws.readyState !== WebSocket.OPEN) return false;
    let ref: string | undefined;
    if (kind !== 'like') {
      ref = `${kind[0]}${(this.refCounter++).toString(36)}`;
      this.refs.set(ref, { kind, viewer: v.plan.index });
    }
    v.ws.send(JSON.stringify(ref ? { ...msg, ref } : msg));
    return true;
  }

  private connect(v: SimViewer): void {
    v.state = 'connecting';
    void this.connecting.run(
      () =>
        new Promise<void>((settle) => {
          if (v.state !== 'connecting') return settle();
          const query = sourceQuery(v.plan.source, (i) => this.viewers[i]?.account.id ?? 'unknown');
          const ws = new WebSocket(this.wsUrl(query), {
            headers: { cookie: this.cookieOf(v), origin: this.origin, 'user-agent': SIMULATOR_USER_AGENT },
            perMessageDeflate: false,
            handshakeTimeout: 10_000,
          });
          v.ws = ws;
          let opened = false;
          // Events of an older socket of this viewer (closing late after a retry began) are ignored.
          const current = () => v.ws === ws;
          ws.on('unexpected-response', (_req, res) => {
            res.resume();
            ws.terminate();
            if (current()) this.connectFailed(v, `HTTP_${res.statusCode ?? 0}`);
            settle();
          });
          ws.on('open', () => {
            opened = true;
            this.connected++;
            this.c.peakConnected = Math.max(this.c.peakConnected, this.connected);
            settle();
          });
          ws.on('message', (data: RawData) => {
            if (current()) this.onViewerMessage(v, data as Buffer);
          });
          ws.on('error', (err) => {
            if (!opened && current()) this.connectFailed(v, (err as NodeJS.ErrnoException).code ?? 'ERROR');
            settle();
          });
          ws.on('close', (code: number) => {
            if (opened) this.connected--;
            settle();
            if (!current()) return;
            if (v.state === 'connecting') return this.connectFailed(v, `CLOSED_${code}`);
            // Closed by the server or the network while the plan still had it here: a restart
            // (1012) or a network drop (1006) is reconnected as the room page does; anything else
            // (a ban, too many bad messages) is not.
            if (v.state === 'joined') {
              if ((code === 1012 || code === 1006) && !this.halt.signal.aborted) this.retry(v);
              else {
                this.c.dropped++;
                v.state = 'failed';
              }
            }
          });
        }),
    );
  }

  /** A failed attempt: a server restarting or unreachable is tried again (backoff), a refusal is final. */
  private connectFailed(v: SimViewer, code: string): void {
    if (v.state !== 'connecting') return;
    const retryable = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|HTTP_50[234]|CLOSED_10(06|12))$/.test(code);
    if (retryable && v.attempts < MAX_ATTEMPTS && !this.halt.signal.aborted) this.retry(v);
    else {
      this.c.connectFailures[code] = (this.c.connectFailures[code] ?? 0) + 1;
      v.state = 'failed';
    }
  }

  private retry(v: SimViewer): void {
    v.state = 'waiting';
    v.attempts++;
    this.c.retries++;
    this.after(Math.min(8000, 500 * 2 ** v.attempts) * (0.75 + v.plan.pick * 0.5), () => {
      if (v.state === 'waiting') this.connect(v);
    });
  }


  private onViewerMessage(v: SimViewer, data: Buffer): void {
    // The room's batches go to every socket; only the team socket reads them.
    if (data.length > 12 && data[6] === 0x62 /* b */ && data.subarray(0, 12).toString() === '{"t":"batch"') return;
    // Everything else is rare (welcome, ack, error, missed, reset, reconnect): read it.
    let msg: { t?: string; ref?: string; code?: string; tracked?: { accepted: number } };
    try {
      msg = JSON.parse(data.toString()) as typeof msg;
    } catch {
      return;
    }
    if (msg.t === 'welcome') {
      if (v.state !== 'connecting') return;
      v.state = 'joined';
      if (v.everJoined) this.c.reconnects++;
      else this.c.joined++;
      v.everJoined = true;
      v.attempts = 0;
      const pending = v.pending;
      v.pending = [];
      for (const a of pending) this.act(v, a);
      this.considerTools(v);
      return;
    }
    if (msg.t !== 'ack' && msg.t !== 'error') return;
    const what = msg.ref ? this.refs.get(msg.ref) : undefined;
    if (msg.ref) this.refs.delete(msg.ref);
    if (msg.t === 'ack') {
      if (what?.kind === 'track') this.c.beaconsAccepted += msg.tracked?.accepted ?? 0;
      else if (what?.kind === 'chat') this.c.commentsAccepted++;
      else if (what?.kind === 'phrase') {
        // Accepted as a comment; the draw counts it as an entry when its rules admit the viewer.
        this.c.commentsAccepted++;
        this.c.entriesAccepted++;
      }
      else if (what?.kind === 'vote') this.c.votesAccepted++;
      else if (what?.kind === 'enter') this.c.entriesAccepted++;
      return;
    }
    const code = msg.code ?? 'ERROR';
    if (what?.kind === 'track' && code === 'BAD_MESSAGE' && this.trackSupported) {
      this.trackSupported = false;
      this.io.progress('onair simulate: this server does not take `track` beacons on the room socket; product impressions, clicks, carts and shares are not sent');
    }
    if (what?.kind === 'chat' || what?.kind === 'phrase') this.c.commentsRefused++;
    this.refuse(`${what?.kind ?? 'room'}:${code}`);
  }

  private leave(v: SimViewer): void {
    const was = v.state;
    v.state = 'left';
    v.pending = [];
    // Present (or coming back after a restart) when the plan has it leave.
    if (v.everJoined && was !== 'left' && was !== 'failed') this.c.left++;
    if (v.ws && v.ws.readyState !== WebSocket.CLOSED) {
      if (v.ws.readyState === WebSocket.CONNECTING) v.ws.terminate();
      else v.ws.close(1000, 'bye');
    }
  }

  // ---------- actions ----------

  private act(v: SimViewer, a: PlanAction): void {
    if (v.state === 'connecting') {
      v.pending.push(a);
      return;
    }
    if (v.state !== 'joined') return;
    switch (a.kind) {
      case 'chat': {
        const list = v.chatSeq++ === 0 && a.pick < 0.5 ? greetings : phrases;
        // People do not repeat themselves (and the room refuses a repeat as DUPLICATE).
        let i = Math.floor(a.pick * list.length);
        for (let k = 0; k < list.length && v.said.includes(list[i]!); k++) i = (i + 1) % list.length;
        const text = list[i]!;
        v.said = [...v.said.slice(-4), text];
        if (this.send(v, 'chat', { t: 'chat', text })) this.c.commentsSent++;
        break;
      }
      case 'like':
        if (this.send(v, 'like', { t: 'like', n: Math.min(20, a.n) })) this.c.likes += Math.min(20, a.n);
        break;
      case 'impression': {
        if (this.shelf.length === 0) break;
        const start = Math.floor(a.pick * this.shelf.length);
        const seen = Array.from({ length: Math.min(a.n, this.shelf.length) }, (_, i) => this.shelf[(start + i) % this.shelf.length]!);
        if (this.beacon(v, seen.map((p) => ({ type: 'product_impression', productId: p.productId })))) this.c.impressions += seen.length;
        break;
      }
      case 'click': {
        const buyable = this.shelf.filter((p) => p.skus.some((s) => s.stock.state !== 'sold_out'));
        const from = buyable.length ? buyable : this.shelf;
        if (from.length === 0) break;
        v.product ??= from[Math.floor(a.pick * from.length)]!;
        if (this.beacon(v, [{ type: 'product_click', productId: v.product.productId }])) this.c.clicks++;
        break;
      }
      case 'cart':
        if (!v.product) break;
        if (this.beacon(v, [{ type: 'add_to_cart', productId: v.product.productId, n: a.n }])) this.c.carts++;
        break;
      case 'share':
        if (this.beacon(v, [{ type: 'share', shareChannel: shareChannels[Math.floor(a.pick * shareChannels.length)]! }])) this.c.shares++;
        break;
      case 'buy':
        if (v.product) this.buy(v, v.product, a);
        break;
    }
  }

  private beacon(v: SimViewer, events: { type: string; productId?: string; n?: number; shareChannel?: string }[]): boolean {
    if (!this.trackSupported) return false;
    const at = Date.now();
    const withIds = events.map((e) => ({ id: `sim-${this.label}-${v.plan.index + 1}-${v.beaconSeq++}`, at, ...e }));
    return this.send(v, 'track', { t: 'track', events: withIds });
  }

  private buy(v: SimViewer, product: ShelfProduct, a: PlanAction): void {
    const p = this.purchase(v, product, a)
      .catch((err: unknown) => {
        const code = err instanceof HttpError ? err.code : 'ERROR';
        if (err instanceof PaymentError) this.refuse(`payment:${code}`);
        else {
          this.c.ordersFailed++;
          this.refuse(`order:${code}`);
        }
      })
      .finally(() => this.purchases.delete(p));
    this.purchases.add(p);
  }

  /** The viewer web app's checkout: quote, place the order, pay it in the sandbox (a real payment event). */
  private async purchase(v: SimViewer, product: ShelfProduct, a: PlanAction): Promise<void> {
    const sku = product.skus.find((s) => s.stock.state !== 'sold_out');
    if (!sku) {
      this.refuse('order:SOLD_OUT');
      return;
    }
    const auth = { cookie: this.cookieOf(v), csrf: v.account.csrfToken };
    const lines = [{ skuId: sku.skuId, quantity: a.n }];
    const sid = encodeURIComponent(this.o.session);
    let quote = await this.request<{ pricing: { totalFen: number } }>('POST', `/api/live/${sid}/cart/quote`, { ...auth, body: { lines, usePoints: false } });
    const n = String(v.plan.index + 1).padStart(4, '0');
    const body = {
      lines,
      usePoints: false,
      idempotencyKey: `sim-${this.label}-${n}-${Math.floor(a.atMs)}`,
      address: { name: `Sim Buyer ${n}`, phone: '138 0000 0000', region: 'Shanghai', street: `${Number(n)} Simulation Road (simulated order)` },
    };
    let placed: { order: { id: string; totalFen?: number }; payment: { checkoutUrl: string } };
    try {
      placed = (await this.request<typeof placed>('POST', `/api/live/${sid}/orders`, { ...auth, body: { ...body, expectedTotalFen: quote.body.pricing.totalFen } })).body;
    } catch (err) {
      if (!(err instanceof HttpError && err.code === 'PRICE_CHANGED')) throw err;
      // The price moved between quote and order (a flash sale, an offer): accept the new total once.
      quote = await this.request<{ pricing: { totalFen: number } }>('POST', `/api/live/${sid}/cart/quote`, { ...auth, body: { lines, usePoints: false } });
      placed = (await this.request<typeof placed>('POST', `/api/live/${sid}/orders`, { ...auth, body: { ...body, expectedTotalFen: quote.body.pricing.totalFen } })).body;
    }
    this.c.ordersPlaced++;
    const ref = /\/pay\/sandbox\/([^/?#]+)/.exec(placed.payment.checkoutUrl)?.[1];
    if (!ref) throw new PaymentError('NOT_SANDBOX');
    await this.pay(ref, quote.body.pricing.totalFen, a.pick).catch((err: unknown) => {
      throw new PaymentError(err instanceof HttpError ? err.code : 'ERROR');
    });
  }

  private async pay(ref: string, totalFen: number, pick: number): Promise<void> {
    // The sandbox's pay button; its per-address rate limit is waited out, not fought.
    for (let attempt = 0; ; attempt++) {
      try {
        const paid = await this.request<{ orderStatus: string }>('POST', `/api/pay/sandbox/${ref}/complete`, { body: { outcome: 'succeed' } });
        if (paid.body.orderStatus !== 'paid') throw new PaymentError(`STATUS_${paid.body.orderStatus}`);
        this.c.ordersPaid++;
        this.c.paidFen += totalFen;
        return;
      } catch (err) {
        if (err instanceof HttpError && err.status === 429 && attempt < 30 && !this.halt.signal.aborted) {
          if (!this.paymentWaitNoted) {
            this.paymentWaitNoted = true;
            this.io.progress('onair simulate: the sandbox payment page allows a limited number of payments a minute per address; waiting it out (a fast replay pays its orders late)');
          }
          await sleep(Math.min(60, err.retryAfterSeconds ?? 5) * 1000 + Math.floor(pick * 1000), this.halt.signal);
          if (this.halt.signal.aborted) throw new HttpError(429, 'PAYMENT_NOT_COMPLETED', 'the run ended before the sandbox took this payment', null, undefined);
          continue;
        }
        throw err;
      }
    }
  }

  // ---------- the clock ----------

  private play(): Promise<boolean> {
    const timeline: TimelineEntry[] = planTimeline(this.plan);
    this.startedAt = Date.now();
    const every = this.io.progressEveryMs ?? 1000;
    let next = 0;
    let lastProgress = 0;
    let lastShelf = Date.now();
    return new Promise<boolean>((resolve) => {
      const stop = (interrupted: boolean) => {
        clearInterval(tick);
        this.io.signal?.removeEventListener('abort', onAbort);
        resolve(interrupted);
      };
      const onAbort = () => stop(true);
      this.io.signal?.addEventListener('abort', onAbort, { once: true });
      const tick = setInterval(() => {
        const simNow = (Date.now() - this.startedAt) * this.o.speed;
        this.simNow = Math.min(simNow, this.plan.durationMs);
        // Bounded work per tick: a fast replay never blocks the socket's own I/O for long.
        let budget = 2000;
        while (next < timeline.length && timeline[next]!.atMs <= simNow && budget-- > 0) {
          const e = timeline[next++]!;
          const v = this.viewers[e.viewer]!;
          if (e.kind === 'arrive') this.connect(v);
          else if (e.kind === 'leave') this.leave(v);
          else if (e.kind === 'act') this.act(v, e.action);
        }
        const now = Date.now();
        if (now - lastProgress >= every) {
          lastProgress = now;
          this.progressLine(Math.min(simNow, this.plan.durationMs));
        }
        if (now - lastShelf >= 30_000) {
          lastShelf = now;
          void this.refreshShelf();
        }
        if ((next >= timeline.length && simNow >= this.plan.durationMs) || this.sessionEnded) stop(false);
      }, 20);
      if (this.io.signal?.aborted) stop(true);
    });
  }

  private progressLine(simNow: number): void {
    const c = this.c;
    this.io.progress(
      `t=${mmss(simNow)}/${mmss(this.plan.durationMs)} connected=${this.connected} joined=${c.joined} left=${c.left} comments=${c.commentsSent} likes=${c.likes} clicks=${c.clicks} orders=${c.ordersPlaced} paid=${c.ordersPaid}`,
    );
  }

  private async finish(interrupted: boolean): Promise<SimulationSummary> {
    for (const v of this.viewers) if (v.state === 'joined' || v.state === 'connecting' || (v.state === 'waiting' && v.everJoined)) this.leave(v);
    // Let the sockets close cleanly (the room records each view's end), at most 3 s.
    for (let i = 0; i < 30 && this.connected > 0; i++) await sleep(100);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.purchases.size > 0 && !interrupted) {
      // The sandbox takes SANDBOX_PAYMENTS_PER_MINUTE payments a minute from one address: wait
      // as long as the backlog needs (bounded; unpaid orders expire as abandoned ones do).
      const drainMs = Math.min(MAX_DRAIN_MS, Math.max(DRAIN_MS, Math.ceil(this.purchases.size / SANDBOX_PAYMENTS_PER_MINUTE) * 60_000 + 15_000));
      this.io.progress(`Waiting for ${this.purchases.size} purchase(s) to be paid (at most ${Math.round(drainMs / 1000)} s; Ctrl-C stops)...`);
      const ticker = setInterval(() => this.progressLine(this.simNow), this.io.progressEveryMs ?? 1000);
      await Promise.race([Promise.allSettled([...this.purchases]), sleep(drainMs, this.io.signal)]);
      clearInterval(ticker);
      // Ctrl-C while waiting for payments.
      if (this.io.signal?.aborted) interrupted = true;
    }
    this.halt.abort();
    // Let the room's last batches (likes, comments) reach the team socket.
    await sleep(interrupted ? 0 : 600);
    this.progressLine(this.simNow);
    this.observer?.close(1000, 'done');
    const c = this.c;
    return {
      sessionId: this.o.session,
      label: this.label,
      seed: this.o.seed,
      viewers: this.o.viewers,
      minutes: this.o.minutes,
      speed: this.o.speed,
      interrupted,
      sessionEnded: this.sessionEnded,
      elapsedSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      joined: c.joined,
      left: c.left,
      peakConnected: c.peakConnected,
      connectFailures: c.connectFailures,
      dropped: c.dropped,
      reconnects: c.reconnects,
      retries: c.retries,
      comments: { sent: c.commentsSent, accepted: c.commentsAccepted, refused: c.commentsRefused },
      likes: c.likes,
      beacons: { impressions: c.impressions, clicks: c.clicks, carts: c.carts, shares: c.shares, accepted: c.beaconsAccepted, supported: this.trackSupported },
      orders: { placed: c.ordersPlaced, paid: c.ordersPaid, failed: c.ordersFailed, unpaid: c.ordersPlaced - c.ordersPaid, paidFen: c.paidFen },
      votes: { sent: c.votesSent, accepted: c.votesAccepted },
      drawEntries: { sent: c.entriesSent, accepted: c.entriesAccepted },
      refusals: c.refusals,
      observed: { simulatedComments: c.observedComments, likesTotal: c.likesTotal, peakOnline: c.peakOnline },
    };
  }

  /** Closes every socket now (also on an error or Ctrl-C). */
  closeAll(): void {
    this.halt.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const v of this.viewers) if (v.ws && v.ws.readyState !== WebSocket.CLOSED) v.ws.terminate();
    if (this.observer && this.observer.readyState !== WebSocket.CLOSED) this.observer.terminate();
  }
}
