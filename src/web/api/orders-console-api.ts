// The console's orders and fulfilment API. Types come from the shared contract (types only: no zod in the bundle).
import type { z } from 'zod';
import type { consoleOrderDetail, consoleOrderSchema, fullAddressReply, orderSchema } from '../../contracts/orders.contract.js';
import type { Page } from './api-types';
import { api } from './api-client';

export type ConsoleOrder = z.infer<typeof consoleOrderSchema>;
export type ConsoleOrderDetail = z.infer<typeof consoleOrderDetail>;
export type OrderView = z.infer<typeof orderSchema>;
export type FullAddress = z.infer<typeof fullAddressReply>;
export type ConsoleOrderStatus = ConsoleOrder['status'];
export type ReturnAction = 'approve' | 'reject' | 'receive' | 'refund';

export const ORDER_STATUSES: readonly ConsoleOrderStatus[] = ['pending_payment', 'paid', 'shipped', 'delivered', 'cancelled'];

const enc = encodeURIComponent;

export const ordersConsoleApi = {
  list: (params: { status?: ConsoleOrderStatus | ''; sessionId?: string; q?: string; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    api.get<Page<ConsoleOrder>>('/api/console/orders', {
      query: {
        ...(params.status ? { status: params.status } : {}),
        ...(params.sessionId ? { sessionId: params.sessionId } : {}),
        ...(params.q ? { q: params.q } : {}),
        ...(params.limit ? { limit: params.limit } : {}),
        ...(params.cursor ? { cursor: params.cursor } : {}),
      },
      signal,
    }),
  get: (id: string, signal?: AbortSignal) => api.get<ConsoleOrderDetail>(`/api/console/orders/${enc(id)}`, { signal }),
  address: (id: string) => api.get<FullAddress>(`/api/console/orders/${enc(id)}/address`),
  fulfilmentAddress: (id: string) => api.get<FullAddress>(`/api/console/fulfilment/${enc(id)}/address`),
  cancel: (id: string, reason: string) => api.post<OrderView>(`/api/console/orders/${enc(id)}/cancel`, { reason }),
  returnAction: (id: string, returnId: string, action: ReturnAction, note?: string) =>
    api.post<OrderView>(`/api/console/orders/${enc(id)}/returns/${enc(returnId)}`, { action, ...(note ? { note } : {}) }),
  fulfilment: (signal?: AbortSignal) => api.get<{ items: ConsoleOrder[] }>('/api/console/fulfilment', { query: { limit: 200 }, signal }),
  ship: (id: string, carrier: string, trackingNo: string) => api.post<OrderView>(`/api/console/orders/${enc(id)}/ship`, { carrier, trackingNo }),
  deliver: (id: string) => api.post<OrderView>(`/api/console/orders/${enc(id)}/deliver`, {}),
};
