import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import {
  createCouponTemplateBody,
  createPromotionBody,
  updateCouponTemplateBody,
  updatePromotionBody,
  type CouponTemplateDto,
  type IssueResult,
  type PromotionDto,
  type WalletCoupon,
} from '../../../contracts/promotions.contract.js';
import type { Bus } from '../../platform/bus/bus.port.js';
import type { Clock } from '../../platform/clock.js';
import type { Ctx } from '../../platform/context.js';
import type { DB } from '../../platform/db/db.types.js';
import type { CouponTemplatesTable, PromotionsTable, PromotionStatus } from '../../platform/db/tables/promotions.tables.js';
import { AppError, invalid, notFound, type FieldIssue } from '../../platform/errors.js';
import { requirePermission } from '../../platform/http/access.js';
import type { IdGenerator } from '../../platform/ids/id-generator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CatalogService, SkuSnapshot } from '../catalog/catalog.service.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { ViewersService } from '../viewers/viewers.service.js';
import { noFlashSales, type CartQuote, type FlashPriceSource, type QuoteRequest } from './cart-quote.types.js';
import { price, type CartLine, type PointsPolicy, type Rejection } from './core/pricing-engine.js';
import { kindInfo, kindsForConsole, parseKindArgs, type PromotionKind } from './core/promotion-kinds.js';
import { validatePromotions, type GiftPromotion, type ItemPromotion, type OrderPromotion, type Scope } from './core/promotion-registry.js';
import { exclusiveClashes, resolveWindow, type StoredWindow } from './core/promotion-windows.js';
import type { PointsLedger } from './points-ledger.port.js';
import { PromotionsStore, type WalletRow } from './promotions.store.js';

/** Viewers by fan level (the fans module provides the real one; until then nobody is a fan). */
export interface FanLevelSource {
  viewersAtLevel(brandId: string | null, minLevel: number): Promise<string[]>;
  isFan(viewerId: string, brandId: string | null): Promise<boolean>;
}
export const noFans: FanLevelSource = { viewersAtLevel: async () => [], isFan: async () => false };

export interface PromotionsDeps {
  db: Kysely<DB>;
  /** PostgreSQL serialises exclusive-promotion writes with an advisory lock (SQLite's one writer does by itself). */
  dialect?: 'sqlite' | 'postgres';
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  catalog: CatalogService;
  sessions: SessionsService;
  viewers: ViewersService;
  points: PointsLedger;
  pointsPolicy: PointsPolicy;
  flash?: FlashPriceSource;
  fans?: FanLevelSource;
  /** How long a session's active promotions are kept in memory (writes on this node clear it at once). */
  cacheMs?: number;
  /** Tells the other nodes of a site to drop their cached promotions after a write (else they see it within cacheMs). */
  bus?: Bus;
}

const CHANGED_TOPIC = 'promotions.changed';

export const MAX_QUOTE_LINES = 50;
export const MAX_LINE_QUANTITY = 99;

type CreatePromotion = z.input<typeof createPromotionBody>;
type UpdatePromotion = z.input<typeof updatePromotionBody>;
type CreateTemplate = z.input<typeof createCouponTemplateBody>;
type UpdateTemplate = z.input<typeof updateCouponTemplateBody>;

/** Services are called by routes (already validated) and by flows and seeds (not): parse again, naming body fields. */
function parseBody<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  return (() => {
    throw validation(r.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message })));
  })();
}

interface ActiveSet {
  at: number;
  rows: PromotionsTable[];
  liveStartMs: number | null;
  brandId: string | null;
}

const STACKING_RULES = [
  { en: 'Each line gets at most one item-level price (time-limited price, item discount or flash sale): the lowest; ties go to the higher priority.', 'zh-CN': '每件商品最多享受一个单品级价格（限时价、单品折扣或秒杀）：取最低价，价格相同取优先级高者。' },
  { en: '满减, store coupons and platform coupons are judged in parallel on the activity prices; at most one of each kind per order.', 'zh-CN': '满减、店铺券、平台券按活动价平行计算门槛；每种每单最多一个。' },
  { en: 'An exclusive offer combines with no other order-level offer; two exclusive promotions cannot overlap in time on the same items.', 'zh-CN': '互斥优惠不与其他订单级优惠同享；同一商品上的两个互斥活动时间不能重叠。' },
  { en: 'A coupon can refuse to stack with 满减 or with other coupons. Among legal combinations the cheapest for the buyer wins; ties: higher total priority.', 'zh-CN': '优惠券可设置不与满减或其他券叠加。在合法组合中取买家最省的；相同则取优先级总和高者。' },
  { en: 'Points come last, within the cap per order. Gifts change no price.', 'zh-CN': '积分最后抵扣，有每单上限。赠品不改变价格。' },
];

const iso = (ms: number): string => new Date(ms).toISOString();

export class PromotionsService {
  private readonly store: PromotionsStore;
  private flash: FlashPriceSource;
  private fans: FanLevelSource;
  private readonly active = new Map<string, Promise<ActiveSet>>();
  private readonly cacheMs: number;

  constructor(private readonly deps: PromotionsDeps) {
    this.store = new PromotionsStore(deps.db);
    this.flash = deps.flash ?? noFlashSales;
    this.fans = deps.fans ?? noFans;
    this.cacheMs = deps.cacheMs ?? 1000;
    deps.bus?.subscribe(CHANGED_TOPIC, () => { this.active.clear(); }).catch(() => undefined);
    // Going live sets the anchor of relative windows ("first 30 minutes"): forget the cached set.
    deps.sessions.onTransition((sessionId) => { this.active.delete(sessionId); });
  }

  get points(): PointsLedger {
    return this.deps.points;
  }
  /** The flash-sales module plugs its open sales in here (boot order: promotions first). */
  setFlashSource(source: FlashPriceSource): void {
    this.flash = source;
  }
  setFanSource(source: FanLevelSource): void {
    this.fans = source;
  }

  private nowIso(): string {
    return this.deps.clock.now().toISOString();
  }
  private invalidate(): void {
    this.active.clear();
    this.deps.bus?.publish(CHANGED_TOPIC, '1').catch(() => undefined);
  }

