import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CartQuote, PricingResult } from '../../api/commerce-api';
import { formatFen } from '../../format/money-format';

type Adjustment = PricingResult['adjustments'][number];
type Rejected = PricingResult['rejected'][number];

/** A gift that was left out because its own stock ran out: the order still goes through. */
export function isGiftOutOfStock(r: Rejected): boolean {
  return /out of stock/i.test(r.reason) && /gift/i.test(r.reason);
}

/** Same source and reason once (an item offer is judged per line and may repeat). */
function distinctRejected(rejected: readonly Rejected[]): Rejected[] {
  const seen = new Set<string>();
  return rejected.filter((r) => {
    const k = `${r.source}\u0000${r.reason}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function useMoney(): (fen: number) => string {
  const { i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  return (fen: number) => formatFen(fen, lang);
}

export interface ExplainedLine {
  lineId: string;
  title: string;
  skuName: string;
  quantity: number;
  unitPriceFen: number;
  regularFen: number;
  activityFen: number;
  paidFen: number;
  notes: string[];
  flashUnits: number;
}

/** The quote's lines joined with the engine's priced lines. */
export function explainedLines(quote: CartQuote): ExplainedLine[] {
  return quote.lines.map((l) => {
    const p = quote.pricing.lines.find((x) => x.lineId === l.lineId);
    const regular = p?.regularFen ?? l.unitPriceFen * l.quantity;
    return {
      lineId: l.lineId,
      title: l.title,
      skuName: l.skuName,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      regularFen: regular,
      activityFen: p?.activityFen ?? regular,
      paidFen: p?.paidFen ?? regular,
      notes: p?.notes ?? [],
      flashUnits: l.flashUnits,
    };
  });
}

/** Every adjustment with its reason, the gifts, the candidates left out and why, and the total. */
export function PriceExplanation({
  pricing,
  gifts,
  couponCount,
  showLines = true,
  lines,
  testId = 'price-explanation',
}: {
  pricing: PricingResult;
  gifts: { title: string; quantity: number }[];
  couponCount: number;
  showLines?: boolean;
  lines?: ExplainedLine[];
  testId?: string;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  const [showWhy, setShowWhy] = useState(false);
  const regularTotal = pricing.lines.reduce((s, l) => s + l.regularFen, 0);
  const saved = regularTotal - pricing.totalFen;
  const giftsOut = pricing.rejected.filter(isGiftOutOfStock);
  const others = distinctRejected(pricing.rejected.filter((r) => !isGiftOutOfStock(r)));

  return (
    <div className="explain" data-testid={testId}>
      {showLines && lines && (
        <ul className="explain-lines">
          {lines.map((l) => (
            <li key={l.lineId} className="explain-line" data-testid="explain-line" data-line-id={l.lineId}>
              <div className="explain-line-head">
                <span className="explain-line-title">
                  {l.title} <span className="muted">· {l.skuName} × {l.quantity}</span>
                </span>
                <span className="explain-line-price">
                  {l.activityFen < l.regularFen && (
                    <s className="muted" data-testid="line-regular">
                      {money(l.regularFen)}
                    </s>
                  )}{' '}
                  <strong data-testid="line-activity" data-fen={l.activityFen}>
                    {money(l.activityFen)}
                  </strong>
                </span>
              </div>
              {l.notes.map((n, i) => (
                <p key={i} className="explain-note" data-testid="line-note">
                  {n}
                </p>
              ))}
            </li>
          ))}
        </ul>
      )}

      <dl className="explain-sums">
        <div>
          <dt>{t('orders.viewer.explain.regularTotal')}</dt>
          <dd data-testid="explain-regular" data-fen={regularTotal}>
            {money(regularTotal)}
          </dd>
        </div>
        {pricing.adjustments.map((a: Adjustment, i) => (
          <div key={`${a.source}-${i}`} className="explain-adjustment" data-testid="adjustment" data-kind={a.kind} data-source={a.source} data-fen={a.fen}>
            <dt>
              <span className={`adj-kind adj-${a.kind}`}>{t(`orders.viewer.explain.kind.${a.kind}`)}</span>
              <span className="explain-reason" data-testid="adjustment-reason">
                {a.reason}
              </span>
            </dt>
            <dd className="explain-minus">−{money(a.fen)}</dd>
          </div>
        ))}
      </dl>

      {couponCount > 0 && (
        <p className="explain-info" data-testid="coupons-applied">
          {t('orders.viewer.explain.couponsApplied', { count: couponCount })}
        </p>
      )}
      {pricing.pointsUsed > 0 && (
        <p className="explain-info" data-testid="points-used">
          {t('orders.viewer.explain.pointsUsed', { count: pricing.pointsUsed })}
        </p>
      )}
      {gifts.length > 0 && (
        <ul className="explain-gifts" data-testid="gifts">
          {gifts.map((g, i) => (
            <li key={i}>
              🎁 {t('orders.viewer.explain.gift', { title: g.title, count: g.quantity })}
            </li>
          ))}
        </ul>
      )}
      {giftsOut.length > 0 && (
        <p className="explain-warn" role="status" data-testid="gift-out-of-stock">
          {t('orders.viewer.explain.giftOutOfStock')}
        </p>
      )}

      <div className="explain-total">
        <span>{t('orders.viewer.explain.total')}</span>
        <strong data-testid="explain-total" data-fen={pricing.totalFen}>
          {money(pricing.totalFen)}
        </strong>
      </div>
      {saved > 0 && (
        <p className="explain-saved" data-testid="explain-saved">
          {t('orders.viewer.explain.saved', { amount: money(saved) })}
        </p>
      )}

      {pricing.nextTier && (
        <p className="next-tier" data-testid="next-tier" data-spend-more={pricing.nextTier.spendMoreFen} data-get-off={pricing.nextTier.getOffFen}>
          {t('orders.viewer.explain.nextTier', { more: money(pricing.nextTier.spendMoreFen), off: money(pricing.nextTier.getOffFen) })}
        </p>
      )}

      {others.length > 0 && (
        <div className="explain-why">
          <button type="button" className="btn btn-ghost btn-sm" aria-expanded={showWhy} onClick={() => { setShowWhy((v) => !v); }} data-testid="why-not-toggle">
            {showWhy ? '▾' : '▸'} {t('orders.viewer.explain.whyNot', { count: others.length })}
          </button>
          {showWhy && (
            <ul className="explain-rejected" data-testid="why-not-list">
              {others.map((r, i) => (
                <li key={i} data-testid="rejected" data-source={r.source}>
                  {r.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
