import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FlashGate, GateClaim, GateRefusal, GateSaleState } from './flash-gate.port.js';

/**
 * Scale-out gate: each sale's counters live in Redis and every claim is ONE Lua script that
 * checks the gate is open, the pool and the buyer's count, then decrements and records a hold,
 * atomically (Redis runs one script at a time). PostgreSQL stays the record; see the README for
 * how holds, the reconciliation at start-up and a node dying mid-claim fit together.
 *
 * Keys (hash-tagged by sale id, so one sale's keys sit on one cluster slot):
 *   {p}fs:{id}:m  hash  open (1/0), left, limit
 *   {p}fs:{id}:b  hash  buyer id -> units (recorded + in flight)
 *   {p}fs:{id}:h  hash  hold token -> "node|buyer|units|claimedAtMs"
 *   {p}fs:node:<node>   heartbeat of a live node (PX NODE_TTL_MS)
 *   {p}fs:lock          reconciliation lock (also pauses settling, see settle)
 */

/** A hold older than this that its order never recorded is given back, whatever its node. */
export const HOLD_TTL_MS = 60_000;
/** recordClaim refuses a hold older than this (well before HOLD_TTL_MS gives it back). */
export const RECORD_DEADLINE_MS = 20_000;
const NODE_TTL_MS = 6_000;
const LOCK_TTL_MS = 15_000;

const CLAIM = `
local st = redis.call('HMGET', KEYS[1], 'open', 'left', 'limit')
local n = tonumber(ARGV[2])
local h = redis.call('HGET', KEYS[2], ARGV[1])
local known = 1
if st[1] ~= false and not h then known = 0 end
if st[1] ~= '1' then return {0, 'NOT_OPEN', tonumber(st[2] or '0'), known} end
local left = tonumber(st[2])
if left < n then return {0, 'SOLD_OUT', left, known} end
local had = tonumber(h or '0')
if had + n > tonumber(st[3]) then return {0, 'LIMIT_REACHED', left, 1} end
redis.call('HINCRBY', KEYS[1], 'left', -n)
redis.call('HINCRBY', KEYS[2], ARGV[1], n)
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return {1, 'OK', left - n}
`;

// ARGV: buyer, units, token ('' = units given back after their order was cancelled)
const UNCLAIM = `
local n = tonumber(ARGV[2])
if ARGV[3] ~= '' then
  -- undone twice or already given back: nothing; part of a hold: the hold shrinks
  local v = redis.call('HGET', KEYS[3], ARGV[3])
  if not v then return 0 end
  local node, buyer, units, at = string.match(v, '^([^|]*)|([^|]*)|(%d+)|(%d+)$')
  units = tonumber(units)
  if units < n then return 0 end
  if units == n then redis.call('HDEL', KEYS[3], ARGV[3])
  else redis.call('HSET', KEYS[3], ARGV[3], node .. '|' .. buyer .. '|' .. (units - n) .. '|' .. at) end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local had = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
local back = math.min(n, had)
redis.call('HINCRBY', KEYS[1], 'left', back)
-- kept at 0 (not deleted): the buyer stays known, so a refusal still looks for their order
if back > 0 then redis.call('HINCRBY', KEYS[2], ARGV[1], -back) end
return back
`;

// KEYS: m, h, lock; ARGV: the tokens. A settle waits while a reconciliation runs: that
// reconciliation's snapshot of the record may predate the hold's commit, and then it must still
// see the hold to subtract it.
const SETTLE = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
return redis.call('HDEL', KEYS[2], unpack(ARGV))
`;

// KEYS: m, b, h. ARGV: open, recordLeft, limit, nowMs, holdTtlMs, recorded tokens (JSON array),
// record's buyer units (JSON object), node heartbeat key prefix.
const RECONCILE = `
local rec = {}
for _, t in ipairs(cjson.decode(ARGV[6])) do rec[t] = true end
local buyers = cjson.decode(ARGV[7])
local now, ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local holds = redis.call('HGETALL', KEYS[3])
local inflight, alive = 0, {}
for i = 1, #holds, 2 do
  local tok, v = holds[i], holds[i + 1]
  local node, buyer, n, at = string.match(v, '^([^|]*)|([^|]*)|(%d+)|(%d+)$')
  n = tonumber(n or '0'); at = tonumber(at or '0')
  if alive[node] == nil then alive[node] = redis.call('EXISTS', ARGV[8] .. node) == 1 end
  if rec[tok] or not alive[node] or now - at > ttl then
    redis.call('HDEL', KEYS[3], tok)
  else
    inflight = inflight + n
    buyers[buyer] = (buyers[buyer] or 0) + n
  end
