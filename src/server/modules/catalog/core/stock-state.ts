import type { StockState } from '../../../../contracts/catalog.contract.js';

/**
 * What the audience is told about a SKU's stock. Honest by construction: "only N left" appears
 * only when the real count is at or below the threshold, and N is that real count; nothing is
 * ever padded, rounded or invented. A threshold of 0 never shows a count.
 */
export function stockState(stock: number, lowThreshold: number): StockState {
  if (!Number.isSafeInteger(stock) || stock <= 0) return { state: 'sold_out' };
  if (stock <= lowThreshold) return { state: 'low', left: stock };
  return { state: 'in_stock' };
}
