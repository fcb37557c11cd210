import type SQLite from 'better-sqlite3';
import type pg from 'pg';
import type { Kysely } from 'kysely';
import type { CreateFlashSaleInput, FlashClaimInput, FlashReservationDto, FlashSaleDto, PublicFlashSale } from '../../../contracts/flash-sales.contract.js';
import type { FlashEvent } from '../../../contracts/realtime.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import type { GroupCommit } from '../../platform/db/group-commit.js';
import type { FlashReservationsTable, FlashSalesTable } from '../../platform/db/tables/flash-sales.tables.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CatalogService, SkuSnapshot } from '../catalog/catalog.service.js';
import type { ItemPromotion } from '../promotions/core/promotion-registry.js';
import type { FlashPriceSource } from '../promotions/cart-quote.types.js';
import type { ClaimOutcome, FlashClaims } from '../promotions/flash-claims.port.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { decideFlashTransition, dueEvent, nextDeadline, nextFullHour, type FlashSaleEvent, type FlashSaleFacts, type FlashSaleStatus, type FlashSaleTrigger } from './core/flash-sale-lifecycle.js';
import type { FlashGate } from './flash-gate.port.js';
import { HOLD_TTL_MS, RECORD_DEADLINE_MS } from './flash-gate.redis.js';
import { FlashSalesStore } from './flash-sales.store.js';
import { ReservationWriter } from './reservation-writer.js';
import { RateMeter } from '../../platform/throttle/rate-meter.js';

/** Units of a sale in orders that wait for payment (the orders module). */
export interface UnpaidFlashOrders {
  unpaidFlashUnits(flashSaleId: string): Promise<number>;
}

export interface FlashSalesDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  catalog: CatalogService;
  sessions: SessionsService;
  gate: FlashGate;
  /** Room broadcast (RoomHub.publishEvent); none in tests that do not watch the room. */
  publish?: (sessionId: string, event: FlashEvent) => Promise<void>;
  /** How often coalesced `left` updates go out (the room tick). */
  tickMs?: number;
  /** How often the scheduler re-reads the record (sales created or moved on other nodes), ms. */
  refreshMs?: number;
  /** Scale-out: how often a node reconciles the gate with the record, ms (0 = only at start-up). */
  reconcileMs?: number;
  /** Minutes a grabbed unit stays reserved for its buyer to check out (ONAIR_FLASH_HOLD_MINUTES). Default 5. */
  holdMinutes?: number;
  /** Reservation batches in flight at once: 1 on SQLite (one writer), a few on PostgreSQL. */
  writerParallel?: number;
  /** The record's dialect: PostgreSQL records a batch of reservations in one statement. Default sqlite. */
  dialect?: 'sqlite' | 'postgres';
  /** SQLite: the group commit shared with the checkout (reservations run between its groups: atFreeMoment). */
  writes?: GroupCommit;
  /** SQLite: the writing connection (Database.sqlite), for reservations recorded synchronously. */
  sqlite?: SQLite.Database | null;
  /** PostgreSQL: the pool (Database.pgPool), for reservations recorded in one round trip per batch. */
  pgPool?: pg.Pool | null;
  onError?: (err: unknown, where: string) => void;
}

/** One claim this process made, until its order settles it. */
interface LocalHold {
  token: string;
  saleId: string;
  buyerId: string;
  units: number;
  at: number;
  /** pending: claimed, not yet recorded; recorded: recordClaim ran, commit not yet seen. */
  phase: 'pending' | 'recorded';
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Grabs per second on one node from which checkouts wait for the storm to pass (see `storming`). */
export const STORM_GRABS_PER_SECOND = 1000;
const facts = (r: FlashSalesTable): FlashSaleFacts => ({ status: r.status, startsAtMs: Date.parse(r.starts_at), endsAtMs: Date.parse(r.ends_at), stockLeft: Number(r.stock_left) });

/** A grab's answer: a reservation (201 new, 200 a retry of the same key) or the gate's refusal (409). */
export type GrabOutcome =
  | { ok: true; replayed: boolean; reservation: FlashReservationDto }
  | { ok: false; code: 'SOLD_OUT' | 'LIMIT_REACHED' | 'NOT_OPEN'; message: string; left: number };

/** What a grab needs of a sale, none of which changes after creation: kept in memory. */
interface SaleInfo {
  sessionId: string;
  skuId: string;
  priceFen: number;
  perBuyerLimit: number;
}

const reservationDto = (r: FlashReservationsTable): FlashReservationDto => ({
  id: r.id,
  flashSaleId: r.flash_sale_id,
  sessionId: r.session_id,
  skuId: r.sku_id,
  units: Number(r.units),
  priceFen: Number(r.price_fen),
  status: r.status,
  holdUntil: r.hold_until,
  orderId: r.order_id,
  createdAt: r.created_at,
});

const isUniqueViolation = (e: unknown): boolean => {
  const m = String((e as { message?: unknown })?.message ?? '');
  return (e as { code?: unknown })?.code === '23505' || m.includes('UNIQUE constraint failed');
};

const REFUSALS: Record<'SOLD_OUT' | 'LIMIT_REACHED' | 'NOT_OPEN', string> = {
  SOLD_OUT: 'This flash sale is sold out',
  LIMIT_REACHED: 'You have reached the per-buyer limit of this flash sale',
  NOT_OPEN: 'This flash sale is not open',
};

/**
 * Flash sales (整点抢购): lifecycle, the scheduler that follows the clock, the fast gate and the
 * record (FlashClaims for the checkout), and open sales as flash-sale promotions for pricing.
 */
export class FlashSalesService implements FlashClaims, FlashPriceSource {
  private readonly store: FlashSalesStore;
  private readonly holds = new Map<string, LocalHold[]>();
  private readonly dirty = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private running = false;
  private unpaid: UnpaidFlashOrders | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private readonly writer: ReservationWriter;
  private readonly saleInfos = new Map<string, SaleInfo>();
  private readonly grabsInFlight = new Map<string, Promise<GrabOutcome>>();
  /** Grabs arriving on this node: a storm is on at STORM_GRABS_PER_SECOND or more. */
  private readonly grabMeter = new RateMeter(Math.round(STORM_GRABS_PER_SECOND / 5), 100);