end
local left = tonumber(ARGV[2]) - inflight
if left < 0 then left = 0 end
redis.call('HSET', KEYS[1], 'open', ARGV[1], 'left', left, 'limit', ARGV[3])
redis.call('DEL', KEYS[2])
for k, v in pairs(buyers) do
  if v >= 0 then redis.call('HSET', KEYS[2], k, v) end
end
return {left, inflight}
`;

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type RedisWithScripts = Redis & {
  fsClaim(m: string, b: string, h: string, buyer: string, n: number, token: string, hold: string): Promise<[number, string, number, number]>;
  fsUnclaim(m: string, b: string, h: string, buyer: string, n: number, token: string): Promise<number>;
  fsSettle(m: string, h: string, lock: string, ...tokens: string[]): Promise<number>;
  fsReconcile(m: string, b: string, h: string, ...argv: (string | number)[]): Promise<[number, number]>;
  fsReleaseLock(lock: string, owner: string): Promise<number>;
};

export class RedisFlashGate implements FlashGate {
  readonly kind = 'redis' as const;
  private readonly r: RedisWithScripts;
  private readonly heartbeat: NodeJS.Timeout;
  private seq = 0;
  private readonly lockKey: string;

  constructor(
    redisUrl: string,
    private readonly o: { nodeId: string; prefix?: string; now?: () => number },
  ) {
    // Auto-pipelining: the claims of one turn of the event loop go to Redis in one write (one
    // syscall instead of one per claim) and come back in order; each is still its own script.
    const r = new Redis(redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
    r.defineCommand('fsClaim', { numberOfKeys: 3, lua: CLAIM });
    r.defineCommand('fsUnclaim', { numberOfKeys: 3, lua: UNCLAIM });
    r.defineCommand('fsSettle', { numberOfKeys: 3, lua: SETTLE });
    r.defineCommand('fsReconcile', { numberOfKeys: 3, lua: RECONCILE });
    r.defineCommand('fsReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
    this.r = r as RedisWithScripts;
    this.lockKey = `${this.prefix}fs:lock`;
    // A node announces itself before its first claim, so nobody takes its holds for a dead node's.
    void this.beat();
    this.heartbeat = setInterval(() => void this.beat(), NODE_TTL_MS / 3);
    this.heartbeat.unref();
  }

  private get prefix(): string {
    return this.o.prefix ?? 'onair:';
  }
  private now(): number {
    return this.o.now?.() ?? Date.now();
  }
  private keys(id: string): [string, string, string] {
    const base = `${this.prefix}fs:{${id}}`;
    return [`${base}:m`, `${base}:b`, `${base}:h`];
  }
  private async beat(): Promise<void> {
    try {
      await this.r.set(`${this.prefix}fs:node:${this.o.nodeId}`, '1', 'PX', NODE_TTL_MS);
    } catch {
      // Redis down: claims fail loudly on their own; the heartbeat retries on the next beat.
    }
  }
  /** Waits until the heartbeat is written (start-up). */
  async ready(): Promise<void> {
    await this.r.set(`${this.prefix}fs:node:${this.o.nodeId}`, '1', 'PX', NODE_TTL_MS);
  }

  async load(state: GateSaleState, recorded: readonly string[] = []): Promise<void> {
    const [m, b, h] = this.keys(state.id);
    await this.r.fsReconcile(
      m,
      b,
      h,
      state.open ? '1' : '0',
      state.left,
      state.perBuyerLimit,
      this.now(),
      HOLD_TTL_MS,
      JSON.stringify(recorded.length ? recorded : []),
      JSON.stringify(Object.fromEntries(state.buyers)),
      `${this.prefix}fs:node:`,
    );
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const owner = `${this.o.nodeId}.${randomBytes(4).toString('hex')}`;
    const deadline = this.now() + 30_000;
    while ((await this.r.set(this.lockKey, owner, 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
      if (this.now() > deadline) throw new Error('flash-sales: another node holds the reconciliation lock for too long');
      await new Promise((res) => setTimeout(res, 50));
    }
    try {
      return await fn();
    } finally {
      await this.r.fsReleaseLock(this.lockKey, owner);
    }
  }

  async setOpen(saleId: string, open: boolean): Promise<void> {
    const [m] = this.keys(saleId);
    if (await this.r.exists(m)) await this.r.hset(m, 'open', open ? '1' : '0');
  }

  async drop(saleId: string): Promise<void> {
    await this.r.del(...this.keys(saleId));
  }

  async claim(saleId: string, buyerId: string, units: number): Promise<GateClaim> {
    if (!Number.isSafeInteger(units) || units <= 0) throw new RangeError('units must be a positive integer');
    const at = this.now();
    const token = `${this.o.nodeId}.${at}.${(++this.seq).toString(36)}`;
    const [m, b, h] = this.keys(saleId);
    const [ok, code, left, known] = await this.r.fsClaim(m, b, h, buyerId, units, token, `${this.o.nodeId}|${buyerId}|${units}|${at}`);
    return ok === 1 ? { ok: true, token } : { ok: false, code: code as GateRefusal, left: Number(left), known: known !== 0 };
  }

  async unclaim(saleId: string, buyerId: string, units: number, token: string | null): Promise<void> {
    const [m, b, h] = this.keys(saleId);
    await this.r.fsUnclaim(m, b, h, buyerId, units, token ?? '');
  }

  /**
   * Settles gather for one turn of the event loop and go as one script per sale (a storm's
   * winners settle hundreds at a time). A settle refused while a reconciliation runs is harmless:
   * the hold's token is in the record, so the next reconciliation drops it.
   */
  settle(saleId: string, token: string): Promise<void> {
    let list = this.toSettle.get(saleId);
    if (!list) this.toSettle.set(saleId, (list = []));
    list.push(token);
    if (!this.settling) {
      this.settling = new Promise<void>((resolve) =>
        setImmediate(() => {
          const all = [...this.toSettle];
          this.toSettle.clear();
          this.settling = null;
          void Promise.all(all.map(([sale, tokens]) => this.trySettle(sale, ...tokens).catch(() => false))).then(() => resolve());
        }),
      );
    }
    return this.settling;
  }
  private readonly toSettle = new Map<string, string[]>();
  private settling: Promise<void> | null = null;

  /** Returns false when a reconciliation runs (try again later; the hold is harmless meanwhile). */
  async trySettle(saleId: string, ...tokens: string[]): Promise<boolean> {
    const [m, , h] = this.keys(saleId);
    return (await this.r.fsSettle(m, h, this.lockKey, ...tokens)) !== -1;
  }

  async left(saleIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (saleIds.length === 0) return out;
    const p = this.r.pipeline();
    for (const id of saleIds) p.hget(this.keys(id)[0], 'left');
    const res = (await p.exec()) ?? [];
    saleIds.forEach((id, i) => {
      const v = res[i]?.[1];
      if (typeof v === 'string') out.set(id, Number(v));
    });
    return out;
  }

  async inFlight(saleId: string): Promise<number> {
    const holds = await this.r.hvals(this.keys(saleId)[2]);
    return holds.reduce((a, v) => a + Number(v.split('|')[2] ?? 0), 0);
  }

  /** Hold tokens of a sale (reconciliation asks the record which of them it has). */
  async holdTokens(saleId: string): Promise<string[]> {
    return this.r.hkeys(this.keys(saleId)[2]);
  }

  /** For tests: a buyer's units (recorded + in flight). */
  async buyerUnits(saleId: string, buyerId: string): Promise<number> {
    return Number((await this.r.hget(this.keys(saleId)[1], buyerId)) ?? 0);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    try {
      await this.r.del(`${this.prefix}fs:node:${this.o.nodeId}`);
    } finally {
      this.r.disconnect();
    }
  }
}

/** The moment a hold was claimed, from its token (node.atMs.seq); null when not a Redis token. */
export function claimedAtOf(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const at = Number(parts[1]);
  return Number.isFinite(at) ? at : null;
}
