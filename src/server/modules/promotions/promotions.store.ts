import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/db.types.js';
import type { CouponTemplatesTable, CouponsTable, PromotionsTable, PromotionStatus } from '../../platform/db/tables/promotions.tables.js';

/** The promotions module's tables only (architecture rule 3). */
export class PromotionsStore {
  constructor(private readonly db: Kysely<DB>) {}

  // ---------- promotions ----------
  findPromotion(id: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('promotions').selectAll().where('id', '=', id).executeTakeFirst();
  }
  listPromotions(q: { sessionId?: string | undefined; brandId?: string | null | undefined; status?: PromotionStatus | undefined }, exec: Kysely<DB> = this.db) {
    let s = exec.selectFrom('promotions').selectAll().orderBy('priority', 'desc').orderBy('created_at', 'asc');
    if (q.sessionId !== undefined) {
      const sid = q.sessionId;
      const brand = q.brandId ?? null;
      s = s.where((eb) => eb.or([eb('session_id', '=', sid), eb.and([eb('session_id', 'is', null), brand === null ? eb('brand_id', 'is', null) : eb('brand_id', '=', brand)])]));
    }
    if (q.status) s = s.where('status', '=', q.status);
    return s.execute();
  }
  /** Every promotion not ended that could clash with one of this owner (same session, or brand-wide of the brand). */
  async liveCandidates(exec: Kysely<DB>, brandId: string | null) {
    let s = exec.selectFrom('promotions').selectAll().where('status', '!=', 'ended').where('exclusive', '=', 1);
    s = brandId === null ? s.where('brand_id', 'is', null) : s.where('brand_id', '=', brandId);
    return s.execute();
  }
  async insertPromotion(exec: Kysely<DB>, row: PromotionsTable): Promise<void> {
    await exec.insertInto('promotions').values(row).execute();
  }
  async updatePromotion(exec: Kysely<DB>, id: string, patch: Partial<PromotionsTable>): Promise<void> {
    await exec.updateTable('promotions').set(patch).where('id', '=', id).execute();
  }

