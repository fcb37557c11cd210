import { useTranslation } from 'react-i18next';
import type { LiveShelfProduct, StockState } from '../../api/catalog-api';

/** The honest stock line: "only N left" only when the server says it is low (and N is real). */
export function StockLabel({ stock }: { stock: StockState }) {
  const { t } = useTranslation();
  if (stock.state === 'sold_out')
    return (
      <span className="stock-label stock-sold-out" data-testid="stock-label" data-state="sold_out">
        {t('shelf.viewer.soldOut')}
      </span>
    );
  if (stock.state === 'low')
    return (
      <span className="stock-label stock-low" data-testid="stock-label" data-state="low">
        {t('shelf.viewer.onlyLeft', { count: stock.left })}
      </span>
    );
  return null;
}

/** A product-level label: only when it holds for the whole product (one SKU, or every SKU sold out). */
export function productStock(p: LiveShelfProduct): StockState | null {
  if (p.skus.length > 0 && p.skus.every((s) => s.stock.state === 'sold_out')) return { state: 'sold_out' };
  if (p.skus.length === 1) return p.skus[0]!.stock;
  return null;
}

export function minPrice(p: LiveShelfProduct): { fen: number; varies: boolean } | null {
  if (p.skus.length === 0) return null;
  const prices = p.skus.map((s) => s.priceFen);
  const fen = Math.min(...prices);
  return { fen, varies: prices.some((x) => x !== fen) };
}
