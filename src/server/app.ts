import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { AppConfig } from './config/config.js';
import { AuthService } from './platform/auth/auth.service.js';
import { SigninThrottle } from './platform/auth/signin-throttle.js';
import { systemClock, type Clock } from './platform/clock.js';
import { migrateToLatest, openDatabase, type Database } from './platform/db/database.js';
import { GroupCommit } from './platform/db/group-commit.js';
import { AppError } from './platform/errors.js';
import { installAccessGuard, type RouteAccessRecord } from './platform/http/access.js';
import { CookiePolicy } from './platform/http/cookie-policy.js';
import { frameworkErrors, installErrorHandler } from './platform/http/error-handler.js';
import { lazyChildLoggerFactory } from './platform/http/lazy-logger.js';
import { installSecurityHeaders, securityHeaders } from './platform/http/security-headers.js';
import { LocalRateLimiter } from './platform/throttle/local-rate.js';
import { SecretBox } from './platform/crypto/secret-box.js';
import { recordingRoutes } from './modules/video/recording.routes.js';
import { RecordingService } from './modules/video/index.js';
import { HlsOutput, INGEST_APP, RtmpIngest, VideoService, hlsRoutes, probeFfmpeg, stampPictureEvent, videoRoutes } from './modules/video/index.js';
import { RestreamService } from './modules/video/restream.service.js';
import { restreamRoutes } from './modules/video/restream.routes.js';
import { PreflightService, preflightRoutes } from './modules/video/index.js';
import { installMetrics } from './platform/http/metrics.plugin.js';
import { installSchemaDefaults } from './platform/http/schema-defaults.js';
import { timeOrderedIds, type IdGenerator } from './platform/ids/id-generator.js';
import { resolveSigningSecret } from './platform/settings.store.js';
import { MemoryThrottleStore } from './platform/throttle/throttle.memory.js';
import type { ThrottleStore } from './platform/throttle/throttle.port.js';
import { RedisThrottleStore } from './platform/throttle/throttle.redis.js';
import { AuditService } from './modules/audit/audit.service.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { CatalogService, ShelfService, catalogRoutes, shelfRoutes } from './modules/catalog/index.js';
import { SessionsService, sessionRoutes } from './modules/sessions/index.js';
import { TeamService, teamRoutes } from './modules/team/index.js';
import { ViewersService, viewerRoutes } from './modules/viewers/index.js';
import { PromotionsService, SqlPointsLedger, promotionRoutes } from './modules/promotions/index.js';
import { RoomHub, RoomService, installRoomGateway, loadChatFilter, noFollows, roomRoutes } from './modules/room/index.js';
import { AddressCipher, OrdersService, SandboxPaymentProvider, orderRoutes, resolveDataKey, sandboxWebhookSecret } from './modules/orders/index.js';
import { FlashSalesService, GRABS_PER_SECOND, GrabFastPath, MemoryFlashGate, RedisFlashGate, flashSaleRoutes, type FlashGate } from './modules/flash-sales/index.js';
import { checkout, type CheckoutDeps, type CheckoutOutcome } from './flows/checkout.flow.js';
import type { CheckoutBody } from '../contracts/orders.contract.js';
import { systemCtx, type Ctx } from './platform/context.js';
import type { FlashClaims } from './modules/promotions/flash-claims.port.js';
import type { Bus } from './platform/bus/bus.port.js';
import { InteractService, interactRoutes } from './modules/interact/index.js';
import { MemoryBus } from './platform/bus/bus.memory.js';
import type { AnalyticsSink } from './modules/analytics/analytics.sink.js';
import { AnalyticsService } from './modules/analytics/analytics.service.js';
import { simulationRoutes } from './modules/viewers/simulation.routes.js';
import { analyticsRoutes } from './modules/analytics/analytics.routes.js';
import { segmentRoutes } from './modules/analytics/segments.routes.js';
import { surveyRoutes } from './modules/analytics/survey.routes.js';
import { beaconRoutes } from './modules/analytics/beacons.routes.js';
import { RecentIds } from './modules/analytics/recent-ids.js';
import { RoomAnalytics } from './modules/room/room-analytics.js';
import { RedisBus } from './platform/bus/bus.redis.js';

export interface AppOptions {
  config: AppConfig;
  clock?: Clock;
  ids?: IdGenerator;
  /** An already open database (tests); otherwise opened from config. */
  database?: Database;
  /** Run migrations before serving (default true). */
  migrate?: boolean;
  /** Identifies this process among the nodes of a site (default: random). */
  nodeId?: string;
  /** false silences logs (tests); default: JSON logs at config.logLevel. */
  logger?: boolean;
  /** Where modules record analytics events (tests pass a recording one); default the app's own. */
  analyticsSink?: AnalyticsSink;
}