  // ---------- coupon templates ----------
  findTemplate(id: string, exec: Kysely<DB> = this.db) {
    return exec.selectFrom('coupon_templates').selectAll().where('id', '=', id).executeTakeFirst();
  }
  listTemplates() {
    return this.db.selectFrom('coupon_templates').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }
  async usedCounts(templateIds: string[]): Promise<Map<string, number>> {
    if (templateIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('coupons')
      .select((eb) => ['template_id', eb.fn.countAll<string | number>().as('n')])
      .where('template_id', 'in', templateIds)
      .where('status', '=', 'used')
      .groupBy('template_id')
      .execute();
    return new Map(rows.map((r) => [r.template_id, Number(r.n)]));
  }
  async insertTemplate(exec: Kysely<DB>, row: CouponTemplatesTable): Promise<void> {
    await exec.insertInto('coupon_templates').values(row).execute();
  }
  /** false when a new total would fall below the coupons already issued (checked in the UPDATE itself). */
  async updateTemplateIf(exec: Kysely<DB>, id: string, changes: Partial<CouponTemplatesTable>, newTotal: number | undefined): Promise<boolean> {
    let q = exec.updateTable('coupon_templates').set(changes).where('id', '=', id);
    if (newTotal !== undefined) q = q.where('issued_count', '<=', newTotal);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async setTemplateStatus(exec: Kysely<DB>, id: string, status: 'active' | 'paused', now: string): Promise<void> {
    await exec.updateTable('coupon_templates').set({ status, updated_at: now }).where('id', '=', id).execute();
  }

  // ---------- issuing: three guarded steps, in the caller's transaction ----------
  /** One more coupon of the template for this viewer, if under the per-viewer limit (conditional UPDATE). */
  async takeViewerSlot(exec: Kysely<DB>, templateId: string, viewerId: string, limit: number): Promise<boolean> {
    await exec
      .insertInto('coupon_holdings')
      .values({ template_id: templateId, viewer_id: viewerId, quantity: 0 })
      .onConflict((oc) => oc.columns(['template_id', 'viewer_id']).doNothing())
      .execute();
    const r = await exec
      .updateTable('coupon_holdings')
      .set((eb) => ({ quantity: eb('quantity', '+', 1) }))
      .where('template_id', '=', templateId)
      .where('viewer_id', '=', viewerId)
      .where('quantity', '<', limit)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** One more of the template's total, if any is left (conditional UPDATE: never above total_quantity). */
  async takeTemplateUnit(exec: Kysely<DB>, templateId: string, now: string): Promise<boolean> {
    const r = await exec
      .updateTable('coupon_templates')
      .set((eb) => ({ issued_count: eb('issued_count', '+', 1), updated_at: now }))
      .where('id', '=', templateId)
      .whereRef('issued_count', '<', 'total_quantity')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  /** false when this viewer already has a coupon of the template under this issue key (a draw issued twice). */
  async insertCoupon(exec: Kysely<DB>, row: CouponsTable): Promise<boolean> {
    const r = await exec
      .insertInto('coupons')
      .values(row)
      .onConflict((oc) => oc.columns(['template_id', 'viewer_id', 'issue_key']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  async hasIssueKey(exec: Kysely<DB>, templateId: string, viewerId: string, issueKey: string): Promise<boolean> {
    const r = await exec.selectFrom('coupons').select('id').where('template_id', '=', templateId).where('viewer_id', '=', viewerId).where('issue_key', '=', issueKey).executeTakeFirst();
    return r !== undefined;
  }

  // ---------- wallets ----------
  walletRows(q: { viewerIds?: string[] | undefined; templateId?: string | undefined; limit: number }, exec: Kysely<DB> = this.db) {
    let s = exec
      .selectFrom('coupons')
      .innerJoin('coupon_templates', 'coupon_templates.id', 'coupons.template_id')
      .selectAll('coupons')
      .select([
        'coupon_templates.name',
        'coupon_templates.brand_id',
        'coupon_templates.issuer',
        'coupon_templates.discount_type',
        'coupon_templates.off_fen',
        'coupon_templates.percent_off',
        'coupon_templates.max_off_fen',
        'coupon_templates.threshold_fen',
        'coupon_templates.valid_from',
        'coupon_templates.valid_to',
        'coupon_templates.fans_only',
        'coupon_templates.stack_with_threshold',
        'coupon_templates.stack_with_coupons',
        'coupon_templates.exclusive',
        'coupon_templates.priority',
        'coupon_templates.scope_json',
        'coupon_templates.status as template_status',
      ])
      .orderBy('coupons.issued_at', 'desc')
      .orderBy('coupons.id', 'desc')
      .limit(q.limit);
    if (q.viewerIds) s = q.viewerIds.length === 0 ? s.where('coupons.id', '=', '') : s.where('coupons.viewer_id', 'in', q.viewerIds);
    if (q.templateId) s = s.where('coupons.template_id', '=', q.templateId);
    return s.execute();
  }

  /** issued -> reserved for these coupons of this viewer, each only while inside its validity window. */
  async reserve(exec: Kysely<DB>, viewerId: string, couponIds: string[], orderId: string, nowIso: string): Promise<number> {
    if (couponIds.length === 0) return 0;
    const valid = exec.selectFrom('coupon_templates').select('id').where('valid_from', '<=', nowIso).where('valid_to', '>', nowIso).where('status', '=', 'active');
    const r = await exec
      .updateTable('coupons')
      .set({ status: 'reserved', order_id: orderId, updated_at: nowIso })
      .where('id', 'in', couponIds)
      .where('viewer_id', '=', viewerId)
      .where('status', '=', 'issued')
      .where('template_id', 'in', valid)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
  async countReservedFor(exec: Kysely<DB>, couponIds: string[], orderId: string): Promise<number> {
    if (couponIds.length === 0) return 0;
    const r = await exec
      .selectFrom('coupons')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('id', 'in', couponIds)
      .where('order_id', '=', orderId)
      .where('status', 'in', ['reserved', 'used'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
  async unreserve(exec: Kysely<DB>, couponIds: string[], orderId: string, nowIso: string): Promise<void> {
    if (couponIds.length === 0) return;
    await exec.updateTable('coupons').set({ status: 'issued', order_id: null, updated_at: nowIso }).where('id', 'in', couponIds).where('order_id', '=', orderId).where('status', '=', 'reserved').execute();
  }
  async releaseOrder(exec: Kysely<DB>, orderId: string, nowIso: string): Promise<number> {
    // 'used' too: a paid order cancelled with a full refund gives its coupons back (still bound by their validity window).
    const r = await exec
      .updateTable('coupons')
      .set({ status: 'issued', order_id: null, updated_at: nowIso })
      .where('order_id', '=', orderId)
      .where('status', 'in', ['reserved', 'used'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
  async consumeOrder(exec: Kysely<DB>, orderId: string, nowIso: string): Promise<number> {
    const r = await exec.updateTable('coupons').set({ status: 'used', updated_at: nowIso }).where('order_id', '=', orderId).where('status', '=', 'reserved').executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

export type WalletRow = Awaited<ReturnType<PromotionsStore['walletRows']>>[number];