  constructor(private readonly d: FlashSalesDeps) {
    this.store = new FlashSalesStore(d.db);
    this.writer = new ReservationWriter({
      db: d.db,
      store: this.store,
      nowIso: () => iso(this.now()),
      pg: d.pgPool ? { parallel: d.writerParallel ?? 2, pool: d.pgPool } : null,
      sqlite: d.sqlite ?? null,
      writes: d.writes ?? null,
    });
  }

  /**
   * The orders module's unpaid orders (set once orders exist: orders depend on this service). A
   * sold-out sale stays open while some of its units wait in unpaid orders: at their pay-by they
   * come back to the sale for the next buyer, until its end.
   */
  setUnpaidOrders(source: UnpaidFlashOrders): void {
    this.unpaid = source;
  }

  private now(): number {
    return this.d.clock.now().getTime();
  }
  private err(err: unknown, where: string): void {
    this.d.onError?.(err, `flash-sales: ${where}`);
  }

  // ---------- console ----------

  async list(ctx: Ctx, sessionId: string): Promise<{ items: FlashSaleDto[]; now: number }> {
    requirePermission(ctx.actor, 'promotions:read');
    await this.d.sessions.getInternal(sessionId);
    return { items: await this.toDtos(await this.store.listBySession(sessionId)), now: this.now() };
  }

  async create(ctx: Ctx, sessionId: string, input: CreateFlashSaleInput): Promise<FlashSaleDto> {
    requirePermission(ctx.actor, 'promotions:write');
    const session = await this.d.sessions.getInternal(sessionId);
    if (session.status === 'ended' || session.status === 'archived') {
      throw new AppError('conflict', `An ${session.status} session can no longer get flash sales`, { code: 'SESSION_CLOSED' });
    }
    const nowMs = this.now();
    const startsMs = input.openNow ? nowMs : input.startsAt ? Date.parse(input.startsAt) : nextFullHour(nowMs);
    if (!input.openNow && startsMs < nowMs - 60_000) throw invalid('body.startsAt', 'must not be in the past (or choose openNow)');
    const endsMs = startsMs + input.durationMinutes * 60_000;
    const sku = (await this.d.catalog.skuSnapshots([input.skuId])).get(input.skuId);
    if (!sku || sku.archived) throw invalid('body.skuId', 'no such SKU');
    if (input.priceFen >= sku.priceFen) throw invalid('body.priceFen', `must be below the list price (${sku.priceFen} fen)`);
    if (input.perBuyerLimit > input.units) throw invalid('body.perBuyerLimit', 'must not exceed the units of the sale');
    const id = this.d.ids();
    const nowIso = iso(nowMs);
    const row: FlashSalesTable = {
      id,
      session_id: sessionId,
      sku_id: input.skuId,
      price_fen: input.priceFen,
      currency: 'CNY',
      stock_total: input.units,
      stock_left: input.units,
      stock_returned: 0,
      per_buyer_limit: input.perBuyerLimit,
      starts_at: iso(startsMs),
      ends_at: iso(endsMs),
      status: input.openNow ? 'open' : 'scheduled',
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: nowIso,
      updated_at: nowIso,
      opened_at: input.openNow ? nowIso : null,
      closed_at: null,
      returned_at: null,
    };
    await this.d.db.transaction().execute(async (trx) => {
      const clash = await this.store.overlapping(trx, sessionId, input.skuId, row.starts_at, row.ends_at);
      if (clash.length > 0) {
        throw new AppError('conflict', `This SKU already has a flash sale from ${clash[0]!.starts_at} to ${clash[0]!.ends_at} in this session`, { code: 'FLASH_SALE_OVERLAPS' });
      }
      // The pool is set aside from the SKU's stock in the same transaction (never below zero).
      if (!(await this.d.catalog.takeStock(trx, input.skuId, input.units))) {
        const left = (await this.d.catalog.skuSnapshots([input.skuId], trx)).get(input.skuId)?.stock ?? 0;
        throw invalid('body.units', `only ${left} in stock`);
      }
      await this.store.insert(trx, row);
      await this.d.audit.record(ctx, { action: 'flash_sale.created', targetType: 'flash_sale', targetId: id, after: { sessionId, ...input, startsAt: row.starts_at, endsAt: row.ends_at } }, trx);
    });
    await this.d.gate.load({ id, open: row.status === 'open', left: input.units, perBuyerLimit: input.perBuyerLimit, buyers: new Map() });
    this.announce(row, input.units);
    this.reschedule();
    return (await this.toDtos([row], new Map([[sku.skuId, sku]])))[0]!;
  }

  openNow(ctx: Ctx, sessionId: string, id: string) {
    return this.operatorMove(ctx, sessionId, id, 'open');
  }
  closeNow(ctx: Ctx, sessionId: string, id: string) {
    return this.operatorMove(ctx, sessionId, id, 'close');
  }
  cancel(ctx: Ctx, sessionId: string, id: string) {
    return this.operatorMove(ctx, sessionId, id, 'cancel');
  }