export interface Services {
  audit: AuditService;
  auth: AuthService;
  team: TeamService;
  viewers: ViewersService;
  catalog: CatalogService;
  shelf: ShelfService;
  sessions: SessionsService;
  room: RoomService;
  hub: RoomHub;
  promotions: PromotionsService;
  orders: OrdersService;
  flashSales: FlashSalesService;
  video: VideoService;
  /** Pre-flight checklist and test-stream mode (video module). */
  preflight: PreflightService;
  restream: RestreamService;
  /** Interactive tools: polls, draws, quizzes, Q&A, topics, countdowns (issue 6). */
  interact: InteractService;
  /** Analytics (issue 7): the event pipeline, live rollups, reports, insights. */
  analytics: AnalyticsService;
  /** The checkout flow (POST /api/live/:id/orders) as a function: demo data and fixtures place orders through it. */
  checkout: (ctx: Ctx, sessionId: string, body: CheckoutBody) => Promise<CheckoutOutcome>;
}

export interface OnairApp {
  app: FastifyInstance;
  services: Services;
  database: Database;
  clock: Clock;
  /** Every /api route with its access rule, as registered (the role-matrix test walks it). */
  routes: RouteAccessRecord[];
  /** The flash-sale grab's fast path in front of Fastify (its counters show what it answered). */
  grabFastPath: GrabFastPath;
  /** The RTMP ingest (OBS publishes here); `port` is the one it listens on. */
  ingest: RtmpIngest;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Finds the built web app: dist/web beside dist/server when compiled, or the repository's
 * dist/web when run from source (src/web is Vite's source, never served as is).
 */
export function defaultWebDir(): string {
  const candidates = [resolve(here, '../web'), resolve(here, '../../dist/web')];
  return candidates.find((d) => existsSync(join(d, 'index.html')) && !existsSync(join(d, 'main.tsx'))) ?? candidates[1]!;
}

/** The path (body.title, body.roles.0) of the first string holding U+0000, if any. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  // for-in over own keys, without an entries array per object (this runs on every request).
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    if (k.includes('\u0000')) return `${path}.${k.replaceAll('\u0000', '\\0')}`;
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return `${path}.${k}`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const found = nulPath(v, `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** OBS "Server": ONAIR_RTMP_PUBLIC_URL, else the public URL's host (or the bind host) and the ingest port, with /live. */
export function ingestServerUrl(config: Pick<AppConfig, 'rtmpPublicUrl' | 'publicUrl' | 'rtmpHost' | 'host'>, port: number): string {
  if (config.rtmpPublicUrl) return `${config.rtmpPublicUrl}/${INGEST_APP}`;
  let host = config.publicUrl ? new URL(config.publicUrl).hostname : (config.rtmpHost ?? config.host);
  if (host === '0.0.0.0' || host === '::') host = '127.0.0.1';
  if (host.includes(':')) host = `[${host}]`;
  return `rtmp://${host}:${port}/${INGEST_APP}`;
}

/** A request slower than this is logged at info (others at debug). */
const SLOW_REQUEST_MS = 1000;

/** Boot order: config -> platform (db, clock, ids, throttle, auth) -> modules -> web. */
export async function buildApp(opts: AppOptions): Promise<OnairApp> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? timeOrderedIds(() => clock.now().getTime());
  const database =
    opts.database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, pgSchema: config.pgSchema, pgPoolMax: config.pgPoolMax, sqliteFile: join(config.dataDir, 'onair.sqlite') }));
  if (opts.migrate !== false) await migrateToLatest(database);

  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  const throttleStore: ThrottleStore = redis ? new RedisThrottleStore(redis) : new MemoryThrottleStore(() => clock.now().getTime());
  const signingSecret = await resolveSigningSecret(database.db, config.secret, clock.now().toISOString());
  const auth = new AuthService({
    db: database.db,
    readDb: database.readDb,
    clock,
    ids,
    signingSecret,
    ttlMs: { team: config.teamSessionHours * 3600_000, viewer: config.viewerSessionDays * 86400_000 },
  });
  const throttleOpts = {
    maxFailuresPerAccount: config.signinMaxFailures,
    maxFailuresPerIp: config.signinIpMaxFailures,
    lockMs: config.signinLockMinutes * 60_000,
  };
  const audit = new AuditService(database.db, clock, ids);
  const catalog = new CatalogService({ db: database.db, clock, ids, audit });
  const team = new TeamService({ db: database.db, clock, ids, auth, audit, throttle: new SigninThrottle(throttleStore, throttleOpts, 'team') });
  const sessions = new SessionsService({ db: database.db, clock, ids, audit, catalog, memberNames: (memberIds) => team.namesOf(memberIds) });
  const bus: Bus = config.redisUrl ? new RedisBus(config.redisUrl) : new MemoryBus();
  // Sign-in sessions are cached briefly per node; revocations reach the other nodes' caches here.
  await auth.attachBus(bus);
  const logError = (err: unknown, where: string) => app.log.error({ err }, where);
  const nodeId = opts.nodeId ?? randomBytes(4).toString('hex');
  // Analytics (issue 7): every module records events into the pipeline's sink; stored events
  // update the live rollups (dashboard), and a session's report is built when it ends.
  const analytics = new AnalyticsService({
    database,
    clock,
    ids,
    audit,
    bus,
    relay: Boolean(config.redisUrl),
    nodeId,
    random: Math.random,
    chromiumPath: config.chromiumPath,
    // The logger exists once Fastify does (below); nothing logs before then.
    log: { warn: (obj, msg) => app.log.warn(obj, msg), error: (obj, msg) => app.log.error(obj, msg) },
    facts: async (id) => {
      const s = await sessions.liveSpan(id);
      return { startedAt: s.wentLiveAt ? Date.parse(s.wentLiveAt) : null, endedAt: s.endedAt ? Date.parse(s.endedAt) : null, brandId: s.brandId, title: s.title, status: s.status, isDemo: s.isDemo, hostIds: s.hostIds };
    },
    onSessionTransition: (listener) => sessions.onTransition(listener),
    timeline: async (id, _from, to) => {
      const sys = systemCtx('analytics');
      const [expl, sales, tools] = await Promise.all([shelf.explanations(sys, id), flashSales.list(sys, id), interact.timeline(id, to)]);
      return {
        explanations: expl.items.map((x) => ({ productId: x.productId, from: Date.parse(x.startedAt), to: x.endedAt ? Date.parse(x.endedAt) : to })),
        productNames: Object.fromEntries(expl.items.map((x) => [x.productId, x.title])),
        tools: tools.map((x) => ({ kind: x.kind, label: x.label, from: x.from, to: x.to })),
        flashSales: sales.items
          .filter((x) => x.status !== 'cancelled')
          .map((x) => ({ label: x.title, from: Date.parse(x.startsAt), to: Date.parse(x.endsAt), depth: x.regularPriceFen > 0 ? Math.max(0, 1 - x.priceFen / x.regularPriceFen) : 0 })),
      };
    },
    productNames: async (productIds) => Object.fromEntries((await catalog.productsByIds(productIds)).map((p) => [p.id, p.title])),
    trafficOf: async (actor) => (actor.kind === 'viewer' && (await viewers.isSimulated(actor.id)) ? 'simulated' : 'real'),
    teamSessions: () => hub.teamSessions(),
    sendTeam: (sessionId, msg) => hub.sendTeam(sessionId, msg),
    issueCoupons: (ctx, templateId, viewerIds) => promotions.issueByHand(ctx, templateId, { viewerIds }),
    // Event batches go in right after the order writes' current group, never in the middle of one.
    atFreeMoment: (fn) => orderWrites.atFreeMoment(fn),
  });
  // Tests may pass their own sink: it sees every event too.
  const analyticsSink: AnalyticsSink = opts.analyticsSink
    ? { record: (e) => (opts.analyticsSink!.record(e), analytics.sink.record(e)) }
    : analytics.sink;
  // Beacon ids recorded lately, shared by the room socket's `track` and the beacons route.
  const recentBeacons = new RecentIds(100_000);
  // Analytics of the live room: each audience connection's view (source, traffic, heartbeats),
  // likes, comments, beacons; votes and orders borrow the viewer's source and traffic from it.
  const roomAnalytics = new RoomAnalytics({
    sink: analyticsSink,
    now: () => clock.now().getTime(),
    liveSince: async (id) => {
      const t = (await sessions.liveTimes(id)).wentLiveAt;
      return t ? Date.parse(t) : null;
    },
    viewerSimulated: (viewerId) => viewers.isSimulated(viewerId),
    onError: (err, where) => logError(err, where),
    recentBeacons,
  });
  const viewContext = (sessionId: string, viewerKey: string, at: number) => roomAnalytics.viewContext(sessionId, viewerKey, at);
  sessions.onTransition((id, to) => {
    if (to === 'live') roomAnalytics.wentLive(id, clock.now().getTime());
  });
  // The hub and the room service need each other; the hub reaches the service through this holder.
  const late: { room?: RoomService; video?: VideoService; interact?: InteractService } = {};
  const hub = new RoomHub({
    bus,
    nodeId,
    now: () => clock.now().getTime(),
    tickMs: config.roomTickMs,
    danmakuRate: config.danmakuRate,
    slowBytes: config.wsSlowBytes,
    resumeBatches: config.wsResumeBatches,
    loadRoom: (id) => late.room!.loadRoom(id),
    persistStats: (id, delta) => late.room!.persistStats(id, delta),
    onError: (err, where) => logError(err, where),
    // Events that refer to the picture carry where the stream is (overlays in step with the video).
    stamp: (id, e) => (late.video ? stampPictureEvent((sid) => late.video!.position(sid), id, e) : e),
    // Watch time (draw eligibility) counts from each audience principal's presence.
    onPresence: (id, principalKey, present, at) => late.interact?.onPresence(id, principalKey, present, at),
    onMember: (member, present, at) => roomAnalytics.member(member.view, present, at),
    beforeTick: () => late.interact?.roomTick() ?? Promise.resolve(),
  });
  // One chat keyword filter for comments and Q&A questions.
  const filter = loadChatFilter(config.chatFilterFile);
  const roomService = new RoomService({
    db: database.db,
    clock,
    ids,
    bus,
    audit,
    sessions,
    hub,
    filter,
    follows: noFollows,
    limits: { chatRatePerSecond: config.chatRatePerSecond, chatBurst: config.chatBurst, duplicateWindowMs: 30_000 },
    ipKeySecret: signingSecret,
    onError: (err, where) => logError(err, where),
    analytics: roomAnalytics,
  });
  late.room = roomService;
  const shelf = new ShelfService({
    db: database.db,
    clock,
    ids,
    audit,
    catalog,
    sessions,
    publish: (sessionId, event) => hub.publishEvent(sessionId, event),
    lowStockThreshold: config.lowStockThreshold,
    onError: (err, where) => logError(err, where),
  });
  const viewers = new ViewersService({ db: database.db, readDb: database.readDb, clock, ids, auth, throttle: new SigninThrottle(throttleStore, throttleOpts, 'viewer') });
  const promotions = new PromotionsService({
    db: database.db,
    dialect: database.dialect,
    clock,
    ids,
    audit,
    catalog,
    sessions,
    viewers,
    points: new SqlPointsLedger({ db: database.db, now: () => clock.now().toISOString(), ids }),
    pointsPolicy: { pointsPerYuan: config.pointsPerYuan, capFen: config.pointsMaxFenPerOrder },
    bus,
  });
  // Orders: personal data key (refuses to start with DATABASE_URL and no key), the sandbox
  // payment provider, and flash claims (the flash-sales service below).
  const dataKey = resolveDataKey(config);
  const sandbox = config.sandboxPayments ? new SandboxPaymentProvider(sandboxWebhookSecret(config.paymentWebhookSecret, signingSecret), () => clock.now().getTime()) : null;
  // Flash sales: the fast gate is in-process (embedded) or one Redis Lua script (scale-out,
  // PostgreSQL the record); pricing sees open sales, the checkout claims through it.
  const flashGate: FlashGate =
    config.redisUrl && config.databaseUrl ? new RedisFlashGate(config.redisUrl, { nodeId: opts.nodeId ?? randomBytes(6).toString('hex'), now: () => clock.now().getTime() }) : new MemoryFlashGate();
  // SQLite: the writes of a moment (checkouts, a flash sale's reservations first) share one commit, each in its own savepoint.
  const orderWrites = new GroupCommit(database.db, database.dialect === 'sqlite', 16, database.sqlite);
  const flashSales = new FlashSalesService({
    db: database.db,
    clock,
    ids,
    audit,
    catalog,
    sessions,
    gate: flashGate,
    publish: (sessionId, event) => hub.publishEvent(sessionId, event),
    tickMs: config.roomTickMs,
    holdMinutes: config.flashHoldMinutes,
    writerParallel: database.dialect === 'postgres' ? 4 : 1,
    dialect: database.dialect,
    writes: orderWrites,
    sqlite: database.sqlite,
    pgPool: database.pgPool,
    onError: (err, where) => logError(err, where),
  });
  promotions.setFlashSource(flashSales);
  const flashClaims: FlashClaims = flashSales;
  const orderPoints = new SqlPointsLedger({ db: database.db, now: () => clock.now().toISOString(), ids });
  const orderCoupons = {
    reserve: (trx: Parameters<PromotionsService['reserveCoupons']>[0], buyerId: string, couponIds: readonly string[], orderId: string) => promotions.reserveCoupons(trx, buyerId, couponIds, orderId),
    release: (trx: Parameters<PromotionsService['releaseCoupons']>[0], _buyerId: string, _couponIds: readonly string[], orderId: string) => promotions.releaseCoupons(trx, orderId),
    consume: (trx: Parameters<PromotionsService['consumeCoupons']>[0], _buyerId: string, _couponIds: readonly string[], orderId: string) => promotions.consumeCoupons(trx, orderId),
  };
  const orders = new OrdersService({
    db: database.db,
    clock,
    ids,
    audit,
    catalog,
    flash: flashClaims,
    coupons: orderCoupons,
    points: orderPoints,
    provider: sandbox,
    cipher: new AddressCipher(dataKey),
    returnDays: config.returnDays,
    buyerNames: async (buyerIds) => new Map((await viewers.findViewers({ ids: buyerIds })).map((v) => [v.id, v.nickname])),
    buyersNamed: async (nickname) => (await viewers.findViewers({ nicknames: [nickname] })).map((v) => v.id),
    onError: (err, where) => logError(err, where),
    analytics: { sink: analyticsSink, viewContext },
  });
  flashSales.setUnpaidOrders(orders);
  const checkoutDeps: CheckoutDeps = {
    db: database.db,
    clock,
    ids,
    catalog,
    sessions,
    orders,
    pricing: promotions,
    flash: flashClaims,
    coupons: orderCoupons,
    points: orderPoints,
    payMinutes: config.orderPayMinutes,
    transact: (fn) => orderWrites.run(fn),
    analytics: { sink: analyticsSink, viewContext },
    buyerSimulated: (buyerId) => viewers.isSimulated(buyerId),
  };
  // Video: stream keys sealed with the data key; the RTMP ingest (started below) asks the video
  // service at each publish; viewers play the session's relay.
  let ingest: RtmpIngest | null = null;
  // HLS, recording and restream run the system ffmpeg; without it Onair still serves HTTP-FLV.
  const ffmpeg = await probeFfmpeg(config.ffmpegPath);
  const video = new VideoService({
    db: database.db,
    clock,
    ids,
    audit,
    sessions,
    box: new SecretBox(dataKey),
    signingSecret,
    ingestServer: () => ingestServerUrl(config, ingest?.port ?? config.rtmpPort),
    graceMs: config.streamGraceSeconds * 1000,
    ffmpeg,
    mediaDir: config.mediaDir ?? join(config.dataDir, 'media'),
    publish: (sessionId, event) => hub.publishEvent(sessionId, event),
    onError: (err, where) => logError(err, where),
  });
  late.video = video;
  // Restream: each enabled target of a publishing session gets an ffmpeg pushing the relay to it.
  const restream = new RestreamService({
    db: database.db,
    clock,
    ids,
    audit,
    sessions,
    video,
    box: new SecretBox(dataKey),
    log: { info: (o, m) => app.log.info(o, m), warn: (o, m) => app.log.warn(o, m), error: (o, m) => app.log.error(o, m) },
  });
  // Pre-flight (handbook 3.3): the checklist, the upload-speed test and the test-stream mode.
  const preflight = new PreflightService({ db: database.db, clock, audit, sessions, video, onError: (err, where) => logError(err, where) });
  await preflight.loadRehearsals();
  // Interactive tools (issue 6): polls, draws, quizzes, Q&A, topics, countdowns.
  const toolBox = new SecretBox(dataKey);
  const interact = new InteractService(
    {
      db: database.db,
      clock,
      ids,
      random: (n) => randomBytes(n),
      audit,
      sessions,
      publish: (sessionId, event) => hub.publishEvent(sessionId, event),
      seal: { seal: (plain) => toolBox.seal('interact', plain), open: (sealed) => toolBox.open('interact', sealed) },
      viewers: {
        names: async (viewerIds) => {
          const out = new Map<string, string>();
          const unique = [...new Set(viewerIds)];
          for (let i = 0; i < unique.length; i += 1000) for (const v of await viewers.findViewers({ ids: unique.slice(i, i + 1000) })) out.set(v.id, v.nickname);
          return out;
        },
        createdAt: (viewerIds) => viewers.createdAtOf(viewerIds),
      },
      buyers: (sessionId, viewerIds) => orders.buyersInSession(sessionId, viewerIds),
      fans: { follows: async () => new Set(), reserved: async () => new Set(), fanLevels: async () => new Map() },
      rewards: {
        issueCoupon: async (templateId, viewerId, ref) => {
          try {
            const r = await promotions.issueToWinners(systemCtx('interact'), templateId, [viewerId], ref);
            if (r.issued === 1) return { ok: true, couponId: r.couponIds[0] ?? null };
            return { ok: false, reason: r.skipped[0]?.reason ?? 'NOT_ISSUED' };
          } catch (err) {
            if (err instanceof AppError) return { ok: false, reason: err.code };
            throw err;
          }
        },
        grantPoints: (viewerId, points, reason, ref) => orderPoints.grant(viewerId, points, reason, ref),
        couponLabel: (templateId) => promotions.templateName(templateId),
        productLabel: (productId) => catalog.productName(productId),
      },
      inRoom: (sessionId, viewerId) => hub.isPresent(sessionId, `viewer:${viewerId}`),
      filterText: (text) => filter.check(text),
      onError: (err, where) => logError(err, where),
      analytics: { sink: analyticsSink, viewContext },
    },
    config.roomTickMs,
    { followRoomTick: true },
  );
  late.interact = interact;
  roomService.setToolsSource((id) => interact.roomTools(id));
  roomService.onComment((c) => interact.onComment(c));
  const services: Services = {
    interact,
    analytics,
    audit,
    auth,
    catalog,
    shelf,
    team,
    viewers,
    sessions,
    room: roomService,
    hub,
    promotions,
    orders,
    flashSales,
    video,
    preflight,
    restream,
    checkout: (ctx, sessionId, body) => checkout(checkoutDeps, ctx, sessionId, body),
  };

  // The flash-sale grab's fast path answers plain pass grabs before Fastify (grab-fast-path.ts); set
  // once the routes are registered.
  let grabFastPath: GrabFastPath | null = null;
  const app = Fastify({
    // Fastify's own HTTP/1 server, with the fast path in front of its handler.
    serverFactory: (handler, o) => {
      const server = createServer(o.http ?? {}, (req: IncomingMessage, res: ServerResponse) => {
        if (grabFastPath === null || !grabFastPath.handle(req, res)) handler(req, res);
      });
      // What Fastify sets on the server it makes itself (its defaults are filled in by now).
      if (typeof o.keepAliveTimeout === 'number') server.keepAliveTimeout = o.keepAliveTimeout;
      if (typeof o.requestTimeout === 'number') server.requestTimeout = o.requestTimeout;
      if (typeof o.connectionTimeout === 'number') server.setTimeout(o.connectionTimeout);
      if (typeof o.maxRequestsPerSocket === 'number' && o.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
      return server;
    },
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: {
              paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'req.headers["x-guest-token"]', 'res.headers["set-cookie"]', '*.password', '*.newPassword', '*.currentPassword'],
              censor: '[redacted]',
            },
          },
    // Fastify logs two lines per request at info ("incoming request", "request completed"): at a
    // flash sale's 10,000 requests/s that is the logger's whole budget. Requests are logged by the
    // onResponse hook below instead: at debug, and at info when slow or failed (5xx errors are
    // also logged with their cause by the error handler).
    logController: new LogController({ disableRequestLogging: true }),
    // req.log is made on first use (most requests log nothing): lazy-logger.ts.
    childLoggerFactory: lazyChildLoggerFactory,
    genReqId: () => randomUUID(),
    // Shutting down closes every connection, not only idle ones: a video viewer's response lasts
    // as long as they watch (the room's sockets are told to reconnect first, see close()).
    forceCloseConnections: true,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: undefined,
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  const debugRequests = opts.logger !== false && (config.logLevel === 'debug' || config.logLevel === 'trace');
  // Hooks on every request are synchronous (done callbacks): an async hook costs a promise and a
  // turn of the microtask queue per request.
  app.addHook('onResponse', (req, reply, done) => {
    const ms = reply.elapsedTime;
    const slowOrFailed = ms >= SLOW_REQUEST_MS || reply.statusCode >= 500;
    // The live dashboard alerts when server errors rise.
    if (reply.statusCode >= 500) analytics.errors.add();
    if (slowOrFailed || debugRequests) {
      const line = { method: req.method, url: req.url, statusCode: reply.statusCode, responseTimeMs: Math.round(ms) };
      if (slowOrFailed) req.log.info(line, 'request completed');
      else req.log.debug(line, 'request completed');
    }
    done();
  });
  // The API speaks JSON only: without this, Fastify's built-in text/plain parser lets a
  // text body through to the handler (bodyless writes run; others fail as "expected object").
  app.removeContentTypeParser('text/plain');
  // PostgreSQL text cannot hold U+0000 (the driver fails with a 500); refuse it up front on
  // both dialects, naming the field.
  app.addHook('preValidation', (req, _reply, done) => {
    const path = nulPath(req.body, 'body') ?? nulPath(req.query, 'query') ?? nulPath(req.params, 'params');
    if (path) done(new AppError('validation', `${path}: must not contain the NUL character`, { code: 'VALIDATION', issues: [{ path, message: 'must not contain the NUL character' }] }));
    else done();
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Onair API', version: '0.1.0', description: 'Live-commerce platform API. Console routes need a team session cookie and, for writes, the x-csrf-token header.' },
      components: {
        securitySchemes: {
          teamCookie: { type: 'apiKey', in: 'cookie', name: 'onair_team' },
          viewerCookie: { type: 'apiKey', in: 'cookie', name: 'onair_viewer' },
          guestToken: { type: 'apiKey', in: 'header', name: 'x-guest-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  // Security headers (nosniff, frame-ancestors, referrer policy, HSTS behind https). The content
  // security policy is tuned with the video player and overlays; until then it stays off.
  const hsts = config.publicUrl?.startsWith('https://') ?? false;
  installSecurityHeaders(app, { hsts });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    ...(redis ? { redis } : {}),
    errorResponseBuilder: (_req, context) =>
      new AppError('rate_limited', `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds`, {
        code: 'RATE_LIMITED',
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });

  const routes: RouteAccessRecord[] = [];
  installSchemaDefaults(app);
  installAccessGuard(app, auth, routes);
  const metrics = installMetrics(app, { poolStats: database.poolStats, dialect: database.dialect, token: config.metricsToken });

  app.get(
    '/healthz',
    { config: { access: { kind: 'public' } }, schema: { tags: ['ops'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } } },
    async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  );
  app.get(
    '/readyz',
    {
      config: { access: { kind: 'public' } },
      schema: {
        tags: ['ops'],
        summary: 'The database is reachable',
        response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), 503: z.object({ status: z.literal('unavailable'), database: z.string() }) },
      },
    },
    async (_req, reply) => {
      try {
        await database.ping();
        return { status: 'ready' as const, database: database.dialect };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const, database: database.dialect });
      }
    },
  );

  const cookies = new CookiePolicy(config.publicUrl?.startsWith('https://') ?? false);
  await app.register(teamRoutes(services.team, cookies));
  await app.register(viewerRoutes(services.viewers, cookies));
  await app.register(simulationRoutes(services.viewers, services.audit));
  await app.register(auditRoutes(services.audit));
  await app.register(catalogRoutes(services.catalog));
  await app.register(shelfRoutes(services.shelf));
  await app.register(sessionRoutes(services.sessions));
  await app.register(roomRoutes(services.room));
  await app.register(promotionRoutes(services.promotions, services.sessions));
  // SQLite runs a checkout without yielding: two at a time; PostgreSQL's wait on the pool: as many as its connections.
  await app.register(
    orderRoutes(services.orders, checkoutDeps, sandbox, {
      checkoutConcurrency: database.dialect === 'postgres' ? 3 : 2,
      deferCheckouts: () => flashSales.recording,
      holdCheckouts: () => flashSales.storming,
      maxCheckoutHoldMs: config.flashStormCheckoutWaitMs,
    }),
  );
  const grabs = new LocalRateLimiter(GRABS_PER_SECOND, 1000);
  await app.register(flashSaleRoutes(flashSales, auth, grabs));
  grabFastPath = new GrabFastPath({
    flash: flashSales,
    auth,
    grabs,
    trustProxy: config.trustProxy,
    headers: securityHeaders({ hsts }),
    observe: metrics.observeRequest,
    log: app.log,
    replay: (req, body) => app.inject({ method: 'POST', url: req.url ?? '/', headers: req.headers, payload: body, remoteAddress: req.socket.remoteAddress ?? '127.0.0.1' }),
  });
  await app.register(videoRoutes(video));
  await app.register(preflightRoutes(preflight));
  // Recording: every publish is recorded (with ffmpeg); after the live, the session page is its replay.
  const recordings = new RecordingService({ db: database.db, clock, ids, audit, sessions, room: roomService, shelf, ffmpeg, mediaDir: video.mediaDir, watch: (id, sink) => video.watch(id, sink), signingSecret, log: app.log, onError: (err, where) => logError(err, where) });
  if (ffmpeg.ok) video.onPublish(recordings);
  await app.register(recordingRoutes(recordings));
  void recordings.recover().catch((err: unknown) => logError(err, 'recordings recover'));
  await app.register(restreamRoutes(restream));
  await app.register(interactRoutes(interact));
  await app.register(analyticsRoutes(analytics));
  await app.register(segmentRoutes(analytics.segments));
  await app.register(surveyRoutes(analytics.survey));
  await app.register(
    beaconRoutes({
      sink: analyticsSink,
      now: () => clock.now().getTime(),
      session: async (id) => {
        // Only "no such session" is a 404; a database error stays an error.
        const s = await sessions.liveSpan(id).catch((err: unknown) => {
          if (err instanceof AppError && err.kind === 'not_found') return null;
          throw err;
        });
        if (!s || s.status === 'draft') return null;
        return { status: s.status, wentLiveAt: s.wentLiveAt ? Date.parse(s.wentLiveAt) : null, endedAt: s.endedAt ? Date.parse(s.endedAt) : null };
      },
      viewerSimulated: (viewerId) => viewers.isSimulated(viewerId),
      viewContext,
      recent: recentBeacons,
      auth,
    }),
  );
  // Live HLS: an ffmpeg per publish remuxes the relay into <mediaDir>/hls (only with ffmpeg).
  const hls = new HlsOutput({ ffmpeg, mediaDir: video.mediaDir, watch: (id, sink) => video.watch(id, sink), log: app.log });
  await hls.init();
  if (ffmpeg.ok) video.onPublish(hls);
  await app.register(hlsRoutes(video, hls));
  if (!ffmpeg.ok) app.log.warn({ ffmpeg: ffmpeg.bin, reason: ffmpeg.reason }, `ffmpeg is not available: HTTP-FLV playback works; HLS, recording and restream are off until it is (${video.capabilities().installHint})`);
  ingest = new RtmpIngest({ host: config.rtmpHost ?? config.host, port: config.rtmpPort, authorize: (req) => video.authorizePublish(req), log: app.log });
  await ingest.start().catch((err: unknown) => {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new Error(`RTMP ingest cannot listen on ${config.rtmpHost ?? config.host}:${config.rtmpPort} (${code}): another Onair or RTMP server may be using it; set ONAIR_RTMP_PORT to another port (0 picks a free one) or ONAIR_RTMP_HOST`);
    }
    throw err;
  });
  const gateway = installRoomGateway(app, { auth, room: services.room, hub, maxConnections: config.wsMaxConnections, publicUrl: config.publicUrl, trustProxy: config.trustProxy, tools: interact, analytics: roomAnalytics });
  hub.start();
  roomAnalytics.start();
  await analytics.start();
  // Flash sales: gate loaded (and reconciled) from the record, every sale brought to its clock's state, timers on.
  await flashSales.start();
  // Interactive tools: what ran before a restart resumes (open polls and draws keep every vote and entry).
  await interact.start();
  // Unpaid orders past pay_by are cancelled (stock, coupons, points back): now, then every 30 s.
  orders.startSweeper(30_000);

  const webDir = config.webDir ? resolve(config.webDir) : defaultWebDir();
  const hasWeb = existsSync(join(webDir, 'index.html'));
  if (hasWeb) {
    // Only hashed build assets get static routes; index.html and root files are served by the
    // fallback below, so nothing from the web folder can shadow an /api route.
    await app.register(fastifyStatic, { root: webDir, serve: false });
    if (existsSync(join(webDir, 'assets'))) {
      await app.register(fastifyStatic, { root: join(webDir, 'assets'), prefix: '/assets/', decorateReply: false, wildcard: false, maxAge: '365d', immutable: true });
    }
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path === '/api';
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (!isApi && isRead && hasWeb && /^\/[A-Za-z0-9._-]+\.(svg|png|ico|txt|webmanifest)$/.test(path) && existsSync(join(webDir, path.slice(1)))) {
      return reply.sendFile(path.slice(1));
    }
    if (!isApi && isRead && (path === '/' || path.startsWith('/console') || path.startsWith('/live/') || path.startsWith('/pay/') || path === '/orders' || path.startsWith('/orders/') || path.startsWith('/draws/') || path === '/prizes')) {
      if (path === '/') return reply.redirect('/console');
      if (hasWeb) return reply.header('cache-control', 'no-cache').sendFile('index.html');
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built. Run `npm run build` (or `npm start`, which builds it).');
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${path}`, requestId: String(req.id) } });
  });

  return {
    app,
    services,
    database,
    clock,
    routes,
    grabFastPath,
    ingest,
    close: async () => {
      // Order matters: tell sockets to reconnect and persist accepted comments before the database goes.
      await gateway.close();
      roomAnalytics.stop();
      await interact.stop();
      // After the sockets closed (their views ended): what is queued is written before the database goes.
      await analytics.stop();
      await ingest.stop();
      await restream.stopAll();
      video.stopAll();
      await recordings.stopAll();
      await hls.stopAll();
      await services.orders.stopSweeper();
      await flashSales.stop();
      await flashGate.close();
      await app.close();
      await bus.close();
      await throttleStore.close();
      if (opts.database === undefined) await database.close();
    },
  };
}