  // ======================= promotions =======================

  kinds(ctx: Ctx) {
    requirePermission(ctx.actor, 'promotions:read');
    return { items: kindsForConsole(), stacking: STACKING_RULES };
  }

  async listPromotions(ctx: Ctx, q: { sessionId?: string | undefined; status?: PromotionStatus | undefined }): Promise<PromotionDto[]> {
    requirePermission(ctx.actor, 'promotions:read');
    let brandId: string | null | undefined;
    if (q.sessionId) brandId = (await this.sessionFacts(q.sessionId, 'query.sessionId')).brandId;
    const rows = await this.store.listPromotions({ sessionId: q.sessionId, brandId, status: q.status });
    return this.toDtos(rows);
  }

  async getPromotion(ctx: Ctx, id: string): Promise<PromotionDto> {
    requirePermission(ctx.actor, 'promotions:read');
    const row = await this.store.findPromotion(id);
    if (!row) throw notFound('Promotion');
    return (await this.toDtos([row]))[0]!;
  }

  private async one(id: string): Promise<PromotionDto> {
    const row = await this.store.findPromotion(id);
    if (!row) throw notFound('Promotion');
    return (await this.toDtos([row]))[0]!;
  }

  private async toDtos(rows: PromotionsTable[]): Promise<PromotionDto[]> {
    const sessionIds = [...new Set(rows.map((r) => r.session_id).filter((x): x is string => x !== null))];
    const titles = await this.deps.sessions.titles(sessionIds);
    const lives = new Map<string, number | null>();
    for (const sid of sessionIds) {
      const t = await this.deps.sessions.liveTimes(sid).catch(() => null);
      lives.set(sid, t?.wentLiveAt ? Date.parse(t.wentLiveAt) : null);
    }
    return rows.map((r) => {
      const window = JSON.parse(r.window_json) as StoredWindow;
      const resolved = resolveWindow(window, r.session_id ? (lives.get(r.session_id) ?? null) : null);
      return {
        id: r.id,
        name: r.name,
        kind: r.kind as PromotionKind,
        status: r.status,
        sessionId: r.session_id,
        sessionTitle: r.session_id ? (titles.get(r.session_id) ?? null) : null,
        brandId: r.brand_id,
        window,
        resolvedWindow: resolved ? { from: iso(resolved.from), to: iso(resolved.to) } : null,
        scope: JSON.parse(r.scope_json) as Scope,
        priority: r.priority,
        exclusive: r.exclusive === 1,
        args: JSON.parse(r.args_json) as Record<string, unknown>,
        isDemo: r.is_demo === 1,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      };
    });
  }

  private async sessionFacts(sessionId: string, path: string) {
    try {
      return await this.deps.sessions.liveTimes(sessionId);
    } catch (e) {
      if (e instanceof AppError && e.kind === 'not_found') throw invalid(path, 'unknown session');
      throw e;
    }
  }

  /**
   * Checks a definition (args, stacking, gift stock, exclusive overlaps); throws 400/409 naming
   * the field. Runs before the write's transaction: it reads other modules through their
   * services, which on SQLite's single connection must not wait behind our transaction.
   */
  private async checkDefinition(
    d: { id: string; name: string; kind: PromotionKind; sessionId: string | null; brandId: string | null; window: StoredWindow; scope: Scope; priority: number; exclusive: boolean; args: Record<string, unknown> },
  ): Promise<Record<string, unknown>> {
    const parsed = parseKindArgs(d.kind, d.args);
    if (!parsed.ok) throw validation(parsed.issues.map((i) => ({ path: i.path ? `body.args.${i.path}` : 'body.args', message: i.message })));
    if (d.exclusive && !kindInfo[d.kind].canBeExclusive) throw invalid('body.exclusive', 'only order-level offers (满减) can be exclusive; item prices never stack anyway');
    const skuIds = d.scope.skuIds ?? [];
    const giftSku = d.kind === 'gift' ? String(parsed.value.giftSkuId) : null;
    const snaps = await this.deps.catalog.skuSnapshots(giftSku ? [...skuIds, giftSku] : skuIds);
    skuIds.forEach((s, i) => {
      if (!snaps.has(s)) throw invalid(`body.scope.skuIds.${i}`, 'unknown SKU');
    });
    if (giftSku) {
      const g = snaps.get(giftSku);
      if (!g) throw new AppError('validation', `body.args.giftSkuId: unknown SKU ${giftSku}`, { code: 'GIFT_SKU_UNKNOWN', issues: [{ path: 'body.args.giftSkuId', message: 'unknown SKU' }] });
      const qty = Number(parsed.value.quantity ?? 1);
      if (g.stock < qty) {
        throw new AppError('validation', `body.args.giftSkuId: the gift ${g.title} (${g.skuName}) is out of stock (${g.stock} left, ${qty} per order)`, {
          code: 'GIFT_OUT_OF_STOCK',
          issues: [{ path: 'body.args.giftSkuId', message: `out of stock (${g.stock} left)` }],
        });
      }
    }
    // The engine's own schemas are the last word on what it accepts.
    const engineCheck = validatePromotions(toDefinitions([{ row: { ...d, args: parsed.value }, window: { from: 0, to: 1 }, giftStock: 0 }]));
    if (!engineCheck.ok) throw validation(engineCheck.errors.map((e) => ({ path: 'body.args', message: `${e.path}: ${e.message}` })));

    return parsed.value;
  }