  private async operatorMove(ctx: Ctx, sessionId: string, id: string, event: FlashSaleEvent): Promise<FlashSaleDto> {
    requirePermission(ctx.actor, 'promotions:write');
    const row = await this.store.findById(id);
    if (!row || row.session_id !== sessionId) throw notFound('Flash sale');
    const target = { open: 'open', close: 'closed', cancel: 'cancelled' }[event];
    // A retried request finds the sale already there: same answer, nothing changed.
    if (row.status !== target) await this.move(ctx, id, event, 'operator');
    return (await this.toDtos([(await this.store.findById(id))!]))[0]!;
  }

  /** One transition, by the operator or the clock: compare-and-set, pool returned, audited, then gate and room. */
  private async move(ctx: Ctx, id: string, event: FlashSaleEvent, trigger: FlashSaleTrigger): Promise<FlashSalesTable | null> {
    const nowMs = this.now();
    const nowIso = iso(nowMs);
    const before = await this.store.findById(id);
    if (!before) throw notFound('Flash sale');
    const decision = decideFlashTransition(facts(before), event, trigger, nowMs);
    if (!decision.ok) {
      if (trigger === 'clock') return null;
      throw new AppError('conflict', `Cannot ${event} this flash sale: ${decision.reason}`, { code: decision.code === 'INVALID_TRANSITION' ? 'INVALID_TRANSITION' : `FLASH_${decision.code}` });
    }
    // Shut the gate first: claims stop at once; if the transaction fails the gate reopens.
    if (event !== 'open') await this.d.gate.setOpen(id, false);
    let returned = 0;
    try {
      await this.d.db.transaction().execute(async (trx) => {
        const patch: Partial<FlashSalesTable> = { status: decision.to, updated_at: nowIso };
        if (event === 'open') {
          patch.opened_at = nowIso;
          // Opened early by the operator: the planned sale starts now and keeps its length (the
          // countdown and pricing agree).
          const early = Date.parse(before.starts_at) - nowMs;
          if (early > 0) {
            patch.starts_at = nowIso;
            patch.ends_at = iso(Date.parse(before.ends_at) - early);
          }
        } else {
          patch.closed_at = nowIso;
          patch.returned_at = nowIso;
        }
        if (!(await this.store.setStatusIf(trx, id, before.status, patch))) {
          throw new AppError('conflict', 'The flash sale changed meanwhile; reload and try again', { code: 'INVALID_TRANSITION' });
        }
        if (event !== 'open') {
          returned = await this.store.returnPool(trx, id);
          if (returned > 0) await this.d.catalog.returnStock(trx, before.sku_id, returned);
        }
        await this.d.audit.record(
          ctx,
          { action: `flash_sale.${decision.to}`, targetType: 'flash_sale', targetId: id, before: { status: before.status, stockLeft: before.stock_left }, after: { status: decision.to, returnedToSku: returned, trigger } },
          trx,
        );
      });
    } catch (err) {
      if (event !== 'open' && before.status === 'open') await this.d.gate.setOpen(id, true);
      if (trigger === 'clock' && err instanceof AppError && err.code === 'INVALID_TRANSITION') return null; // another node moved it
      throw err;
    }
    const after = (await this.store.findById(id))!;
    if (event === 'open') await this.d.gate.setOpen(id, true);
    else {
      await this.d.gate.drop(id);
      this.dropHolds(id);
    }
    this.announce(after, event === 'open' ? ((await this.d.gate.left([id])).get(id) ?? Number(after.stock_left)) : 0);
    this.reschedule();
    return after;
  }

  // ---------- audience ----------

  /** The room's sales; for a signed-in viewer (buyerId) each also says how many units this buyer holds (`yours`). */
  async listPublic(sessionId: string, invite?: string, buyerId: string | null = null): Promise<{ sales: PublicFlashSale[]; now: number }> {
    await this.d.sessions.getPublic(sessionId, invite);
    const rows = (await this.store.listBySession(sessionId)).filter((r) => r.status !== 'cancelled');
    const dtos = await this.toDtos(rows);
    const held = new Map<string, number>();
    const reserved = new Map<string, { id: string; units: number; holdUntil: string }>();
    if (buyerId) {
      for (const b of await this.store.buyerUnits(buyerId, rows.map((r) => r.id))) held.set(b.flash_sale_id, Math.max(0, Number(b.quantity)));
      const nowIso = iso(this.now());
      for (const r of await this.store.heldReservations(buyerId, rows.map((x) => x.id))) {
        if (r.hold_until > nowIso && !reserved.has(r.flash_sale_id)) reserved.set(r.flash_sale_id, { id: r.id, units: Number(r.units), holdUntil: r.hold_until });
      }
    }
    return {
      sales: dtos.map((s) => ({
        id: s.id,
        skuId: s.skuId,
        productId: s.productId,
        title: s.title,
        skuName: s.skuName,
        image: s.image,
        priceFen: s.priceFen,
        regularPriceFen: s.regularPriceFen,
        perBuyerLimit: s.perBuyerLimit,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        status: s.status,
        left: s.left,
        total: s.total,
        ...(buyerId ? { yours: held.get(s.id) ?? 0, reservation: reserved.get(s.id) ?? null } : {}),
      })),
      now: this.now(),
    };
  }

