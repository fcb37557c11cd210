import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FlashGate, GateClaim, GateRefusal, GateSaleState } from './flash-gate.port.js';

/**
 * Scale-out gate: each sale's counters live in Redis and every claim is decided in a Lua script
 * that checks the gate is open, the pool and the buyer's count, then decrements and records a
 * hold, atomically (Redis runs one script at a time); the claims of a turn share one script. PostgreSQL stays the record; see the README for
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

// The claims of one turn of the event loop for one sale, in arrival order, in one script: ARGV is
// four per claim (buyer, units, token, hold). Each checks the gate is open, the pool and the
// buyer's count, then decrements and records a hold, against the counters as the claims before it
// left them. Returns four values per claim: ok (1/0), code, left, known (see GateClaim).
const CLAIM_MANY = `
local st = redis.call('HMGET', KEYS[1], 'open', 'left', 'limit')
local open = st[1]
local left = tonumber(st[2] or '0')
local limit = tonumber(st[3] or '0')
local taken = 0
local out = {}
for i = 1, #ARGV, 4 do
  local buyer, n = ARGV[i], tonumber(ARGV[i + 1])
  local h = redis.call('HGET', KEYS[2], buyer)
  local known = 1
  if open ~= false and not h then known = 0 end
  if open ~= '1' then
    out[#out + 1] = 0; out[#out + 1] = 'NOT_OPEN'; out[#out + 1] = left; out[#out + 1] = known
  elseif left < n then
    out[#out + 1] = 0; out[#out + 1] = 'SOLD_OUT'; out[#out + 1] = left; out[#out + 1] = known
  elseif tonumber(h or '0') + n > limit then
    out[#out + 1] = 0; out[#out + 1] = 'LIMIT_REACHED'; out[#out + 1] = left; out[#out + 1] = 1
  else
    left = left - n
    taken = taken + n
    redis.call('HINCRBY', KEYS[2], buyer, n)
    redis.call('HSET', KEYS[3], ARGV[i + 2], ARGV[i + 3])
    out[#out + 1] = 1; out[#out + 1] = 'OK'; out[#out + 1] = left; out[#out + 1] = 1
  end
end
if taken > 0 then redis.call('HINCRBY', KEYS[1], 'left', -taken) end
return out
`;
/** Claims per script call at most (a longer batch is split): Redis runs one script at a time. */
const CLAIM_BATCH_MAX = 256;

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
  fsClaimMany(m: string, b: string, h: string, ...argv: (string | number)[]): Promise<(number | string)[]>;
  fsUnclaim(m: string, b: string, h: string, buyer: string, n: number, token: string): Promise<number>;
  fsSettle(m: string, h: string, lock: string, ...tokens: string[]): Promise<number>;
  fsReconcile(m: string, b: string, h: string, ...argv: (string | number)[]): Promise<[number, number]>;
  fsReleaseLock(lock: string, owner: string): Promise<number>;
};

interface PendingClaim {
  buyerId: string;
  units: number;
  token: string;
  hold: string;
  resolve: (c: GateClaim) => void;
  reject: (err: unknown) => void;
}

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
    r.defineCommand('fsClaimMany', { numberOfKeys: 3, lua: CLAIM_MANY });
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

  /**
   * The claims of one turn of the event loop go to Redis together, one script per sale (CLAIM_MANY):
   * in a storm that is one command for hundreds of claims instead of one each, on this node and in
   * Redis. A claim's answer comes a turn later than alone; each is still decided atomically.
   */
  claim(saleId: string, buyerId: string, units: number): Promise<GateClaim> {
    if (!Number.isSafeInteger(units) || units <= 0) return Promise.reject(new RangeError('units must be a positive integer'));
    const at = this.now();
    const token = `${this.o.nodeId}.${at}.${(++this.seq).toString(36)}`;
    return new Promise<GateClaim>((resolve, reject) => {
      let list = this.toClaim.get(saleId);
      if (!list) this.toClaim.set(saleId, (list = []));
      list.push({ buyerId, units, token, hold: `${this.o.nodeId}|${buyerId}|${units}|${at}`, resolve, reject });
      if (!this.claimTurn) {
        this.claimTurn = true;
        setImmediate(() => this.sendClaims());
      }
    });
  }
  private readonly toClaim = new Map<string, PendingClaim[]>();
  private claimTurn = false;

  private sendClaims(): void {
    this.claimTurn = false;
    const all = [...this.toClaim];
    this.toClaim.clear();
    for (const [saleId, list] of all) {
      for (let i = 0; i < list.length; i += CLAIM_BATCH_MAX) void this.sendBatch(saleId, list.slice(i, i + CLAIM_BATCH_MAX));
    }
  }

  private async sendBatch(saleId: string, batch: PendingClaim[]): Promise<void> {
    const [m, b, h] = this.keys(saleId);
    const argv: (string | number)[] = [];
    for (const c of batch) argv.push(c.buyerId, c.units, c.token, c.hold);
    let out: (number | string)[];
    try {
      out = await this.r.fsClaimMany(m, b, h, ...argv);
    } catch (err) {
      for (const c of batch) c.reject(err);
      return;
    }
    batch.forEach((c, i) => {
      const ok = Number(out[i * 4]);
      c.resolve(ok === 1 ? { ok: true, token: c.token } : { ok: false, code: out[i * 4 + 1] as GateRefusal, left: Number(out[i * 4 + 2]), known: Number(out[i * 4 + 3]) !== 0 });
    });
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
