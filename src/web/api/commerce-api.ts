// The viewer's commerce API: cart quote (promotions), flash sales, orders and the sandbox
// payment page. Types only come from the server side (no zod in the bundle).
import type { z } from 'zod';
import type { FLASH_PASS_HEADER as CONTRACT_PASS_HEADER, FlashReservationDto, PublicFlashSale, flashClaimReply, flashPassReply } from '../../contracts/flash-sales.contract.js';
import type { cartQuoteSchema } from '../../contracts/promotions.contract.js';
import type { FlashEvent } from '../../contracts/realtime.contract.js';
import { ApiError, CLIENT_ERROR_CODES, api, type RequestOptions } from './api-client';

/** POST /api/live/:id/cart/quote: the cart priced by the engine, with names for its sources. */
export type CartQuote = z.infer<typeof cartQuoteSchema>;
export type PricingResult = CartQuote['pricing'];

export interface CartLineRequest {
  skuId: string;
  quantity: number;
  flashSaleId?: string;
  /** A held reservation of that flash sale (from a grab): its units are priced at the flash price. */
  reservationId?: string;
}

/** GET /api/live/:id/flash-sales: what the audience sees of a sale. */
export type FlashSale = PublicFlashSale;
/** POST …/flash-sales/:saleId/pass: a short-lived signed pass to grab units of one sale. */
export type FlashPass = z.infer<typeof flashPassReply>;
/** Units held for the buyer at the flash price until `holdUntil` (server time). */
export type FlashReservation = FlashReservationDto;
/** POST …/flash-sales/:saleId/claims: the reservation, and whether it answers an earlier try with the same key. */
export type FlashClaim = z.infer<typeof flashClaimReply>;
/** The header that carries a flash pass: the contract's literal (typed against it: the contract module brings zod, so it is not imported). */
export const FLASH_PASS_HEADER: typeof CONTRACT_PASS_HEADER = 'x-flash-pass';

/** The room's `{t:'flash'}` event: the sale's state now (and the server's clock). */
export type { FlashEvent };

export interface ShippingAddress {
  name: string;
  phone: string;
  region: string;
  street: string;
}

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'delivered' | 'cancelled';

export interface OrderLine {
  id: string;
  skuId: string;
  productId?: string;
  title: string;
  skuName: string;
  quantity: number;
  unitPriceFen: number;
  activityFen?: number;
  paidFen: number;
  allocations?: { source: string; fen: number }[];
  flashSaleId?: string | null;
  flashUnits?: number;
  isGift?: boolean;
  returnedQty?: number;
}

export interface OrderHistoryEntry {
  from?: string | null;
  to: string;
  at: string;
  actorKind?: string;
  reason?: string | null;
}

export interface OrderReturn {
  id: string;
  status: string;
  refundFen?: number;
  lines?: { lineId: string; quantity: number; refundFen?: number }[];
  createdAt?: string;
}

export interface ViewerOrder {
  id: string;
  sessionId: string | null;
  status: OrderStatus | string;
  currency: string;
  regularFen?: number;
  totalFen: number;
  pointsUsed?: number;
  payBy?: string;
  createdAt: string;
  paidAt?: string | null;
  shippedAt?: string | null;
  deliveredAt?: string | null;
  carrier?: string | null;
  trackingNo?: string | null;
  address?: string | null;
  addressMasked?: string | null;
  cancelledAt?: string | null;
  lines: OrderLine[];
  /** Every adjustment with its reason, as priced when the order was placed. */
  adjustments?: { source: string; kind: string; fen: number; reason: string }[];
  /** Gifts that were out of stock when the order was placed (the order went through without them). */
  giftsOmitted?: { skuId: string; title: string; quantity: number; reason: string }[];
  couponIds?: string[];
  refundedFen?: number;
  /** Last day a return may be requested (delivered orders). */
  returnBy?: string | null;
  /** Where to pay while unpaid. */
  checkoutUrl?: string | null;
  pricing?: PricingResult;
  history?: OrderHistoryEntry[];
  returns?: OrderReturn[];
  payment?: { provider?: string; checkoutUrl?: string; ref?: string; status?: string } | null;
}

export interface PlaceOrderBody {
  lines: CartLineRequest[];
  usePoints: boolean;
  expectedTotalFen: number;
  idempotencyKey: string;
  address: ShippingAddress;
}

export interface PlaceOrderReply {
  order: ViewerOrder;
  payment: { provider: string; checkoutUrl: string };
}

export interface SandboxPayment {
  ref: string;
  orderId: string;
  amountFen: number;
  currency: string;
  paymentStatus: string;
  orderStatus: string;
  payBy?: string;
  lines?: { title: string; skuName?: string; quantity: number; paidFen?: number; isGift?: boolean }[];
}

const enc = encodeURIComponent;

