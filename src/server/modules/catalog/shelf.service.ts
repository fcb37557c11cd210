import type { Kysely } from 'kysely';
import type { ConsoleShelf, Explanations, LiveShelf } from '../../../contracts/catalog.contract.js';
import type { RoomEventPayload } from '../../../contracts/realtime.contract.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import { AppError, invalid } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { CatalogService, Product } from './catalog.service.js';
import { explanationTotals, spanSeconds } from './core/explanation-spans.js';
import { stockState } from './core/stock-state.js';
import { ShelfStore } from './shelf.store.js';

export interface ShelfDeps {
  db: Kysely<DB>;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  catalog: CatalogService;
  sessions: Pick<SessionsService, 'getInternal' | 'getPublic' | 'onTransition'>;
  /** The room hub's publish (every node's viewers of the session get the event). */
  publish: (sessionId: string, event: RoomEventPayload) => Promise<void>;
  lowStockThreshold: number;
  onError?: (err: unknown, where: string) => void;
}

type Pinned = { productId: string; since: string } | null;

const EDITABLE = new Set(['draft', 'scheduled', 'live']);

/**
 * A session's shelf (the products offered in it, in order) and "now explaining / 讲解中".
 * The catalog owns the link table; sessions are reached through their service only.
 *
 * Invariants: at most one open explanation per session (unique index, so two operators
 * pinning at once on two nodes still leave one); an explanation opens and closes with the pin
 * and closes when the session ends; the audience sees only non-archived products and the true
 * stock state (stockState).
 */
export class ShelfService {
  private readonly store: ShelfStore;
  constructor(private readonly d: ShelfDeps) {
    this.store = new ShelfStore(d.db);
    d.sessions.onTransition((sessionId, to) => {
      if (to !== 'ended' && to !== 'archived') return;
      this.endExplanation(sessionId).catch((err: unknown) => d.onError?.(err, 'shelf.endExplanation'));
    });
  }

