// Flash sales (整点抢购) for the console. Only types come from the contract (no zod in the bundle).
import type { z } from 'zod';
import type { createFlashSaleBody, FlashSaleDto } from '../../contracts/flash-sales.contract.js';
import { api } from './api-client';

export type ConsoleFlashSale = FlashSaleDto;
export type NewFlashSaleInput = z.input<typeof createFlashSaleBody>;

const enc = encodeURIComponent;
const base = (sessionId: string) => `/api/console/sessions/${enc(sessionId)}/flash-sales`;

export const flashSalesApi = {
  /** The sales and the server's clock (ms), for countdowns that agree with the server. */
  list: (sessionId: string, signal?: AbortSignal) => api.get<{ items: ConsoleFlashSale[]; now: number }>(base(sessionId), { signal }),
  create: (sessionId: string, input: NewFlashSaleInput) => api.post<ConsoleFlashSale>(base(sessionId), input),
  openNow: (sessionId: string, saleId: string) => api.post<ConsoleFlashSale>(`${base(sessionId)}/${enc(saleId)}/open-now`, {}),
  close: (sessionId: string, saleId: string) => api.post<ConsoleFlashSale>(`${base(sessionId)}/${enc(saleId)}/close`, {}),
  cancel: (sessionId: string, saleId: string) => api.post<ConsoleFlashSale>(`${base(sessionId)}/${enc(saleId)}/cancel`, {}),
};

/** The next full hour (整点) after `nowMs`, local time. */
export function nextFullHour(nowMs: number): Date {
  const d = new Date(nowMs);
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  return d;
}