  /**
   * Two exclusive promotions may not overlap in time on the same items. Run inside the write's
   * transaction (it takes `lockExclusive` first): two writers that both checked before either
   * wrote would otherwise both pass.
   */
  private async checkExclusive(
    exec: Kysely<DB>,
    d: { id: string; name: string; sessionId: string | null; brandId: string | null; window: StoredWindow; scope: Scope; exclusive: boolean },
  ): Promise<void> {
    if (!d.exclusive) return;
    await this.lockExclusive(exec, d.brandId);
    const others = (await this.store.liveCandidates(exec, d.brandId)).filter(
      (o) => o.id !== d.id && (d.sessionId === null || o.session_id === null || o.session_id === d.sessionId),
    );
    const clashes: { id: string; name: string }[] = [];
    for (const o of others) {
      const anchorSession = d.sessionId ?? o.session_id;
      const facts = anchorSession ? await this.deps.sessions.liveTimes(anchorSession, exec).catch(() => null) : null;
      const anchor = facts?.wentLiveAt ?? facts?.scheduledStart ?? null;
      const hit = exclusiveClashes(
        { id: d.id, name: d.name, window: d.window, scope: d.scope },
        [{ id: o.id, name: o.name, window: JSON.parse(o.window_json) as StoredWindow, scope: JSON.parse(o.scope_json) as Scope }],
        anchor ? Date.parse(anchor) : null,
      );
      clashes.push(...hit);
    }
    if (clashes.length > 0) {
      const names = clashes.map((c) => `"${c.name}" (${c.id})`).join(', ');
      throw new AppError('conflict', `"${d.name}" and ${names} are both exclusive and their windows overlap on the same items; change one window or make one non-exclusive`, {
        code: 'EXCLUSIVE_OVERLAP',
        issues: [{ path: 'body.window', message: `overlaps exclusive ${names}` }],
      });
    }
  }