  async getShelf(ctx: Ctx, sessionId: string): Promise<ConsoleShelf> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    const rows = await this.store.shelf(sessionId);
    const products = new Map((await this.d.catalog.productsByIds(rows.map((r) => r.product_id))).map((p) => [p.id, p]));
    return {
      items: rows.flatMap((r) => {
        const p = products.get(r.product_id);
        if (!p) return [];
        const prices = p.skus.map((s) => s.priceFen);
        return [
          {
            productId: p.id,
            position: r.position,
            addedAt: r.added_at,
            title: p.title,
            image: p.images[0] ?? null,
            archived: p.archived,
            skuCount: p.skus.length,
            minPriceFen: prices.length ? Math.min(...prices) : null,
            stock: p.skus.reduce((n, s) => n + s.stock, 0),
          },
        ];
      }),
      pinned: await this.pinned(sessionId),
    };
  }

  /** Sets the shelf to exactly these products, in this order. Removing the pinned product unpins it. */
  async setShelf(ctx: Ctx, sessionId: string, productIds: string[]): Promise<ConsoleShelf> {
    requirePermission(ctx.actor, 'shelf:write');
    const session = await this.d.sessions.getInternal(sessionId);
    if (!EDITABLE.has(session.status)) throw new AppError('conflict', `The shelf of an ${session.status} session can no longer change`, { code: 'SESSION_CLOSED' });
    const known = new Map((await this.d.catalog.productsByIds(productIds)).map((p) => [p.id, p]));
    let unpinned = false;
    await this.d.db.transaction().execute(async (trx) => {
      const before = await this.store.shelf(sessionId, trx);
      const had = new Set(before.map((r) => r.product_id));
      productIds.forEach((id, i) => {
        const p = known.get(id);
        if (!p) throw invalid(`body.productIds.${i}`, 'no such product');
        if (p.archived && !had.has(id)) throw invalid(`body.productIds.${i}`, 'this product is archived');
      });
      const now = this.d.clock.now().toISOString();
      const keep = new Set(productIds);
      await this.store.deleteShelfRows(
        trx,
        sessionId,
        before.filter((r) => !keep.has(r.product_id)).map((r) => r.product_id),
      );
      for (const [position, productId] of productIds.entries()) {
        if (had.has(productId)) await this.store.setPosition(trx, sessionId, productId, position);
        else await this.store.insertShelfRow(trx, { session_id: sessionId, product_id: productId, position, added_at: now });
      }
      const open = await this.store.openExplanation(sessionId, trx);
      if (open && !keep.has(open.product_id)) {
        await this.store.closeOpen(trx, sessionId, now);
        unpinned = true;
      }
      await this.d.audit.record(ctx, { action: 'shelf.updated', targetType: 'live_session', targetId: sessionId, before: { productIds: before.map((r) => r.product_id) }, after: { productIds } }, trx);
    });
    if (unpinned) await this.d.publish(sessionId, { t: 'product.pin', productId: null, since: null });
    return this.getShelf(ctx, sessionId);
  }

  /**
   * Pins the product being presented now (null unpins): closes the previous explanation and
   * opens a new one, then tells the room. Pinning what is already pinned changes nothing (a
   * retried click keeps its original "since").
   */
  async pin(ctx: Ctx, sessionId: string, productId: string | null): Promise<{ pinned: Pinned }> {
    requirePermission(ctx.actor, 'shelf:write');
    const session = await this.d.sessions.getInternal(sessionId);
    if (productId !== null && session.status !== 'live') {
      throw new AppError('conflict', 'Only a live session can pin the product being explained', { code: 'SESSION_NOT_LIVE' });
    }
    if (productId !== null && (await this.d.catalog.productsByIds([productId]))[0]?.archived) {
      throw new AppError('conflict', 'productId: this product is archived (withdrawn from sale)', { code: 'PRODUCT_ARCHIVED', issues: [{ path: 'body.productId', message: 'archived' }] });
    }
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.d.db.transaction().execute(async (trx) => {
        const open = await this.store.openExplanation(sessionId, trx);
        if (open && open.product_id === productId) return { changed: false, pinned: { productId, since: open.started_at } as Pinned };
        if (!open && productId === null) return { changed: false, pinned: null as Pinned };
        if (productId !== null && !(await this.store.isOnShelf(trx, sessionId, productId))) {
          throw new AppError('conflict', 'productId: this product is not on the session\'s shelf', {
            code: 'NOT_ON_SHELF',
            issues: [{ path: 'body.productId', message: 'not on this session\'s shelf' }],
          });
        }
        const now = this.d.clock.now().toISOString();
        if (open) await this.store.closeOpen(trx, sessionId, now);
        if (productId !== null && !(await this.store.openNew(trx, { id: this.d.ids(), session_id: sessionId, product_id: productId, started_at: now }))) return null;
        const pinned: Pinned = productId === null ? null : { productId, since: now };
        await this.d.audit.record(
          ctx,
          {
            action: productId === null ? 'shelf.unpinned' : 'shelf.pinned',
            targetType: 'live_session',
            targetId: sessionId,
            before: { productId: open?.product_id ?? null, since: open?.started_at ?? null },
            after: { productId, since: pinned?.since ?? null },
          },
          trx,
        );
        return { changed: true, pinned };
      });
      if (outcome === null) {
        // Another operator pinned at the same instant: read again and apply ours on top.
        if (attempt < 3) continue;
        throw new AppError('conflict', 'Someone else is changing the pin right now; try again', { code: 'PIN_BUSY' });
      }
      if (outcome.changed) await this.publishPin(sessionId, outcome.pinned);
      return { pinned: outcome.pinned };
    }
  }

  /** The analytics report: each explanation with its length, and per product how often and how long. */
  async explanations(ctx: Ctx, sessionId: string): Promise<Explanations> {
    requirePermission(ctx.actor, 'sessions:read');
    await this.d.sessions.getInternal(sessionId);
    const spans = await this.store.explanations(sessionId);
    const titles = new Map((await this.d.catalog.productsByIds(spans.map((s) => s.product_id))).map((p) => [p.id, p.title]));
    const nowMs = this.d.clock.now().getTime();
    const asSpan = (s: (typeof spans)[number]) => ({ id: s.id, productId: s.product_id, startedAt: s.started_at, endedAt: s.ended_at });
    return {
      items: spans.map((s) => ({ ...asSpan(s), title: titles.get(s.product_id) ?? '', seconds: spanSeconds(asSpan(s), nowMs) })),
      totals: explanationTotals(spans.map(asSpan), nowMs).map((t) => ({ ...t, title: titles.get(t.productId) ?? '' })),
    };
  }

  /** The shelf as the audience sees it (same visibility rules as the session page). */
  async liveShelf(sessionId: string, invite?: string): Promise<LiveShelf> {
    await this.d.sessions.getPublic(sessionId, invite);
    // A room reconnecting at once asks for the same shelf thousands of times: requests that
    // arrive while one read is in flight share it (never a stale answer, just fewer queries).
    let read = this.inflight.get(sessionId);
    if (!read) {
      read = this.readLiveShelf(sessionId).finally(() => this.inflight.delete(sessionId));
      this.inflight.set(sessionId, read);
    }
    return read;
  }

  private readonly inflight = new Map<string, Promise<LiveShelf>>();

  private async readLiveShelf(sessionId: string): Promise<LiveShelf> {
    const rows = await this.store.shelf(sessionId);
    const products = new Map((await this.d.catalog.productsByIds(rows.map((r) => r.product_id))).map((p) => [p.id, p]));
    const visible = rows.map((r) => products.get(r.product_id)).filter((p): p is Product => p !== undefined && !p.archived);
    const pinned = await this.pinned(sessionId);
    return {
      products: visible.map((p, i) => ({
        productId: p.id,
        title: p.title,
        description: p.description,
        image: p.images[0] ?? null,
        position: i,
        skus: p.skus.map((s) => ({ skuId: s.id, name: s.name, priceFen: s.priceFen, currency: s.currency, stock: stockState(s.stock, this.d.lowStockThreshold) })),
      })),
      pinned: pinned && visible.some((p) => p.id === pinned.productId) ? pinned : null,
    };
  }

  /** Closes the open explanation when the session ends (the sessions module's transition hook). */
  async endExplanation(sessionId: string): Promise<void> {
    const closed = await this.d.db.transaction().execute((trx) => this.store.closeOpen(trx, sessionId, this.d.clock.now().toISOString()));
    if (closed) await this.publishPin(sessionId, null);
  }

  private async pinned(sessionId: string): Promise<Pinned> {
    const open = await this.store.openExplanation(sessionId);
    return open ? { productId: open.product_id, since: open.started_at } : null;
  }

  private publishPin(sessionId: string, pinned: Pinned): Promise<void> {
    return this.d.publish(sessionId, { t: 'product.pin', productId: pinned?.productId ?? null, since: pinned ? Date.parse(pinned.since) : null });
  }
}
