import type { Kysely } from 'kysely';
import type { CheckoutBody } from '../../contracts/orders.contract.js';
import type { Clock } from '../platform/clock.js';
import type { Ctx } from '../platform/context.js';
import type { DB } from '../platform/db/db.types.js';
import type { OrderLinesTable, OrdersTable, PaymentsTable } from '../platform/db/tables/orders.tables.js';
import { AppError, invalid, notFound } from '../platform/errors.js';
import type { IdGenerator } from '../platform/ids/id-generator.js';
import type { CatalogService } from '../modules/catalog/catalog.service.js';
import type { CouponHolds, CheckoutPricing, PointsSpending } from '../modules/orders/checkout.ports.js';
import { maskAddress } from '../modules/orders/core/address-mask.js';
import { recordOrderPlaced, type OrderAnalytics } from '../modules/orders/order-analytics.js';
import { isUniqueViolation } from '../modules/orders/orders.store.js';
import type { OrderDto, OrdersService, StoredPricing } from '../modules/orders/orders.service.js';
import type { CartQuote } from '../modules/promotions/cart-quote.types.js';
import type { ClaimOutcome, FlashClaims } from '../modules/promotions/flash-claims.port.js';
import type { SessionsService } from '../modules/sessions/sessions.service.js';

/**
 * Checkout: a cart becomes an order, step by step, each step through its module.
 *
 * 1. Flash units are claimed on the fast gate first (memory or Redis), so a storm of buyers
 *    is turned away (SOLD_OUT / LIMIT_REACHED / NOT_OPEN) with no write, and with no read when
 *    the gate has never given the buyer units of that sale (then no order of theirs, under any
 *    idempotency key, holds them); otherwise one indexed read finds a retried order.
 * 2. Idempotency: the (buyer, key) pair names one order. A retry gets the same order (200),
 *    also when its flash claim is refused (the first submit holds the units); a concurrent
 *    duplicate on this node waits for the first; across nodes the unique constraint on
 *    orders(buyer_id, idempotency_key) decides and the loser returns the winner.
 * 3. The cart is priced by the same quote the cart drawer shows; a total different from the
 *    one the buyer saw is refused with PRICE_CHANGED and the new quote (never charge an
 *    unseen price).
 * 4. One transaction: stock for the non-flash units, the flash record, gifts (an out-of-stock
 *    gift is left out and the order says so), coupons held, points spent, the order, its lines,
 *    its first history row and its pending payment. If it does not commit, the flash claims
 *    are given back.
 * Unpaid orders are cancelled at pay_by by the orders service's sweeper.
 */

export interface CheckoutDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  sessions: Pick<SessionsService, 'getInternal'>;
  orders: OrdersService;
  pricing: CheckoutPricing;
  flash: FlashClaims;
  coupons: CouponHolds;
  points: PointsSpending;
  payMinutes: number;
  /** Runs the order's transaction (SQLite: group-committed with the other checkouts of the moment, platform/db/group-commit.ts); default a plain transaction. */
  transact?: <T>(fn: (trx: Kysely<DB>) => Promise<T>) => Promise<T>;
  /** Analytics: the `order` event once the order commits (see order-analytics.ts). */
  analytics?: OrderAnalytics;
  /** Whether the buyer's account is simulated (viewers.simulated, cached): copied to orders.simulated. */
  buyerSimulated?: (buyerId: string) => Promise<boolean>;
}

export type CheckoutOutcome =
  | { kind: 'created' | 'replayed'; order: OrderDto; payment: { provider: string; checkoutUrl: string } }
  | { kind: 'price_changed'; quote: CartQuote; expectedTotalFen: number };

/** The fast gate turned the cart away (409 with this code): an answer, not a failure. */
export interface CheckoutRefusal {
  kind: 'refused';
  code: 'SOLD_OUT' | 'LIMIT_REACHED' | 'NOT_OPEN';
  message: string;
}

/** Thrown inside the transaction to roll it back with a tagged reason. */
class Refusal extends AppError {}

const inFlight = new WeakMap<CheckoutDeps, Map<string, Promise<CheckoutOutcome | CheckoutRefusal>>>();

