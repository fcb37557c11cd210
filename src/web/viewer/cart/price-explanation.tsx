import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CartQuote, PricingResult } from '../../api/commerce-api';
import { formatFen } from '../../format/money-format';
import { GiftIcon } from './commerce-icons';
import { codedReasonText, codedReasonWithSource, type CodedReason } from './reason-i18n';
import { localizeReason } from './reason-text';

type Rejected = PricingResult['rejected'][number];

/** A gift that was left out because its own stock ran out: the order still goes through. */
export function isGiftOutOfStock(r: Rejected): boolean {
  if (r.code) return r.code === 'gift.out-of-stock';
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
  /** The machine form of each note (same order); absent for orders priced before codes existed. */
  noteCodes?: { code: string; params: Record<string, string | number> }[];
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
      ...(p?.noteCodes ? { noteCodes: p.noteCodes } : {}),
      flashUnits: l.flashUnits,
    };
  });
}

/** Swaps promotion and coupon ids in the engine's sentences for the names people read. */
export function humanize(text: string, names: Record<string, string> | undefined): string {
  if (!names) return text;
  let out = text;
  // Longest ids first, so an id that contains another is replaced whole.
  for (const id of Object.keys(names).sort((a, b) => b.length - a.length)) {
    const name = names[id];
    if (id && name && id !== name) out = out.split(id).join(name);
  }
  return out;
}

/** The engine starts each sentence with its source id ("p1: spend ¥100 …"); the label already names it. */
export function withoutSource(reason: string, source: string): string {
  return reason.startsWith(`${source}: `) ? reason.slice(source.length + 2) : reason;
}

/** Source names the server gives in English that the buyer reads in their language. */
export function localNames(names: Record<string, string> | undefined, flashSale: string): Record<string, string> | undefined {
  if (!names) return names;
  return Object.fromEntries(Object.entries(names).map(([id, name]) => [id, name === 'Flash sale' ? flashSale : name]));
}

export interface Explanation {
  regularFen: number;
  adjustments: ({ source: string; kind: string; fen: number } & CodedReason)[];
  rejected: ({ source: string } & CodedReason)[];
  totalFen: number;
  pointsUsed: number;
  gifts: { title: string; quantity: number }[];
  /** A gift the offer promised is out of stock: the order goes through without it. */
  giftOutOfStock: boolean;
  couponCount: number;
  nextTier?: { spendMoreFen: number; getOffFen: number; source: string } | undefined;
  sourceNames?: Record<string, string>;
}

/** The explanation of a cart quote (what the drawer and the checkout show). */
export function explanationOfQuote(quote: CartQuote): Explanation {
  const p = quote.pricing;
  return {
    regularFen: p.lines.reduce((s, l) => s + l.regularFen, 0),
    adjustments: p.adjustments,
    rejected: p.rejected,
    totalFen: p.totalFen,
    pointsUsed: p.pointsUsed,
    gifts: quote.gifts,
    giftOutOfStock: p.rejected.some(isGiftOutOfStock),
    couponCount: quote.couponIds.length,
    nextTier: p.nextTier,
    sourceNames: quote.sourceNames,
  };
}

/** Every adjustment with its reason, the gifts, the candidates left out and why, and the total. */
export function PriceExplanation({
  explanation: e,
  showLines = true,
  lines,
  testId = 'price-explanation',
}: {
  explanation: Explanation;
  showLines?: boolean;
  lines?: ExplainedLine[];
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? 'en';
  const money = useMoney();
  const [showWhy, setShowWhy] = useState(false);
  const saved = e.regularFen - e.totalFen;
  const names = localNames(e.sourceNames, t('flash.viewer.title'));
  const say = (text: string) => localizeReason(humanize(text, names), lang);
  const ctx = { t, lang, names };
  const sayNote = (l: ExplainedLine, i: number, text: string) => {
    const coded = l.noteCodes?.[i];
    return (coded && codedReasonWithSource({ reason: text, ...coded }, ctx)) ?? say(text);
  };
  const others = distinctRejected(e.rejected.filter((r) => !isGiftOutOfStock(r)));

  return (
    <div className="explain" data-testid={testId}>
      {showLines && lines && (
        <ul className="explain-lines">
          {lines.map((l) => (
            <li key={l.lineId} className="explain-line" data-testid="explain-line" data-line-id={l.lineId}>
              <div className="explain-line-head">
                <span className="explain-line-title">
                  {l.flashUnits > 0 && <span className="flash-tag">{t('flash.viewer.tag')}</span>}
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
                  {sayNote(l, i, n)}
                </p>
              ))}
            </li>
          ))}
        </ul>
      )}

      <dl className="explain-sums">
        <div>
          <dt>{t('orders.viewer.explain.regularTotal')}</dt>
          <dd data-testid="explain-regular" data-fen={e.regularFen}>
            {money(e.regularFen)}
          </dd>
        </div>
        {e.adjustments.map((a, i) => (
          <div key={`${a.source}-${String(i)}`} className="explain-adjustment" data-testid="adjustment" data-kind={a.kind} data-source={a.source} data-fen={a.fen}>
            <dt>
              <span className={`adj-kind adj-${a.kind}`}>
                {t(`orders.viewer.explain.kind.${a.kind}`, { defaultValue: a.kind })}
                {names?.[a.source] && a.kind !== 'points' ? ` · ${names[a.source] ?? ''}` : ''}
              </span>
              <span className="explain-reason" data-testid="adjustment-reason">
                {codedReasonText(a, ctx) ?? say(withoutSource(a.reason, a.source))}
              </span>
            </dt>
            <dd className="explain-minus">−{money(a.fen)}</dd>
          </div>
        ))}
      </dl>

      {e.couponCount > 0 && (
        <p className="explain-info" data-testid="coupons-applied">
          {t('orders.viewer.explain.couponsApplied', { count: e.couponCount })}
        </p>
      )}
      {e.pointsUsed > 0 && (
        <p className="explain-info" data-testid="points-used">
          {t('orders.viewer.explain.pointsUsed', { count: e.pointsUsed })}
        </p>
      )}
      {e.gifts.length > 0 && (
        <ul className="explain-gifts" data-testid="gifts">
          {e.gifts.map((g, i) => (
            <li key={i}>
              <GiftIcon /> {t('orders.viewer.explain.gift', { title: g.title, count: g.quantity })}
            </li>
          ))}
        </ul>
      )}
      {e.giftOutOfStock && (
        <p className="explain-warn" role="status" data-testid="gift-out-of-stock">
          {t('orders.viewer.explain.giftOutOfStock')}
        </p>
      )}

      <div className="explain-total">
        <span>{t('orders.viewer.explain.total')}</span>
        <strong data-testid="explain-total" data-fen={e.totalFen}>
          {money(e.totalFen)}
        </strong>
      </div>
      {saved > 0 && (
        <p className="explain-saved" data-testid="explain-saved">
          {t('orders.viewer.explain.saved', { amount: money(saved) })}
        </p>
      )}

      {e.nextTier && (
        <p className="next-tier" data-testid="next-tier" data-spend-more={e.nextTier.spendMoreFen} data-get-off={e.nextTier.getOffFen}>
          {t('orders.viewer.explain.nextTier', { more: money(e.nextTier.spendMoreFen), off: money(e.nextTier.getOffFen) })}
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
                  {codedReasonWithSource(r, ctx) ?? say(r.reason)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
