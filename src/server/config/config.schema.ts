import { z } from 'zod';

/**
 * Every setting Onair reads, declared once: its environment variable, its key in
 * onair.config.json, its schema, its default and its meaning. The README table and
 * `onair config` are generated from this list, so they cannot drift from the code.
 */
export interface SettingSpec<T extends z.ZodType = z.ZodType> {
  env: string;
  key: string;
  schema: T;
  default: string | undefined;
  doc: string;
  secret?: boolean;
}

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'expected an integer' })
    .int('expected an integer')
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`);

export const settings = {
  host: {
    env: 'ONAIR_HOST',
    key: 'host',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address the HTTP server binds to (use 0.0.0.0 to accept connections from other machines).',
  },
  port: {
    env: 'ONAIR_PORT',
    key: 'port',
    schema: int(0, 65535),
    default: '3000',
    doc: 'HTTP port for the console, viewer pages, API and realtime gateway.',
  },
  rtmpHost: {
    env: 'ONAIR_RTMP_HOST',
    key: 'rtmpHost',
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: 'Address the RTMP ingest (OBS) binds to; when unset, the same as ONAIR_HOST. Use 0.0.0.0 for an encoder on another machine.',
  },
  rtmpPort: {
    env: 'ONAIR_RTMP_PORT',
    key: 'rtmpPort',
    schema: int(0, 65535),
    default: '1935',
    doc: 'Port of the RTMP ingest the encoder (OBS) publishes to; 0 picks a free port.',
  },
  rtmpPublicUrl: {
    env: 'ONAIR_RTMP_PUBLIC_URL',
    key: 'rtmpPublicUrl',
    schema: z.string().regex(/^rtmps?:\/\/[^\s/]+(:\d+)?$/, 'expected rtmp://host[:port] (no path)').optional(),
    default: undefined,
    doc: 'The ingest address shown to the team as OBS "Server" (rtmp://host:port, /live is added), when encoders reach Onair by another name than ONAIR_PUBLIC_URL\'s host (a proxy, NAT).',
  },
  streamGraceSeconds: {
    env: 'ONAIR_STREAM_GRACE_SECONDS',
    key: 'streamGraceSeconds',
    schema: int(1, 3600),
    default: '60',
    doc: 'After the encoder disconnects, viewers see "reconnecting" for this long; then the session ends unless the encoder comes back.',
  },
  ffmpegPath: {
    env: 'ONAIR_FFMPEG',
    key: 'ffmpegPath',
    schema: z.string().min(1),
    default: 'ffmpeg',
    doc: 'The ffmpeg program (Debian package ffmpeg) Onair starts for HLS, recording and restream. Without it Onair still runs: HTTP-FLV playback works; `onair doctor` says what is missing.',
  },
  chromiumPath: {
    env: 'ONAIR_CHROMIUM',
    key: 'chromiumPath',
    schema: z.string().min(1),
    default: 'chromium',
    doc: 'The Chromium program (Debian package chromium) Onair runs headless to print post-live reports as PDF. Without it the printable HTML report and CSV exports still work.',
  },
  mediaDir: {
    env: 'ONAIR_MEDIA_DIR',
    key: 'mediaDir',
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: 'Folder for live HLS segments and recordings; when unset, media/ inside the data folder.',
  },
  publicUrl: {
    env: 'ONAIR_PUBLIC_URL',
    key: 'publicUrl',
    schema: z.url({ error: 'expected an absolute URL such as https://live.example.com' }).optional(),
    default: undefined,
    doc: 'The URL people use to reach Onair. When it starts with https://, cookies are marked Secure.',
  },
  dataDir: {
    env: 'ONAIR_DATA_DIR',
    key: 'dataDir',
    schema: z.string().min(1),
    default: './data',
    doc: 'Folder for the SQLite database and other local files.',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
    default: undefined,
    doc: 'PostgreSQL connection URL. When unset, Onair uses an embedded SQLite file in the data folder.',
    secret: true,
  },
  pgSchema: {
    env: 'ONAIR_PG_SCHEMA',
    key: 'pgSchema',
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier'),
    default: 'public',
    doc: 'PostgreSQL schema that holds Onair tables (created if missing).',
  },
  pgPoolMax: {
    env: 'ONAIR_PG_POOL_MAX',
    key: 'pgPoolMax',
    schema: int(1, 500),
    default: '10',
    doc: 'Maximum PostgreSQL connections in the pool.',
  },
  redisUrl: {
    env: 'REDIS_URL',
    key: 'redisUrl',
    schema: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
    default: undefined,
    doc: 'Redis URL. When set, shared state (sign-in throttling, later the event bus and caches) lives in Redis so several nodes can serve one site; when unset it is in-process.',
    secret: true,
  },
  secret: {
    env: 'ONAIR_SECRET',
    key: 'secret',
    schema: z.string().min(32, 'expected at least 32 characters').optional(),
    default: undefined,
    doc: 'Key that signs guest tokens and play URLs. When unset, a random key is generated on first start and kept in the database (never a built-in default).',
    secret: true,
  },
  adminEmail: {
    env: 'ONAIR_ADMIN_EMAIL',
    key: 'adminEmail',
    schema: z.email({ error: 'expected an e-mail address' }),
    default: 'owner@onair.local',
    doc: 'E-mail of the owner account created on first start.',
  },
  adminPassword: {
    env: 'ONAIR_ADMIN_PASSWORD',
    key: 'adminPassword',
    schema: z.string().min(10, 'expected at least 10 characters').max(256).optional(),
    default: undefined,
    doc: 'Password for the owner account created on first start. When unset, a one-time password is generated and printed once.',
    secret: true,
  },
  logLevel: {
    env: 'ONAIR_LOG_LEVEL',
    key: 'logLevel',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Log level of the JSON logs on standard output.',
  },
  trustProxy: {
    env: 'ONAIR_TRUST_PROXY',
    key: 'trustProxy',
    schema: bool,
    default: 'false',
    doc: 'Trust X-Forwarded-* headers (only behind a reverse proxy you run); affects client IPs used for throttling.',
  },
  bodyLimitBytes: {
    env: 'ONAIR_BODY_LIMIT_BYTES',
    key: 'bodyLimitBytes',
    schema: int(1024, 50 * 1024 * 1024),
    default: '65536',
    doc: 'Largest accepted JSON request body, in bytes.',
  },
  teamSessionHours: {
    env: 'ONAIR_TEAM_SESSION_HOURS',
    key: 'teamSessionHours',
    schema: int(1, 24 * 30),
    default: '12',
    doc: 'How long a team sign-in lasts without activity, in hours.',
  },
  viewerSessionDays: {
    env: 'ONAIR_VIEWER_SESSION_DAYS',
    key: 'viewerSessionDays',
    schema: int(1, 365),
    default: '30',
    doc: 'How long a viewer sign-in lasts, in days.',
  },
  signinMaxFailures: {
    env: 'ONAIR_SIGNIN_MAX_FAILURES',
    key: 'signinMaxFailures',
    schema: int(1, 100),
    default: '5',
    doc: 'Failed sign-ins on one account within the lock window that lock the account.',
  },
  signinIpMaxFailures: {
    env: 'ONAIR_SIGNIN_IP_MAX_FAILURES',
    key: 'signinIpMaxFailures',
    schema: int(1, 10000),
    default: '30',
    doc: 'Failed sign-ins from one IP address within the lock window that block that address.',
  },
  signinLockMinutes: {
    env: 'ONAIR_SIGNIN_LOCK_MINUTES',
    key: 'signinLockMinutes',
    schema: int(1, 24 * 60),
    default: '15',
    doc: 'Length of the sign-in failure window and of the lockout, in minutes.',
  },
  metricsToken: {
    env: 'ONAIR_METRICS_TOKEN',
    key: 'metricsToken',
    schema: z.string().min(16, 'expected at least 16 characters').optional(),
    default: undefined,
    doc: 'When set, /metrics requires "Authorization: Bearer <token>".',
    secret: true,
  },
  roomTickMs: {
    env: 'ONAIR_ROOM_TICK_MS',
    key: 'roomTickMs',
    schema: int(10, 1000),
    default: '100',
    doc: 'Live-room tick: room events are gathered and sent as one frame per room this often (milliseconds). 100 halves the CPU of a big room compared with 50, for 50 ms more chat latency (see docs/benchmarks.md).',
  },
  danmakuRate: {
    env: 'ONAIR_DANMAKU_RATE',
    key: 'danmakuRate',
    schema: int(1, 1_000_000),
    default: '20',
    doc: 'Comments per second shown to each viewer when chat floods; above it the room samples (team first) and merges repeats. Every comment is still stored.',
  },
  chatRatePerSecond: {
    env: 'ONAIR_CHAT_RATE',
    key: 'chatRatePerSecond',
    schema: z.coerce.number({ error: 'expected a number' }).positive('expected a positive number').max(1000),
    default: '1',
    doc: 'Comments per second one viewer may send (sustained); see ONAIR_CHAT_BURST.',
  },
  chatBurst: {
    env: 'ONAIR_CHAT_BURST',
    key: 'chatBurst',
    schema: int(1, 10_000),
    default: '5',
    doc: 'Comments one viewer may send in a quick burst before the rate applies.',
  },
  wsSlowBytes: {
    env: 'ONAIR_WS_SLOW_BYTES',
    key: 'wsSlowBytes',
    schema: int(16 * 1024, 64 * 1024 * 1024),
    default: '262144',
    doc: 'Bytes queued for one viewer socket beyond which new batches are dropped for that viewer (who is told how many it missed); bounds memory per slow viewer.',
  },
  wsResumeBatches: {
    env: 'ONAIR_WS_RESUME_BATCHES',
    key: 'wsResumeBatches',
    schema: int(0, 100_000),
    default: '600',
    doc: 'Recent batches kept per room so a reconnecting client can catch up instead of reloading.',
  },
  wsMaxConnections: {
    env: 'ONAIR_WS_MAX_CONNECTIONS',
    key: 'wsMaxConnections',
    schema: int(1, 1_000_000),
    default: '20000',
    doc: 'Realtime connections one process accepts; more are refused with 503.',
  },
  chatFilterFile: {
    env: 'ONAIR_CHAT_FILTER_FILE',
    key: 'chatFilterFile',
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: 'JSON file {"block": [...], "hold": [...]} of chat keywords: blocked comments are refused, held ones wait for a moderator.',
  },
  orderPayMinutes: {
    env: 'ONAIR_ORDER_PAY_MINUTES',
    key: 'orderPayMinutes',
    schema: int(1, 24 * 60),
    default: '15',
    doc: 'Minutes a new order holds its stock while unpaid; then it is cancelled and the units (flash-sale units too) go back on sale.',
  },
  flashHoldMinutes: {
    env: 'ONAIR_FLASH_HOLD_MINUTES',
    key: 'flashHoldMinutes',
    schema: int(1, 60),
    default: '5',
    doc: 'Minutes a unit grabbed in a flash sale stays reserved for its buyer to check out; then it goes back to the sale.',
  },
  flashStormCheckoutWaitMs: {
    env: 'ONAIR_FLASH_STORM_CHECKOUT_WAIT_MS',
    key: 'flashStormCheckoutWaitMs',
    schema: int(0, 60_000),
    default: '10000',
    doc: 'While a flash sale\'s grab storm is on (1,000 or more grabs a second on a node), checkouts wait for it to pass, at most this many milliseconds, so the grabs stay fast (a winner\'s units are held for minutes). 0: checkouts never wait.',
  },
  dataKey: {
    env: 'ONAIR_DATA_KEY',
    key: 'dataKey',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, 'expected 32 random bytes in base64 (openssl rand -base64 32)')
      .optional(),
    default: undefined,
    doc: 'Key (32 bytes, base64) that encrypts personal data at rest, such as shipping addresses. Required with DATABASE_URL (every node needs the same key); when unset on the embedded default, a random key is created in the data folder (data.key, readable by the owner only), never in the database.',
    secret: true,
  },
  paymentWebhookSecret: {
    env: 'ONAIR_PAYMENT_WEBHOOK_SECRET',
    key: 'paymentWebhookSecret',
    schema: z.string().min(32, 'expected at least 32 characters').optional(),
    default: undefined,
    doc: 'Key that signs and verifies the sandbox payment provider\'s webhooks (HMAC-SHA256). When unset it is derived from ONAIR_SECRET (or the generated signing key), never a built-in default.',
    secret: true,
  },
  sandboxPayments: {
    env: 'ONAIR_SANDBOX_PAYMENTS',
    key: 'sandboxPayments',
    schema: bool,
    default: 'true',
    doc: 'Offer the built-in sandbox payment provider (a test checkout page; no money moves). Turn off when a real provider is configured.',
  },
  pointsPerYuan: {
    env: 'ONAIR_POINTS_PER_YUAN',
    key: 'pointsPerYuan',
    schema: int(1, 1_000_000),
    default: '100',
    doc: 'Points a buyer redeems for ¥1 at checkout (积分抵现).',
  },
  pointsMaxFenPerOrder: {
    env: 'ONAIR_POINTS_MAX_FEN_PER_ORDER',
    key: 'pointsMaxFenPerOrder',
    schema: int(0, 100_000_000),
    default: '5000',
    doc: 'At most this much of one order (in fen, 5000 = ¥50) may be paid with points.',
  },
  returnDays: {
    env: 'ONAIR_RETURN_DAYS',
    key: 'returnDays',
    schema: int(7, 365),
    default: '7',
    doc: 'Days after delivery in which a buyer may return items without giving a reason (七天无理由退货; the law requires at least 7).',
  },
  lowStockThreshold: {
    env: 'ONAIR_LOW_STOCK_THRESHOLD',
    key: 'lowStockThreshold',
    schema: int(0, 1_000_000),
    default: '20',
    doc: 'Viewers see "only N left" when a product\'s real stock is at or below this number (and never otherwise).',
  },
  webDir: {
    env: 'ONAIR_WEB_DIR',
    key: 'webDir',
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: 'Folder with the built web app (default: dist/web inside the installation).',
  },
} satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof settings;
export type AppConfig = { [K in SettingName]: z.output<(typeof settings)[K]['schema']> };
