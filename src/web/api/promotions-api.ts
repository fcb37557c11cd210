// Promotions and coupons API for the console. Only types come from the contract (no zod in the bundle).
import type { z } from 'zod';
import type {
  CouponTemplateDto,
  IssueResult,
  PromotionDto,
  WalletCoupon,
  createCouponTemplateBody,
  createPromotionBody,
  promotionKindSchema,
  updateCouponTemplateBody,
  updatePromotionBody,
} from '../../contracts/promotions.contract.js';
import { api } from './api-client';

export type Promotion = PromotionDto;
export type PromotionKindInfo = z.infer<typeof promotionKindSchema>;
export type PromotionKind = PromotionKindInfo['kind'];
export type PromotionStatus = Promotion['status'];
export type NewPromotionInput = z.input<typeof createPromotionBody>;
export type PromotionPatch = z.input<typeof updatePromotionBody>;
export type CouponTemplate = CouponTemplateDto;
export type NewCouponTemplateInput = z.input<typeof createCouponTemplateBody>;
export type CouponTemplatePatch = z.input<typeof updateCouponTemplateBody>;
export type { IssueResult, WalletCoupon };
export interface Localized {
  en: string;
  'zh-CN': string;
}

const enc = encodeURIComponent;

export const promotionsApi = {
  kinds: (signal?: AbortSignal) => api.get<{ items: PromotionKindInfo[]; stacking: Localized[] }>('/api/console/promotions/kinds', { signal }),
  list: (params: { sessionId?: string; status?: PromotionStatus | '' }, signal?: AbortSignal) =>
    api.get<{ items: Promotion[] }>('/api/console/promotions', { query: params, signal }),
  create: (input: NewPromotionInput) => api.post<Promotion>('/api/console/promotions', input),
  update: (id: string, patch: PromotionPatch) => api.patch<Promotion>(`/api/console/promotions/${enc(id)}`, patch),
  setStatus: (id: string, status: 'active' | 'paused' | 'ended') => api.post<Promotion>(`/api/console/promotions/${enc(id)}/status`, { status }),

  templates: (signal?: AbortSignal) => api.get<{ items: CouponTemplate[] }>('/api/console/coupons/templates', { signal }),
  createTemplate: (input: NewCouponTemplateInput) => api.post<CouponTemplate>('/api/console/coupons/templates', input),
  updateTemplate: (id: string, patch: CouponTemplatePatch) => api.patch<CouponTemplate>(`/api/console/coupons/templates/${enc(id)}`, patch),
  setTemplateStatus: (id: string, status: 'active' | 'paused') => api.post<CouponTemplate>(`/api/console/coupons/templates/${enc(id)}/status`, { status }),
  issue: (id: string, to: { viewerIds?: string[]; nicknames?: string[] }) => api.post<IssueResult>(`/api/console/coupons/templates/${enc(id)}/issue`, to),
  searchCoupons: (params: { viewer?: string; templateId?: string; limit?: number }, signal?: AbortSignal) =>
    api.get<{ items: WalletCoupon[] }>('/api/console/coupons', { query: params, signal }),
};