  private async toDtos(rows: FlashSalesTable[], known?: Map<string, SkuSnapshot>): Promise<FlashSaleDto[]> {
    const skus = known ?? (await this.d.catalog.skuSnapshots(rows.map((r) => r.sku_id)));
    const gateLeft = await this.d.gate.left(rows.filter((r) => r.status === 'open').map((r) => r.id));
    return rows.map((r) => {
      const s = skus.get(r.sku_id);
      // Honest left: an open sale answers from the gate (claims in flight are taken), a final one has none.
      const left = r.status === 'open' ? Math.min(gateLeft.get(r.id) ?? Number(r.stock_left), Number(r.stock_left)) : r.status === 'scheduled' ? Number(r.stock_left) : 0;
      return {
        id: r.id,
        sessionId: r.session_id,
        skuId: r.sku_id,
        productId: s?.productId ?? '',
        title: s?.title ?? '',
        skuName: s?.skuName ?? '',
        image: s?.image ?? null,
        priceFen: Number(r.price_fen),
        regularPriceFen: s?.priceFen ?? Number(r.price_fen),
        currency: 'CNY' as const,
        perBuyerLimit: Number(r.per_buyer_limit),
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        status: r.status,
        left,
        total: Number(r.stock_total),
        returned: Number(r.stock_returned),
        createdAt: r.created_at,
      };
    });
  }

  // ---------- room ----------

  private announce(r: FlashSalesTable, left: number): void {
    if (!this.d.publish) return;
    const ev: FlashEvent = { t: 'flash', id: r.id, status: r.status, startsAt: r.starts_at, endsAt: r.ends_at, left, total: Number(r.stock_total), now: this.now() };
    this.dirty.delete(r.id);
    this.d.publish(r.session_id, ev).catch((e: unknown) => this.err(e, 'publish'));
  }

  private markDirty(saleId: string): void {
    if (!this.d.publish) return;
    if (!this.dirty.has(saleId)) this.dirty.set(saleId, '');
  }

  /** At most one `left` update per sale per tick, whatever the number of claims in it. */
  private async flushDirty(): Promise<void> {
    if (this.dirty.size === 0 || !this.d.publish) return;
    const ids = [...this.dirty.keys()];
    this.dirty.clear();
    const rows = await Promise.all(ids.map((id) => this.store.findById(id)));
    const left = await this.d.gate.left(ids);
    for (const r of rows) {
      if (!r || r.status !== 'open') continue;
      this.announce(r, Math.min(left.get(r.id) ?? Number(r.stock_left), Number(r.stock_left)));
    }
  }

  // ---------- grabbing: pass, claim -> reservation ----------

  private holdMs(): number {
    return (this.d.holdMinutes ?? 5) * 60_000;
  }

  /** The sale's fixed facts, from memory after the first read; null when there is no such sale. */
  private async saleInfo(saleId: string): Promise<SaleInfo | null> {
    const hit = this.saleInfos.get(saleId);
    if (hit) return hit;
    const row = await this.store.findById(saleId);
    if (!row) return null;
    const info = { sessionId: row.session_id, skuId: row.sku_id, priceFen: Number(row.price_fen), perBuyerLimit: Number(row.per_buyer_limit) };
    if (this.saleInfos.size > 10_000) this.saleInfos.clear();
    this.saleInfos.set(saleId, info);
    return info;
  }

  /**
   * May this viewer get a pass for the sale? The sale must be in this session (which the viewer
   * can see) and not over. The route signs the pass.
   */
  async checkPassable(sessionId: string, saleId: string, invite?: string): Promise<{ ttlMs: number; now: number }> {
    const row = await this.checkVisible(sessionId, saleId, invite);
    if (row.status === 'closed' || row.status === 'cancelled') throw new AppError('conflict', 'This flash sale is over', { code: 'FLASH_SALE_ENDED' });
    const now = this.now();
    // Never longer than the sale lasts (plus a minute for clocks); AuthService caps it at 10 minutes.
    return { ttlMs: Math.max(60_000, Date.parse(row.ends_at) + 60_000 - now), now };
  }

  /** The sale, when it is this session's and the viewer may see the session (its invite for a private one). */
  async checkVisible(sessionId: string, saleId: string, invite?: string): Promise<FlashSalesTable> {
    await this.d.sessions.getPublic(sessionId, invite);
    const row = await this.store.findById(saleId);
    if (!row || row.session_id !== sessionId) throw notFound('Flash sale');
    return row;
  }

