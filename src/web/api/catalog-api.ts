// Catalog and session-shelf API for the console and the viewer room. Only types come from the
// contract (no zod in the bundle).
import type { z } from 'zod';
import type {
  ConsoleShelf,
  Explanations,
  LiveShelf,
  PriceHistory,
  ProductDto,
  StockState,
  createProductBody,
  updateProductBody,
} from '../../contracts/catalog.contract.js';
import { api } from './api-client';

export type { ConsoleShelf, Explanations, LiveShelf, PriceHistory, StockState };
export type CatalogProduct = ProductDto;
export type CatalogSku = ProductDto['skus'][number];
export type NewProductInput = z.input<typeof createProductBody>;
export type ProductPatch = z.input<typeof updateProductBody>;
export type LiveShelfProduct = LiveShelf['products'][number];
export type LiveShelfSku = LiveShelfProduct['skus'][number];
export type Pinned = LiveShelf['pinned'];
export type ProductStatusFilter = 'active' | 'archived' | 'all';

const enc = encodeURIComponent;

export const catalogApi = {
  listProducts: (params: { q?: string; status?: ProductStatusFilter }, signal?: AbortSignal) =>
    api.get<{ items: CatalogProduct[] }>('/api/console/products', { query: params, signal }),
  listBrands: (signal?: AbortSignal) => api.get<{ items: { id: string; name: string }[] }>('/api/console/brands', { signal }),
  createProduct: (input: NewProductInput) => api.post<CatalogProduct>('/api/console/products', input),
  /** Fields and, with `skus`, the whole SKU list, saved in one transaction. */
  updateProduct: (id: string, patch: ProductPatch) => api.patch<CatalogProduct>(`/api/console/products/${enc(id)}`, patch),
  priceHistory: (skuId: string, signal?: AbortSignal) => api.get<PriceHistory>(`/api/console/skus/${enc(skuId)}/prices`, { signal }),

  getShelf: (sessionId: string, signal?: AbortSignal) => api.get<ConsoleShelf>(`/api/console/sessions/${enc(sessionId)}/shelf`, { signal }),
  setShelf: (sessionId: string, productIds: string[]) => api.put<ConsoleShelf>(`/api/console/sessions/${enc(sessionId)}/shelf`, { productIds }),
  pin: (sessionId: string, productId: string | null) => api.post<{ pinned: Pinned }>(`/api/console/sessions/${enc(sessionId)}/shelf/pin`, { productId }),
  explanations: (sessionId: string, signal?: AbortSignal) => api.get<Explanations>(`/api/console/sessions/${enc(sessionId)}/explanations`, { signal }),

  /** The audience's shelf; guests send their token, signed-in viewers their cookie. */
  liveShelf: (sessionId: string, auth: { guestToken?: string | null; invite?: string | null }, signal?: AbortSignal) =>
    api.get<LiveShelf>(`/api/live/${enc(sessionId)}/shelf`, {
      query: { invite: auth.invite },
      signal,
      ...(auth.guestToken ? { headers: { 'x-guest-token': auth.guestToken } } : {}),
    }),
};

/** "12.50" / "12" / "12.5" -> 1250 fen; null when it is not a non-negative amount with at most 2 decimals. */
export function yuanToFen(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** 1250 -> "12.50" (for inputs; display uses formatFen). */
export function fenToYuanInput(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