  /**
   * Serialises the writes of a brand's exclusive promotions. PostgreSQL: a transaction-scoped
   * advisory lock (several nodes, several connections). SQLite: its one writing connection runs
   * one transaction at a time already.
   */
  private async lockExclusive(trx: Kysely<DB>, brandId: string | null): Promise<void> {
    if (this.deps.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtext(${`onair:promotions:exclusive:${brandId ?? ''}`}))`.execute(trx);
  }

  async createPromotion(ctx: Ctx, input: CreatePromotion, opts: { isDemo?: boolean } = {}): Promise<PromotionDto> {
    requirePermission(ctx.actor, 'promotions:write');
    const body = parseBody(createPromotionBody, input);
    const brandId = body.sessionId ? (await this.sessionFacts(body.sessionId, 'body.sessionId')).brandId : await this.deps.catalog.defaultBrandId();
    const id = this.deps.ids();
    const now = this.nowIso();
    const window = storedWindow(body.window);
    const args = await this.checkDefinition({ id, name: body.name, kind: body.kind, sessionId: body.sessionId, brandId, window, scope: body.scope, priority: body.priority, exclusive: body.exclusive, args: body.args });
    await this.deps.db.transaction().execute(async (trx) => {
      await this.checkExclusive(trx, { id, name: body.name, sessionId: body.sessionId, brandId, window, scope: body.scope, exclusive: body.exclusive });
      const row: PromotionsTable = {
        id,
        brand_id: brandId,
        session_id: body.sessionId,
        name: body.name,
        kind: body.kind,
        status: body.status,
        window_json: JSON.stringify(window),
        scope_json: JSON.stringify(body.scope),
        args_json: JSON.stringify(args),
        priority: body.priority,
        exclusive: body.exclusive ? 1 : 0,
        is_demo: opts.isDemo ? 1 : 0,
        created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
        created_at: now,
        updated_at: now,
      };
      await this.store.insertPromotion(trx, row);
      await this.deps.audit.record(ctx, { action: 'promotion.created', targetType: 'promotion', targetId: id, after: auditView(row) }, trx);
    });
    this.invalidate();
    return this.one(id);
  }

  async updatePromotion(ctx: Ctx, id: string, input: UpdatePromotion): Promise<PromotionDto> {
    requirePermission(ctx.actor, 'promotions:write');
    const patch = parseBody(updatePromotionBody, input);
    const ended = () => new AppError('conflict', 'This promotion has ended and can no longer be edited; create a new one', { code: 'PROMOTION_ENDED' });
    const row = await this.store.findPromotion(id);
    if (!row) throw notFound('Promotion');
    if (row.status === 'ended') throw ended();
    const next = {
      id,
      name: patch.name ?? row.name,
      kind: row.kind as PromotionKind,
      sessionId: row.session_id,
      brandId: row.brand_id,
      window: patch.window ? storedWindow(patch.window) : (JSON.parse(row.window_json) as StoredWindow),
      scope: patch.scope ?? (JSON.parse(row.scope_json) as Scope),
      priority: patch.priority ?? row.priority,
      exclusive: patch.exclusive ?? row.exclusive === 1,
      args: patch.args ?? (JSON.parse(row.args_json) as Record<string, unknown>),
    };
    const args = await this.checkDefinition(next);
    await this.deps.db.transaction().execute(async (trx) => {
      await this.checkExclusive(trx, next);
      const current = await this.store.findPromotion(id, trx);
      if (!current) throw notFound('Promotion');
      if (current.status === 'ended') throw ended();
      const changes: Partial<PromotionsTable> = {
        name: next.name,
        window_json: JSON.stringify(next.window),
        scope_json: JSON.stringify(next.scope),
        args_json: JSON.stringify(args),
        priority: next.priority,
        exclusive: next.exclusive ? 1 : 0,
        updated_at: this.nowIso(),
      };
      await this.store.updatePromotion(trx, id, changes);
      await this.deps.audit.record(ctx, { action: 'promotion.updated', targetType: 'promotion', targetId: id, before: auditView(row), after: auditView({ ...row, ...changes }) }, trx);
    });
    this.invalidate();
    return this.one(id);
  }

  /** draft -> active <-> paused; any -> ended (final). The same status again changes nothing. */
  async setPromotionStatus(ctx: Ctx, id: string, status: 'active' | 'paused' | 'ended'): Promise<PromotionDto> {
    requirePermission(ctx.actor, 'promotions:write');
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.findPromotion(id, trx);
      if (!row) throw notFound('Promotion');
      if (row.status === status) return;
      if (row.status === 'ended') throw new AppError('conflict', 'This promotion has ended; create a new one', { code: 'PROMOTION_ENDED' });
      if (status === 'paused' && row.status !== 'active') throw new AppError('conflict', 'Only an active promotion can be paused', { code: 'INVALID_TRANSITION' });
      await this.store.updatePromotion(trx, id, { status, updated_at: this.nowIso() });
      await this.deps.audit.record(ctx, { action: `promotion.${status}`, targetType: 'promotion', targetId: id, before: { status: row.status }, after: { status } }, trx);
    });
    this.invalidate();
    return this.one(id);
  }

  // ======================= coupons =======================

  /** A coupon template's name (prize labels of draws and quizzes); null when there is none. */
  async templateName(id: string): Promise<string | null> {
    return (await this.store.findTemplate(id))?.name ?? null;
  }

  async listTemplates(ctx: Ctx): Promise<CouponTemplateDto[]> {
    requirePermission(ctx.actor, 'promotions:read');
    const rows = await this.store.listTemplates();
    const used = await this.store.usedCounts(rows.map((r) => r.id));
    return rows.map((r) => templateDto(r, used.get(r.id) ?? 0));
  }

  async createTemplate(ctx: Ctx, input: CreateTemplate, opts: { isDemo?: boolean } = {}): Promise<CouponTemplateDto> {
    requirePermission(ctx.actor, 'promotions:write');
    const b = parseBody(createCouponTemplateBody, input);
    const issues: FieldIssue[] = [];
    if (b.discountType === 'fixed') {
      if (b.offFen === undefined || b.offFen <= 0) issues.push({ path: 'body.offFen', message: 'a fixed coupon needs an amount above 0' });
      if (b.percentOff !== undefined) issues.push({ path: 'body.percentOff', message: 'only for percent coupons' });
      if (b.maxOffFen !== undefined) issues.push({ path: 'body.maxOffFen', message: 'only for percent coupons' });
    } else {
      if (b.percentOff === undefined) issues.push({ path: 'body.percentOff', message: 'a percent coupon needs a percentage' });
      if (b.offFen !== undefined) issues.push({ path: 'body.offFen', message: 'only for fixed coupons' });
    }
    if (Date.parse(b.validFrom) >= Date.parse(b.validTo)) issues.push({ path: 'body.validTo', message: 'must be after validFrom' });
    if (issues.length > 0) throw validation(issues);
    const skuIds = b.scope.skuIds ?? [];
    const snaps = await this.deps.catalog.skuSnapshots(skuIds);
    skuIds.forEach((s, i) => {
      if (!snaps.has(s)) throw invalid(`body.scope.skuIds.${i}`, 'unknown SKU');
    });
    const now = this.nowIso();
    const row: CouponTemplatesTable = {
      id: this.deps.ids(),
      brand_id: b.issuer === 'platform' ? null : await this.deps.catalog.defaultBrandId(),
      name: b.name,
      issuer: b.issuer,
      discount_type: b.discountType,
      off_fen: b.offFen ?? null,
      percent_off: b.percentOff ?? null,
      max_off_fen: b.maxOffFen ?? null,
      threshold_fen: b.thresholdFen,
      valid_from: new Date(b.validFrom).toISOString(),
      valid_to: new Date(b.validTo).toISOString(),
      total_quantity: b.totalQuantity,
      issued_count: 0,
      per_viewer_limit: b.perViewerLimit,
      fans_only: b.fansOnly ? 1 : 0,
      stack_with_threshold: b.stackWithThreshold ? 1 : 0,
      stack_with_coupons: b.stackWithCoupons ? 1 : 0,
      exclusive: b.exclusive ? 1 : 0,
      priority: b.priority,
      scope_json: JSON.stringify(b.scope),
      status: 'active',
      is_demo: opts.isDemo ? 1 : 0,
      created_by: ctx.actor.kind === 'team' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await this.store.insertTemplate(trx, row);
      await this.deps.audit.record(ctx, { action: 'coupon_template.created', targetType: 'coupon_template', targetId: row.id, after: { ...row } }, trx);
    });
    return templateDto(row, 0);
  }

  /**
   * Edits a template's name, end, quantities and stacking. The total cannot go below the
   * coupons already issued, and the change is a conditional UPDATE, so a concurrent issue
   * cannot slip past it. Coupons already issued follow the template (they are priced from it).
   */
  async updateTemplate(ctx: Ctx, id: string, input: UpdateTemplate): Promise<CouponTemplateDto> {
    requirePermission(ctx.actor, 'promotions:write');
    const b = parseBody(updateCouponTemplateBody, input);
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.findTemplate(id, trx);
      if (!row) throw notFound('Coupon template');
      const validTo = b.validTo !== undefined ? new Date(b.validTo).toISOString() : row.valid_to;
      if (validTo <= row.valid_from) throw invalid('body.validTo', 'must be after validFrom');
      const changes: Partial<CouponTemplatesTable> = {
        ...(b.name !== undefined ? { name: b.name } : {}),
        valid_to: validTo,
        ...(b.totalQuantity !== undefined ? { total_quantity: b.totalQuantity } : {}),
        ...(b.perViewerLimit !== undefined ? { per_viewer_limit: b.perViewerLimit } : {}),
        ...(b.stackWithThreshold !== undefined ? { stack_with_threshold: b.stackWithThreshold ? 1 : 0 } : {}),
        ...(b.stackWithCoupons !== undefined ? { stack_with_coupons: b.stackWithCoupons ? 1 : 0 } : {}),
        ...(b.exclusive !== undefined ? { exclusive: b.exclusive ? 1 : 0 } : {}),
        ...(b.priority !== undefined ? { priority: b.priority } : {}),
        updated_at: this.nowIso(),
      };
      if (!(await this.store.updateTemplateIf(trx, id, changes, b.totalQuantity))) {
        throw new AppError('validation', `body.totalQuantity: ${row.issued_count} coupons are already issued`, {
          code: 'VALIDATION',
          issues: [{ path: 'body.totalQuantity', message: `at least ${row.issued_count} (already issued)` }],
        });
      }
      await this.deps.audit.record(ctx, { action: 'coupon_template.updated', targetType: 'coupon_template', targetId: id, before: { ...row }, after: { ...row, ...changes } }, trx);
    });
    const row = (await this.store.findTemplate(id))!;
    return templateDto(row, (await this.store.usedCounts([id])).get(id) ?? 0);
  }

  async setTemplateStatus(ctx: Ctx, id: string, status: 'active' | 'paused'): Promise<CouponTemplateDto> {
    requirePermission(ctx.actor, 'promotions:write');
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.store.findTemplate(id, trx);
      if (!row) throw notFound('Coupon template');
      if (row.status === status) return;
      await this.store.setTemplateStatus(trx, id, status, this.nowIso());
      await this.deps.audit.record(ctx, { action: `coupon_template.${status}`, targetType: 'coupon_template', targetId: id, before: { status: row.status }, after: { status } }, trx);
    });
    const row = (await this.store.findTemplate(id))!;
    return templateDto(row, (await this.store.usedCounts([id])).get(id) ?? 0);
  }

  /** By hand, to viewer ids and/or nicknames. Each call issues new coupons (within the per-viewer limit). */
  async issueByHand(ctx: Ctx, templateId: string, to: { viewerIds?: readonly string[]; nicknames?: readonly string[] }): Promise<IssueResult> {
    requirePermission(ctx.actor, 'promotions:write');
    const found = await this.deps.viewers.findViewers({ ids: to.viewerIds ?? [], nicknames: to.nicknames ?? [] });
    const byId = new Set(found.map((v) => v.id));
    const byNick = new Set(found.map((v) => v.nickname.normalize('NFKC').trim().toLowerCase()));
    // An entry may be given as both an id and a nickname (the console sends both): unknown only if neither matched.
    const known = (x: string) => byId.has(x) || byNick.has(x.normalize('NFKC').trim().toLowerCase());
    const unknown = [...new Set([...(to.viewerIds ?? []), ...(to.nicknames ?? [])].filter((x) => !known(x)))];
    return this.issue(ctx, templateId, found, 'hand', () => `hand:${this.deps.ids()}`, unknown);
  }

  /**
   * To the winners of a draw (the interactive-tools module calls this). Idempotent per draw:
   * calling it again with the same drawId issues nothing new to the same winners.
   */
  async issueToWinners(ctx: Ctx, templateId: string, viewerIds: readonly string[], drawId: string): Promise<IssueResult> {
    requirePermission(ctx.actor, 'promotions:write');
    const found = await this.deps.viewers.findViewers({ ids: viewerIds });
    const known = new Set(found.map((v) => v.id));
    return this.issue(ctx, templateId, found, 'draw', () => `draw:${drawId}`, viewerIds.filter((v) => !known.has(v)));
  }

  /** To every viewer at or above a fan level (FanLevelSource: nobody until the fans module lands). One per viewer per template. */
  async issueByFanLevel(ctx: Ctx, templateId: string, minLevel: number): Promise<IssueResult> {
    requirePermission(ctx.actor, 'promotions:write');
    const template = await this.store.findTemplate(templateId);
    if (!template) throw notFound('Coupon template');
    const ids = await this.fans.viewersAtLevel(template.brand_id, minLevel);
    const found = await this.deps.viewers.findViewers({ ids });
    return this.issue(ctx, templateId, found, 'fan-level', () => `fans:${templateId}`, []);
  }

  private async issue(
    ctx: Ctx,
    templateId: string,
    viewers: readonly { id: string; nickname: string }[],
    source: 'hand' | 'draw' | 'fan-level' | 'demo',
    issueKey: (viewerId: string) => string,
    unknown: readonly string[],
  ): Promise<IssueResult> {
    const result: IssueResult = { issued: 0, couponIds: [], skipped: unknown.map((viewer) => ({ viewer, reason: 'UNKNOWN_VIEWER' as const })) };
    await this.deps.db.transaction().execute(async (trx) => {
      const t = await this.store.findTemplate(templateId, trx);
      if (!t) throw notFound('Coupon template');
      const now = this.nowIso();
      if (t.status !== 'active') throw new AppError('conflict', 'This coupon template is paused; activate it before issuing', { code: 'TEMPLATE_PAUSED' });
      if (now >= t.valid_to) throw new AppError('conflict', `This coupon template expired at ${t.valid_to}; nothing was issued`, { code: 'TEMPLATE_EXPIRED' });
      for (const v of viewers) {
        const id = this.deps.ids();
        // Three guarded steps; a failed later step undoes the earlier ones inside this transaction.
        if (!(await this.store.insertCoupon(trx, { id, template_id: t.id, viewer_id: v.id, status: 'issued', order_id: null, source, issue_key: issueKey(v.id), issued_by: ctx.actor.kind === 'team' ? ctx.actor.id : null, issued_at: now, updated_at: now }))) {
          result.skipped.push({ viewer: v.nickname, reason: 'ALREADY_ISSUED' });
          continue;
        }
        if (!(await this.store.takeTemplateUnit(trx, t.id, now))) {
          await trx.deleteFrom('coupons').where('id', '=', id).execute();
          result.skipped.push({ viewer: v.nickname, reason: 'SOLD_OUT' });
          continue;
        }
        if (!(await this.store.takeViewerSlot(trx, t.id, v.id, t.per_viewer_limit))) {
          await trx.deleteFrom('coupons').where('id', '=', id).execute();
          await trx.updateTable('coupon_templates').set((eb) => ({ issued_count: eb('issued_count', '-', 1) })).where('id', '=', t.id).execute();
          result.skipped.push({ viewer: v.nickname, reason: 'LIMIT_REACHED' });
          continue;
        }
        result.issued += 1;
        result.couponIds.push(id);
      }
      if (result.issued > 0) {
        await this.deps.audit.record(ctx, { action: 'coupon.issued', targetType: 'coupon_template', targetId: t.id, after: { source, issued: result.issued, couponIds: result.couponIds } }, trx);
      }
    });
    return result;
  }

  /** Console: coupons by viewer (id or nickname) and/or template. */
  async searchCoupons(ctx: Ctx, q: { viewer?: string | undefined; templateId?: string | undefined; limit: number }): Promise<WalletCoupon[]> {
    requirePermission(ctx.actor, 'promotions:read');
    let viewerIds: string[] | undefined;
    if (q.viewer) viewerIds = (await this.deps.viewers.findViewers({ ids: [q.viewer], nicknames: [q.viewer] })).map((v) => v.id);
    const rows = await this.store.walletRows({ viewerIds, templateId: q.templateId, limit: q.limit });
    const names = new Map((await this.deps.viewers.findViewers({ ids: rows.map((r) => r.viewer_id) })).map((v) => [v.id, v.nickname]));
    return rows.map((r) => walletDto(r, this.nowIso(), names.get(r.viewer_id) ?? null));
  }

  /** The signed-in viewer's own wallet and points. */
  async wallet(ctx: Ctx): Promise<{ coupons: WalletCoupon[]; points: number }> {
    if (ctx.actor.kind !== 'viewer') throw new AppError('unauthenticated', 'Sign in as a viewer first', { code: 'UNAUTHENTICATED' });
    const rows = await this.store.walletRows({ viewerIds: [ctx.actor.id], limit: 200 });
    const nick = ctx.actor.nickname;
    return { coupons: rows.map((r) => walletDto(r, this.nowIso(), nick)), points: await this.deps.points.balance(ctx.actor.id) };
  }

  // ---------- for the checkout flow (inside the order's transaction) ----------

  /**
   * Reserves the buyer's coupons for an order: each must be the buyer's, issued (not reserved
   * or used), its template active and inside its validity window now. All or nothing: on false
   * nothing is reserved. Again with the same order id: true (already reserved for it).
   */
  async reserveCoupons(trx: Kysely<DB>, viewerId: string, couponIds: readonly string[], orderId: string): Promise<boolean> {
    const ids = [...new Set(couponIds)];
    if (ids.length === 0) return true;
    const now = this.nowIso();
    const already = await this.store.countReservedFor(trx, ids, orderId);
    if (already === ids.length) return true;
    const took = await this.store.reserve(trx, viewerId, ids, orderId, now);
    if (took + already === ids.length) return true;
    await this.store.unreserve(trx, ids, orderId, now);
    return false;
  }

  /**
   * Why each of these coupons cannot be used now (empty: all usable): for a checkout whose
   * `reserveCoupons` returned false, to tell the buyer which coupon and why (expired, used...).
   */
  async couponProblems(viewerId: string, couponIds: readonly string[]): Promise<{ couponId: string; code: CouponProblemCode; message: string }[]> {
    const rows = await this.store.walletRows({ viewerIds: [viewerId], limit: 500 });
    const nowIso = this.nowIso();
    return couponIds.flatMap((id) => {
      const p = couponProblem(id, rows.find((r) => r.id === id), nowIso);
      return p ? [{ couponId: id, ...p }] : [];
    });
  }

  /**
   * The order was cancelled (unpaid, expired, or paid and refunded in full): its coupons go back to the
   * wallet (expired ones show as expired). A partial return keeps them used.
   */
  async releaseCoupons(trx: Kysely<DB>, orderId: string): Promise<void> {
    await this.store.releaseOrder(trx, orderId, this.nowIso());
  }

  /** The order was paid: its reserved coupons are used for good. */
  async consumeCoupons(trx: Kysely<DB>, orderId: string): Promise<void> {
    await this.store.consumeOrder(trx, orderId, this.nowIso());
  }

  // ======================= quote =======================

  private activeFor(sessionId: string): Promise<ActiveSet> {
    const now = this.deps.clock.now().getTime();
    const cached = this.active.get(sessionId);
    if (cached) {
      return cached.then((c) => (now - c.at < this.cacheMs && now >= c.at ? c : this.loadActive(sessionId, now)));
    }
    return this.loadActive(sessionId, now);
  }

  private loadActive(sessionId: string, now: number): Promise<ActiveSet> {
    const p = (async () => {
      const facts = await this.deps.sessions.liveTimes(sessionId);
      const rows = await this.store.listPromotions({ sessionId, brandId: facts.brandId, status: 'active' });
      return { at: now, rows, liveStartMs: facts.wentLiveAt ? Date.parse(facts.wentLiveAt) : null, brandId: facts.brandId };
    })();
    this.active.set(sessionId, p);
    p.catch(() => this.active.delete(sessionId));
    return p;
  }

  /**
   * Prices a cart exactly as the order will be charged: the session's active promotions
   * (relative windows resolved from its live start), open flash sales (for lines bought from
   * their card), the buyer's usable coupons and points. Unknown SKUs and bad quantities are a
   * 400 naming body.lines.N.field; a chosen coupon that is expired or used is a 400 naming it.
   */
  async quote(_ctx: Ctx, req: QuoteRequest): Promise<CartQuote> {
    const nowMs = this.deps.clock.now().getTime();
    if (req.lines.length === 0 || req.lines.length > MAX_QUOTE_LINES) throw invalid('body.lines', `expected 1 to ${MAX_QUOTE_LINES} lines`);
    req.lines.forEach((l, i) => {
      if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_LINE_QUANTITY) throw invalid(`body.lines.${i}.quantity`, `expected a whole number from 1 to ${MAX_LINE_QUANTITY}`);
    });
    const set: ActiveSet = req.sessionId ? await this.activeFor(req.sessionId) : { at: nowMs, rows: [], liveStartMs: null, brandId: null };
    const giftSkus = set.rows.filter((r) => r.kind === 'gift').map((r) => String((JSON.parse(r.args_json) as { giftSkuId: string }).giftSkuId));
    const snaps = await this.deps.catalog.skuSnapshots([...req.lines.map((l) => l.skuId), ...giftSkus]);
    const lines: CartLine[] = req.lines.map((l, i) => {
      const s = snaps.get(l.skuId);
      if (!s) throw new AppError('validation', `body.lines.${i}.skuId: unknown SKU ${l.skuId}`, { code: 'UNKNOWN_SKU', issues: [{ path: `body.lines.${i}.skuId`, message: 'unknown SKU' }] });
      if (s.archived) throw new AppError('validation', `body.lines.${i}.skuId: ${s.title} is no longer on sale`, { code: 'NOT_ON_SALE', issues: [{ path: `body.lines.${i}.skuId`, message: 'no longer on sale' }] });
      return { lineId: `line-${i + 1}`, skuId: s.skuId, productId: s.productId, unitPriceFen: s.priceFen, quantity: l.quantity, tags: [...s.tags, ...(l.flashSaleId ? [flashTag(l.flashSaleId)] : [])] };
    });

    const names: Record<string, string> = { points: 'Points' };
    const rejectedExtra: Rejection[] = [];
    const resolved: { row: DefinitionRow; window: { from: number; to: number }; giftStock: number }[] = [];
    for (const r of set.rows) {
      names[r.id] = r.name;
      const w = resolveWindow(JSON.parse(r.window_json) as StoredWindow, set.liveStartMs);
      if (!w) {
        rejectedExtra.push({ source: r.id, reason: `${r.id}: counts from going live; the session has not gone live yet`, code: 'order.not-started', params: { source: r.id } });
        continue;
      }
      const args = JSON.parse(r.args_json) as Record<string, unknown>;
      const giftStock = r.kind === 'gift' ? (snaps.get(String(args.giftSkuId))?.stock ?? 0) : 0;
      resolved.push({ row: { id: r.id, kind: r.kind as PromotionKind, scope: JSON.parse(r.scope_json) as Scope, priority: r.priority, exclusive: r.exclusive === 1, args }, window: w, giftStock });
    }
    const defs = toDefinitions(resolved);

    // Flash sales: only lines bought from a sale's card get its price (their units come from its pool).
    const flashByPromo: Record<string, string> = {};
    let purchasedQty: Record<string, number> = {};
    const wanted = new Set(req.lines.flatMap((l) => (l.flashSaleId ? [l.flashSaleId] : [])));
    if (req.sessionId && wanted.size > 0) {
      const reservationIds = req.lines.flatMap((l) => (l.flashSaleId && l.reservationId ? [l.reservationId] : []));
      const f = await this.flash.flashPromotions(req.sessionId, lines.map((l) => l.skuId), req.buyerId, nowMs, reservationIds);
      purchasedQty = f.purchasedQty;
      const open = new Set<string>();
      for (const p of f.promotions) {
        const saleId = f.flashSaleIdByPromotionId[p.id];
        if (!saleId || !wanted.has(saleId)) continue;
        open.add(saleId);
        flashByPromo[p.id] = saleId;
        names[p.id] = 'Flash sale';
        defs.item.push({ ...p, scope: { tags: [flashTag(saleId)] } });
      }
      for (const w of wanted) if (!open.has(w)) rejectedExtra.push({ source: w, reason: `${w}: this flash sale is not open now; the regular price applies`, code: 'flash.not-open', params: { source: w } });
    }

    // Coupons: the buyer's usable ones (one per template: the one that expires first), or exactly the chosen ones.
    let isFan = false;
    if (req.buyerId) {
      const rows = await this.store.walletRows({ viewerIds: [req.buyerId], limit: 500 });
      const nowIso = iso(nowMs);
      let usable: WalletRow[];
      if (req.couponIds) {
        usable = req.couponIds.map((cid, i) => {
          const r = rows.find((x) => x.id === cid);
          const problem = couponProblem(cid, r, nowIso);
          if (problem) {
            const path = `body.couponIds.${i}`;
            throw new AppError('validation', `${path}: ${problem.message}`, { code: problem.code, issues: [{ path, message: problem.message }] });
          }
          return r!;
        });
      } else {
        const best = new Map<string, WalletRow>();
        for (const r of rows) {
          if (r.status !== 'issued' || r.template_status !== 'active' || nowIso < r.valid_from || nowIso >= r.valid_to) continue;
          const prev = best.get(r.template_id);
          if (!prev || r.valid_to < prev.valid_to) best.set(r.template_id, r);
        }
        usable = [...best.values()];
      }
      usable = usable.filter((r) => r.brand_id === null || set.brandId === null || r.brand_id === set.brandId);
      for (const r of usable) {
        names[r.id] = r.name;
        defs.order.push(couponDefinition(r));
      }
      if (usable.some((r) => r.fans_only === 1)) isFan = await this.fans.isFan(req.buyerId, set.brandId);
    }

    const points = req.buyerId && req.usePoints ? await this.deps.points.balance(req.buyerId) : 0;
    const pricing = price({
      lines,
      buyer: { id: req.buyerId ?? 'guest', purchasedQty, points, isFan },
      promotions: defs,
      nowMs,
      ...(points > 0 ? { points: this.deps.pointsPolicy } : {}),
    });
    pricing.rejected.push(...rejectedExtra);

    return {
      currency: 'CNY',
      lines: lines.map((l, i) => {
        const s = snaps.get(l.skuId) as SkuSnapshot;
        const pl = pricing.lines[i]!;
        const saleId = pl.itemSource ? (flashByPromo[pl.itemSource] ?? null) : null;
        return { lineId: l.lineId, skuId: l.skuId, productId: l.productId, title: s.title, skuName: s.skuName, image: s.image, unitPriceFen: l.unitPriceFen, quantity: l.quantity, flashSaleId: saleId, flashUnits: saleId ? pl.promotedUnits : 0 };
      }),
      pricing,
      couponIds: pricing.adjustments.filter((a) => a.kind === 'coupon').map((a) => a.source),
      pointsUsed: pricing.pointsUsed,
      gifts: pricing.gifts.map((g) => {
        const s = snaps.get(g.skuId);
        return { source: g.source, skuId: g.skuId, title: s ? `${s.title} · ${s.skuName}` : g.skuId, quantity: g.quantity };
      }),
      sourceNames: names,
      pricedAt: iso(nowMs),
    };
  }
}

// ---------- helpers ----------

export type CouponProblemCode = 'COUPON_UNKNOWN' | 'COUPON_USED' | 'COUPON_EXPIRED' | 'COUPON_NOT_YET_VALID' | 'COUPON_PAUSED';

/** Why a wallet coupon cannot be used now, or null. */
function couponProblem(id: string, r: WalletRow | undefined, nowIso: string): { code: CouponProblemCode; message: string } | null {
  if (!r) return { code: 'COUPON_UNKNOWN', message: `${id} is not a coupon in your wallet` };
  if (r.status !== 'issued') return { code: 'COUPON_USED', message: `"${r.name}" was already ${r.status === 'used' ? 'used' : 'reserved by another order'}` };
  if (nowIso >= r.valid_to) return { code: 'COUPON_EXPIRED', message: `"${r.name}" expired at ${r.valid_to}` };
  if (nowIso < r.valid_from) return { code: 'COUPON_NOT_YET_VALID', message: `"${r.name}" is valid from ${r.valid_from}` };
  if (r.template_status !== 'active') return { code: 'COUPON_PAUSED', message: `"${r.name}" is paused by the shop` };
  return null;
}

const flashTag = (saleId: string): string => `flash:${saleId}`;

interface DefinitionRow {
  id: string;
  kind: PromotionKind;
  scope: Scope;
  priority: number;
  exclusive: boolean;
  args: Record<string, unknown>;
}

/** Stored rows (windows already absolute) -> the engine's definitions. */
function toDefinitions(rows: readonly { row: DefinitionRow; window: { from: number; to: number }; giftStock: number }[]): { item: ItemPromotion[]; order: OrderPromotion[]; gifts: GiftPromotion[] } {
  const item: ItemPromotion[] = [];
  const order: OrderPromotion[] = [];
  const gifts: GiftPromotion[] = [];
  for (const { row, window, giftStock } of rows) {
    const base = { id: row.id, window, scope: row.scope, priority: row.priority };
    const a = row.args;
    switch (row.kind) {
      case 'time-limited-price':
        item.push({ ...base, kind: 'time-limited-price', priceFen: Number(a.priceFen) });
        break;
      case 'item-discount':
        item.push({ ...base, kind: 'item-discount', percentOff: Number(a.percentOff), ...(a.maxOffFenPerUnit !== undefined ? { maxOffFenPerUnit: Number(a.maxOffFenPerUnit) } : {}) });
        break;
      case 'threshold':
        order.push({
          ...base,
          kind: 'threshold',
          exclusive: row.exclusive,
          mode: a.mode as 'tiers' | 'repeating',
          tiers: a.tiers as { thresholdFen: number; offFen: number }[],
          ...(a.capFen !== undefined ? { capFen: Number(a.capFen) } : {}),
        });
        break;
      case 'gift':
        gifts.push({ ...base, kind: 'gift', giftSkuId: String(a.giftSkuId), quantity: Number(a.quantity ?? 1), thresholdFen: Number(a.thresholdFen ?? 0), giftStock });
        break;
    }
  }
  return { item, order, gifts };
}

function couponDefinition(r: WalletRow): OrderPromotion {
  return {
    id: r.id,
    kind: 'coupon',
    issuer: r.issuer,
    window: { from: Date.parse(r.valid_from), to: Date.parse(r.valid_to) },
    scope: JSON.parse(r.scope_json) as Scope,
    priority: r.priority,
    exclusive: r.exclusive === 1,
    discount:
      r.discount_type === 'fixed'
        ? { type: 'fixed', offFen: r.off_fen ?? 0 }
        : { type: 'percent', percentOff: r.percent_off ?? 1, ...(r.max_off_fen !== null ? { maxOffFen: r.max_off_fen } : {}) },
    thresholdFen: r.threshold_fen,
    fansOnly: r.fans_only === 1,
    stackable: { withThreshold: r.stack_with_threshold === 1, withOtherCoupons: r.stack_with_coupons === 1 },
  };
}

function storedWindow(w: { from?: string | undefined; to?: string | undefined; relative?: { fromMinutes: number; toMinutes: number } | undefined }): StoredWindow {
  if (w.relative) return { relative: { fromMinutes: w.relative.fromMinutes, toMinutes: w.relative.toMinutes } };
  return { from: new Date(w.from!).toISOString(), to: new Date(w.to!).toISOString() };
}

function validation(issues: FieldIssue[]): AppError {
  const first = issues[0];
  return new AppError('validation', first ? `${first.path}: ${first.message}` : 'invalid', { code: 'VALIDATION', issues });
}

function auditView(r: PromotionsTable) {
  return { name: r.name, kind: r.kind, status: r.status, sessionId: r.session_id, window: r.window_json, scope: r.scope_json, args: r.args_json, priority: r.priority, exclusive: r.exclusive === 1 };
}

function templateDto(r: CouponTemplatesTable, usedCount: number): CouponTemplateDto {
  return {
    id: r.id,
    name: r.name,
    issuer: r.issuer,
    discountType: r.discount_type,
    offFen: r.off_fen,
    percentOff: r.percent_off,
    maxOffFen: r.max_off_fen,
    thresholdFen: r.threshold_fen,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    totalQuantity: r.total_quantity,
    issuedCount: r.issued_count,
    usedCount,
    perViewerLimit: r.per_viewer_limit,
    fansOnly: r.fans_only === 1,
    stackWithThreshold: r.stack_with_threshold === 1,
    stackWithCoupons: r.stack_with_coupons === 1,
    exclusive: r.exclusive === 1,
    priority: r.priority,
    scope: JSON.parse(r.scope_json) as Scope,
    status: r.status,
    isDemo: r.is_demo === 1,
    createdAt: r.created_at,
  };
}

function walletDto(r: WalletRow, nowIso: string, nickname: string | null): WalletCoupon {
  return {
    id: r.id,
    templateId: r.template_id,
    name: r.name,
    issuer: r.issuer,
    discountType: r.discount_type,
    offFen: r.off_fen,
    percentOff: r.percent_off,
    maxOffFen: r.max_off_fen,
    thresholdFen: r.threshold_fen,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    fansOnly: r.fans_only === 1,
    status: r.status === 'issued' && nowIso >= r.valid_to ? 'expired' : r.status,
    viewerId: r.viewer_id,
    viewerNickname: nickname,
    orderId: r.order_id,
    source: r.source,
    issuedAt: r.issued_at,
  };
}