  /**
   * A grab in the race: the gate (memory or Redis) answers at once; a unit it lets through is
   * recorded as a reservation (group-committed with the others of the moment) before the buyer
   * is told. The same idempotency key gets the same reservation. Refusals cost no database work
   * unless the gate has given this buyer units of the sale (then one indexed read finds a retry).
   */
  async grab(ctx: Ctx, sessionId: string, saleId: string, input: FlashClaimInput): Promise<GrabOutcome> {
    if (ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in (or create an account) to grab flash-sale units', { code: 'UNAUTHENTICATED' });
    const buyerId = ctx.actor.id;
    this.grabMeter.hit(performance.now());
    const info = await this.saleInfo(saleId);
    if (!info || info.sessionId !== sessionId) throw notFound('Flash sale');
    const key = `${buyerId}\u0000${saleId}\u0000${input.idempotencyKey}`;
    const running = this.grabsInFlight.get(key);
    if (running) {
      // A double click on this node: the first grab's answer, as a replay.
      const first = await running.catch(() => null);
      if (first?.ok) return { ...first, replayed: true };
    }
    const p = this.grabOnce(buyerId, sessionId, saleId, info, input);
    this.grabsInFlight.set(key, p);
    try {
      return await p;
    } finally {
      this.grabsInFlight.delete(key);
    }
  }

  private async grabOnce(buyerId: string, sessionId: string, saleId: string, info: SaleInfo, input: FlashClaimInput): Promise<GrabOutcome> {
    const r = await this.d.gate.claim(saleId, buyerId, input.quantity);
    if (!r.ok) {
      if (r.known) {
        const mine = await this.store.findReservationByKey(buyerId, saleId, input.idempotencyKey);
        if (mine) return { ok: true, replayed: true, reservation: reservationDto(mine) };
      }
      if (r.code === 'NOT_OPEN') return { ok: false, ...(await this.whyShut(saleId)), left: 0 };
      return { ok: false, code: r.code, message: REFUSALS[r.code], left: r.left };
    }
    const nowMs = this.now();
    const row: FlashReservationsTable = {
      id: this.d.ids(),
      flash_sale_id: saleId,
      session_id: sessionId,
      sku_id: info.skuId,
      buyer_id: buyerId,
      units: input.quantity,
      price_fen: info.priceFen,
      status: 'held',
      token: r.token,
      idempotency_key: input.idempotencyKey,
      hold_until: iso(nowMs + this.holdMs()),
      order_id: null,
      created_at: iso(nowMs),
      updated_at: iso(nowMs),
    };
    let recorded: boolean;
    try {
      recorded = await this.writer.record(row, info.perBuyerLimit);
    } catch (err) {
      await this.d.gate.unclaim(saleId, buyerId, input.quantity, r.token).catch(() => undefined);
      // The same key raced on another node (or this one after a restart): that reservation is the answer.
      if (isUniqueViolation(err)) {
        const mine = await this.store.findReservationByKey(buyerId, saleId, input.idempotencyKey);
        if (mine) return { ok: true, replayed: true, reservation: reservationDto(mine) };
      }
      throw err;
    }
    if (!recorded) {
      // The record refused what the gate let through (the gate erred high): never sell it.
      await this.d.gate.unclaim(saleId, buyerId, input.quantity, r.token).catch(() => undefined);
      this.markDirty(saleId);
      return { ok: false, code: 'SOLD_OUT', message: REFUSALS.SOLD_OUT, left: 0 };
    }
    // The reservation is durable: the buyer is answered now. Settling the hold is bookkeeping
    // (a hold the record has is dropped by the next reconciliation anyway).
    this.d.gate.settle(saleId, r.token).catch((e: unknown) => this.err(e, 'settle'));
    this.markDirty(saleId);
    return { ok: true, replayed: false, reservation: reservationDto(row) };
  }

  /**
   * A grab storm is on at this node (the first seconds of an on-the-hour sale): grabs are
   * latency-critical (a buyer who waits loses), while a buyer holding a reservation has minutes to
   * check out, so checkouts wait for the storm to pass (peak shaving, 削峰), for a bounded time.
   */
  get storming(): boolean {
    // Real time, not the service clock: a storm is load on this machine, now.
    return this.grabMeter.busy(performance.now());
  }

  /** Winners' reservations are being recorded right now (checkouts step aside meanwhile). */
  get recording(): boolean {
    return this.writer.busy;
  }

  /** The buyer gives a held reservation back: its units return to the sale (to the SKU once the sale has closed). */
  async giveBack(ctx: Ctx, sessionId: string, saleId: string, reservationId: string): Promise<FlashReservationDto> {
    if (ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in as a viewer first', { code: 'UNAUTHENTICATED' });
    const buyerId = ctx.actor.id;
    const found = await this.store.findReservation(reservationId);
    if (!found || found.buyer_id !== buyerId || found.flash_sale_id !== saleId || found.session_id !== sessionId) throw notFound('Reservation');
    const ended = await this.endHeld(found, 'released', buyerId);
    if (ended) return reservationDto({ ...ended, status: 'released' });
    // Already ordered, released or expired: the same answer again (a retried request).
    const now = await this.store.findReservation(reservationId);
    if (now?.status === 'ordered') throw new AppError('conflict', 'This reservation is already in an order; cancel the order instead', { code: 'RESERVATION_ORDERED' });
    return reservationDto(now!);
  }

  /** held -> released | expired in one transaction with the units' return; the gate after commit. */
  private async endHeld(r: FlashReservationsTable, to: 'released' | 'expired', buyerId?: string): Promise<FlashReservationsTable | null> {
    const nowIso = iso(this.now());
    const ended = await this.d.db.transaction().execute(async (trx) => {
      const row = await this.store.endReservation(trx, r.id, to, nowIso, buyerId ? { buyerId } : {});
      if (!row) return null;
      await this.releaseClaim(trx, row.flash_sale_id, row.buyer_id, Number(row.units));
      return row;
    });
    if (ended) {
      await this.d.gate.unclaim(ended.flash_sale_id, ended.buyer_id, Number(ended.units), null);
      this.markDirty(ended.flash_sale_id);
    }
    return ended ?? null;
  }

  /** Held reservations past their hold go back to the sale (a scheduler pass). */
  private async expireDue(nowMs: number): Promise<void> {
    for (const r of await this.store.dueReservations(iso(nowMs), 500)) {
      try {
        await this.endHeld(r, 'expired');
      } catch (e) {
        this.err(e, `reservation expiry ${r.id}`);
      }
    }
  }

  /**
   * The checkout: the reservation becomes part of order `orderId`, in the order's transaction.
   * Its units and price, or null when it is not this buyer's held, unexpired reservation of that sale.
   */
  async takeReservation(trx: Kysely<DB>, reservationId: string, buyerId: string, saleId: string, orderId: string): Promise<{ units: number; priceFen: number } | null> {
    const nowIso = iso(this.now());
    const row = await this.store.endReservation(trx, reservationId, 'ordered', nowIso, { buyerId, orderId, unexpiredAt: nowIso });
    if (!row) return null;
    if (row.flash_sale_id !== saleId) throw new AppError('validation', 'body.lines: the reservation belongs to another flash sale', { code: 'VALIDATION', issues: [{ path: 'body.lines', message: 'the reservation belongs to another flash sale' }] });
    return { units: Number(row.units), priceFen: Number(row.price_fen) };
  }

  /** A buyer's reservation by id (their own only). */
  async reservationOf(buyerId: string, reservationId: string): Promise<FlashReservationDto | null> {
    const r = await this.store.findReservation(reservationId);
    return r && r.buyer_id === buyerId ? reservationDto(r) : null;
  }

  // ---------- FlashClaims (the checkout flow) ----------

  private holdKey(saleId: string, buyerId: string): string {
    return `${saleId}|${buyerId}`;
  }
  /** A hold of this buyer in this phase: the one with exactly `units` if any, else one with more. */
  private findHold(saleId: string, buyerId: string, units: number, phase: LocalHold['phase']): LocalHold | null {
    const list = this.holds.get(this.holdKey(saleId, buyerId)) ?? [];
    return list.find((h) => h.phase === phase && h.units === units) ?? list.find((h) => h.phase === phase && h.units > units) ?? null;
  }
  private putHold(h: LocalHold): void {
    const k = this.holdKey(h.saleId, h.buyerId);
    const list = this.holds.get(k);
    if (list) list.push(h);
    else this.holds.set(k, [h]);
  }
  private dropHolds(saleId: string): void {
    for (const k of [...this.holds.keys()]) if (k.startsWith(`${saleId}|`)) this.holds.delete(k);
  }
  private takeSpecific(h: LocalHold): void {
    const k = this.holdKey(h.saleId, h.buyerId);
    const list = this.holds.get(k);
    if (!list) return;
    const i = list.indexOf(h);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.holds.delete(k);
  }

  async claim(flashSaleId: string, buyerId: string, units: number): Promise<ClaimOutcome> {
    if (!Number.isSafeInteger(units) || units <= 0) return { ok: false, code: 'SOLD_OUT', message: 'quantity must be a positive whole number', left: 0, claimedBefore: true };
    const r = await this.d.gate.claim(flashSaleId, buyerId, units);
    if (!r.ok && r.code === 'NOT_OPEN') return { ok: false, ...(await this.whyShut(flashSaleId)), left: 0, claimedBefore: r.known };
    if (!r.ok) return { ok: false, code: r.code, message: REFUSALS[r.code], left: r.left, claimedBefore: r.known };
    this.putHold({ token: r.token, saleId: flashSaleId, buyerId, units, at: this.now(), phase: 'pending' });
    this.markDirty(flashSaleId);
    return { ok: true };
  }

  private readonly shutCache = new Map<string, { at: number; why: { code: 'SOLD_OUT' | 'NOT_OPEN'; message: string } }>();
  /**
   * Why the gate is shut for a sale: not started yet, sold out (closed with nothing left to
   * return), or ended. Read from the record at most once a second per sale, so a storm after the
   * close costs no database work per attempt.
   */
  private async whyShut(saleId: string): Promise<{ code: 'SOLD_OUT' | 'NOT_OPEN'; message: string }> {
    const now = this.now();
    const hit = this.shutCache.get(saleId);
    if (hit && now - hit.at < 1000) return hit.why;
    const row = await this.store.findById(saleId);
    const why: { code: 'SOLD_OUT' | 'NOT_OPEN'; message: string } = !row
      ? { code: 'NOT_OPEN', message: 'No such flash sale' }
      : row.status === 'scheduled'
        ? { code: 'NOT_OPEN', message: 'This flash sale has not started yet' }
        : row.status === 'closed' && Number(row.stock_returned) === 0
          ? { code: 'SOLD_OUT', message: REFUSALS.SOLD_OUT }
          : row.status === 'open'
            ? { code: 'NOT_OPEN', message: REFUSALS.NOT_OPEN }
            : { code: 'NOT_OPEN', message: 'This flash sale has ended' };
    if (this.shutCache.size > 10_000) this.shutCache.clear();
    this.shutCache.set(saleId, { at: now, why });
    return why;
  }

  async unclaim(flashSaleId: string, buyerId: string, units: number): Promise<void> {
    // Undo a claim whose order did not commit (pending, or recorded and rolled back), in whole or
    // in part, or give back units of an order cancelled later (no hold any more).
    const h = this.findHold(flashSaleId, buyerId, units, 'pending') ?? this.findHold(flashSaleId, buyerId, units, 'recorded');
    if (h) {
      if (h.units === units) this.takeSpecific(h);
      else h.units -= units;
    }
    await this.d.gate.unclaim(flashSaleId, buyerId, units, h?.token ?? null);
    this.markDirty(flashSaleId);
  }

  async recordClaim(trx: Kysely<DB>, flashSaleId: string, buyerId: string, units: number): Promise<boolean> {
    const nowMs = this.now();
    const h = this.findHold(flashSaleId, buyerId, units, 'pending');
    // Too old: the scale-out gate may give this hold back any moment (HOLD_TTL_MS); refuse it.
    if (h && nowMs - h.at > RECORD_DEADLINE_MS) return false;
    const nowIso = iso(nowMs);
    const taken = await this.store.takeFromPool(trx, flashSaleId, units, nowIso);
    if (!taken) return false;
    if (!(await this.store.addBuyerUnits(trx, flashSaleId, buyerId, units, taken.limit))) {
      // Undo within the transaction, whatever the caller then does with it.
      await this.store.giveToPool(trx, flashSaleId, units, nowIso, false);
      return false;
    }
    if (h) {
      await this.store.insertClaim(trx, { token: h.token, flash_sale_id: flashSaleId, buyer_id: buyerId, units, created_at: nowIso });
      // Recorded units leave the pending hold; a remainder (should the caller record less) stays pending.
      if (h.units === units) {
        h.phase = 'recorded';
        h.at = nowMs;
      } else {
        h.units -= units;
        this.putHold({ ...h, units, phase: 'recorded', at: nowMs });
      }
    }
    return true;
  }

  async releaseClaim(trx: Kysely<DB>, flashSaleId: string, buyerId: string, units: number): Promise<void> {
    const nowIso = iso(this.now());
    // Back to the pool while the sale still has it; after close, to the SKU's stock.
    if (!(await this.store.giveToPool(trx, flashSaleId, units, nowIso, true))) {
      const row = await this.store.findById(flashSaleId, trx);
      if (!row) return;
      await this.store.addReturned(trx, flashSaleId, units, nowIso);
      await this.d.catalog.returnStock(trx, row.sku_id, units);
    }
    await this.store.removeBuyerUnits(trx, flashSaleId, buyerId, units);
  }

  // ---------- FlashPriceSource (pricing) ----------

  async flashPromotions(sessionId: string, skuIds: readonly string[], buyerId: string | null, nowMs: number, reservationIds: readonly string[] = []) {
    const rows = (await this.store.openBySessionAndSkus(sessionId, skuIds)).filter((r) => Date.parse(r.starts_at) <= nowMs && nowMs < Date.parse(r.ends_at));
    const promotions: ItemPromotion[] = [];
    const flashSaleIdByPromotionId: Record<string, string> = {};
    const purchasedQty: Record<string, number> = {};
    // The buyer's reservations in this cart: their units are the buyer's own at the flash price,
    // so they count neither against the pool nor against the limit, even after the sale sold out or closed.
    const nowIso = iso(nowMs);
    const mine = new Map<string, { units: number; row: FlashReservationsTable }>();
    if (buyerId && reservationIds.length > 0) {
      for (const r of await this.store.findReservations([...new Set(reservationIds)])) {
        if ( r.buyer_id !== buyerId || r.session_id !== sessionId || r.status !== 'held' || r.hold_until <= nowIso) continue;
        const m = mine.get(r.flash_sale_id);
        if (m) m.units += Number(r.units);
        else mine.set(r.flash_sale_id, { units: Number(r.units), row: r });
      }
    }
    for (const [saleId, m] of mine) {
      if (rows.some((r) => r.id === saleId)) continue;
      const pid = `flash-${saleId}`;
      promotions.push({
        id: pid,
        kind: 'flash-sale',
        window: { from: m.row.created_at, to: m.row.hold_until },
        scope: { skuIds: [m.row.sku_id] },
        priority: 100,
        priceFen: Number(m.row.price_fen),
        perBuyerLimit: m.units,
        stockLeft: m.units,
      });
      flashSaleIdByPromotionId[pid] = saleId;
    }
    for (const r of rows) {
      const pid = `flash-${r.id}`;
      promotions.push({
        id: pid,
        kind: 'flash-sale',
        window: { from: r.starts_at, to: r.ends_at },
        scope: { skuIds: [r.sku_id] },
        priority: 100,
        priceFen: Number(r.price_fen),
        perBuyerLimit: Number(r.per_buyer_limit),
        // The record's pool: a claim already made by this buyer is not yet in it, so it still prices;
        // the buyer's reserved units are theirs on top of it.
        stockLeft: Number(r.stock_left) + (mine.get(r.id)?.units ?? 0),
      });
      flashSaleIdByPromotionId[pid] = r.id;
    }
    if (buyerId && rows.length) {
      const skuOf = new Map(rows.map((r) => [r.id, r.sku_id]));
      for (const b of await this.store.buyerUnits(buyerId, rows.map((r) => r.id))) {
        const sku = skuOf.get(b.flash_sale_id)!;
        purchasedQty[sku] = (purchasedQty[sku] ?? 0) + Math.max(0, Number(b.quantity) - (mine.get(b.flash_sale_id)?.units ?? 0));
      }
    }
    return { promotions, purchasedQty, flashSaleIdByPromotionId };
  }

  // ---------- scheduler ----------

  /** Boot: load the gate from the record (reconciled under the lock), bring every sale to the state its clock says, start the timers. */
  async start(): Promise<void> {
    this.running = true;
    await this.reconcile();
    await this.tick();
    const tickMs = this.d.tickMs ?? 100;
    this.tickTimer = setInterval(() => void this.flushDirty().catch((e: unknown) => this.err(e, 'left updates')), tickMs);
    this.tickTimer.unref();
    this.refreshTimer = setInterval(() => this.kick(), this.d.refreshMs ?? 2000);
    this.refreshTimer.unref();
    if (this.d.gate.kind === 'redis' && (this.d.reconcileMs ?? 5_000) > 0) {
      this.reconcileTimer = setInterval(() => void this.reconcile().catch((e: unknown) => this.err(e, 'reconcile')), this.d.reconcileMs ?? 5_000);
      this.reconcileTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of [this.timer, this.refreshTimer, this.tickTimer, this.reconcileTimer]) if (t) clearTimeout(t);
    this.timer = this.refreshTimer = this.tickTimer = this.reconcileTimer = null;
    await this.ticking.catch(() => undefined);
  }

  /** Runs one scheduler pass now (after the current one). */
  kick(): void {
    this.ticking = this.ticking.then(() => this.tick()).catch((e: unknown) => this.err(e, 'scheduler'));
  }

  /**
   * The gate from the record. Embedded: counters = the record (nothing is in flight at boot).
   * Scale-out: under the Redis lock; holds the record already has are dropped, holds of live nodes
   * stay in flight (subtracted), holds of dead nodes or older than HOLD_TTL_MS are given back.
   */
  async reconcile(): Promise<void> {
    await this.d.gate.exclusive(async () => {
      const sales = (await this.store.listActive()).filter((r) => r.status === 'open' || r.status === 'scheduled');
      for (const s of sales) {
        const snap = await this.d.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(async (trx) => {
            const row = await this.store.findById(s.id, trx);
            const buyers = await this.store.buyersOf(s.id, trx);
            const tokens = this.d.gate.kind === 'redis' ? await this.store.recentTokens(s.id, iso(this.now() - 2 * HOLD_TTL_MS), trx) : [];
            return { row, buyers, tokens };
          })
          .catch(async (e: unknown) => {
            // SQLite has no isolation levels to set: its transactions are serialisable already.
            if (!String(e).includes('isolation')) throw e;
            return this.d.db.transaction().execute(async (trx) => ({
              row: await this.store.findById(s.id, trx),
              buyers: await this.store.buyersOf(s.id, trx),
              tokens: [] as { token: string }[],
            }));
          });
        if (!snap.row || (snap.row.status !== 'open' && snap.row.status !== 'scheduled')) continue;
        await this.d.gate.load(
          { id: s.id, open: snap.row.status === 'open', left: Number(snap.row.stock_left), perBuyerLimit: Number(snap.row.per_buyer_limit), buyers: new Map(snap.buyers.map((b) => [b.buyer_id, Number(b.quantity)])) },
          snap.tokens.map((t) => t.token),
        );
      }
    });
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    const nowMs = this.now();
    await this.settleRecorded(nowMs);
    await this.expireDue(nowMs);
    const active = await this.store.listActive();
    for (const r of active) {
      // Sold out for good only when nothing can come back soon: no claim in flight, no reservation
      // waiting for checkout, no order waiting for payment (an expiring one returns its units to
      // this sale's buyers).
      const settled =
        Number(r.stock_left) === 0 &&
        (await this.d.gate.inFlight(r.id)) === 0 &&
        (await this.store.heldUnits(r.id)) === 0 &&
        (this.unpaid === null || (await this.unpaid.unpaidFlashUnits(r.id)) === 0);
      const due = dueEvent(facts(r), nowMs, settled);
      if (!due) continue;
      try {
        await this.move({ actor: { kind: 'system', name: 'flash-scheduler' }, requestId: 'system:flash-scheduler', ip: null }, r.id, due, 'clock');
      } catch (e) {
        this.err(e, `scheduler ${due} ${r.id}`);
      }
    }
    this.armTimer(active.filter((r) => r.status === 'scheduled' || r.status === 'open'), nowMs);
  }

  private reschedule(): void {
    if (this.running) this.kick();
  }

  private armTimer(active: FlashSalesTable[], nowMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = nextDeadline(active.map(facts), nowMs);
    if (next === null || !this.running) return;
    // Timers fire a little late, never early by the clock; the refresh pass is the safety net.
    this.timer = setTimeout(() => this.kick(), Math.min(Math.max(0, next - nowMs) + 5, 2 ** 31 - 1));
    this.timer.unref();
  }

  /** Holds whose order committed leave the gate's in-flight set; holds never recorded are given back after HOLD_TTL_MS. */
  private async settleRecorded(nowMs: number): Promise<void> {
    const recorded: LocalHold[] = [];
    const stale: LocalHold[] = [];
    for (const list of this.holds.values()) {
      for (const h of list) {
        if (h.phase === 'recorded' && nowMs - h.at >= 50) recorded.push(h);
        else if (h.phase === 'pending' && nowMs - h.at > HOLD_TTL_MS) stale.push(h);
      }
    }
    if (recorded.length) {
      const committed = await this.store.existingTokens(recorded.map((h) => h.token));
      for (const h of recorded) {
        if (committed.has(h.token)) {
          this.takeSpecific(h);
          await this.d.gate.settle(h.saleId, h.token);
        } else if (nowMs - h.at > HOLD_TTL_MS) {
          // Recorded, never committed, never unclaimed: the caller lost it; give it back.
          this.takeSpecific(h);
          await this.d.gate.unclaim(h.saleId, h.buyerId, h.units, h.token);
        }
      }
    }
    for (const h of stale) {
      this.takeSpecific(h);
      await this.d.gate.unclaim(h.saleId, h.buyerId, h.units, h.token);
      this.markDirty(h.saleId);
    }
  }

  /** Runs a scheduler pass now and waits for it (tests, and after a clock jump). */
  async runDue(): Promise<void> {
    const was = this.running;
    this.running = true;
    this.kick();
    await this.ticking;
    this.running = was;
  }

  /** For tests: the status of a sale in the record. */
  async statusOf(id: string): Promise<FlashSaleStatus | null> {
    return (await this.store.findById(id))?.status ?? null;
  }
}