export async function checkout(deps: CheckoutDeps, ctx: Ctx, sessionId: string, input: CheckoutBody): Promise<CheckoutOutcome> {
  const out = await checkoutOrRefusal(deps, ctx, sessionId, input);
  if (out.kind === 'refused') throw new AppError('conflict', out.message, { code: out.code });
  return out;
}

/**
 * The same, with the gate's refusal returned rather than thrown: the route answers the storm of
 * refused attempts in a flash sale without building and mapping an Error for each.
 */
export async function checkoutOrRefusal(deps: CheckoutDeps, ctx: Ctx, sessionId: string, input: CheckoutBody): Promise<CheckoutOutcome | CheckoutRefusal> {
  if (ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in (or create an account) to place an order', { code: 'UNAUTHENTICATED' });
  const buyerId = ctx.actor.id;
  let mine = inFlight.get(deps);
  if (!mine) inFlight.set(deps, (mine = new Map()));
  const key = `${buyerId}\u0000${input.idempotencyKey}`;
  const running = mine.get(key);
  if (running) {
    // A double click on this node: the same answer as the first submit, as a replay.
    const first = await running.catch(() => null);
    if (first && (first.kind === 'created' || first.kind === 'replayed')) return { ...first, kind: 'replayed' };
    if (first?.kind === 'price_changed') return first;
  }
  const p = place(deps, ctx, buyerId, sessionId, input);
  mine.set(key, p);
  try {
    return await p;
  } finally {
    mine.delete(key);
  }
}

/** What a cart asks for, in any line order: a retry must ask for the same SKUs and quantities. */
const cartSignature = (lines: readonly { skuId: string; quantity: number }[]): string =>
  lines
    .map((l) => `${l.skuId}|${l.quantity}`)
    .sort()
    .join(',');

async function existing(deps: CheckoutDeps, buyerId: string, input: CheckoutBody): Promise<CheckoutOutcome | null> {
  const row = await deps.orders.store.findByIdem(buyerId, input.idempotencyKey);
  if (!row) return null;
  const order = await deps.orders.orderDto(row.id);
  // The key names one cart: the same key with another cart is a client bug, not a retry.
  const requested = cartSignature(input.lines);
  const made = cartSignature(order.lines.filter((l) => !l.isGift));
  if (requested !== made) {
    throw new AppError('conflict', 'This idempotency key was already used for another cart; make a new key for a new order', { code: 'IDEMPOTENCY_KEY_REUSED' });
  }
  const payments = await deps.orders.store.paymentsOf([row.id]);
  const provider = deps.orders.provider;
  const pay = payments[0];
  return {
    kind: 'replayed',
    order,
    payment: { provider: pay?.provider ?? provider?.name ?? 'none', checkoutUrl: order.checkoutUrl ?? (pay && provider ? provider.checkoutUrlFor(pay.provider_ref) : '') },
  };
}

async function place(deps: CheckoutDeps, ctx: Ctx, buyerId: string, sessionId: string, input: CheckoutBody): Promise<CheckoutOutcome | CheckoutRefusal> {
  // Each (SKU, flash sale) once: checked before anything is claimed or read.
  const seen = new Set<string>();
  input.lines.forEach((l, i) => {
    const k = `${l.skuId}|${l.flashSaleId ?? ''}`;
    if (seen.has(k)) throw invalid(`body.lines.${i}.skuId`, 'appears twice; put the whole quantity on one line');
    seen.add(k);
    if (l.reservationId && !l.flashSaleId) throw invalid(`body.lines.${i}.reservationId`, 'needs the flashSaleId of its sale');
  });

  // Fast gate first: a storm of buyers for a sold-out sale is turned away by the in-process or
  // Redis counters, with no write, and one indexed read (is this a retry of an order already
  // made?) only for buyers the gate has given units of the sale.
  const claimed: { flashSaleId: string; units: number }[] = input.lines.map(() => ({ flashSaleId: '', units: 0 }));
  const unclaimAll = async () => {
    for (const c of claimed) {
      if (c.units > 0) await deps.flash.unclaim(c.flashSaleId, buyerId, c.units).catch(() => undefined);
      c.units = 0;
    }
  };
  const refusals: (ClaimOutcome & { ok: false })[] = input.lines.map(() => ({ ok: false, code: 'NOT_OPEN', message: '', left: 0, claimedBefore: true }));
  for (const [i, l] of input.lines.entries()) {
    // A reserved line's units were claimed and recorded when the buyer grabbed them.
    if (!l.flashSaleId || l.reservationId) continue;
    // More units than the buyer's limit or the pool allows: as many as the gate gives (the quote
    // prices the rest at the list price, as the cart showed); none at all is a refusal.
    let units = l.quantity;
    let r = await deps.flash.claim(l.flashSaleId, buyerId, units);
    while (!r.ok && units > 1 && (r.code === 'LIMIT_REACHED' || (r.code === 'SOLD_OUT' && r.left > 0))) {
      refusals[i] = r;
      units = r.code === 'SOLD_OUT' ? Math.min(units - 1, r.left) : units - 1;
      r = await deps.flash.claim(l.flashSaleId, buyerId, units);
    }
    if (!r.ok) {
      await unclaimAll();
      // A retry of an order that went through (its units count against the limit, or the sale
      // has sold out since) gets that order, not a refusal. Such an order claimed units of this
      // sale, so the gate knows the buyer (it keeps them known after units are given back):
      // for a buyer it has never given units, there is no order to find.
      if (r.claimedBefore) {
        const dup = await existing(deps, buyerId, input);
        if (dup) return dup;
      }
      return { kind: 'refused', code: r.code, message: r.message };
    }
    claimed[i] = { flashSaleId: l.flashSaleId, units };
  }

  try {
    const again = await existing(deps, buyerId, input);
    if (again) {
      await unclaimAll();
      return again;
    }
    // A reservation no longer held (expired, given back, already ordered under another key) is
    // refused as such, not repriced at the list price.
    const nowIso = deps.clock.now().toISOString();
    for (const [i, l] of input.lines.entries()) {
      if (!l.reservationId) continue;
      const r = await deps.flash.reservationOf(buyerId, l.reservationId);
      if (!r || r.flashSaleId !== l.flashSaleId) throw invalid(`body.lines.${i}.reservationId`, 'no such reservation of this flash sale');
      if (r.status !== 'held' || r.holdUntil <= nowIso) {
        throw new AppError('conflict', r.status === 'ordered' ? 'This reservation is already in an order' : 'Your reservation has expired or was given back; grab again if units are left', { code: 'RESERVATION_EXPIRED' });
      }
    }
    const session = await deps.sessions.getInternal(sessionId).catch(() => null);
    if (!session || session.status === 'draft') throw notFound('Session');
    if (session.status !== 'scheduled' && session.status !== 'live') {
      throw new AppError('conflict', 'This session has ended; its shop is closed', { code: 'SESSION_CLOSED' });
    }
    const provider = deps.orders.provider;
    if (!provider) throw new AppError('conflict', 'No payment method is available on this site', { code: 'PAYMENTS_UNAVAILABLE' });
    const snaps = await deps.catalog.skuSnapshots(input.lines.map((l) => l.skuId));
    input.lines.forEach((l, i) => {
      const s = snaps.get(l.skuId);
      if (!s || s.archived) throw invalid(`body.lines.${i}.skuId`, 'unknown SKU');
    });

    const quote = await deps.pricing.quote(ctx, {
      sessionId,
      buyerId,
      lines: input.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity, ...(l.flashSaleId ? { flashSaleId: l.flashSaleId, ...(l.reservationId ? { reservationId: l.reservationId } : {}) } : {}) })),
      usePoints: input.usePoints,
    });
    if (quote.pricing.totalFen !== input.expectedTotalFen) {
      await unclaimAll();
      return { kind: 'price_changed', quote, expectedTotalFen: input.expectedTotalFen };
    }
    // Units the quote did not price from the flash sale (per-buyer limit) come from stock.
    for (const [i, c] of claimed.entries()) {
      const flashUnits = quote.lines[i]?.flashSaleId === c.flashSaleId ? (quote.lines[i]?.flashUnits ?? 0) : 0;
      if (c.units > 0 && flashUnits > c.units) {
        // Priced more flash units than the gate gave (another order of this buyer is in flight):
        // charging that price for stock units would be wrong, so refuse.
        const r = refusals[i]!;
        throw new AppError('conflict', r.message || 'Fewer units are left at the flash price; review the cart', { code: r.code === 'NOT_OPEN' ? 'SOLD_OUT' : r.code });
      }
      if (c.units > flashUnits) {
        await deps.flash.unclaim(c.flashSaleId, buyerId, c.units - flashUnits).catch(() => undefined);
        c.units = flashUnits;
      }
    }

    // Cached by the viewers module: no read per checkout.
    const simulated = deps.buyerSimulated ? await deps.buyerSimulated(buyerId) : false;
    const orderId = deps.ids();
    const now = deps.clock.now();
    const at = now.toISOString();
    const payBy = new Date(now.getTime() + deps.payMinutes * 60_000).toISOString();
    const checkoutInfo = await provider.createCheckout({ orderId, amountFen: quote.pricing.totalFen, currency: 'CNY', payBy });

    let written: { order: OrdersTable; lines: OrderLinesTable[]; payment: PaymentsTable } | null = null;
    try {
      const transact = deps.transact ?? (<T>(fn: (trx: Kysely<DB>) => Promise<T>) => deps.db.transaction().execute(fn));
      await transact(async (trx) => {
        const lines: OrderLinesTable[] = [];
        for (const [i, ql] of quote.lines.entries()) {
          const priced = quote.pricing.lines[i];
          if (!priced || ql.skuId !== input.lines[i]?.skuId) throw new Error('the quote does not match the cart');
          const asked = input.lines[i]!;
          let flashUnits = claimed[i]?.units ?? 0;
          let flashSaleId = flashUnits > 0 ? claimed[i]!.flashSaleId : null;
          if (asked.reservationId && asked.flashSaleId) {
            // The buyer's reservation becomes this order's: its units at its price, or nothing.
            const held = await deps.flash.takeReservation(trx, asked.reservationId, buyerId, asked.flashSaleId, orderId);
            if (!held) throw new Refusal('conflict', `${ql.title}: your reservation has expired or was already used; grab again if units are left`, { code: 'RESERVATION_EXPIRED' });
            if (ql.flashSaleId !== asked.flashSaleId || ql.flashUnits !== held.units) {
              throw new Refusal('conflict', `${ql.title}: the cart asks for other units than the ${held.units} reserved; review the cart`, { code: 'RESERVATION_UNAVAILABLE' });
            }
            flashUnits = held.units;
            flashSaleId = asked.flashSaleId;
          }
          const fromStock = ql.quantity - flashUnits;
          if (fromStock > 0 && !(await deps.catalog.takeStock(trx, ql.skuId, fromStock))) {
            throw new Refusal('conflict', `${ql.title} (${ql.skuName}) is sold out or has fewer than ${fromStock} left`, { code: 'SOLD_OUT' });
          }
          if (flashUnits > 0 && !asked.reservationId && !(await deps.flash.recordClaim(trx, claimed[i]!.flashSaleId, buyerId, flashUnits))) {
            throw new Refusal('conflict', `${ql.title}: the flash sale is sold out`, { code: 'SOLD_OUT' });
          }
          lines.push({
            id: deps.ids(),
            order_id: orderId,
            line_no: i + 1,
            sku_id: ql.skuId,
            product_id: ql.productId,
            title: ql.title,
            sku_name: ql.skuName,
            quantity: ql.quantity,
            unit_price_fen: ql.unitPriceFen,
            activity_fen: priced.activityFen,
            paid_fen: priced.paidFen,
            allocations_json: JSON.stringify(priced.allocations),
            flash_sale_id: flashUnits > 0 ? flashSaleId : null,
            flash_units: flashUnits,
            is_gift: 0,
            returned_qty: 0,
          });
        }
        // Gifts: their own stock; when it has run out the order goes through without them.
        // Gifts out of stock by now: the engine left them out of this quote (the buyer may have
        // seen them in an earlier one), or they ran out since; either way the order says so.
        const outOfStock = quote.pricing.rejected.flatMap((r) => {
          if (r.code === 'gift.out-of-stock' && typeof r.params?.giftSkuId === 'string') return [{ source: r.source, skuId: r.params.giftSkuId }];
          const m = /the gift (\S+) is out of stock/.exec(r.reason);
          return m?.[1] ? [{ source: r.source, skuId: m[1] }] : [];
        });
        const giftSnaps = await deps.catalog.skuSnapshots([...quote.gifts.map((g) => g.skuId), ...outOfStock.map((g) => g.skuId)], trx);
        const giftsOmitted: StoredPricing['giftsOmitted'] = outOfStock.map((g) => {
          const title = giftSnaps.get(g.skuId)?.title ?? quote.sourceNames?.[g.source] ?? g.skuId;
          return { skuId: g.skuId, title, quantity: 1, reason: `${title}: the gift is out of stock; the order goes through without it` };
        });
        for (const g of quote.gifts) {
          const s = giftSnaps.get(g.skuId);
          if (s && (await deps.catalog.takeStock(trx, g.skuId, g.quantity))) {
            lines.push({
              id: deps.ids(),
              order_id: orderId,
              line_no: lines.length + 1,
              sku_id: g.skuId,
              product_id: s.productId,
              title: g.title,
              sku_name: s.skuName,
              quantity: g.quantity,
              unit_price_fen: 0,
              activity_fen: 0,
              paid_fen: 0,
              allocations_json: '[]',
              flash_sale_id: null,
              flash_units: 0,
              is_gift: 1,
              returned_qty: 0,
            });
          } else {
            giftsOmitted.push({ skuId: g.skuId, title: g.title, quantity: g.quantity, reason: `${g.title}: the gift is out of stock; the order goes through without it` });
          }
        }
        if (quote.couponIds.length > 0 && !(await deps.coupons.reserve(trx, buyerId, quote.couponIds, orderId))) {
          throw new Refusal('conflict', 'A coupon in this cart can no longer be used; review the cart', { code: 'COUPON_UNAVAILABLE' });
        }
        if (quote.pointsUsed > 0 && !(await deps.points.spend(trx, buyerId, quote.pointsUsed, orderId))) {
          throw new Refusal('conflict', 'Your points balance changed; review the cart', { code: 'POINTS_UNAVAILABLE' });
        }
        const order: OrdersTable = {
          id: orderId,
          buyer_id: buyerId,
          session_id: sessionId,
          status: 'pending_payment',
          currency: 'CNY',
          regular_fen: quote.pricing.lines.reduce((s, l) => s + l.regularFen, 0),
          total_fen: quote.pricing.totalFen,
          points_used: quote.pointsUsed,
          pricing_json: JSON.stringify({ adjustments: quote.pricing.adjustments, rejected: quote.pricing.rejected, giftsOmitted } satisfies StoredPricing),
          coupons_json: JSON.stringify(quote.couponIds),
          idempotency_key: input.idempotencyKey,
          pay_by: payBy,
          address_cipher: deps.orders.encryptAddress(orderId, input.address),
          address_masked: maskAddress(input.address),
          carrier: null,
          tracking_no: null,
          created_at: at,
          updated_at: at,
          paid_at: null,
          shipped_at: null,
          delivered_at: null,
          cancelled_at: null,
          version: 0,
          simulated: simulated ? 1 : 0,
        };
        const payment: PaymentsTable = {
          id: deps.ids(),
          order_id: orderId,
          provider: provider.name,
          provider_ref: checkoutInfo.providerRef,
          amount_fen: quote.pricing.totalFen,
          currency: 'CNY',
          status: 'pending',
          created_at: at,
          updated_at: at,
        };
        await deps.orders.insertNew(trx, order, lines, payment);
        written = { order, lines, payment };
      });
    } catch (err) {
      await unclaimAll();
      if (isUniqueViolation(err)) {
        const dup = await existing(deps, buyerId, input);
        if (dup) return dup;
      }
      throw err;
    }
    // The DTO from the rows just committed (a new order has no returns or refunds): no re-read.
    const made = written as { order: OrdersTable; lines: OrderLinesTable[]; payment: PaymentsTable } | null;
    if (made) recordOrderPlaced(deps.analytics, made.order, made.lines, now.getTime());
    const order = made ? deps.orders.newOrderDto(made.order, made.lines, made.payment) : await deps.orders.orderDto(orderId);
    return { kind: 'created', order, payment: { provider: provider.name, checkoutUrl: checkoutInfo.checkoutUrl } };
  } catch (err) {
    await unclaimAll();
    throw err;
  }
}