/** Unwraps `{items}` / `{orders}` / a bare array: the list shapes a route may answer with. */
function listOf<T>(body: unknown, ...keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const k of [...keys, 'items']) {
      const v = (body as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}

/** `{order}` or the order itself. */
function orderOf(body: unknown): ViewerOrder {
  if (body && typeof body === 'object' && 'order' in body && typeof (body as { order: unknown }).order === 'object') {
    return (body as { order: ViewerOrder }).order;
  }
  return body as ViewerOrder;
}

export interface AudienceAuth {
  /** A guest's token (signed-in viewers use their cookie). */
  guestToken?: string | null;
}

function authHeaders(auth: AudienceAuth | undefined): Pick<RequestOptions, 'headers'> {
  return auth?.guestToken ? { headers: { 'x-guest-token': auth.guestToken } } : {};
}

export const commerceApi = {
  quote: (sessionId: string, body: { lines: CartLineRequest[]; usePoints: boolean }, auth?: AudienceAuth, signal?: AbortSignal) =>
    api.post<CartQuote>(`/api/live/${enc(sessionId)}/cart/quote`, body, { signal, ...authHeaders(auth) }),

  /** The room's flash sales, and the server's clock (the Date header, or `now` when the body has it) for the countdowns. */
  flashSales: async (sessionId: string, auth?: AudienceAuth, signal?: AbortSignal): Promise<{ sales: FlashSale[]; serverOffsetMs: number }> => {
    const sentAt = Date.now();
    const res = await fetch(`/api/live/${enc(sessionId)}/flash-sales`, {
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(auth?.guestToken ? { 'x-guest-token': auth.guestToken } : {}) },
      signal,
    }).catch((cause: unknown) => {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, message: 'Network error' });
    });
    const receivedAt = Date.now();
    if (!res.ok) throw new ApiError({ status: res.status, code: res.status === 404 ? 'NOT_FOUND' : CLIENT_ERROR_CODES.badResponse, message: `HTTP ${String(res.status)}` });
    const body = (await res.json()) as unknown;
    const mid = (sentAt + receivedAt) / 2;
    const stated = body && typeof body === 'object' && !Array.isArray(body) ? ((body as Record<string, unknown>).now ?? (body as Record<string, unknown>).serverTime) : undefined;
    const statedMs = typeof stated === 'number' ? stated : typeof stated === 'string' ? Date.parse(stated) : NaN;
    const headerMs = Date.parse(res.headers.get('date') ?? '');
    let offset = 0;
    if (Number.isFinite(statedMs)) offset = statedMs - mid;
    else if (Number.isFinite(headerMs)) {
      // The Date header has whole seconds (the server's clock 0-1 s before it sent it): only a
      // clock that is off by more than that is corrected.
      const off = headerMs + 500 - mid;
      offset = Math.abs(off) > 1500 ? off : 0;
    }
    return { sales: listOf<FlashSale>(body, 'flashSales', 'sales'), serverOffsetMs: Math.round(offset) };
  },

  /** A pass for grabbing units of one sale (signed-in viewer: cookie and CSRF token). */
  flashPass: (sessionId: string, saleId: string, invite?: string | null, signal?: AbortSignal) =>
    api.post<FlashPass>(`/api/live/${enc(sessionId)}/flash-sales/${enc(saleId)}/pass`, {}, { signal, query: { invite } }),
  /**
   * Grabs units of a sale: with a pass, the pass header (the cookie and CSRF token go along, as
   * for every viewer write); the same idempotency key answers with the same reservation.
   */
  claimFlash: (sessionId: string, saleId: string, body: { quantity: number; idempotencyKey: string }, pass?: string | null) =>
    api.post<FlashClaim>(`/api/live/${enc(sessionId)}/flash-sales/${enc(saleId)}/claims`, body, pass ? { headers: { [FLASH_PASS_HEADER]: pass } } : {}),
  /** Gives a held reservation back (its units return to the sale). */
  releaseFlash: (sessionId: string, saleId: string, reservationId: string) =>
    api.delete<{ reservation: FlashReservation }>(`/api/live/${enc(sessionId)}/flash-sales/${enc(saleId)}/claims/${enc(reservationId)}`),

  placeOrder: (sessionId: string, body: PlaceOrderBody) => api.post<PlaceOrderReply>(`/api/live/${enc(sessionId)}/orders`, body),

  myOrders: async (signal?: AbortSignal): Promise<ViewerOrder[]> => listOf<ViewerOrder>(await api.get<unknown>('/api/viewer/orders', { signal }), 'orders'),
  order: async (id: string, signal?: AbortSignal): Promise<ViewerOrder> => orderOf(await api.get<unknown>(`/api/viewer/orders/${enc(id)}`, { signal })),
  cancel: async (id: string, reason?: string) => orderOf(await api.post<unknown>(`/api/viewer/orders/${enc(id)}/cancel`, reason ? { reason } : {})),
  confirmReceipt: async (id: string) => orderOf(await api.post<unknown>(`/api/viewer/orders/${enc(id)}/confirm-receipt`, {})),
  requestReturn: (id: string, body: { lines: { lineId: string; quantity: number }[]; reason?: string }) =>
    api.post<unknown>(`/api/viewer/orders/${enc(id)}/returns`, body),

  /** The signed-in viewer's coupons and points balance. */
  wallet: (signal?: AbortSignal) => api.get<{ coupons: { id: string; status: string }[]; points: number }>('/api/viewer/coupons', { signal }),

  sandbox: (ref: string, signal?: AbortSignal) => api.get<SandboxPayment>(`/api/pay/sandbox/${enc(ref)}`, { signal }),
  completeSandbox: (ref: string, outcome: 'succeed' | 'fail') =>
    api.post<{ orderId: string; orderStatus: string; paymentStatus: string }>(`/api/pay/sandbox/${enc(ref)}/complete`, { outcome }),
};

/** One key per checkout attempt: a retried or double-clicked "Pay" reuses it (one order). */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
